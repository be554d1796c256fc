r"""HTMP's Stieltjes transform by the continued fraction of a Tricomi ratio, with a truncation estimate (numba).

With :math:`w = -bz` and :math:`c = -A` (notation of :mod:`freecalc.kernels.htmp`), the contiguous relations
:math:`U(a, c+1, w) - aU(a+1, c+1, w) - U(a, c, w) = 0` and
:math:`(c - a)U(a, c, w) + U(a-1, c, w) - wU(a, c+1, w) = 0` (DLMF 13.3.9, 13.3.10) turn the ratio in
:math:`m = b\,U(B+1, 1-A, w)/U(B, -A, w)` (both parameters shifted) into a ratio along the first parameter only:

.. math:: m(z) = -\frac{1 - b\,r}{z}, \qquad r = \frac{U(B+1, -A, w)}{U(B, -A, w)}

(A + B + 1 = b). :math:`U(B+n, -A, w)` is the minimal solution of the recurrence DLMF 13.3.7 in n for w off the
cut :math:`(-\infty, 0]`, i.e. z off the positive real axis, so (Pincherle) r is the continued fraction

.. math:: r = \cfrac{1}{\beta_1 - \cfrac{\alpha_1}{\beta_2 - \cfrac{\alpha_2}{\beta_3 - \cdots}}}, \qquad
   \beta_n = B + b - 1 + 2n - bz, \quad \alpha_n = (B + n)(b + n).

Its convergence rate is that of the recurrence: fast for z away from the Marchenko–Pastur bulk
:math:`[(1-\sqrt\gamma)^2, (1+\sqrt\gamma)^2]` (where the recurrence's characteristic roots at n = 0 have distinct
moduli) and for large b Im z; slow near the positive axis inside the bulk and for small b|z| (per level the tail
shrinks by ~exp(−2 Re√(−bz/n)) there), where the Taylor paths of :mod:`freecalc.kernels.htmp_offaxis` are cheap.

The approximants :math:`f_n = P_n/Q_n` come from the fundamental recurrences (multiplications only, rescaled
against overflow), checked every :data:`_CHECK` levels. Under geometric convergence
:math:`f - f_n \approx K\rho^n` the difference :math:`d_j` of two checked approximants bounds the tail by
:math:`d_j/(1 - q)` with :math:`q = d_j/d_{j-1} = |\rho|^{\text{CHECK}}` whatever the phase of ρ; the value is
accepted once twice that bound is below 1e-14 for two consecutive checks (the larger of the two is
reported). Rounding adds :math:`(2 + 8n)\varepsilon` relative (linear growth with the number of levels; with
:math:`4n\varepsilon` the estimate was reached, 1.001×, at one of the 750 reference points); the cancellation in
:math:`1 - br` multiplies both by :math:`|br|/|1 - br|`.

Reference: DLMF 13.3.7, 13.3.9, 13.3.10; W. Gautschi, *Computational aspects of three-term recurrence
relations*, SIAM Review 9 (1967) 24–82 (minimal solutions and continued fractions); Olver, Lozier, Boisvert, Clark,
*NIST Handbook of Mathematical Functions* (2010) §13.3.
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

__all__ = ["cf_stieltjes", "cf_levels_estimate"]

_CHECK = 8          # levels between convergence checks (the recurrences themselves need no division)
_EPS = 2.2e-16
_BIG = 1e100        # rescale beyond this modulus, looked at every _CHECK levels (which grow it by < 1e101)
_TAIL = 1e-14       # accepted tail estimate (relative), far below the callers' tolerance (5e-11); once the
                    # approximants' rounding noise (~n ε) passes it the fraction is refused: a threshold growing
                    # with n would take noisy differences for convergence (estimate 9x too small seen)


@njit(cache=True)
def cf_stieltjes(A: float, B: float, b: float, z: complex, nmax: int):
    """m(z) by the Tricomi-ratio continued fraction and its estimated relative error (inf if not converged).

    Parameters
    ----------
    A, B, b : float
        HTMP constants (:func:`~freecalc.kernels.htmp_ode.htmp_params`).
    z : complex
        Point off the positive real axis (z ≠ 0).
    nmax : int
        Largest number of levels tried (the cost budget of the caller).

    Returns
    -------
    m : complex
        m(z) (NaN when not converged within ``nmax`` levels).
    err : float
        Estimated relative error of m (truncation + rounding, amplified by the cancellation in 1 − br); inf when
        the tail estimate did not settle within ``nmax`` levels.
    levels : int
        Levels used (the caller's cost accounting).
    """
    base = B + b - 1.0 - b * z
    br = base.real
    bi = base.imag
    # f_n = P_n/Q_n (real and imaginary parts kept apart: the level is then ~20 real flops): after level 1
    # (partial numerator 1, denominator beta_1) P_0 = 0, P_1 = 1, Q_0 = 1, Q_1 = beta_1; level n >= 2 adds
    # partial numerator -alpha_{n-1} and denominator beta_n
    p0r, p0i, p1r, p1i = 0.0, 0.0, 1.0, 0.0
    q0r, q0i, q1r, q1i = 1.0, 0.0, br + 2.0, bi
    f_prev = complex(np.nan, np.nan)
    d_prev = np.inf
    ok_prev = False
    tail_prev = np.inf
    n = 1
    while n < nmax:
        for _ in range(_CHECK):
            n += 1
            cr = br + 2.0 * n
            an = -(B + n - 1.0) * (b + n - 1.0)
            p2r = cr * p1r - bi * p1i + an * p0r
            p2i = cr * p1i + bi * p1r + an * p0i
            q2r = cr * q1r - bi * q1i + an * q0r
            q2i = cr * q1i + bi * q1r + an * q0i
            p0r, p0i, p1r, p1i = p1r, p1i, p2r, p2i
            q0r, q0i, q1r, q1i = q1r, q1i, q2r, q2i
        s = max(abs(q1r), abs(q1i))
        if s > _BIG or s < 1.0 / _BIG:
            if not s > 0.0 or not math.isfinite(s):
                return complex(np.nan, np.nan), np.inf, n
            p0r, p0i, p1r, p1i = p0r / s, p0i / s, p1r / s, p1i / s
            q0r, q0i, q1r, q1i = q0r / s, q0i / s, q1r / s, q1i / s
        p1 = complex(p1r, p1i)
        q1 = complex(q1r, q1i)
        if q1 == 0:
            ok_prev = False
            continue
        f = p1 / q1
        d = abs(f - f_prev)
        if d == 0.0:
            q = 0.0  # the approximants have stopped moving
        elif d_prev > 0.0:
            q = d / d_prev
        else:
            q = np.inf
        ok = False
        tail = np.inf
        if q < 0.95 and abs(f) > 0.0:
            tail = 2.0 * d / (1.0 - q) / abs(f)
            ok = tail <= _TAIL
        if ok and ok_prev:
            bf = b * f
            gap = abs(1.0 - bf)
            if not gap > 0.0:
                return complex(np.nan, np.nan), np.inf, n
            amp = abs(bf) / gap
            return -(1.0 - bf) / z, (max(tail, tail_prev) + (2.0 + 8.0 * n) * _EPS) * amp + 2.0 * _EPS, n
        ok_prev = ok
        tail_prev = tail
        f_prev = f
        d_prev = d
    return complex(np.nan, np.nan), np.inf, n


@njit(cache=True)
def _level_rate(B: float, b: float, c: complex, bz: complex, sw: float, n: float) -> float:
    # frozen-coefficient rate log|t_+/t_-| at level n, from |t_+| |t_-| = 1/alpha_n and the discriminant
    # beta_n^2 - 4 alpha_n = c^2 - 4Bb - 4n(1 + bz) written without the cancellation of its n^2 terms; at least the
    # large-level rate 2 Re sqrt(w/(B + n)) that the frozen roots miss (their splitting is then of the order of the
    # coefficients' own variation)
    be = c + 2.0 * n
    sq = cmath.sqrt(c * c - 4.0 * B * b - 4.0 * n * (1.0 + bz))
    big = max(abs(be + sq), abs(be - sq))
    return max(math.log(big * big / (4.0 * (B + n) * (b + n))), 2.0 * sw / math.sqrt(B + n))


@njit(cache=True)
def cf_levels_estimate(A: float, B: float, b: float, z: complex, nmax: float) -> float:
    """Levels the continued fraction needs for a tail of e^{−40}: the callers' route choice, not a guarantee.

    The tail shrinks over levels 1..N by about :math:`\\exp(-\\sum_n \\rho(n))`, ρ(n) the local rate of the
    recurrence :math:`y_{n-1} - \\beta_n y_n + \\alpha_n y_{n+1} = 0`: the larger of

    * the frozen-coefficient rate :math:`\\log|t_+/t_-|`, :math:`t_\\pm` the roots of
      :math:`\\alpha_n t^2 - \\beta_n t + 1 = 0` (the regime of small levels at large b, off the bulk), and
    * :math:`2\\Re\\sqrt{w/(B + n)}`, w = −bz, the derivative in n of the large-parameter decay
      :math:`\\exp(-4\\Re\\sqrt{(B + n)w})` of the minimal solution against the dominant one
      (:math:`U(a, c, w) \\sim 2 e^{w/2} w^{(1-c)/2} K_{c-1}(2\\sqrt{aw})/\\Gamma(a)`, DLMF 13.8.8; the dominant
      solution has :math:`I_{c-1}` there).

    The sum is integrated by the trapezoidal rule on levels 1, 4, 16, ...; beyond ``nmax`` (the caller's budget)
    the estimate is inf without further work. Measured levels/estimate
    (median, 90th percentile) at the random points of tests/kernels/test_htmp_cf.py: 0.9–1.8 and 2.5–6 for
    γ ≥ 0.25; 7 and 17 at γ = 0.01, κ = 2 (b = 100, a narrow bulk).
    """
    c = B + b - 1.0 - b * z
    bz = b * z
    sw = cmath.sqrt(-bz).real
    n0 = 1.0
    r0 = _level_rate(B, b, c, bz, sw, n0)
    if r0 * nmax < 40.0:  # the rate does not grow with n (max over n of rho(n)/rho(1) = 1 at 20000 random points)
        return np.inf
    total = 0.0
    while n0 < nmax:
        n1 = 4.0 * n0
        r1 = _level_rate(B, b, c, bz, sw, n1)
        inc = 0.5 * (n1 - n0) * (r0 + r1)
        if total + inc >= 40.0:
            return n0 + (40.0 - total) / inc * (n1 - n0)
        total += inc
        n0 = n1
        r0 = r1
    return np.inf
