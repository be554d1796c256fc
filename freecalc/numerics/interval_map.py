r"""Changes of variable and composite panel tables for the quadrature of densities on support intervals.

A map :math:`x(v)` turns :math:`\int\rho(x)\,dx` over a support interval into :math:`\int\rho(x(v))\,x'(v)\,dv`,
integrated by composite Gauss–Legendre on panels in v:

* :class:`ThetaMap` — a bounded :math:`[a, b]`: :math:`x = c - h\cos\theta`, θ ∈ [0, π], which makes
  square-root (and inverse square-root) edges smooth;
* :class:`LogMap` — an unbounded interval, on logarithmic scales: :math:`x = a + s e^{v}` on
  :math:`[a, \infty)`, :math:`x = b - s e^{-v}` on :math:`(-\infty, b]`, :math:`x = c + s\sinh v` on the whole line.
  A power tail :math:`\rho \sim C|x|^{-1-\alpha}` becomes :math:`\rho\,x' \sim C s^{-\alpha}e^{-\alpha|v|}`, smooth
  and exponentially decaying for every α > 0 (no singular end, unlike :math:`x = s\tan(\pi(u - 1/2))`, whose
  integrand grows like :math:`(1-u)^{\alpha-1}` for α < 1), and an edge :math:`\rho \sim (x - a)^{\gamma}` becomes
  :math:`e^{(1+\gamma)v}`, decaying as v → −∞ for every γ > −1.

:class:`PanelTable` holds the composite rule on given panel ends in v and, from the integrand's values at its
nodes, the cumulative mass at the panel ends and per panel the Legendre interpolant of the integrand
(:func:`lagrange_to_legendre`), whose exact primitive (:func:`legendre_primitives`) gives the mass up to any v
without new evaluations. :class:`MappedTable` adds the map and the mass beyond the table's ends (a tail whose
integrand decays like :math:`e^{-\kappa|v|}`): the cdf of a density on one support interval, and its quadrature
rule.

Reference: P. J. Davis, P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed. (1984), §3.9 (transformation of
infinite ranges), §2.7 (Gauss–Legendre).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from freecalc.numerics.quadrature import gauss_legendre

__all__ = ["ThetaMap", "LogMap", "PanelTable", "MappedTable", "log_panel_edges", "lagrange_to_legendre",
           "legendre_primitives"]


@dataclass(frozen=True)
class ThetaMap:
    r""":math:`x = c - h\cos\theta` on a bounded [a, b], θ ∈ [0, π] (c, h: centre and half-width)."""

    a: float
    b: float

    @property
    def v_range(self) -> tuple[float, float]:
        return 0.0, math.pi

    def x(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x(θ) and dx/dθ; x as a + 2h sin²(θ/2) near a and b − 2h cos²(θ/2) near b (no cancellation)."""
        h = 0.5 * (self.b - self.a)
        x = np.where(v < 0.5 * np.pi, self.a + 2 * h * np.sin(0.5 * v) ** 2, self.b - 2 * h * np.cos(0.5 * v) ** 2)
        return x, h * np.sin(v)

    def v(self, x: np.ndarray) -> np.ndarray:
        """θ(x), clipped to [0, π]."""
        c, h = 0.5 * (self.a + self.b), 0.5 * (self.b - self.a)
        return np.arccos(np.clip((c - x) / h, -1.0, 1.0))


