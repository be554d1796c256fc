r"""Truncated power series in floating point: products, compositional inverse, and the S-transform series.

A series is a list ``[c_0, c_1, ..., c_K]`` of coefficients of :math:`\sum_k c_k w^k`. Used where a transform must
be evaluated at or next to :math:`w = 0`, where its closed or iterative form divides by :math:`w` (the R-transform
:math:`R(w) = G^{-1}(w) - 1/w`, the S-transform :math:`S(w) = \chi(w)(1 + w)/w`) and loses all digits to
cancellation, and for moments of free products.

Reference: Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Lectures 16 and 18.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["series_mul", "series_revert", "s_series_from_moments", "horner"]


def series_mul(a: list[float], b: list[float], K: int) -> list[float]:
    r"""Coefficients 0..K of the product of two series: :math:`(ab)_n = \sum_{i=0}^{n} a_i b_{n-i}`.

    Parameters
    ----------
    a, b : list of float
        Coefficients, each with at least K + 1 entries.
    K : int
        Highest order kept.

    Returns
    -------
    list of float
        K + 1 coefficients.
    """
    return [sum(a[i] * b[n - i] for i in range(n + 1)) for n in range(K + 1)]


def series_revert(c: list[float], K: int) -> list[float]:
    """d with d(c(u)) = u to order K, for c = [0, c1, c2, ...] with c1 ≠ 0 (Lagrange reversion, solved order by
    order with the powers of c).

    Parameters
    ----------
    c : list of float
        Coefficients of the series, at least K + 1 of them.
    K : int
        Highest order kept.

    Returns
    -------
    list of float
        ``[0, d1, ..., dK]``.

    Raises
    ------
    ValueError
        If ``c[0] != 0`` or ``c[1] == 0`` (no compositional inverse).
    """
    if c[0] != 0 or c[1] == 0:
        raise ValueError(f"series_revert needs c0 = 0 and c1 != 0, got c0 = {c[0]!r}, c1 = {c[1]!r}")
    powers = [[1.0] + [0.0] * K]
    for _ in range(K):
        powers.append(series_mul(powers[-1], c, K))
    d = [0.0] * (K + 1)
    d[1] = 1.0 / c[1]
    for n in range(2, K + 1):
        d[n] = -sum(d[j] * powers[j][n] for j in range(1, n)) / c[1] ** n
    return d


def s_series_from_moments(moments: Any) -> list[float]:
    r"""Coefficients :math:`s_0..s_{K-1}` of the S-transform from the moments :math:`m_1..m_K` (:math:`m_1 \ne 0`).

    :math:`\psi(u) = \sum_{k\ge1} m_k u^k`, :math:`\chi = \psi^{-1}`, :math:`S(w) = \chi(w)(1 + w)/w`; so
    :math:`s_0 = 1/m_1` and :math:`s_n = \chi_{n+1} + \chi_n`.

    Parameters
    ----------
    moments : array_like
        Moments :math:`m_1, \dots, m_K` (numbers), :math:`m_1 \ne 0`.

    Returns
    -------
    list of float
        :math:`s_0, \dots, s_{K-1}`.

    Raises
    ------
    ValueError
        If :math:`m_1 = 0` (the S-transform is undefined).
    """
    m = [float(v) for v in moments]
    K = len(m)
    chi = series_revert([0.0] + m, K)
    return [chi[1]] + [chi[n + 1] + chi[n] for n in range(1, K)]


def horner(coefs: Any, w: np.ndarray) -> np.ndarray:
    r""":math:`\sum_k c_k w^k` at every w (Horner's scheme).

    Parameters
    ----------
    coefs : sequence of number
        :math:`c_0, c_1, \dots`.
    w : array_like
        Points.

    Returns
    -------
    numpy.ndarray of complex
        Shaped like ``w``.
    """
    out = np.zeros(np.shape(w), dtype=np.result_type(w, complex))
    for c in reversed(list(coefs)):
        out = out * w + c
    return out
