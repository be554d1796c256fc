r"""Upper-tail power law: the exponent α of :math:`\rho(x) \propto x^{-\alpha}` for :math:`x \ge x_{\min}`.

Method of Clauset, Shalizi & Newman (2009, *SIAM Review* 51, 661–703), as used by WeightWatcher for weight ESDs:
for each candidate :math:`x_{\min}` (a data value), the continuous power-law MLE on the tail :math:`x \ge x_{\min}`,

.. math:: \hat\alpha = 1 + n_t \Big/ \sum_{x_i \ge x_{\min}} \log(x_i / x_{\min}),

and the KS distance between the tail's empirical cdf and :math:`1 - (x/x_{\min})^{1-\hat\alpha}`; the
:math:`x_{\min}` with the smallest KS distance is kept. The standard error is
:math:`\sigma_\alpha = (\hat\alpha - 1)/\sqrt{n_t}` (CSN eq. 3.2). α is **not** capped: powerlaw 2.0 restricts α ≤ 3
by default, which turns the steep edge of a random-like spectrum (α ≈ 17 for an iid Gaussian 4096×1024 matrix) into
a spurious heavy tail. The scan is one numba kernel (sort once, suffix sums): O(n) per candidate.

``TailOptions.xmin_rule`` selects WeightWatcher 0.7.7's variant of the xmin choice instead (one-sided statistic,
tails down to 2 points, its small-sample rule below 20 points): see :class:`freecalc.fitting.options.XminRule`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from freecalc.fitting.kernels import powerlaw_scan
from freecalc.fitting.options import TailOptions, XminRule

__all__ = ["TailFit", "fit_power_law_tail"]


@dataclass(frozen=True)
class TailFit:
    """Result of the power-law tail fit.

    Attributes
    ----------
    alpha, alpha_sigma : float
        Exponent and its standard error (α−1)/√n_tail.
    xmin : float
        Start of the power-law tail.
    n_tail : int
        Number of data points ≥ xmin.
    ks : float
        KS distance of the tail fit at the chosen xmin.
    """

    alpha: float
    alpha_sigma: float
    xmin: float
    n_tail: int
    ks: float


def fit_power_law_tail(x, options: TailOptions | None = None) -> TailFit | None:
    """Fit a continuous power law to the upper tail of ``x`` (only the positive values are used).

    Returns None when fewer than ``options.min_tail`` positive values exist (2 with
    :attr:`XminRule.WEIGHTWATCHER`) or the tail has no spread (all candidate tails consist of one repeated value):
    there is no tail to speak of, and no number is invented.

    Parameters
    ----------
    x : array_like
        Data (flattened; non-positive values ignored).
    options : TailOptions, optional

    Returns
    -------
    TailFit or None

    Raises
    ------
    ValueError
        NaN or infinite values.
    """
    options = TailOptions() if options is None else options
    x = np.asarray(x, dtype=float).ravel()
    if not np.all(np.isfinite(x)):
        raise ValueError("fit_power_law_tail: the data contain NaN or infinite values")
    pos = np.sort(x[x > 0])
    n = pos.size
    if options.xmin_rule is XminRule.WEIGHTWATCHER:
        return _weightwatcher_tail(pos, options.max_candidates)
    if n < options.min_tail:
        return None
    logx = np.log(pos)
    last = n - options.min_tail  # the tail x[j:] must keep at least min_tail points
    idx = np.arange(last + 1, dtype=np.int64)
    keep = np.ones(idx.size, dtype=bool)
    keep[1:] = pos[1 : last + 1] != pos[:last]  # one candidate per distinct value: its first occurrence
    cand = idx[keep]
    if cand.size > options.max_candidates:
        cand = cand[np.unique(np.linspace(0, cand.size - 1, options.max_candidates).round().astype(np.int64))]
    alpha, ks = powerlaw_scan(logx, cand)
    ok = ~np.isnan(ks)
    if not ok.any():
        return None
    best = int(np.flatnonzero(ok)[np.argmin(ks[ok])])
    j = int(cand[best])
    a = float(alpha[best])
    n_tail = n - j
    return TailFit(alpha=a, alpha_sigma=float((a - 1.0) / np.sqrt(n_tail)), xmin=float(pos[j]), n_tail=n_tail,
                   ks=float(ks[best]))


#: Below this many positive values WeightWatcher 0.7.7 uses its small-sample rule (``SMALL_N_CUTOFF``), with tails
#: of at least ``_WW_SMALL_K_MIN`` points.
_WW_SMALL_N = 20
_WW_SMALL_K_MIN = 8


def _weightwatcher_tail(pos: np.ndarray, max_candidates: int) -> TailFit | None:
    """WeightWatcher 0.7.7's ``WWFit`` on sorted positive data (see :class:`XminRule`)."""
    n = pos.size
    if n < 2:
        return None
    logx = np.log(pos)
    if n < _WW_SMALL_N:
        return _weightwatcher_small(pos, logx)
    cand = np.arange(n - 1, dtype=np.int64)  # every index, as WWFit: tails down to 2 points
    if cand.size > max_candidates:
        cand = cand[np.unique(np.linspace(0, cand.size - 1, max_candidates).round().astype(np.int64))]
    alpha, d = powerlaw_scan(logx, cand, True)
    ok = ~np.isnan(d)
    if not ok.any():
        return None
    best = int(np.flatnonzero(ok)[np.argmin(d[ok])])
    j = int(cand[best])
    a = float(alpha[best])
    n_tail = n - j
    return TailFit(alpha=a, alpha_sigma=float((a - 1.0) / np.sqrt(n_tail)), xmin=float(pos[j]), n_tail=n_tail,
                   ks=float(d[best]))


def _weightwatcher_small(pos: np.ndarray, logx: np.ndarray) -> TailFit | None:
    """``WWFit.fit_powerlaw_smallN`` (fewer than 20 points): bias-corrected α = 1 + (n_t − 1)/Σ log(x/xmin), tails of
    at least 8 points, xmin minimising D − 0.868/√n_t (D the one-sided statistic)."""
    n = pos.size
    best = None
    for j in range(n - _WW_SMALL_K_MIN + 1):
        nt = n - j
        s = float(np.sum(logx[j:]) - nt * logx[j])
        if s <= 1e-12:
            continue
        a = 1.0 + (nt - 1.0) / s
        if a <= 1.0:
            continue
        d = float(np.max(np.abs(np.arange(nt) / nt - (1.0 - np.exp((1.0 - a) * (logx[j:] - logx[j]))))))
        score = d - 0.868 / np.sqrt(nt)
        if best is None or score < best[0]:
            best = (score, j, a, d)
    if best is None:
        return None
    _, j, a, d = best
    n_tail = n - j
    return TailFit(alpha=a, alpha_sigma=float((a - 1.0) / np.sqrt(n_tail)), xmin=float(pos[j]), n_tail=n_tail,
                   ks=d)
