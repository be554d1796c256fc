r"""Fitting recipes of the named laws: starting values from moments and from the support edges.

Each rule returns a few candidate starting points; :func:`freecalc.fitting.mle.maximize` keeps the one with the
highest likelihood. Moment starts are consistent estimators when the data follow the law; edge starts place the
support just around the data, which is what makes a start feasible (finite likelihood) for a law with compact
support.
"""
from __future__ import annotations

import math

import numpy as np

from freecalc.fitting.families import DataSummary, Family, finite_starts, register_family, spread_edges
from freecalc.fitting.options import ScaleOption
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.htmp import HTMP, InverseHTMP
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.semicircle import Semicircle
from freecalc.laws.wachter import Wachter


def _f(v) -> float:
    return float(v)


# -- Marchenko–Pastur ------------------------------------------------------------------------------------------

def _mp_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    r"""Moments: mean σ², variance cσ⁴ (atom included). Edges: the continuous part spans σ²(1 ∓ √c)², so the
    ratio r of the data's extremes gives √c = (√r − 1)/(√r + 1), or its reciprocal when there are zeros
    (c > 1)."""
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


# -- Kesten–McKay --------------------------------------------------------------------------------------------

def _km_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    r"""KestenMcKay(d) has variance d and fourth moment 2d² − d (κ₂ = d, κ₄ = −d), so the standardised
    kurtosis k = 2 − 1/d gives d = 1/(2 − k) (k ∈ [1.5, 2); k ≥ 2 means nearly semicircular: d large). Then the
    added scale
    is sd/√d (moments) or the half-range over 2√(d−1) (edges), the location the mean or the midrange."""
    x = d.x
    mu, sd = float(np.mean(x)), float(np.std(x))
    if not sd > 0:
        return []
    kurt = float(np.mean(((x - mu) / sd) ** 4))
    deg = 1.0 / (2.0 - kurt) if kurt < 1.98 else 50.0
    deg = min(max(deg, 2.05), 50.0)
    lo, hi = spread_edges(x)
    out = []
    for dd in (deg, 2.5, 8.0):
        st_m = {"d": dd}
        st_e = {"d": dd}
        if with_scale:
            st_m["scale"] = sd / math.sqrt(dd)
            st_e["scale"] = 0.5 * (hi - lo) / (2.0 * math.sqrt(dd - 1.0))
        if with_loc:
            st_m["loc"] = mu
            st_e["loc"] = 0.5 * (hi + lo)
        out += [st_m, st_e]
    return finite_starts([{k: _f(v) for k, v in st.items()} for st in out])


class FastKestenMcKay:
    """Kesten–McKay pdf/atoms/support in plain numpy (the likelihood's hot path; tests compare with the Law)."""

    __slots__ = ("d", "support", "atoms")

    def __init__(self, d: float):
        if not (d >= 2 and math.isfinite(d)):
            raise ValueError(f"KestenMcKay parameter d={d!r} out of domain [2, ∞)")
        self.d = float(d)
        R = 2.0 * math.sqrt(self.d - 1.0)
        self.support = ((-R, R),)
        self.atoms = ()

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        d = self.d
        R2 = 4.0 * (d - 1.0)
        inside = x * x < R2
        with np.errstate(all="ignore"):
            val = d * np.sqrt(R2 - x * x) / (2.0 * math.pi * (d * d - x * x))
        return np.where(inside, val, 0.0)


# -- Wachter ----------------------------------------------------------------------------------------------------

