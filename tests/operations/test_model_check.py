"""Model self-check: the null sample of Haar-rotated copies and the calibrated verdict."""
from __future__ import annotations

import math
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import freecalc as fc
from freecalc.operations import model_check as MC


def _free_prediction(n_s: int):
    def predict(half: np.ndarray):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fc.Empirical(half, size=half.size).decompress(n_s)
    return predict


def _mp_spectrum(n: int) -> np.ndarray:
    return np.asarray(fc.MarchenkoPastur(0.3).ppf((np.arange(n) + 0.5) / n))


def test_null_statistics_are_the_half_check_of_a_rotated_copy() -> None:
    lam = _mp_spectrum(200)
    null = MC.null_statistics([lam], _free_prediction(200), rng=1, count=3)
    assert len(null) == 3 and all(0 < s < 1 for s in null)
    # same generator, same sample (the null is seeded like everything else)
    assert null == MC.null_statistics([lam], _free_prediction(200), rng=1, count=3)
    # independent route: the half-check of an actual principal submatrix of a rotated matrix with spectrum lam
    # (A = Q Λ Qᵀ formed explicitly) has the same law; the calibration's MP statistics at n_s = 200 are 0.01–0.02,
    # so both lie below 0.04
    rng = np.random.default_rng(2)
    Q = fc.haar_stiefel(200, 200, rng)
    A = (Q * lam) @ Q.T
    idx = np.sort(rng.choice(200, 100, replace=False))
    direct = MC.check_statistic(lam, _free_prediction(200)(np.linalg.eigvalsh(A[np.ix_(idx, idx)])))
    assert max(null) < 0.04 and direct < 0.04
    # a route that fails predicts nothing: the largest possible statistic, as in the check itself
    assert MC.null_statistics([lam], lambda half: None, rng=0, count=2) == (1.0, 1.0)
    with pytest.raises(ValueError, match="at least one spectrum"):
        MC.null_statistics([], _free_prediction(200), rng=0)


def test_verdict_rule() -> None:
    n_s = 400
    base = MC.threshold_for(n_s)

    def no_null():
        raise AssertionError("the null sample must not be drawn")

    # below the base threshold: passes without drawing the null sample
    assert MC.verdict(0.5 * base, n_s, no_null) == (True, base, ())
    # above the ceiling, or not finite: fails without it (a useless prediction, whatever the cause)
    assert MC.verdict(MC.CEILING + 0.01, n_s, no_null)[0] is False
    assert MC.verdict(math.nan, n_s, no_null)[0] is False
    # in between: judged against the null sample of this spectrum
    null = [0.10, 0.12, 0.11, 0.09]
    thr = MC.calibrated_threshold(n_s, null)
    assert thr == pytest.approx(MC.NULL_MARGIN * np.quantile(null, MC.NULL_QUANTILE))
    assert MC.verdict(0.99 * thr, n_s, lambda: null) == (True, thr, tuple(null))
    assert MC.verdict(1.01 * thr, n_s, lambda: null)[0] is False
    # the calibrated threshold never drops below the base one nor rises above the ceiling
    assert MC.calibrated_threshold(n_s, [0.0] * 4) == base
    assert MC.calibrated_threshold(n_s, [0.9] * 4) == MC.CEILING
    assert MC.calibrated_threshold(n_s, []) == base


def _two_bulk(n: int) -> np.ndarray:
    k = int(0.7 * n)
    sc = fc.Semicircle(1.0)
    return np.concatenate([1.0 + 0.5 * np.asarray(sc.ppf((np.arange(k) + 0.5) / k)),
                           6.0 + np.asarray(sc.ppf((np.arange(n - k) + 0.5) / (n - k)))])


@pytest.mark.slow
def test_calibration_separates_a_hard_invariant_spectrum_from_block_structure() -> None:
    # The two cases the fixed threshold 2/√n_s got wrong in opposite directions (benchmarks/results/
    # model_check.md): a two-bulk spectrum at factor 2 (invariant: the half-check misses by ~0.1 because the gap
    # closes in the half) and a block-diagonal matrix (structured, statistic of the same size).
    n_s = 200
    rng = np.random.default_rng(5)
    B_inv = fc.submatrix_of_invariant(_two_bulk(2 * n_s), n_s, rng)
    law = fc.decompress_matrix(B_inv, n_s, repeats=1, rng=3)
    mc = law.decompression_report.model_check
    assert mc.statistic > MC.threshold_for(n_s)  # the fixed base threshold alone would raise a false alarm
    assert mc.passed is True and len(mc.null_statistics) == MC.NULL_SAMPLES and mc.threshold > mc.statistic
    # the null sample is drawn on the driver's generators: a client (one task per null statistic) gives the same one
    with ThreadPoolExecutor(max_workers=2) as pool:
        par = fc.decompress_matrix(B_inv, n_s, repeats=1, rng=3, client=pool).decompression_report.model_check
    assert par.null_statistics == mc.null_statistics and par.passed is True
    # block diagonal: 4 invariant blocks of different scales (structure tied to the coordinates)
    blocks = []
    for b, k in enumerate((50, 50, 50, 50)):
        X = rng.standard_normal((k, 3 * k + 1))
        blocks.append(4.0 ** b * (X @ X.T) / (3 * k + 1))
    B = np.zeros((n_s, n_s))
    for b, blk in enumerate(blocks):
        B[50 * b:50 * (b + 1), 50 * b:50 * (b + 1)] = blk
    perm = rng.permutation(n_s)
    with pytest.warns(fc.ModelCheckWarning):
        law = fc.decompress_matrix(B[np.ix_(perm, perm)], n_s, repeats=1, rng=3)
    mc = law.decompression_report.model_check
    assert mc.passed is False and mc.statistics and dict(mc.route_statistics)["free"] > mc.threshold
