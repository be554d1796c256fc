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
median ignores one failed fit). Threshold (:func:`threshold_for`): :math:`c/\sqrt{n_s}` floored at
:data:`THRESHOLD_MIN`, with c calibrated by ``benchmarks/calibrate_model_check.py`` (results and the false-alarm
and detection rates in ``benchmarks/results/model_check.md``) so that fewer than 5 % of invariant matrices fail.

A failed check is reported (``law.decompression_report.model_check.passed is False``) and warned about
(:class:`ModelCheckWarning`); it never changes the answer silently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from freecalc.laws.base import Law
from freecalc.laws.distances import ks_distance

__all__ = ["ModelCheck", "CheckPair", "ModelCheckWarning", "threshold_for", "check_statistic", "NOT_RUN",
           "THRESHOLD_C", "THRESHOLD_MIN", "HALVES"]

THRESHOLD_C = 2.0
"""c in the pass threshold c/√n_s of the median KS statistic. Calibrated (``benchmarks/results/model_check.md``,
one repeat = 2 halves per run, n_s = 200/400/800): every one of 90 structured matrices (kernels of low-dimensional
data, geometric graphs, block-diagonal) fails (statistics ≥ 0.105, mostly > 0.2); invariant matrices fail in
0 % / 8 % / 5 % of runs at n_s = 200 / 400 / 800 — where they fail, the half-size prediction really is off (two
bulks whose gap closes in the half, a heavy power-law tail), i.e. the route, not the model, is unreliable there.
A larger c would miss structured matrices (c = 3: 73 % detected at n_s = 200)."""

THRESHOLD_MIN = 0.03
"""Floor of the threshold (binding only for n_s > 4444, beyond the calibrated sizes): invariant statistics at
n_s = 800 are ≤ 0.01 except where the route itself fails, structured ones ≥ 0.1; the floor keeps a margin of 3× above
the former for larger samples, where the half-size fits are limited by smoothing rather than by n_s."""

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
    """Result of the model self-check (module docstring).

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


NOT_RUN = ModelCheck(
    None, math.nan, math.nan,
    "not run: the self-check sub-samples the submatrix, so it needs the matrix, not only its eigenvalues; "
    "use fc.decompress_matrix(A, n_s) to check that free decompression applies to A",
)
"""The model check of a decompression made from eigenvalues alone (``fc.Empirical(eigs).decompress(n)``)."""


def threshold_for(n_s: int) -> float:
    r"""Pass threshold of the median self-check KS distance for an n_s×n_s submatrix: :math:`\max(c/\sqrt{n_s},
    \text{THRESHOLD\_MIN})` (see ``benchmarks/results/model_check.md`` for the calibration)."""
    if n_s < 1:
        raise ValueError(f"n_s must be a positive integer, got {n_s!r}")
    return max(THRESHOLD_C / math.sqrt(n_s), THRESHOLD_MIN)


def check_statistic(eigenvalues: np.ndarray, law: Law) -> float:
    """KS distance between the law predicted for a submatrix and the submatrix's actual eigenvalues."""
    return ks_distance(np.asarray(eigenvalues, dtype=float), law)
