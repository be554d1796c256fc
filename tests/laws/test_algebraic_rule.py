"""The adaptive graded rule of algebraic laws (freecalc/laws/algebraic_rule.py) on densities with known integrals."""
import numpy as np

from freecalc.laws import algebraic_rule as R
from freecalc.numerics.quadrature import PowerEdgeRule

EPS, C = 1e-4, 0.3137  # a near-kink: branch points C ± i EPS, off the uniform panels' ends


def _near_kink(x, delta, at_b):
    return np.sqrt((x - C) ** 2 + EPS ** 2)


def _near_kink_integral(a, b):
    # closed form of ∫ sqrt(t² + ε²) dt
    def prim(t):
        return 0.5 * (t * np.sqrt(t * t + EPS ** 2) + EPS ** 2 * np.arcsinh(t / EPS))
    return prim(b - C) - prim(a - C)


def _panels(halves):
    return sum(h.edges.size - 1 for h in halves)


def _initial_panels():
    rule = PowerEdgeRule(0.0, 1.0, 1, 1, 32, 16)
    return 2 * (rule.breakpoints(1).size - 1)


def test_near_kink_is_refined_to_rounding():
    halves, unresolved = R.adaptive_halves([(0.0, 1.0, 1, 1, False, False, _near_kink)], 32, 16)
    assert unresolved == 0.0
    assert _initial_panels() < _panels(halves) <= _initial_panels() + 64  # local splits only, not a doubling
    x, w, d = R.rule_arrays(halves, 16)
    exact = _near_kink_integral(0.0, 1.0)
    # measured 2e-15 (the fixed 84-panel rule: 1.8e-10); rounding of ~1e3 panel sums stays below 1e-13
    assert abs(np.sum(w * d) - exact) <= 1e-13


def test_antiderivative_matches_closed_form():
    halves, _ = R.adaptive_halves([(0.0, 1.0, 1, 1, False, False, _near_kink)], 32, 16)
    F = R.antiderivative(halves[0], halves[1], 16)
    x = np.array([0.1, 0.31, C, 0.3145, 0.5, 0.77, 1.0])
    # each interpolant's error estimate is below REFINE_TOL = 1e-10; measured 7e-14 (the fixed rule: 2.7e-8)
    assert np.abs(F(x) - _near_kink_integral(0.0, x)).max() <= 1e-12


def test_smooth_density_keeps_its_panels():
    halves, unresolved = R.adaptive_halves([(0.0, 1.0, 2, 2, False, False, lambda x, d, b: np.sqrt(x * (1 - x)))],
                                           32, 16)
    assert unresolved == 0.0
    assert _panels(halves) == 2 * (PowerEdgeRule(0.0, 1.0, 2, 2, 32, 16).breakpoints(2).size - 1)
    x, w, d = R.rule_arrays(halves, 16)
    assert np.array_equal(x, PowerEdgeRule(0.0, 1.0, 2, 2, 32, 16).nodes_weights()[0])
    assert abs(np.sum(w * d) - np.pi / 8) <= 1e-14  # the semicircle's mass on [0, 1]; rounding


def test_cap_reports_what_is_left():
    # ~20 000 oscillations need far more panels than the cap allows
    def wiggly(x, delta, at_b):
        return 1.0 + 0.5 * np.sin(1.3e5 * x)
    halves, unresolved = R.adaptive_halves([(0.0, 1.0, 1, 1, False, False, wiggly)], 32, 16)
    assert _panels(halves) == _initial_panels() + R.MAX_EXTRA_PANELS
    assert unresolved > R.REFINE_TOL
