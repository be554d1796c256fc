r"""The support test of a gap between singular points that ends at a pole of the curve, in the chart centred there.

Between consecutive real singular points of :math:`P(m, z) = 0` the boundary value :math:`m(x + i0)` of the
Stieltjes branch is either real throughout or not, so one interior point decides whether the gap is support
(:func:`freecalc.laws.algebraic_numeric.numeric_state`). Next to a real zero a of the leading coefficient in m
(a pole of some sheet) the roots of :math:`P(\cdot, x)` grow like :math:`|x - a|^{-\alpha}` and the expanded
coefficients of P lose the digits of :math:`(x - a)^k` to cancellation: in a gap 4.9e-8 wide between the pole
:math:`37/28 - 3\sqrt{141}/140` of :math:`\mathrm{FC}(4) \boxplus \mathrm{SFM}(1, -1.5, 0.3, 0.3)` and the square-root
end just above it, where the other sheets are ~1e5, the continuation converged at none of its test points and the gap
was taken as support (with a warning). The curve :math:`P(m, \zeta + a)` in the local variable
:math:`\zeta = z - a`, shifted exactly, keeps those digits: there the same points converge, to a real m (no support).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008) (the support
from the discriminant); E. Hille, *Analytic Function Theory* vol. II, §12.3 (the Puiseux growth at a pole).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["POLE_END_RELATIVE", "pole_gap_values"]

#: a gap ends at a pole when its end is within this of the pole's double, relative to the support's scale: the
#: certified copy of a zero and the rounded exact root differ by a few ulps
POLE_END_RELATIVE = 1e-14


def pole_gap_values(lo: np.ndarray, hi: np.ndarray, poles: Sequence[Any], scale: float, fractions: Sequence[float],
                    local: Callable[[Any, np.ndarray], tuple[np.ndarray, np.ndarray]],
                    generic: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    r"""Boundary value :math:`m(x + i0)` at an interior point of each gap (lo, hi): a gap that ends at an exact pole
    a is tried first in the chart centred at a, the others (and those it leaves unresolved) by ``generic``.

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
    local : callable
        ``local(a, zeta) -> (values, ok)``: the boundary value at :math:`x = a + \zeta` on the curve
        :math:`P(m, \zeta + a)` with a per-point success flag (no warning).
    generic : callable
        ``generic(lo, hi) -> values``: the test on the expanded curve (warns about the points it cannot resolve).

    Returns
    -------
    numpy.ndarray
        Complex boundary values, one per gap.
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    vals = np.empty(lo.size, complex)
    todo = np.ones(lo.size, bool)
    tol = POLE_END_RELATIVE * scale
    t = np.asarray(fractions, float)
    for a in poles:
        fa = float(a)
        # gaps with this pole at an end still undecided; the local variable of their points, zeta = x - a
        idx = np.flatnonzero(todo & ((np.abs(lo - fa) <= tol) | (np.abs(hi - fa) <= tol)))
        if idx.size == 0:
            continue
        zeta = (lo[idx, None] - fa) + t[None, :] * (hi[idx] - lo[idx])[:, None]
        out, ok = local(a, zeta.ravel())
        out, ok = out.reshape(zeta.shape), ok.reshape(zeta.shape)
        for row, i in enumerate(idx):
            hit = np.flatnonzero(ok[row])
            if hit.size:  # the first fraction (in order of preference) that converged
                vals[i] = out[row, hit[0]]
                todo[i] = False
    rest = np.flatnonzero(todo)
    if rest.size:
        vals[rest] = generic(lo[rest], hi[rest])
    return vals
