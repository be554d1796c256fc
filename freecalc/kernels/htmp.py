r"""numba kernels for the high-temperature Marchenko–Pastur law HTMP(γ, κ).

Notation (as in ``freecalc.laws.htmp``): :math:`b = \kappa/(2\gamma)`, :math:`B = \kappa/2`,
:math:`A = b - B - 1 > -1`, and :math:`u(z) = U(B, -A, -bz)` (Tricomi's confluent hypergeometric function). Then

* :math:`m(z) = u'(z) / (B\,u(z))` is the Stieltjes transform (``u'`` is the z-derivative,
  :math:`dU(a,c,w)/dw = -a\,U(a+1,c+1,w)`), so :math:`m = b\,U(B+1, 1-A, -bz)/U(B, -A, -bz)`;
* :math:`\rho(x) = b\,y^A e^{-y} / (\Gamma(B+1)\Gamma(b)\,|u(x + i0)|^2)`, :math:`y = bx`;
* :math:`F(x) = \arg u(x + i0) / (\pi B)` (continuous argument, :math:`\arg u(0) = 0`): integrating
  :math:`\rho = \Im m/\pi = \Im (\log u)'/(\pi B)` from 0; :math:`u \sim (-bx - i0)^{-B}` at infinity gives
  :math:`F(\infty) = 1`.

Evaluation route (uniform in the parameters, no special cases at integer Kummer parameters):

1. *Start*: at :math:`z_0 = -r < 0` the argument :math:`w_0 = br` is positive and
   :math:`U(B,-A,w_0) = \Gamma(B)^{-1}\int_0^\infty t^{B-1}(1+t)^{-b}e^{-w_0 t}\,dt` has a positive, log-concave
   integrand (in :math:`s = \log t`): trapezoidal rule after a sinh map centred at the peak (double-exponential
   decay of both tails). The same nodes give :math:`u'/u = b\,\langle t\rangle`.
2. *Continuation*: :math:`u` solves the linear ODE :math:`z u'' - (A - bz)u' + bBu = 0`, whose only finite
   singular point is 0. Taylor steps (coefficients by the three-term recurrence
   :math:`c_{j+2} = [(A - bz_0 - j)(j+1)c_{j+1} - b(j+B)c_j]/(z_0(j+1)(j+2))`) carry :math:`(\log u, u'/u)` along an
   arc :math:`|z| = r` in the upper half plane and along the real axis. Paths are chosen so that
   :math:`\Re(-bz)` never increases by more than O(1) (the other solution, :math:`\sim e^{-bz}`, is then never
   amplified): arcs from :math:`-r` through the upper half plane, marches to the right along the positive axis.
   Step sizes keep :math:`|h| \le 0.3|z_0|` (radius of convergence :math:`|z_0|`) and :math:`|h|\Lambda \le 2.5`
   (Λ bounds the local WKB exponents), so each step changes :math:`\arg u` by less than π and the logarithm's
   branch is tracked exactly.

All kernels take only floats and arrays and are callable from user ``@njit`` code, except :func:`htmp_logpdf`,
:func:`htmp_pdf` and :func:`htmp_cdf`: they sort their points with numpy before the jitted march (a small call graph
to compile on the fitting path).

Reference for the law: Hodgkinson, Wang, Mahoney, *Models of heavy-tailed mechanistic universality*,
arXiv:2506.03470 (2025); ODE and integral representation: DLMF 13.2.1, 13.4.4, 13.3.22.
"""
from __future__ import annotations

import cmath
import math
from functools import lru_cache

import numpy as np
from numba import njit

from freecalc.kernels._aot import Served
from freecalc.kernels.htmp_ode import (_NMAX, _STEP_LAM, _STEP_REL, _TINY, _TOL, _arc, _coeffs, _eval,
                                       _log_tail_density, _series_usable, _start_radius, _step_bound, _walk,
                                       htmp_params, laplace_start)

