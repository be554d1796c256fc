r"""Moments of :math:`H \boxtimes \mathrm{MP}(c)` from the moments of H (exact polynomial relations).

With :math:`h_k = \int t^k dH` and the sample law :math:`F = H\boxtimes\mathrm{MP}(c)` (limit ESD of
:math:`\Sigma^{1/2}X^\top X\Sigma^{1/2}/n`, p/n = c),

.. math::
    m_1 = h_1,\quad m_2 = h_2 + c h_1^2,\quad m_3 = h_3 + 3c h_1h_2 + c^2h_1^3,\quad
    m_4 = h_4 + 4c h_1 h_3 + 2c h_2^2 + 6c^2h_1^2h_2 + c^3h_1^4

(sums over non-crossing partitions; Bai & Silverstein, *Spectral Analysis of Large Dimensional Random Matrices*,
2nd ed., 2010, ch. 3).
"""
from __future__ import annotations

import numpy as np

__all__ = ["sample_moments_from_population", "MAX_ORDER"]

MAX_ORDER = 4


def sample_moments_from_population(h, c: float) -> np.ndarray:
    r"""``[m_1, ..., m_k]`` of :math:`H\boxtimes\mathrm{MP}(c)` from ``h = [h_1, ..., h_k]`` (k ≤ 4).

    Parameters
    ----------
    h : array_like
        Population moments :math:`h_1, \dots, h_k`.
    c : float
        Aspect ratio p/n.

    Returns
    -------
    numpy.ndarray
        Sample moments :math:`m_1, \dots, m_k`.

    Raises
    ------
    ValueError
        If k is not between 1 and ``MAX_ORDER``.
    """
    h = np.asarray(h, dtype=float)
    k = h.size
    if not 1 <= k <= MAX_ORDER:
        raise ValueError(f"number of moments {k} must be between 1 and {MAX_ORDER}")
    h1, h2, h3, h4 = np.concatenate([h, np.zeros(MAX_ORDER - k)])
    m = np.array([
        h1,
        h2 + c * h1**2,
        h3 + 3 * c * h1 * h2 + c**2 * h1**3,
        h4 + 4 * c * h1 * h3 + 2 * c * h2**2 + 6 * c**2 * h1**2 * h2 + c**3 * h1**4,
    ])
    return m[:k]
