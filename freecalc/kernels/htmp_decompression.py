r"""numba kernels: free decompression of HTMP(γ, κ) and of its inverse law along the characteristics.

Decompression by a factor :math:`f \ge 1` maps the source Stieltjes transform :math:`m` to :math:`m_f` with

.. math:: m_f(z) = m(w)/f, \qquad z = w - \frac{f-1}{m(w)}

(characteristics of :math:`\partial_t m = -m + m^{-1}\partial_z m`, :math:`t = \log f`). Along a path
:math:`z(s)` in the upper half plane the pair :math:`(w, m)` solves

.. math:: \frac{dw}{dz} = \Bigl(1 + (f-1)\frac{m'(w)}{m^2}\Bigr)^{-1}, \qquad \frac{dm}{dz} = m'(w)\,\frac{dw}{dz},

with :math:`m'(w)` given by the source's Riccati equation, so integrating this ODE *is* the analytic continuation
of :math:`m` across its support onto the second sheet (where :math:`w` goes when :math:`z` approaches the real
axis): no special function is evaluated off the principal sheet.

* HTMP (:mod:`freecalc.laws.htmp`, :math:`b = \kappa/(2\gamma)`, :math:`B = \kappa/2`, :math:`A = b - B - 1`):
  :math:`w\,m' = -Bw\,m^2 + (A - bw)\,m - b`.
* Inverse HTMP, :math:`m_I(w) = -1/w - m(1/w)/w^2`: with :math:`s = 1/w` and :math:`m_X = -w^2 m_I - w`,
  :math:`m_I' = s^2 + 2s^3 m_X + s^4 m'(s)` (``m'`` from the HTMP Riccati equation at :math:`(s, m_X)`).

* HTMP in the variables :math:`s = \log w`, :math:`q = 1/m` (``KIND_HTMP_LOG``): the Riccati equation becomes
  :math:`dq/ds = B e^s - (A - b e^s)\,q + b\,q^2` and the characteristic map :math:`z = e^s - (f-1)\,q`, both
  entire in :math:`(s, q)`. The branch point :math:`w = 0` of m (:math:`m \sim w^{A}` for :math:`A < 0`,
  :math:`\sim -b\log w` for :math:`A = 0`) is sent to :math:`\Re s = -\infty`, where :math:`q \to 0`: paths that
  wind around it (once per :math:`2\pi` of :math:`\Im s`) are integrated without a singular point on the way, and
  the sheet reached is read off :math:`\Im s`.

The integrator is the Dormand–Prince 5(4) pair with step control on the local error (relative tolerance ``rtol``
on the complex state). At every accepted step with :math:`\Im z > 0` the kernel checks :math:`\Im m > 0` (a
probability law's Stieltjes transform has no other values there): a violation is reported, never hidden.

Reference: J. R. Dormand, P. J. Prince, J. Comput. Appl. Math. 6 (1980) 19; Nica & Speicher, *Lectures on the
Combinatorics of Free Probability* (2006), Lecture 14 (compression); the characteristic map as in
Ameli, van der Heide, Hodgkinson, Mahoney, arXiv:2506.11994 (2025).
"""
from __future__ import annotations

import cmath

import numpy as np
from numba import njit

__all__ = ["KIND_HTMP", "KIND_INVERSE", "KIND_HTMP_LOG", "OK", "NEGATIVE", "NO_CONVERGENCE", "riccati_slope",
           "riccati_slopes", "characteristic_solve"]

KIND_HTMP = 0     #: source law HTMP(γ, κ)
KIND_INVERSE = 1  #: source law of 1/X, X ~ HTMP(γ, κ)
#: HTMP(γ, κ) in the variables (s, q) = (log w, 1/m(w)) (state and results of the kernel are s and q)
KIND_HTMP_LOG = 2

#: status codes returned per point by :func:`characteristic_solve`
OK = 0
NEGATIVE = 1      # Im m <= 0 met at a point with Im z > 0: not the transform of a probability law there
NO_CONVERGENCE = 2  # step size underflow or too many steps (a singular point on the path)

_MAX_STEPS = 20000

# Dormand–Prince 5(4) tableau
_C2, _C3, _C4, _C5 = 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0
_A21 = 1.0 / 5.0
_A31, _A32 = 3.0 / 40.0, 9.0 / 40.0
_A41, _A42, _A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
_A51, _A52, _A53, _A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
_A61, _A62, _A63, _A64, _A65 = 9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0
_B1, _B3, _B4, _B5, _B6 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0
_E1, _E3, _E4, _E5, _E6, _E7 = (71.0 / 57600.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0,
                                22.0 / 525.0, -1.0 / 40.0)


