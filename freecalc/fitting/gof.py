r"""Goodness of fit: the Kolmogorov–Smirnov distance to the fitted cdf, and its parametric-bootstrap p-value.

With atoms the fitted cdf jumps, so the distance is computed with both one-sided limits,

.. math:: D = \max_i \max\Bigl\{F(x_{(i)}^-) - \tfrac{i-1}{n},\; \tfrac{i}{n} - F(x_{(i)})\Bigr\},

(the package's one KS statistic, :func:`freecalc.laws.distances.ks_distance`), with data within the atom tolerance
of an atom snapped onto it (a tie group at an atom then compares the jump with
the group's share). The p-value of D is not the classical Kolmogorov one, because the parameters were fitted to the
same data (the Lilliefors effect makes it far too large); it comes from a parametric bootstrap
(Stute, Manteiga & Quindimil 1993; Clauset et al. 2009 §4.1): B samples of size n from the fitted law, each
**refitted** the same way, p = (1 + #{D_b ≥ D}) / (B + 1).
"""
from __future__ import annotations

import math

import numpy as np

from freecalc.laws.distances import ks_distance

__all__ = ["ks_affine", "bootstrap_pvalue"]


def ks_affine(law, scale: float, loc: float, x: np.ndarray, zero_tol: float) -> float:
    """KS distance between data ``x`` and the law of ``loc + scale * X``, X ~ ``law``.

    The data are mapped back, y = (x − loc)/scale, and compared with ``law`` by
    :func:`freecalc.laws.distances.ks_distance` (both one-sided limits; data within ``zero_tol`` of an atom, in
    data units, snapped onto it).

    Parameters
    ----------
    law : Law or KernelLaw
        The fitted law before the added scale and location (it needs ``cdf`` and ``atoms``).
    scale, loc : float
        The added affine map (scale > 0).
    x : ndarray
        The data.
    zero_tol : float
        Atom tolerance in data units.

    Returns
    -------
    float
        The statistic, in [0, 1].
    """
    y = (np.asarray(x, dtype=float) - loc) / scale
    if y.size > KS_POINTS and not law.atoms:
        return _ks_strided(np.sort(y), law)
    return ks_distance(y, law, atom_tol=zero_tol / scale)


#: Above this many points (and for laws without atoms) the KS distance is evaluated at every
#: ``n // KS_POINTS``-th order statistic only: the cdf evaluations, not the comparison, cost the time (a
#: quadrature-based cdf at 10⁶ points took longer than the whole fit).
KS_POINTS = 20000


def _ks_strided(y: np.ndarray, law) -> float:
    r"""KS distance of sorted data against a continuous law from the order statistics :math:`y_{(i)}`,
    i = 0, s, 2s, …, and the last (s = ⌊n/KS_POINTS⌋): both cdfs are monotone, so between two evaluated points
    :math:`|F_n - F|` exceeds its values at the ends by at most s/n ≤ 1/KS_POINTS = 5e-5, far below the KS noise
    :math:`1/\sqrt{n}` ≥ 1e-3 at these sizes; the result lies in [D − s/n, D]."""
    n = y.size
    stride = max(1, n // KS_POINTS)
    idx = np.unique(np.concatenate([np.arange(0, n, stride), [n - 1]]))
    F = np.asarray(law.cdf(y[idx]), dtype=float)
    return float(max(np.max(np.abs((idx + 1) / n - F)), np.max(np.abs(idx / n - F))))


def bootstrap_pvalue(ks_obs: float, sample_and_refit, B: int, rng) -> tuple[float, int]:
    """Parametric-bootstrap p-value of ``ks_obs``.

    ``sample_and_refit(gen)`` draws one sample from the fitted law, refits it and returns its KS distance
    (or None when the refit failed: such replicates are skipped and their number returned).

    Parameters
    ----------
    ks_obs : float
        The observed statistic.
    sample_and_refit : callable
        ``sample_and_refit(gen) -> float or None``.
    B : int
        Number of replicates.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.

    Returns
    -------
    tuple
        ``(p, failed)``: p = (1 + #{D_b ≥ D}) / (B_done + 1) (NaN when every replicate failed), and the number of
        failed replicates.
    """
    gen = np.random.default_rng(rng)
    exceed = 0
    done = 0
    failed = 0
    for _ in range(B):
        d = sample_and_refit(gen)
        if d is None or not math.isfinite(d):
            failed += 1
            continue
        done += 1
        exceed += d >= ks_obs
    if done == 0:
        return math.nan, failed
    return (1.0 + exceed) / (done + 1.0), failed
