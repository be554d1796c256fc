"""AUTO on data: a parametric prediction whose spread exceeds SPREAD_MAX gives way to the numeric route, flagged."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.distances import ks_distance
from freecalc.operations.decompression import SPREAD_MAX, DecompressionWarning


def _submatrix_eigs(A: np.ndarray, n_s: int, seed: int) -> np.ndarray:
    idx = np.sort(np.random.default_rng(seed).choice(A.shape[0], n_s, replace=False))
    return np.linalg.eigvalsh(A[np.ix_(idx, idx)])


def test_large_spread_switches_auto_to_numeric_and_wins() -> None:
    # heavy-tailed covariance with a log-uniform population: the free Meixner family fits 300 eigenvalues (its
    # goodness-of-fit rule accepts) but cannot extrapolate them by 4; measured KS to the truth here: parametric
    # 0.058, numeric 0.0095 (at n_s = 500 of 2000: 0.15-0.17 vs 0.015)
    A = fc.example_matrix("covariance", 1200, rng=0)
    truth = np.linalg.eigvalsh(A)
    E = fc.Empirical(_submatrix_eigs(A, 300, 5), size=300)
    with pytest.warns(DecompressionWarning, match="numeric route was used"):
        auto = E.decompress(1200)
    report = auto.decompression_report
    assert report.route is fc.Route.NUMERIC and report.spread > SPREAD_MAX
    assert "SPREAD_MAX" in report.reason
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DecompressionWarning)
        forced = E.decompress(1200, route="parametric")  # a forced route keeps the fit (flagged)
    assert forced.decompression_report.route is fc.Route.PARAMETRIC
    ks_auto, ks_forced = ks_distance(truth, auto), ks_distance(truth, forced)
    assert ks_auto < 0.03 and ks_forced > 3 * ks_auto, (ks_auto, ks_forced)


def test_small_spread_keeps_the_parametric_route() -> None:
    # Wachter(40, 60) eigenvalues (in the family): spread ~0.013 at factor 4, no warning, parametric kept
    eigs = np.linalg.eigvalsh(fc.Wachter(40, 60).matrix(500, rng=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DecompressionWarning)
        out = fc.Empirical(eigs, size=500).decompress(2000)
    assert out.decompression_report.route is fc.Route.PARAMETRIC
    spread = out.decompression_report.spread
    assert spread is None or 0 < spread < SPREAD_MAX  # None: an exact submodel was snapped to (nothing to spread)
