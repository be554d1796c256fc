"""Distances between a sample and a law: the one Kolmogorov–Smirnov statistic the package uses (conformance
tests, the decompression model check, goodness of fit)."""
from __future__ import annotations

import numpy as np

from freecalc.laws.base import Law

__all__ = ["ks_distance"]


def ks_distance(samples: np.ndarray, law: Law, *, atom_tol: float = 0.0) -> float:
    r"""Kolmogorov–Smirnov distance :math:`\sup_x |F_n(x) - F(x)|` between the empirical cdf of ``samples`` and
    the law's cdf, atoms allowed.

    Both cdfs are compared at each distinct sample value from both sides (right limits, and left limits through
    ``cdf(nextafter(x, -inf))`` when the law has atoms), so ties at an atom are handled exactly.

    Parameters
    ----------
    samples : array_like
        Observations (any shape; flattened).
    law : Law
        The reference law.
    atom_tol : float, optional
        Samples within this distance of an atom are moved onto it first (e.g. the round-off "zero" eigenvalues of
        a rank-deficient matrix against an atom at 0).

    Returns
    -------
    float
        The statistic, in [0, 1].

    Raises
    ------
    ValueError
        If ``samples`` is empty.
    """
    x = np.asarray(samples, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("ks_distance needs at least one sample")
    if atom_tol > 0:
        x = x.copy()
        for loc, _ in law.atoms:
            x[np.abs(x - loc) <= atom_tol] = loc
    u, counts = np.unique(x, return_counts=True)
    n = counts.sum()
    right = np.cumsum(counts) / n
    left = right - counts / n
    F = np.asarray(law.cdf(u), dtype=float)
    # without atoms the cdf is continuous: its left limits are its values (one cdf evaluation instead of two)
    Fl = np.asarray(law.cdf(np.nextafter(u, -np.inf)), dtype=float) if law.atoms else F
    return float(max(np.max(np.abs(right - F)), np.max(np.abs(left - Fl))))
