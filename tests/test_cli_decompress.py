"""``freecalc decompress``: the model self-check on the command line (one WARNING line, exit 0), --no-check, --floor."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import freecalc as fc
from freecalc.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def kernel_npy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # RBF kernel of 2-d points + 0.01 I: its principal submatrices are kernels of fewer points, not free
    # compressions, and the self-check fails by a wide margin (statistic > 0.2, threshold ~0.1 at n_s = 150)
    X = np.random.default_rng(5).standard_normal((600, 2))
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    path = tmp_path_factory.mktemp("clidec") / "kernel.npy"
    np.save(path, np.exp(-d2 / 2.0) + 0.01 * np.eye(600))
    return path


@pytest.fixture(scope="module")
def wishart_npy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clidec") / "wishart.npy"
    np.save(path, fc.MarchenkoPastur(0.25).matrix(600, np.random.default_rng(0)))
    return path


def test_failed_model_check_prints_one_warning_line_and_exits_0(capsys, kernel_npy: Path) -> None:
    code, out, err = run(capsys, "decompress", str(kernel_npy), "--sample", "150", "--seed", "0", "--floor", "0.01")
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("WARNING: model check failed"), err
    assert "Traceback" not in err and "ModelCheckWarning" not in err
    assert "model check        FAILED" in out


def test_no_check_on_the_kernel_is_a_failed_computation(capsys, kernel_npy: Path) -> None:
    # without the check only the free route runs, and it finds no probability measure for this kernel spectrum
    code, out, err = run(capsys, "decompress", str(kernel_npy), "--sample", "150", "--seed", "0", "--floor", "0.01",
                         "--no-check")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and "free route failed on every sampled submatrix" in lines[0], err


def test_no_check_prints_no_warning(capsys, wishart_npy: Path) -> None:
    code, out, err = run(capsys, "decompress", str(wishart_npy), "--sample", "150", "--to", "600", "--seed", "0",
                         "--no-check", "--json")
    assert code == 0, err
    assert "WARNING" not in err
    rep = json.loads(out)
    assert rep["model_check"]["passed"] is None and rep["floor"] is None


def test_passing_check_in_json(capsys, wishart_npy: Path) -> None:
    code, out, err = run(capsys, "decompress", str(wishart_npy), "--sample", "150", "--to", "600", "--repeats", "2",
                         "--seed", "1", "--json")
    assert code == 0, err
    assert "WARNING" not in err
    rep = json.loads(out)
    mc = rep["model_check"]
    assert mc["passed"] is True and mc["route"] == "free" and 0 < mc["statistic"] <= mc["threshold"]
    b = rep["logdet"]
    assert b["low"] < b["value"] < b["high"] and b["model_error"] > 0 and len(b["replicates"]) == 2


def test_floor_above_the_sampled_minimum_is_one_error_line(capsys, wishart_npy: Path) -> None:
    code, out, err = run(capsys, "decompress", str(wishart_npy), "--sample", "50", "--floor", "100", "--seed", "0")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("freecalc: error: floor=100"), err