@njit(cache=True)
def _htmp_slope(A: float, B: float, b: float, w: complex, m: complex) -> complex:
    return (-B * w * m * m + (A - b * w) * m - b) / w


@njit(cache=True)
def riccati_slope(kind: int, A: float, B: float, b: float, w: complex, m: complex) -> complex:
    """dm/dw of the source law at (w, m(w)) from its Riccati equation.

    Parameters
    ----------
    kind : int
        KIND_INVERSE, or KIND_HTMP (also for KIND_HTMP_LOG: w and m are then still the natural variables).
    A, B, b : float
        HTMP constants.
    w, m : complex
        A point and the source's transform there (any sheet).

    Returns
    -------
    complex
    """
    if kind != KIND_INVERSE:
        return _htmp_slope(A, B, b, w, m)
    s = 1.0 / w
    mx = -w * w * m - w
    return s * s + 2.0 * s * s * s * mx + s ** 4 * _htmp_slope(A, B, b, s, mx)


@njit(cache=True)
def _rhs(kind: int, A: float, B: float, b: float, f: float, dz: complex, w: complex, m: complex):
    if kind == KIND_HTMP_LOG:  # state (s, q) = (log w, 1/m): dq/ds = B e^s − (A − b e^s) q + b q², z = e^s − (f−1) q
        e = cmath.exp(w)
        dqds = B * e - (A - b * e) * m + b * m * m
        dsdz = 1.0 / (e - (f - 1.0) * dqds)
        return dsdz * dz, dqds * dsdz * dz
    mp = riccati_slope(kind, A, B, b, w, m)
    dwdz = 1.0 / (1.0 + (f - 1.0) * mp / (m * m))
    return dwdz * dz, mp * dwdz * dz


@njit(cache=True)
def _path(kind: int, A: float, B: float, b: float, f: float, w0: complex, m0: complex, z0: complex, z1: complex,
          rtol: float):
    """Integrate (w, m) along z(s) = z0 + s (z1 − z0), s ∈ [0, 1]; returns (w, m, status, steps)."""
    dz = z1 - z0
    w, m = w0, m0
    s, h = 0.0, 0.05
    steps = 0
    status = OK
    while s < 1.0:
        if steps >= _MAX_STEPS or h < 1e-14:
            # a real target within ~1e-9 of the path's length from a square-root branch point (a support edge
            # refined by bisection) stalls the step size just before the end: the rest of the path changes the
            # state by O(1e-4.5) of the edge's own scale, where the density is of that size itself
            if steps < _MAX_STEPS and 1.0 - s < 1e-9 and z1.imag == 0.0:
                return w, m, status, steps
            return w, m, NO_CONVERGENCE, steps
        if s + h > 1.0:
            h = 1.0 - s
        k1w, k1m = _rhs(kind, A, B, b, f, dz, w, m)
        k2w, k2m = _rhs(kind, A, B, b, f, dz, w + h * _A21 * k1w, m + h * _A21 * k1m)
        k3w, k3m = _rhs(kind, A, B, b, f, dz, w + h * (_A31 * k1w + _A32 * k2w), m + h * (_A31 * k1m + _A32 * k2m))
        k4w, k4m = _rhs(kind, A, B, b, f, dz, w + h * (_A41 * k1w + _A42 * k2w + _A43 * k3w),
                        m + h * (_A41 * k1m + _A42 * k2m + _A43 * k3m))
        k5w, k5m = _rhs(kind, A, B, b, f, dz, w + h * (_A51 * k1w + _A52 * k2w + _A53 * k3w + _A54 * k4w),
                        m + h * (_A51 * k1m + _A52 * k2m + _A53 * k3m + _A54 * k4m))
        k6w, k6m = _rhs(kind, A, B, b, f, dz,
                        w + h * (_A61 * k1w + _A62 * k2w + _A63 * k3w + _A64 * k4w + _A65 * k5w),
                        m + h * (_A61 * k1m + _A62 * k2m + _A63 * k3m + _A64 * k4m + _A65 * k5m))
        wn = w + h * (_B1 * k1w + _B3 * k3w + _B4 * k4w + _B5 * k5w + _B6 * k6w)
        mn = m + h * (_B1 * k1m + _B3 * k3m + _B4 * k4m + _B5 * k5m + _B6 * k6m)
        k7w, k7m = _rhs(kind, A, B, b, f, dz, wn, mn)
        ew = h * (_E1 * k1w + _E3 * k3w + _E4 * k4w + _E5 * k5w + _E6 * k6w + _E7 * k7w)
        em = h * (_E1 * k1m + _E3 * k3m + _E4 * k4m + _E5 * k5m + _E6 * k6m + _E7 * k7m)
        # w is controlled relative to the path's length as well: next to the lower edge of the law w → 0 (a
        # singular point of the Riccati equation), where a purely relative control would demand steps below
        # rounding
        # (in the log variable s = log w the first component is controlled in absolute terms, as a phase)
        wscale = 2.0 + abs(wn) if kind == KIND_HTMP_LOG else abs(wn) + abs(w) + 1e-3 * abs(dz)
        err = max(abs(ew) / (rtol * wscale + 1e-300), abs(em) / (rtol * (abs(mn) + abs(m)) + 1e-300))
        steps += 1
        if not (err <= 1.0) or not (np.isfinite(wn.real) and np.isfinite(mn.real)):
            h *= 0.25 if not (err < 1e30) else 0.1
            continue
        s += h
        w, m = wn, mn
        zi = z0.imag + s * dz.imag
        # Im m_f > 0 wherever Im z > 0; allow rounding relative to |m| near the real axis
        if zi > 0.0:
            if kind == KIND_HTMP_LOG:
                # Im m ≤ 0 ⇔ Im(w − z) ≥ 0 (m = (f − 1)/(w − z)): next to the atom at 0, w is tiny and accurate in
                # absolute terms, while q = 1/m carries ~1e-9 of relative error after the winding path, as much as
                # the density's share of m there (HTMP(0.5, 0.8) by 4 at x = 2e-12: 1.4e-9)
                d = cmath.exp(w) - (z0 + s * dz)
                bad = d.imag >= 1e-9 * abs(d)
            else:
                bad = m.imag <= -1e-9 * abs(m)
            if bad:
                status = NEGATIVE
        h *= min(4.0, 0.9 * err ** -0.2) if err > 0 else 4.0
    return w, m, status, steps


