r"""Unresolved tails: spectra that the sampled submatrix cannot tell apart from the decompressed estimate.

A decompression by a factor f = n/n_s extrapolates the tails of the spectrum: the n_s×n_s submatrix is a free
compression of A, and compression pulls every eigenvalue towards the bulk, so how far the n×n spectrum's tails
reach is only weakly visible in the submatrix. On a log-uniform spectrum over four decades the submatrix starts
at 0.13 while the full matrix starts at 0.001, and a decompression whose left tail is extrapolated to 1e-8 (logdet
60 % off) has compressions as close to the sample as those of the truth. A band for a functional that ignores this
is overconfident exactly where the functional lives in the unresolved tail (logdet, tr A⁻¹, λ_min, λ_max).

Rule (:func:`unresolved_variants`). Let :math:`\hat\lambda_1 \le \dots \le \hat\lambda_n` be the n quantiles of
the estimate. For tail masses :math:`u \in` :data:`LEVELS` and each side, four families of variants change only
the tail beyond the pivot :math:`p = \hat\lambda_{\lceil un\rceil}` (lower side; the upper side is the mirror):

* **clip**: :math:`\lambda_i = \max(\hat\lambda_i, p)` — the tail cut off at the pivot (a shorter tail; the
  highest log-determinant per unit change of the compression, which moves with :math:`\lambda` and not with
  :math:`\log\lambda`);
* **stretch**: the distance to the pivot multiplied by :data:`STRETCH` — in :math:`\log\lambda` for a positive
  spectrum, in :math:`\lambda` otherwise (a longer tail).

Each variant Λ is compared with the estimate through its compressions back to n_s:
:math:`C = V^T\Lambda V` for :data:`DRAWS` Haar–Stiefel frames V (:func:`freecalc.sampling.haar_stiefel`), the
**same** frames for every variant (common random numbers: the difference between two variants' compressions is
then almost free of sampling noise, and a variant differs from the estimate in its tail only, so its compression
is a low-rank update). Statistics of a compressed spectrum (:func:`compression_statistics`): order statistics at
the ranks 1, 5 and at the levels 5, 10, 25, 50, 75, 90, 95 % from both ends, the mean and, for a positive
spectrum, the mean of :math:`\log\lambda`. A variant is **accepted** when every statistic's mean over the draws
moves from the estimate's by at most z times that statistic's noise in **one** sampled submatrix (the standard
deviation over the draws of the estimate's compressions, pooled with the spread over the observed submatrices),
with z the Bonferroni bound of a joint 90 % region over the K statistics (:func:`z_accept`, 2.66 for K = 13):
the estimate is the decompression of one submatrix, and a spectrum whose compressions differ from the estimate's
by less than one submatrix's noise is as consistent with that submatrix as the estimate is. The levels are walked
outwards from the smallest tail; each family stops at its first rejection, then :data:`REFINE` bisection steps
place its boundary between the levels.

The functionals (:mod:`freecalc.functionals`) put the values of the accepted variants — shifted by the
estimate's value minus the reference spectrum's, so that the rule of the functional (e.g. the Tracy–Widom edge)
does not enter twice — inside the band (:func:`freecalc.operations.estimation.estimate_over_repeats` ``include``).
Coverage: ``benchmarks/results/decompression_coverage.md``.

References
----------
Nica & Speicher (2006), Lecture 14 (compressions of invariant matrices are free compressions);
Ameli, van der Heide, Hodgkinson & Mahoney (2025), arXiv:2506.11994 (free decompression).
"""
from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from freecalc.sampling import haar_stiefel

__all__ = ["TailVariant", "UnresolvedTails", "VariantKind", "unresolved_variants", "compression_statistics",
           "z_accept", "LEVELS", "STRETCH", "DRAWS",
           "ACCEPT_LEVEL", "REFINE"]

LEVELS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4)
"""Tail masses u of the variants, walked outwards; 0.4 keeps the pivot below the median on both sides."""

STRETCH = 2.0
"""Factor by which a stretch variant multiplies the distance of the tail to its pivot (log scale when positive)."""

DRAWS = 3
"""Haar frames per call; each costs one QR of an n×n_s Gaussian matrix, shared by all variants."""