def _wachter_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    r"""Wachter(a, b) has atoms (1−a)₊ at 0 and (1−b)₊ at 1 and mean a/(a+b). Atoms in the data fix a (zeros) or
    b (ones); the remaining freedom is searched on a log grid (0.05 … 50, 15 values each), ordered by closeness
    of the mean a/(a+b) to the data's — the likelihood then keeps the best feasible point of the grid."""
    n = d.n_total
    m = d.mean_all
    scale = 1.0
    if with_scale:
        scale = float(d.x[-1]) * 1.001
        m = m / scale
    ones = int(np.count_nonzero(np.abs(d.x / scale - 1.0) <= 1e-9))
    if not 0.0 < m < 1.0:
        return []
    grid = np.geomspace(0.05, 50.0, 15)
    # with atoms, a (or b) stays near 1 − (atom fraction); the factors leave room for the continuous part's
    # extreme eigenvalues, which fluctuate past the limiting edges (Tracy–Widom) and make a = 1 − n0/n infeasible
    near = (0.8, 0.9, 0.95, 1.0, 1.03, 1.06, 1.1)
    a_vals = [(1.0 - d.n_zero / n) * f for f in near] if d.n_zero else list(grid)
    b_vals = [(1.0 - ones / n) * f for f in near] if ones else list(grid)
    pts = [(a, b) for a in a_vals for b in b_vals if a + b > 1.0]
    pts.sort(key=lambda ab: abs(ab[0] / (ab[0] + ab[1]) - m))
    out = []
    for a, b in pts:
        st = {"a": _f(a), "b": _f(b)}
        if with_scale:
            st["scale"] = scale
        if with_loc:
            st["loc"] = 0.0
        out.append(st)
    return finite_starts(out)


class FastWachter:
    """Wachter pdf/atoms/support in plain numpy (the likelihood's hot path; tests compare with the Law)."""

    __slots__ = ("a", "b", "support", "atoms")

    def __init__(self, a: float, b: float):
        if not (a > 0 and b > 0 and a + b > 1 and math.isfinite(a) and math.isfinite(b)):
            raise ValueError(f"Wachter parameters out of domain: a={a!r}, b={b!r} (a, b > 0, a + b > 1)")
        self.a, self.b = float(a), float(b)
        u, v = math.sqrt(self.b), math.sqrt(self.a * (self.a + self.b - 1.0))
        self.support = ((((1.0 - self.a) / (u + v)) ** 2, ((u + v) / (self.a + self.b)) ** 2),)
        self.atoms = tuple((loc, m) for loc, m in ((0.0, 1.0 - self.a), (1.0, 1.0 - self.b)) if m > 0)

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        lo, hi = self.support[0]
        inside = (x > lo) & (x < hi)
        with np.errstate(all="ignore"):
            val = (self.a + self.b) * np.sqrt((hi - x) * (x - lo)) / (2.0 * math.pi * x * (1.0 - x))
        return np.where(inside, val, 0.0)


# -- free Meixner --------------------------------------------------------------------------------------------

def _fm_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    r"""FreeMeixner(a, b, c) has mean 0, variance bc and support a ± 2√b: with the added location at the data's
    mean, the centred data's midrange and half-range give a and b, the variance gives c (also tried: c = 1, the
    free Poisson member, and c = 2)."""
    x = d.x
    mu = float(np.mean(x)) if with_loc else 0.0
    y = x - mu
    var = float(np.mean(y * y))
    lo, hi = spread_edges(y, 0.01)
    a = 0.5 * (lo + hi)
    b = (0.25 * (hi - lo)) ** 2
    out = []
    if b > 0 and var > 0:
        for c in (var / b, 1.0, 2.0):
            st = {"a": a, "b": b, "c": c}
            if with_loc:
                st["loc"] = mu
            if with_scale:
                st["scale"] = 1.0
            out.append({k: _f(v) for k, v in st.items()})
    return finite_starts(out)


# -- HTMP and its inverse --------------------------------------------------------------------------------------

# b = κ/(2γ) ≤ 2000 in the search: the density kernel's cost grows like b (1 ms at b = 500, 0.2 s at 5e4), and
# b > 2000 means κ > 400γ (Marchenko–Pastur to a few 1e-3) or a spectrum narrower than 2γ ≈ 1e-2 of its mean.
_HTMP_MAX_B = 2000.0


