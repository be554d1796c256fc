r"""numba kernels for laws whose Stieltjes transform solves a quadratic :math:`Q(z)m^2 - P(z)m + 1 = 0`.

With :math:`D = P^2 - 4Q = k (z - \lambda_-)(z - \lambda_+)`, :math:`k > 0`, the Stieltjes branch is

.. math:: m(z) = \frac{P(z) + s\sqrt{k}\,\sqrt{z-\lambda_-}\,\sqrt{z-\lambda_+}}{2Q(z)}
          = \frac{2}{P(z) - s\sqrt{k}\,\sqrt{z-\lambda_-}\,\sqrt{z-\lambda_+}},

with principal square roots, whose product is analytic off :math:`[\lambda_-, \lambda_+]` and behaves like
:math:`z` at infinity; the sign :math:`s` is fixed by :math:`m \sim -1/z`. The two forms are equal (the roots'
product is :math:`1/Q`); the kernel uses the one whose denominator is larger, which avoids cancellation near zeros
of Q and gives finite values where Q vanishes without an atom. On the real axis (imaginary part +0.0) the
principal roots give the boundary value :math:`m(x + i0)`.

All kernels take only floats and arrays, so they can be called from user ``@njit`` code (the ``*_kernel`` and
``*_scalar`` functions; the names without suffix serve Python callers from the install-time compiled extension).
Coefficients: ``P(z) = p0 + p1 z`` and ``Q(z) = q0 + q1 z + q2 z^2``.
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

from freecalc.kernels._aot import Served

__all__ = ["quadratic_stieltjes_scalar", "quadratic_stieltjes_kernel", "quadratic_stieltjes", "quadratic_pdf_kernel",
           "quadratic_pdf"]


@njit(cache=True)
def quadratic_stieltjes_scalar(z: complex, p0: float, p1: float, q0: float, q1: float, q2: float,
                               sqrtk_s: float, lam_lo: float, lam_hi: float) -> complex:
    """Stieltjes branch at one point z with Im z ≥ 0 (``sqrtk_s`` = s·√k)."""
    P = p0 + p1 * z
    Q = q0 + z * (q1 + q2 * z)
    r = sqrtk_s * cmath.sqrt(z - lam_lo) * cmath.sqrt(z - lam_hi)
    plus = P + r
    minus = P - r
    # plus * minus = 4Q: use the form whose denominator/numerator did not cancel
    if abs(plus) >= abs(minus):
        if Q == 0:
            return complex(math.inf, 0.0)  # a pole: an atom at z
        return plus / (2.0 * Q)
    return 2.0 / minus


@njit(cache=True)
def quadratic_stieltjes_kernel(z: np.ndarray, p0: float, p1: float, q0: float, q1: float, q2: float,
                        sqrtk_s: float, lam_lo: float, lam_hi: float) -> np.ndarray:
    """Vectorised :func:`quadratic_stieltjes_scalar` over a 1-D complex array."""
    out = np.empty(z.shape[0], dtype=np.complex128)
    for i in range(z.shape[0]):
        out[i] = quadratic_stieltjes_scalar(z[i], p0, p1, q0, q1, q2, sqrtk_s, lam_lo, lam_hi)
    return out


@njit(cache=True)
def quadratic_pdf_kernel(x: np.ndarray, q0: float, q1: float, q2: float, sqrtk_s: float,
                         lam_lo: float, lam_hi: float) -> np.ndarray:
    r"""Density :math:`s\sqrt{k}\sqrt{(x-\lambda_-)(\lambda_+-x)}/(2\pi Q(x))` inside the support, exactly 0 outside."""
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        xi = x[i]
        if lam_lo < xi < lam_hi:
            Q = q0 + xi * (q1 + q2 * xi)
            out[i] = sqrtk_s * math.sqrt((xi - lam_lo) * (lam_hi - xi)) / (2.0 * math.pi * Q)
    return out


#: :func:`quadratic_pdf_kernel` for Python callers: compiled at install (``kernels._aot``), no compilation on first use.
quadratic_pdf = Served("quadratic_pdf", quadratic_pdf_kernel)
#: :func:`quadratic_stieltjes_kernel` for Python callers: compiled at install (``kernels._aot``), no compilation on first
#: use.
quadratic_stieltjes = Served("quadratic_stieltjes", quadratic_stieltjes_kernel)
