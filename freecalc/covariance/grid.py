r"""Population spectrum on a grid (El Karoui 2008): weights of point masses fitted to the Silverstein equation.

With :math:`v_j = \underline m_n(z_j)` the companion Stieltjes transform of the sample eigenvalues at points
:math:`z_j` in the upper half plane, the Silverstein equation for :math:`H = \sum_k w_k \delta_{t_k}` reads

.. math::
    \frac{1}{v_j} + z_j = c \sum_k w_k \frac{t_k}{1 + t_k v_j},

linear in the weights. The weights minimise the squared residuals (real and imaginary parts, each equation scaled
by :math:`1/|1/v_j + z_j|`) under :math:`w \ge 0`, :math:`\sum_k w_k = 1` (non-negative least squares with the
sum as a heavily weighted extra row). A second pass refines the grid around the atoms of the first.

Reference: N. El Karoui, "Spectrum estimation for large dimensional covariance matrices using random matrix
theory", Ann. Statist. 36(6) (2008).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

from freecalc.covariance._validate import Spectrum

__all__ = ["grid_population"]


def _z_points(lam: np.ndarray, count: int) -> np.ndarray:
    lo, hi = float(lam.min()), float(lam.max())
    span = hi - lo
    qs = np.quantile(lam, np.linspace(0.0, 1.0, count))
    xs = np.concatenate([qs, np.linspace(lo - 0.1 * span, hi + 0.1 * span, count // 2)])
    # several heights: far points are estimated accurately from the sample, near ones resolve detail
    etas = np.array([0.02, 0.08, 0.3]) * max(span, 1e-3 * hi)
    return (xs[:, None] + 1j * etas[None, :]).ravel()


def _fit_weights(v: np.ndarray, z: np.ndarray, t: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    rhs = 1.0 / v + z
    scale = 1.0 / np.abs(rhs)
    A = c * t[None, :] / (1.0 + t[None, :] * v[:, None]) * scale[:, None]
    b = rhs * scale
    penalty = 1e3
    M = np.vstack([A.real, A.imag, penalty * np.ones((1, t.size))])
    y = np.concatenate([b.real, b.imag, [penalty]])
    w, res = nnls(M, y, maxiter=50 * t.size)
    w = w / w.sum()
    return w, float(res / np.sqrt(y.size))


def _refine(t: np.ndarray, w: np.ndarray, count: int) -> np.ndarray:
    """A finer grid covering neighbourhoods of the atoms with weight (two grid steps either side)."""
    idx = np.flatnonzero(w > 1e-4)
    pts = []
    for i in idx:
        a = t[max(i - 2, 0)]
        b = t[min(i + 2, t.size - 1)]
        pts.append(np.linspace(a, b, count))
    return np.unique(np.concatenate([t, *pts]))


def grid_population(spec: Spectrum, *, grid_size: int = 200, z_count: int = 60) -> tuple[np.ndarray, np.ndarray,
                                                                                           float]:
    """Atoms ``(t, w)`` of the estimated population spectrum and the scaled residual of the fit.

    Parameters
    ----------
    spec : Spectrum
        Validated sample eigenvalues with c, n, p and the number of structural zeros (:func:`check_spectrum`).
    grid_size : int
        Grid points of the first pass (the second pass refines around the support found).
    z_count : int
        Number of points z at which the Silverstein equation is fitted.

    Returns
    -------
    t, w : numpy.ndarray
        Atom locations and weights (summing to 1).
    residual : float
        Scaled RMS residual of the equation.

    References
    ----------
    N. El Karoui, *Spectrum estimation for large dimensional covariance matrices using random matrix theory*,
    Ann. Statist. 36(6) (2008).
    """
    c = spec.c
    lam_all = spec.eigs
    lam = lam_all[lam_all > 0]
    z = _z_points(lam, z_count)
    # companion transform of the sample: (1/n) sum over the n eigenvalues of X X^T / n (p - n or (n-p) zeros)
    m = np.mean(1.0 / (lam_all[None, :] - z[:, None]), axis=1)
    v = -(1.0 - c) / z + c * m
    lo = float(lam.min()) / (1.0 + np.sqrt(c)) ** 2 if c >= 1 else float(lam.min())
    t = np.geomspace(lo, float(lam.max()), grid_size)
    w, res = _fit_weights(v, z, t, c)
    t2 = _refine(t, w, 12)
    w2, res2 = _fit_weights(v, z, t2, c)
    keep = w2 > 1e-6
    return t2[keep], w2[keep] / w2[keep].sum(), res2
