r"""Quadrature on the support of a spectral density.

Spectral densities of algebraic laws behave like :math:`\sqrt{(x-a)(b-x)}` (or :math:`1/\sqrt{\cdot}`) at the edges
of a compact interval :math:`[a, b]`. The substitution :math:`x = c - h\cos\theta` (:math:`c = (a+b)/2`,
:math:`h = (b-a)/2`) turns :math:`\int_a^b\rho(x)\,dx` into :math:`\int_0^\pi \rho(c - h\cos\theta)\,h\sin\theta\,d\theta`,
whose integrand is smooth for both edge types, so composite Gauss–Legendre in :math:`\theta` converges fast.
Composite panels (rather than one high-order rule) keep the rule robust when a pole of the density's rational factor
sits just outside an edge (e.g. Kesten–McKay close to d = 2).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["gauss_legendre", "IntervalRule", "bisect_increasing"]

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