__all__ = ["htmp_params", "laplace_start", "htmp_march_real", "htmp_log_u", "htmp_anchor", "htmp_real_anchor",
           "htmp_pdf", "htmp_logpdf", "htmp_cdf", "htmp_small_logu"]


@njit(cache=True)
def _split_point(A: float, B: float, b: float) -> float:
    """Where the real-axis marches start: right of it u is the dominant solution going right, left of it going left.

    The local exponents λ of z u'' − (A − bz)u' + bBu = 0 solve xλ² − (A − bx)λ + bB = 0; they are complex
    (oscillation, neither solution dominates) between e± = [(A + 2B) ± 2√(B(A + B))]/b (the MP edges
    (1 ± √γ)² when κ → ∞). For A > 0 and 0 < x < e− both are real and positive: u, regular at 0, follows the
    smaller one, so marching right there would amplify the x^{1+A}-type solution; marching left damps it.
    Without such a gap (A ≤ 0) u is dominant going right everywhere and going left only for bx ≲ 1.
    """
    r0 = _start_radius(b)
    if A > 0.0 and A + B > 0.0:
        em = ((A + 2.0 * B) - 2.0 * math.sqrt(B * (A + B))) / b
        if em > r0:
            return em
    return r0


@njit(cache=True)
def htmp_real_anchor(A: float, B: float, b: float):
    """Start of the real-axis march alone: (r_s, log u(r_s + i0), u'/u(r_s + i0)), the first three entries of
    :func:`htmp_anchor`, without its left start and march end (the log-density needs neither).

    Parameters
    ----------
    A, B, b : float
        HTMP constants (:func:`htmp_params`).

    Returns
    -------
    tuple
        (r_s, log u(r_s + i0), u'/u(r_s + i0)).
    """
    d = np.empty(_NMAX, dtype=np.complex128)
    r0 = _split_point(A, B, b)
    Lr, vr = _arc(A, B, b, r0, 0.0, d)
    return r0, Lr, vr


@njit(cache=True)
def htmp_anchor(A: float, B: float, b: float):
    """Start values shared by all points of one law.

    r_s = :func:`_split_point` starts the real-axis march; −r_l (r_l = min(1, 1/b)) is a Laplace start for
    points left of the imaginary axis. Depends on the parameters only: a law computes it once (~30 µs).

    Parameters
    ----------
    A, B, b : float
        HTMP constants (:func:`htmp_params`).

    Returns
    -------
    tuple
        (r_s, log u(r_s + i0), u'/u(r_s + i0), x_big, r_l, log u(−r_l), u'/u(−r_l)); x_big is the end of the
        march (beyond it the large-x series is used).
    """
    r0, Lr, vr = htmp_real_anchor(A, B, b)
    rl = _start_radius(b)
    Ll, vl = laplace_start(A, B, b, b * rl)
    return r0, Lr, vr, max(_x_big(A, B, b), 5000.0 / b), rl, complex(Ll, 0.0), complex(vl, 0.0)


@njit(cache=True)
def htmp_march_real(A: float, B: float, b: float, xs: np.ndarray, Ls: np.ndarray, vs: np.ndarray) -> None:
    """log u(x + i0) and u'/u at sorted positive points xs (ascending), written into Ls, vs (complex)."""
    if xs.size == 0:
        return
    r0, Lr, vr, _, _, _, _ = htmp_anchor(A, B, b)
    i0 = 0
    while i0 < xs.size and xs[i0] < r0:
        i0 += 1
    _march_from(A, B, b, r0, Lr, vr, xs, i0, Ls, vs)


