r"""Goodness of fit: the Kolmogorov–Smirnov distance to the fitted cdf, and its parametric-bootstrap p-value.

With atoms the fitted cdf jumps, so the distance is computed with both one-sided limits,

.. math:: D = \max_i \max\Bigl\{F(x_{(i)}^-) - \tfrac{i-1}{n},\; \tfrac{i}{n} - F(x_{(i)})\Bigr\},

with data within the atom tolerance of an atom snapped onto it (a tie group at an atom then compares the jump with
the group's share). The p-value of D is not the classical Kolmogorov one, because the parameters were fitted to the
same data (the Lilliefors effect makes it far too large); it comes from a parametric bootstrap
(Stute, Manteiga & Quindimil 1993; Clauset et al. 2009 §4.1): B samples of size n from the fitted law, each
**refitted** the same way, p = (1 + #{D_b ≥ D}) / (B + 1).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["ks_distance", "bootstrap_pvalue"]


def ks_distance(law, scale: float, loc: float, x: np.ndarray, zero_tol: float) -> float:
    """KS distance between sorted data ``x`` and ``loc + scale * law``."""
    x = np.asarray(x, dtype=float)
    n = x.size
    y = (x - loc) / scale
    tol = zero_tol / scale
    jump = np.zeros(n)
    for a, w in law.atoms:
        near = np.abs(y - a) <= tol
        y[near] = a
        jump[near] = w
    F = np.asarray(law.cdf(y), dtype=float)
    i = np.arange(1, n + 1)
    d_minus = F - jump - (i - 1) / n
    d_plus = i / n - F
    return float(max(d_minus.max(), d_plus.max(), 0.0))


def bootstrap_pvalue(ks_obs: float, sample_and_refit, B: int, rng) -> tuple[float, int]:
    """Parametric-bootstrap p-value of ``ks_obs``.

    ``sample_and_refit(gen)`` draws one sample from the fitted law, refits it and returns its KS distance
    (or None when the refit failed: such replicates are skipped and their number returned).
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
