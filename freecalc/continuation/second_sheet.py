r"""The second sheet of a Stieltjes transform, and the split of a spectrum into bulk and outliers.

Continuation rule
-----------------
With :math:`m(z) = \int\rho(x)/(x - z)\,dx`, the boundary values on the support are
:math:`m(x \pm i0) = H(x) \pm i\pi\rho(x)`. Continuing :math:`m` from the upper half plane *through* the support
into the lower half plane gives the second sheet there; continuity across the cut,
:math:`m_{II}(x - i0) = m_I(x + i0) = m_I(x - i0) + 2\pi i\rho(x)`, and analyticity give

.. math:: m_{II}(z) = m_I(z) + 2\pi i\,\hat\rho(z) \qquad (\Im z < 0),

with :math:`\hat\rho` the analytic continuation of the density (sign ``+`` in this convention; checked against the
exact Marchenko–Pastur second sheet in ``tests/continuation``). :func:`second_sheet` applies it to any pair of
callables; :class:`~freecalc.continuation.pade.RationalCauchy` has it built in (:math:`u \mapsto 1/u`).

Outliers
--------
:func:`split_outliers` peels isolated extreme eigenvalues (spikes) off the bulk, to be carried through
decompression as atoms (see :mod:`freecalc.operations.numeric_decompression` for how they move).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["second_sheet", "split_outliers", "OUTLIER_GAP", "MAX_OUTLIER_FRACTION"]

OUTLIER_GAP = 0.05
"""An extreme eigenvalue is an outlier when its gap to the next one exceeds this fraction of the remaining range."""

MAX_OUTLIER_FRACTION = 0.05
"""At most this fraction of the eigenvalues (and at most 50) is treated as outliers."""


def second_sheet(m_first: Callable[[np.ndarray], np.ndarray], density_continued: Callable[[np.ndarray], np.ndarray],
                 z: np.ndarray) -> np.ndarray:
    r""":math:`m_{II}(z) = m_I(z) + 2\pi i\hat\rho(z)` for :math:`\Im z < 0` (module docstring).

    Parameters
    ----------
    m_first : callable
        Physical-sheet Stieltjes transform, evaluated at z with Im z < 0 (i.e. conj(m(conj z))).
    density_continued : callable
        Analytic continuation of the density to complex arguments.
    z : complex ndarray
        Points with Im z < 0.

    Returns
    -------
    numpy.ndarray of complex
        :math:`m_{II}(z)`, shaped like ``z``.

    Raises
    ------
    ValueError
        If a point has Im z ≥ 0.
    """
    z = np.asarray(z, dtype=complex)
    if np.any(z.imag >= 0):
        raise ValueError("second_sheet: the rule m_II = m_I + 2πiρ̂ is for points below the support (Im z < 0)")
    return m_first(z) + 2j * np.pi * density_continued(z)


def split_outliers(x: np.ndarray, outliers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split sorted eigenvalues into (bulk, outliers).

    Rule (``outliers=None``): repeatedly look at both ends of the remaining eigenvalues; the extreme one is an
    outlier when its gap to its neighbour exceeds :data:`OUTLIER_GAP` times the range of the rest. At most
    ``min(50, MAX_OUTLIER_FRACTION·n)`` are removed. ``outliers=k`` removes exactly the k eigenvalues farthest from
    the median instead; ``outliers=0`` keeps everything in the bulk.

    Parameters
    ----------
    x : array_like
        Eigenvalues.
    outliers : int, optional
        Exact number of outliers (default: the gap rule above).

    Returns
    -------
    bulk, outliers : numpy.ndarray
        Both sorted.

    Raises
    ------
    ValueError
        If ``outliers`` is not between 0 and n − 8 (the bulk needs at least 8 eigenvalues).
    """
    xs = np.sort(np.asarray(x, float))
    n = xs.size
    if outliers is not None:
        k = int(outliers)
        if k < 0 or k > n - 8:
            raise ValueError(f"outliers={outliers} must be between 0 and n − 8 = {n - 8}")
        order = np.argsort(-np.abs(xs - np.median(xs)), kind="stable")
        mask = np.zeros(n, bool)
        mask[order[:k]] = True
        return xs[~mask], xs[mask]
    lo, hi = 0, n  # bulk is xs[lo:hi]
    k_max = min(50, int(MAX_OUTLIER_FRACTION * n))
    while (n - (hi - lo)) < k_max and hi - lo > 8:
        top_gap = xs[hi - 1] - xs[hi - 2]
        bot_gap = xs[lo + 1] - xs[lo]
        if top_gap >= bot_gap and top_gap > OUTLIER_GAP * (xs[hi - 2] - xs[lo]):
            hi -= 1
        elif bot_gap > top_gap and bot_gap > OUTLIER_GAP * (xs[hi - 1] - xs[lo + 1]):
            lo += 1
        else:
            break
    return xs[lo:hi], np.concatenate([xs[:lo], xs[hi:]])
