r"""The Tracy–Widom distribution :math:`F_1` (β = 1, real symmetric matrices): cdf and quantiles.

The largest eigenvalue of a real Wigner or Wishart matrix, centred at the bulk edge and divided by its
:math:`n^{-2/3}` fluctuation scale, converges to :math:`F_1` (Tracy & Widom 1996; Johnstone 2001). We evaluate

.. math:: F_1(s) = \det\bigl(I - K_s\bigr)_{L^2(s,\infty)},
          \qquad K_s(x, y) = \tfrac12\,\mathrm{Ai}\bigl(\tfrac{x+y}{2}\bigr),

(Ferrari & Spohn 2005; Sasamoto 2005) by the Nyström method of Bornemann (2010, *Math. Comp.* 79, 871–915):
Gauss–Legendre nodes on (0, 1) mapped to (s, ∞) by x = s + 10 tan(πt/2), and a dense determinant. With 60 nodes
the result is accurate to ~1e-12 for s in [-8, 8]; the test-suite checks the mean −1.2065335745820 and the
variance 1.6077810345810 (Bornemann 2010, Table 4) and the textbook quantiles 0.9793 (95 %) and 2.0234 (99 %).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy.optimize import brentq
from scipy.special import airy

__all__ = ["tw1_cdf", "tw1_ppf", "TW1_MEAN", "TW1_VAR"]

#: Mean and variance of F_1 (Bornemann 2010, Table 4).
TW1_MEAN = -1.2065335745820
TW1_VAR = 1.6077810345810

_NODES = 60


@lru_cache(maxsize=1)
def _rule(m: int) -> tuple[np.ndarray, np.ndarray]:
    t, w = leggauss(m)
    t = 0.5 * (t + 1.0)
    w = 0.5 * w
    # x = s + 10 tan(πt/2) maps (0, 1) onto (s, ∞); dx/dt = 5π / cos²(πt/2).
    u = 10.0 * np.tan(0.5 * np.pi * t)
    du = w * 5.0 * np.pi / np.cos(0.5 * np.pi * t) ** 2
    return u, du


def _cdf_scalar(s: float) -> float:
    if s < -10.0:
        return 0.0  # F_1(-10) < 1e-20: the determinant underflows to round-off there anyway
    if s > 12.0:
        return 1.0  # 1 - F_1(12) ~ exp(-(2/3) 12^{3/2}) / ... < 1e-12
    u, du = _rule(_NODES)
    x = s + u
    kernel = 0.5 * airy(0.5 * (x[:, None] + x[None, :]))[0]
    sw = np.sqrt(du)
    mat = np.eye(_NODES) - sw[:, None] * kernel * sw[None, :]
    return float(min(1.0, max(0.0, np.linalg.det(mat))))


def tw1_cdf(s):
    """Cdf of the Tracy–Widom distribution F_1 at ``s``.

    Parameters
    ----------
    s : float or array_like

    Returns
    -------
    float or ndarray
    """
    arr = np.asarray(s, dtype=float)
    out = np.vectorize(_cdf_scalar, otypes=[float])(arr)
    return float(out) if out.ndim == 0 else out


@lru_cache(maxsize=64)
def tw1_ppf(q: float) -> float:
    """Quantile of F_1: the ``s`` with F_1(s) = q, for 0 < q < 1 (cached: a threshold is asked for repeatedly).

    Parameters
    ----------
    q : float

    Returns
    -------
    float

    Raises
    ------
    ValueError
        q outside (0, 1).
    """
    q = float(q)
    if not 0.0 < q < 1.0 or math.isnan(q):
        raise ValueError(f"tw1_ppf: q must lie in (0, 1), got {q!r}")
    lo, hi = -9.5, 11.5
    if q <= _cdf_scalar(lo) or q >= _cdf_scalar(hi):
        raise ValueError(f"tw1_ppf: q = {q!r} is too close to 0 or 1 for double precision")
    return float(brentq(lambda z: _cdf_scalar(z) - q, lo, hi, xtol=1e-12, rtol=1e-12))