@njit(cache=True)
def characteristic_solve(kind: int, A: float, B: float, b: float, f: float, w0: np.ndarray, m0: np.ndarray,
                         z0: np.ndarray, z1: np.ndarray, rtol: float):
    """Continue the characteristics from (z0, w0, m0) to z1 for each point.

    Parameters
    ----------
    kind : int
        KIND_HTMP, KIND_INVERSE or KIND_HTMP_LOG (then ``w0`` holds s0 = log w0 and ``m0`` holds q0 = 1/m0, and so
        do the results).
    A, B, b : float
        HTMP constants (``freecalc.kernels.htmp.htmp_params``).
    f : float
        Decompression factor ≥ 1.
    w0, m0, z0 : complex ndarray
        Start: w0 in the upper half plane, m0 = m(w0) on the principal sheet, z0 = w0 − (f − 1)/m0.
    z1 : complex ndarray
        Targets (Im z1 ≥ 0); the path is the segment from z0 to z1.
    rtol : float
        Relative local error tolerance of the Dormand–Prince steps.

    Returns
    -------
    w, m : complex ndarray
        Preimage w and the source transform m(w) (continued); the decompressed transform is m/f.
    status : int ndarray
        OK, NEGATIVE (Im m ≤ 0 met in the upper half plane) or NO_CONVERGENCE.
    steps : int ndarray
        Accepted plus rejected steps.
    """
    n = z1.size
    w = np.empty(n, dtype=np.complex128)
    m = np.empty(n, dtype=np.complex128)
    status = np.empty(n, dtype=np.int64)
    steps = np.empty(n, dtype=np.int64)
    for i in range(n):
        w[i], m[i], status[i], steps[i] = _path(kind, A, B, b, f, w0[i], m0[i], z0[i], z1[i], rtol)
    return w, m, status, steps


@njit(cache=True)
def riccati_slopes(kind: int, A: float, B: float, b: float, w: np.ndarray, m: np.ndarray) -> np.ndarray:
    """:func:`riccati_slope` at each pair (w[i], m[i]).

    Parameters
    ----------
    kind : int
    A, B, b : float
    w, m : complex ndarray
        Points and the transform there (same length).

    Returns
    -------
    complex ndarray
    """
    out = np.empty(w.size, dtype=np.complex128)
    for i in range(w.size):
        out[i] = riccati_slope(kind, A, B, b, w[i], m[i])
    return out
