"""What the rational fit reads from the eigenvalues (freecalc/continuation/sample_moments.py): Chebyshev-U moments
by the recurrence and by the change of basis from power moments, and the square-root-edge regression."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.continuation.sample_moments import PowerMoments, chebyshev_u_moments, edge_regression


@pytest.mark.parametrize("a, b", [(-2.0, 2.0), (0.1, 3.5), (-1.0, 0.4)])
def test_power_moment_basis_change_equals_the_recurrence(a, b):
    # two routes to c_k = Σ w_i U_k(x̃_i): the three-term recurrence at every point, and one O(K²) change of basis
    # of power moments summed once
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.5, 3.0, 300)
    w = rng.random(300)
    for weights in (None, w / w.sum()):
        direct = chebyshev_u_moments(x, a, b, 12, weights)
        via = PowerMoments(x, 12, weights).chebyshev(a, b)
        # |U_k(x̃)| grows like (2|x̃|)^k off [-1, 1]: compared relative to the largest moment (≤ 1.2e-15 measured;
        # 1e-13 leaves room for the cancellation of the basis change on other platforms)
        assert np.max(np.abs(direct - via)) <= 1e-13 * np.max(np.abs(direct))


def test_semicircle_moments_vanish_on_its_own_support():
    # U_k are orthogonal for the semicircle weight on [-1, 1]: c_0 = 1, c_k = 0 for k ≥ 1 (quadrature of the law)
    law = fc.Semicircle(2.0)
    x, w = law.continuous_rule()
    c = chebyshev_u_moments(x, -2.0, 2.0, 8, w)
    assert c[0] == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(c[1:])) <= 1e-12  # Gauss–Legendre after the edge substitution: exact to rounding


def test_edge_regression_locates_semicircle_edges():
    # eigenvalues of one GOE matrix (n = 2000): the extreme eigenvalues fluctuate on the Tracy–Widom scale
    # n^{-2/3} ≈ 6e-3 around the edges ±2; the regression lands within ~3 of those (5.6e-3 and 1.3e-2 measured)
    ev = np.linalg.eigvalsh(fc.Semicircle(2.0).matrix(2000, np.random.default_rng(1)))
    a, b = edge_regression(ev)
    assert abs(a + 2.0) <= 0.02 and abs(b - 2.0) <= 0.02