@njit(cache=True)
def _march_from(A: float, B: float, b: float, r0: float, Lr: complex, vr: complex, xs: np.ndarray, i0: int,
                Ls: np.ndarray, vs: np.ndarray) -> None:
    """March from r0 + i0 right through xs[i0:] and left through xs[:i0] (xs ascending, xs[i0 - 1] < r0 ≤ xs[i0])."""
    n = xs.size
    d = np.empty(_NMAX, dtype=np.complex128)
    # march right
    zc = r0
    L = Lr
    v = vr
    i = i0
    while i < n:
        H = _step_bound(A, B, b, complex(zc, 0.0))
        m = _coeffs(A, B, b, complex(zc, 0.0), v, complex(H, 0.0), d)
        while i < n and xs[i] <= zc + H:
            t = (xs[i] - zc) / H
            dl, vi = _eval(d, m, complex(t, 0.0), complex(H, 0.0))
            Ls[i] = L + dl
            vs[i] = vi
            i += 1
        if i < n:
            dl, v = _eval(d, m, 1.0 + 0j, complex(H, 0.0))
            L += dl
            zc += H
    # march left (points below r0, descending): stable, see _split_point
    zc = r0
    L = Lr
    v = vr
    i = i0 - 1
    while i >= 0:
        H = _step_bound(A, B, b, complex(zc, 0.0))
        m = _coeffs(A, B, b, complex(zc, 0.0), v, complex(-H, 0.0), d)
        while i >= 0 and xs[i] >= zc - H:
            t = (zc - xs[i]) / H
            dl, vi = _eval(d, m, complex(t, 0.0), complex(-H, 0.0))
            Ls[i] = L + dl
            vs[i] = vi
            i -= 1
        if i >= 0:
            dl, v = _eval(d, m, 1.0 + 0j, complex(-H, 0.0))
            L += dl
            zc -= H


@njit(cache=True)
def _march_log_abs(A: float, B: float, b: float, r0: float, Lr: complex, vr: complex, xs: np.ndarray, i0: int,
                   out: np.ndarray) -> None:
    """log|u(x + i0)| at ascending xs into ``out``: the march of :func:`_march_from` (same steps, same start,
    right through xs[i0:], left through xs[:i0]) in real arithmetic.

    On the real axis the Taylor recurrence has real coefficients, so u/u(z0) = P(t) + iQ(t) with two real
    polynomials evaluated at the real t = (x − z0)/h; log|u| needs neither the derivative at the points nor a
    complex logarithm.
    """
    n = xs.size
    dr = np.empty(_NMAX)
    di = np.empty(_NMAX)
    for side in range(2):
        sgn = 1.0 if side == 0 else -1.0
        zc = r0
        L = Lr.real
        vre = vr.real  # u'/u at zc, in two floats (no complex arithmetic in the march)
        vim = vr.imag
        i = i0 if side == 0 else i0 - 1
        while 0 <= i < n:
            al = abs(A - b * zc)
            lam = (al + math.sqrt(al * al + 4.0 * b * B * zc)) / (2.0 * zc)
            H = min(_STEP_REL * zc, _STEP_LAM / lam)  # _step_bound at a real point
            h = sgn * H
            # Taylor coefficients (the recurrence of htmp_ode._coeffs, real here: real and imaginary parts apart)
            dr[0] = 1.0
            di[0] = 0.0
            dr[1] = vre * h
            di[1] = vim * h
            alpha = A - b * zc
            big = max(1.0, abs(dr[1]) + abs(di[1]))
            m = _NMAX
            for j in range(_NMAX - 2):
                den = zc * (j + 2.0)
                c1 = (alpha - j) * h / den
                c0 = b * (j + B) * (h * h) / ((j + 1.0) * den)
                dr[j + 2] = c1 * dr[j + 1] - c0 * dr[j]
                di[j + 2] = c1 * di[j + 1] - c0 * di[j]
                a = abs(dr[j + 2]) + abs(di[j + 2])
                if a > big:
                    big = a
                if j >= 3 and a + abs(dr[j + 1]) + abs(di[j + 1]) < _TOL * big:
                    m = j + 3
                    break
            while 0 <= i < n and sgn * (xs[i] - zc) <= H:
                t = (xs[i] - zc) / h
                p = dr[m - 1]
                q = di[m - 1]
                for j in range(m - 2, -1, -1):
                    p = p * t + dr[j]
                    q = q * t + di[j]
                out[i] = L + 0.5 * math.log(p * p + q * q)
                i += 1 if side == 0 else -1
            if 0 <= i < n:
                p = q = dp = dq = 0.0
                for j in range(m - 1, -1, -1):
                    p += dr[j]
                    q += di[j]
                    dp += j * dr[j]
                    dq += j * di[j]
                a2 = p * p + q * q
                L += 0.5 * math.log(a2)
                # u'/u at zc + h = (dp + i dq)/(h (p + i q))
                vre = (dp * p + dq * q) / (h * a2)
                vim = (dq * p - dp * q) / (h * a2)
                zc += h


