r"""numba kernels for the transforms of HTMP(γ, κ): the Stieltjes transform with a certified error bound, and the
positive and negative moments.

Notation and evaluation route as in :mod:`freecalc.kernels.htmp` (:math:`u(z) = U(B, -A, -bz)`,
:math:`m = u'/(Bu)`): on the positive axis the boundary value from the real-axis march, off the axis the certified
paths of :mod:`freecalc.kernels.htmp_offaxis`, on the negative axis the Laplace start. The moments come from the
Riccati equation :math:`z\,m' = -Bz\,m^2 + (A - bz)\,m - b`: its expansion at infinity gives the moments, its
Taylor series at 0 the negative moments.

Reference: Hodgkinson, Wang, Mahoney, *Models of heavy-tailed mechanistic universality*, arXiv:2506.03470 (2025).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from freecalc.kernels.htmp import _real_axis_from, htmp_anchor
from freecalc.kernels.htmp_offaxis import offaxis_m
from freecalc.kernels.htmp_ode import _series_m, htmp_params, laplace_start

__all__ = ["STIELTJES_TOL", "htmp_stieltjes_from", "htmp_stieltjes", "htmp_moments", "htmp_inverse_moments"]


#: Largest accepted first-order relative error bound of an off-axis value (the accuracy target is 1e-10).
STIELTJES_TOL = 5e-11


@njit(cache=True)
def htmp_stieltjes_from(A: float, B: float, b: float, r0: float, Lr: complex, vr: complex, xb: float,
                        rl: float, Ll: complex, vl: complex, z: np.ndarray, tol: float):
    """m(z) and a relative error bound for Im z ≥ 0, from the start values of :func:`htmp_anchor`.

    On the positive axis the boundary value m(x + i0) (Im part π ρ(x)) from the march; off the axis the
    certified paths of :func:`~freecalc.kernels.htmp_offaxis.offaxis_m`, whose start values at x = Re z come from
    the same march; on the negative axis the Laplace start.

    Parameters
    ----------
    A, B, b : float
        HTMP constants (:func:`htmp_params`).
    r0, Lr, vr, xb, rl, Ll, vl : float or complex
        The tuple returned by :func:`htmp_anchor`.
    z : ndarray of complex
        Points with Im z ≥ 0 (Im z < 0 gives NaN, err inf).
    tol : float
        Largest accepted relative error bound off the axis (:data:`STIELTJES_TOL`).

    Returns
    -------
    m : ndarray of complex
    err : ndarray of float
        First-order relative error bound; inf (and m NaN) where no path reaches ``tol``.
    """
    n = z.size
    out = np.empty(n, dtype=np.complex128)
    err = np.zeros(n)
    finite = np.isfinite(z.real) & np.isfinite(z.imag)
    # one march serves the positive-axis points and the start values of the off-axis points above the axis
    # (not too far above: the vertical path's step is limited to 0.3 x, so those go another way)
    use = finite & (z.real > 0.0) & ((z.imag == 0.0) | ((z.imag > 0.0) & (z.real >= 0.1 * z.imag)))
    idx = np.where(use)[0]
    Ls = np.full(n, complex(np.nan, np.nan))
    vs = np.full(n, complex(np.nan, np.nan))
    if idx.size > 0:
        Lu, vu = _real_axis_from(A, B, b, r0, Lr, vr, xb, z.real[idx])
        Ls[idx] = Lu
        vs[idx] = vu
    c0 = math.log(b) - math.lgamma(B + 1.0) - math.lgamma(b)
    off = np.where(finite & (z.imag > 0.0))[0]
    if off.size > 0:
        mo = np.empty(off.size, dtype=np.complex128)
        eo = np.empty(off.size)
        offaxis_m(A, B, b, z[off], Ls[off], vs[off], r0, Lr, vr, rl, Ll, vl, tol, mo, eo)
        out[off] = mo
        err[off] = eo
    for i in range(n):
        zi = z[i]
        if not finite[i]:
            out[i] = complex(np.nan, np.nan)
        elif zi.imag > 0.0:
            continue
        elif zi.imag < 0.0:
            out[i] = complex(np.nan, np.nan)
            err[i] = np.inf
        elif zi.real > 0.0:
            if math.isnan(Ls[i].real):
                mm, _ = _series_m(A, B, b, complex(zi.real, 0.0), 1e-17)
                out[i] = complex(mm.real, 0.0)
            else:
                y = b * zi.real
                rho = math.exp(c0 + A * math.log(y) - y - 2.0 * Ls[i].real)
                out[i] = complex(vs[i].real / B, math.pi * rho)
            err[i] = 1e-13
        elif zi.real < 0.0:
            L0, v0 = laplace_start(A, B, b, -b * zi.real)
            out[i] = complex(v0 / B, 0.0)
            err[i] = 1e-13
        elif A > 0.0:
            out[i] = complex(b / A, 0.0)
        elif A == 0.0:
            out[i] = complex(np.inf, math.pi * b)
        else:
            out[i] = complex(np.inf, np.inf)
    return out, err


@njit(cache=True)
def htmp_stieltjes(gamma: float, kappa: float, z: np.ndarray) -> np.ndarray:
    """m(z) for Im z ≥ 0 (boundary value m(x + i0) on the real axis, Im part there = π ρ(x)).

    NaN where the error bound of :func:`htmp_stieltjes_from` exceeds :data:`STIELTJES_TOL` (the law raises there).
    """
    A, B, b = htmp_params(gamma, kappa)
    r0, Lr, vr, xb, rl, Ll, vl = htmp_anchor(A, B, b)
    out, _ = htmp_stieltjes_from(A, B, b, r0, Lr, vr, xb, rl, Ll, vl, z, STIELTJES_TOL)
    return out


@njit(cache=True)
def htmp_moments(gamma: float, kappa: float, K: int) -> np.ndarray:
    """Moments m_0..m_K by the recurrence m_{k+1} = [(k + 1 + A) m_k + B Σ_{i≤k} m_i m_{k−i}]/b."""
    A, B, b = htmp_params(gamma, kappa)
    m = np.empty(K + 1)
    m[0] = 1.0
    for k in range(K):
        conv = 0.0
        for i in range(k + 1):
            conv += m[i] * m[k - i]
        m[k + 1] = ((k + 1.0 + A) * m[k] + B * conv) / b
    return m


@njit(cache=True)
def htmp_inverse_moments(gamma: float, kappa: float, K: int) -> np.ndarray:
    """E[X^{-k}], k = 0..K (inf once k ≥ A + 1, where the integral diverges).

    From the Taylor series of m at 0, m(z) = Σ n_j z^j, n_j = E[X^{−j−1}]: the Riccati equation gives
    n_0 = b/A and n_j = [b n_{j−1} + B Σ_{i<j} n_i n_{j−1−i}]/(A − j) while j < A.
    """
    A, B, b = htmp_params(gamma, kappa)
    out = np.full(K + 1, np.inf)
    out[0] = 1.0
    n = np.empty(K + 1)
    for j in range(K):
        if not (j < A):
            break
        if j == 0:
            n[0] = b / A
        else:
            conv = 0.0
            for i in range(j):
                conv += n[i] * n[j - 1 - i]
            n[j] = (b * n[j - 1] + B * conv) / (A - j)
        out[j + 1] = n[j]
    return out
