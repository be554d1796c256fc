r"""Fitting recipes of the named laws: starting values from moments and from the support edges.

Each rule returns a few candidate starting points; :func:`freecalc.fitting.mle.maximize` keeps the one with the
highest likelihood. Moment starts are consistent estimators when the data follow the law; edge starts place the
support just around the data, which is what makes a start feasible (finite likelihood) for a law with compact
support. Laws whose modules are absent are skipped.
"""
from __future__ import annotations

import math

import numpy as np

from freecalc.fitting.families import DataSummary, Family, finite_starts, register_family, spread_edges
from freecalc.fitting.options import ScaleOption


def _f(v) -> float:
    return float(v)


# -- Marchenko–Pastur ------------------------------------------------------------------------------------------

def _mp_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    r"""Moments: mean σ², variance cσ⁴ (atom included). Edges: the continuous part spans σ²(1 ∓ √c)², so the
    ratio r of the data's extremes gives √c = (√r − 1)/(√r + 1), or its reciprocal when there are zeros (c > 1)."""
    out = []
    m1, var = d.mean_all, d.var_all
    if m1 > 0 and var > 0:
        c = var / m1 ** 2
        if d.n_zero and c <= d.n_total / (d.n_total - d.n_zero):
            c = 1.001 * d.n_total / (d.n_total - d.n_zero)
        out.append({"c": _f(c), "sigma2": _f(m1)})
    lo, hi = spread_edges(d.x)
    if lo > 0 and hi > lo:
        s = math.sqrt(hi / lo)
        rc = (s + 1) / (s - 1) if d.n_zero else (s - 1) / (s + 1)
        out.append({"c": _f(rc * rc), "sigma2": _f(hi / (1 + rc) ** 2)})
    elif hi > 0:
        out.append({"c": 1.0, "sigma2": _f(hi / 4.0)})
    for st in out:
        if with_loc:
            st["loc"] = 0.0
        if with_scale:
            st["scale"] = 1.0
    return finite_starts(out)


class FastMP:
    """Marchenko–Pastur pdf/atoms/support in plain numpy (the likelihood's hot path; tests compare with the Law)."""

    __slots__ = ("c", "sigma2", "support", "atoms")

    def __init__(self, c: float, sigma2: float = 1.0):
        if not (c > 0 and sigma2 > 0 and math.isfinite(c) and math.isfinite(sigma2)):
            raise ValueError(f"MarchenkoPastur parameters out of domain: c={c!r}, sigma2={sigma2!r}")
        self.c, self.sigma2 = float(c), float(sigma2)
        r = math.sqrt(self.c)
        self.support = ((self.sigma2 * (1 - r) ** 2, self.sigma2 * (1 + r) ** 2),)
        self.atoms = ((0.0, 1.0 - 1.0 / self.c),) if self.c > 1 else ()

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        lo, hi = self.support[0]
        inside = (x > lo) & (x < hi)
        with np.errstate(all="ignore"):
            val = np.sqrt((hi - x) * (x - lo)) / (2 * math.pi * self.c * self.sigma2 * x)
        return np.where(inside, val, 0.0)


class FastSemicircle:
    """Semicircle pdf/atoms/support in plain numpy (the likelihood's hot path; tests compare with the Law)."""

    __slots__ = ("r", "center", "support", "atoms")

    def __init__(self, r: float, center: float = 0.0):
        if not (r > 0 and math.isfinite(r) and math.isfinite(center)):
            raise ValueError(f"Semicircle parameters out of domain: r={r!r}, center={center!r}")
        self.r, self.center = float(r), float(center)
        self.support = ((self.center - self.r, self.center + self.r),)
        self.atoms = ()

    def pdf(self, x):
        u = (np.asarray(x, dtype=float) - self.center) / self.r
        inside = np.abs(u) < 1
        with np.errstate(all="ignore"):
            val = 2.0 / (math.pi * self.r) * np.sqrt(1.0 - u * u)
        return np.where(inside, val, 0.0)


# -- Semicircle ------------------------------------------------------------------------------------------------

def _sc_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    """Moments: centre = mean, r = 2·sd. Edges: centre = midrange, r = half the range."""
    x = d.x
    out = [{"r": _f(2.0 * np.std(x)), "center": _f(np.mean(x))}]
    lo, hi = spread_edges(x)
    out.append({"r": _f(0.5 * (hi - lo)), "center": _f(0.5 * (hi + lo))})
    for st in out:
        if with_loc:
            st["loc"] = 0.0
        if with_scale:
            st["scale"] = 1.0
    return finite_starts(out)


def _register_core() -> None:
    from freecalc.laws.marchenko_pastur import MarchenkoPastur
    from freecalc.laws.semicircle import Semicircle

    register_family(Family(MarchenkoPastur, scale_param="sigma2", loc_param=None, auto=ScaleOption.FIT,
                           nonnegative=True, finite_edge=True, starts=_mp_starts, fast_law=FastMP))
    register_family(Family(Semicircle, scale_param="r", loc_param="center", auto=ScaleOption.FIT_WITH_LOCATION,
                           nonnegative=False, finite_edge=True, starts=_sc_starts,
                           fast_law=FastSemicircle))


_register_core()