@njit(cache=True)
def htmp_log_u(A: float, B: float, b: float, z: complex):
    """(log u(z), u'(z)/u(z)) at one point with Im z ≥ 0, z ≠ 0 (boundary value from above on the real axis)."""
    d = np.empty(_NMAX, dtype=np.complex128)
    R = abs(z)
    th = math.atan2(z.imag, z.real) if z.imag > 0.0 or z.real < 0.0 else 0.0
    if z.imag == 0.0 and z.real < 0.0:
        L0, v0 = laplace_start(A, B, b, b * R)
        return complex(L0, 0.0), complex(v0, 0.0)
    r0 = _start_radius(b)
    if R >= r0:
        return _arc(A, B, b, R, th, d)
    L, v = _arc(A, B, b, r0, th, d)
    return _walk(A, B, b, r0 * cmath.exp(1j * th) if th != 0.0 else complex(r0, 0.0), L, v, z, d)



# ---------------------------------------------------------------------------------------------- public kernels
@njit(cache=True)
def _x_big(A: float, B: float, b: float) -> float:
    """A point beyond which the density underflows (< 1e-320) and the moment series gives m(x + i0)."""
    x = max(1.0, 2.0 * (A + 2.0 * B + 40.0) / b)
    while _log_tail_density(A, B, b, x) > -745.0 or not _series_usable(A, B, b, complex(x, 0.0)):
        x *= 1.25
    return x


def _real_axis(A: float, B: float, b: float, x: np.ndarray):
    """log u and u'/u at x > 0 (any order), points beyond the underflow point marked by NaN.

    Sorting and splitting are a numpy pre-pass around the jitted march (numba's argsort and searchsorted would
    add seconds of compilation to the first fit); :func:`_real_axis_from` is the jitted equivalent.
    """
    r0, Lr, vr, xb, _, _, _ = htmp_anchor(A, B, b)
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x)
    # below bx = 1e-250 the march would reach denormal step sizes: see _real_axis_from
    xs = np.maximum(x[order], _TINY / b)
    nin = int(np.searchsorted(xs, xb))
    Ls = np.full(x.size, complex(np.nan, np.nan))
    vs = np.full(x.size, complex(np.nan, np.nan))
    if nin > 0:
        xin = np.ascontiguousarray(xs[:nin])
        Lt = np.empty(nin, dtype=np.complex128)
        vt = np.empty(nin, dtype=np.complex128)
        _march_from(A, B, b, r0, Lr, vr, xin, int(np.searchsorted(xin, r0)), Lt, vt)
        Ls[order[:nin]] = Lt
        vs[order[:nin]] = vt
    return Ls, vs


