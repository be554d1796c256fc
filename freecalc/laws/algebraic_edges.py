r"""Power-law edges of an algebraic law: the density near an end e where it blows up like :math:`|x - e|^{-\alpha}`.

At such an edge (the :math:`x^{-2/3}` edge at 0 of :math:`\mathrm{MP}(1)^{\boxtimes 2}`) the Stieltjes branch is a
Puiseux series :math:`m = |\delta|^{-\alpha} \sum_{j \ge 0} y_j |\delta|^{j/r}`, :math:`\delta = x - e`, with α a slope
of the Newton polygon of :math:`P(m, e + \delta)` and r the length of the Puiseux cycle. Two things then fail in the
generic numeric face:

* the vertical continuation from :math:`x + iY` cannot follow :math:`|m| \sim |\delta|^{-\alpha}` down to the tiny
  offsets a quadrature needs (it stops converging below :math:`\delta \approx 10^{-20}`);
* a rule graded only to :math:`u = 10^{-9/r}` (:class:`~freecalc.numerics.quadrature.PowerEdgeRule`, :math:`x = e +
  h u^r`) integrates :math:`\rho\,dx` to rounding (it is analytic in u) but not integrands with a :math:`\log u`
  singularity such as :math:`-\rho\log\rho` (entropy off by 5.6e-6 for :math:`\mathrm{MP}(1)^{\boxtimes 2}`).

Here the boundary value at offsets below a trusted reach comes from the rescaled curve: with
:math:`m = |\delta|^{-\alpha} y`, the polynomial :math:`|\delta|^{-\mu} P(|\delta|^{-\alpha} y, e + \delta)` (μ the
smallest order of its terms) has bounded coefficients and the root :math:`y(\delta)`, analytic in
:math:`|\delta|^{1/r}`, is tracked from the reach down along a geometric path (each step takes the root nearest the
previous one, and only when it is the clear nearest). The rule at such an end halves its panels down to
:math:`u = 2^{-40}`, where the neglected part of any :math:`\log`-weighted integral is below 1e-10.

Reference: E. Hille, *Analytic Function Theory* vol. II, §12.3 (Newton polygon and Puiseux series of an algebraic
function); Davis & Rabinowitz, *Methods of Numerical Integration* (1984), §2.12 (graded meshes at singular ends).
"""
from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.laws.algebraic_numeric import NumericState, branch_status, local_state
from freecalc.numerics.quadrature import PowerEdgeRule

sp = lazy_module("sympy")

__all__ = ["PowerEdge", "power_edge", "edge_boundary_values", "graded_breakpoints",
           "DEEP_LEVELS", "end_chart_index"]

#: the rule at a power-law end halves its first panel down to u = 2^-DEEP_LEVELS (module docstring)
DEEP_LEVELS = 40

#: reach of the tracked evaluation, relative to the support's scale: the tracked root solves the whole rescaled curve
#: (no truncated series), so it is exact at any offset; the continuation that gives its start value (and the
#: exponent's numeric estimate, at 1e-3 of the reach) still lands there next to an end e ≠ 0, whose expanded
#: coefficients lose the digits of (x - e)^k to cancellation
REACH_RELATIVE = 1e-5

#: the tracking path's largest ratio between consecutive offsets: y moves by O(|δ|^(1/r)) per step, far less than
#: the O(1) separation of the rescaled roots
PATH_RATIO = 4.0

#: a tracked root is accepted when it is nearer the previous one than this fraction of the distance to the next root
TRACK_TRUST = 0.5

#: smallest numeric log-slope of |m| taken as a blow-up (a square-root edge has slope 0, the mildest power edge of
#: a curve of degree d in m has 1/d ≥ 1/12)
BLOWUP_SLOPE = 0.05

#: largest distance between the numeric log-slope (between the reach and 1e-3 of it, where the Puiseux corrections
#: O(|δ|^(1/r)) bend it) and the Newton-polygon exponent it is matched to
SLOPE_MATCH = 0.1


