"""Composite Gauss-Legendre in theta and vectorised bisection (freecalc/numerics/quadrature.py)."""
import numpy as np
import pytest

from math import gamma

from freecalc.numerics.quadrature import IntervalRule, PowerEdgeRule, bisect_increasing


@pytest.mark.parametrize("f, exact", [
    (lambda x: np.sqrt((x + 1) * (2 - x)), 9 * np.pi / 8),  # sqrt edges: area of a half disc of radius 3/2
    (lambda x: 1 / np.sqrt((x + 1) * (2 - x)), np.pi),     # inverse-sqrt edges (arcsine)
    (lambda x: x ** 3, (16 - 1) / 4),
])
def test_interval_rule_edge_types(f, exact):
    # theta substitution makes both edge types smooth; 1e-11 allows the round-off of (x - a) near an edge,
    # which an inverse-sqrt integrand amplifies (measured 1.3e-12)
    assert abs(IntervalRule(-1.0, 2.0).integrate(f) - exact) < 1e-11


def test_cumulative_matches_closed_form():
    rule = IntervalRule(-1.0, 1.0, panels=32)
    x = np.linspace(-1, 1, 101)
    f = lambda t: 2 / np.pi * np.sqrt(1 - t * t)  # noqa: E731
    expect = 0.5 + (x * np.sqrt(1 - x * x) + np.arcsin(x)) / np.pi
    assert np.max(np.abs(rule.cumulative(f, x) - expect)) < 1e-13


def test_bisection_finds_jumps_and_left_end():
    f = lambda x: np.where(x >= 0.3, 0.5, 0.0) + np.where(x >= 0.0, 0.2, 0.0)  # noqa: E731
    q = np.array([0.1, 0.2, 0.5, 0.7])
    got = bisect_increasing(f, q, 0.0, 1.0)
    assert np.allclose(got, [0.0, 0.0, 0.3, 0.3], atol=1e-15)


def test_power_edge_rule_cube_root_edge():
    # x^(-2/3) (1 - x)^(1/2): a 3-cycle at 0 and a 2-cycle at 1, exact value B(1/3, 3/2); the substitutions make the
    # integrand analytic, so only rounding is left (measured 2e-15; 1e-12 leaves room for x near 0 being ~1e-16)
    rule = PowerEdgeRule(0.0, 1.0, 3, 2)
    x, w = rule.nodes_weights()
    exact = gamma(1 / 3) * gamma(1.5) / gamma(11 / 6)
    assert abs(np.sum(w * x ** (-2 / 3) * np.sqrt(1 - x)) - exact) < 1e-12


def test_power_edge_antiderivative_closed_form():
    # F(x) = 3 x^(1/3) for f = x^(-2/3) on [0, 2] (analytic at 2: exponent 1 there), clipped outside
    F = PowerEdgeRule(0.0, 2.0, 3, 1).antiderivative(lambda t: t ** (-2 / 3))
    x = np.array([-1.0, 0.0, 1e-12, 0.3, 1.0, 1.7, 2.0, 5.0])
    expect = 3 * np.cbrt(np.clip(x, 0.0, 2.0))
    assert np.max(np.abs(F(x) - expect)) < 1e-12  # rounding only (measured ~1e-15)
    assert F.total == pytest.approx(3 * 2 ** (1 / 3), abs=1e-12)
