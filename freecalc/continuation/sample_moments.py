r"""What the rational fit of a Cauchy transform reads from the eigenvalues: Chebyshev-U moments and the edges.

* :func:`chebyshev_u_moments` — :math:`c_k = \sum_i w_i U_k(\tilde x_i)` on the Joukowski interval [a, b], the
  Taylor coefficients of the Cauchy transform in the Joukowski variable (:mod:`freecalc.continuation.pade`);
* :class:`PowerMoments` — the same moments for any [a, b] from power moments summed once, in O(K²) per interval;
* :func:`edge_regression` — square-root-edge estimates of [a, b] from the extreme order statistics.
"""
from __future__ import annotations

import numpy as np

from freecalc.continuation.joukowski import Joukowski

__all__ = ["chebyshev_u_moments", "PowerMoments", "edge_regression"]


def chebyshev_u_moments(x: np.ndarray, a: float, b: float, K: int, weights: np.ndarray | None = None) -> np.ndarray:
    r""":math:`c_k = \sum_i w_i U_k(\tilde x_i)`, k = 0..K, :math:`\tilde x = (x - c)/(2h)` (three-term recurrence).

    ``weights`` default to 1/n (the empirical measure).

    Parameters
    ----------
    x : numpy.ndarray
        Points (eigenvalues).
    a, b : float
        Interval of the Joukowski map.
    K : int
        Highest order.
    weights : numpy.ndarray, optional
        Masses of the points.

    Returns
    -------
    numpy.ndarray
        :math:`c_0, \dots, c_K`.
    """
    J = Joukowski(a, b)
    xt = J.x_tilde(x)
    w = np.full(xt.shape, 1.0 / xt.size) if weights is None else np.asarray(weights, float)
    out = np.empty(K + 1)
    u_prev = np.ones_like(xt)
    out[0] = w.sum()
    if K == 0:
        return out
    u_cur = 2.0 * xt
    out[1] = w @ u_cur
    for k in range(2, K + 1):
        u_prev, u_cur = u_cur, 2.0 * xt * u_cur - u_prev
        out[k] = w @ u_cur
    return out


class PowerMoments:
    """Power moments of (x − x0)/s, from which Chebyshev-U moments for any [a, b] follow in O(K²).

    The edge refinement of :func:`freecalc.continuation.pade.fit_rational` needs the moments for many [a, b]; the
    power moments are summed over the points once (O(nK)), and each [a, b] then costs a change of basis.
    Centring at the mean x0 and scaling by the largest distance s keeps the powers of y = (x − x0)/s in [−1, 1].

    Parameters
    ----------
    x : numpy.ndarray
        Points (eigenvalues).
    K : int
        Highest order.
    weights : numpy.ndarray, optional
        Masses of the points (default 1/n each).
    """

    def __init__(self, x: np.ndarray, K: int, weights: np.ndarray | None = None) -> None:
        w = np.full(x.shape, 1.0 / x.size) if weights is None else np.asarray(weights, float)
        self.x0 = float(np.sum(w * x) / np.sum(w))
        self.s = float(np.max(np.abs(x - self.x0))) or 1.0
        y = (x - self.x0) / self.s
        self.m = np.array([np.sum(w * y ** j) for j in range(K + 1)])
        self.K = K

    def chebyshev(self, a: float, b: float) -> np.ndarray:
        r"""The Chebyshev-U moments :math:`c_0..c_K` on [a, b], as :func:`chebyshev_u_moments` would sum them.

        Parameters
        ----------
        a, b : float
            Interval of the Joukowski map.

        Returns
        -------
        numpy.ndarray
            :math:`c_0, \dots, c_K`.
        """
        c, h = 0.5 * (a + b), 0.25 * (b - a)
        # x̃ = α y + β with y = (x − x0)/s
        alpha, beta = self.s / (2 * h), (self.x0 - c) / (2 * h)
        K = self.K
        prev = np.zeros(K + 1)
        prev[0] = 1.0                       # U_0 in the y basis
        cur = np.zeros(K + 1)
        cur[0], cur[1] = 2 * beta, 2 * alpha  # U_1 = 2x̃
        out = np.empty(K + 1)
        out[0] = self.m[0]
        out[1] = cur @ self.m
        for k in range(2, K + 1):
            nxt = 2 * beta * cur - prev
            nxt[1:] += 2 * alpha * cur[:-1]
            prev, cur = cur, nxt
            out[k] = cur @ self.m
        return out


def edge_regression(x: np.ndarray, count: int | None = None) -> tuple[float, float]:
    r"""Square-root-edge estimates of [a, b] from the extreme order statistics (step 1 of :func:`fit_rational`).

    The k largest (smallest) eigenvalues are regressed on :math:`((i - 1/2)/n)^{2/3}` (the quantile spacing at a
    square-root edge), with a quadratic correction; the intercepts are the edges.

    Parameters
    ----------
    x : numpy.ndarray
        Eigenvalues.
    count : int, optional
        Number of extreme eigenvalues used at each end (default :math:`\max(8, 2\sqrt n)`, at most n/4).

    Returns
    -------
    (a, b) : tuple of float
    """
    xs = np.sort(np.asarray(x, float))
    n = xs.size
    k = count or max(8, int(2 * np.sqrt(n)))
    k = min(k, max(3, n // 4))
    s = ((np.arange(1, k + 1) - 0.5) / n) ** (2.0 / 3.0)
    X = np.column_stack([np.ones(k), s, s * s])
    b = float(np.linalg.lstsq(X, xs[::-1][:k], rcond=None)[0][0])
    a = float(np.linalg.lstsq(X, xs[:k], rcond=None)[0][0])
    return a, b
