r"""Quadrature on the support of a spectral density.

Spectral densities of algebraic laws behave like :math:`\sqrt{(x-a)(b-x)}` (or :math:`1/\sqrt{\cdot}`) at the edges
of a compact interval :math:`[a, b]`. The substitution :math:`x = c - h\cos\theta` (:math:`c = (a+b)/2`,
:math:`h = (b-a)/2`) turns :math:`\int_a^b\rho(x)\,dx` into :math:`\int_0^\pi \rho(c - h\cos\theta)\,h\sin\theta\,d\theta`,
whose integrand is smooth for both edge types, so composite Gauss–Legendre in :math:`\theta` converges fast.
Composite panels (rather than one high-order rule) keep the rule robust when a pole of the density's rational factor
sits just outside an edge (e.g. Kesten–McKay close to d = 2).

Other edge exponents (:math:`x^{-2/3}` at the edge of a free product of Marchenko–Pastur laws) and kinks inside the
support need :class:`PowerEdgeRule`: :math:`x = e + h u^k` per end, with k the length of the density's Puiseux cycle
there, which turns any series in :math:`(x - e)^{1/k}` into an analytic integrand.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["gauss_legendre", "IntervalRule", "PowerEdgeRule", "PowerEdgeAntiderivative", "bisect_increasing"]

ArrayFn = Callable[[np.ndarray], np.ndarray]


@lru_cache(maxsize=16)
def gauss_legendre(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [0, 1] (cached, read-only).

    Parameters
    ----------
    order : int
        Number of nodes (exact for polynomials of degree ``2 order - 1``).

    Returns
    -------
    nodes, weights : numpy.ndarray
        Read-only arrays of length ``order``.
    """
    t, wt = np.polynomial.legendre.leggauss(order)
    nodes, weights = 0.5 * (t + 1.0), 0.5 * wt
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


@dataclass(frozen=True)
class IntervalRule:
    r"""Composite Gauss–Legendre rule in :math:`\theta` for a compact interval :math:`[a, b]`.

    The panels are uniform in :math:`\theta \in [0, \pi]`, and the two end panels are further split geometrically
    (ratio 1/2, ``grading`` levels) towards the edges. The grading keeps the rule exponentially accurate when the
    density's rational factor has a pole just outside an edge (Marchenko–Pastur with c → 1, Kesten–McKay with
    d → 2), since such a pole sits at distance :math:`\sim\sqrt{\delta}` from :math:`\theta = 0`.

    Parameters
    ----------
    a, b : float
        Interval endpoints, ``a < b``.
    panels : int
        Number of uniform panels in :math:`\theta`.
    order : int
        Gauss–Legendre points per panel.
    grading : int
        Number of geometric refinement levels in each end panel. Each level halves the smallest panel; laws with a density pole near an edge ask for as many levels as reach it (poles at relative distance
        δ sit at θ ≈ √(2δ)), but never so many that x − a is lost to round-off.
    """

    a: float
    b: float
    panels: int = 64
    order: int = 16
    grading: int = 0

    @property
    def _ch(self) -> tuple[float, float]:
        return 0.5 * (self.a + self.b), 0.5 * (self.b - self.a)

    def breakpoints(self) -> np.ndarray:
        """Panel boundaries in θ (increasing, from 0 to π).

        Returns
        -------
        numpy.ndarray
            ``panels + 2 grading + 1`` boundaries.
        """
        step = np.pi / self.panels
        fine = step * 0.5 ** np.arange(self.grading, 0, -1)
        return np.concatenate(([0.0], fine, np.linspace(step, np.pi - step, self.panels - 1), np.pi - fine[::-1],
                               [np.pi]))

    def _x_of_theta(self, theta: np.ndarray) -> np.ndarray:
        # a + 2h sin²(θ/2) near a and b − 2h cos²(θ/2) near b: no cancellation in the distance to the edge
        c, h = self._ch
        return np.where(theta < 0.5 * np.pi, self.a + 2 * h * np.sin(0.5 * theta) ** 2,
                        self.b - 2 * h * np.cos(0.5 * theta) ** 2)

    def _theta_nodes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t, wt = gauss_legendre(self.order)
        edges = self.breakpoints()
        d = np.diff(edges)
        theta = edges[:-1, None] + d[:, None] * t[None, :]
        return edges, theta, d[:, None] * wt[None, :]

    def nodes_weights(self) -> tuple[np.ndarray, np.ndarray]:
        r"""Nodes in x and weights such that ``sum(w * f(x))`` approximates the integral of f over [a, b].

        With :math:`x = c - h\cos\theta` the weights carry the Jacobian :math:`h\sin\theta`, which cancels the
        square-root edge behaviour of spectral densities.

        Returns
        -------
        x, w : numpy.ndarray
        """
        _, h = self._ch
        _, theta, wtheta = self._theta_nodes()
        theta, wtheta = theta.ravel(), wtheta.ravel()
        return self._x_of_theta(theta), wtheta * h * np.sin(theta)

    def integrate(self, f: ArrayFn) -> float:
        """Integral of f over [a, b].

        Parameters
        ----------
        f : callable
            Vectorised function of x.

        Returns
        -------
        float
        """
        xs, ws = self.nodes_weights()
        return float(np.sum(ws * f(xs)))

    def cumulative(self, f: ArrayFn, x: np.ndarray) -> np.ndarray:
        r""":math:`\int_a^{x} f` for every x (clipped to [a, b]), vectorised.

        The panel totals are accumulated once; the partial panel containing :math:`\theta(x)` is integrated with
        the same Gauss–Legendre order on :math:`[\theta_k, \theta(x)]`.

        Parameters
        ----------
        f : callable
            Vectorised function of x.
        x : array_like
            Upper limits.

        Returns
        -------
        numpy.ndarray
            Shaped like ``x``.
        """
        c, h = self._ch
        x = np.asarray(x, dtype=float)
        theta_x = np.arccos(np.clip((c - x) / h, -1.0, 1.0))
        t, wt = gauss_legendre(self.order)
        edges, th, wth = self._theta_nodes()
        panel_sums = (f(self._x_of_theta(th.ravel())).reshape(th.shape) * (h * np.sin(th)) * wth).sum(axis=1)
        cum = np.concatenate(([0.0], np.cumsum(panel_sums)))
        k = np.clip(np.searchsorted(edges, theta_x, side="right") - 1, 0, edges.size - 2)
        lo = edges[k]
        span = theta_x - lo
        th_p = lo[..., None] + span[..., None] * t
        vals = f(self._x_of_theta(th_p.ravel())).reshape(th_p.shape)
        partial = (vals * h * np.sin(th_p) * wt).sum(axis=-1) * span
        return cum[k] + partial


