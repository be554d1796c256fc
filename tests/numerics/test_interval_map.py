"""ThetaMap, LogMap, the panel tables and the Legendre panel helpers against closed-form integrals."""
import math

import numpy as np
import pytest

from freecalc.numerics.interval_map import (LogMap, PanelTable, ThetaMap, lagrange_to_legendre, legendre_primitives,
                                            log_panel_edges)
from freecalc.numerics.quadrature import gauss_legendre


@pytest.mark.parametrize("a, b, kind", [(1.0, math.inf, "right"), (-math.inf, -1.0, "left"),
                                        (-math.inf, math.inf, "both")])
def test_log_map_inverts_and_increases(a, b, kind):
    mp = LogMap(a, b, 1.5, 0.3)
    assert mp.kind == kind
    v = np.linspace(-30, 30, 61)
    x, dx = mp.x(v)
    assert np.all(np.diff(x) > 0) and np.all(dx > 0)
    # round trip in v to 1e-10 where the distance to a finite end, s·e^{−10} ≥ 7e-5, keeps 11 digits in x
    near = np.abs(v) <= 10
    np.testing.assert_allclose(mp.v(x)[near], v[near], rtol=0, atol=1e-10)
    # dx/dv against a central difference (step 1e-6: truncation ~1e-13, cancellation ≲ 1e-8 where |v| ≤ 10)
    h = 1e-6
    fd = (mp.x(v + h)[0] - mp.x(v - h)[0]) / (2 * h)
    np.testing.assert_allclose(dx[near], fd[near], rtol=1e-6)


def test_log_map_refuses_a_bounded_interval():
    with pytest.raises(ValueError, match="unbounded"):
        LogMap(0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="scale s"):
        LogMap(0.0, math.inf, 0.0)


def test_log_map_limits():
    both = LogMap(-math.inf, math.inf, 2.0, 5.0)
    assert both.x(np.array([both.v_limit(1, 1e100)]))[0][0] == pytest.approx(1e100, rel=1e-12)
    assert both.x(np.array([both.v_limit(-1, 1e100)]))[0][0] == pytest.approx(-1e100, rel=1e-12)
    right = LogMap(3.0, math.inf, 0.5)
    # on the side of the finite end: distance 1e-12 of max(s, |a|) = 3e-12
    assert right.x(np.array([right.v_limit(-1, 1e100)]))[0][0] - 3.0 == pytest.approx(3e-12, rel=1e-3)
    left = LogMap(-math.inf, -2.0, 0.5)
    assert -2.0 - left.x(np.array([left.v_limit(1, 1e100)]))[0][0] == pytest.approx(2e-12, rel=1e-3)
    assert left.x(np.array([left.v_limit(-1, 1e100)]))[0][0] == pytest.approx(-1e100, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 1.7])
def test_log_map_integrates_a_power_tail_to_round_off(alpha):
    # ρ = α x^(−1−α) on [1, ∞) (mass 1): in v (x = 1 + e^v) the integrand is smooth and decays like e^{−αv};
    # the tail beyond v = V has mass (1 + e^V)^(−α), kept out of the rule here and added in closed form
    mp = LogMap(1.0, math.inf, 1.0)
    V = 600.0
    table = PanelTable(log_panel_edges(-40.0, V), 16)
    v, w = table.nodes()
    x, dx = mp.x(v)
    g = alpha * x ** (-1 - alpha) * dx
    total = float(np.sum(g * w)) + (1 + math.exp(V)) ** -alpha + (1 - (1 + math.exp(-40.0)) ** -alpha)
    assert total == pytest.approx(1.0, abs=1e-13)  # composite Gauss–Legendre on smooth panels: round-off
    # the cumulative table: mass below x = 10 is 1 − 10^(−α)
    cum, coef = table.tabulate(g)
    below = table.partial(cum, coef, mp.v(np.array([10.0])))[0] + (1 - (1 + math.exp(-40.0)) ** -alpha)
    assert below == pytest.approx(1 - 10 ** -alpha, abs=1e-13)


def test_theta_map_matches_the_interval():
    mp = ThetaMap(-1.0, 3.0)
    th = np.linspace(0, np.pi, 9)
    x, dx = mp.x(th)
    np.testing.assert_allclose(x, 1.0 - 2.0 * np.cos(th), atol=1e-15)
    np.testing.assert_allclose(mp.v(x), th, atol=1e-7)  # arccos loses half the digits at the ends
    # semicircle on [−1, 3] (radius 2): smooth in θ, mass 1 to round-off
    table = PanelTable(np.linspace(0, np.pi, 9), 16)
    v, w = table.nodes()
    xs, dxs = mp.x(v)
    rho = np.sqrt(np.maximum(4 - (xs - 1) ** 2, 0)) / (2 * np.pi)
    assert float(np.sum(rho * dxs * w)) == pytest.approx(1.0, abs=1e-14)


def test_log_panel_edges_widths():
    e = log_panel_edges(-30.0, 70.0)
    assert e[0] == -30.0 and e[-1] == 70.0 and np.all(np.diff(e) > 0)
    d = np.diff(e)
    mid = 0.5 * (e[:-1] + e[1:])
    assert d[np.abs(mid) < 16].max() <= 1.0 + 1e-12 and d.max() <= 4.0 + 1e-12


def test_legendre_primitive_of_interpolant_is_exact_for_polynomials():
    order = 8
    t, _ = gauss_legendre(order)
    g = 3 * t ** 5 - t ** 2 + 0.5          # degree 5 < order: interpolated exactly
    coef = g @ lagrange_to_legendre(order).T
    s = np.array([0.0, 0.25, 0.7, 1.0])
    prim = legendre_primitives(order, s) @ coef
    exact = 0.5 * s ** 6 - s ** 3 / 3 + 0.5 * s
    np.testing.assert_allclose(prim, exact, rtol=0, atol=1e-12)