@dataclass(frozen=True)
class LogMap:
    r"""Logarithmic scales on an unbounded interval: :math:`x = a + s e^{v}` on :math:`[a, \infty)`,
    :math:`x = b - s e^{-v}` on :math:`(-\infty, b]`, :math:`x = c + s\sinh v` on the whole line (v ∈ ℝ; x
    increases with v)."""

    a: float
    b: float
    s: float
    c: float = 0.0

    def __post_init__(self) -> None:
        if math.isfinite(self.a) and math.isfinite(self.b):
            raise ValueError(f"LogMap needs an unbounded interval, got [{self.a}, {self.b}]")
        if not (self.s > 0 and math.isfinite(self.s)):
            raise ValueError(f"LogMap: the scale s must be finite and > 0, got {self.s!r}")

    @property
    def kind(self) -> str:
        return "right" if math.isfinite(self.a) else "left" if math.isfinite(self.b) else "both"

    def x(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x(v) and dx/dv (overflow gives ±inf)."""
        v = np.asarray(v, dtype=float)
        with np.errstate(over="ignore"):
            if self.kind == "right":
                e = self.s * np.exp(v)
                return self.a + e, e
            if self.kind == "left":
                e = self.s * np.exp(-v)
                return self.b - e, e
            return self.c + self.s * np.sinh(v), self.s * np.cosh(v)

    def v(self, x: np.ndarray) -> np.ndarray:
        """v(x); ∓inf at and beyond a finite end."""
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.kind == "right":
                return np.log(np.maximum(x - self.a, 0.0) / self.s)
            if self.kind == "left":
                return -np.log(np.maximum(self.b - x, 0.0) / self.s)
            return np.arcsinh((x - self.c) / self.s)

    def v_limit(self, side: int, x_max: float) -> float:
        """The v beyond which |x| would exceed ``x_max`` on ``side`` (+1: v → +∞, −1: v → −∞); on the side of a
        finite end, the v where x − a (or b − x) falls to 1e-12 of max(s, |end|) (closer, x keeps
        fewer than 4 digits of it, and an edge carries ~(1e-12)^(1+γ) of the mass beyond).

        Parameters
        ----------
        side : int
            +1 or −1.
        x_max : float
            Largest |x| to evaluate.

        Returns
        -------
        float
        """
        k, s = self.kind, self.s
        if k == "both":
            room = x_max - side * self.c  # distance from the centre to ±x_max
            return side * math.asinh(max(room, s) / s)
        if k == "right":
            if side > 0:
                return math.log(max(x_max - self.a, s) / s)
            return math.log(1e-12 * max(s, abs(self.a)) / s)
        if side < 0:
            return -math.log(max(x_max + self.b, s) / s)
        return -math.log(1e-12 * max(s, abs(self.b)) / s)


#: Panel widths in v of :func:`log_panel_edges`, by |v|: the bulk (|v| ≲ 6 with the scale s a fraction of the bulk's
#: width) varies on scales ≪ 1 in v; the first decades of a tail carry corrections ~e^{-|v|}; beyond |v| = 16 the
#: integrand is a sum of exponentials e^{-kα|v|} (α > 0 the tail index), which 16 Gauss nodes integrate to round-off
#: on panels of width 4.
LOG_PANEL_TIERS = ((16.0, 1.0), (math.inf, 4.0))


def log_panel_edges(v_lo: float, v_hi: float) -> np.ndarray:
    """Panel ends in v from ``v_lo`` to ``v_hi``, with the widths of :data:`LOG_PANEL_TIERS` by |v|.

    Parameters
    ----------
    v_lo, v_hi : float
        Ends, ``v_lo < v_hi``.

    Returns
    -------
    numpy.ndarray
        Increasing, from ``v_lo`` to ``v_hi``.
    """
    pts = [v_lo, v_hi]
    inner = 0.0
    for outer, width in LOG_PANEL_TIERS:
        for a, b in ((max(v_lo, inner), min(v_hi, outer)), (max(v_lo, -outer), min(v_hi, -inner))):
            if a < b:
                pts += list(np.linspace(a, b, max(1, math.ceil((b - a) / width)) + 1))
        inner = outer
    return np.unique(np.array(pts, dtype=float))


@dataclass(frozen=True)
class PanelTable:
    """Composite Gauss–Legendre rule on panels in v with ends ``edges``, ``order`` nodes per panel.

    Parameters
    ----------
    edges : numpy.ndarray
        Increasing panel ends.
    order : int
        Gauss–Legendre nodes per panel.
    """

    edges: np.ndarray
    order: int = 16

    def nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and weights, shaped (panels, order).

        Returns
        -------
        v, w : numpy.ndarray
        """
        t, wt = gauss_legendre(self.order)
        d = np.diff(self.edges)[:, None]
        return self.edges[:-1, None] + d * t[None, :], d * wt[None, :]

    def tabulate(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative integral at the panel ends and per panel the Legendre coefficients of the integrand's
        interpolant at the nodes (in P_n(2t − 1), t ∈ [0, 1] across the panel).

        Parameters
        ----------
        g : numpy.ndarray
            The integrand at :meth:`nodes`, shaped (panels, order).

        Returns
        -------
        cum, coef : numpy.ndarray
            ``cum`` has panels + 1 entries, from 0.
        """
        _, w = self.nodes()
        cum = np.concatenate(([0.0], np.cumsum((g * w).sum(axis=1))))
        return cum, g @ lagrange_to_legendre(self.order).T

    def partial(self, cum: np.ndarray, coef: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Integral from the first edge to v (clipped to the table): panel sums plus the interpolant's primitive.

        Parameters
        ----------
        cum, coef : numpy.ndarray
            From :meth:`tabulate`.
        v : numpy.ndarray
            Upper limits.

        Returns
        -------
        numpy.ndarray
        """
        e = self.edges
        v = np.clip(np.asarray(v, dtype=float), e[0], e[-1])
        k = np.clip(np.searchsorted(e, v, side="right") - 1, 0, e.size - 2)
        d = e[k + 1] - e[k]
        s = np.clip((v - e[k]) / d, 0.0, 1.0)
        return cum[k] + d * np.einsum("ij,ij->i", coef[k], legendre_primitives(self.order, s))


@dataclass(frozen=True)
class MappedTable:
    """The cumulative table of a density on one support interval [lo, hi]: the map x(v), its panels, the
    integrand g = ρ(x(v))x'(v) at their nodes, the cumulative mass at the panel ends and the per-panel Legendre
    coefficients of g (:meth:`PanelTable.tabulate`), and (mass, decay rate κ in v) beyond the table's low and high
    ends, where g is taken as g(end)e^{−κ|v − end|} (zero mass on a bounded interval).

    Parameters
    ----------
    lo, hi : float
        The support interval.
    mp : ThetaMap or LogMap
        Its map.
    table : PanelTable
        Panels in v.
    g, cum, coef : numpy.ndarray
        Integrand at the nodes, :meth:`PanelTable.tabulate` of it.
    below, above : (float, float)
        (mass, κ) beyond the first and the last panel end.
    """

    lo: float
    hi: float
    mp: ThetaMap | LogMap
    table: PanelTable
    g: np.ndarray
    cum: np.ndarray
    coef: np.ndarray
    below: tuple[float, float]
    above: tuple[float, float]

    @property
    def total(self) -> float:
        """Mass of the interval (table and tails)."""
        return float(self.below[0] + self.cum[-1] + self.above[0])

    def mass_below(self, x: np.ndarray) -> np.ndarray:
        """Mass of the interval left of x: the table inside it, the exponential tails in v beyond its ends.

        Parameters
        ----------
        x : numpy.ndarray
            Points of the interval.

        Returns
        -------
        numpy.ndarray
        """
        v = self.mp.v(x)
        e0, e1 = self.table.edges[0], self.table.edges[-1]
        out = self.below[0] + self.table.partial(self.cum, self.coef, v)
        with np.errstate(invalid="ignore", over="ignore"):
            lo, hi = v < e0, v > e1
            out[lo] = self.below[0] * np.exp(-self.below[1] * (e0 - v[lo]))
            out[hi] = self.total - self.above[0] * np.exp(-self.above[1] * (v[hi] - e1))
        return out

    def rule(self) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and ρ-weights of the table, and of each tail beyond it: its asymptotic integrand
        g(V)e^{−κ|v − V|} on panels of width 4 (16 Gauss nodes integrate x^k against it to round-off while k < κ +
        2), out to e^{−40} of g(V) or to |x| = 1e300; what lies beyond goes to the last node."""
        v, w = self.table.nodes()
        xs, ws = [self.mp.x(v.ravel())[0]], [(w * self.g).ravel()]
        ends = ((self.table.edges[0], self.below, -1), (self.table.edges[-1], self.above, 1))
        for end, (mass, kappa), side in ends:
            if not mass > 0:
                continue
            span = 40.0 / kappa
            lim = self.mp.v_limit(side, 1e300)
            if side * (lim - end) > 0:
                span = min(span, side * (lim - end))
            tail = PanelTable(np.linspace(0.0, span, max(1, math.ceil(span / 4.0)) + 1), self.table.order)
            t, wt = tail.nodes()
            wt = (wt * mass * kappa * np.exp(-kappa * t)).ravel()
            wt[-1] += mass - wt.sum()  # the rest of the tail (e^{−40} of it, or beyond 1e300) at the last node
            xs.append(self.mp.x(end + side * t.ravel())[0])
            ws.append(wt)
        x, w = np.concatenate(xs), np.concatenate(ws)
        keep = np.isfinite(x)
        return x[keep], w[keep]


def lagrange_to_legendre(order: int) -> np.ndarray:
    """Matrix mapping values at the Gauss–Legendre nodes on [0, 1] to coefficients in P_n(2t − 1)."""
    t, _ = gauss_legendre(order)
    return np.linalg.inv(np.polynomial.legendre.legvander(2 * t - 1, order - 1))


def legendre_primitives(order: int, s: np.ndarray) -> np.ndarray:
    """∫_0^s P_n(2t − 1) dt for n < order, at every s (rows)."""
    out = np.empty((s.size, order))
    for n in range(order):
        e = np.zeros(n + 1)
        e[n] = 1.0
        q = np.polynomial.legendre.legint(e, lbnd=-1)  # antiderivative vanishing at −1
        out[:, n] = 0.5 * np.polynomial.legendre.legval(2 * s - 1, q)
    return out