@njit(cache=True)
def _real_axis_from(A: float, B: float, b: float, r0: float, Lr: complex, vr: complex, xb: float, x: np.ndarray):
    n = x.size
    order = np.argsort(x)
    # below bx = 1e-250 the march would reach denormal step sizes; evaluate there at the threshold (callers
    # that need those points use the x → 0 asymptotics, whose relative error O(bx) is then negligible)
    xs = np.maximum(x[order], _TINY / b)
    # march up to the underflow point of the density, and further (log-density requests) while it takes
    # fewer than ~2000 steps (xb = max(x_big, 5000/b), see htmp_anchor); beyond, callers use the large-x series
    nin = np.searchsorted(xs, xb)
    Ls = np.full(n, complex(np.nan, np.nan))
    vs = np.full(n, complex(np.nan, np.nan))
    Lt = np.empty(nin, dtype=np.complex128)
    vt = np.empty(nin, dtype=np.complex128)
    if nin > 0:
        _march_from(A, B, b, r0, Lr, vr, xs[:nin], np.searchsorted(xs[:nin], r0), Lt, vt)
    for i in range(nin):
        Ls[order[i]] = Lt[i]
        vs[order[i]] = vt[i]
    return Ls, vs


@njit(cache=True)
def _lower_tail_arg(A: float, B: float, b: float, y: float, logabs_u: float) -> float:
    """arg u(x + i0) for small y = bx ≤ 1 with full relative accuracy.

    Im U(B, −A, −y − i0) = π y^{1+A} M(A + B + 1, A + 2, −y)/(Γ(B)Γ(A + 2)) (connection formula DLMF 13.2.42
    with (−y − i0)^{1+A} = y^{1+A} e^{−iπ(1+A)}); M by its power series, or by Kummer's transformation
    e^{−y} M(1 − B, A + 2, y), whichever has less cancellation.
    """
    c = A + 2.0
    s1 = 1.0
    a1 = 1.0
    t = 1.0
    for k in range(200):
        t *= (A + B + 1.0 + k) / (c + k) * (-y) / (k + 1.0)
        s1 += t
        a1 += abs(t)
        if abs(t) < 1e-17 * abs(s1):
            break
    s2 = 1.0
    a2 = 1.0
    t = 1.0
    for k in range(200):
        t *= (1.0 - B + k) / (c + k) * y / (k + 1.0)
        s2 += t
        a2 += abs(t)
        if abs(t) < 1e-17 * abs(s2):
            break
    s2 *= math.exp(-y)
    a2 *= math.exp(-y)
    M = s1 if a1 / abs(s1) <= a2 / abs(s2) else s2
    if not M > 0.0:  # cannot happen while arg u is small and positive; keep the marched value then
        return math.nan
    log_im = math.log(math.pi) + (1.0 + A) * math.log(y) + math.log(M) - math.lgamma(B) - math.lgamma(c)
    ratio = math.exp(log_im - logabs_u)
    return math.asin(min(ratio, 1.0))


@njit(cache=True)
def htmp_small_logu(A: float, B: float, b: float, ly: float) -> complex:
    """log u(x + i0) for tiny y = bx (given log y), relative error O(y).

    u = Γ(1+A)/Γ(b) M(B, −A, −y) + Γ(−1−A)/Γ(B) (−y − i0)^{1+A} M(b, A+2, −y) (DLMF 13.2.42); the M's are
    1 + O(y). For −1 < A < 0 the second term is kept (y^{1+A} need not be small when A + 1 is); for A ≥ 0 it is
    O(y^{1+A}) ≤ O(y) and dropped (it has a pole at integer A that the M term cancels).
    """
    lu0 = math.lgamma(A + 1.0) - math.lgamma(b)
    if A >= 0.0:
        return complex(lu0, 0.0)
    # Γ(−1−A) < 0 for −1−A in (−1, 0): r = |Γ(−1−A)|/Γ(B) y^{1+A}/u0, term = −r e^{−iπ(1+A)}
    lr = math.lgamma(-1.0 - A) - math.lgamma(B) + (1.0 + A) * ly - lu0
    if lr < -800.0:
        return complex(lu0, 0.0)
    r = math.exp(lr)
    w = 1.0 - r * cmath.exp(complex(0.0, -math.pi * (1.0 + A)))
    return complex(lu0, 0.0) + cmath.log(w)


