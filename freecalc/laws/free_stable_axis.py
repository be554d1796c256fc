r"""The Stieltjes transform of FreeStable(α, β, σ) on and just above the real axis.

On the axis, m(x + i0) = −1/u at the point u of the boundary curve of F(ℂ⁺) over x (polar parametrisation of
:mod:`freecalc.kernels.free_stable`), or the real root u − b u^{1−α} = x beyond a finite edge. Just above it,

.. math:: m(x + iy) = m(x) + iy\,m'(x) - \tfrac{y^2}{2} m''(x) + O(y^3 m'''),

with u = −1/m solving :math:`u - b u^{1-\alpha} = z`: :math:`u' = 1/(1 - (1-\alpha) b u^{-\alpha})`,
:math:`u'' = -\alpha(1-\alpha) b u^{-\alpha-1} u'^3`, :math:`m' = u'/u^2`, :math:`m'' = u''/u^2 - 2u'^2/u^3`.
Far in a tail iy m'(x) ≈ iy/x² dominates Im m, above the density πρ(x) ~ |x|^{−1−α}: a continuation from above
returns Im m only to round-off of |m| there, the Taylor step to its remainder.

References: T. Hasebe, A. Kuznetsov, *On free stable distributions*, Electron. Commun. Probab. 19 (2014) 56.
"""
from __future__ import annotations

import numpy as np

from freecalc.kernels import free_stable as K

__all__ = ["locate", "boundary_stieltjes", "taylor_above_axis"]


def locate(x: np.ndarray, plus: K.Side, minus: K.Side) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Side (+1 right half of the curve, −1 left half, 0 beyond a finite edge), angle t and convergence per point.

    Parameters
    ----------
    x : float ndarray
        Points on the real axis.
    plus, minus : freecalc.kernels.free_stable.Side
        Constants of the right and left halves of the boundary curve.

    Returns
    -------
    side : int ndarray
    t : float ndarray
        Curve angle (0 where side is 0).
    conv : bool ndarray
        Whether the angle solve converged.
    """
    x_mid = float(K.x_of_t(np.array([K.HALF]), plus)[0])
    side = np.where(x >= x_mid, 1, -1)
    hi, lo = K.edge(plus), -K.edge(minus)
    side = np.where((x >= hi) | (x <= lo), 0, side)
    t = np.zeros(x.shape)
    conv = np.ones(x.shape, dtype=bool)
    for sgn, s in ((1, plus), (-1, minus)):
        sel = side == sgn
        if np.any(sel):
            t[sel], conv[sel] = K.t_of_x(sgn * x[sel], s)
    return side, t, conv


def boundary_stieltjes(x: np.ndarray, plus: K.Side, minus: K.Side) -> tuple[np.ndarray, np.ndarray]:
    """Boundary value m(x + i0) from above (parameters as for :func:`locate`).

    Returns
    -------
    m : complex ndarray
    conv : bool ndarray
        Whether the curve angle (inside the support) or the real root (beyond a finite edge) converged.
    """
    side, t, conv = locate(x, plus, minus)
    m = np.empty(x.shape, dtype=complex)
    for sgn, s in ((1, plus), (-1, minus)):
        sel = side == sgn
        if np.any(sel):
            with np.errstate(over="ignore"):
                r = K.r_of_t(t[sel], s)
            # u = r e^{iθ}: θ = t on the right half, π − t on the left; m = −1/u
            m[sel] = -np.exp(-1j * t[sel]) / r if sgn == 1 else np.exp(1j * t[sel]) / r
    above, below = (side == 0) & (x >= K.edge(plus)), (side == 0) & (x <= -K.edge(minus))
    if np.any(above):
        u, ca = K.outside_u(x[above], plus)
        m[above], conv[above] = -1.0 / u, ca
    if np.any(below):
        u, cb = K.outside_u(-x[below], minus)
        m[below], conv[below] = 1.0 / u, cb
    return m, conv


def taylor_above_axis(m: np.ndarray, y: np.ndarray, alpha: float, b: complex) -> tuple[np.ndarray, np.ndarray]:
    r"""m(x + iy) from the boundary value m = m(x + i0) by the second-order Taylor step (module docstring).

    Parameters
    ----------
    m : complex ndarray
        Boundary values m(x + i0).
    y : float ndarray
        Heights y ≥ 0.
    alpha : float
    b : complex
        :math:`\sigma^\alpha e^{i\pi\alpha/2}(1 + i\beta\tan\frac{\pi\alpha}{2})`.

    Returns
    -------
    m : complex ndarray
        m(x + iy) (m itself where y = 0).
    ok : bool ndarray
        Where the step is accurate: the remainder ~(y|m''/m'|)²/6 relative is below 1e-11 where
        y|m''| ≤ 1e-5|m'| (not within ~1e5·y of a support edge); elsewhere the caller continues from above.
    """
    with np.errstate(all="ignore"):
        u = -1.0 / m
        ua = np.exp(-alpha * np.log(u))
        d1 = 1.0 / (1.0 - (1.0 - alpha) * b * ua)
        d2 = -alpha * (1.0 - alpha) * b * ua / u * d1 ** 3
        m1 = d1 / u ** 2
        m2 = d2 / u ** 2 - 2.0 * d1 ** 2 / u ** 3
        ok = np.isfinite(m1) & np.isfinite(m2) & (y * np.abs(m2) <= 1e-5 * np.abs(m1)) | (y == 0)
        return np.where(y == 0, m, m + 1j * y * m1 - 0.5 * y ** 2 * m2), ok
