r"""The Marchenko–Pastur (Silverstein) equation for a discrete population spectrum, solved numerically.

For a population spectrum :math:`H = \sum_k w_k\delta_{t_k}` and :math:`c = p/n`, the Stieltjes transform
:math:`\underline m` of the companion law :math:`\underline F = (1-c)\delta_0 + cF` (the limit ESD of the n×n matrix
:math:`XX^\top/n`) is the unique solution with :math:`\operatorname{Im}\underline m > 0` of

.. math::
    z = -\frac{1}{\underline m} + c\sum_k \frac{w_k t_k}{1 + t_k\underline m},\qquad \operatorname{Im} z > 0,

and the sample law's transform is :math:`m_F = (\underline m + (1-c)/z)/c`.
Reference: J. W. Silverstein and Z. D. Bai, J. Multivariate Anal. 54 (1995).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

__all__ = ["companion_stieltjes", "companion_stieltjes_at_zero"]


def _residual(v, z, t, w, c):
    q = 1.0 + t[None, :] * v[:, None]
    f = -1.0 / v + c * np.sum(w * t / q, axis=1) - z
    df = 1.0 / v**2 - c * np.sum(w * t * t / q**2, axis=1)
    return f, df


def _newton(v, z, t, w, c, steps):
    for _ in range(steps):
        f, df = _residual(v, z, t, w, c)
        step = f / df
        new = v - step
        # a step that leaves the upper half plane is halved until it stays (the branch with Im > 0 is the law's)
        for _ in range(40):
            bad = ~(new.imag > 0)
            if not bad.any():
                break
            step = np.where(bad, step / 2, step)
            new = v - step
        v = np.where(new.imag > 0, new, v)
    return v


def companion_stieltjes(z, t, w, c: float, *, levels: int = 15, newton: int = 4) -> np.ndarray:
    r""":math:`\underline m(z)` at points ``z`` (Im z > 0) by Newton's method, continued down from far above the
    axis (where :math:`\underline m \approx -1/z`) so the iterate stays on the branch with Im > 0.

    Parameters
    ----------
    z : array_like of complex
        Points with Im z > 0.
    t, w : array_like
        Population atoms :math:`t_k > 0` and their weights :math:`w_k` (summing to 1).
    c : float
        Aspect ratio p/n.
    levels : int
        Number of heights, geometrically spaced, from far above the axis down to Im z.
    newton : int
        Newton steps per level.

    Returns
    -------
    numpy.ndarray of complex
        :math:`\underline m(z)`, flattened.

    Raises
    ------
    RuntimeError
        If the residual at the target points is not small (the solution cannot be trusted).
    """
    z = np.asarray(z, dtype=complex).ravel()
    t = np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float)
    if np.any(z.imag <= 0):
        raise ValueError("z must lie in the upper half plane (Im z > 0)")
    scale = float(np.max(t)) * (1.0 + np.sqrt(c)) ** 2 + float(np.max(np.abs(z.real)))
    v = -1.0 / (z.real + 1j * 10.0 * scale)
    for s in np.geomspace(10.0 * scale, float(np.min(z.imag)), levels):
        v = _newton(v, z.real + 1j * np.maximum(z.imag, s), t, w, c, newton)
    v = _newton(v, z, t, w, c, 4 * newton)
    f, _ = _residual(v, z, t, w, c)
    rel = np.abs(f) / np.maximum(np.abs(z), 1e-300)
    if np.any(~np.isfinite(rel)) or np.max(rel) > 1e-6:
        raise RuntimeError(f"Silverstein equation not solved: relative residual {np.nanmax(rel):.2e} > 1e-6")
    return v


def companion_stieltjes_at_zero(t, w, c: float) -> float:
    r""":math:`\underline m(0) = \int x^{-1} d\underline F_{>0}(x)` for c > 1: the positive root of
    :math:`\sum_k w_k t_k m/(1 + t_k m) = 1/c` (the left side increases from 0 to 1).

    Parameters
    ----------
    t, w : array_like
        Population atoms :math:`t_k > 0` and their weights.
    c : float
        Aspect ratio p/n > 1.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If c ≤ 1 (the transform at 0 is then infinite).
    """
    if c <= 1:
        raise ValueError(f"c={c}: the companion transform at 0 is finite only for c > 1")
    t = np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float)
    g = lambda m: float(np.sum(w * t * m / (1.0 + t * m))) - 1.0 / c  # noqa: E731
    hi = 1.0 / float(np.min(t))
    while g(hi) < 0:
        hi *= 4.0
    return brentq(g, 0.0, hi, xtol=1e-14 * hi, rtol=1e-13)
