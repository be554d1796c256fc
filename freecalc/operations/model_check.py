r"""Model self-check of free decompression: does the sampled submatrix behave like a free compression?

Free decompression assumes that a random principal submatrix :math:`A[S,S]` (size :math:`n_s`) of A has the law
of the free compression of A's law. That holds for matrices in generic position with respect to the coordinate
basis (orthogonally invariant and Wigner-type matrices, sample covariances with a generic population basis) and
fails for matrices tied to the coordinates (kernel matrices of low-dimensional data, sparse graphs, block
structure). The assumption can be tested from :math:`A[S,S]` alone, because a random principal submatrix of a
random principal submatrix is again one: take H random halves :math:`T \subset S`, :math:`|T| = n_s/2`, decompress
the eigenvalues of :math:`A[T,T]` back to size :math:`n_s` by the same route, and compare the predicted law with the
actual eigenvalues of :math:`A[S,S]`.

Statistic: the Kolmogorov–Smirnov distance between the predicted cdf and the empirical spectral distribution of
:math:`A[S,S]` (:func:`freecalc.laws.distances.ks_distance`), **median** over all halves of all repeats (the
median ignores one failed fit).

Verdict, calibrated per case. How far the half-size prediction misses depends on the spectrum itself (two bulks
whose gap closes in the half, a heavy tail, a near-atom are predicted worse than a single bulk even when the model
holds), so one fixed threshold either misses structure on easy spectra or raises false alarms on hard ones. Under
the free model B = A[S,S] is itself orthogonally invariant in law, :math:`B \overset{d}{=} Q\Lambda Q^T` with Q Haar
and Λ its eigenvalues; so the statistic's null distribution *for this very spectrum* is sampled by running the same
half-check on :math:`Q\Lambda Q^T` for a few Haar-random Q (:func:`null_statistics`: the half is
:math:`V^T\Lambda V` with V an :math:`n_s\times n_s/2` Haar–Stiefel frame, :math:`O(n_s^3)`, no n×n matrix).
The check passes (:func:`verdict`) when

* the statistic is at most :func:`threshold_for` :math:`= \max(c/\sqrt{n_s}, \text{THRESHOLD\_MIN})` (small
  enough that no spectrum needs a null: the null samples are then not even drawn), or
* it is at most :data:`NULL_MARGIN` times the :data:`NULL_QUANTILE` of :data:`NULL_SAMPLES` null statistics
  (:func:`calibrated_threshold`) and below :data:`CEILING` (a prediction that misses by more is useless whatever
  the cause, e.g. a route that fails on this spectrum).

c, :data:`NULL_MARGIN` and :data:`CEILING` are calibrated by ``benchmarks/calibrate_model_check.py`` (results and
the false-alarm and detection rates in ``benchmarks/results/model_check.md``).

A failed check is reported (``law.decompression_report.model_check.passed is False``) and warned about
(:class:`ModelCheckWarning`); it never changes the answer silently.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from freecalc.laws.base import Law
from freecalc.laws.distances import ks_distance
from freecalc.operations.unresolved_tails import UnresolvedTails
from freecalc.sampling import submatrix_of_invariant

__all__ = ["ModelCheck", "CheckPair", "ModelCheckWarning", "threshold_for", "check_statistic", "NOT_RUN",
           "THRESHOLD_C", "THRESHOLD_MIN", "HALVES", "NULL_SAMPLES", "BOOTSTRAP_SAMPLES", "NULL_QUANTILE",
           "NULL_MARGIN", "CEILING", "null_statistics",
           "calibrated_threshold", "verdict"]

THRESHOLD_C = 0.6
"""c in the threshold c/√n_s below which the check passes without drawing the null sample. Calibrated
(``benchmarks/results/model_check.md``): single-bulk invariant spectra (Marchenko–Pastur, semicircle, Wishart and
Wigner blocks) have statistics 0.004–0.016 at n_s = 200–800, below 0.6/√n_s (and the floor), so they pay nothing
extra; every structured matrix of the calibration is above 0.12."""

THRESHOLD_MIN = 0.03
"""Floor of :func:`threshold_for` (binding for n_s > 400 at c = 0.6): single-bulk invariant statistics at
n_s = 800 are ≤ 0.01; the floor spares them the null sample."""

NULL_SAMPLES = 8
"""Haar-rotated copies of the sampled spectrum whose half-check statistics form the null sample (cycling through
the repeats' spectra); each costs one decompression n_s/2 → n_s."""

NULL_QUANTILE = 1.0
"""Quantile of the null sample that :data:`NULL_MARGIN` multiplies: its largest value. The null distribution of a
hard spectrum can be bimodal (a Pareto tail at n_s = 400: six rotated copies at 0.01, two at 0.09 and 0.14, the
sampled matrix at 0.066), so the median would raise false alarms exactly where the route is erratic."""

NULL_MARGIN = 1.1
"""The statistic passes when at most this multiple of the largest null statistic. Calibrated between the closest
cases of the two kinds: a geometric-graph Laplacian at n_s = 800 (0.123 against a null maximum of 0.099: ratio
1.24, must fail) and a Pareto spectrum at n_s = 200 (0.073 against 0.077: ratio 0.94, must pass)."""

BOOTSTRAP_SAMPLES = 2
"""Replicates of the target-factor parametric bootstrap (:attr:`ModelCheck.bootstrap`); each costs one
decompression n_s → n and one n×n_s Haar frame."""

CEILING = 0.15
"""A median miss above this KS distance fails whatever the null sample says: a sparse geometric-graph Laplacian at
n_s = 200 (0.176) is as far from its prediction as its own rotated copies are (null maximum 0.176), so only an
absolute bound catches it; a half-size prediction missing by more than 0.15 is useless whatever the cause."""

HALVES = 2
"""Random halves per repeat: with R repeats the statistic is the median of 2R KS distances."""


class ModelCheckWarning(UserWarning):
    """The sampled submatrix does not behave like a free compression: the decompressed spectrum is not reliable."""


@dataclass(frozen=True)
class CheckPair:
    """One self-check: the law predicted for the n_s×n_s submatrix from a random half, and its actual spectrum."""

    law: Law
    eigenvalues: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class ModelCheck:
    r"""Result of the model self-check (module docstring).

    Attributes
    ----------
    passed : bool or None
        Whether A[S,S] behaves like a free compression: True/False when the free route's statistic is ≤ / > the
        threshold (also when another route was then chosen: its statistic is not judged against a threshold
        calibrated for free decompression). None: no verdict (``reason`` says why: no matrix, e.g.
        ``fc.Empirical(eigs).decompress(n)``, which has only eigenvalues and cannot sub-sample; ``check=False``;
        or a non-free route forced with ``route=``).
    statistic : float
        Median KS distance of the route used (NaN when not run).
    threshold : float
        Pass threshold for this n_s (:func:`threshold_for`).
    reason : str
        One sentence: what was measured, and what to do when it failed.
    route : str or None
        Route whose prediction was checked (and chosen), e.g. ``"free"`` or ``"operator"``.
    route_statistics : tuple of (str, float)
        Median KS statistic of every route that was self-checked.
    statistics : tuple of float
        The per-half KS distances of the chosen route.
    pairs : tuple of CheckPair
        Predicted laws and actual spectra of the chosen route (used to estimate the model error of functionals).
    check_factor : float
        Factor of the self-check (2: half → full submatrix).
    null_statistics : tuple of float
        Statistics of the same half-check on Haar-rotated copies of the sampled spectra (the null sample of
        :func:`calibrated_threshold`); empty when the statistic passed below :func:`threshold_for` without them.
    bootstrap : tuple of CheckPair
        Parametric bootstrap at the target factor (free route only): the central estimate's n quantiles Λ̂ as
        ``eigenvalues``, and as ``law`` the same route's decompression to n of a random n_s-compression of
        :math:`Q\hat\Lambda Q^T` (:data:`BOOTSTRAP_SAMPLES` of them). How far the functionals of these laws move from
        those of the estimate is the method's error at this factor on a spectrum like the estimate — large where
        decompression is unstable (a tail extrapolated over decades), which the factor-2 self-check cannot see.
    alternative : tuple of CheckPair
        When the free route's automatic choice rejected the parametric prediction because its spread showed that
        the data do not pin the prediction down at this factor (and ran the numeric route instead), that
        parametric decompression of the central repeat's eigenvalues (``law``; ``eigenvalues`` = those of the
        sampled submatrix). Two valid free decompressions of the same data that disagree measure what the data
        cannot resolve (e.g. a gap closed in the submatrix): the functionals' bands (:mod:`freecalc.functionals`)
        add the difference in quadrature and stretch to contain the alternative's value; empty otherwise.
    unresolved : UnresolvedTails or None
        For a numeric (non-parametric) free decompression: the variants of the estimate's n quantiles whose tails
        the sampled submatrix cannot resolve (:func:`freecalc.operations.unresolved_tails.unresolved_variants`);
        the functionals' bands extend to their values. None otherwise (a parametric decompression's tails follow
        from its fitted parameters, whose uncertainty the bootstrap measures).
    """

    passed: bool | None
    statistic: float
    threshold: float
    reason: str
    route: str | None = None
    route_statistics: tuple[tuple[str, float], ...] = ()
    statistics: tuple[float, ...] = ()
    pairs: tuple[CheckPair, ...] = field(default=(), repr=False, compare=False)
    check_factor: float = 2.0
    null_statistics: tuple[float, ...] = ()
    bootstrap: tuple[CheckPair, ...] = field(default=(), repr=False, compare=False)
    alternative: tuple[CheckPair, ...] = field(default=(), repr=False, compare=False)
    unresolved: UnresolvedTails | None = field(default=None, repr=False, compare=False)


NOT_RUN = ModelCheck(
    None, math.nan, math.nan,
    "not run: the self-check sub-samples the submatrix, so it needs the matrix, not only its eigenvalues; "
    "use fc.decompress_matrix(A, n_s) to check that free decompression applies to A",
)
"""The model check of a decompression made from eigenvalues alone (``fc.Empirical(eigs).decompress(n)``)."""


def threshold_for(n_s: int) -> float:
    r"""Threshold below which the median self-check KS distance of an n_s×n_s submatrix passes without a null
    sample: :math:`\max(c/\sqrt{n_s}, \text{THRESHOLD\_MIN})` (calibration: ``benchmarks/results/model_check.md``).
    """
    if n_s < 1:
        raise ValueError(f"n_s must be a positive integer, got {n_s!r}")
    return max(THRESHOLD_C / math.sqrt(n_s), THRESHOLD_MIN)


def check_statistic(eigenvalues: np.ndarray, law: Law) -> float:
    """KS distance between the law predicted for a submatrix and the submatrix's actual eigenvalues."""
    return ks_distance(np.asarray(eigenvalues, dtype=float), law)


def null_statistics(spectra: Sequence[np.ndarray], predict: Callable[[np.ndarray], Law | None], rng: Any,
                    count: int = NULL_SAMPLES) -> tuple[float, ...]:
    r"""Half-check statistics of Haar-rotated copies of the sampled spectra: the null sample of the check.

    For sample i the spectrum Λ = ``spectra[i % len(spectra)]`` (size n_s) is compressed to a random half of
    :math:`Q\Lambda Q^T`, Q Haar (:func:`freecalc.sampling.submatrix_of_invariant`), whose eigenvalues are passed
    to ``predict`` (the route under test, decompressing n_s/2 → n_s); the KS distance of its prediction to Λ is the
    statistic the check would see if A were orthogonally invariant with this spectrum.

    Parameters
    ----------
    spectra : sequence of numpy.ndarray
        Sorted eigenvalues of the sampled n_s×n_s submatrices (one per repeat).
    predict : callable
        ``predict(half_eigenvalues) -> Law`` of size n_s, or None when the route fails (statistic 1, as in the
        check itself).
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.
    count : int
        Number of null samples.

    Returns
    -------
    tuple of float
        ``count`` KS distances.

    References
    ----------
    Nica & Speicher (2006), Lecture 14 (compressions of invariant matrices are free compressions).
    """
    if not spectra:
        raise ValueError("null_statistics needs at least one spectrum")
    gen = np.random.default_rng(rng)
    out = []
    for i in range(int(count)):
        lam = np.asarray(spectra[i % len(spectra)], dtype=float)
        half = np.linalg.eigvalsh(submatrix_of_invariant(lam, lam.size // 2, gen))
        pred = predict(half)
        out.append(1.0 if pred is None else check_statistic(lam, pred))
    return tuple(out)


def calibrated_threshold(n_s: int, null: Sequence[float]) -> float:
    """Pass threshold of the median statistic given the null sample: ``max(threshold_for(n_s), NULL_MARGIN ·
    quantile(null, NULL_QUANTILE))``, capped at :data:`CEILING` (module docstring)."""
    base = threshold_for(n_s)
    finite = [float(v) for v in null if math.isfinite(v)]
    if not finite:
        return base
    return max(base, min(NULL_MARGIN * float(np.quantile(finite, NULL_QUANTILE)), CEILING))


def verdict(statistic: float, n_s: int, null: Callable[[], Sequence[float]]) -> tuple[bool, float, tuple[float, ...]]:
    """(passed, threshold, null sample) of a median statistic; ``null()`` is called only when the statistic exceeds
    :func:`threshold_for` and stays at most :data:`CEILING` (module docstring)."""
    base = threshold_for(n_s)
    if not math.isfinite(statistic):
        return False, base, ()
    if statistic <= base:
        return True, base, ()
    if statistic > CEILING:
        return False, base, ()
    sample = tuple(float(v) for v in null())
    thr = calibrated_threshold(n_s, sample)
    return bool(statistic <= thr), thr, sample
