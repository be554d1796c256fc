"""Tests of ShiftedFreeMeixner (loc + X, X ~ FreeMeixner(a, b, c)): the quadratic laws written in one family."""
from __future__ import annotations

import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.shifted_free_meixner import ShiftedFreeMeixner
from freecalc.testing import check_law

QUADRATIC_LAWS = [fc.Semicircle(2.0, center=0.5), fc.MarchenkoPastur(0.3, sigma2=2.0), fc.KestenMcKay(5),
                  fc.Wachter(3.0, 2.0), fc.FreeMeixner(0.4, 1.3, 0.7), fc.MarchenkoPastur(2.0)]


@pytest.mark.parametrize("law", QUADRATIC_LAWS, ids=repr)
def test_from_quadratic_is_the_same_law(law):
    # independent route: each law's own closed forms (density, Stieltjes transform, atoms)
    s = ShiftedFreeMeixner.from_quadratic(law)
    (lo, hi), = [(min(a for a, _ in law.support), max(b for _, b in law.support))]
    x = np.linspace(lo, hi, 41)[1:-1]
    assert np.allclose(s.pdf(x), law.pdf(x), rtol=1e-10, atol=1e-12)  # coefficients round-tripped in doubles
    z = np.array([0.3 + 0.2j, -1.0 + 1.0j, 4.0 + 0.01j, 10.0j])
    assert np.allclose(s.stieltjes(z), law.stieltjes(z), rtol=1e-10)
    assert len(s.atoms) == len(law.atoms)
    for (xs, ws), (xl, wl) in zip(s.atoms, law.atoms):
        assert xs == pytest.approx(xl, abs=1e-10) and ws == pytest.approx(wl, rel=1e-10)


def test_shift_far_above_the_width_keeps_its_digits():
    # loc = 573, width 4e-3 and an atom: the shifted quadratic's coefficients cancel catastrophically in x, so the
    # law evaluates the centred one at x − loc; mean and variance are exact, the mass stays 1
    law = ShiftedFreeMeixner(573.2216526459038, 0.0, 1e-06, 2e-06)
    assert law.mean() == 573.2216526459038 and law.var() == pytest.approx(2e-12, rel=1e-15)
    xs, ws = law.continuous_rule()
    assert ws.sum() + sum(w for _, w in law.atoms) == pytest.approx(1.0, abs=1e-9)
    base = law.base
    x = 573.2216526459038 + np.array([-1e-3, 0.0, 1.5e-3])
    assert np.allclose(law.cdf(x), base.cdf(x - 573.2216526459038), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("params", [(0.3, 0.4, 1.3, 0.7), (-1.0, -0.5, 1.0, 1.5), (2.0, 1.0, 1.0, 3.0)], ids=str)
def test_moments_and_cumulants(params):
    law = ShiftedFreeMeixner(*params)
    loc, a, b, c = params
    assert law.mean() == pytest.approx(loc, abs=1e-14) and law.var() == pytest.approx(b * c, rel=1e-14)
    # moments against the quadrature rule of the density plus the atoms (independent of the binomial expansion)
    xs, ws = law.continuous_rule()
    for k in (1, 2, 3, 4):
        quad = float(np.sum(ws * xs ** k)) + sum(w * x ** k for x, w in law.atoms)
        assert law.moment(k) == pytest.approx(quad, rel=1e-9, abs=1e-12)  # 64-panel rule: ~1e-12 seen
    # free cumulants: the centred law's with κ₁ + loc, and κ₂ = var
    kap = law.free_cumulants(3)
    assert kap[0] == pytest.approx(loc, abs=1e-14) and kap[1] == pytest.approx(b * c, rel=1e-12)


@pytest.mark.parametrize("params", [(-1.0, -0.5, 1.0, 1.5), (2.0, 1.0, 1.0, 3.0)], ids=str)
def test_matrix_model(params):
    # c ≥ 1: the centred law's MANOVA / Wishart model (independent of the law's formulas; for c < 1 without a
    # compound Poisson model the matrix is built from the law's own quantiles, so it is not a check), shifted by loc.
    # The empirical cdf against the law's on a grid 1e-6 away from the atoms (the model's atom eigenvalues scatter by
    # ~1e-15 on both sides of the atom); n = 500: a few 1/n plus fluctuation, < 0.03 (seen 0.002-0.004)
    law = ShiftedFreeMeixner(*params)
    ev = np.sort(np.linalg.eigvalsh(law.matrix(500, rng=np.random.default_rng(7))))
    x = np.linspace(ev[0] - 0.5, ev[-1] + 0.5, 400)
    x = x[[all(abs(v - loc) > 1e-6 for loc, _ in law.atoms) for v in x]]
    ecdf = np.searchsorted(ev, x, side="right") / ev.size
    assert np.max(np.abs(ecdf - law.cdf(x))) < 0.03


def test_conformance():
    report = check_law(ShiftedFreeMeixner(0.3, 0.4, 1.3, 0.7))
    report.require_complete({})
    assert not report.failed
