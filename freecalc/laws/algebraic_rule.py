r"""Adaptive graded quadrature of an algebraic law's density: one rule behind its mass, moments, expectations and cdf.

Each piece [a, b] of the support (cut at the real discriminant zeros) is split at its midpoint into two halves, each
mapped by :math:`x = e + h u^k` from its end e (k the Puiseux cycle length there, so that the density times the
Jacobian is analytic in u; :class:`~freecalc.numerics.quadrature.PowerEdgeRule`), with composite Gauss–Legendre
panels in u: uniform, the first one split geometrically towards the end (down to :math:`u = 2^{-40}` at power-law
edges, :mod:`freecalc.laws.algebraic_edges`).

Those panels resolve the singularities on the real axis; they do not see those off it. A pair of complex-conjugate
branch points at distance ε from the support (:math:`-1.0054 \pm 0.0029i` for
:math:`\mathrm{FreeMeixner}(1.5, 2, 3) \boxplus \mathrm{FreeBessel}(1, 0.2)`) makes the density nearly kinked
there, and a panel of width ≫ ε then converges only like :math:`(\varepsilon / \text{width})^{n}`: 64 uniform panels
miss 3.5e-7 of the mass. Each panel's error is therefore estimated from the Legendre coefficients of its degree
n − 1 interpolant, :math:`E \approx \tfrac{d}{2} \sqrt{c_{n-1}^2 + c_{n-2}^2}` (d the panel width in u): that is
the interpolant's error, which is also the cdf's (the cdf integrates the interpolant), and bounds the Gauss rule's,
whose error is of the order of :math:`E^2 / I` (I the panel's integral). Panels with :math:`E >` ``REFINE_TOL`` are
halved, only they are evaluated again, until all are below it or ``MAX_EXTRA_PANELS`` splits have been spent; then
the sum of the estimates still above the tolerance is reported, for the law's integrals to be flagged.

Reference: Trefethen, *Approximation Theory and Approximation Practice* (2013), ch. 8 and 19 (coefficient decay and
Gauss quadrature of analytic functions); Piessens et al., *QUADPACK* (1983), §2.2 (local adaptive bisection).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from freecalc.laws.algebraic_edges import graded_breakpoints
from freecalc.numerics.quadrature import PowerEdgeAntiderivative, PowerEdgeRule, gauss_legendre

__all__ = ["GradedHalf", "REFINE_TOL", "MAX_EXTRA_PANELS", "adaptive_halves", "rule_arrays", "antiderivative"]

REFINE_TOL = 1e-10
"""Largest accepted interpolation-error estimate of one panel (mass 1): the ordinary laws' panels sit at 1e-15 and
below, the nearly kinked panels this rule exists for at 1e-6 .. 1e-4."""

MAX_EXTRA_PANELS = 512
"""Hard cap on the splits per rule (16 density evaluations per panel and order 16: at most 8192 more)."""

# a density at a node: density(x, delta, at_b) with delta the node's exact offset from the end of its half
Density = Callable[[np.ndarray, np.ndarray, bool], np.ndarray]


@dataclass(frozen=True)
class GradedHalf:
    """One half of a piece, ``x = end + length * u**k`` for u in [0, 1], with its panels and density values.

    Attributes
    ----------
    end, length, k
        The map from u to x (signed length).
    at_b : bool
        The half at the right end of its piece.
    edges : numpy.ndarray
        Panel ends in u (increasing, from 0 to 1).
    u, dens : numpy.ndarray
        Gauss–Legendre nodes in u and the density there, shape (panels, order).
    """

    end: float
    length: float
    k: int
    at_b: bool
    edges: np.ndarray
    u: np.ndarray
    dens: np.ndarray

    @property
    def g(self) -> np.ndarray:
        """The integrand in u: density times dx/du."""
        return self.dens * abs(self.length) * self.k * self.u ** (self.k - 1)


def _legendre_inverse(order: int) -> np.ndarray:
    t = 2.0 * gauss_legendre(order)[0] - 1.0
    return np.linalg.inv(np.polynomial.legendre.legvander(t, order - 1))


def _coefficients(half: GradedHalf, inv_vander: np.ndarray) -> np.ndarray:
    # Legendre coefficients of each panel's interpolant in the local variable t in [-1, 1]
    return half.g @ inv_vander.T


def _estimates(half: GradedHalf, inv_vander: np.ndarray) -> np.ndarray:
    tail = _coefficients(half, inv_vander)[:, -2:]  # (a one-point rule has only c_0: it is never trusted)
    return 0.5 * np.diff(half.edges) * np.sqrt(np.sum(tail * tail, axis=1))


def _evaluate(end: float, length: float, k: int, at_b: bool, lo: np.ndarray, hi: np.ndarray, order: int,
              density: Density) -> tuple[np.ndarray, np.ndarray]:
    """Nodes in u of the panels [lo, hi] of a half and the density there."""
    t = gauss_legendre(order)[0]
    u = lo[:, None] + (hi - lo)[:, None] * t[None, :]
    delta = length * u.ravel() ** k
    return u, density(end + delta, delta, at_b).reshape(u.shape)


def adaptive_halves(pieces: list[tuple[float, float, int, int, bool, bool, Density]], panels: int,
                    order: int) -> tuple[tuple[GradedHalf, ...], float]:
    """The halves of every piece, refined where a panel's error estimate exceeds ``REFINE_TOL``.

    Parameters
    ----------
    pieces : list of tuple
        ``(a, b, ka, kb, deep_a, deep_b, density)`` per piece: its ends, Puiseux cycle lengths, whether each end is
        a power-law edge (graded down to u = 2^-40) and its density ``density(x, delta, at_b)``.
    panels, order : int
        Uniform panels per half of the starting rule and Gauss–Legendre points per panel.

    Returns
    -------
    halves : tuple of GradedHalf
        Two per piece, in order (left half of a piece first).
    unresolved : float
        Sum of the error estimates still above ``REFINE_TOL`` when ``MAX_EXTRA_PANELS`` splits were spent (0 when the
        rule converged).
    """
    inv_vander = _legendre_inverse(order)
    halves, densities = [], []
    for a, b, ka, kb, deep_a, deep_b, density in pieces:
        rule = PowerEdgeRule(a, b, ka, kb, panels, order)
        for (end, length, k), deep, at_b in zip(rule.halves(), (deep_a, deep_b), (False, True)):
            edges = graded_breakpoints(rule, k, deep)
            u, dens = _evaluate(end, length, k, at_b, edges[:-1], edges[1:], order, density)
            halves.append(GradedHalf(end, length, k, at_b, edges, u, dens))
            densities.append(density)
    budget = MAX_EXTRA_PANELS
    while True:
        est = [_estimates(h, inv_vander) for h in halves]
        flat = np.concatenate(est) if est else np.zeros(0)
        bad = np.flatnonzero(flat > REFINE_TOL)
        if bad.size == 0:
            return tuple(halves), 0.0
        if budget == 0:
            return tuple(halves), float(flat[bad].sum())
        # the worst panels first when the budget does not cover them all
        split = np.zeros(flat.size, dtype=bool)
        split[bad[np.argsort(-flat[bad])][:budget]] = True
        budget -= int(split.sum())
        start = 0
        for i, (h, e) in enumerate(zip(halves, est)):
            mine, start = split[start:start + e.size], start + e.size
            if mine.any():
                halves[i] = _split(h, mine, order, densities[i])


def _split(half: GradedHalf, split: np.ndarray, order: int, density: Density) -> GradedHalf:
    """The half with the flagged panels halved in u (only the new panels are evaluated)."""
    lo, hi = half.edges[:-1][split], half.edges[1:][split]
    mid = 0.5 * (lo + hi)
    # the children of all split panels in one evaluation: left children first, then right ones
    starts, ends = np.concatenate((lo, mid)), np.concatenate((mid, hi))
    u, dens = _evaluate(half.end, half.length, half.k, half.at_b, starts, ends, order, density)
    keep = ~split
    lefts = np.concatenate((half.edges[:-1][keep], starts))
    order_ = np.argsort(lefts, kind="stable")
    edges = np.append(lefts[order_], half.edges[-1])
    return GradedHalf(half.end, half.length, half.k, half.at_b, edges,
                      np.concatenate((half.u[keep], u))[order_], np.concatenate((half.dens[keep], dens))[order_])


def rule_arrays(halves: tuple[GradedHalf, ...], order: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Nodes, plain weights (of :math:`\int f\,dx`) and the density at each node.

    Parameters
    ----------
    halves : tuple of GradedHalf
    order : int
        Gauss–Legendre points per panel.

    Returns
    -------
    x, w, dens : numpy.ndarray
    """
    if not halves:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    wt = gauss_legendre(order)[1]
    xs, ws, ds = [], [], []
    for h in halves:
        xs.append((h.end + h.length * h.u ** h.k).ravel())
        ws.append((np.diff(h.edges)[:, None] * wt[None, :] * abs(h.length) * h.k * h.u ** (h.k - 1)).ravel())
        ds.append(h.dens.ravel())
    return np.concatenate(xs), np.concatenate(ws), np.concatenate(ds)


def antiderivative(left: GradedHalf, right: GradedHalf, order: int) -> PowerEdgeAntiderivative:
    r""":math:`F(x) = \int_a^x \rho` on one piece from its two halves (Legendre antiderivatives of the panels'
    interpolants: no further density evaluation).

    Parameters
    ----------
    left, right : GradedHalf
        The halves at a and at b.
    order : int
        Gauss–Legendre points per panel.

    Returns
    -------
    PowerEdgeAntiderivative
    """
    inv_vander = _legendre_inverse(order)
    tables = []
    for h in (left, right):
        d = np.diff(h.edges)
        anti = np.polynomial.legendre.legint(_coefficients(h, inv_vander), lbnd=-1, axis=1) * (0.5 * d[:, None])
        totals = np.polynomial.legendre.legval(1.0, anti.T)
        tables.append((h.end, h.length, h.k, h.edges, anti, np.concatenate(([0.0], np.cumsum(totals)))))
    return PowerEdgeAntiderivative(tuple(tables))