def bisect_increasing(f: ArrayFn, target: np.ndarray, lo: float, hi: float, iterations: int = 64) -> np.ndarray:
    r"""Vectorised bisection for :math:`\inf\{x \in [lo, hi]: f(x) \ge target\}` of a non-decreasing f.

    Returns the right end of the final bracket, so that jumps of f (atoms of a cdf) are located exactly at the
    jump point; 64 halvings reach double precision for any finite bracket.

    Parameters
    ----------
    f : callable
        Vectorised non-decreasing function.
    target : array_like
        Levels to reach.
    lo, hi : float
        Finite bracket.
    iterations : int
        Number of halvings.

    Returns
    -------
    numpy.ndarray
        Shaped like ``target``.
    """
    target = np.asarray(target, dtype=float)
    a = np.full(target.shape, lo, dtype=float)
    b = np.full(target.shape, hi, dtype=float)
    at_lo = f(a) >= target  # the answer is lo itself (e.g. an atom at the left end)
    for _ in range(iterations):
        mid = 0.5 * (a + b)
        right = f(mid) >= target
        b = np.where(right, mid, b)
        a = np.where(right, a, mid)
    return np.where(at_lo, lo, b)


@dataclass(frozen=True)
class PowerEdgeRule:
    r"""Composite Gauss–Legendre rule for :math:`[a, b]` with power substitutions at both ends.

    The interval is cut at its midpoint :math:`s`; the left half is mapped by :math:`x = a + (s - a)u^{k_a}`, the
    right half by :math:`x = b - (b - s)v^{k_b}`, :math:`u, v \in [0, 1]`. A density that is a convergent series in
    :math:`(x - a)^{1/k_a}` (a Puiseux cycle of length :math:`k_a` at ``a``, e.g. :math:`(x - a)^{1/2}` edges with
    :math:`k_a = 2`, :math:`x^{-2/3}` edges with :math:`k_a = 3`, kinks of a smooth and a square-root part with
    :math:`k_a = 2`) becomes, times the Jacobian :math:`k_a (s - a) u^{k_a - 1}`, a power series in u: analytic, so
    the composite rule converges exponentially. The panels in u are uniform with the first one split
    geometrically (ratio 1/2) towards the end, down to the width :math:`10^{-9/k}` that a density pole at relative
    distance ~1e-9 outside the end needs.

    Reference: P. J. Davis & P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed. (1984), §2.12.

    Parameters
    ----------
    a, b : float
        Interval endpoints, ``a < b``.
    ka, kb : int
        Exponents of the substitutions at ``a`` and ``b`` (≥ 1).
    panels : int
        Uniform panels per half.
    order : int
        Gauss–Legendre points per panel.
    """

    a: float
    b: float
    ka: int = 2
    kb: int = 2
    panels: int = 32
    order: int = 16

    def breakpoints(self, k: int) -> np.ndarray:
        """Panel boundaries in u ∈ [0, 1] for the half whose end has exponent k (increasing).

        Parameters
        ----------
        k : int
            Exponent of the end's substitution.

        Returns
        -------
        numpy.ndarray
        """
        step = 1.0 / self.panels
        levels = int(min(10, max(0, np.ceil(np.log2(step / 10.0 ** (-9.0 / k))))))
        fine = step * 0.5 ** np.arange(levels, 0, -1)
        return np.concatenate(([0.0], fine, np.linspace(step, 1.0, self.panels)))

    def halves(self) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
        """``(end, signed length, exponent)`` of the left and right halves: ``x = end + length * u**k``.

        Returns
        -------
        tuple
        """
        s = 0.5 * (self.a + self.b)
        return (self.a, s - self.a, self.ka), (self.b, s - self.b, self.kb)

    def nodes_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Nodes in x and weights such that ``sum(w * f(x))`` approximates the integral of f over [a, b].

        Returns
        -------
        x, w : numpy.ndarray
        """
        t, wt = gauss_legendre(self.order)
        xs, ws = [], []
        for end, length, k in self.halves():
            edges = self.breakpoints(k)
            d = np.diff(edges)
            u = (edges[:-1, None] + d[:, None] * t[None, :]).ravel()
            xs.append(end + length * u ** k)
            ws.append((d[:, None] * wt[None, :]).ravel() * abs(length) * k * u ** (k - 1))
        return np.concatenate(xs), np.concatenate(ws)

    def antiderivative(self, f: ArrayFn) -> PowerEdgeAntiderivative:
        r"""Tables for :math:`F(x) = \int_a^x f` (Legendre antiderivatives of each panel's interpolant in u).

        Parameters
        ----------
        f : callable
            Vectorised function of x (evaluated once per node).

        Returns
        -------
        PowerEdgeAntiderivative
        """
        t, _ = np.polynomial.legendre.leggauss(self.order)
        inv_vander = np.linalg.inv(np.polynomial.legendre.legvander(t, self.order - 1))
        tables = []
        for end, length, k in self.halves():
            edges = self.breakpoints(k)
            d = np.diff(edges)
            u = edges[:-1, None] + 0.5 * d[:, None] * (t[None, :] + 1.0)
            g = f(end + length * u.ravel() ** k).reshape(u.shape) * abs(length) * k * u ** (k - 1)
            anti = np.polynomial.legendre.legint(g @ inv_vander.T, lbnd=-1, axis=1) * (0.5 * d[:, None])
            totals = np.polynomial.legendre.legval(1.0, anti.T)
            tables.append((end, length, k, edges, anti, np.concatenate(([0.0], np.cumsum(totals)))))
        return PowerEdgeAntiderivative(tuple(tables))


@dataclass(frozen=True)
class PowerEdgeAntiderivative:
    """:math:`F(x) = \\int_a^x f` from the tables of :meth:`PowerEdgeRule.antiderivative` (O(order) per point).

    Parameters
    ----------
    tables : tuple
        Per half: ``(end, signed length, exponent, u-breakpoints, Legendre antiderivatives, cumulative totals)``.
    """

    tables: tuple

    @property
    def total(self) -> float:
        """:math:`\\int_a^b f`."""
        return float(self.tables[0][-1][-1] + self.tables[1][-1][-1])

    def _from_end(self, half: int, x: np.ndarray) -> np.ndarray:
        end, length, k, edges, anti, before = self.tables[half]
        u = np.clip((x - end) / length, 0.0, 1.0) ** (1.0 / k)
        j = np.clip(np.searchsorted(edges, u, side="right") - 1, 0, len(edges) - 2)
        tloc = 2.0 * (u - edges[j]) / (edges[j + 1] - edges[j]) - 1.0
        return before[j] + np.polynomial.legendre.legval(tloc, anti[j].T, tensor=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """F(x) for x in [a, b] (clipped outside).

        Parameters
        ----------
        x : numpy.ndarray

        Returns
        -------
        numpy.ndarray
        """
        x = np.asarray(x, dtype=float)
        mid = self.tables[0][0] + self.tables[0][1]
        left = self._from_end(0, np.minimum(x, mid))
        right = self.total - self._from_end(1, np.maximum(x, mid))  # the right half is tabulated from b
        return np.where(x <= mid, left, right)
