"""Free Bessel laws π_st = π^{⊠(s−1)} ⊠ π^{⊞t}: the defining special cases, the product route, the matrix model."""
import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.distances import ks_distance
from freecalc.laws.free_bessel import FreeBessel, _small_x_pdf, _zero_chart, free_bessel_equation
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


def _quadrature_stieltjes(law, z):
    """m(z) = ∫ρ(x)/(x − z)dx by mp.quad of the real-axis density: the generic curve's boundary values above 1e-3,
    the rescaled roots below (both independent of the chart near z = 0), in u = x^(1/s), where ρ dx = ρ(u^s) s u^(s-1)
    du is bounded; split at the support's ends and at |z|/10, |z|, 10|z|."""
    s, t = int(law.s), float(law.t)
    W = law.support[-1][1]
    generic = fc.AlgebraicLaw(law.equation)

    def rho(x):
        x = np.array([float(x)])
        return float(_small_x_pdf(x, s, t)[0][0] if x[0] < 1e-3 else generic.pdf(x)[0])

    r = abs(z)
    cuts = sorted({0.0, W, *(c for c in (r / 10, r, 10 * r, 1e-3, W / 2) if 0 < c < W)})
    return complex(mp.quad(lambda u: rho(u ** s) * s * u ** (s - 1) / (u ** s - z), [c ** (1 / s) for c in cuts]))


@pytest.mark.parametrize("s, t, z", [(6, 77.3, -2.27 + 0.0136j), (6, 30.0, -0.001 + 0.001j),
                                     (3, 100.0, 1e-7 + 1e-8j), (5, 100.0, -0.05 + 0.01j), (4, 50.0, 3e-5 + 1e-5j)])
def test_stieltjes_next_to_zero_at_large_t(s, t, z):
    # within ~1e-3 support widths of 0 the continuation from z + iY failed for t > 1 (ConvergenceWarning; the first
    # two points from the thorough property run): the rescaled chart evaluates them, with warnings as errors
    law = FreeBessel(s, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = law.stieltjes(z)
    assert m.imag > 0
    # against the quadrature of the density (measured 1e-16 to 2.4e-15; mp.quad's tanh-sinh on bounded pieces)
    ref = _quadrature_stieltjes(law, z)
    assert abs(m - ref) <= 1e-11 * abs(ref)


@pytest.mark.parametrize("s, t, lo", [(3, 100.0, 1e-6), (6, 5.0, 1e-6), (4, 1.01, 1e-8), (2, 1.0001, 1e-8)])
def test_zero_chart_agrees_with_the_continuation(s, t, lo):
    # where the continuation of the generic curve converges (|z| from lo support widths up to the chart's radius
    # 0.05 widths, all directions of the upper half plane), the chart's value is the same root
    law = FreeBessel(s, t)
    W = law.support[-1][1]
    r = W * np.logspace(np.log10(lo), np.log10(0.05), 12)[:-1]
    th = np.array([0.0, 1e-6, 0.1, 0.5, 1.0, 2.0, 3.0, np.pi - 1e-3])
    z = (r[:, None] * np.exp(1j * th[None, :])).ravel()
    m, ok = _zero_chart(z, s, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ref = fc.AlgebraicLaw(law.equation).stieltjes(z[ok])
    # two routes to the same root in double precision (measured ≤ 6e-14 over s = 2..6, t = 1.0001..100; the
    # continuation's residual rtol is 1e-7)
    assert np.allclose(m[ok], ref, rtol=1e-11, atol=0)
    # far from t = 1 every point is unambiguous; next to it the chart leaves the kink's neighbourhood to the
    # continuation (ok False), which the test above covers
    assert ok.all() or t < 1.1


@pytest.mark.parametrize("s, t", [(2, 5.0), (5, 2.0), (6, 100.0)])
def test_zero_chart_on_the_negative_axis(s, t):
    law = FreeBessel(s, t)
    x = -1e-3 * law.support[-1][1]
    # just above z < 0 Im m = y m'(x) > 0 (m' = ∫ρ/(u − x)² du), below the rounding of the phase of z^(1/s): it
    # comes from m'(x); against the slope Im m(x + ih)/h at h = 1e-6|x| (O(h²/x²) remainder, measured ≤ 1e-11)
    slope = law.stieltjes(x + 1e-6j * abs(x)).imag / (1e-6 * abs(x))
    for y in (1e-30, 1e-15):
        m = law.stieltjes(x + 1j * y)
        assert m.imag > 0
        assert m.imag / y == pytest.approx(slope, rel=1e-9)
    # m(x) real and positive, ~ c|x|^(1/s - 1), c = (t - 1)^(-1/s), the relative correction O(|x|^(1/s))
    tiny = 1e-40
    m = law.stieltjes(-tiny + 0j)
    assert m.imag == 0.0 and m.real > 0
    assert m.real * tiny ** ((s - 1) / s) == pytest.approx((t - 1) ** (-1 / s), rel=10 * tiny ** (1 / s))


@pytest.mark.parametrize("s, t, seed", [(6, 100.0, 24), (6, 77.3, 37)])
def test_invariants_at_large_t(s, t, seed):
    # the property run's invariants with warnings as errors; the seeds put points of check_stieltjes (heights from
    # 1e-6 widths, across 0) where the continuation failed (flagged) before the rescaled chart
    from freecalc.testing.invariants import check_invariants, check_stieltjes

    law = FreeBessel(s, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_stieltjes(law, np.random.default_rng(seed))
        check_invariants(law, seed)
