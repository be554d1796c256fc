"""R- and S-transforms of a law (freecalc/laws/transform_series.py): the series next to w = 0, the generic Newton
inversions away from it, and the errors. Every law's R(0), S(0) and near-zero values are checked in
test_reliability.py."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.base import Law


def test_r_transform_reported_values():
    assert fc.Semicircle(2).r_transform(0.0) == 0.0
    assert fc.Semicircle(2).r_transform(1e-8) == pytest.approx(1e-8, rel=1e-15)  # was 0j
    assert fc.MarchenkoPastur(0.5).r_transform(1e-9) == pytest.approx(1 / (1 - 0.5e-9), rel=1e-15)  # was 1.00000012
    # R of MP(c) is 1/(1 − cw), a rational function, on both sides of its pole at w = 1/c
    np.testing.assert_allclose(fc.MarchenkoPastur(0.5).r_transform(np.array([0.5, 1.9, 3.0])),
                               1 / (1 - 0.5 * np.array([0.5, 1.9, 3.0])), rtol=1e-14)


def test_r_and_s_away_from_zero_solve_their_defining_equations():
    # independent check of the non-series part: R(G(z)) + 1/G(z) = z with G = −m
    for law in (fc.KestenMcKay(3.0), fc.Wachter(0.3, 2.5), fc.FreeMeixner(0.5, 1.0, 0.3), fc.MarchenkoPastur(2.0),
                fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)),
                fc.Atoms([0.0, 1.0], [0.3, 0.7])):
        w = np.array([0.02, -0.02, 0.01j, 0.05 + 0.05j])
        z = law.r_transform(w) + 1 / w
        np.testing.assert_allclose(law.stieltjes(z), -w, atol=1e-12)  # Newton / closed form to rounding


def test_unbounded_support_r_and_s_near_zero():
    # unbounded support, four finite moments: three terms of the asymptotic series where they beat the
    # cancellation of the iterative form (which lost 2.4e-4 at w = 1e-12)
    law = fc.HTMP(0.5, 6.0)
    k = law.free_cumulants(3)
    m1, k2 = law.mean(), law.var()
    assert law.r_transform(0.0) == pytest.approx(law.mean(), rel=1e-14)
    for w in (1e-12, 1e-9, 1e-6):
        assert law.r_transform(w) == pytest.approx(k[0] + k[1] * w + k[2] * w * w, rel=1e-13)
        assert law.s_transform(w) == pytest.approx(1 / m1 - k2 / m1 ** 3 * w, rel=1e-11)  # O(w²) term ≤ 1e-12


def test_generic_newton_inversions_agree_with_closed_forms():
    # base-class defaults (Newton R, Newton S) against the quadratic closed forms
    law = fc.MarchenkoPastur(0.3, 2.0)
    w = np.array([0.05, 0.02j, -0.03 + 0.01j])
    assert np.allclose(Law._r_transform(law, w), law.r_transform(w), rtol=1e-9)
    assert np.allclose(Law._s_transform(law, w), law.s_transform(w), rtol=1e-8)
    assert np.allclose(law.s_transform(w), 1 / (2.0 * (1 + 0.3 * w)), rtol=1e-12)


def test_s_transform_undefined_for_zero_mean():
    with pytest.raises(ValueError, match="mean is 0"):
        fc.Semicircle(1).s_transform(0.1)
