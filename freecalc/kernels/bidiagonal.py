r"""Relatively accurate small singular values of a lower bidiagonal matrix (numba).

The β-Laguerre sampler of HTMP (:mod:`freecalc.laws.htmp`) needs eigenvalues of :math:`BB^T` down to 1e-150 and
below; a symmetric tridiagonal solver returns them with absolute error ~1e-16 (even negative). Bisection with the
Sturm count of the Golub–Kahan form (the tridiagonal matrix with zero diagonal and off-diagonal
:math:`d_1, t_1, d_2, t_2, \ldots`) resolves each singular value to high *relative* accuracy (Demmel & Kahan,
*Accurate singular values of bidiagonal matrices*, SIAM J. Sci. Stat. Comput. 11 (1990)).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["bidiag_small_singular_values"]


# bisection with the Sturm count of the Golub–Kahan form
@njit(cache=True)
def _tgk_count(e2: np.ndarray, x: float) -> int:
    """Number of singular values < x of the bidiagonal whose Golub–Kahan form has squared off-diagonals e2.

    Sturm count of the zero-diagonal tridiagonal (eigenvalues ±σ_i); bisection on it is relatively accurate
    (Demmel & Kahan, SIAM J. Sci. Stat. Comput. 11 (1990), §5; Fernando, 1998).
    """
    n = e2.size + 1
    cnt = 0
    q = -x
    if q < 0.0:
        cnt += 1
    for i in range(n - 1):
        if q == 0.0:
            q = -1e-300
        q = -x - e2[i] / q
        if q < 0.0:
            cnt += 1
    return cnt - n // 2


@njit(cache=True)
def _tgk_count_batch(e2: np.ndarray, x: np.ndarray, cnt: np.ndarray) -> None:
    """_tgk_count for several shifts at once: the divisions of different shifts are independent, so the
    processor pipelines them (a single Sturm recurrence is one long dependent chain of divisions)."""
    nb = x.size
    n = e2.size + 1
    q = np.empty(nb)
    for j in range(nb):
        q[j] = -x[j]
        cnt[j] = 1 if q[j] < 0.0 else 0
    for i in range(n - 1):
        ei = e2[i]
        for j in range(nb):
            qj = q[j]
            if qj == 0.0:
                qj = -1e-300
            qj = -x[j] - ei / qj
            q[j] = qj
            if qj < 0.0:
                cnt[j] += 1
    for j in range(nb):
        cnt[j] -= n // 2


@njit(cache=True)
def bidiag_small_singular_values(d: np.ndarray, t: np.ndarray, k: int, hi: float) -> np.ndarray:
    """The k smallest singular values (all < hi) of the bidiagonal with diagonal d and off-diagonal t, to full
    relative accuracy, by bisection in log σ on Sturm counts of the Golub–Kahan form (16 shifts per sweep)."""
    m = d.size
    e2 = np.empty(2 * m - 1)
    for i in range(m):
        e2[2 * i] = d[i] * d[i]
        if i < m - 1:
            e2[2 * i + 1] = t[i] * t[i]
    out = np.empty(k)
    lo0 = math.log(1e-300)
    nb = 16
    lo = np.empty(nb)
    up = np.empty(nb)
    mid = np.empty(nb)
    xm = np.empty(nb)
    cnt = np.empty(nb, dtype=np.int64)
    for start in range(0, k, nb):
        nbj = min(nb, k - start)
        for j in range(nbj):
            lo[j] = lo0
            up[j] = math.log(hi)
        for _ in range(200):
            for j in range(nbj):
                mid[j] = 0.5 * (lo[j] + up[j])
                xm[j] = math.exp(mid[j])
            _tgk_count_batch(e2, xm[:nbj], cnt[:nbj])
            conv = True
            for j in range(nbj):
                if cnt[j] > start + j:
                    up[j] = mid[j]
                else:
                    lo[j] = mid[j]
                if up[j] - lo[j] >= 1e-15:
                    conv = False
            if conv:
                break
        for j in range(nbj):
            out[start + j] = 0.0 if lo[j] == lo0 else math.exp(0.5 * (lo[j] + up[j]))
    return out
