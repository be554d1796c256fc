"""freecalc.example_matrices and ``freecalc example``: each kind has the spectrum (or the model-check verdict) its
description promises."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import freecalc as fc
from freecalc.cli import main
from freecalc.laws.distances import ks_distance

# KS between the eigenvalues of one n = 600 matrix and its limit law: rigidity makes it O(log n / n) ≈ 0.01 in the
# bulk, and the finite-n edge adds a little; 0.03 fails a wrong law (MP(0.25) vs MP(0.3) is 0.05) and passes noise.
KS_LIMIT = 0.03


@pytest.mark.parametrize("kind", list(fc.ExampleKind))
def test_every_kind_is_exactly_symmetric_and_seeded(kind: fc.ExampleKind) -> None:
    A = fc.example_matrix(kind, 64, rng=3)
    assert A.shape == (64, 64) and A.dtype == np.float64
    assert np.array_equal(A, A.T) and np.all(np.isfinite(A))
    assert np.array_equal(A, fc.example_matrix(kind.value, 64, rng=3))
    assert not np.array_equal(A, fc.example_matrix(kind, 64, rng=4))


def test_wishart_is_marchenko_pastur() -> None:
    eigs = np.linalg.eigvalsh(fc.example_matrix("wishart", 600, ratio=0.25, rng=0))
    assert ks_distance(eigs, fc.MarchenkoPastur(0.25)) < KS_LIMIT
    assert ks_distance(eigs, fc.MarchenkoPastur(0.3)) > KS_LIMIT  # the test can tell the ratio


def test_wigner_is_semicircle() -> None:
    eigs = np.linalg.eigvalsh(fc.example_matrix("wigner", 600, rng=0))
    assert ks_distance(eigs, fc.Semicircle(2)) < KS_LIMIT
    assert ks_distance(eigs, fc.Semicircle(2.2)) > KS_LIMIT


@pytest.mark.slow  # three matrix decompressions of n = 1200 with their model checks: ~7 s
def test_covariance_decompresses_and_structured_kinds_are_flagged() -> None:
    # the covariance kind is a free compression model: the check passes and the estimate matches eigvalsh; the
    # time-series and kernel kinds are not, and the check must say so (ModelCheckWarning)
    n, sample = 1200, 300
    A = fc.example_matrix("covariance", n, rng=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fc.DecompressionWarning)  # spread flag of the parametric candidate
        warnings.simplefilter("error", fc.ModelCheckWarning)
        law = fc.decompress_matrix(A, sample, repeats=2, rng=2)
    assert law.decompression_report.model_check.passed
    # KS of a factor-4 decompression from 300 eigenvalues: measured 0.02-0.03; 0.06 still rejects the
    # undecompressed submatrix law (0.15+)
    assert ks_distance(np.linalg.eigvalsh(A), law) < 0.06
    for kind in ("time-series", "kernel"):
        with pytest.warns(fc.ModelCheckWarning):
            bad = fc.decompress_matrix(fc.example_matrix(kind, n, rng=1), sample, repeats=1, rng=2)
        assert bad.decompression_report.model_check.passed is False


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"kind": "nope"}, "kind='nope'"),
    ({"n": 10}, "n must be an integer in [32, 32768]"),
    ({"n": 100.5}, "n must be an integer"),
    ({"ratio": 0.0}, "ratio=0.0 must be a number in (0, 100]"),
    ({"ratio": float("nan")}, "ratio=nan"),
    ({"ratio": True}, "ratio=True"),
])
def test_bad_input_names_the_parameter(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError) as err:
        fc.example_matrix(**{"kind": "wishart", "n": 64, **kwargs})
    assert fragment in str(err.value)


def test_cli_example_then_decompress(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    out = tmp_path / "m.npy"
    assert main(["example", str(out), "--kind", "wishart", "--n", "400", "--ratio", "0.25", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out}" in text and "freecalc decompress" in text
    A = np.load(out)
    assert np.array_equal(A, fc.example_matrix("wishart", 400, ratio=0.25, rng=1))
    assert main(["decompress", str(out), "--sample", "100", "--seed", "0"]) == 0
    assert "model check" in capsys.readouterr().out


def test_cli_example_bad_output_name(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert main(["example", str(tmp_path / "m.txt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "OUT must end in .npy" in err[0]
