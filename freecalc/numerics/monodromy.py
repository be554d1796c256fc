r"""Length of the Puiseux cycle of a root of :math:`P(m, z) = 0` at a point: local rule, numerical monodromy.

Near a point :math:`e` the roots of :math:`P(\cdot, z)` are grouped in cycles: a cycle of length r consists of r
roots that are the values of one convergent series in :math:`(z - e)^{1/r}` (Newton–Puiseux). Following a root
continuously once around a small circle :math:`|z - e| = \varepsilon` (no other branch point inside) permutes the
roots; the root returns to itself after exactly r turns.

Where the roots of :math:`P(\cdot, e)` decide it, :func:`local_cycle_length` reads the cycle off them without
following a root (the local rule); :func:`cycle_length` follows the root.

Reference: E. Brieskorn & H. Knörrer, *Plane Algebraic Curves* (1986), §8.3; E. Casas-Alvero, *Singularities of
Plane Curves* (2000), §1.2 (Puiseux series of a branch at a smooth point); R. J. Walker, *Algebraic Curves* (1950),
§IV.3 (Newton polygon).
"""
from __future__ import annotations

import warnings
from functools import lru_cache
from math import comb

import numpy as np

from freecalc.numerics.solvers import ConvergenceWarning

__all__ = ["MONODROMY_STEPS", "cycle_length", "local_cycle_length", "local_rule"]

#: coarse steps per turn when following a root around the circle; a step is refined (REFINE substeps, at most
#: MAX_REFINE times nested) wherever the followed root is not the clear nearest of the next point's roots
MONODROMY_STEPS = 64

#: substeps of a refined step
REFINE = 8

#: nesting depth of refinements beyond which the nearest root is taken and the cycle flagged
MAX_REFINE = 4

#: after this many points without a clear nearest root the circle is not refined any more (roots that double
#: precision cannot separate stay so on every finer step: the refinements would only multiply the work)
MAX_UNSURE = 4

#: the root nearest to the previous position is taken only when it is at most this fraction of the distance to the
#: second nearest, and of the previous position's distance to the other previous roots (the step moved the root far
#: less than the other roots are away on both sides of the step)
CLEAR_NEAREST = 0.25

#: roots of P(., e) closer than this (relative to the largest root) are one multiple root: a float e within rounding
#: of the discriminant zero spreads a k-fold root by about (1e-16)^(1/k), 1e-8 for k = 2
CLUSTER_RADIUS = 1e-6

#: the local rule decides only when every root outside the multiple root is this many cluster radii away from it
CLUSTER_SEPARATION = 1e3

#: the inequalities of the local rule (Rouché, smoothness) must hold with this factor to spare: the rounding of the
#: roots (about 1e-8 of their size at a double root) and of the shifted coefficients moves their sides far less
LOCAL_MARGIN = 1.25

#: radii tried for the disc of Rouché's inequality (geometric, from the roots at e + i eps to half the gap)
ROUCHE_RADII = 32

#: the leading coefficient in m at e must exceed this fraction of the largest (rounding of an exact zero): otherwise a
#: root is at infinity there (a pole of m, an atom) and the local rule does not apply
LEAD_TOL = 1e-12


