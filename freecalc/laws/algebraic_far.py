r"""The Stieltjes branch of an algebraic law far from its support, in the reciprocal chart of the curve.

Every sheet of :math:`P(m, z) = 0` that behaves like :math:`-1/z` at infinity is a root of P near :math:`-1/z`. When
several sheets do (the law of :math:`1/X`: its sheets are :math:`-1/z - m^{(j)}_X(1/z)/z^2`, one per sheet of
:math:`m_X` at 0), they differ only at order :math:`1/z^2`, a relative :math:`O(1/|z|)`: at :math:`|z| = 10^3` the
roots of :math:`P(\cdot, z)` form a cluster that double precision cannot resolve (a d-fold cluster of relative width
δ is conditioned like :math:`\varepsilon/\delta^{d-1}`), and the vertical continuation stalls or lands on a neighbour.

The chart :math:`w = 1/z`, :math:`m = -w - w^2 u`, i.e. :math:`u = -z - z^2 m = m_1 + m_2 w + m_3 w^2 + \dots`, maps
the curve to :math:`Q(u, w)` (:func:`~freecalc.symbolic.algebraic.inverse_equation` of P). There the sheets take
their separate values :math:`u^{(j)}(0)` at :math:`w = 0`, the Stieltjes branch is the one through :math:`u(0) =
m_1`, and the moment series seeds a Newton iteration whose root is accepted only when the correction is small against
its distance to every other root of :math:`Q(\cdot, w)` (Fujiwara's bound), so the value is the branch's and is
accurate to rounding: :math:`m = -w(1 + wu)`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.laws.algebraic_numeric import NumericState, float_coefficients, integer_float_coefficients

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")
IC = lazy_module("freecalc.symbolic.integer_curve")

__all__ = ["FarChart", "far_chart", "far_branch"]

#: Newton steps in the reciprocal chart: the moment seed is within (B/|z|)^K of the root, so a few steps reach
#: rounding; the budget allows for a seed at the edge of the far region
FAR_NEWTON_MAXITER = 30

#: relative step at which the chart's Newton stops (a few ulps of u)
FAR_NEWTON_RTOL = 1e-15

#: largest Newton correction, as a fraction of the distance to the nearest other root, for the root to count as the
#: continuation of the seed (the kernels' trust rule, :mod:`freecalc.kernels.branches`)
FAR_TRUST = 0.3


class FarChart(NamedTuple):
    """The curve in the reciprocal chart and where it is used."""

    Q: np.ndarray  # Q[j, k]: coefficient of u^j w^k, normalised
    radius: float  # |z| from which a point is evaluated in the chart
    mom: np.ndarray  # m_0, m_1, ...: u(w) = sum_{k >= 1} m_k w^(k - 1) seeds the Newton iteration


def far_chart(P: sp.Expr, n: NumericState) -> FarChart | None:
    """The reciprocal chart of P when several of its sheets are ~ −1/z at infinity (else None: the vertical
    continuation resolves the single such sheet there).

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor (numeric coefficients).
    n : NumericState
        The law's numeric state (start height and seed moments).

    Returns
    -------
    FarChart or None
    """
    terms = A.integer_terms(P, T.m, T.z)
    # an integer curve: the inverse equation's terms in integer arithmetic (the same canonical polynomial as
    # inverse_equation, whose sympy expansion costs up to a second on a curve of degree 13 in m)
    Q = (float_coefficients(A.inverse_equation(P, T.m, T.z)) if terms is None
         else integer_float_coefficients(IC.inverse_terms(terms)))
    at_infinity = np.flatnonzero(Q[:, 0] != 0.0)  # Q(u, 0): one root u(0) per sheet ~ -1/z
    if at_infinity.size == 0 or at_infinity[-1] < 2:
        return None
    return FarChart(Q, float(n.Y), n.mom)


def _taylor_shift(a: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Coefficients c[i, k] of t^k in sum_j a[i, j] (u_i + t)^j (per point i)."""
    c = a.astype(complex).copy()
    d = a.shape[1] - 1
    for i in range(d):
        for j in range(d - 1, i - 1, -1):
            c[:, j] = c[:, j] + u * c[:, j + 1]
    return c


def far_branch(chart: FarChart, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""m(z) on the Stieltjes branch at points far from the support, through :math:`Q(u, 1/z) = 0`.

    Parameters
    ----------
    chart : FarChart
        The law's reciprocal chart (:func:`far_chart`).
    z : numpy.ndarray
        Complex points with :math:`|z| \ge` ``chart.radius`` (1-d).

    Returns
    -------
    values : numpy.ndarray
        :math:`m(z) = -w - w^2 u`, :math:`w = 1/z`.
    ok : numpy.ndarray
        True where Newton converged to the root continuing the moment seed (else the caller falls back).
    """
    w = 1.0 / z
    a = np.polynomial.polynomial.polyval(w, chart.Q.T).T.astype(complex)  # a[i, j]: coefficient of u^j at w_i
    a = np.atleast_2d(a)
    u0 = np.polynomial.polynomial.polyval(w, chart.mom[1:])
    u = u0.astype(complex)
    done = np.zeros(z.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(FAR_NEWTON_MAXITER):
            p = np.zeros(z.shape, complex)
            dp = np.zeros(z.shape, complex)
            for j in range(a.shape[1] - 1, -1, -1):
                dp = dp * u + p
                p = p * u + a[:, j]
            step = np.where(done, 0.0, p / dp)
            u = u - step
            done |= np.abs(step) <= FAR_NEWTON_RTOL * np.maximum(np.abs(u), 1.0)
            if np.all(done):
                break
        # Fujiwara: every other root of Q(., w) lies at |t| >= sep/2 from u, sep = min_k |c_1/c_k|^(1/(k-1))
        c = np.abs(_taylor_shift(a, u))
        sep = np.full(z.shape, np.inf)
        for k in range(2, a.shape[1]):
            sep = np.minimum(sep, (c[:, 1] / c[:, k]) ** (1.0 / (k - 1)))
        ok = done & np.isfinite(u) & (np.abs(u - u0) <= FAR_TRUST * 0.5 * sep)
    return -w - w * w * u, ok
