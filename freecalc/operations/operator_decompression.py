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

Models (:class:`OperatorModel`)
-------------------------------
With a known ridge/floor :math:`r` (:math:`A = K + rI`, K positive semi-definite) all act on
:math:`x_k = \mu_k - r` (the submatrix eigenvalues in decreasing order) and add r back.

* ``RANK_SCALED`` (the default without ``halves``). Finite-sample effects at rank k of an m-point kernel matrix
  depend on the rank *fraction* k/m (a translation-invariant kernel's matrix sees the operator's spectrum aliased
  on a point set of spacing :math:`\propto m^{-1/d}`), so :math:`\lambda_k(m) \approx m\,E(k)\,\psi(k/m)` with the
  operator envelope :math:`E(k) \propto \tau_k` and a breakdown shape ψ common to all m. Eliminating ψ between
  m = n_s and m = n gives

  .. math:: \hat\lambda_k = f\,x(k/f)\,\frac{E(k)}{E(k/f)},

  with x(·) the submatrix eigenvalue curve interpolated log-log at the fractional rank k/f (for k < f:
  :math:`f\,x_1 E(k)/E(1)`). For a power-law envelope :math:`E(k) \propto k^{-p}` (Matérn/Laplacian kernels) this
  is :math:`\hat\lambda(u n) = f^{1-p} x(u n_s)`, exact under the scaling :math:`\lambda_k(m) = m^{1-p} G(k/m)`;
  for the top ranks (ψ ≈ 1) it reduces to the Nyström rule :math:`\hat\lambda_k = f x_k`. The envelope is fitted
  to :math:`\log x_k` over the top ranks :math:`[0.02\,n_s, 0.3\,n_s]` (where ψ ≈ 1), as a power law (linear in
  :math:`\log k`) or a stretched exponential (linear in :math:`\sqrt k`), whichever has the smaller residual.
* ``ENVELOPE``. The Nyström rule :math:`\hat\lambda_k = f x_k` on the top ranks :math:`k \le K`,
  :math:`K = 0.6\,n_s` (fewer when the rest is round-off), then the envelope fitted over :math:`[K/2, K]` extended
  to rank n (scaled by f, joined continuously). Suits spectra whose small submatrix eigenvalues fall *below* the
  envelope through under-sampling (smooth RBF kernels of clustered data, most ranks at a ridge).
* ``TWO_SIZE`` (the default with ``halves``, which it needs: the eigenvalues of random
  :math:`\lfloor n_s/2\rfloor`-point principal submatrices of the submatrix, e.g. from :func:`half_spectra`).
  It learns from the data how the eigenvalue curve at a fixed rank fraction u changes with the matrix size,
  instead of assuming a breakdown shape:

  .. math:: b(u) = \frac{\log x^{(n_s)}(u) - \overline{\log x^{(n_s/2)}}(u)}{\log 2},\qquad
            \hat\lambda(u\,n) = x^{(n_s)}(u)\,f^{\,b(u)},

  with :math:`x^{(m)}(u)` the m-point curve at rank :math:`u m + \tfrac12` (interpolated log-log), the half curves
  averaged in log over the halves, and b smoothed over a window of ``n_s/20`` ranks; the top ranks
  :math:`k \le 0.05\,n_s` keep the Nyström rule :math:`f x_k`. Under :math:`\lambda_k(m) = m^{1-p} G(k/m)` the
  exponent is :math:`b = 1 - p` and the rule is exact; it needs no envelope fit, so it also covers smooth kernels
  and high-dimensional (digits) data where the single-size models are biased. Because it is fitted on the pair
  (n_s/2, n_s), a self-check of it must use the pair (n_s/4, n_s/2).

In all models, ranks whose eigenvalues are below the round-off level :math:`100\,n_s\,\varepsilon\,\max(\mu_1, r)`
are not used for fitting, the prediction is non-increasing in k and every predicted eigenvalue is ≥ r (≥ 0).
The result is :class:`~freecalc.laws.empirical.Empirical` of the n predicted eigenvalues, so
:func:`freecalc.functionals.logdet`, ``trace_inverse``, ``lambda_min``, ``lambda_max`` apply directly.

