"""Tests for freecalc.operations.decompression: API, exact route, validity, Monte Carlo."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.decompressed import DecompressedLaw
from freecalc.laws.empirical import Empirical
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.quadratic import QuadraticCoefficients as QC
from freecalc.laws.wachter import Wachter
from freecalc.operations import decompression as D
from freecalc.sampling import submatrix_of_invariant
from freecalc.symbolic.algebraic import compress_equation
from freecalc.symbolic.transforms import m as M, w as W, z as Z

f_sym = sp.Symbol("f", positive=True)


# ----------------------------------------------------------------------------------------------------------------
# API
# ----------------------------------------------------------------------------------------------------------------
def test_target_size_and_factor_forms_agree():
    law = fc.MarchenkoPastur(1 / 50, size=1000)
    a = law.decompress(32000)
    b = law.decompress(factor=32)
    c = fc.decompress(law, 32000, route=fc.Route.EXACT)
    for out in (a, b, c):
        assert isinstance(out, fc.MarchenkoPastur)
        assert out.size == 32000
        assert out.c == pytest.approx(0.64, rel=1e-15)  # 0.02·32 in floating point
        assert out.sigma2 == 1.0
    assert law.decompress(32000, factor=32).size == 32000
    assert fc.decompress(law, 2000, route="exact") == law.decompress(2000)  # route by value


def test_factor_one_and_sizeless_laws():
    law = fc.Semicircle(2.0, size=500)
    assert law.decompress(500) is law
    assert law.decompress(factor=1) is law
    free = fc.Semicircle(2.0)
    out = free.decompress(factor=4)
    assert out.size is None and out.r == pytest.approx(4.0, rel=1e-15)
    assert free.decompress(800, factor=4).size == 800  # no source size: n and factor both given


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(n=500), ValueError, "compression"),  # n < n_s
        (dict(factor=0.5), ValueError, "fc.compress"),
        (dict(), ValueError, "factor=n/n_s"),
        (dict(n=2000, factor=3), ValueError, "disagree"),
        (dict(factor=1.0005), ValueError, "not a matrix size"),
        (dict(n=1500.5), ValueError, "n .the target matrix size. must be an integer"),
        (dict(n=0), ValueError, "n .the target matrix size. must be an integer in \\[1"),
        (dict(n=True), TypeError, "n .the target matrix size. must be an integer"),
        (dict(n=np.float64(math.nan)), ValueError, "n .the target matrix size."),
        (dict(factor="2"), TypeError, "real number"),
        (dict(factor=math.nan), ValueError, "finite"),
        (dict(factor=math.inf), ValueError, "finite"),
        (dict(factor=True), TypeError, "real number"),
    ],
)
def test_bad_targets(kwargs, exc, match):
    law = fc.MarchenkoPastur(0.1, size=1000)
    n = kwargs.pop("n", None)
    with pytest.raises(exc, match=match):
        law.decompress(n, **kwargs)


def test_unknown_source_size_is_never_guessed():
    with pytest.raises(ValueError, match="with_size"):
        fc.MarchenkoPastur(0.1).decompress(4000)


def test_bad_law_route_and_options():
    with pytest.raises(TypeError, match="Law"):
        fc.decompress(np.ones(3), factor=2)
    law = fc.MarchenkoPastur(0.1, size=100)
    with pytest.raises(ValueError, match="route"):
        fc.decompress(law, 200, route="bogus")
    with pytest.raises(TypeError, match="numeric route"):
        fc.decompress(law, 200, grid=100)  # exact route takes no numeric options


# ----------------------------------------------------------------------------------------------------------------
# exact route: symbolic identities
# ----------------------------------------------------------------------------------------------------------------
def _r_identity(law, out, f):
    """R_out(w) − R_law(f w), simplified: 0 for a correct decompression."""
    return sp.simplify(out.sym.r_transform(W) - law.sym.r_transform(f * W))


def test_symbolic_marchenko_pastur_and_semicircle():
    c, s2, r, a = sp.symbols("c sigma2 r a", positive=True)
    mp = fc.MarchenkoPastur(c, s2)
    out = mp.decompress(factor=f_sym)
    assert isinstance(out, fc.MarchenkoPastur) and sp.simplify(out.c - c * f_sym) == 0
    assert _r_identity(mp, out, f_sym) == 0
    sc = fc.Semicircle(r, center=a)
    out = sc.decompress(factor=f_sym)
    assert isinstance(out, fc.Semicircle) and out.center == a
    assert _r_identity(sc, out, f_sym) == 0


def test_symbolic_wachter_closed_with_scaled_parameters():
    a, b = sp.symbols("a b", positive=True)
    law = Wachter(a, b)
    out = law.decompress(factor=f_sym)
    assert isinstance(out, Wachter)
    assert sp.simplify(out.a - a / f_sym) == 0 and sp.simplify(out.b - b / f_sym) == 0
    # the named result has the coefficients of the generic quadratic map (substitution into the equation)
    generic = D.decompressed_quadratic(law.sym.coefficients, f_sym)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(generic, out.sym.coefficients))
    # free cumulants scale as κ_k → f^{k-1} κ_k (Nica–Speicher), checked at numbers (symbolic cumulants of the
    # Wachter law take minutes in sympy)
    num, numout = Wachter(2.0, 3.0), Wachter(2.0, 3.0).decompress(factor=1.7)
    np.testing.assert_allclose(numout.free_cumulants(6), [1.7 ** k * v for k, v in enumerate(num.free_cumulants(6))],
                               rtol=1e-11)  # exact moment recursion, rounding only


def test_symbolic_free_meixner_closed():
    a = sp.Symbol("a", real=True)
    b, c = sp.symbols("b c", positive=True)
    law = FreeMeixner(a, b, c)
    out = law.decompress(factor=f_sym)
    assert isinstance(out, FreeMeixner)
    generic = D.decompressed_quadratic(law.sym.coefficients, f_sym)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(generic, out.sym.coefficients))
    # variance bc scales by f (κ2 → f κ2), mean stays 0
    assert sp.simplify(out.b * out.c - f_sym * b * c) == 0


@pytest.mark.parametrize("law", [FreeMeixner(0.5, 1.0, 0.7), FreeMeixner(0.3, 1.0, 1.4), FreeMeixner(-1.0, 0.5, 2.5)])
def test_free_meixner_cumulants_scale(law):
    f = 1.3
    out = law.decompress(factor=f)
    # κ_k → f^{k−1} κ_k; exact moment recursion, so only rounding (1e-11 relative over 6 orders)
    np.testing.assert_allclose(out.free_cumulants(6), [f ** k * v for k, v in enumerate(law.free_cumulants(6))],
                               rtol=1e-11, atol=1e-12)


def test_quadratic_map_reproduces_kesten_mckay_dilation_and_round_trip():
    d, f = sp.symbols("d f", positive=True)

    def km(dd):
        return QC(0, (2 - dd) / (dd - 1), dd ** 2 / (dd - 1), 0, -1 / (dd - 1))

    def eq(c, scale=1):
        # equation of D_scale μ: m'(z) = m(z/scale)/scale
        zz, mm = Z / scale, M * scale
        return (c.q0 + c.q1 * zz + c.q2 * zz ** 2) * mm ** 2 - (c.p0 + c.p1 * zz) * mm + 1

    # decompression of KM(d) by f is the dilation by f of KM(d/f)
    assert sp.simplify(eq(D.decompressed_quadratic(km(d), f)) - eq(km(d / f), f)) == 0
    # and compress(decompress(μ, f), 1/f) = μ for a general quadratic law (p1 = −1 − q2)
    p0, q0, q1, q2 = sp.symbols("p0 q0 q1 q2")
    gen = QC(p0, -1 - q2, q0, q1, q2)
    back = D.decompressed_quadratic(D.decompressed_quadratic(gen, f), 1 / f)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(back, gen))


def test_quadratic_map_agrees_with_compress_equation():
    # independent route: the algebra helper's resultant-based compress_equation, R(w) → R(αw) with α = f
    for law in (KestenMcKay(3), Wachter(2, 3)):
        for f in (sp.Rational(3, 2), sp.Integer(2)):
            c = D.decompressed_quadratic(D._exact_coefficients(law), f)
            ratio = sp.simplify(compress_equation(law.sym.equation(M, Z), f) / D._quadratic_polynomial(c))
            assert ratio.is_number and ratio != 0


def test_compress_after_decompress_is_identity_numerically():
    for law in (fc.MarchenkoPastur(0.3), Wachter(2.0, 3.0), KestenMcKay(4.0), fc.Semicircle(1.5, center=0.3)):
        c = law.coefficients
        back = D.decompressed_quadratic(D.decompressed_quadratic(c, 3.0), 1 / 3.0)
        np.testing.assert_allclose(back, c, rtol=1e-13, atol=1e-14)  # a few roundings per coefficient


# ----------------------------------------------------------------------------------------------------------------
# exact route: numeric checks for the non-closed family (Kesten–McKay)
# ----------------------------------------------------------------------------------------------------------------
def test_kesten_mckay_decompresses_to_dilated_kesten_mckay_with_atoms():
    law = KestenMcKay(3.0, size=1000)
    out = law.decompress(2000)
    # KM(d) = FreeMeixner(0, d − 1, d/(d − 1)) decompresses to FreeMeixner(0, f(d − f), d/(d − f))
    assert isinstance(out, FreeMeixner) and out.size == 2000
    assert (out.a, out.b, out.c) == pytest.approx((0.0, 2.0, 3.0), abs=1e-15)
    # the same law through the generic route (equation → AlgebraicLaw), an independent implementation
    alg = D._algebraic_candidate(law, 2.0, 2000)
    assert isinstance(alg, AlgebraicLaw)
    x0 = np.linspace(-2.7, 2.7, 7)
    np.testing.assert_allclose(alg.pdf(x0), out.pdf(x0), rtol=1e-9)  # both ~1e-12 accurate
    # D_2 KM(3/2): continuous part on ±2·2√(1/2), atoms at ±d = ±3 of mass 1 − d/(2f) = 1/4 each
    (lo, hi), = out.support
    assert lo == pytest.approx(-2 * math.sqrt(2), abs=1e-12) and hi == pytest.approx(2 * math.sqrt(2), abs=1e-12)
    atoms = out.atoms
    assert [a for a, _ in atoms] == pytest.approx([-3.0, 3.0], abs=1e-12)
    assert [w for _, w in atoms] == pytest.approx([0.25, 0.25], abs=1e-12)
    x = np.linspace(-2.7, 2.7, 13)
    dd = 1.5
    ref = dd * np.sqrt(4 * (dd - 1) - (x / 2) ** 2) / (2 * np.pi * (dd ** 2 - (x / 2) ** 2)) / 2
    np.testing.assert_allclose(out.pdf(x), ref, rtol=1e-9)  # branch continuation polished by Newton to ~1e-12
    # free cumulants κ_k → f^{k−1} κ_k (moments of an algebraic law are exact rationals here)
    ks, kd = law.free_cumulants(6), out.free_cumulants(6)
    np.testing.assert_allclose(kd, [2.0 ** k * v for k, v in enumerate(ks)], rtol=1e-10, atol=1e-10)


def test_general_algebraic_law_decompresses_termwise():
    # R is additive under ⊞ and decompression acts on R alone: decompress(μ ⊞ ν) = decompress(μ) ⊞ decompress(ν);
    # here a cubic equation (compress_equation route) against the algebra helper's free_add of the named results
    mu = fc.free_add(fc.MarchenkoPastur(0.5), fc.Semicircle(1.0))
    out = mu.decompress(factor=2)
    assert isinstance(out, AlgebraicLaw)
    ref = fc.free_add(fc.MarchenkoPastur(1.0), fc.Semicircle(sp.sqrt(2)))
    x = np.linspace(*out.support[0], 9)[1:-1]
    np.testing.assert_allclose(out.pdf(x), ref.pdf(x), rtol=1e-9, atol=1e-12)  # two exact curves, ~1e-15 seen


@pytest.mark.slow
def test_general_algebraic_law_validity_by_bisection():
    # KM(3) ⊞ SC(1/2) (a quartic): valid up to f = 3, where the Kesten–McKay part reaches the Bernoulli law
    # (KM(3)^{⊞1/f} is no measure beyond); bisection to rtol 1e-3 on the positivity/mass check
    nu = fc.free_add(KestenMcKay(3.0), fc.Semicircle(0.5))
    assert len(nu.decompress(factor=2.9).support) >= 1
    with pytest.raises(fc.DecompressionError) as err:
        nu.decompress(factor=3.5)
    assert err.value.max_factor == pytest.approx(3.0, rel=2e-3)


# ----------------------------------------------------------------------------------------------------------------
# validity
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "law, bad, fmax",
    [(KestenMcKay(3.0), 3.5, 3.0), (KestenMcKay(5.0), 7.0, 5.0), (Wachter(2.0, 3.0), 6.0, 5.0),
     (Wachter(0.7, 0.9), 2.0, 1.6), (FreeMeixner(0.3, 1.0, 1.4), 4.0, 3.5)],
)
def test_invalid_factor_reports_largest_valid_factor(law, bad, fmax):
    with pytest.raises(fc.DecompressionError) as err:
        law.decompress(factor=bad)
    assert err.value.max_factor == pytest.approx(fmax, rel=1e-12)
    assert f"{fmax:.10g}" in str(err.value)
    assert isinstance(err.value, ValueError)
    law.decompress(factor=0.999 * fmax)  # just below the limit: valid


def test_invalid_message_gives_target_size():
    with pytest.raises(ValueError, match=r"n <= 3000"):
        KestenMcKay(3.0, size=1000).decompress(4000)


def test_at_the_limit_the_law_is_the_two_atom_jacobi_law():
    out = Wachter(2.0, 3.0).decompress(factor=5)
    # Wachter(a/f, b/f) with a/f + b/f = 1 is b/(a+b) δ0 + a/(a+b) δ1
    locs = [a for a, _ in out.atoms]
    masses = [w for _, w in out.atoms]
    assert locs == pytest.approx([0.0, 1.0], abs=1e-12) and masses == pytest.approx([0.6, 0.4], abs=1e-12)
    out = KestenMcKay(3.0).decompress(factor=3)  # D_3 KM(1) = D_3 Bernoulli
    assert [a for a, _ in out.atoms] == pytest.approx([-3.0, 3.0], abs=1e-12)
    assert [w for _, w in out.atoms] == pytest.approx([0.5, 0.5], abs=1e-12)
    assert out.support == ()
    out = FreeMeixner(0.3, 1.0, 1.4).decompress(factor=3.5)
    # two atoms with mean 0 and variance f·bc = 4.9 (the first two moments survive the limit)
    locs = np.array([a for a, _ in out.atoms])
    masses = np.array([w for _, w in out.atoms])
    assert masses.sum() == pytest.approx(1.0, abs=1e-12) and (masses > 0).all()
    assert masses @ locs == pytest.approx(0.0, abs=1e-12) and masses @ locs ** 2 == pytest.approx(4.9, rel=1e-12)


@pytest.mark.slow
def test_discrete_laws():
    assert fc.PointMass(1.5, size=10).decompress(40) == fc.PointMass(1.5, size=40)
    # the Bernoulli law is not ⊞-divisible: no factor above 1 is valid (bisection on the algebraic candidate)
    with pytest.raises(fc.DecompressionError) as err:
        fc.Atoms((0.0, 1.0), (0.5, 0.5)).decompress(factor=2)
    assert err.value.max_factor == pytest.approx(1.0, abs=2e-3)


def test_semicircle_and_mp_have_no_limit():
    assert fc.Semicircle(1.0).decompress(factor=1e6).r == pytest.approx(1e3, rel=1e-15)
    assert fc.MarchenkoPastur(0.01).decompress(factor=1e4).c == pytest.approx(100.0, rel=1e-12)
    assert D.quadratic_max_factor(fc.MarchenkoPastur(0.5).coefficients) == math.inf


def test_validity_limit_independently_by_positivity_of_the_algebraic_candidate():
    # the resultant route (compress_equation) + positivity/mass check, not the q2 formula
    law = KestenMcKay(3.0)
    assert D._is_probability_measure(D._algebraic_candidate(law, 2.9, None))
    assert not D._is_probability_measure(D._algebraic_candidate(law, 3.2, None))


def test_symbolic_law_provably_invalid_is_rejected():
    d, g = sp.symbols("d g", positive=True)
    law = KestenMcKay(d + 2)  # q2 = −1/(d+1); 1 + q2 (f − 1) < 0 is not decidable: accepted
    out = law.decompress(factor=f_sym)
    assert isinstance(out, FreeMeixner) and sp.simplify(out.b - f_sym * (d + 2 - f_sym)) == 0
    with pytest.raises(ValueError, match="no probability measure"):
        KestenMcKay(3).decompress(factor=3 + g)  # 1 + q2 (f − 1) = −g/2 < 0 for every g > 0


# ----------------------------------------------------------------------------------------------------------------
# Monte Carlo: an n_s-submatrix of a big matrix of the decompressed law has the source law
# ----------------------------------------------------------------------------------------------------------------
def _quantiles(law, n):
    """n midpoint quantiles of a law by inverting its cdf on a fine grid (atoms are grid points)."""
    ends = [e for ab in law.support for e in ab] + [a for a, _ in law.atoms]
    grid = np.union1d(np.linspace(min(ends), max(ends), 1501), [a for a, _ in law.atoms])
    cdf = np.maximum.accumulate(law.cdf(grid))
    u = (np.arange(n) + 0.5) / n
    return grid[np.minimum(np.searchsorted(cdf, u), grid.size - 1)]


@pytest.mark.parametrize(
    "source, wrong",
    [
        (fc.MarchenkoPastur(0.3), fc.MarchenkoPastur(0.45)),
        (fc.Semicircle(2.0, center=1.0), fc.Semicircle(2.5, center=1.0)),
        (KestenMcKay(3.0), KestenMcKay(2.2)),
        (Wachter(2.0, 3.0), Wachter(2.6, 3.0)),
        (FreeMeixner(0.5, 1.0, 1.5), FreeMeixner(0.5, 1.0, 2.2)),
    ],
)
def test_monte_carlo_submatrix_of_decompressed_law(source, wrong):
    n, n_s = 400, 200
    target = source.decompress(factor=n / n_s)
    lam = _quantiles(target, n)
    ev = np.linalg.eigvalsh(submatrix_of_invariant(lam, n_s, rng=12))
    # Eigenvalues are far more rigid than i.i.d. samples (measured KS distance ~0.013 here), so a third of the
    # i.i.d. KS critical value at p = 1e-3, 1.95/√n_s/3 ≈ 0.046, is still safe; the negative controls (a law with
    # a parameter off by ~25 %, and the uncompressed target itself) measure 0.08-0.25, showing the check has power.
    bound = 1.95 / math.sqrt(n_s) / 3
    assert stats.kstest(ev, source.cdf).statistic < bound
    assert stats.kstest(ev, wrong.cdf).statistic > bound
    assert stats.kstest(ev, target.cdf).statistic > bound


# ----------------------------------------------------------------------------------------------------------------
# numeric route (numdec's decompress_numeric)
# ----------------------------------------------------------------------------------------------------------------
def test_numeric_route_for_data_and_forced_numeric_for_a_named_law():
    law = fc.MarchenkoPastur(0.05, size=400)
    esd = Empirical(np.linalg.eigvalsh(law.matrix(400, rng=3)), size=400)
    out = esd.decompress(1600, route=fc.Route.NUMERIC)  # AUTO would take the parametric route (MP is in the family)
    assert isinstance(out, DecompressedLaw) and out.size == 1600
    assert out.decompression_report.route is fc.Route.NUMERIC
    exact = law.decompress(1600)
    # mean is exact under decompression; the fitted-data estimate of m1, m2 within 1 % (n_s = 400 eigenvalues)
    assert out.mean() == pytest.approx(exact.mean(), rel=1e-2)
    assert out.moment(2) == pytest.approx(exact.moment(2), rel=1e-2)
    forced = fc.decompress(law, 1600, route=fc.Route.NUMERIC)  # fitted to the law's own quadrature rule
    assert isinstance(forced, DecompressedLaw)
    x = np.linspace(*exact.support[0], 9)[1:-1]
    np.testing.assert_allclose(forced.pdf(x), exact.pdf(x), rtol=1e-3)  # rational fit of an exact law: ~1e-5
    with pytest.raises(TypeError, match="no exact decompression"):
        fc.decompress(esd, 1600, route=fc.Route.EXACT)
    with pytest.raises(TypeError, match="numeric"):
        fc.decompress(fc.MarchenkoPastur(0.05), factor=f_sym, route=fc.Route.NUMERIC)


@pytest.mark.parametrize(
    "law",
    [fc.MarchenkoPastur(0.3, size=500), fc.Semicircle(1.5, center=0.3, size=500), Wachter(2.0, 3.0, size=500),
     KestenMcKay(3.0, size=500), FreeMeixner(0.3, 1.0, 1.4, size=500)],
)
def test_fc_compress_undoes_decompress(law):
    # the algebra helper's fc.compress (named rules or compress_equation) is an independent implementation
    back = fc.compress(law.decompress(1000), 0.5)
    assert back.size == 500
    x = np.linspace(*law.support[0], 11)[1:-1]
    np.testing.assert_allclose(back.pdf(x), law.pdf(x), rtol=1e-8)  # algebraic-curve continuation: ~1e-12
    np.testing.assert_allclose([back.moment(k) for k in (1, 2, 3)], [law.moment(k) for k in (1, 2, 3)],
                               rtol=1e-10, atol=1e-12)
    assert len(back.atoms) == len(law.atoms)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-2.0, 2.0), b=st.floats(0.2, 3.0), c=st.floats(0.2, 4.0), f=st.floats(1.0, 50.0))
def test_property_free_meixner_validity_and_cumulants(a, b, c, f):
    law = FreeMeixner(a, b, c)
    fmax = c / (c - 1) if c > 1 else math.inf
    if f > fmax * (1 + 1e-9):
        with pytest.raises(fc.DecompressionError) as err:
            law.decompress(factor=f)
        assert err.value.max_factor == pytest.approx(fmax, rel=1e-12)
        return
    if f > fmax * (1 - 1e-9):
        return  # at the limit itself: the two-atom law, tested above
    out = law.decompress(factor=f)
    # κ1 = 0, κ2 = bc → f·bc, κ3 = abc → f²·abc (free Meixner: κ3 = α1 β0²); closed forms, rounding only
    assert out.b * out.c == pytest.approx(f * b * c, rel=1e-12)
    assert out.a * out.b * out.c == pytest.approx(f ** 2 * a * b * c, rel=1e-12, abs=1e-12)
    assert all(w > 0 for _, w in out.atoms)
    # the density integrates to 1 − Σ atoms (checks the atoms of the result against its density); θ-substituted
    # Gauss–Legendre is ~1e-12 except when a pole of 1/Q sits just outside an edge (an atom about to be born),
    # where the peak is resolved to ~1e-6
    assert float(np.sum(out.continuous_rule()[1])) == pytest.approx(out.continuous_mass, abs=1e-6)


# ----------------------------------------------------------------------------------------------------------------
# floor (PSD input, ridge), options, sizes
# ----------------------------------------------------------------------------------------------------------------
def test_psd_law_never_decompresses_below_zero():
    # a law on [0, ∞) is taken for the law of a PSD matrix, whose decompression is PSD; before, the semicircle
    # on [0.5, 2.5] decompressed by 4 was returned on [−0.5, 3.5] silently
    law = fc.Semicircle(1.0, center=1.5, size=100)
    with pytest.raises(fc.DecompressionError, match="below 0") as err:
        law.decompress(400)
    assert err.value.max_factor == pytest.approx(2.25, rel=1e-5)  # centre − r√f = 0 at f = (1.5/1)²
    assert law.decompress(220).support[0][0] >= 0  # factor 2.2 < 2.25
    # lifted explicitly (a shifted Wigner matrix can have positive submatrices): the exact law is returned
    assert law.decompress(400, floor=-math.inf) == fc.Semicircle(2.0, center=1.5, size=400)
    # a law reaching below 0 has no floor unless one is given
    assert fc.Semicircle(1.0, size=100).decompress(400).support[0][0] == pytest.approx(-2.0)


def test_floor_on_the_exact_route():
    law = fc.MarchenkoPastur(0.1, size=100)  # on [0.47, 1.73]: MP decompresses to MP(cf) ≥ 0 for every f
    assert law.decompress(400, floor=0.0) == fc.MarchenkoPastur(0.4, size=400)
    with pytest.raises(ValueError, match=r"floor=0\.5 is above the smallest eigenvalue"):
        law.decompress(400, floor=0.5)
    # the floor is respected or the factor is refused: MP(0.4) starts at (1 − √0.4)² = 0.135
    with pytest.raises(fc.DecompressionError, match="floor 0.3 you gave"):
        law.decompress(400, floor=0.3)


def test_fitted_law_of_psd_data_respects_zero():
    # fc.fit(eigs).law is a named law: its support [a, b] ⊂ (0, ∞) makes it PSD, and its decompression must be
    ev = np.linalg.eigvalsh(fc.Wachter(4.0, 6.0).matrix(400, rng=0))
    law = fc.Wachter(4.0, 6.0, size=400)
    assert law.decompress(factor=9.5).support[0][0] >= 0  # Wachter stays in [0, 1] up to its limit a + b = 10
    # a wrong model of PSD data: fc.fit's semicircle on [0.118, 0.713] decompresses by 32 to [−1.27, 2.10]
    # (before: returned silently); the largest factor that stays PSD is (centre/r)² = 1.955
    sc = fc.fit(ev, law=fc.Semicircle).law.with_size(400)
    with pytest.raises(fc.DecompressionError, match="PSD") as err:
        sc.decompress(factor=32)
    assert err.value.max_factor == pytest.approx((sc.center / sc.r) ** 2, rel=1e-5)


def test_unknown_options_are_refused_up_front():
    esd = fc.Empirical(np.linalg.eigvalsh(fc.MarchenkoPastur(0.2).matrix(200, rng=0)))
    # before: swallowed into **opts, then "Empirical.smooth() got an unexpected keyword argument 'to'"
    with pytest.raises(TypeError, match=r"'to'.*valid options: bootstrap, method.*second argument"):
        esd.decompress(to=400)
    with pytest.raises(TypeError, match=r"'tolerance' for route=NUMERIC; valid options: degree, grid"):
        esd.decompress(400, route=fc.Route.NUMERIC, tolerance=1e-3)
    with pytest.raises(TypeError, match=r"'grid' for route=PARAMETRIC"):
        esd.decompress(400, route=fc.Route.PARAMETRIC, grid=64)
    # numeric options never switch AUTO to the numeric route (before: they silently did)
    with pytest.raises(TypeError, match=r"'degree' belongs to the numeric route: pass route=Route.NUMERIC"):
        esd.decompress(400, degree=(1, 1))
    with pytest.raises(TypeError, match="'outliers'"):  # a law has no outliers to split (only data have)
        fc.decompress(fc.HTMP(0.5, 2, size=100), 400, route=fc.Route.NUMERIC, outliers=0)
    out = esd.decompress(400, threshold=1e9)  # the fit's options are AUTO's own
    assert out.decompression_report.route is fc.Route.PARAMETRIC


def test_integral_sizes():
    law = fc.MarchenkoPastur(0.1, size=1000)
    assert law.decompress(4e3) == law.decompress(4000) == law.decompress(np.int64(4000))
    assert law.decompress(4e3).size == 4000
