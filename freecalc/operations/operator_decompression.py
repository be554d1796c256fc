r"""Operator (Nyström) decompression: the spectrum of an n×n kernel-type matrix from a random principal submatrix.

Free decompression assumes that a random principal submatrix :math:`A[S, S]` is a *free compression* of A. For
matrices tied to the coordinates — kernel matrices :math:`A_{ij} = k(x_i, x_j)` of low-dimensional data, graph
Laplacians of geometric graphs — it is not: :math:`A[S, S]` is the kernel matrix of fewer points, and its top
eigenvalues approximate the eigenvalues :math:`\tau_k` of the integral operator
:math:`(Tg)(x) = \int k(x, y) g(y)\,dP(y)` scaled by the number of points (Nyström; Koltchinskii & Giné 2000,
Bernoulli 6; Braun 2006, JMLR 7):

.. math:: \lambda_k(A) \approx n\,\tau_k, \qquad \lambda_k(A[S,S]) \approx n_s\,\tau_k
          \quad\Longrightarrow\quad \lambda_k(A) \approx f\,\lambda_k(A[S, S]),\quad f = n/n_s.

The approximation holds for the top ranks only; the small eigenvalues of the submatrix fall below
:math:`n_s\tau_k` (finite-sample breakdown), and the full matrix has :math:`n - n_s` eigenvalues with no counterpart.

Method (:func:`decompress_operator`)
------------------------------------
With a known ridge/floor :math:`r` (:math:`A = K + rI`, K positive semi-definite) the rule acts on
:math:`\mu_k - r`:

1. **Top ranks** :math:`k \le K_{top}`: :math:`\hat\lambda_k = r + f(\mu_k - r)`. :math:`K_{top}` is the last rank
   where the submatrix eigenvalues are trustworthy: at most a fraction ``TOP_FRACTION`` of :math:`n_s`, and above
   the round-off level :math:`n_s\,\varepsilon\,\mu_1` (relative).
2. **Tail** :math:`k > K_{top}`: the envelope :math:`\log(\mu_k - r)` vs rank over the upper-tail window
   :math:`[K_{top}/2, K_{top}]` is fitted both as a power law (:math:`\log` linear in :math:`\log k`) and as a
   stretched exponential (:math:`\log` linear in :math:`k^{1/2}`); the fit with the smaller residual is extended
   to rank n, scaled by f, and joined continuously at :math:`K_{top}`.
3. Every predicted eigenvalue is :math:`\ge r` (and :math:`\ge 0`).

The result is :class:`~freecalc.laws.empirical.Empirical` of the n predicted eigenvalues, so
:func:`freecalc.functionals.logdet`, ``trace_inverse``, ``lambda_min``, ``lambda_max`` apply directly.

When to use it: when the model self-check (decompress a random half of the submatrix back to n_s and compare with
its actual eigenvalues) favours it over free decompression; for matrices in generic position (orthogonally
invariant, sample covariances in a random basis, high-dimensional kernels) free decompression is the right model.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from freecalc.laws.empirical import Empirical

__all__ = ["decompress_operator", "TOP_FRACTION"]

TOP_FRACTION = 0.6
"""Largest fraction of the submatrix ranks used as f·μ_k: beyond ~60 % the submatrix eigenvalues drop below the
operator scaling (measured on kernel matrices of real and synthetic low-dimensional data, see the benchmark)."""

# Relative round-off level of eigvalsh on an n_s×n_s matrix, in units of n_s·eps·μ_1: eigenvalues below
# ROUNDOFF·n_s·eps·μ_1 carry no information about the operator.
_ROUNDOFF = 100.0
# Relative tolerance for "positive semi-definite up to round-off" on the input eigenvalues.
_PSD_RTOL = 1e-8
# Smallest number of trusted ranks for a tail fit (a 2-parameter fit on fewer points is noise).
_MIN_TOP = 8


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _as_eigenvalues(eigenvalues: Any, n_s: int) -> np.ndarray:
    ev = eigenvalues.eigenvalues if isinstance(eigenvalues, Empirical) else eigenvalues
    try:
        arr = np.asarray(ev, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"eigenvalues must be a 1-D array of real numbers or an Empirical law, got "
                        f"{type(eigenvalues).__name__}") from exc
    if arr.ndim != 1:
        raise ValueError(f"eigenvalues must be a 1-D array, got shape {arr.shape}")
    if arr.size != n_s:
        raise ValueError(f"eigenvalues has {arr.size} values but n_s = {n_s}: pass all eigenvalues of the "
                         f"n_s×n_s submatrix")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"eigenvalues contain {int(np.sum(~np.isfinite(arr)))} non-finite value(s)")
    return np.sort(arr)[::-1]


def _tail_fit(y: np.ndarray, k0: int) -> tuple[str, np.ndarray]:
    """Fit log y_k (k = 1..k0, y > 0, descending) over the window [k0/2, k0]; return the model's name and a
    callable's coefficients. Models: power law (log y linear in log k), stretched exponential (linear in √k)."""
    lo = max(1, k0 // 2)
    k = np.arange(lo, k0 + 1, dtype=float)
    ly = np.log(y[lo - 1:k0])
    best = None
    for name, t in (("power", np.log(k)), ("stretched", np.sqrt(k))):
        coef = np.polyfit(t, ly, 1)
        res = float(np.sum((np.polyval(coef, t) - ly) ** 2))
        if coef[0] < 0 and (best is None or res < best[0]):
            best = (res, name, coef)
    if best is None:  # a non-decreasing window: extend flat
        return "flat", np.array([0.0, ly[-1]])
    return best[1], best[2]


def _eval_tail(name: str, coef: np.ndarray, k: np.ndarray) -> np.ndarray:
    t = {"power": np.log, "stretched": np.sqrt, "flat": np.log}[name](k)
    return np.exp(np.polyval(coef, t))


def decompress_operator(eigenvalues: Any, n_s: int, n: int, *, floor: float | None = None) -> Empirical:
    r"""Predict the n eigenvalues of a kernel-type matrix from those of a random n_s×n_s principal submatrix.

    Operator (Nyström) scaling :math:`\hat\lambda_k = r + f(\mu_k - r)`, :math:`f = n/n_s`, on the trusted top
    ranks, and a fitted power-law / stretched-exponential decay of :math:`\mu_k - r` vs rank for the rest (see the
    module docstring for the model and when it applies).

    Parameters
    ----------
    eigenvalues : array_like or Empirical
        All n_s eigenvalues of the submatrix (any order). They must be ≥ ``floor`` (≥ 0 when no floor is given) up
        to round-off: the route is for positive semi-definite matrices (kernels, Gram matrices, Laplacians).
    n_s : int
        Size of the submatrix (≥ 2 · ``_MIN_TOP``).
    n : int
        Size of the full matrix, n ≥ n_s.
    floor : float, optional
        Known ridge r of :math:`A = K + rI` with K positive semi-definite (a lower bound of every eigenvalue,
        not scaled by f). Default: 0.

    Returns
    -------
    Empirical
        The n predicted eigenvalues, all ≥ ``floor`` (≥ 0), as a law of size n.

    Raises
    ------
    ValueError
        Bad sizes (n_s < 16, n < n_s), a wrong number of eigenvalues, non-finite values, eigenvalues below the
        floor beyond round-off (not positive semi-definite), or a non-finite / negative ``floor``.

    References
    ----------
    Koltchinskii & Giné (2000), Bernoulli 6, 113–167; Williams & Seeger (2001), NIPS 13 (Nyström method);
    Braun (2006), JMLR 7, 2303–2328.
    """
    n_s = _check_int("n_s", n_s, 2 * _MIN_TOP)
    n = _check_int("n", n, 1)
    if n < n_s:
        raise ValueError(f"n must be >= n_s (decompression enlarges the matrix), got n = {n} < n_s = {n_s}")
    mu = _as_eigenvalues(eigenvalues, n_s)
    r = 0.0 if floor is None else floor
    if isinstance(r, bool) or not isinstance(r, numbers.Real) or not math.isfinite(r) or r < 0:
        raise ValueError(f"floor must be a finite real number >= 0 (the ridge of A = K + floor·I), got {floor!r}")
    r = float(r)
    scale = max(abs(mu[0]), abs(r), np.finfo(float).tiny)
    x = mu - r
    if x[-1] < -_PSD_RTOL * scale:
        raise ValueError(f"eigenvalues must be >= floor = {r:g} (positive semi-definite part) up to round-off; "
                         f"the smallest is {mu[-1]:.6g}: the operator route applies to positive semi-definite "
                         f"kernel/Gram matrices")
    f = n / n_s
    if x[0] <= 0:  # the matrix is r·I: nothing to scale
        return Empirical(np.full(n, r), size=n)

    # trusted top ranks: above round-off and within TOP_FRACTION of n_s
    level = _ROUNDOFF * n_s * np.finfo(float).eps * scale
    above = int(np.sum(x > level))
    k_top = max(min(int(TOP_FRACTION * n_s), above), min(_MIN_TOP, above))
    pred = np.empty(n)
    pred[:k_top] = f * x[:k_top]
    if k_top < n:
        if k_top >= 2:
            name, coef = _tail_fit(x, k_top)
            ks = np.arange(k_top + 1, n + 1, dtype=float)
            tail = _eval_tail(name, coef, ks)
            # join continuously at k_top: the fitted curve passes near x[k_top-1]; rescale it there
            tail *= x[k_top - 1] / _eval_tail(name, coef, np.array([float(k_top)]))[0]
            pred[k_top:] = f * np.minimum(tail, x[k_top - 1])
        else:
            pred[k_top:] = 0.0
    pred = r + np.maximum(pred, 0.0)
    return Empirical(pred, size=n)
