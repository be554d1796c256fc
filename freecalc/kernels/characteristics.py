r"""numba kernels for the characteristic equation of free decompression, in the Joukowski variable.

Free decompression by a factor :math:`f = e^t` maps the source Cauchy transform :math:`G_0 = -m_0` to
:math:`G(t, z) = G_0(z_0)/f` along the characteristics

.. math:: z = Z(z_0) = z_0 + \frac{f - 1}{G_0(z_0)}

(Ameli, van der Heide, Hodgkinson & Mahoney 2025, arXiv:2506.11994; ``docs/dev`` notes, item 2). For a real target
point the preimage :math:`z_0` lies in the lower half plane *on the second sheet* of :math:`G_0`. All kernels here
work in the Joukowski variable of the source support :math:`[a, b]`,

.. math:: z_0 = c + h\,(u + 1/u), \qquad c = \tfrac{a+b}{2},\ h = \tfrac{b-a}{4},

in which the two sheets are one plane: :math:`|u| < 1` is the physical sheet (upper half plane ↔ ``Im u < 0``),
:math:`|u| > 1` the second sheet, the support is the unit circle. The source transform is a rational function

.. math:: G_0(u) = \frac{u}{h}\,\frac{P(u)}{Q(u)},\qquad P(u) = \sum_k p_k u^k,\ Q(u) = \sum_k q_k u^k,

(:mod:`freecalc.continuation.pade`), so the continuation to the second sheet is explicit and the preimage of the real
axis is the curve :math:`\Im Z(u) = 0` in :math:`\{|u| > 1, \Im u < 0\}`. Along it the target density is
:math:`\rho(x) = -\Im G_0(u)/(\pi f)`.

Two solvers (:class:`freecalc.operations.numeric_decompression.Solver` chooses):

* :func:`trace_preimage` — Newton-free tracing of that curve (notes, item 6) along rays :math:`u = r e^{-i\theta}`:
  for each θ a scan in r brackets the first sign change of :math:`\Im Z` and a safeguarded Newton/bisection polishes
  it;
* :func:`newton_preimage` — damped Newton on :math:`Z(u) = x` over a sorted grid of target points, warm-started
  from the previous grid point (the first from the edge expansion), with backtracking that keeps the iterate on the
  second sheet's lower half.

Source model: the arguments ``kind, p, q, c, h, nodes, wts`` of every kernel are ``LINEAR``/``LOG``, the numerator
and denominator coefficients of the rational Cauchy model in the Joukowski variable u, its centre c and half-width
h, and the quadrature of the s-density (``LOG`` only).

Every kernel returns a per-point status code (never silently a wrong value): ``OK``, ``NO_BRACKET``,
``MAX_ITER``, ``LEFT_REGION`` (see the constants below); ``tol`` and the iteration limit are arguments. This is the
solver contract of :mod:`freecalc.numerics.solvers`: the Python wrapper
(:class:`~freecalc.laws.decompressed.DecompressedLaw`) turns ``status != OK`` into NaN plus a
:class:`~freecalc.numerics.solvers.ConvergenceWarning` naming the points. All take only floats and arrays, so they
can be called from user ``@njit`` code.
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

__all__ = [
    "OK", "NO_BRACKET", "MAX_ITER", "LEFT_REGION", "LINEAR", "LOG",
    "source_cauchy", "source_stieltjes", "char_map", "char_map_many", "in_region", "trace_preimage", "newton_preimage", "critical_points", "solve_target",
]

LINEAR = 0
"""Model kind: the rational model is in the eigenvalue variable itself."""
LOG = 1
"""Model kind: the rational model is for the density of s = log λ (spectra spanning decades)."""

OK = 0
"""Converged to the requested tolerance."""
NO_BRACKET = 1
"""Tracing: no sign change of Im Z(r e^{-iθ}) for 1 < r ≤ r_max (the ray misses the preimage curve)."""
MAX_ITER = 2
"""The iteration limit was reached before the tolerance."""
LEFT_REGION = 3
"""Newton could not stay on the second sheet's lower half (|u| > 1, Im u < 0): the point is probably outside the
target support."""


@njit(cache=True)
def _poly_and_derivative(coef: np.ndarray, u: complex) -> tuple[complex, complex]:
    val = 0j
    der = 0j
    for k in range(coef.shape[0] - 1, -1, -1):
        der = der * u + val
        val = val * u + coef[k]
    return val, der


@njit(cache=True)
def source_cauchy(p: np.ndarray, q: np.ndarray, h: float, u: complex) -> tuple[complex, complex]:
    """G₀(u) = u P(u)/(h Q(u)) and its derivative dG₀/du.

    Parameters
    ----------
    p, q : float 1-D arrays
        Coefficients of P and Q (constant term first).
    h : float
        Half-width of the Joukowski map.
    u : complex

    Returns
    -------
    G, dG : complex
    """
    P, dP = _poly_and_derivative(p, u)
    Q, dQ = _poly_and_derivative(q, u)
    r = P / Q
    dr = (dP * Q - P * dQ) / (Q * Q)
    return u * r / h, (r + u * dr) / h


@njit(cache=True)
def source_stieltjes(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray,
                     wts: np.ndarray, u: complex) -> tuple[complex, complex, complex, complex]:
    r"""Source point :math:`z_0(u)`, :math:`dz_0/du`, :math:`m_0(u)` and :math:`dm_0/du` (both sheets).

    ``kind = LINEAR``: :math:`z_0 = c + h(u + 1/u)`, :math:`m_0 = -G_0(u)` (rational).
    ``kind = LOG``: the model lives in :math:`s = \log\lambda`: :math:`\sigma = c + h(u + 1/u)`,
    :math:`z_0 = e^\sigma` and, with :math:`m_s = -G_0(u)` the Stieltjes transform of the density of s,

    .. math:: m_0 = e^{-\sigma} m_s(\sigma) + \sum_j w_j\Bigl[\frac{1}{e^{s_j} - e^\sigma}
              - \frac{e^{-\sigma}}{s_j - \sigma}\Bigr]

    (singularity subtraction: the bracket is smooth in s, so the quadrature ``nodes``/``wts`` of the s-density
    integrates it accurately, and the singular part continues to the second sheet with :math:`m_s`).

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    u : complex

    Returns
    -------
    z0, dz0, m0, dm0 : complex
    """
    G, dG = source_cauchy(p, q, h, u)
    sig = c + h * (u + 1.0 / u)
    dsig = h * (1.0 - 1.0 / (u * u))
    if kind == LINEAR:
        return sig, dsig, -G, -dG
    ez = cmath.exp(sig)
    emz = 1.0 / ez
    B = 0j
    dB = 0j
    for j in range(nodes.shape[0]):
        es = math.exp(nodes[j])
        d1 = 1.0 / (es - ez)
        d2 = 1.0 / (nodes[j] - sig)
        B += wts[j] * (d1 - emz * d2)
        dB += wts[j] * (ez * d1 * d1 + emz * d2 - emz * d2 * d2)
    m0 = -emz * G + B
    # d/du[-e^{-σ}G] = e^{-σ}σ'G − e^{-σ}G';  d/du B = B'(σ)σ'
    dm0 = emz * dsig * G - emz * dG + dB * dsig
    return ez, ez * dsig, m0, dm0


@njit(cache=True)
def char_map(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray, wts: np.ndarray,
             f: float, u: complex) -> tuple[complex, complex, complex]:
    """Z(u) = z₀(u) − (f − 1)/m₀(u), dZ/du and m₀(u).

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    u : complex

    Returns
    -------
    Z, dZ, m0 : complex
    """
    z0, dz0, m0, dm0 = source_stieltjes(kind, p, q, c, h, nodes, wts, u)
    Z = z0 - (f - 1.0) / m0
    dZ = dz0 + (f - 1.0) * dm0 / (m0 * m0)
    return Z, dZ, m0


@njit(cache=True)
def in_region(kind: int, c: float, h: float, u: complex) -> bool:
    """Second sheet, below the support: |u| > 1, Im u < 0 (and, for LOG, Im σ(u) > −π so e^σ is below too).

    Parameters
    ----------
    kind : int
    c, h : float
        Centre and half-width of the Joukowski map.
    u : complex

    Returns
    -------
    bool
    """
    if not (abs(u) > 1.0 and u.imag < 0):
        return False
    if kind == LOG:
        return (h * (u + 1.0 / u)).imag > -math.pi
    return True


@njit(cache=True)
def _im_on_ray(kind, p, q, c, h, nodes, wts, f, r, e):
    Z, dZ, m0 = char_map(kind, p, q, c, h, nodes, wts, f, r * e)
    return Z.imag, (dZ * e).imag


@njit(cache=True)
def trace_preimage(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray,
                   wts: np.ndarray, f: float, theta: np.ndarray,
                   r_max: float, n_scan: int, tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Points :math:`u(\theta) = r(\theta)e^{-i\theta}` of the preimage curve :math:`\Im Z(u) = 0`, ``r > 1``.

    For each θ the first sign change of :math:`\Im Z` (positive next to the unit circle, where :math:`\Im G_0 < 0`)
    is bracketed on a geometric grid of ``n_scan`` radii in :math:`(1, r_{\max}]`, then polished by Newton in r
    kept inside the bracket (bisection whenever a step would leave it). The scan starts from the previous θ's root
    (warm start) and only falls back to the full scan when that bracket fails.

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    theta : float 1-D array
        Ray angles.
    r_max : float
        Largest radius scanned.
    n_scan : int
        Radii of the bracketing scan.
    tol : float
        Relative tolerance in r.
    max_iter : int
        Newton/bisection budget per ray.

    Returns
    -------
    u : complex ndarray
        Preimages (NaN where the status is not ``OK``).
    status : int ndarray
        ``OK``, ``NO_BRACKET`` or ``MAX_ITER`` per θ.
    """
    n = theta.shape[0]
    u_out = np.full(n, np.nan + 0j)
    status = np.full(n, NO_BRACKET, dtype=np.int64)
    log_rmax = math.log(r_max)
    r_prev = -1.0
    for i in range(n):
        e = complex(math.cos(theta[i]), -math.sin(theta[i]))
        lo = -1.0
        hi = -1.0
        # warm start: a small bracket around the previous root
        if r_prev > 0:
            a = max(1.0 + 1e-12, r_prev / 1.05)
            b = min(r_max, r_prev * 1.05)
            fa, _ = _im_on_ray(kind, p, q, c, h, nodes, wts, f, a, e)
            fb, _ = _im_on_ray(kind, p, q, c, h, nodes, wts, f, b, e)
            if fa > 0 and fb <= 0:
                # make sure no earlier crossing exists between 1 and a
                f1, _ = _im_on_ray(kind, p, q, c, h, nodes, wts, f, 1.0 + 1e-9, e)
                if f1 > 0:
                    lo, hi = a, b
        if lo < 0:
            r_lo = 1.0 + 1e-9
            f_lo, _ = _im_on_ray(kind, p, q, c, h, nodes, wts, f, r_lo, e)
            for k in range(1, n_scan + 1):
                r_hi = math.exp(log_rmax * k / n_scan)
                if kind == LOG and not in_region(kind, c, h, r_hi * e):
                    break
                f_hi, _ = _im_on_ray(kind, p, q, c, h, nodes, wts, f, r_hi, e)
                if f_lo > 0 and f_hi <= 0:
                    lo, hi = r_lo, r_hi
                    break
                r_lo, f_lo = r_hi, f_hi
        if lo < 0:
            continue
        r = 0.5 * (lo + hi)
        st = MAX_ITER
        for _ in range(max_iter):
            val, der = _im_on_ray(kind, p, q, c, h, nodes, wts, f, r, e)
            if val > 0:
                lo = r
            else:
                hi = r
            step = val / der if der != 0 else 0.0
            r_new = r - step
            if not (lo < r_new < hi) or der == 0:
                r_new = 0.5 * (lo + hi)
            if abs(r_new - r) <= tol * r or hi - lo <= tol * r:
                r = r_new
                st = OK
                break
            r = r_new
        u_out[i] = r * e
        status[i] = st
        r_prev = r
        if st != OK:
            u_out[i] = np.nan + 0j
            r_prev = -1.0
    return u_out, status