@njit(cache=True)
def _log_abs_u_asym(A: float, B: float, b: float, y: float) -> float:
    """log|u(x + i0)| for large y = bx: U(B, −A, w) ~ w^{−B} Σ_s (B)_s (b)_s / s! (−w)^{−s}, w = −y − i0
    (DLMF 13.7.3), all terms positive here; summed to the smallest term (error ~ e^{−y})."""
    S = 1.0
    t = 1.0
    for k in range(1000):
        tn = t * (B + k) * (b + k) / ((k + 1.0) * y)
        if tn >= t and k > 0:
            break
        t = tn
        S += t
        if t < 1e-17 * S:
            break
    return -B * math.log(y) + math.log(S)


@lru_cache(maxsize=64)
def _real_anchor_cached(A: float, B: float, b: float) -> tuple[float, complex, complex]:
    # the optimisers of a fit revisit the same (γ, κ) with another scale (finite differences, simplex moves of the
    # scale alone): the anchor is a deterministic function of (A, B, b), so a repeat is looked up, not recomputed
    return _REAL_ANCHOR(A, B, b)


def htmp_logpdf(gamma: float, kappa: float, x: np.ndarray) -> np.ndarray:
    """log ρ(x): −inf for x < 0 (and NaN) and beyond the underflow point; the limit x^A-behaviour at x = 0.

    A Python function (a sort in numpy, then one jitted kernel), not callable from ``@njit`` code. The march is the
    one of :func:`htmp_cdf` and :func:`htmp_pdf` in real arithmetic (:func:`_march_log_abs`).

    Parameters
    ----------
    gamma, kappa : float
        HTMP parameters.
    x : ndarray
        Points, any order.

    Returns
    -------
    ndarray
        log ρ(x), same shape as x (1-d).
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    A, B, b = _PARAMS(gamma, kappa)
    r0, Lr, vr = _real_anchor_cached(A, B, b)
    if x.size < 2 or (x[0] <= x[-1] and bool(np.all(x[1:] >= x[:-1]))):
        return _LOGPDF_SORTED(A, B, b, r0, Lr, vr, x)
    if x[0] > x[-1] and bool(np.all(x[1:] <= x[:-1])):  # InverseHTMP evaluates HTMP at 1/x of sorted data
        return _LOGPDF_SORTED(A, B, b, r0, Lr, vr, np.ascontiguousarray(x[::-1]))[::-1]
    order = np.argsort(x)
    out = np.empty(x.size)
    out[order] = _LOGPDF_SORTED(A, B, b, r0, Lr, vr, np.ascontiguousarray(x[order]))
    return out


@njit(cache=True)
def _logpdf_sorted(A: float, B: float, b: float, r0: float, Lr: complex, vr: complex, xs: np.ndarray) -> np.ndarray:
    """log ρ at ascending xs (NaN last) from the start values of :func:`htmp_real_anchor`: x ≤ 0 and NaN by the
    rules of :func:`htmp_logpdf`, bx below _TINY by the x → 0 asymptotics, beyond the end of the march
    (max(x_big, 5000/b), as :func:`htmp_anchor`) by the large-x series, the rest by :func:`_march_log_abs`."""
    n = xs.size
    out = np.empty(n)
    c0 = math.log(b) - math.lgamma(B + 1.0) - math.lgamma(b)
    lo = 0
    while lo < n and not xs[lo] > 0.0:
        if xs[lo] < 0.0 or A > 0.0:
            out[lo] = -np.inf
        elif A == 0.0:
            out[lo] = math.log(b)  # ρ(0) = C0 = b when A = 0
        else:
            out[lo] = np.inf
        lo += 1
    hi = n
    while hi > lo and math.isnan(xs[hi - 1]):
        hi -= 1
        out[hi] = -np.inf
    while lo < hi and b * xs[lo] < _TINY:
        ly = math.log(b) + math.log(xs[lo])  # not log(y): y may underflow for denormal x
        out[lo] = c0 + A * ly - b * xs[lo] - 2.0 * htmp_small_logu(A, B, b, ly).real
        lo += 1
    mid = hi
    # _x_big starts at max(1, 2(A + 2B + 40)/b) and only grows: below that no point can be beyond the march
    if hi > lo and xs[hi - 1] >= max(1.0, 2.0 * (A + 2.0 * B + 40.0) / b, 5000.0 / b):
        xb = max(_x_big(A, B, b), 5000.0 / b)
        while mid > lo and xs[mid - 1] >= xb:
            mid -= 1
            y = b * xs[mid]
            out[mid] = c0 + A * math.log(y) - y - 2.0 * _log_abs_u_asym(A, B, b, y)
    if mid > lo:
        seg = xs[lo:mid]
        i0 = 0
        while i0 < seg.size and seg[i0] < r0:
            i0 += 1
        lu = out[lo:mid]
        _march_log_abs(A, B, b, r0, Lr, vr, seg, i0, lu)
        for i in range(seg.size):
            y = b * seg[i]
            lu[i] = c0 + A * math.log(y) - y - 2.0 * lu[i]
    return out


# the fit's first call needs no compilation (not even numba's start-up, ~0.5 s): these come from the extension
# built at install (kernels._aot)
_PARAMS = Served("htmp_params", htmp_params)
_REAL_ANCHOR = Served("htmp_real_anchor", htmp_real_anchor)
_LOGPDF_SORTED = Served("htmp_logpdf_sorted", _logpdf_sorted)


def htmp_pdf(gamma: float, kappa: float, x: np.ndarray) -> np.ndarray:
    """ρ(x) (vectorised; any order of points; a Python function like :func:`htmp_logpdf`)."""
    with np.errstate(over="ignore"):  # ρ = inf at x → 0 when A < 0, as the jitted exp returned it
        return np.exp(htmp_logpdf(gamma, kappa, x))


def htmp_cdf(gamma: float, kappa: float, x: np.ndarray) -> np.ndarray:
    """F(x) = arg u(x + i0)/(πB); lower tail (bx ≤ 1, F < 0.1) from the series of Im u (relative accuracy).

    A Python function (numpy pre-pass, then jitted kernels), not callable from ``@njit`` code.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    A, B, b = htmp_params(gamma, kappa)
    pos = np.flatnonzero(x > 0.0)
    Ls, _ = _real_axis(A, B, b, x[pos])
    return _cdf_fill(A, B, b, x, pos, Ls)