class FastHTMP:
    """HTMP logpdf/pdf/support straight from the numba kernel (the likelihood's hot path; tests compare)."""

    __slots__ = ("gamma", "kappa", "support", "atoms")

    def __init__(self, gamma: float, kappa: float):
        if not (0 < gamma < 1 and kappa > 0 and math.isfinite(kappa)):
            raise ValueError(f"HTMP parameters out of domain: gamma={gamma!r} (0, 1), kappa={kappa!r} (0, ∞)")
        if kappa / (2 * gamma) > _HTMP_MAX_B:
            raise ValueError(f"HTMP search limited to b = kappa/(2 gamma) <= {_HTMP_MAX_B:g}")
        if not kappa * (1 - gamma) / (2 * gamma) - 1 > -1:
            raise ValueError("HTMP: A = kappa(1-gamma)/(2 gamma) - 1 must exceed -1")
        self.gamma, self.kappa = float(gamma), float(kappa)
        self.support = ((0.0, math.inf),)
        self.atoms = ()

    def logpdf(self, x):
        from freecalc.kernels.htmp import htmp_logpdf

        flat = np.ascontiguousarray(x, dtype=float).ravel()
        out = np.full(flat.shape, -np.inf)
        pos = flat > 0
        out[pos] = htmp_logpdf(self.gamma, self.kappa, flat[pos])
        return out.reshape(np.shape(x))

    def pdf(self, x):
        return np.exp(self.logpdf(x))


class FastInverseHTMP(FastHTMP):
    """InverseHTMP logpdf: log ρ_HTMP(1/λ) − 2 log λ from the numba kernel (tests compare with the Law)."""

    __slots__ = ()

    def logpdf(self, x):
        from freecalc.kernels.htmp import htmp_logpdf

        flat = np.ascontiguousarray(x, dtype=float).ravel()
        out = np.full(flat.shape, -np.inf)
        pos = flat > 0
        lam = flat[pos]
        out[pos] = htmp_logpdf(self.gamma, self.kappa, 1.0 / lam) - 2.0 * np.log(lam)
        return out.reshape(np.shape(x))


def _htmp_shape_starts(v: float, alpha_hint: float | None) -> list[tuple[float, float]]:
    r"""(γ, κ) pairs with HTMP variance γ(1 + 2/κ) = v (mean normalised to 1), over a grid of κ; plus, when a tail
    exponent hint α is given, pairs with 1 + κ(1−γ)/(2γ) = α."""
    out = []
    for kappa in (0.5, 1.0, 2.0, 5.0, 20.0, 100.0):
        g = v / (1.0 + 2.0 / kappa)
        if 0.0 < g < 1.0:
            out.append((g, kappa))
    if alpha_hint is not None and alpha_hint > 1.0:
        for g in (0.1, 0.25, 0.5, 0.75):
            out.append((g, 2.0 * g * (alpha_hint - 1.0) / (1.0 - g)))
    return out


def _shape_starts(shapes, scale: float, with_scale: bool, with_loc: bool) -> list:
    """Start dicts from (γ, κ) pairs, with the scale (and a zero location) added when those are fitted."""
    out = []
    for g, k in shapes:
        st = {"gamma": g, "kappa": k}
        if with_scale:
            st["scale"] = scale
        if with_loc:
            st["loc"] = 0.0
        out.append({kk: _f(vv) for kk, vv in st.items()})
    return finite_starts(out)


def _htmp_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    """HTMP has mean 1: the added scale starts at the data mean; (γ, κ) from the normalised variance."""
    x = d.x
    scale = float(np.mean(x)) if with_scale else 1.0
    if not scale > 0:
        return []
    v = float(np.var(x / scale))
    return _shape_starts(_htmp_shape_starts(v, None), scale, with_scale, with_loc)


def _inverse_htmp_starts(d: DataSummary, with_scale: bool, with_loc: bool) -> list:
    """InverseHTMP is the law of 1/X, X ~ HTMP (mean 1): the scale starts at the harmonic mean of the data, (γ, κ)
    from the variance of scale/x, and from the Clauset tail exponent of the data (α = 1 + κ(1−γ)/(2γ))."""
    from freecalc.fitting.tails import fit_power_law_tail

    x = d.x[d.x > 0]
    if x.size < 3:
        return []
    scale = 1.0 / float(np.mean(1.0 / x)) if with_scale else 1.0
    v = float(np.var(scale / x))
    tail = fit_power_law_tail(x)
    return _shape_starts(_htmp_shape_starts(v, None if tail is None else tail.alpha), scale, with_scale,
                         with_loc)


