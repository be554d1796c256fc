"""Numba kernels of the fitting layer (arrays and scalars only, ``cache=True``, callable from user ``@njit`` code).

They live here rather than in ``freecalc/kernels/`` because only the fitting layer uses them.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from freecalc.kernels._aot import Served

__all__ = ["powerlaw_scan_kernel", "powerlaw_scan"]


#: Order statistics per candidate tail at which the KS distance is evaluated (all of them below this size).
KS_POINTS = 20000


@njit(cache=True)
def powerlaw_scan_kernel(logx, candidates, one_sided=False):
    r"""Continuous power-law MLE and KS distance for every candidate ``xmin`` (Clauset, Shalizi & Newman 2009).

    Parameters
    ----------
    logx : float64[:]
        log of the data, sorted ascending (all data > 0).
    candidates : int64[:]
        Indices ``j`` into ``logx``: the tail is ``x[j:]`` and ``xmin = x[j]``.
    one_sided : bool
        Use WeightWatcher 0.7.7's statistic :math:`\max_k |P_k - k/n_t|` instead (``WWFit.fit_power_law_standard``
        in weightwatcher/WW_powerlaw.py: the empirical cdf read only at the lower end of each step).

    Returns
    -------
    alpha, ks : float64[:]
        For each candidate, :math:`\hat\alpha = 1 + n_t / \sum_{i \ge j} \log(x_i/x_{\min})` and the two-sided
        KS distance :math:`\max_k \max\{(k+1)/n_t - P_k,\; P_k - k/n_t\}` between the tail's empirical cdf and
        :math:`P(x) = 1 - (x/x_{\min})^{1-\hat\alpha}`. NaN where the tail has no spread; +inf where the scan
        stopped early because the distance already exceeded the best one found so far (branch and bound: only the
        minimum matters), which makes the scan several times faster on large spectra.

    Notes
    -----
    The suffix sums of ``logx`` are formed once, so :math:`\hat\alpha` costs O(1) per candidate and the KS distance
    O(n_t): O(n · #candidates) in all, without temporaries; tails longer than ``KS_POINTS`` are checked at every
    ``nt // KS_POINTS``-th order statistic (error ≤ 1/KS_POINTS in the distance), which bounds the cost at
    O(KS_POINTS · #candidates) on spectra of millions of eigenvalues.
    """
    n = logx.size
    suffix = np.zeros(n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + logx[i]
    m = candidates.size
    best = np.inf
    alpha = np.full(m, np.nan)
    ks = np.full(m, np.nan)
    for c in range(m):
        j = candidates[c]
        nt = n - j
        lo = logx[j]
        den = suffix[j] - nt * lo
        if nt < 2 or den <= 0.0:
            continue
        a = 1.0 + nt / den
        d = 0.0
        inv = 1.0 / nt
        # long tails: the distance at every stride-th order statistic (and the last); between two of them the
        # empirical cdf moves by stride/nt and P is monotone, so the maximum is missed by at most stride/nt
        # <= 1/KS_POINTS (5e-5), far below the KS noise 1/sqrt(nt)
        stride = max(1, nt // KS_POINTS)
        for k in range(0, nt, stride):
            p = 1.0 - np.exp((1.0 - a) * (logx[j + k] - lo))
            d2 = p - k * inv
            d1 = -d2 if one_sided else (k + 1) * inv - p
            if d1 > d:
                d = d1
            if d2 > d:
                d = d2
            if d >= best:
                break
        alpha[c] = a
        if d >= best:
            ks[c] = np.inf
        else:
            ks[c] = d
            best = d
    return alpha, ks


#: :func:`powerlaw_scan_kernel` for Python callers: compiled at install (``kernels._aot``), no compilation on first use.
powerlaw_scan = Served("powerlaw_scan", powerlaw_scan_kernel)