class PowerEdge(NamedTuple):
    """A support end where the density blows up, with what the tracked evaluation needs."""

    e: float  # the end
    side: int  # +1: the support lies right of e (x = e + |δ|), -1: left of it
    alpha: Fraction  # m ~ |δ|^(-alpha)
    C: np.ndarray  # C[j, k]: coefficient of m^j δ^k of P(m, e + δ), normalised
    reach: float  # |δ| below which the tracked evaluation is used
    y0: complex  # the rescaled boundary value |δ|^alpha m at |δ| = reach (trusted)


def _slopes(C: np.ndarray) -> list[Fraction]:
    """The positive exponents α of the Newton polygon: m ~ δ^-α balances two terms m^j δ^k with no term of lower
    order k − jα (the breakpoints of the concave function min (k − jα))."""
    pts = [(j, k) for j, k in zip(*np.nonzero(C))]
    out = set()
    for j1, k1 in pts:
        for j2, k2 in pts:
            if j2 > j1:
                a = Fraction(int(k2 - k1), int(j2 - j1))
                if a > 0:
                    low = min(k - j * a for j, k in pts)
                    if k1 - j1 * a == low:
                        out.add(a)
    return sorted(out)


def _scaled(edge: PowerEdge, delta: float) -> np.ndarray:
    """Coefficients (in y, constant first) of |δ|^-μ P(|δ|^-α y, e + δ)."""
    C = edge.C
    j = np.arange(C.shape[0])[:, None]
    k = np.arange(C.shape[1])[None, :]
    expo = k - float(edge.alpha) * j
    expo = expo - np.min(np.where(C != 0, expo, np.inf))
    ad = abs(delta)
    with np.errstate(under="ignore"):
        terms = np.where(C != 0, C * np.sign(delta) ** k * ad ** np.maximum(expo, 0.0), 0.0)
    return terms.sum(axis=1)


def _roots(b: np.ndarray) -> np.ndarray:
    nz = np.flatnonzero(b != 0)
    if nz.size == 0 or nz[-1] == 0:
        return np.zeros(0, complex)
    return np.roots(b[: nz[-1] + 1][::-1])


def _log_slope(m: np.ndarray) -> float:
    """-d log|m| / d log|δ| between |δ| = reach and reach/1e3."""
    return float(-np.log(abs(m[1]) / abs(m[0])) / np.log(1e-3))


def power_edge(P: sp.Expr, n: NumericState, e: float, side: int, room: float) -> PowerEdge | None:
    """The power-law edge at e, or None when the density stays bounded there (or the exponent is not clear).

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    n : NumericState
        Its numeric state.
    e : float
        A support end.
    side : int
        +1 when the support lies right of e, −1 when left.
    room : float
        Distance from e to the nearest other singular point (the reach stays well inside it).

    Returns
    -------
    PowerEdge or None
    """
    reach = min(REACH_RELATIVE * max(n.bound, 1e-12), 1e-3 * room)
    if not reach > 0:
        return None
    d = side * np.array([reach, reach / 1e3])
    m, ok = branch_status(n, e + d, np.zeros(2))
    if np.all(ok) and np.all(np.isfinite(m)) and np.all(m != 0) and _log_slope(m) < 0.5 * BLOWUP_SLOPE:
        return None  # bounded (a square-root edge): no need for the local curve, whose exact shift is costly
    # the curve in the local variable δ = z − e (the float end exactly: the shift adds no rounding of its own),
    # continued from δ + iY with the moments of X − e: its coefficients keep every digit next to e
    _, local = local_state(P, n, sp.Rational(e))
    C = local.C
    m, ok = branch_status(local, d, np.zeros(2))
    if not np.all(ok) or not np.all(np.isfinite(m)) or np.any(m == 0):
        return None
    slope = _log_slope(m)
    if slope < BLOWUP_SLOPE:
        return None
    cands = _slopes(C)
    if not cands:
        return None
    alpha = min(cands, key=lambda a: abs(float(a) - slope))
    if abs(float(alpha) - slope) > SLOPE_MATCH:
        return None
    return PowerEdge(float(e), int(side), alpha, C, float(reach), complex(m[0]) * reach ** float(alpha))


