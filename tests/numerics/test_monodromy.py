"""Puiseux cycle lengths by numerical monodromy and by the local rule (freecalc/numerics/monodromy.py), against
hand-computed cycles."""
import warnings

import numpy as np
import pytest

from freecalc.numerics.monodromy import cycle_length, local_cycle_length, local_rule
from freecalc.numerics.solvers import ConvergenceWarning


def test_square_root_cycle_and_regular_point():
    C = np.array([[0.0, -1.0], [0.0, 0.0], [1.0, 0.0]])  # m^2 - z: m = ±z^(1/2)
    assert cycle_length(C, 0.0, 1e-3, 1e-2 + 1e-2j) == 2
    assert cycle_length(C, 1.0, 1e-3, 1.0) == 1  # two separate analytic roots ±sqrt(z) near z = 1


def test_cube_root_cycle_at_pole():
    # m^3 z^2 - m z - 1 (MP(1) ⊠ MP(1)): all three roots ~ z^(-2/3) near 0 form one 3-cycle
    C = np.zeros((4, 3))
    C[3, 2], C[1, 1], C[0, 0] = 1.0, -1.0, -1.0
    assert cycle_length(C, 0.0, 1e-4, 1e3j) == 3



def _coefficients(terms):
    """C[j, k] from {(j, k): coefficient of m^j z^k}."""
    C = np.zeros((max(j for j, _ in terms) + 1, max(k for _, k in terms) + 1))
    for (j, k), c in terms.items():
        C[j, k] = c
    return C


@pytest.mark.parametrize("terms, e, m0, r", [
    ({(2, 0): 1.0, (0, 1): -1.0}, 0.0, np.sqrt(1e-3j), 2),  # m^2 = z: smooth double point
    ({(3, 0): 1.0, (0, 1): -1.0}, 0.0, (1e-3j) ** (1 / 3), 3),  # m^3 = z: smooth triple point
    ({(2, 0): 1.0, (0, 1): -1.0}, 1.0, 1.0, 1),  # m^2 = z at 1: simple roots
    # (m - 1)^2 - (z - 2) times (m + 3): the double point's 2-cycle, and the analytic sheet m = -3
    ({(3, 0): 1.0, (2, 0): 1.0, (1, 0): -3.0, (0, 0): 9.0, (1, 1): -1.0, (0, 1): -3.0}, 2.0, 1 + np.sqrt(1e-3j), 2),
    ({(3, 0): 1.0, (2, 0): 1.0, (1, 0): -3.0, (0, 0): 9.0, (1, 1): -1.0, (0, 1): -3.0}, 2.0, -3.0, 1),
])
def test_local_rule_decides_smooth_points_like_the_monodromy(terms, e, m0, r):
    C = _coefficients(terms)
    assert local_rule(C, e, 1e-3, m0)[0] == r
    assert local_cycle_length(C, e, 1e-3, m0) == cycle_length(C, e, 1e-3, m0) == r


@pytest.mark.parametrize("terms, m0, r, reason", [
    ({(3, 0): 1.0, (0, 2): -1.0}, -1e-2, 3, "singular point"),  # cusp m^3 = z^2 (dP/dz = 0): a 3-cycle
    ({(2, 0): 1.0, (0, 2): -1.0}, 1e-3j, 1, "singular point"),  # node m^2 = z^2: two analytic sheets
    ({(3, 2): 1.0, (1, 1): -1.0, (0, 0): -1.0}, 1e3j, 3, "pole"),  # MP(1)⊠MP(1): pole of m at 0
])
def test_local_rule_leaves_singular_points_and_poles_to_the_monodromy(terms, m0, r, reason):
    C = _coefficients(terms)
    verdict, why = local_rule(C, 0.0, 1e-3, m0)
    assert verdict is None and reason in why
    assert cycle_length(C, 0.0, 1e-3, m0) == r


def test_local_rule_needs_separated_roots_and_rouche():
    # a third root 1e-7 from the double point: no clear multiple root
    C = _coefficients({(3, 0): 1.0, (2, 0): -3.0000001, (1, 0): 3.0000002, (0, 0): -1.0000001, (1, 1): -1.0,
                       (0, 1): 1.0000001})
    verdict, why = local_rule(C, 0.0, 1e-3, 1 + np.sqrt(1e-3j))
    assert verdict is None and "not separated" in why
    # (m^2 - z)(m - z - 1): on the circle of radius 0.5 the double point's sheets reach the sheet m = z + 1; on 0.2
    # they stay apart but Rouché's inequality (a bound, not the exact root count) fails; on 0.05 it holds
    C = _coefficients({(3, 0): 1.0, (2, 0): -1.0, (2, 1): -1.0, (1, 1): -1.0, (0, 2): 1.0, (0, 1): 1.0})
    verdict, why = local_rule(C, 0.0, 0.5, np.sqrt(0.5j))
    assert verdict is None and "eps too large" in why
    verdict, why = local_rule(C, 0.0, 0.2, np.sqrt(0.2j))
    assert verdict is None and "Rouché" in why
    assert local_rule(C, 0.0, 0.05, np.sqrt(0.05j))[0] == 2
    assert cycle_length(C, 0.0, 0.5, np.sqrt(0.5j)) == cycle_length(C, 0.0, 0.2, np.sqrt(0.2j)) == 2


def test_steps_are_refined_where_a_root_passes_close_to_another():
    # (m^2 - z)(m - 0.105) on |z| = 0.01: the 2-cycle's roots (|m| = 0.1) pass 0.005 from the root 0.105; on 4 coarse
    # steps per turn the nearest root after the step next to it is that other root, which the refinement avoids
    C = _coefficients({(3, 0): 1.0, (2, 0): -0.105, (1, 1): -1.0, (0, 1): 0.105})
    for steps in (4, 64):
        assert cycle_length(C, 0.0, 1e-2, np.sqrt(1e-2j), steps=steps) == 2
        assert cycle_length(C, 0.0, 1e-2, 0.105, steps=steps) == 1


def test_roots_double_precision_cannot_separate_are_flagged():
    # (m - 1)(m - 1 - 1e-17 z)(m + 2): two sheets 1e-20 apart on |z| = 1e-3, below the rounding of the roots: the
    # followed root may or may not come back to its start, and either way the answer is flagged
    C = _coefficients({(3, 0): 1.0, (2, 1): -1e-17, (1, 0): -3.0, (1, 1): -1e-17, (0, 0): 2.0, (0, 1): 2e-17})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cycle_length(C, 0.0, 1e-3, 1.0)
        except ArithmeticError as exc:
            assert "no step separated the roots" in str(exc)
        else:
            assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert cycle_length(C, 0.0, 1e-3, -2.0) == 1  # the separate sheet is followed without doubt