ACCEPT_LEVEL = 0.9
"""Joint level of the acceptance region: a variant is accepted when no statistic of its compressions moves by more
than :func:`z_accept` single-submatrix standard deviations from the estimate's (module docstring); with the 13
statistics of a positive spectrum the bound is 2.66."""

REFINE = 2
"""Bisection steps (in log level) between the last accepted and the first rejected level of a family."""

# A statistic whose noise is below this fraction of the spectrum's scale is compared at that floor: pure rounding
# (an exactly reproduced statistic, e.g. the mean of a compression under common frames) is not noise.
_NOISE_FLOOR = 1e-9


class VariantKind(enum.Enum):
    """How a variant changes the estimate's tail (module docstring)."""

    CLIP_LOW = "clip_low"
    STRETCH_LOW = "stretch_low"
    CLIP_HIGH = "clip_high"
    STRETCH_HIGH = "stretch_high"


@dataclass(frozen=True)
class TailVariant:
    """One variant of the reference spectrum: ``kind`` at tail mass ``level``, and its largest standardised move
    ``score`` (accepted when ``score`` is at most :func:`z_accept`)."""

    kind: VariantKind
    level: float
    score: float
    spectrum: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class UnresolvedTails:
    """Result of :func:`unresolved_variants`: the ``reference`` spectrum (the estimate's n quantiles), the
    ``accepted`` variants, the number of variants ``tested`` and the acceptance bound ``z``."""

    reference: np.ndarray = field(repr=False, compare=False)
    accepted: tuple[TailVariant, ...]
    tested: int
    sample_size: int
    z: float


def compression_statistics(spectra: np.ndarray, positive: bool) -> np.ndarray:
    """Statistics of compressed spectra (rows, sorted ascending): order statistics at ranks 1 and 5 and levels 5,
    10, 25, 50, 75, 90, 95 % from each end (the middle shared), the mean and, when ``positive``, the mean log."""
    E = np.atleast_2d(np.asarray(spectra, dtype=float))
    k = E.shape[1]
    ranks = sorted({0, min(4, k - 1), *(int(round(a * (k - 1))) for a in (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)),
                    max(k - 5, 0), k - 1})
    cols = [E[:, ranks], E.mean(axis=1, keepdims=True)]
    if positive:
        cols.append(np.log(E).mean(axis=1, keepdims=True))
    return np.hstack(cols)


def _variant(ref: np.ndarray, kind: VariantKind, level: float, positive: bool) -> tuple[np.ndarray, slice] | None:
    """(variant spectrum, the index range where it differs from ``ref``), or None when the tail is empty."""
    n = ref.size
    m = int(math.ceil(level * n))
    if m < 1 or m >= n // 2:
        return None
    low = kind in (VariantKind.CLIP_LOW, VariantKind.STRETCH_LOW)
    tail = slice(0, m) if low else slice(n - m, n)
    pivot = ref[m] if low else ref[n - m - 1]
    out = ref.copy()
    if kind in (VariantKind.CLIP_LOW, VariantKind.CLIP_HIGH):
        out[tail] = pivot
    elif positive:
        out[tail] = np.exp(math.log(pivot) + STRETCH * (np.log(ref[tail]) - math.log(pivot)))
    else:
        out[tail] = pivot + STRETCH * (ref[tail] - pivot)
    if np.array_equal(out[tail], ref[tail]):
        return None
    return out, tail


