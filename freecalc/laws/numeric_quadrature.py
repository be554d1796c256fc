r"""The quadrature tables of a :class:`~freecalc.laws.numeric.NumericLaw`'s density, one per support interval.

On a bounded interval, composite Gauss–Legendre in θ (:math:`x = c - h\cos\theta`: square-root edges become
smooth); on an unbounded one, logarithmic scales (:class:`~freecalc.numerics.interval_map.LogMap`, e.g.
:math:`x = c + s\sinh v`), where power tails :math:`|x|^{-1-\alpha}` (any α > 0) become smooth and exponentially
decaying, with panels halved where the integrand's Legendre interpolant has not converged and the mass beyond the
last panel from the tail's asymptotics (:meth:`NumericQuadrature._tail_end`). The cdf, the ppf, the continuous rule
and the mass check of the law read these tables.

Reference: L. N. Trefethen, *Approximation Theory and Approximation Practice* (SIAM 2013), ch. 7–8 (decay of
Legendre/Chebyshev coefficients as an error estimate).
"""
from __future__ import annotations

import math

import numpy as np

from freecalc.numerics.interval_map import LogMap, MappedTable, PanelTable, ThetaMap, log_panel_edges
from freecalc.numerics.quadrature import gauss_legendre

__all__ = ["NumericQuadrature"]

#: θ-panels (of 16 Gauss–Legendre nodes) of the cdf table on a bounded support interval.
_THETA_PANELS = 128
_ORDER = 16
#: Tails of an unbounded interval (see :meth:`NumericQuadrature._tail_end`): probe step in the logarithmic variable v,
#: the level (relative to the largest probed integrand) below which the rest of a tail is left to its asymptotics
#: (the solvers resolve m to ~1e-12|m|, so the density, ~1e-9 relative to |m| there, keeps ~3 more digits than
#: needed), and the largest |x| evaluated.
_PROBE_STEP = 4.0
_TAIL_FLOOR = 1e-9
_X_MAX = 1e150
#: Rounds of panel halving on an unbounded interval (each at most doubles the panels it touches).
_MAX_SPLITS = 8


