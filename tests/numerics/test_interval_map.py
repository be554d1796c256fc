"""IntervalMap and the Legendre panel helpers against closed-form integrals."""
import math

import numpy as np
import pytest

from freecalc.numerics.interval_map import IntervalMap, lagrange_to_legendre, legendre_primitives
from freecalc.numerics.quadrature import gauss_legendre


@pytest.mark.parametrize("a, b, kind", [(0.0, 2.0, "finite"), (1.0, math.inf, "right"),
                                        (-math.inf, -1.0, "left"), (-math.inf, math.inf, "both")])
def test_map_inverts(a, b, kind):
    mp = IntervalMap(a, b, 1.5)
    assert mp.kind == kind
    lo, hi = mp.u_range
    u = np.linspace(lo, hi, 41)[1:-1]
    x, _ = mp.x(u)
    # round trip to round-off (u in a bounded range, maps smooth away from the excluded end)
    np.testing.assert_allclose(mp.u(x), u, rtol=0, atol=1e-12)


@pytest.mark.parametrize("a, b, f, exact", [
    (0.0, math.inf, lambda x: np.exp(-x), 1.0),
    (-math.inf, math.inf, lambda x: 1.0 / (math.pi * (1.0 + x ** 2)), 1.0),
    (-math.inf, 0.0, lambda x: np.exp(x) * x ** 2, 2.0),
])
def test_mapped_gauss_legendre_integrates(a, b, f, exact):
    mp = IntervalMap(a, b, 1.0)
    t, w = gauss_legendre(200)  # nodes on [0, 1]
    x, dx = mp.x(t)
    val = float(np.sum(w * f(x) * dx))
    # 200 nodes resolve these smooth mapped integrands far below 1e-9 (the Cauchy case is exact: a constant)
    assert abs(val - exact) < 1e-9


def test_legendre_primitive_of_interpolant_is_exact_for_polynomials():
    order = 8
    t, _ = gauss_legendre(order)
    g = 3 * t ** 5 - t ** 2 + 0.5          # degree 5 < order: interpolated exactly
    coef = g @ lagrange_to_legendre(order).T
    s = np.array([0.0, 0.25, 0.7, 1.0])
    prim = legendre_primitives(order, s) @ coef
    exact = 0.5 * s ** 6 - s ** 3 / 3 + 0.5 * s
    np.testing.assert_allclose(prim, exact, rtol=0, atol=1e-12)