def edge_boundary_values(edge: PowerEdge, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""m(e + δ + i0) on the Stieltjes branch for offsets :math:`0 < |\delta| \le` ``edge.reach`` on its side.

    Parameters
    ----------
    edge : PowerEdge
    delta : numpy.ndarray
        Signed offsets from the edge (1-d).

    Returns
    -------
    values : numpy.ndarray
        Complex boundary values.
    ok : numpy.ndarray
        Where the tracked root was the clear continuation of the previous one.
    """
    ad = np.abs(delta)
    out = np.full(delta.shape, complex(np.nan, np.nan))
    ok = np.zeros(delta.shape, dtype=bool)
    if delta.size == 0:
        return out, ok
    # geometric path from the reach down to the smallest offset, with the targets on it
    lo = float(np.min(ad))
    steps = int(np.ceil(np.log(edge.reach / lo) / np.log(PATH_RATIO))) if lo < edge.reach else 0
    path = np.unique(np.concatenate((edge.reach * PATH_RATIO ** -np.arange(steps + 1.0), ad)))[::-1]
    values = {}
    y = edge.y0
    alive = True
    for dd in path:
        if alive:
            r = _roots(_scaled(edge, edge.side * dd))
            dist = np.abs(r - y)
            order = np.argsort(dist)
            alive = r.size > 0 and (r.size == 1 or dist[order[0]] < TRACK_TRUST * dist[order[1]])
            if alive:
                y = r[order[0]]
        values[dd] = (y * dd ** -float(edge.alpha), alive)
    for i, dd in enumerate(ad):
        out[i], ok[i] = values[dd]
    return out, ok


def end_chart_index(ends: np.ndarray, xr: np.ndarray, yi: np.ndarray, radius: float) -> np.ndarray:
    r"""Index of the end e nearest to each point x + iy when :math:`|x + iy - e| < \text{radius}\,|e|`, else −1.

    Next to an end e ≠ 0 the expanded coefficients of P have lost :math:`\log_{10}(|e|/|z - e|)` digits (more where
    other singular points cluster near e); the curve in the local variable z − e keeps them.

    Parameters
    ----------
    ends : numpy.ndarray
        Sorted ends, none of them 0.
    xr, yi : numpy.ndarray
        Real and imaginary parts of the points (1-d).
    radius : float
        Reach of each end's chart, relative to |e|.

    Returns
    -------
    numpy.ndarray
        Integer indices into ``ends`` (−1: no chart).
    """
    out = np.full(xr.shape, -1)
    if ends.size == 0 or xr.size == 0:
        return out
    j = np.clip(np.searchsorted(ends, xr), 1, ends.size) - 1
    j = np.where((j + 1 < ends.size) & (np.abs(ends[np.minimum(j + 1, ends.size - 1)] - xr) < np.abs(ends[j] - xr)),
                 j + 1, j)
    within = np.hypot(xr - ends[j], yi) < radius * np.abs(ends[j])
    out[within] = j[within]
    return out


def graded_breakpoints(rule: PowerEdgeRule, k: int, deep: bool) -> np.ndarray:
    """The rule's panel ends in u for a half with exponent k, the first panel halved down to 2^-DEEP_LEVELS if deep.

    Parameters
    ----------
    rule : PowerEdgeRule
        The piece's rule.
    k : int
        Puiseux cycle length of the half's end (the substitution x = end + h u^k).
    deep : bool
        Whether the end is a power-law edge (an integrand with a log u singularity there).

    Returns
    -------
    numpy.ndarray
        Panel ends in u, ascending from 0.
    """
    edges = rule.breakpoints(k)
    if deep:
        first = edges[1]
        levels = max(0, int(np.ceil(np.log2(first) + DEEP_LEVELS)))
        edges = np.concatenate(([0.0], first * 0.5 ** np.arange(levels, 0, -1.0), edges[1:]))
    return edges
