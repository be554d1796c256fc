r"""Estimation over repeats: one rule for the central value and the band of a quantity estimated several times.

Free decompression of a matrix is repeated on R independent random principal submatrices; every quantity derived
from it (a log-determinant, an extreme eigenvalue, the density at a point) then has R values
:math:`v_1, \dots, v_R`. This module is the single place that turns them into an estimate:

* **band from the repeats**: the :math:`(1-\ell)/2` and :math:`(1+\ell)/2` quantiles of the finite values
  (:math:`\ell` = ``level``, 0.9 by default: the 5–95 % band), linear interpolation between order statistics;
* **model error**: a bias scale :math:`B \ge 0` (from the model self-check, see
  :mod:`freecalc.operations.model_check`) widens each side in quadrature,

  .. math:: \text{low} = c - \sqrt{(c - q_{lo})^2 + B^2}, \qquad \text{high} = c + \sqrt{(q_{hi} - c)^2 + B^2},

  with :math:`c` the central value (spread and model error are treated as independent error sources);
* **unresolved alternatives**: values of other valid estimates of the same quantity from the same data (e.g. a
  second decompression route that the data do not rule out) are put inside the band, ``low ≤ min(include)`` and
  ``high ≥ max(include)``: when two predictions both fit the data, the data cannot say which is right, and a
  quadrature term alone reaches only part of the way to the other one (on a log scale, for positive quantities,
  much less than that downwards);
* **unresolved tails**: when the data cannot tell the estimate from spectra with other tails (variants of the
  estimate's quantile spectrum whose compressions match within the noise of one submatrix,
  :mod:`freecalc.operations.unresolved_tails`), the functional's value on each variant minus its value on the
  estimate's quantile spectrum, :math:`\Delta_j`, is a **systematic** offset the repeats share (every repeat
  extrapolates its tail the same way), so it is added to the band linearly, not in quadrature:
  :math:`\text{high} \mathrel{+}= \max(0, \max_j\Delta_j)`, :math:`\text{low} \mathrel{+}= \min(0,
  \min_j\Delta_j)` — for a positive quantity the lower end is instead multiplied by :math:`\min(1, \min_j
  r_j)`, :math:`r_j` the ratio of the two values, so that it stays positive;
* **density band** (:func:`density_band`): pointwise, the same quantiles of the per-repeat densities, widened
  in quadrature by :math:`2 D_f\,\rho(x)` with :math:`D_f` the self-check KS statistic extrapolated to the
  target factor (total variation ≥ KS, and a relative density error spread evenly over the support has TV equal to
  it; a heuristic scale, not a validated coverage statement);
* **central repeat**: the repeat whose key value (the log-determinant for decompression) is the median — a real
  estimate rather than an average of estimates, robust to one unlucky submatrix (:func:`median_index`);
* **extrapolation of the model error**: an error measured when decompressing by the check factor
  :math:`f_c` (2: half of the submatrix back to its full size) is scaled to the target factor f by
  :math:`\log f / \log f_c` (:func:`extrapolate_error`). Rationale: decompression is the flow
  :math:`\partial_t m = -m + m^{-1}\partial_z m` run for the time :math:`t = \log f`, and a defect of the source
  model is transported along the characteristics, growing to first order linearly in t. The rule is validated by
  ``benchmarks/coverage_decompression.py`` (band coverage of the true log-determinant and λ_min).

Used by :func:`freecalc.operations.matrix_decompression.decompress_matrix` (central repeat),
:mod:`freecalc.functionals` (bands of every functional) and :func:`freecalc.plotting.plot_decompression` (pointwise
density band), and through them by ``freecalc decompress``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["BAND_LEVEL", "CHECK_FACTOR", "Band", "estimate_over_repeats", "band_quantiles", "median_index",
           "extrapolate_error", "widen", "density_band", "tabulated_quantiles"]

BAND_LEVEL = 0.9
"""Nominal coverage of the bands (the 5–95 % quantiles of the repeats)."""

CHECK_FACTOR = 2.0
"""Factor of the model self-check: a random half of the submatrix decompressed back to its full size."""


@dataclass(frozen=True)
class Band:
    """A central value with its band: ``value`` and ``low ≤ value ≤ high`` (None when no value is finite).

    ``spread`` = (low, high) of the repeats alone, ``bias`` = the model-error scale added in quadrature.
    """

    value: float | None
    low: float | None
    high: float | None
    spread: tuple[float, float] | None = None
    bias: float = 0.0


def _check_level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < float(level) < 1:
        raise ValueError(f"level must be a number in (0, 1) (the nominal band coverage), got {level!r}")
    return float(level)


def band_quantiles(values: Any, level: float = BAND_LEVEL, axis: int = 0) -> tuple[Any, Any]:
    """The (1 − level)/2 and (1 + level)/2 quantiles of ``values`` along ``axis`` (NaN/inf ignored).

    For a 1-D input returns two floats (None, None when nothing is finite); for a 2-D input (repeats along
    ``axis``, e.g. densities on a grid) two arrays, pointwise.
    """
    level = _check_level(level)
    qs = ((1 - level) / 2, (1 + level) / 2)
    arr = np.asarray(values, dtype=float)
    if arr.ndim <= 1:
        finite = arr[np.isfinite(arr)] if arr.ndim else arr.reshape(1)
        if finite.size == 0:
            return None, None
        lo, hi = np.quantile(finite, qs)
        return float(lo), float(hi)
    masked = np.where(np.isfinite(arr), arr, np.nan)
    lo, hi = np.nanquantile(masked, qs, axis=axis)
    return lo, hi


def median_index(values: Sequence[float]) -> int:
    """Index of the repeat whose value is the (lower) median of the finite values; 0 when none is finite."""
    v = np.array([math.nan if x is None else float(x) for x in values], dtype=float)
    finite = np.flatnonzero(np.isfinite(v))
    if finite.size == 0:
        return 0
    return int(finite[np.argsort(v[finite], kind="stable")[(finite.size - 1) // 2]])


def extrapolate_error(error: float, factor: float, check_factor: float = CHECK_FACTOR) -> float:
    r"""Scale a model error measured at ``check_factor`` to the target ``factor``: :math:`|e|\log f/\log f_c`.

    A factor of 1 (no decompression) has no model error.
    """
    if not (check_factor > 1):
        raise ValueError(f"check_factor must be > 1, got {check_factor!r}")
    if not (factor >= 1):
        raise ValueError(f"factor must be >= 1 (n / n_s), got {factor!r}")
    return abs(float(error)) * math.log(factor) / math.log(check_factor)


def widen(center: float, low: float, high: float, bias: float) -> tuple[float, float]:
    """Widen the band [low, high] around ``center`` by the error scale ``bias`` in quadrature (module docstring)."""
    b = abs(float(bias))
    lo_w = max(center - low, 0.0)
    hi_w = max(high - center, 0.0)
    return center - math.hypot(lo_w, b), center + math.hypot(hi_w, b)


def estimate_over_repeats(values: Sequence[float], *, center: float | None = None, bias: float = 0.0,
                          level: float = BAND_LEVEL, positive: bool = False, include: Sequence[float] = (),
                          unresolved: Sequence[tuple[float, float]] = ()) -> Band:
    r"""Central value and band of a quantity estimated once per repeat (the rule of the module docstring).

    Parameters
    ----------
    values : sequence of float
        One value per repeat (None/NaN/inf for a repeat where the quantity is undefined: ignored).
    center : float, optional
        The central value (e.g. the value for the central repeat's law); default the median of the finite values.
    bias : float
        Model-error scale (already extrapolated to the target factor), added to each side in quadrature.
    level : float
        Nominal coverage, in (0, 1).
    positive : bool
        The quantity is positive by nature (λ_min and the condition number of a PSD matrix, ...): the rule is
        applied to its logarithm, with the model error as the relative scale :math:`\log(1 + B/c)`, so the band
        stays positive (the upper end is still :math:`\ge c + B`) instead of reaching below 0 when B is large.
    include : sequence of float
        Values the band must contain (other valid estimates the data do not rule out, module docstring);
        non-finite ones are ignored.
    unresolved : sequence of (float, float)
        (value on a variant the data cannot resolve, value on the reference spectrum it varies): the band is
        extended by the offsets (module docstring, "unresolved tails"); pairs with a non-finite member, or with a
        reference value of another sign than its variant's for a positive quantity, are ignored.

    Returns
    -------
    Band
        With ``spread = None`` when fewer than two values are finite (one value has no between-repeat spread;
        the band then comes from ``bias`` alone, or is None when ``bias`` is 0).
    """
    band = _positive_band(values, center, bias, level) if positive else _band(values, center, bias, level)
    extra = [float(v) for v in include if v is not None and math.isfinite(float(v))]
    if band.value is None or not math.isfinite(band.value):
        return band
    if extra:
        low = min([band.value if band.low is None else band.low] + extra)
        high = max([band.value if band.high is None else band.high] + extra)
        band = Band(band.value, low, high, band.spread, band.bias)
    return _extend_unresolved(band, unresolved, positive)


def _extend_unresolved(band: Band, unresolved: Sequence[tuple[float, float]], positive: bool) -> Band:
    """The band extended by the systematic offsets of the unresolved variants (module docstring)."""
    pairs = [(float(v), float(r)) for v, r in unresolved if math.isfinite(float(v)) and math.isfinite(float(r))]
    if positive:
        pairs = [(v, r) for v, r in pairs if v > 0 and r > 0]
    if not pairs:
        return band
    low = band.value if band.low is None else band.low
    high = band.value if band.high is None else band.high
    deltas = [v - r for v, r in pairs]
    high += max(0.0, max(deltas))
    if positive and low > 0:
        low *= min(1.0, min(v / r for v, r in pairs))
    else:
        low += min(0.0, min(deltas))
    return Band(band.value, low, high, band.spread, band.bias)


def _band(values: Sequence[float], center: float | None, bias: float, level: float) -> Band:
    v = np.array([math.nan if x is None else float(x) for x in values], dtype=float)
    finite = v[np.isfinite(v)]
    if center is None:
        if finite.size == 0:
            return Band(None, None, None, None, float(bias))
        center = float(np.median(finite))
    center = float(center)
    if finite.size >= 2:
        lo, hi = band_quantiles(finite, level)
        spread = (lo, hi)
    elif bias > 0 and math.isfinite(center):
        lo = hi = center
        spread = None
    else:
        return Band(center, None, None, None, float(bias))
    low, high = widen(center, min(lo, center), max(hi, center), bias)
    return Band(center, low, high, spread, float(bias))


def _positive_band(values: Sequence[float], center: float | None, bias: float, level: float) -> Band:
    vals = [math.nan if x is None else float(x) for x in values]
    if center is None or not (math.isfinite(center) and center > 0) or any(v <= 0 for v in vals
                                                                          if math.isfinite(v)):
        # not a positive quantity after all (a repeat at or below 0): the additive rule
        return _band(values, center, bias, level)
    log_band = _band([math.log(v) if math.isfinite(v) else math.nan for v in vals],
                     math.log(center), math.log1p(abs(float(bias)) / center), level)
    if log_band.low is None:
        return Band(center, None, None, None, float(bias))
    spread = None if log_band.spread is None else tuple(math.exp(v) for v in log_band.spread)
    return Band(center, math.exp(log_band.low), math.exp(log_band.high), spread, float(bias))


def density_band(law: Any, x: Any, *, replicates: Sequence[Any] | None = None,
                 level: float = BAND_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band of the density of ``law`` on the grid ``x`` (module docstring).

    The repeats are ``replicates`` when given (compared together with ``law``), else
    ``law.decompression_report.repeats``, else ``law.repeats``; the model error comes from
    ``law.decompression_report.model_check`` when it ran. Raises ``ValueError`` when there are fewer than two
    curves and no model error (no band to draw).
    """
    xa = np.asarray(x, dtype=float)
    report = getattr(law, "decompression_report", None)
    if replicates is not None:
        curves = [law, *replicates]
    else:
        curves = list(getattr(report, "repeats", None) or ()) or list(getattr(law, "repeats", None) or ())
    center = np.asarray(law.pdf(xa), dtype=float)
    check = getattr(report, "model_check", None)
    stat = getattr(check, "statistic", math.nan)
    size, n_s = getattr(law, "size", None), None
    pairs = getattr(check, "pairs", ()) or ()
    if pairs:
        n_s = len(pairs[0].eigenvalues)
    rel = 0.0
    if check is not None and math.isfinite(stat) and size and n_s and size >= n_s:
        rel = 2.0 * extrapolate_error(stat, size / n_s, check.check_factor)
    if len(curves) < 2 and rel == 0.0:
        raise ValueError("no density band: the law carries neither repeats nor a model self-check")
    if len(curves) >= 2:
        lo, hi = band_quantiles(np.array([np.asarray(c.pdf(xa), dtype=float) for c in curves]), level)
        lo, hi = np.minimum(lo, center), np.maximum(hi, center)
    else:
        lo, hi = center.copy(), center.copy()
    b = rel * center
    return np.maximum(center - np.hypot(center - lo, b), 0.0), center + np.hypot(hi - center, b)


_TABLE_POINTS = 2048  # cdf evaluations per support interval in tabulated_quantiles


def tabulated_quantiles(law: Any, q: Any, points: int = _TABLE_POINTS) -> np.ndarray:
    r"""Quantiles :math:`F^{-1}(q)` of a law with bounded support from **one** vectorised cdf call.

    The cdf is tabulated on a Chebyshev-spaced grid of ``points`` nodes per support interval (dense at the edges,
    where the density has its square-root or power behaviour) plus both sides of every atom, and inverted by
    monotone linear interpolation. For laws whose cdf is a quadrature of a density solved pointwise (decompressed
    laws), bisection per quantile costs ~64 cdf calls; this costs one. Accuracy: the node spacing, relative
    :math:`\pi^2/(2\,\text{points}^2)` of the interval width at its ends, :math:`\pi/\text{points}` inside.

    Parameters
    ----------
    law : Law
        A law with finite support edges and atoms.
    q : array-like
        Levels in [0, 1].
    points : int
        Grid nodes per support interval.

    Returns
    -------
    numpy.ndarray
        The quantiles, same shape as ``q``.

    Raises
    ------
    ValueError
        A level outside [0, 1], or a support that is not bounded.
    """
    qa = np.asarray(q, dtype=float)
    if np.any(~np.isfinite(qa)) or np.any((qa < 0) | (qa > 1)):
        raise ValueError("tabulated_quantiles: q must lie in [0, 1]")
    t = 0.5 * (1.0 - np.cos(np.linspace(0.0, math.pi, int(points))))
    xs = [a + (b - a) * t for a, b in law.support]
    for loc, _ in law.atoms:
        xs.append(np.array([np.nextafter(loc, -np.inf), loc]))
    x = np.unique(np.concatenate(xs)) if xs else np.zeros(0)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"tabulated_quantiles needs a law with bounded support, got {law!r}")
    F = np.maximum.accumulate(np.clip(np.asarray(law.cdf(x), dtype=float), 0.0, 1.0))
    F[-1] = 1.0
    # the first node where F reaches each level (right-continuous inverse), interpolated from the node before
    k = np.clip(np.searchsorted(F, qa, side="left"), 1, x.size - 1)
    f0, f1 = F[k - 1], F[k]
    w = np.where(f1 > f0, (qa - f0) / np.where(f1 > f0, f1 - f0, 1.0), 1.0)
    out = x[k - 1] + np.clip(w, 0.0, 1.0) * (x[k] - x[k - 1])
    return np.where(qa <= F[0], x[0], out)