def cycle_length(C: np.ndarray, e: float, eps: float, m0: complex, steps: int = MONODROMY_STEPS) -> int:
    r"""Length r of the Puiseux cycle at :math:`z = e` containing the root of :math:`P(\cdot, e + i\varepsilon)`
    nearest to ``m0``.

    Parameters
    ----------
    C : numpy.ndarray
        ``C[j, k]`` = coefficient of :math:`m^j z^k` in P (degree d ≥ 1 in m).
    e : float
        Centre of the circle.
    eps : float
        Radius, smaller than the distance from e to every other zero of the discriminant and of the leading
        coefficient in m.
    m0 : complex
        Approximation of the root at :math:`e + i\varepsilon` (only the nearest root is used).
    steps : int
        Coarse points per turn; a step after which the followed root is not the clear nearest of the new point's roots
        (``CLEAR_NEAREST``) is split into ``REFINE`` substeps, up to ``MAX_REFINE`` times nested.

    Returns
    -------
    int
        r, between 1 and d.

    Raises
    ------
    ArithmeticError
        If the root does not return within d turns.

    Warns
    -----
    ConvergenceWarning
        If somewhere even the finest step left no clear nearest root (the nearest was taken: r is not certain).
    """
    d = C.shape[0] - 1
    roots0 = _companion_roots(C, np.array([e + 1j * eps]))[0]
    start = int(np.argmin(np.abs(roots0 - m0)))
    cur = roots0[start]
    unsure: list[float] = []
    # one turn at a time: most cycles close after one or two turns, and the later turns are then never computed
    for turn in range(d):
        cur = _follow(C, e, eps, cur, roots0, 0.5 * np.pi + 2.0 * np.pi * np.arange(steps + 1) / steps, 0,
                      unsure)[0]
        # after each whole turn z is back at e + i eps, where the roots are exactly those of the start
        if int(np.argmin(np.abs(roots0 - cur))) == start:
            if unsure:
                warnings.warn(f"Puiseux cycle at z = {e}: on the circle of radius {eps:.3g} the followed root was not "
                              f"the clear nearest at {len(unsure)} points even after {MAX_REFINE} refinements (roots "
                              f"closer than double precision separates): the cycle length {turn + 1} is not certain",
                              ConvergenceWarning, stacklevel=2)
            return turn + 1
    why = f"; at {len(unsure)} points no step separated the roots" if unsure else ""
    raise ArithmeticError(f"no closed Puiseux cycle at z = {e} (radius {eps}, {steps} steps per turn{why})")


def _follow(C: np.ndarray, e: float, eps: float, cur: complex, prev: np.ndarray, theta: np.ndarray, depth: int,
            unsure: list[float]) -> tuple[complex, np.ndarray]:
    """The root followed from ``cur`` (one of the roots ``prev`` at angle theta[0]) along the angles theta of the
    circle, and the roots at the last angle. A step is taken when the root nearest to the previous position is the clear
    nearest among the new roots and moved by a clear fraction of the previous roots' distance from it (a root passing
    close to another is caught on either side of the step); otherwise the step is refined (the angles where even the
    finest step is not clear are appended to ``unsure``)."""
    roots = _companion_roots(C, e + eps * np.exp(1j * theta[1:]))
    for i, row in enumerate(roots):
        dist = np.abs(row - cur)
        k = int(np.argmin(dist))
        if dist.size == 1 or dist[k] <= CLEAR_NEAREST * min(np.partition(dist, 1)[1],
                                                            np.partition(np.abs(prev - cur), 1)[1]):
            cur, prev = row[k], row
            continue
        if depth >= MAX_REFINE or len(unsure) >= MAX_UNSURE:  # the nearest root all the same, the cycle flagged
            unsure.append(float(theta[i + 1]))
            cur, prev = row[k], row
            continue
        cur, prev = _follow(C, e, eps, cur, prev, np.linspace(theta[i], theta[i + 1], REFINE + 1), depth + 1, unsure)
    return cur, prev


