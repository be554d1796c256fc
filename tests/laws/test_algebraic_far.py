"""The Stieltjes branch far from the support in the reciprocal chart (freecalc/laws/algebraic_far.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.algebraic_far import far_branch, far_chart

#: far points, real (both sides) and complex, from just past the chart's radius to 1e6
FAR = np.array([423.698, 1e3, 1e6, -1e3, -1e6, 1e3 + 1e3j, 3e5 + 2e2j, 1e6j], complex)


def _pushforward(a: fc.Law, z: np.ndarray) -> np.ndarray:
    # m_{1/X}(z) = E[1/(1/X - z)] = -1/z - m_X(1/z)/z^2: the operand's own transform at 1/z, an independent route
    return -1.0 / z - a.stieltjes(1.0 / z) / z ** 2


@pytest.mark.parametrize("a", [fc.FreeBessel(3, 0.2) + 1.5, fc.FreeBessel(2, 0.5) + 0.5,
                               fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.3)) + 1.5])
def test_inverse_far_from_its_support_matches_the_pushforward_identity(a) -> None:
    # every sheet of m_{1/X} starts like -1/z: at |z| = 1e3 the roots of P(., z) cluster within a relative 1e-3 and
    # the continuation from x + iY stalled (a ConvergenceWarning at x = 423.698, the former known open bug)
    r = fc.inverse(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = r.stieltjes(FAR)
    ref = _pushforward(a, FAR)
    # both routes are accurate to rounding: the tolerance leaves two orders for the operand's own continuation
    assert np.max(np.abs(m - ref) / np.abs(ref)) < 1e-12
    # m ~ -1/z - E[1/X]/z^2 at infinity: a two-sided check of the leading terms
    e1 = r.mean()
    assert np.max(np.abs(FAR ** 2 * (m + 1.0 / FAR) + e1)) < 1e-2 * abs(e1)


def test_far_chart_only_where_several_sheets_start_like_minus_one_over_z() -> None:
    # a semicircle has one such sheet (the other is ~ -z): the continuation resolves it, no chart
    sc = fc.AlgebraicLaw(fc.Semicircle(1).sym.equation())
    assert far_chart(sc.equation, sc._numeric) is None
    r = fc.inverse(fc.FreeBessel(3, 0.2) + 1.5)
    chart = far_chart(r.equation, r._numeric)
    assert chart is not None and chart.radius == r._numeric.Y
    m, ok = far_branch(chart, FAR)
    assert np.all(ok)
    # on the real axis outside the support m is real, and Im m > 0 above it
    real = FAR.imag == 0
    assert np.all(m[real].imag == 0) and np.all(m[~real].imag > 0)


def test_far_chart_refuses_a_seed_it_cannot_certify() -> None:
    # inside the chart's radius the moment seed is too far from the root: the trust test rejects it (the caller
    # then continues from x + iY)
    r = fc.inverse(fc.FreeBessel(3, 0.2) + 1.5)
    chart = far_chart(r.equation, r._numeric)
    _, ok = far_branch(chart._replace(mom=chart.mom * 3.0), np.array([chart.radius + 0j]))
    assert not ok[0]


def test_far_chart_coefficients_are_those_of_the_inverse_equation() -> None:
    # integer arithmetic on the curve's terms and sympy's expansion of the substitution: the same doubles
    from freecalc.laws.algebraic_numeric import float_coefficients
    from freecalc.symbolic.algebraic_curve import as_polynomial
    from freecalc.symbolic.transforms import m, z

    r = fc.inverse(fc.FreeBessel(3, 0.2) + 1.5)
    chart = far_chart(r.equation, r._numeric)
    P = r.equation
    ref = float_coefficients(as_polynomial(P.subs({m: -z ** 2 * m - z, z: 1 / z}, simultaneous=True), m, z))
    assert np.array_equal(chart.Q, ref)
