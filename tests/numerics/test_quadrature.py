"""Composite Gauss-Legendre in theta and vectorised bisection (freecalc/numerics/quadrature.py)."""
import numpy as np
import pytest

from freecalc.numerics.quadrature import IntervalRule, bisect_increasing


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