def local_cycle_length(C: np.ndarray, e: float, eps: float, m0: complex) -> int | None:
    r"""Length r of the Puiseux cycle at :math:`z = e` containing the root of :math:`P(\cdot, e + i\varepsilon)`
    nearest to ``m0``, read off the roots of :math:`P(\cdot, e)`, or None where they do not decide it.

    The rule. Let Q be :math:`P(\cdot, e)` without its negligible leading coefficients (``LEAD_TOL``: roots at
    infinity), its roots :math:`\rho_i` grouped into clusters (roots within ``CLUSTER_RADIUS`` of their size, at least
    the median root's, are one multiple root :math:`m_c` of multiplicity k, every other root ``CLUSTER_SEPARATION``
    cluster radii away), and D a disc about :math:`m_c` of radius R below half the gap to the other roots. With
    :math:`B_{jk}` the coefficients of :math:`P(m_c + w, e + t) = \sum B_{jk} w^j t^k`:

    1. Rouché: if on :math:`\partial D` the lower bound :math:`|Q(m)| \ge |q| \prod_i \bigl|R - |\rho_i - m_c|\bigr|`
       (q the leading coefficient of Q) exceeds the upper bound :math:`\sum_{k \ge 1} \varepsilon^k \sum_j |B_{jk}|
       R^j` of :math:`|P(m, z) - P(m, e)|` plus that of the dropped terms (with ``LOCAL_MARGIN`` to spare; the radius
       is tried on a grid), then for every :math:`|z - e| \le \varepsilon` exactly k roots of :math:`P(\cdot, z)`
       lie in D: the k sheets through :math:`m_c` are closed under the monodromy of the circle, no other joins them.
    2. k = 1: the one root in D is analytic in z on the disc, r = 1.
    3. k ≥ 2 and :math:`\partial P / \partial z (m_c, e) = B_{01} \ne 0` (it exceeds, with margin, what the other
       terms of :math:`\partial_t P` reach within the cluster's spread and the rounding of its own terms): the curve is
       smooth at the k-fold point and meets the line z = e there with multiplicity k, so its Newton polygon has the
       single edge from :math:`(0, 1)` to :math:`(k, 0)`: :math:`z - e = u (m - m_c)^k` with a unit u, one cycle of
       length k (Casas-Alvero §1.2).

    The branch is in the cluster whose disc holds the root at :math:`e + i\varepsilon` nearest to ``m0`` (the clear
    nearest: at most a quarter of the distance to the next root). Undecided (None): the branch's root has a pole at
    e (atoms, power-law ends), clusters not separated, Rouché's inequality failing, or a singular point of the curve
    (:math:`B_{01} \approx 0`: node, cusp).

    Parameters
    ----------
    C : numpy.ndarray
        ``C[j, k]`` = coefficient of :math:`m^j z^k` in P (degree d ≥ 1 in m).
    e : float
        The point.
    eps : float
        Radius of the circle around e that holds no other zero of the discriminant or of the leading coefficient.
    m0 : complex
        Approximation of the root at :math:`e + i\varepsilon`.

    Returns
    -------
    int or None
        r between 1 and d, or None when the rule does not decide.
    """
    return local_rule(C, e, eps, m0)[0]


