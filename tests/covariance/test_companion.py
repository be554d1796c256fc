"""Numeric Silverstein solver against the exact algebraic law fc.free_mul(H, MP(c))."""
from __future__ import annotations

import numpy as np
import pytest

import freecalc as fc
from freecalc.covariance.companion import companion_stieltjes, companion_stieltjes_at_zero


@pytest.mark.parametrize("c", [0.3, 2.0])
def test_matches_free_mul_stieltjes(c):
    t, w = np.array([1.0, 3.0]), np.array([0.5, 0.5])
    F = fc.free_mul(fc.Atoms(list(t), list(w)), fc.MarchenkoPastur(c, 1.0))
    z = np.array([0.5 + 0.01j, 2.0 + 0.001j, 6.0 + 0.1j, 12.0 + 1e-4j, 3.0 + 2.0j])
    v = companion_stieltjes(z, t, w, c)
    m = (v + (1 - c) / z) / c
    np.testing.assert_allclose(m, F.stieltjes(z), rtol=1e-7)  # both converge to ~1e-12; margin for the branch solver


def test_at_zero_is_limit_from_above():
    t, w, c = np.array([1.0, 3.0]), np.array([0.5, 0.5]), 2.0
    v0 = companion_stieltjes_at_zero(t, w, c)
    v = companion_stieltjes(np.array([1e-7j]), t, w, c)[0]
    assert abs(v - v0) < 1e-5 * v0  # continuity at 0 (no mass of the companion law there when c > 1)
    with pytest.raises(ValueError, match="c=0.5"):
        companion_stieltjes_at_zero(t, w, 0.5)


def test_analytic_p_greater_than_n_needs_n_12():
    lam = np.r_[np.zeros(10), np.linspace(1, 2, 10)]
    with pytest.raises(ValueError, match="n=10"):
        fc.shrunk_eigenvalues(lam, n=10)
    assert np.all(fc.shrunk_eigenvalues(lam, n=10, method="population") > 0)
