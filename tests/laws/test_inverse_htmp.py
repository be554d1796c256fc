"""Tests of InverseHTMP, the law of 1/X for X ~ HTMP(γ, κ): power-law upper tail, moments while finite."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.inverse_htmp import INVERSE_HTMP_MIN_TAIL_EXCESS
from freecalc.testing import check_law
from freecalc.testing.conformance import ks_distance


@pytest.mark.parametrize("g,k", [(0.5, 4.0), (0.25, 2.0), (0.5, 1.0)])
def test_inverse_conformance(g, k):
    # moments: infinite from k = ceil(alpha - 1) on, where the conformance suite's quadrature comparison and
    # cumulant round trip are meaningless; finite moments are checked in test_inverse_moments_finite_and_infinite.
    # symbolic: compares those same moments.
    report = check_law(fc.InverseHTMP(g, k), skip=("moments", "symbolic"))
    allowed = {"inversion": "support (0, ∞) is not compact"}
    if fc.InverseHTMP(g, k).moment(2) == math.inf:
        allowed["r_transform"] = "infinite variance: R has no expansion at w = 0"
    report.require_complete(allowed)
    assert not report.failed


def test_inverse_density_cdf_and_tail():
    g, k = 0.5, 4.0
    inv, base = fc.InverseHTMP(g, k), fc.HTMP(g, k)
    lam = np.array([0.3, 1.0, 2.5, 10.0])
    assert np.allclose(inv.pdf(lam), base.pdf(1 / lam) / lam ** 2, rtol=1e-14)
    assert np.allclose(inv.cdf(lam), 1 - base.cdf(1 / lam), rtol=1e-9, atol=1e-15)
    alpha = inv.tail_exponent
    assert alpha == pytest.approx(1 + k * (1 - g) / (2 * g))
    # log-log slope of the density at large λ tends to −α (correction O(1/λ))
    l1, l2 = 1e6, 1e7
    slope = (math.log(inv.pdf(l2)) - math.log(inv.pdf(l1))) / math.log(l2 / l1)
    assert slope == pytest.approx(-alpha, abs=1e-4)
    assert inv.pdf(1e7) == pytest.approx(inv.tail_constant * 1e7 ** -alpha, rel=1e-5)
    # upper tail of the cdf: P(Λ > λ) ~ C λ^{1-α}/(α-1), with relative accuracy (HTMP cdf at 1/λ)
    assert inv.sf(1e8) == pytest.approx(inv.tail_constant * 1e8 ** (1 - alpha) / (alpha - 1), rel=1e-5)


def test_inverse_moments_finite_and_infinite():
    inv = fc.InverseHTMP(0.25, 2.0)  # alpha = 4: E[Λ], E[Λ²] finite, E[Λ³] = inf
    assert inv.moment(1) == pytest.approx(fc.HTMP(0.25, 2.0).inverse_moment(1), rel=1e-15)
    assert math.isfinite(inv.moment(2)) and inv.moment(3) == math.inf
    xs, ws = inv.continuous_rule()
    for j in (1, 2):  # heavy tail: x^2 ρ decays like x^-2 beyond the last node; 1e-7
        assert inv.moment(j) == pytest.approx(float(np.sum(ws * xs ** j)), rel=1e-7)
    assert fc.InverseHTMP(0.5, 1.0).moment(1) == math.inf  # alpha = 1.5
    assert math.isinf(fc.InverseHTMP(0.5, 1.0).free_cumulant(1))
    S = fc.InverseHTMP(sp.Rational(1, 4), 2).sym
    assert S.moment(3) == sp.oo
    assert float(S.moment(2)) == pytest.approx(inv.moment(2), rel=1e-14)


def test_inverse_samples_and_symbolic_stieltjes():
    inv = fc.InverseHTMP(0.5, 4.0)
    ev = inv.sample_eigenvalues(2000, rng=3)
    assert ks_distance(ev, inv) < 0.03  # as for HTMP: the model's ESD at m = 2000
    z = sp.Symbol("z")
    f = sp.lambdify(z, inv.sym.stieltjes(z), modules=["numpy"])
    zs = np.array([0.5 + 0.3j, 3.0 + 1.0j])
    assert np.allclose(f(zs), inv.stieltjes(zs), rtol=1e-11, atol=0)


@pytest.mark.parametrize("gamma", [0.005, 0.1, 0.5, 0.9, 0.995])
def test_inverse_law_is_refused_where_its_mass_leaves_the_double_range(gamma):
    # InverseHTMP(0.936, 1e-6) had upper quantiles +inf (found by the thorough property run): P(1/X > 1e300) = HTMP's
    # cdf at 1e-300 reaches 1e-6 at A + 1 = κ(1−γ)/(2γ) = 0.012-0.020 over γ in [0.005, 0.995]; refused below 0.02
    k_min = 2 * gamma * INVERSE_HTMP_MIN_TAIL_EXCESS / (1 - gamma)
    law = fc.InverseHTMP(gamma, k_min * (1 + 1e-9))
    assert 0 < law.sf(1e300) <= 1e-6 and np.isfinite(law.ppf(1 - 1e-6))
    with pytest.raises(ValueError, match="kappa >= "):
        fc.InverseHTMP(gamma, k_min * (1 - 1e-6))
    fc.HTMP(gamma, k_min * 1e-3)  # the law of X itself stays (its mass below 1e-300 rounds to 0, which is finite)