def local_rule(C: np.ndarray, e: float, eps: float, m0: complex) -> tuple[int | None, str]:
    """:func:`local_cycle_length` with the reason of its verdict (which case of the rule decided, or why none did).

    Parameters
    ----------
    C, e, eps, m0
        As for :func:`local_cycle_length`.

    Returns
    -------
    r : int or None
    reason : str
    """
    d = C.shape[0] - 1
    coef = C @ e ** np.arange(C.shape[1])
    # Q = P(., e) without its negligible leading coefficients (their roots are at or near infinity)
    big = np.flatnonzero(np.abs(coef) > LEAD_TOL * np.abs(coef).max())
    dq = int(big[-1]) if big.size else 0
    if dq < 1:
        return None, "no finite root at e: the branch has a pole there (atom, power-law end)"
    roots = _roots(coef[: dq + 1])
    # distances are relative to the roots' sizes, floored by their median (a root near 0 has no size of its own, and
    # a huge root next to a pole of m says nothing about the others)
    size = np.maximum(np.abs(roots), max(float(np.sort(np.abs(roots))[dq // 2]), np.finfo(float).tiny))
    # the branch's root at e + i eps (the clear nearest to m0) and the cluster of roots at e nearest to it
    ctop = C @ (e + 1j * eps) ** np.arange(C.shape[1])
    if ctop[-1] == 0:
        return None, "the leading coefficient vanishes at e + i eps"
    top = _roots(ctop)
    dist = np.abs(top - m0)
    mine = top[np.argmin(dist)]
    if d > 1 and not np.partition(dist, 1)[0] <= 0.25 * np.partition(dist, 1)[1]:
        return None, "m0 has no clear nearest root"
    near = np.abs(roots[:, None] - roots[None, :]) <= CLUSTER_RADIUS * np.maximum(size[:, None], size[None, :])
    members = near[np.argmin(np.abs(roots - mine))]
    if np.any(near[members].any(axis=0) != members):
        return None, "roots chaining into each other"  # no clear multiple root
    k = int(members.sum())
    mc = roots[members].sum() / k
    others = np.abs(roots[~members] - mc)
    if others.size and not others.min() >= CLUSTER_SEPARATION * CLUSTER_RADIUS * size[members].max():
        return None, "the multiple root not separated from the others"
    if others.size and not abs(mine - mc) < 0.5 * others.min():
        return None, "the branch's root at e + i eps is far from the roots at e (eps too large, or a pole at e)"
    B = _shifted(C, mc, e)
    jj, kk = np.arange(d + 1)[:, None], np.arange(B.shape[1])[None, :]
    # the disc must hold the k nearest roots at e + i eps (m0's among them) and no other; its radius is free between
    # them and half the gap: Rouché's inequality is tried on a geometric grid of radii
    near_top = np.sort(np.abs(top - mc))
    inner, outer = 1.05 * max(near_top[k - 1], abs(mine - mc)), near_top[k] if d > k else np.inf
    # without other roots any radius will do: the leading term wins on a large enough disc
    R = inner * ((0.5 * float(others.min()) if others.size else 1e4 * inner) / inner) ** np.linspace(0, 1, ROUCHE_RADII)
    R = R[R < outer]
    if R.size == 0:
        return None, "the roots at e + i eps are not those of the disc"
    lower = abs(coef[dq]) * np.prod(np.abs(R[:, None] - np.abs(roots - mc)[None, :]), axis=1)
    upper = np.sum(np.abs(B[None, :, 1:]) * R[:, None, None] ** jj * eps ** kk[:, 1:], axis=(1, 2))
    # the dropped leading terms count as part of the perturbation: |P(m, z) - Q(m)| < |Q(m)| on the circle
    upper += np.sum(np.abs(coef[dq + 1:]) * (abs(mc) + R[:, None]) ** np.arange(dq + 1, d + 1), axis=1)
    if not np.any(lower > LOCAL_MARGIN * upper):
        return None, "Rouché's inequality fails on the circle"
    if k == 1:
        return 1, "a simple root, analytic on the disc"
    # within the cluster's spread (w up to twice it, t up to the rounding of e) the other terms of dP/dt stay below
    # |B01|: the k-fold point is a smooth point of the curve
    tiny = 4.0 * np.finfo(float).eps
    dw = 2.0 * float(np.abs(roots[members] - mc).max()) + tiny * abs(mc)
    dt = tiny * max(abs(e), 1.0)
    rest = np.abs(B[:, 1:]) * kk[:, 1:] * dw ** jj * dt ** (kk[:, 1:] - 1)
    rest[0, 0] = 0.0
    # ... and above the rounding of the sum of the terms of dP/dz that B01 is
    terms = np.abs(C[:, 1:]) * np.arange(1, C.shape[1]) * abs(mc) ** jj * abs(e) ** (kk[:, 1:] - 1)
    if not abs(B[0, 1]) > LOCAL_MARGIN * float(rest.sum() + 1e3 * np.finfo(float).eps * terms.sum()):
        return None, "a singular point of the curve (dP/dz = 0 at the multiple root)"
    return k, "a smooth k-fold point: one k-cycle"


def _shifted(C: np.ndarray, m0: complex, z0: float) -> np.ndarray:
    """Coefficients B[j, k] of :math:`P(m_0 + w, z_0 + t)` in :math:`w^j t^k` (Taylor shift in both variables)."""
    return _taylor_shift(np.asarray(C, dtype=complex), m0) @ _taylor_shift(np.eye(C.shape[1]), z0).T


def _taylor_shift(c: np.ndarray, x0: complex) -> np.ndarray:
    """Rows of c are the coefficients of polynomials in x (one per column); returns those in x - x0."""
    n = c.shape[0]
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    # M[i, j] = binom(j, i) x0^(j - i) for j >= i
    M = np.where(j >= i, _binomials(n) * complex(x0) ** np.maximum(j - i, 0), 0.0)
    return M @ c


@lru_cache(maxsize=None)
def _binomials(n: int) -> np.ndarray:
    """binom(j, i) at [i, j], i, j < n."""
    return np.array([[comb(j, i) for j in range(n)] for i in range(n)], dtype=float)


def _roots(c: np.ndarray) -> np.ndarray:
    """Roots of the polynomial with coefficients c (lowest first, c[-1] != 0), as eigenvalues of its companion."""
    d = c.size - 1
    comp = np.zeros((d, d), dtype=complex)
    comp[1:, :-1] = np.eye(d - 1)
    comp[:, -1] = -c[:-1] / c[-1]
    return np.linalg.eigvals(comp)


def _companion_roots(C: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Roots of P(., z) at each z (rows), as eigenvalues of the companion matrices."""
    d = C.shape[0] - 1
    coef = np.polynomial.polynomial.polyval(z, C.T)  # coef[j]: coefficient of m^j at each z
    comp = np.zeros((z.size, d, d), dtype=complex)
    comp[:, 1:, :-1] = np.eye(d - 1)
    comp[:, :, -1] = -(coef[:-1] / coef[-1]).T
    return np.linalg.eigvals(comp)
