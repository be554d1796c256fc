r"""HTMP's Stieltjes transform off the real axis with a certified error (numba kernels).

:math:`m(z) = u'(z)/(B\,u(z))`, :math:`u(z) = U(B, -A, -bz)` (notation of :mod:`freecalc.kernels.htmp`). Each
point :math:`z` (Im z > 0) is reached by one of several routes, tried cheapest first: Taylor steps of the Kummer
ODE along a path, which carry the first-order error bound of :func:`~freecalc.kernels.htmp_ode.walk_tracked`
(Wronskian transport of each step's rounding error, start-value error included) and are abandoned as soon as that
bound exceeds the tolerance, or a continued fraction with its own error estimate:

1. *up from the axis*: vertically from :math:`x + i0`, :math:`x = \Re z > 0`, with the start values of the
   shared real-axis march (one march for all points; a few steps per point);
2. *continued fraction* of the Tricomi ratio (:mod:`freecalc.kernels.htmp_cf`), fast off the
   Marchenko–Pastur bulk and for large b Im z, exactly where the Taylor paths are long (their steps are limited
   to ~2.5/b); accepted when its tail and rounding estimate is below the tolerance. It goes *before* a Taylor path
   (the vertical one when that is longer than two steps, else the anchor path) when its estimated depth
   (:func:`~freecalc.kernels.htmp_cf.cf_levels_estimate`) is below that path's cost in levels
   (:func:`_path_levels`, :func:`_anchor_levels`), with that cost as its budget, so a failed attempt at most
   doubles a point's cost; with the full budget :data:`_CF_MAX` after a Taylor path that was abandoned;
3. *down from the fraction* (Re z > 0, the vertical path unavailable or failed): the fraction at z + iδ, then
   Taylor steps straight down, which damp the start error near the positive axis (where the vertical path
   amplifies it beyond the tolerance at large b: HTMP(0.5, 1000) at 1.2 + 0.006i); δ balances the fraction's depth
   against the walk's length (:func:`_route_fraction_down`);
4. *from an anchor*: from the march's start point :math:`r_s + i0` (Re z ≥ 0) or from the Laplace start at
   :math:`-r_l` (Re z < 0) along the circle to arg z, then radially to z (no per-point start value);
5. *Laplace arc*: the start value at :math:`-|z|` (Laplace integral) and the arc of radius :math:`|z|` (the
   reference route, ~50 µs per point);
6. *down from above*: from :math:`\min(\Re z, 0) + iY`, Y large enough for the asymptotic moment series,
   straight to z.

A point that no path certifies gets NaN and an infinite error bound: callers raise, never return it.

Reference: DLMF 13.2.1, 13.3.7, 13.4.4, 13.7.3; error transport: Olver, *Asymptotics and special functions*
(1974), ch. 6.
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

from freecalc.kernels.htmp_cf import cf_levels_estimate, cf_stieltjes
from freecalc.kernels.htmp_ode import (_NMAX, _step_bound, amplification_exponent, laplace_start, _series_m,
                                       _series_usable, walk_tracked)

__all__ = ["offaxis_m", "START_ERROR"]

#: Relative error assumed for the start values (march data, Laplace start: at most 4e-14 measured vs mpmath).
START_ERROR = 5e-14

#: Most levels granted to the continued fraction (its rounding, (2 + 8n)ε, stays below 4e-12 there).
_CF_MAX = 20000
#: Cost of a Taylor step of length h against the step bound H, in continued-fraction levels:
#: _LEVEL_STEP0 + _LEVEL_STEP1 h/H (measured: a level 7.4 ns; a vertical step 0.5 µs at h/H = 1e-12, 0.6 µs at
#: 1e-2, 1.2-1.4 µs at h/H = 1, the same at b = 0.067, 2 and 1000).
_LEVEL_STEP0 = 70.0
_LEVEL_STEP1 = 80.0
#: Predicted log-growth of rounding errors beyond which the vertical path is not tried (it would fail).
_UP_MAX_GROWTH = 60.0


@njit(cache=True)
def _start_log_s(A: float, b: float, z: complex, L: complex, v: complex, rel: float) -> float:
    return math.log(rel * abs(v) + 1e-300) - amplification_exponent(A, b, z, L)


@njit(cache=True)
def _bound(A: float, b: float, z: complex, L: complex, v: complex, log_s: float) -> float:
    if log_s == np.inf or not abs(v) > 0.0:
        return np.inf
    return math.exp(log_s + amplification_exponent(A, b, z, L)) / abs(v)


@njit(cache=True)
def _path_levels(A: float, B: float, b: float, z0: complex, z1: complex, cost: float, cap: float) -> float:
    """cost plus the cost of :func:`walk_tracked` from z0 to z1 (same step rule) in fraction levels, ≤ cap.

    A step of length h (the step bound H) costs :data:`_LEVEL_STEP0` + :data:`_LEVEL_STEP1` h/H levels: the
    Taylor series of a short step ends after a few terms.
    """
    while z0 != z1 and cost < cap:
        H = _step_bound(A, B, b, z0)
        if not H > 0.0:
            return cap
        dist = abs(z1 - z0)
        if dist <= H:
            return cost + _LEVEL_STEP0 + _LEVEL_STEP1 * dist / H
        z0 = z0 + (z1 - z0) * (H / dist)
        cost += _LEVEL_STEP0 + _LEVEL_STEP1
    return min(cost, cap)


@njit(cache=True)
def _anchor_levels(A: float, B: float, b: float, r_a: float, th_a: float, z: complex) -> float:
    """Approximate cost of :func:`_route_anchor` to z in fraction levels: the steps ∫|dz|/H along its arc and
    radius by Simpson's rule (the radius in log r, where 1/H ≈ 1/(0.3 r) is flat near 0); counting the steps
    themselves would cost ~1/40 of walking them."""
    th = math.atan2(z.imag, z.real)
    rz = abs(z)
    e1 = cmath.exp(1j * th)
    z0 = complex(r_a, 0.0) if th_a == 0.0 else complex(-r_a, 0.0)
    g1 = r_a / _step_bound(A, B, b, r_a * e1)  # r/H: the integrand in theta and in log r
    arc = abs(th - th_a) * (r_a / _step_bound(A, B, b, z0) + 4.0 * r_a / _step_bound(
        A, B, b, r_a * cmath.exp(0.5j * (th + th_a))) + g1) / 6.0
    rm = math.sqrt(r_a * rz)
    rad = abs(math.log(rz / r_a)) * (g1 + 4.0 * rm / _step_bound(A, B, b, rm * e1) + rz / _step_bound(A, B, b, z)) / 6.0
    return (_LEVEL_STEP0 + _LEVEL_STEP1) * max(arc + rad, 1.0)


@njit(cache=True)
def _arc_tracked(A: float, B: float, b: float, r: float, th0: float, th1: float, L: complex, v: complex,
                 d: np.ndarray, log_s: float, tol: float):
    """Carry (log u, u'/u, log S) along |z| = r from angle th0 to th1 (chords of ≤ 0.25 rad: ≥ 0.99 r from 0)."""
    nseg = max(1, int(math.ceil(abs(th1 - th0) / 0.25)))
    z = complex(r, 0.0) if th0 == 0.0 else (complex(-r, 0.0) if th0 == math.pi else r * cmath.exp(1j * th0))
    for k in range(1, nseg + 1):
        th = th0 + (th1 - th0) * k / nseg
        z1 = r * cmath.exp(1j * th)
        L, v, log_s = walk_tracked(A, B, b, z, L, v, z1, d, log_s, tol)
        if log_s == np.inf:
            break
        z = z1
    return L, v, log_s


@njit(cache=True)
def _route_up(A: float, B: float, b: float, Lx: complex, vx: complex, z: complex, d: np.ndarray, tol: float):
    z0 = complex(z.real, 0.0)
    log_s = _start_log_s(A, b, z0, Lx, vx, START_ERROR)
    L, v, log_s = walk_tracked(A, B, b, z0, Lx, vx, z, d, log_s, tol)
    return v / B, _bound(A, b, z, L, v, log_s)


@njit(cache=True)
def _route_anchor(A: float, B: float, b: float, r_a: float, th_a: float, L_a: complex, v_a: complex, z: complex,
                  d: np.ndarray, tol: float):
    """From the anchor r_a e^{i th_a} (th_a = 0 or π) along |z| = r_a to arg z, then radially to z."""
    th = math.atan2(z.imag, z.real)
    z_a = complex(r_a, 0.0) if th_a == 0.0 else complex(-r_a, 0.0)
    log_s = _start_log_s(A, b, z_a, L_a, v_a, START_ERROR)
    L, v, log_s = _arc_tracked(A, B, b, r_a, th_a, th, L_a, v_a, d, log_s, tol)
    if log_s == np.inf:
        return complex(np.nan, np.nan), np.inf
    L, v, log_s = walk_tracked(A, B, b, r_a * cmath.exp(1j * th), L, v, z, d, log_s, tol)
    return v / B, _bound(A, b, z, L, v, log_s)


@njit(cache=True)
def _route_down(A: float, B: float, b: float, z: complex, d: np.ndarray, tol: float):
    # start on or left of the imaginary axis, where the series' exponentially small remainder (~e^{-bz} relative,
    # Re(-bz) <= 0 there) is no larger than its last term; the path's error is then tracked like any other
    x0 = min(z.real, 0.0)
    Y = max(2.0 * z.imag, abs(z.real), 1.0 / b)
    for _ in range(400):
        zt = complex(x0, Y)
        if _series_usable(A, B, b, zt):
            mt, ok = _series_m(A, B, b, zt, 1e-17)
            if ok:
                v = B * mt
                L = 0j  # only differences of log u enter the bound
                log_s = _start_log_s(A, b, zt, L, v, 1e-15)
                L, v, log_s = walk_tracked(A, B, b, zt, L, v, z, d, log_s, tol)
                return v / B, _bound(A, b, z, L, v, log_s)
        Y *= 1.5
    return complex(np.nan, np.nan), np.inf


@njit(cache=True)
def _route_fraction_down(A: float, B: float, b: float, z: complex, d: np.ndarray, tol: float):
    """The continued fraction at z + iδ, then Taylor steps straight down to z.

    Walking down towards the positive axis damps the start value's error (the amplification exponent g falls
    with the height there, dg/dy = −2 Im u'/u < 0), while the fraction's depth falls with the height: δ minimises
    the estimated depth plus the walk's cost (δ/H steps of :data:`_LEVEL_STEP0` + :data:`_LEVEL_STEP1` levels)
    over δ = 0 and δ = H 1.5^j. The fraction's error estimate is the walk's start error.
    """
    H = _step_bound(A, B, b, z)
    full = _LEVEL_STEP0 + _LEVEL_STEP1
    best = cf_levels_estimate(A, B, b, z, _CF_MAX)  # δ = 0: the fraction at z itself
    best_dy = 0.0
    dy = H
    for _ in range(40):
        walk = full * dy / H
        if walk >= min(best, _CF_MAX):
            break
        est = cf_levels_estimate(A, B, b, z + 1j * dy, min(best, _CF_MAX) - walk)
        if est + walk < best:
            best = est + walk
            best_dy = dy
        dy *= 1.5
    if best == np.inf:
        return complex(np.nan, np.nan), np.inf
    z0 = z + 1j * best_dy
    m0, e0, _ = cf_stieltjes(A, B, b, z0, _CF_MAX)
    if not e0 <= tol:
        return complex(np.nan, np.nan), np.inf
    if best_dy == 0.0:
        return m0, e0
    v = B * m0
    L = 0j  # only differences of log u enter the bound
    L, v, log_s = walk_tracked(A, B, b, z0, L, v, z, d, _start_log_s(A, b, z0, L, v, e0), tol)
    return v / B, _bound(A, b, z, L, v, log_s)


@njit(cache=True)
def _route_laplace(A: float, B: float, b: float, z: complex, d: np.ndarray, tol: float):
    R = abs(z)
    L0, v0 = laplace_start(A, B, b, b * R)
    L = complex(L0, 0.0)
    v = complex(v0, 0.0)
    log_s = _start_log_s(A, b, complex(-R, 0.0), L, v, START_ERROR)
    L, v, log_s = _arc_tracked(A, B, b, R, math.pi, math.atan2(z.imag, z.real), L, v, d, log_s, tol)
    return v / B, _bound(A, b, z, L, v, log_s)


@njit(cache=True)
def offaxis_m(A: float, B: float, b: float, z: np.ndarray, Lx: np.ndarray, vx: np.ndarray, r_s: float,
              L_s: complex, v_s: complex, r_l: float, L_l: complex, v_l: complex, tol: float, m: np.ndarray,
              err: np.ndarray) -> None:
    """m(z) and its first-order relative error bound at points with Im z > 0, written into ``m``, ``err``.

    Parameters
    ----------
    A, B, b : float
        HTMP constants (:func:`~freecalc.kernels.htmp_ode.htmp_params`).
    z : ndarray of complex
        Points, Im z > 0, finite.
    Lx, vx : ndarray of complex
        log u(x + i0) and u'/u(x + i0) at x = Re z from the real-axis march (NaN where not available).
    r_s, L_s, v_s : float, complex, complex
        The march's start point r_s + i0 and (log u, u'/u) there.
    r_l, L_l, v_l : float, complex, complex
        A point −r_l on the negative axis and (log u, u'/u) there (the Laplace start).
    tol : float
        Largest accepted relative error bound; a path exceeding it is abandoned.
    m, err : ndarray
        Output: m(z) (NaN when no path is certified) and the bound (inf then).
    """
    d = np.empty(_NMAX, dtype=np.complex128)
    for i in range(z.size):
        zi = z[i]
        if _series_usable(A, B, b, zi):
            mm, ok = _series_m(A, B, b, zi, 1e-17)
            if ok:
                m[i] = mm
                err[i] = 1e-16
                continue
        e = np.inf
        mm = complex(np.nan, np.nan)
        # the fraction goes first where its estimated depth is below the cost of the Taylor path it would replace
        # (in levels), with that cost as its budget: a failed attempt at most doubles the point's cost
        cf_nmax = 0  # largest budget the fraction has been given at this point
        # the vertical path amplifies rounding by ~exp(2 Im(u'/u)(x + i0) Im z) (d(-2 Re log u)/dy = 2 Im u'/u):
        # beyond e^60 it would be abandoned (the tolerance allows ~e^13) after walking most of the way
        if zi.real > 0.0 and not math.isnan(Lx[i].real) and 2.0 * vx[i].imag * zi.imag <= _UP_MAX_GROWTH:
            z0 = complex(zi.real, 0.0)
            if zi.imag > 2.0 * _step_bound(A, B, b, z0):  # a path of one or two steps is cheaper than the estimate
                budget = _path_levels(A, B, b, z0, zi, 0.0, _CF_MAX)
                if cf_levels_estimate(A, B, b, zi, budget) <= budget:
                    cf_nmax = int(budget)
                    mm, e, _ = cf_stieltjes(A, B, b, zi, cf_nmax)
            if not e <= tol:
                mm, e = _route_up(A, B, b, Lx[i], vx[i], zi, d, tol)
        if not e <= tol and zi.real > 0.0:
            mm, e = _route_fraction_down(A, B, b, zi, d, tol)
        if not e <= tol:  # from the anchor nearer in angle
            r_a, th_a, L_a, v_a = (r_s, 0.0, L_s, v_s) if zi.real >= 0.0 else (r_l, math.pi, L_l, v_l)
            budget = min(_anchor_levels(A, B, b, r_a, th_a, zi), _CF_MAX)
            if budget > cf_nmax and cf_levels_estimate(A, B, b, zi, budget) <= budget:
                cf_nmax = int(budget)
                mm, e, _ = cf_stieltjes(A, B, b, zi, cf_nmax)
            if not e <= tol:
                mm, e = _route_anchor(A, B, b, r_a, th_a, L_a, v_a, zi, d, tol)
        if not e <= tol and cf_nmax < _CF_MAX and cf_levels_estimate(A, B, b, zi, _CF_MAX) <= _CF_MAX:
            mm, e, _ = cf_stieltjes(A, B, b, zi, _CF_MAX)
        if not e <= tol:
            mm, e = _route_laplace(A, B, b, zi, d, tol)
        if not e <= tol:
            mm, e = _route_down(A, B, b, zi, d, tol)
        if e <= tol:
            m[i] = mm
            err[i] = e
        else:
            m[i] = complex(np.nan, np.nan)
            err[i] = np.inf