@njit(cache=True)
def _cdf_fill(A: float, B: float, b: float, x: np.ndarray, pos: np.ndarray, Ls: np.ndarray) -> np.ndarray:
    """F at x from log u(x + i0) at x[pos] > 0 (NaN beyond the march: F = 1 there)."""
    out = np.zeros(x.size)
    for i in range(pos.size):
        L = Ls[i]
        if math.isnan(L.real):
            out[pos[i]] = 1.0
            continue
        xi = x[pos[i]]
        y = b * xi
        if y < _TINY:
            ly = math.log(b) + math.log(xi)
            if A >= 0.0:
                # F ≈ C0 x^{A+1}/(A+1), C0 = b^{A+1}Γ(b)/(Γ(B+1)Γ(A+1)²), relative error O(y)
                out[pos[i]] = math.exp((A + 1.0) * ly + math.lgamma(b) - math.lgamma(B + 1.0)
                                       - 2.0 * math.lgamma(A + 1.0) - math.log(A + 1.0))
            else:
                out[pos[i]] = htmp_small_logu(A, B, b, ly).imag / (math.pi * B)
            continue
        F = L.imag / (math.pi * B)
        if y <= 1.0 and L.imag < 0.5:
            # small angle (not merely small F: F πB can exceed π when B is large): asin of Im u/|u| is exact
            Fs = _lower_tail_arg(A, B, b, y, L.real) / (math.pi * B)
            if not math.isnan(Fs):
                F = Fs
        out[pos[i]] = min(max(F, 0.0), 1.0)
    return out