def unresolved_variants(reference: Any, sample_size: int, rng: Any = None, *,
                        observed: Sequence[np.ndarray] = (), draws: int = DRAWS) -> UnresolvedTails:
    r"""Tail variants of ``reference`` whose compressions to ``sample_size`` match the reference's within the
    noise of one submatrix (module docstring).

    Parameters
    ----------
    reference : array-like, shape (n,)
        The estimate's n quantiles (finite).
    sample_size : int
        n_s, the size of the sampled submatrix, ``2 <= n_s < n``.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts (the Haar frames).
    observed : sequence of numpy.ndarray
        Eigenvalues of the sampled submatrices (size n_s each); their spread is pooled into the noise scale.
    draws : int
        Number of Haar frames, ``>= 2``.

    Returns
    -------
    UnresolvedTails

    Raises
    ------
    ValueError
        A reference that is not a finite 1-D array, ``sample_size`` outside [2, n), ``draws < 2``, an observed
        spectrum of another size.
    """
    ref = np.sort(np.asarray(reference, dtype=float))
    if ref.ndim != 1 or ref.size < 4 or not np.all(np.isfinite(ref)):
        raise ValueError(f"reference must be a finite 1-D array of at least 4 eigenvalues, got shape {ref.shape}")
    n = ref.size
    if isinstance(sample_size, bool) or not isinstance(sample_size, (int, np.integer)) or not 2 <= sample_size < n:
        raise ValueError(f"sample_size={sample_size!r} is outside the allowed range [2, {n}) (the submatrix size, "
                         f"below the reference size n = {n})")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 2:
        raise ValueError(f"draws={draws!r} must be an integer >= 2 (Haar frames; the noise needs two)")
    obs = [np.sort(np.asarray(o, dtype=float)) for o in observed]
    for o in obs:
        if o.shape != (sample_size,):
            raise ValueError(f"an observed spectrum has shape {o.shape}, expected ({sample_size},)")
    positive = bool(ref[0] > 0) and all(o[0] > 0 for o in obs)
    gen = np.random.default_rng(rng)
    frames = [haar_stiefel(n, int(sample_size), child) for child in gen.spawn(int(draws))]
    base = [V.T @ (ref[:, None] * V) for V in frames]
    stat_ref = compression_statistics(np.array([np.linalg.eigvalsh(C) for C in base]), positive)
    noise = _noise(stat_ref, obs, positive, scale=float(np.max(np.abs(ref))))
    z = z_accept(stat_ref.shape[1])
    tested = 0

    def score(kind: VariantKind, level: float) -> TailVariant | None:
        """The variant at this level with its score, or None when there is none (empty tail, sign change)."""
        nonlocal tested
        made = _variant(ref, kind, level, positive)
        if made is None:
            return None
        spectrum, tail = made
        delta = spectrum[tail] - ref[tail]
        comps = [np.linalg.eigvalsh(C + V[tail].T @ (delta[:, None] * V[tail])) for V, C in zip(frames, base)]
        stats = compression_statistics(np.array(comps), positive)
        tested += 1
        moved = np.abs(stats.mean(axis=0) - stat_ref.mean(axis=0)) / noise
        return TailVariant(kind, level, float(np.max(moved)) if np.all(np.isfinite(moved)) else math.inf, spectrum)

    accepted = []
    for kind in VariantKind:
        last, first_bad = None, None
        for level in LEVELS:
            v = score(kind, level)
            if v is None or v.score > z:
                first_bad = None if v is None else level
                break
            accepted.append(v)
            last = level
        if last is None or first_bad is None:
            continue
        for _ in range(REFINE):  # bisection in log(level) between the last accepted and the first rejected level
            mid = math.sqrt(last * first_bad)
            v = score(kind, mid)
            if v is not None and v.score <= z:
                accepted.append(v)
                last = mid
            else:
                first_bad = mid
    return UnresolvedTails(ref, tuple(accepted), tested, int(sample_size), z)


def z_accept(statistics: int, level: float = ACCEPT_LEVEL) -> float:
    r"""Per-statistic acceptance bound: the Bonferroni bound for ``statistics`` two-sided comparisons at joint
    level ``level``, :math:`\Phi^{-1}(1 - (1 - \ell)/(2K))`."""
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / (2.0 * int(statistics)))


def _noise(stat_ref: np.ndarray, obs: list[np.ndarray], positive: bool, scale: float) -> np.ndarray:
    """Single-submatrix standard deviation of each statistic: the draws' variance pooled with the observed
    submatrices' (degrees of freedom added), floored at rounding level."""
    ss = np.sum((stat_ref - stat_ref.mean(axis=0)) ** 2, axis=0)
    dof = stat_ref.shape[0] - 1
    if len(obs) >= 2:
        so = compression_statistics(np.array(obs), positive)
        ss = ss + np.sum((so - so.mean(axis=0)) ** 2, axis=0)
        dof += len(obs) - 1
    floor = _NOISE_FLOOR * max(scale, np.finfo(float).tiny)
    return np.maximum(np.sqrt(ss / dof), floor)
