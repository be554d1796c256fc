r"""Quadrature helpers for laws on possibly unbounded intervals.

:class:`IntervalMap` maps a bounded parameter interval onto a support interval (identity when it is bounded,
:math:`x = a + s\,u/(1-u)` on a half-line, :math:`x = s\tan(\pi(u - 1/2))` on the whole line) so that one
composite Gauss–Legendre rule serves every case; :func:`lagrange_to_legendre` and :func:`legendre_primitives` turn
the values of an integrand at the Gauss nodes of a panel into its Legendre interpolant and its exact primitive
(cumulative sums inside a panel without new evaluations).

Reference: P. J. Davis, P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed. (1984), §3.9 (transformation of
infinite ranges), §2.7 (Gauss–Legendre).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from freecalc.numerics.quadrature import gauss_legendre

__all__ = ["IntervalMap", "lagrange_to_legendre", "legendre_primitives"]


@dataclass(frozen=True)
class IntervalMap:
    r"""x(u) for u in [ua, ub]: identity on bounded intervals; :math:`x = a + s\,u/(1-u)` on :math:`[a, \infty)`,
    :math:`x = b - s\,u/(1-u)` on :math:`(-\infty, b]`, :math:`x = s\tan(\pi(u - 1/2))` on the whole line."""

    a: float
    b: float
    s: float

    @property
    def kind(self) -> str:
        fa, fb = math.isfinite(self.a), math.isfinite(self.b)
        return {(True, True): "finite", (True, False): "right", (False, True): "left", (False, False): "both"}[
            (fa, fb)]

    @property
    def u_range(self) -> tuple[float, float]:
        return (self.a, self.b) if self.kind == "finite" else (0.0, 1.0)

    def x(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x(u) and dx/du (finite everywhere but at the excluded end u = 1)."""
        k, s = self.kind, self.s
        if k == "finite":
            return u, np.ones_like(u)
        if k == "both":
            t = np.pi * (u - 0.5)
            return s * np.tan(t), s * np.pi / np.cos(t) ** 2
        with np.errstate(divide="ignore"):
            r = u / (1.0 - u)
            d = 1.0 / (1.0 - u) ** 2
        return (self.a + s * r, s * d) if k == "right" else (self.b - s * r, s * d)

    def u(self, x: np.ndarray) -> np.ndarray:
        """Inverse map u(x) (clipped to the interval)."""
        k, s = self.kind, self.s
        if k == "finite":
            return np.clip(x, self.a, self.b)
        if k == "both":
            return np.arctan(x / s) / np.pi + 0.5
        d = np.maximum((x - self.a) if k == "right" else (self.b - x), 0.0) / s
        return d / (1.0 + d)


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
