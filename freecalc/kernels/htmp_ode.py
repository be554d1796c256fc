r"""ODE primitives for the HTMP kernels: start values, Taylor steps of the Kummer ODE, the large-|z| series.

Notation and method as in :mod:`freecalc.kernels.htmp`: :math:`u(z) = U(B, -A, -bz)` solves
:math:`z u'' - (A - bz)u' + bBu = 0`; Laplace-integral start values on the negative axis (DLMF 13.4.4), Taylor
steps carrying :math:`(\log u, u'/u)`, the asymptotic moment series of :math:`m = u'/(Bu)` at large :math:`|z|`.
Each step can also report a first-order bound on the error it has accumulated (:func:`walk_tracked`): a
perturbation of :math:`u'/u` by δ at :math:`z_k` is carried to :math:`z` as δ·W(z)u(z_k)²/(W(z_k)u(z)²), with
the Wronskian :math:`W = C z^A e^{-bz}` (Abel's identity), so the amplification is exp(g(z) − g(z_k)),
:math:`g = A\log|z| - b\,\Re z - 2\Re\log u` — computable along the path from the quantities it carries.

Reference: DLMF 13.2.1, 13.4.4; first-order error transport: Olver, *Asymptotics and special functions* (1974),
ch. 6 (error control for linear ODEs through the Wronskian).
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

_NMAX = 80          # maximal number of Taylor coefficients per step
_STEP_REL = 0.3     # |h| <= 0.3 |z0|: the singular point 0 bounds the radius of convergence
_STEP_LAM = 2.5     # |h| * Lambda <= 2.5: local exponents (phase change per step < pi)
_TOL = 1e-18        # truncation of the Taylor series (relative to its largest term)
_LAP_H = 0.04  # sinh-map trapezoid step: 4e-14 worst vs mpmath (0.06: 2e-12, 0.1: 9e-9)
_LAP_SHARE = 2.0  # one sweep for both Laplace integrals when their peaks are within this many curvature scales
_TINY = 1e-250      # below y = bx = _TINY the x -> 0 asymptotics are used (relative error O(y))


@njit(cache=True)
def htmp_params(gamma: float, kappa: float):
    """(A, B, b) from (γ, κ): b = κ/(2γ), B = κ/2, A = b − B − 1."""
    b = kappa / (2.0 * gamma)
    B = 0.5 * kappa
    return b - B - 1.0, B, b


# ---------------------------------------------------------------------------------------------- start values
@njit(cache=True)
def _softplus(s: float) -> float:
    if s > 0.0:
        return s + math.log1p(math.exp(-s))
    return math.log1p(math.exp(s))


@njit(cache=True)
def _sigmoid(s: float) -> float:
    if s >= 0.0:
        return 1.0 / (1.0 + math.exp(-s))
    e = math.exp(s)
    return e / (1.0 + e)


@njit(cache=True)
def _lap_f(s: float, beta: float, b: float, w0: float) -> float:
    # log of t^beta (1+t)^-b e^{-w0 t} at t = e^s (the dt = t ds Jacobian is in beta = B + k)
    return beta * s - b * _softplus(s) - w0 * math.exp(s)


@njit(cache=True)
def _lap_peak(beta: float, b: float, w0: float) -> float:
    # f'(s) = beta - b sigmoid(s) - w0 e^s is strictly decreasing from beta > 0 to -inf: bracket, then bisect
    lo = 0.0
    while beta - b * _sigmoid(lo) - w0 * math.exp(lo) <= 0.0:
        lo -= 1.0 + abs(lo)
    hi = 0.0
    while beta - b * _sigmoid(hi) - w0 * math.exp(hi) > 0.0:
        hi += 1.0 + abs(hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if beta - b * _sigmoid(mid) - w0 * math.exp(mid) > 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13 * (1.0 + abs(mid)):
            break
    return 0.5 * (lo + hi)


@njit(cache=True)
def laplace_start(A: float, B: float, b: float, w0: float):
    """(log u, u'/u) at z0 = −w0/b < 0 (both real): log U(B, −A, w0) and bB·U(B+1, 1−A, w0)/U(B, −A, w0).

    With I_k = ∫_0^∞ t^{B+k−1}(1+t)^{−b} e^{−w0 t} dt (w0 > 0), U(B, −A, w0) = I_0/Γ(B) and
    u'(z0)/u(z0) = b I_1/I_0. In s = log t the integrands e^{f(s)} and e^{f(s) + s} are log-concave with peaks
    s_0 < s_1; trapezoidal rule (step _LAP_H) after a sinh map s = c + W sinh(v) centred between them
    (double-exponential decay of both tails), one sweep for both when the peaks are within a few curvature scales
    of each other, else one sweep each.
    """
    s0 = _lap_peak(B, b, w0)
    s1 = _lap_peak(B + 1.0, b, w0)
    f0 = _lap_f(s0, B, b, w0)
    g1 = _lap_f(s1, B, b, w0) + s1
    # curvature scales (−f'' = b σ(1 − σ) + w0 e^s, the same for both integrands), at most 1
    sg0 = _sigmoid(s0)
    W0 = min(1.0 / math.sqrt(b * sg0 * (1.0 - sg0) + w0 * math.exp(s0)), 1.0)
    sg1 = _sigmoid(s1)
    W1 = min(1.0 / math.sqrt(b * sg1 * (1.0 - sg1) + w0 * math.exp(s1)), 1.0)
    shared = s1 - s0 <= _LAP_SHARE * min(W0, W1)
    i0 = i1 = 1.0
    drop = 60.0  # cut where the selected integrands are below e^{-60} (~1e-26) of their peaks (f0, g1)
    for k in range(1 if shared else 2):
        if shared:
            c, W, use0, use1 = 0.5 * (s0 + s1), min(W0, W1), True, True
        elif k == 0:
            c, W, use0, use1 = s0, W0, True, False
        else:
            c, W, use0, use1 = s1, W1, False, True
        step = W
        sl = c
        while (use0 and _lap_f(sl, B, b, w0) > f0 - drop) or (use1 and _lap_f(sl, B, b, w0) + sl > g1 - drop):
            sl -= step
            step *= 2.0
        step = W
        sr = c
        while (use0 and _lap_f(sr, B, b, w0) > f0 - drop) or (use1 and _lap_f(sr, B, b, w0) + sr > g1 - drop):
            sr += step
            step *= 2.0
        vl = -math.asinh((c - sl) / W)
        vr = math.asinh((sr - c) / W)
        n = int(math.ceil((vr - vl) / _LAP_H))
        h = (vr - vl) / n
        acc0 = 0.0
        acc1 = 0.0
        for i in range(n + 1):
            ev = math.exp(vl + i * h)
            s = c + 0.5 * W * (ev - 1.0 / ev)  # c + W sinh(v); the Jacobian ds/dv is W cosh(v)
            es = math.exp(s)
            sp = math.log1p(es) if s <= 0.0 else s + math.log1p(1.0 / es)  # softplus(s) = log(1 + e^s)
            e = math.exp(B * s - b * sp - w0 * es - f0) * (0.5 * W * (ev + 1.0 / ev))
            if i == 0 or i == n:
                e *= 0.5
            acc0 += e
            acc1 += e * es  # the integrand of I_1 is e^s times that of I_0
        if use0:
            i0 = acc0 * h
        if use1:
            i1 = acc1 * h
    return f0 + math.log(i0) - math.lgamma(B), b * (i1 / i0)


# ---------------------------------------------------------------------------------------------- Taylor steps
@njit(cache=True)
def _step_bound(A: float, B: float, b: float, z0: complex) -> float:
    r = abs(z0)
    al = abs(A - b * z0)
    lam = (al + math.sqrt(al * al + 4.0 * b * B * r)) / (2.0 * r)
    return min(_STEP_REL * r, _STEP_LAM / lam)


@njit(cache=True)
def _coeffs(A: float, B: float, b: float, z0: complex, v0: complex, H: complex, d: np.ndarray) -> int:
    """Scaled Taylor coefficients d_j = c_j H^j of the solution with u(z0) = 1, u'(z0) = v0; returns count."""
    d[0] = 1.0
    d[1] = v0 * H
    alpha = A - b * z0
    big = max(1.0, abs(d[1]))
    n = _NMAX
    for j in range(_NMAX - 2):
        d[j + 2] = ((alpha - j) * d[j + 1] * H - b * (j + B) * d[j] * (H * H) / (j + 1.0)) / (z0 * (j + 2.0))
        a = abs(d[j + 2])
        if a > big:
            big = a
        if j >= 3 and a + abs(d[j + 1]) < _TOL * big:
            n = j + 3
            break
    return n


@njit(cache=True)
def _eval(d: np.ndarray, n: int, t: complex, H: complex):
    """(log u, u'/u) at z0 + tH from the scaled coefficients (principal log: |Δ arg| < π by the step rule)."""
    p = 0j
    dp = 0j
    for j in range(n - 1, 0, -1):
        p = p * t + d[j]
        dp = dp * t + j * d[j]
    p = p * t + d[0]
    return cmath.log(p), dp / (H * p)


@njit(cache=True)
def _walk(A: float, B: float, b: float, z0: complex, L: complex, v: complex, z1: complex, d: np.ndarray):
    """Continue (log u, u'/u) along the segment z0 → z1."""
    while z0 != z1:
        H = _step_bound(A, B, b, z0)
        dist = abs(z1 - z0)
        if dist <= H:
            h = z1 - z0
        else:
            h = (z1 - z0) * (H / dist)
        n = _coeffs(A, B, b, z0, v, h, d)
        dl, v = _eval(d, n, 1.0 + 0j, h)
        L += dl
        z0 = z1 if dist <= H else z0 + h
    return L, v


@njit(cache=True)
def _arc(A: float, B: float, b: float, r: float, theta_end: float, d: np.ndarray):
    """(log u, u'/u) at r·e^{i theta_end}, from the Laplace start at −r along the arc |z| = r (upper half)."""
    L0, v0 = laplace_start(A, B, b, b * r)
    L = complex(L0, 0.0)
    v = complex(v0, 0.0)
    z = complex(-r, 0.0)
    span = math.pi - theta_end
    if span <= 0.0:
        return L, v
    # chords of angle <= 0.25 rad stay at distance >= 0.99 r from the singular point 0
    nseg = max(1, int(math.ceil(span / 0.25)))
    for k in range(1, nseg + 1):
        th = math.pi - span * k / nseg
        z1 = r * cmath.exp(1j * th) if k < nseg else r * cmath.exp(1j * theta_end)
        if k == nseg and theta_end == 0.0:
            z1 = complex(r, 0.0)
        L, v = _walk(A, B, b, z, L, v, z1, d)
        z = z1
    return L, v


@njit(cache=True)
def _start_radius(b: float) -> float:
    # w0 = b r = min(b, 1): the Laplace integrand's exponential cut-off then sits at t <= 1/min(b, 1)
    return min(1.0, 1.0 / b)



# ---------------------------------------------------------------------------------------------- large |z|
@njit(cache=True)
def _series_m(A: float, B: float, b: float, z: complex, tol: float):
    """m(z) from the asymptotic moment series −Σ m_k z^{−k−1}; returns (m, ok).

    The moments obey m_{k+1} = [(k + 1 + A) m_k + B Σ_{i≤k} m_i m_{k−i}] / b (from the Riccati equation
    z m' = −Bz m² + (A − bz) m − b); with a_k = m_k z^{−k} the terms stay bounded. The series is asymptotic: it
    is accepted only when its terms fall below tol·|sum| before they start to grow.
    """
    K = 400
    a = np.empty(K, dtype=np.complex128)
    a[0] = 1.0
    S = 1.0 + 0j
    prev = 1.0
    for k in range(K - 1):
        conv = 0j
        for i in range(k + 1):
            conv += a[i] * a[k - i]
        a[k + 1] = ((k + 1.0 + A) * a[k] + B * conv) / (b * z)
        t = abs(a[k + 1])
        S += a[k + 1]
        if t < tol * abs(S):
            return -S / z, True
        if k > 2 and t > prev:
            return -S / z, False
        prev = t
    return -S / z, False


@njit(cache=True)
def _log_tail_density(A: float, B: float, b: float, x: float) -> float:
    # log of the tail asymptote C∞ x^{A+2B} e^{−bx}, C∞ = b^{A+2B+1}/(Γ(B+1)Γ(A+B+1))
    return ((A + 2.0 * B + 1.0) * math.log(b) - math.lgamma(B + 1.0) - math.lgamma(A + B + 1.0)
            + (A + 2.0 * B) * math.log(x) - b * x)


@njit(cache=True)
def _series_usable(A: float, B: float, b: float, z: complex) -> bool:
    # the neglected exponentially small (Stokes) part is ~ the density's size at Re z: require it below 1e-17|m|
    if b * abs(z) < 2.0 * (A + 2.0 * B) + 40.0:
        return False
    if z.real > 0.0 and _log_tail_density(A, B, b, z.real) > math.log(1e-17 / abs(z)):
        return False
    return True



# ---------------------------------------------------------------------------------------------- tracked steps
_EPS = 2.2e-16


@njit(cache=True)
def _eval_cond(d: np.ndarray, n: int, t: complex, H: complex):
    """As :func:`_eval`, plus the condition number Σ|d_j t^j|/|p| + Σ j|d_j t^j|/|p'| of the two sums."""
    p = 0j
    dp = 0j
    s = 0.0
    sd = 0.0
    at = abs(t)
    for j in range(n - 1, 0, -1):
        p = p * t + d[j]
        dp = dp * t + j * d[j]
        s = s * at + abs(d[j])
        sd = sd * at + j * abs(d[j])
    p = p * t + d[0]
    s = s * at + abs(d[0])
    cond = s / abs(p) + (sd / abs(dp) if dp != 0 else 0.0)
    return cmath.log(p), dp / (H * p), cond


@njit(cache=True)
def amplification_exponent(A: float, b: float, z: complex, L: complex) -> float:
    """g(z) = A log|z| − b Re z − 2 Re log u(z): a perturbation δ of u'/u at z_k grows by exp(g(z) − g(z_k))."""
    return A * math.log(abs(z)) - b * z.real - 2.0 * L.real


@njit(cache=True)
def _logaddexp(a: float, c: float) -> float:
    if a < c:
        a, c = c, a
    if c == -np.inf:
        return a
    return a + math.log1p(math.exp(c - a))


@njit(cache=True)
def walk_tracked(A: float, B: float, b: float, z0: complex, L: complex, v: complex, z1: complex, d: np.ndarray,
                 log_s: float, tol: float):
    """Continue (log u, u'/u) along z0 → z1 and the error sum S = Σ_k δ_k e^{−g(z_k)} (as log S).

    δ_k = ε(4 + cond_k)|v_k| is the rounding error of step k; the first-order relative error of v at a point z is
    S e^{g(z)}/|v(z)|. The walk stops with log S = +inf as soon as that bound exceeds ``tol`` at a step end (beyond
    it the first-order estimate itself cannot be trusted: the computed path may follow another solution).
    """
    while z0 != z1:
        H = _step_bound(A, B, b, z0)
        dist = abs(z1 - z0)
        if not H > 0.0:
            return L, v, np.inf
        h = z1 - z0 if dist <= H else (z1 - z0) * (H / dist)
        n = _coeffs(A, B, b, z0, v, h, d)
        dl, v, cond = _eval_cond(d, n, 1.0 + 0j, h)
        L += dl
        z0 = z1 if dist <= H else z0 + h
        gk = amplification_exponent(A, b, z0, L)
        log_s = _logaddexp(log_s, math.log(_EPS * (4.0 + cond) * abs(v) + 1e-300) - gk)
        if not math.exp(log_s + gk) <= tol * abs(v):
            return L, v, np.inf
    return L, v, log_s
