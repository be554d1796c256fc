"""Tests for freecalc.operations.decompression: API, routes, Monte Carlo, floor, options.

The exact formulas and the validity limit are tested in test_exact_decompression.py.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import freecalc as fc
from freecalc.laws.decompressed import DecompressedLaw
from freecalc.laws.empirical import Empirical
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.wachter import Wachter
from freecalc.sampling import submatrix_of_invariant

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
    # fc.compress (named rules or the symbolic compress_equation) is an independent implementation
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