class NumericQuadrature:
    """Mixin of :class:`~freecalc.laws.numeric.NumericLaw`: its density's quadrature tables (cached per law).

    The law provides ``support``, ``_density_raw(x)`` (the density at real points, NaN where a solve failed) and
    ``_evaluator`` (``core()`` for the centre and scale of the bulk, ``solve(z)`` for the tail probes).
    """

    def _pieces(self) -> list[MappedTable]:
        """One quadrature table per support interval (cached): θ-panels on a bounded one, logarithmic panels
        (:class:`LogMap`) on an unbounded one, with the mass beyond the table's ends from the tail asymptotics."""
        if "_piece_cache" not in self.__dict__:
            self.__dict__["_piece_cache"] = [self._bounded_piece(a, b) if math.isfinite(a) and math.isfinite(b)
                                             else self._unbounded_piece(a, b) for a, b in self.support]
        return self.__dict__["_piece_cache"]

    def _integrand(self, mp: ThetaMap | LogMap, v: np.ndarray) -> np.ndarray:
        xs, dx = mp.x(v.ravel())
        out = np.zeros(xs.shape)
        ok = np.isfinite(xs) & np.isfinite(dx)
        if np.any(ok):
            out[ok] = self._density_raw(xs[ok]) * dx[ok]
        return out.reshape(v.shape)

    def _bounded_piece(self, a: float, b: float) -> MappedTable:
        mp = ThetaMap(a, b)
        table = PanelTable(np.linspace(0.0, np.pi, _THETA_PANELS + 1), _ORDER)
        v, _ = table.nodes()
        g = self._integrand(mp, v)
        return MappedTable(a, b, mp, table, g, *table.tabulate(g), (0.0, math.inf), (0.0, math.inf))

    def _unbounded_piece(self, a: float, b: float) -> MappedTable:
        # on a half-line the map is centred at the edge and resolves every distance from it alike; only the
        # whole line needs the bulk's centre
        c, s = self._evaluator.core()
        mp = LogMap(a, b, s, c)
        (v_lo, low), (v_hi, high) = self._tail_end(mp, -1), self._tail_end(mp, +1)
        table, g = self._adapted_table(mp, log_panel_edges(v_lo, v_hi))
        return MappedTable(a, b, mp, table, g, *table.tabulate(g), low, high)

    def _adapted_table(self, mp: LogMap, edges: np.ndarray) -> tuple[PanelTable, np.ndarray]:
        """Panels halved where the integrand's Legendre interpolant has not decayed: estimated panel error
        d·(|c₁₅| + |c₁₄|) above 1e-10 of d·max|g| on the panel plus 1e-13 of the mass (a sharp bulk away from
        the map's centre, which the log scales resolve only relative to the distance from it)."""
        table = PanelTable(edges, _ORDER)
        v, w = table.nodes()
        g = self._integrand(mp, v)
        for _ in range(_MAX_SPLITS):
            coef = table.tabulate(g)[1]
            d = np.diff(table.edges)
            err = d * (np.abs(coef[:, -1]) + np.abs(coef[:, -2]))
            bad = err > 1e-10 * d * np.abs(g).max(axis=1) + 1e-13 * float(np.sum(g * w))
            if not np.any(bad):
                break
            lefts, rights = table.edges[:-1], table.edges[1:]
            mids = 0.5 * (lefts[bad] + rights[bad])
            a = np.concatenate([lefts[bad], mids])  # the two halves of every panel split
            t, _ = gauss_legendre(_ORDER)
            kv = a[:, None] + (np.concatenate([mids, rights[bad]]) - a)[:, None] * t[None, :]
            starts = np.concatenate([lefts[~bad], a])
            rows = np.concatenate([g[~bad], self._integrand(mp, kv)])
            order = np.argsort(starts)
            table = PanelTable(np.append(starts[order], table.edges[-1]), _ORDER)
            g = rows[order]
            v, w = table.nodes()
        return table, g

    def _tail_end(self, mp: LogMap, side: int) -> tuple[float, tuple[float, float]]:
        r"""Where the table of an unbounded interval ends on ``side`` (±1 in v), and (mass, decay rate) beyond.

        The integrand :math:`g(v) = \rho(x(v))x'(v)` is probed every :data:`_PROBE_STEP` in v outwards from
        v = 0, until it falls below :data:`_TAIL_FLOOR` of its largest probed value, the solver fails, or |x|
        would exceed :data:`_X_MAX`. Beyond the last probe kept, g decays like :math:`g(V)e^{-\kappa(v - V)}` —
        a power tail :math:`C|x|^{-1-\alpha}` gives :math:`\kappa \to \alpha`, an edge
        :math:`(x - a)^{\gamma}` gives :math:`\kappa \to 1 + \gamma` — with κ from the last two probes,
        so the mass beyond is :math:`g(V)/\kappa` (relative error ~ the neglected corrections, ≲ 1e-9 there).
        """
        lim = mp.v_limit(side, _X_MAX)
        n = int(abs(lim) // _PROBE_STEP) if side * lim > 0 else 0
        if n < 1:
            return lim, (0.0, math.inf)
        vs = side * _PROBE_STEP * np.arange(n + 1)
        xs, dx = mp.x(vs)
        ok = np.isfinite(xs) & np.isfinite(dx)
        g = np.full(vs.shape, np.nan)
        if np.any(ok):
            sol = self._evaluator.solve(xs[ok] + 0j)
            good = sol.converged & np.isfinite(sol.m)
            g[np.flatnonzero(ok)[good]] = np.maximum(sol.m[good].imag, 0.0) / np.pi * dx[ok][good]
        if not np.isfinite(g[0]):  # one probe step of table (whose solves report the failures); the mass check
            return side * _PROBE_STEP, (0.0, math.inf)  # flags what is missing
        top = float(np.nanmax(g))
        last = n
        for j in range(1, n + 1):
            if not np.isfinite(g[j]):
                last = j - 1
                break
            if g[j] <= _TAIL_FLOOR * top:
                last = j
                break
        gv = g[last]
        if last == 0 or gv <= 0.0:
            return float(vs[last]), (0.0, math.inf)
        kappa = math.log(g[last - 1] / gv) / _PROBE_STEP if g[last - 1] > 0 else math.nan
        if not kappa > 0:  # not decaying: no asymptotics to trust; the mass check flags what is missing
            return float(vs[last]), (0.0, math.inf)
        return float(vs[last]), (float(gv) / kappa, kappa)