Which model (and whether free decompression instead) fits a given matrix is decided by the model self-check:
predict the spectrum of the n_s×n_s submatrix from random halves of it, and compare
(:mod:`freecalc.operations.model_check`). Measured accuracy per kernel family: ``benchmarks/results/real_matrices.md``.
For matrices in generic position (orthogonally invariant, sample covariances in a random basis, high-dimensional
kernels) free decompression is the right model.
"""
from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from freecalc._options import coerce_enum
from freecalc.laws.empirical import Empirical

__all__ = ["decompress_operator", "half_spectra", "OperatorModel", "TOP_FRACTION", "ENVELOPE_WINDOW",
           "NYSTROM_TOP", "SMOOTH_FRACTION"]


class OperatorModel(enum.Enum):
    """How the ranks beyond the Nyström-trusted top are predicted (module docstring)."""

    AUTO = "auto"
    """TWO_SIZE when ``halves`` are given, RANK_SCALED otherwise."""
    RANK_SCALED = "rank_scaled"
    """Submatrix curve at rank k/f times the envelope ratio E(k)/E(k/f) (aliasing-type breakdown, Matérn kernels)."""
    ENVELOPE = "envelope"
    """f·μ_k on the top 60 % of the ranks, then the fitted envelope (under-sampling breakdown, smooth kernels)."""
    TWO_SIZE = "two_size"
    """Rank-fraction scaling exponent learnt from the submatrix and its random halves (needs ``halves``)."""


TOP_FRACTION = 0.6
"""ENVELOPE: largest fraction of the submatrix ranks used as f·μ_k. Beyond ~60 % the submatrix eigenvalues of
kernel matrices leave the operator scaling (full λ_k / (f μ_k) = 1.56 at k = 400 of n_s = 450 on a real data set)."""

ENVELOPE_WINDOW = (0.02, 0.3)
"""RANK_SCALED: rank window (fractions of n_s) over which the operator envelope is fitted; the breakdown shape ψ is
≈ 1 there on the kernels of the benchmark (Laplacian and RBF kernels of 2-, 8- and 16-d data)."""

NYSTROM_TOP = 0.05
"""TWO_SIZE: fraction of the top ranks kept at the Nyström rule f·μ_k (the rank-fraction grid of the halves is
too coarse there)."""

SMOOTH_FRACTION = 0.05
"""TWO_SIZE: width (fraction of n_s ranks) of the moving average that smooths the scaling exponent b(u)."""

# Eigenvalues below _ROUNDOFF·n_s·eps·max(μ_1, floor) are eigvalsh round-off and carry no information.
_ROUNDOFF = 100.0
# Relative tolerance for "≥ floor up to round-off" on the input eigenvalues.
_PSD_RTOL = 1e-8
# Fewest trusted ranks for a 2-parameter envelope fit (fewer are noise): below it only f·μ_k is used.
_MIN_FIT = 8
# Envelope shapes: name → transform t(k) in which log E is linear.
_SHAPES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"power": np.log, "stretched": np.sqrt}


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


def _envelope(x: np.ndarray, lo: int, hi: int) -> Callable[[np.ndarray], np.ndarray]:
    """Decreasing envelope E(k) fitted to log x_k over ranks lo..hi (1-based, x > 0 there): the shape of
    ``_SHAPES`` with the smaller least-squares residual among those that decrease; flat when none does."""
    k = np.arange(lo, hi + 1, dtype=float)
    ly = np.log(x[lo - 1:hi])
    best: tuple[float, Callable[[np.ndarray], np.ndarray], np.ndarray] | None = None
    for t in _SHAPES.values():
        coef = np.polyfit(t(k), ly, 1)
        res = float(np.sum((np.polyval(coef, t(k)) - ly) ** 2))
        if coef[0] < 0 and (best is None or res < best[0]):
            best = (res, t, coef)
    if best is None:
        level = float(x[hi - 1])
        return lambda kk: np.full(np.shape(kk), level)
    _, t, coef = best
    return lambda kk: np.exp(np.polyval(coef, t(np.asarray(kk, dtype=float))))


def _rank_scaled(x: np.ndarray, usable: int, f: float, n: int, level: float) -> np.ndarray:
    n_s = x.size
    hi = min(int(ENVELOPE_WINDOW[1] * n_s), usable)
    lo = max(2, min(int(ENVELOPE_WINDOW[0] * n_s), hi // 2))
    env = _envelope(x, lo, hi)
    k = np.arange(1, n + 1, dtype=float)
    kk = np.clip(k / f, 1.0, float(n_s))  # fractional submatrix rank
    # the submatrix curve at fractional ranks, log-log interpolated; round-off eigenvalues count as the level
    logx = np.log(np.maximum(x, level))
    xk = np.exp(np.interp(np.log(kk), np.log(np.arange(1, n_s + 1, dtype=float)), logx))
    return f * xk * env(k) / env(kk)


def _envelope_tail(x: np.ndarray, usable: int, f: float, n: int) -> np.ndarray:
    k_top = min(int(TOP_FRACTION * x.size), usable)
    pred = np.zeros(n)
    pred[:k_top] = f * x[:k_top]
    if k_top < n:
        lo = max(1, k_top // 2)
        env = _envelope(x, lo, k_top)
        k = np.arange(k_top + 1, n + 1, dtype=float)
        # rescale so the extension starts at the last trusted eigenvalue (a continuous join)
        pred[k_top:] = f * x[k_top - 1] * env(k) / env(np.array([float(k_top)]))[0]
    return pred


def _as_halves(halves: Any, n_s: int, r: float, scale: float) -> list[np.ndarray]:
    h = n_s // 2
    if halves is None:
        raise ValueError("model='two_size' needs halves=: eigenvalues of random n_s//2-point principal submatrices "
                         "of the submatrix (see half_spectra)")
    out = []
    for i, ev in enumerate(halves):
        arr = np.asarray(ev, dtype=float)
        if arr.ndim != 1 or arr.size != h:
            raise ValueError(f"halves[{i}] must hold the {h} eigenvalues of an n_s//2 = {h} principal submatrix, got "
                             f"shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"halves[{i}] contains non-finite values")
        if arr.min() - r < -_PSD_RTOL * scale:
            raise ValueError(f"halves[{i}] has an eigenvalue {arr.min():.6g} below floor = {r:g} beyond round-off")
        out.append(np.maximum(np.sort(arr)[::-1] - r, 0.0))
    if not out:
        raise ValueError("halves is empty: pass at least one half spectrum")
    return out


def _two_size(x: np.ndarray, halves: list[np.ndarray], f: float, n: int, level: float) -> np.ndarray:
    n_s, h = x.size, halves[0].size
    log_x = np.log(np.maximum(x, level))
    log_h = np.mean([np.log(np.maximum(e, level)) for e in halves], axis=0)
    u_s = (np.arange(1, n_s + 1) - 0.5) / n_s
    u_h = (np.arange(1, h + 1) - 0.5) / h
    # log-log interpolation: exact for power laws, which the top of the curves follows
    b = (log_x - np.interp(np.log(u_s), np.log(u_h), log_h)) / math.log(n_s / h)
    # outside the half curve's rank-fraction range interp would extrapolate flat: use the nearest inner exponent
    inner = np.flatnonzero((u_s >= u_h[0]) & (u_s <= u_h[-1]))
    b[:inner[0]] = b[inner[0]]
    b[inner[-1] + 1:] = b[inner[-1]]
    width = max(3, int(SMOOTH_FRACTION * n_s))
    padded = np.pad(b, (width // 2, width - 1 - width // 2), mode="edge")
    b = np.convolve(padded, np.ones(width) / width, mode="valid")
    u = (np.arange(1, n + 1) - 0.5) / n
    pred = np.exp(np.interp(np.log(u), np.log(u_s), log_x + b * math.log(f)))
    top = min(max(1, int(NYSTROM_TOP * n_s)), n)
    pred[:top] = f * x[:top]
    return pred


def half_spectra(submatrix: Any, count: int = 4, rng: Any = None) -> tuple[np.ndarray, ...]:
    """Eigenvalues of ``count`` random ⌊n_s/2⌋-point principal submatrices of a symmetric n_s×n_s submatrix (the
    ``halves`` of the ``TWO_SIZE`` model).

    Parameters
    ----------
    submatrix : array_like
        The symmetric n_s×n_s matrix A[S, S].
    count : int, optional
        Number of random halves (their log-spectra are averaged; 4 by default).
    rng : numpy Generator or seed, optional

    Returns
    -------
    tuple of ndarray
        ``count`` arrays of ⌊n_s/2⌋ eigenvalues each.

    Raises
    ------
    ValueError
        A non-square or non-finite matrix, n_s < 16, count < 1.
    """
    b = np.asarray(submatrix, dtype=float)
    if b.ndim != 2 or b.shape[0] != b.shape[1]:
        raise ValueError(f"submatrix must be square, got shape {b.shape}")
    n_s = _check_int("n_s (the submatrix size)", b.shape[0], 2 * _MIN_FIT)
    count = _check_int("count", count, 1)
    if not np.all(np.isfinite(b)):
        raise ValueError("submatrix has non-finite entries")
    gen = np.random.default_rng(rng)
    out = []
    for _ in range(count):
        t = gen.choice(n_s, n_s // 2, replace=False)
        sub = b[np.ix_(t, t)]
        out.append(np.linalg.eigvalsh(0.5 * (sub + sub.T)))
    return tuple(out)


def decompress_operator(eigenvalues: Any, n_s: int, n: int, *, floor: float | None = None,
                        model: OperatorModel | str = OperatorModel.AUTO, halves: Any = None) -> Empirical:
    r"""Predict the n eigenvalues of a kernel-type matrix from those of a random n_s×n_s principal submatrix.

    Operator (Nyström) scaling of the top ranks, :math:`\hat\lambda_k = r + f(\mu_k - r)` with
    :math:`f = n/n_s`, and for the rest the rank-scaled submatrix curve (``RANK_SCALED``,
    :math:`\hat\lambda_k = r + f\,x(k/f)E(k)/E(k/f)`), the fitted decay envelope (``ENVELOPE``), or the
    rank-fraction scaling exponent learnt from the submatrix and its halves (``TWO_SIZE``,
    :math:`\hat\lambda(un) = r + x(u)f^{b(u)}`); see the module docstring for the models and when each applies.

    Parameters
    ----------
    eigenvalues : array_like or Empirical
        All n_s eigenvalues of the submatrix (any order). They must be ≥ ``floor`` (≥ 0 when no floor is given) up
        to round-off: the route is for positive semi-definite matrices (kernels, Gram matrices, Laplacians).
    n_s : int
        Size of the submatrix, n_s ≥ 16.
    n : int
        Size of the full matrix, n ≥ n_s.
    floor : float, optional
        Known ridge r ≥ 0 of :math:`A = K + rI` with K positive semi-definite; a lower bound of every eigenvalue,
        not scaled by f. Default 0.
    model : OperatorModel or str, optional
        ``"auto"`` (default: ``"two_size"`` when ``halves`` are given, else ``"rank_scaled"``), ``"rank_scaled"``,
        ``"envelope"`` or ``"two_size"`` (needs ``halves``).
    halves : sequence of array_like, optional
        ``TWO_SIZE`` only: eigenvalues of random ⌊n_s/2⌋-point principal submatrices of the submatrix
        (:func:`half_spectra`).

    Returns
    -------
    Empirical
        The n predicted eigenvalues (all ≥ ``floor``, ≥ 0) as a law of size n.

    Raises
    ------
    ValueError
        n_s < 16, n < n_s, a wrong number of eigenvalues, non-finite values, eigenvalues below ``floor`` beyond
        round-off (not positive semi-definite), a negative or non-finite ``floor``, an unknown ``model``,
        ``model="two_size"`` without valid ``halves``.

    References
    ----------
    Koltchinskii & Giné (2000), Bernoulli 6, 113–167 (kernel matrix eigenvalues → integral operator);
    Williams & Seeger (2001), NIPS 13 (Nyström method); Braun (2006), JMLR 7, 2303–2328 (finite-sample error).

    Examples
    --------
    >>> import numpy as np
    >>> from freecalc.operations.operator_decompression import decompress_operator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((400, 2))
    >>> K = np.exp(-np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1)))   # Laplacian kernel
    >>> law = decompress_operator(np.linalg.eigvalsh(K[:100, :100]), 100, 400)
    >>> law.size
    400
    """
    n_s = _check_int("n_s", n_s, 2 * _MIN_FIT)
    n = _check_int("n", n, 1)
    if n < n_s:
        raise ValueError(f"n must be >= n_s (decompression enlarges the matrix), got n = {n} < n_s = {n_s}")
    model = coerce_enum(model, OperatorModel, "model")
    if model is OperatorModel.AUTO:
        model = OperatorModel.RANK_SCALED if halves is None else OperatorModel.TWO_SIZE
    mu = _as_eigenvalues(eigenvalues, n_s)
    r = 0.0 if floor is None else floor
    if isinstance(r, bool) or not isinstance(r, numbers.Real) or not math.isfinite(r) or r < 0:
        raise ValueError(f"floor must be a finite real number >= 0 (the ridge of A = K + floor·I), got {floor!r}")
    r = float(r)
    scale = max(abs(float(mu[0])), r, np.finfo(float).tiny)
    x = mu - r
    if x[-1] < -_PSD_RTOL * scale:
        raise ValueError(f"eigenvalues must be >= floor = {r:g} up to round-off (positive semi-definite part); "
                         f"the smallest is {mu[-1]:.6g}: the operator route applies to positive semi-definite "
                         f"kernel/Gram matrices")
    x = np.maximum(x, 0.0)
    halves_x = _as_halves(halves, n_s, r, scale) if model is OperatorModel.TWO_SIZE else None
    f = n / n_s
    level = _ROUNDOFF * n_s * np.finfo(float).eps * scale
    usable = int(np.sum(x > level))
    if usable < _MIN_FIT:
        # (numerically) low rank: the few operator eigenvalues scale by f, the rest is round-off
        pred = np.zeros(n)
        pred[:usable] = f * x[:usable]
    elif model is OperatorModel.RANK_SCALED:
        pred = _rank_scaled(x, usable, f, n, level)
    elif model is OperatorModel.TWO_SIZE:
        pred = _two_size(x, halves_x, f, n, level)
    else:
        pred = _envelope_tail(x, usable, f, n)
    pred = np.minimum.accumulate(np.maximum(pred, 0.0))  # non-increasing in k, ≥ 0
    return Empirical(r + pred, size=n)