@njit(cache=True)
def _newton_point(kind, p, q, c, h, nodes, wts, f, x, u0, tol, max_iter):
    # damped Newton on Z(u) = x staying in {|u| > 1, Im u < 0}; returns (u, iterations, status)
    u = u0
    Z, dZ, G = char_map(kind, p, q, c, h, nodes, wts, f, u)
    res = abs(Z - x)
    scale = max(abs(x), h)
    for it in range(max_iter):
        if res <= tol * scale:
            return u, it, OK
        step = (Z - x) / dZ
        lam = 1.0
        accepted = False
        for _ in range(30):
            un = u - lam * step
            if in_region(kind, c, h, un):
                Zn, dZn, Gn = char_map(kind, p, q, c, h, nodes, wts, f, un)
                rn = abs(Zn - x)
                if rn < res or rn <= tol * scale:
                    u, Z, dZ, res = un, Zn, dZn, rn
                    accepted = True
                    break
            lam *= 0.5
        if not accepted:
            return u, it, LEFT_REGION
    if res <= tol * scale:
        return u, max_iter, OK
    return u, max_iter, MAX_ITER


@njit(cache=True)
def newton_preimage(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray,
                    wts: np.ndarray, f: float, x: np.ndarray,
                    u_start: np.ndarray, warm: bool, tol: float, max_iter: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve Z(u) = x[i] on the second sheet's lower half by damped Newton.

    ``u_start[i]`` is the initial guess for point i; with ``warm=True`` the grid is walked in the given order and
    each point after the first starts from its predecessor's solution when that converged (``u_start`` is used
    otherwise).

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    x : float 1-D array
        Target points.
    u_start : complex 1-D array
        Initial guesses.
    warm : bool
        Warm-start each point from its converged predecessor.
    tol : float
        Relative step tolerance.
    max_iter : int
        Newton budget per point.

    Returns
    -------
    u : complex ndarray
    iterations : int ndarray
    status : int ndarray
        ``OK``, ``MAX_ITER`` or ``LEFT_REGION``.
    """
    n = x.shape[0]
    u_out = np.empty(n, dtype=np.complex128)
    iters = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    prev_ok = False
    prev = 0j
    for i in range(n):
        u0 = prev if (warm and prev_ok) else u_start[i]
        u, it, st = _newton_point(kind, p, q, c, h, nodes, wts, f, x[i], u0, tol, max_iter)
        if st != OK and warm and prev_ok:
            # the warm start can be worse than the supplied guess near an edge: retry from it
            u2, it2, st2 = _newton_point(kind, p, q, c, h, nodes, wts, f, x[i], u_start[i], tol, max_iter)
            it += it2
            if st2 == OK:
                u, st = u2, st2
        u_out[i] = u
        iters[i] = it
        status[i] = st
        prev_ok = st == OK
        prev = u
    return u_out, iters, status


@njit(cache=True)
def critical_points(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray,
                    wts: np.ndarray, f: float, r_max: float,
                    n_scan: int, tol: float) -> np.ndarray:
    """Real critical points of Z (dZ/du = 0) with 1 < |u| ≤ r_max: [u₊ (on u > 1), u₋ (on u < −1)].

    These are where the preimage curve leaves the real u axis: Z(u₊) and Z(u₋) are the right and left edges of
    the target support. NaN when a side has no sign change of dZ/du (bisection on the first one from |u| = 1).

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    r_max : float
        Largest |u| scanned.
    n_scan : int
        Radii of the scan.
    tol : float
        Relative bisection tolerance.

    Returns
    -------
    float ndarray of length 2
        [u₊, u₋].
    """
    out = np.full(2, np.nan)
    log_rmax = math.log(r_max)
    for side in range(2):
        sgn = 1.0 if side == 0 else -1.0
        r_lo = 1.0 + 1e-9
        d_lo = char_map(kind, p, q, c, h, nodes, wts, f, complex(sgn * r_lo, 0.0))[1].real
        found = False
        r_hi = r_lo
        for k in range(1, n_scan + 1):
            r_hi = math.exp(log_rmax * k / n_scan)
            d_hi = char_map(kind, p, q, c, h, nodes, wts, f, complex(sgn * r_hi, 0.0))[1].real
            if (d_lo > 0) != (d_hi > 0):
                found = True
                break
            r_lo, d_lo = r_hi, d_hi
        if not found:
            continue
        # bisection halves the bracket each step: 200 steps exceed the 52 bits of a double, so tol is always met
        for _ in range(200):
            mid = 0.5 * (r_lo + r_hi)
            d_mid = char_map(kind, p, q, c, h, nodes, wts, f, complex(sgn * mid, 0.0))[1].real
            if (d_mid > 0) == (d_lo > 0):
                r_lo, d_lo = mid, d_mid
            else:
                r_hi = mid
            if r_hi - r_lo <= tol * r_hi:
                break
        out[side] = sgn * 0.5 * (r_lo + r_hi)
    return out


@njit(cache=True)
def _initial_u(kind, c, h, f, z):
    # far from the support m₀ ≈ −1/z₀, so Z ≈ f z₀: z₀ ≈ z/f, then the physical-sheet Joukowski preimage
    w = z / f
    sig = cmath.log(w) if kind == LOG else w
    zeta = (sig - c) / (2.0 * h)
    return 1.0 / (zeta + cmath.sqrt(zeta - 1.0) * cmath.sqrt(zeta + 1.0))


@njit(cache=True)
def solve_target(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray,
                 wts: np.ndarray, f: float, z: np.ndarray, y_start: float,
                 n_steps: int, tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Preimages u of target points z with Im z ≥ 0 (for the decompressed Stieltjes transform).

    Homotopy in the imaginary part: start at Re z + i·y_start (far away, where u ≈ f h/z on the physical sheet),
    lower Im z geometrically to its target in ``n_steps`` stages with Newton at each; the branch is thereby the
    continuation of the physical one, whichever sheet of G₀ it ends on.

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    z : complex 1-D array
        Targets (Im z ≥ 0).
    y_start : float
        Starting height.
    n_steps : int
        Homotopy stages.
    tol : float
        Relative Newton tolerance.
    max_iter : int
        Newton budget per stage.

    Returns
    -------
    u : complex ndarray
    status : int ndarray
        ``OK`` or ``MAX_ITER`` / ``LEFT_REGION`` per point.
    """
    n = z.shape[0]
    u_out = np.empty(n, dtype=np.complex128)
    status = np.zeros(n, dtype=np.int64)
    for i in range(n):
        x = z[i].real
        y_end = z[i].imag
        y0 = max(y_start, 2.0 * y_end)
        zz = complex(x, y0)
        u = _initial_u(kind, c, h, f, zz)
        st = OK
        for s in range(n_steps + 1):
            if s == n_steps:
                y = y_end
            else:
                # geometric in (y + y_floor) so that y_end = 0 is reached smoothly
                y_floor = 1e-3 * y0
                y = (y_end + y_floor) * ((y0 + y_floor) / (y_end + y_floor)) ** (1.0 - s / n_steps) - y_floor
            target = complex(x, y)
            st = MAX_ITER
            for _ in range(max_iter):
                Z, dZ, G = char_map(kind, p, q, c, h, nodes, wts, f, u)
                step = (Z - target) / dZ
                u = u - step
                if abs(step) <= tol * max(1.0, abs(u)):
                    st = OK
                    break
        u_out[i] = u
        status[i] = st
    return u_out, status


@njit(cache=True)
def char_map_many(kind: int, p: np.ndarray, q: np.ndarray, c: float, h: float, nodes: np.ndarray, wts: np.ndarray,
                  f: float, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`char_map`: Z(u) and m₀(u) over a 1-D complex array.

    Parameters
    ----------
    kind, p, q, c, h, nodes, wts
        The source model (see "Source model" in the module docstring).
    f : float
        The decompression factor.
    u : complex 1-D array

    Returns
    -------
    Z, m0 : complex ndarray
    """
    n = u.shape[0]
    Z = np.empty(n, dtype=np.complex128)
    m = np.empty(n, dtype=np.complex128)
    for i in range(n):
        Zi, dZi, mi = char_map(kind, p, q, c, h, nodes, wts, f, u[i])
        Z[i] = Zi
        m[i] = mi
    return Z, m
