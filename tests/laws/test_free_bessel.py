"""Free Bessel laws π_st = π^{⊠(s−1)} ⊠ π^{⊞t}: the defining special cases, the product route, the matrix model."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.distances import ks_distance
from freecalc.laws.free_bessel import FreeBessel, _small_x_pdf, free_bessel_equation
from freecalc.numerics.series import s_series_from_moments
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law


def _same_curve(P, Q):
    """Equal up to a constant factor (the canonical form fixes sign and integer content, not a rational factor)."""
    ratio = sp.cancel(P / Q)
    return not (ratio.free_symbols & {T.m, T.z})


@pytest.mark.parametrize("s, t", [(1, 0.5), (2, 0.5), (2, 0.9), (3, 0.4), (3, 0.9), (3, 1e-6),
                                  (2, 0.99), (4, 0.95), (2, 2.0), (3, 1.5), (6, 3.0)])
def test_conformance(s, t):
    report = check_law(FreeBessel(s, t))
    assert set(report.skipped) == {"symbolic"}  # an algebraic law has no closed-form m(z) to compare with


@pytest.mark.parametrize("t", [0.3, 0.9])
def test_s1_is_free_poisson(t):
    law, fp = FreeBessel(1, t), fc.FreePoisson(t)
    x = np.linspace(0.0, fp.support[0][1] * 1.05, 97)
    # two closed forms of the same curve, evaluated in double precision (rounding)
    assert np.max(np.abs(law.cdf(x) - fp.cdf(x))) < 1e-10
    assert np.max(np.abs(law.pdf(x[1:]) - fp.pdf(x[1:]))) < 1e-10
    assert law.atoms == fp.atoms or np.allclose(law.atoms, fp.atoms, rtol=1e-12)


@pytest.mark.parametrize("s", [2, 3])
def test_curve_at_t1_is_fuss_catalan(s):
    # π_{s1} = π^{⊠s}: the same curve (t = 1 itself is outside the class's domain: use FussCatalan)
    assert _same_curve(free_bessel_equation(s, 1), fc.FussCatalan(s).equation)


@pytest.mark.parametrize("s, t", [(2, 0.5), (3, 0.4), (2, 0.9)])
def test_equals_free_product(s, t):
    law = FreeBessel(s, t)
    prod = fc.free_mul(fc.FussCatalan(s - 1), fc.FreePoisson(t))   # polynomial method (resultant)
    assert _same_curve(law.equation, prod.equation)
    z = np.array([0.5 + 0.3j, 2.0 + 0.01j, 4.0 + 1.0j])
    num = fc.free_mul(fc.FussCatalan(s - 1), fc.FreePoisson(t), method=fc.Method.NUMERIC)   # subordination
    # subordination solves to ~1e-12 relative (SUBORDINATION_TOL); the curve's continuation to rounding
    assert np.allclose(law.stieltjes(z), num.stieltjes(z), rtol=1e-9)
    # S-transform (1 + w)^{1−s}/(t + w): its Taylor coefficients against those from the curve's exact moments
    w = sp.Symbol("w")
    closed = sp.series((1 + w) ** (1 - s) / (sp.Rational(t).limit_denominator(100) + w), w, 0, 5).removeO()
    expected = [float(closed.coeff(w, k)) for k in range(5)]
    assert np.allclose(s_series_from_moments(law.moments(5)), expected, rtol=1e-10)
    ws = np.array([-0.2, 0.1, 0.3])
    assert np.allclose(law.s_transform(ws), (1 + ws) ** (1 - s) / (t + ws), rtol=1e-14)


def test_atom_and_mean():
    law = FreeBessel(3, 0.4)
    assert law.atoms == ((0.0, pytest.approx(0.6, abs=1e-12)),)   # rank tn of the matrix model
    assert law.mean() == pytest.approx(0.4, rel=1e-12)            # S(0) = 1/t


def test_symbolic_t():
    t = sp.Symbol("t", positive=True)
    law = FreeBessel(2, t)
    assert law.is_symbolic
    assert _same_curve(law.equation.subs(t, sp.Rational(1, 2)), FreeBessel(2, 0.5).equation)
    assert sp.expand(free_bessel_equation(1, t) - (-T.z * T.m ** 2 + (t - 1 - T.z) * T.m - 1)) == 0


@pytest.mark.parametrize("s, t, seed, n", [(2, 0.5, 3, 2000), (3, 0.4, 4, 2000), (2, 0.99, 5, 1000),
                                           (4, 0.95, 6, 1000), (2, 2.0, 7, 1000), (3, 1.5, 8, 1000),
                                           (6, 3.0, 9, 1000)])
def test_matrix_model(s, t, seed, n):
    law = FreeBessel(s, t)
    ev = np.linalg.eigvalsh(law.matrix(n, rng=seed))
    # rigid ESD, KS ~ a few 1/n; 0.02 is the bound (measured 0.0013–0.0018 at n = 2000)
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02


@pytest.mark.parametrize("s, t, exc", [(0, 0.5, ValueError), (1.5, 0.5, ValueError), (7, 0.5, ValueError),
                                       (2, 0.0, ValueError), (2, -1.0, ValueError), (2, 0.995, ValueError),
                                       (3, 1.0, ValueError), (5, 1.0005, ValueError), (4, 1.005, ValueError),
                                       (6, 1.04, ValueError), (4, 0.96, ValueError), (1, 1.000001, ValueError),
                                       (2, 1.00002, ValueError), (1, 1.0, ValueError),
                                       (2, float("nan"), ValueError), (sp.Symbol("s"), 0.5, TypeError)])
def test_bad_parameters(s, t, exc):
    with pytest.raises(exc, match="'s'|'t'"):
        FreeBessel(s, t)


def test_identity_and_replace():
    law = FreeBessel(2, 0.5)
    assert law == FreeBessel(2.0, 0.5) and law != FreeBessel(2, 0.6)
    assert repr(law.replace(t=0.8).with_size(10)) == "FreeBessel(s=2, t=0.8, size=10)"


@pytest.mark.parametrize("s, t", [(2, 0.99), (3, 0.99), (4, 0.95)])
def test_atom_next_to_the_continuous_part(s, t):
    # the continuous part starts at 1.5e-7 (s = 2) / 1e-9 (s = 3): the atom 1 - t is still exact, the mass complete
    law = FreeBessel(s, t)
    assert law.sym.atoms == ((0, 1 - sp.Rational(str(t))),)
    x, w = law.continuous_rule()
    # graded Gauss rule on the Puiseux edges against the total mass 1 and the mean t (measured ~1e-16)
    assert w.sum() + 1 - t == pytest.approx(1.0, abs=1e-10)
    assert x @ w == pytest.approx(t, abs=1e-10)


@pytest.mark.parametrize("s, t", [(2, 2.0), (3, 1.5), (6, 3.0)])
def test_t_above_one_singular_at_zero(s, t):
    law = FreeBessel(s, t)
    assert law.atoms == () and law.support[0][0] == 0.0
    x, w = law.continuous_rule()
    assert w.sum() == pytest.approx(1.0, abs=1e-10)  # measured ~1e-16
    assert x @ w == pytest.approx(t, abs=1e-10)
    assert (x * x) @ w == pytest.approx(float(law.exact_moments(2)[1]), rel=1e-10)
    # the rescaled roots (below 1e-3) against the generic continuation where it still works, and the leading
    # order sin(pi (s - 1)/s) (t - 1)^(-1/s) x^(-(s-1)/s)/pi at tiny x (relative correction O(x^(1/s)))
    xs = 10.0 ** -np.arange(3.5, 9.0)
    rescaled, ok = _small_x_pdf(xs, s, t)
    assert ok.all()
    assert np.allclose(rescaled, fc.AlgebraicLaw(law.equation).pdf(xs), rtol=1e-12, atol=0)
    tiny = np.array([1e-30])
    lead = np.sin(np.pi * (s - 1) / s) * (t - 1) ** (-1 / s) * tiny ** (-(s - 1) / s) / np.pi
    assert law.pdf(tiny)[0] == pytest.approx(lead[0], rel=10 * 1e-30 ** (1 / s))


@pytest.mark.parametrize("s, t", [(3, 1.001), (3, 1.01), (4, 1.01), (5, 1.001), (5, 1.05), (6, 1.05)])
def test_t_just_above_one(s, t):
    # the density follows x^(-s/(s+1)) down to a kink just above 0 (1e-9 at s = 3, t = 1.01), then x^(-(s-1)/s):
    # the uniform panels of the generic rule missed that crossover (mass off by up to 0.06, flagged and refused)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        law = FreeBessel(s, t)
        x, w = law.continuous_rule()
    # graded rule against the exact total mass, mean t and second moment (measured ~1e-16)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert x @ w == pytest.approx(t, abs=1e-9)
    assert (x * x) @ w == pytest.approx(float(law.exact_moments(2)[1]), rel=1e-9)
    # the density below the kink against the generic continuation of the same curve, where it lands
    xs = 10.0 ** -np.arange(4.0, 12.0)
    assert np.allclose(law.pdf(xs), fc.AlgebraicLaw(law.equation).pdf(xs), rtol=1e-9, atol=0)


@pytest.mark.parametrize("s, t", [(1, 1.0001), (1, 1.0003), (2, 1.0001), (2, 1.0005), (2, 1.002)])
def test_first_orders_from_their_smallest_t_above_one(s, t):
    # s = 1, 2 just above t = 1: the lower edge (1 − √t)² ~ (t − 1)²/4 was not resolved at t = 1 + 1e-6 (mass
    # 1 − 1.2e-8, raw cdf above 1; found by the thorough property run), so those t are refused; from 1 + 1e-4 on the
    # invariants hold (mass to 1e-8, cdf in [0, 1], ppf∘cdf, moments), with warnings as errors
    import warnings

    from freecalc.testing.invariants import check_invariants

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in (1, 2):
            check_invariants(FreeBessel(s, t), seed)


@pytest.mark.parametrize("s, t, seed", [(3, 1.01, 11), (5, 1.05, 12)])
def test_matrix_model_just_above_one(s, t, seed):
    law = FreeBessel(s, t)
    ev = np.linalg.eigvalsh(law.matrix(1000, rng=seed))
    # rigid ESD, KS ~ a few 1/n: the bound 0.02 at n = 1000
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02
