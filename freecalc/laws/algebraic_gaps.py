r"""The support test of a gap between singular points that ends at a pole of the curve: in the chart centred at the
pole where the expanded curve's continuation fails, beside an atom on the deflated curve.

Between consecutive real singular points of :math:`P(m, z) = 0` the boundary value :math:`m(x + i0)` of the
Stieltjes branch is either real throughout or not, so one interior point decides whether the gap is support
(:func:`freecalc.laws.algebraic_numeric.numeric_state`). Next to a real zero a of the leading coefficient in m
(a pole of some sheet) the roots of :math:`P(\cdot, x)` grow like :math:`|x - a|^{-\alpha}` and the expanded
coefficients of P lose the digits of :math:`(x - a)^k` to cancellation: in a gap 4.9e-8 wide between the pole
:math:`37/28 - 3\sqrt{141}/140` of :math:`\mathrm{FC}(4) \boxplus \mathrm{SFM}(1, -1.5, 0.3, 0.3)` and the square-root
end just above it, where the other sheets are ~1e5, the continuation converged at none of its test points and the gap
was taken as support (with a warning). The curve :math:`P(m, \zeta + a)` in the local variable
:math:`\zeta = z - a`, shifted exactly, keeps those digits: there the same points converge, to a real m (no support).

At a pole that carries an atom of mass w the Stieltjes sheet itself has the pole, :math:`m \sim w/(a - z)`: the
chart centred at a does not remove it, and at a = 0 that chart is the expanded curve. The gap beside the atom is then
decided on the deflated curve of :math:`m_c = m - w/(a - z)` (in the chart centred at a when a ≠ 0), whose Stieltjes
sheet is bounded there; on the real axis :math:`w/(a - x)` is real, so :math:`\mathrm{Im}\, m_c = \mathrm{Im}\, m`.
Both gaps beside the atom 3/4 at 0 of :math:`\mathrm{FreeBessel}(3, 1/4) \boxtimes \mathrm{ChiralBlock}(0, 1/2, 3/2)`,
(-1.2e-7, 0) and (0, 9.3e-4), bounded by collisions of other sheets, converged at none of their test points on the
expanded curve; on the deflated one they converge to :math:`m_c \approx 0.14 + 1.07i` (support).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008) (the support
from the discriminant); E. Hille, *Analytic Function Theory* vol. II, §12.3 (the Puiseux growth at a pole).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["POLE_END_RELATIVE", "pole_gap_values"]

#: a gap ends at a pole when its end is within this of the pole's double, relative to the support's scale: the
#: certified copy of a zero and the rounded exact root differ by a few ulps
POLE_END_RELATIVE = 1e-14


def _first_converged(evaluate: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], lo: np.ndarray,
                     hi: np.ndarray, fractions: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Value at the first fraction of each gap (lo, hi) where ``evaluate`` converges, and whether one did."""
    vals = np.empty(lo.size, complex)
    todo = np.arange(lo.size)
    for t in fractions:
        out, ok = evaluate(lo[todo] + t * (hi[todo] - lo[todo]))
        vals[todo[ok]] = out[ok]
        todo = todo[~ok]
        if todo.size == 0:
            break
    done = np.ones(lo.size, bool)
    done[todo] = False
    return vals, done


def pole_gap_values(lo: np.ndarray, hi: np.ndarray, poles: Sequence[Any], scale: float, fractions: Sequence[float],
                    status: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
                    local: Callable[[Any, np.ndarray], tuple[np.ndarray, np.ndarray]],
                    generic: Callable[[np.ndarray, np.ndarray], np.ndarray],
                    atoms: Mapping[Any, Any] | None = None,
                    deflated: Callable[[Any, Any, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
                    ) -> np.ndarray:
    r"""Boundary value :math:`m(x + i0)` at an interior point of each gap (lo, hi): on the expanded curve where it
    converges; a gap where it does not and that ends at an exact pole a ≠ 0 in the chart centred at a; a gap still
    undecided that ends at an atom (a, w) on the deflated curve of :math:`m_c = m - w/(a - z)` (its value is
    :math:`m_c(x + i0)`, of the same imaginary part as m); what is left by ``generic``.

    Parameters
    ----------
    lo, hi : numpy.ndarray
        Ends of the gaps (consecutive singular points, lo < hi).
    poles : sequence of sympy.Expr
        The exact real zeros of the leading coefficient of P in m.
    scale : float
        The support's scale (the tolerance :data:`POLE_END_RELATIVE` is relative to it).
    fractions : sequence of float
        Interior points to try, as fractions of the gap, in order of preference (the first that converges
        decides).
    status : callable
        ``status(x) -> (values, ok)``: the boundary value on the expanded curve with a per-point success flag (no
        warning).
    local : callable
        ``local(a, zeta) -> (values, ok)``: the same at :math:`x = a + \zeta` on the curve
        :math:`P(m, \zeta + a)`.
    generic : callable
        ``generic(lo, hi) -> values``: the test on the expanded curve that warns about the points it cannot
        resolve (the gaps no chart decided).
    atoms : mapping, optional
        Exact atom location a (one of ``poles``) -> its exact positive mass w.
    deflated : callable, optional
        ``deflated(a, w, zeta) -> (values, ok)``: :math:`m_c(x + i0)` at :math:`x = a + \zeta` on the deflated
        curve of :math:`m - w/(a - z)`, with a per-point success flag (needed with ``atoms``).

    Returns
    -------
    numpy.ndarray
        Complex boundary values, one per gap.
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    vals, done = _first_converged(status, lo, hi, fractions)
    tol = POLE_END_RELATIVE * scale
    for a in poles:
        fa = float(a)
        # the chart centred at 0 is the expanded curve itself
        idx = np.flatnonzero(~done & ((np.abs(lo - fa) <= tol) | (np.abs(hi - fa) <= tol))) if fa != 0.0 else []
        if len(idx):
            # in the local variable zeta = x - a, from the gap's shifted ends (exact next to a: Sterbenz)
            out, ok = _first_converged(lambda zeta, a=a: local(a, zeta), lo[idx] - fa, hi[idx] - fa, fractions)
            vals[idx[ok]], done[idx[ok]] = out[ok], True
    for a, w in (atoms or {}).items():
        fa = float(a)
        idx = np.flatnonzero(~done & ((np.abs(lo - fa) <= tol) | (np.abs(hi - fa) <= tol)))
        if idx.size:
            out, ok = _first_converged(lambda zeta, a=a, w=w: deflated(a, w, zeta), lo[idx] - fa, hi[idx] - fa,
                                       fractions)
            vals[idx[ok]], done[idx[ok]] = out[ok], True
    rest = np.flatnonzero(~done)
    if rest.size:
        vals[rest] = generic(lo[rest], hi[rest])
    return vals