def _htmp_boundary_note(inverse: bool):
    """Boundary messages of HTMP / InverseHTMP (limits verified in tests/fitting/test_boundary.py)."""
    name = "InverseHTMP" if inverse else "HTMP"

    def note(param: str, side: str, theta) -> str | None:
        g, k = float(theta["gamma"]), float(theta["kappa"])
        b = k / (2.0 * g)
        if param == "gamma" and side == "lower":
            limit = (f"the inverse-gamma law with shape b and scale b (upper tail exponent alpha = 1 + b = {1 + b:.4g})"
                     if inverse else "the Gamma law with shape b and rate b (mean 1, variance 1/b)")
            return (f"{name}: the likelihood keeps rising as gamma -> 0 with b = kappa/(2 gamma) = {b:.4g} held, "
                    f"where {name} tends to {limit}; the data prefer that limit to every {name} law in the search "
                    f"range, so the estimate (gamma = {g:.3g}, the search limit) is on the boundary of the family, "
                    f"not an interior maximum: gamma and kappa are not determined separately (only b is)")
        if param == "kappa" and side == "upper":
            return (f"{name}: kappa = {k:.4g} is the search limit, where {name} is "
                    f"{'the inverse of ' if inverse else ''}Marchenko-Pastur with ratio gamma to ~3e-3 in L1: the data "
                    f"look {'like 1/MP' if inverse else 'Marchenko-Pastur'}; fit that law instead")
        return None

    return note


def _register_families() -> None:
    # κ ≤ 500: HTMP is then Marchenko–Pastur to ~3e-3 in L1 (0.016 at κ = 100, rate 1/κ; see the htmp notes) and
    # κ is no longer identifiable; with γ ≥ 0.005 it keeps b = κ/(2γ) ≤ 5e4, where the density kernel stays fast
    # (~0.2 s per 1024 points at the corner, ~1 ms inside).
    htmp_box = {"gamma": (0.005, 0.995), "kappa": (0.005, 500.0)}
    families = (
        Family(MarchenkoPastur, scale_param="sigma2", loc_param=None, auto=ScaleOption.FIT,
               nonnegative=True, finite_edge=True, starts=_mp_starts, fast_law=FastMP),
        Family(Semicircle, scale_param="r", loc_param="center", auto=ScaleOption.FIT_WITH_LOCATION,
               nonnegative=False, finite_edge=True, starts=_sc_starts, fast_law=FastSemicircle),
        Family(KestenMcKay, scale_param=None, loc_param=None, auto=ScaleOption.FIT_WITH_LOCATION,
               nonnegative=False, finite_edge=True, starts=_km_starts, fast_law=FastKestenMcKay),
        Family(Wachter, scale_param=None, loc_param=None, auto=ScaleOption.NONE,
               nonnegative=True, finite_edge=True, starts=_wachter_starts, fast_law=FastWachter),
        # (a, b, c) → (sa, s²b, c) is the law of sX: the family carries its own scale (b); the mean is 0, so a
        # location is added
        Family(FreeMeixner, scale_param="b", loc_param=None, auto=ScaleOption.FIT_WITH_LOCATION,
               nonnegative=False, finite_edge=True, starts=_fm_starts),
        Family(HTMP, scale_param=None, loc_param=None, auto=ScaleOption.FIT, nonnegative=True, finite_edge=False,
               starts=_htmp_starts, fast_law=FastHTMP, box=htmp_box, boundary_note=_htmp_boundary_note(False)),
        Family(InverseHTMP, scale_param=None, loc_param=None, auto=ScaleOption.FIT, nonnegative=True,
               finite_edge=False, starts=_inverse_htmp_starts, fast_law=FastInverseHTMP, box=htmp_box,
               boundary_note=_htmp_boundary_note(True)),
    )
    for family in families:
        register_family(family)


_register_families()

