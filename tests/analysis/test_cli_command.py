"""``freecalc analyze``: every output format parses back to the library's table; bad input is one error line and
exit status 2."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import save_file

import freecalc as fc
from freecalc.cli import main


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    save_file({"a.weight": rng.standard_normal((90, 30)).astype(np.float32), "a.bias": np.zeros(90, np.float32),
               "b.weight": rng.standard_t(2.5, size=(30, 90)).astype(np.float32)}, str(path))
    return path


@pytest.fixture(scope="module")
def expected(model_file):
    return fc.analyze(model_file, progress=False)


def test_json(model_file, expected, capsys):
    assert main(["analyze", str(model_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == str(model_file)
    assert [r["name"] for r in out["layers"]] == list(expected["name"]) == ["a.weight", "b.weight"]
    assert [r["alpha"] for r in out["layers"]] == pytest.approx(list(expected["alpha"]), rel=1e-12)
    assert out["skipped"] == [{"name": "a.bias", "reason": "1-D (bias or norm)"}]
    assert set(out["layers"][0]) == set(expected.columns)


def test_csv(model_file, expected, capsys):
    assert main(["analyze", str(model_file), "--csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(df.columns) == list(expected.columns)
    np.testing.assert_allclose(df["log_norm"], expected["log_norm"], rtol=1e-12)


def test_markdown_and_default(model_file, capsys):
    assert main(["analyze", str(model_file), "--markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| name | shape | n_eigs | law | alpha |")
    assert lines[1].startswith("|---|") and len(lines) == 4
    assert lines[2].startswith("| a.weight | 90x30 | 30 |")
    assert main(["analyze", str(model_file)]) == 0
    out = capsys.readouterr().out
    assert "a.weight" in out and "2 matrices analysed, 1 tensors skipped" in out


def test_formats_are_exclusive(model_file, capsys):
    assert main(["analyze", str(model_file), "--json", "--csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("freecalc: error: analyze: argument --csv: not allowed with argument --json")


def test_plot(model_file, tmp_path, capsys):
    assert main(["analyze", str(model_file), "--plot", str(tmp_path / "figs")]) == 0
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["000_a.weight.png", "001_b.weight.png"]


@pytest.mark.parametrize("content, name, fragment", [
    (None, "missing.safetensors", "no such file or directory"),
    (b"garbage bytes here", "bad.safetensors", "is not a safetensors file"),
    (b"1 2 3", "weights.txt", "unknown model file type '.txt'"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, name, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["analyze", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("freecalc: error: ") and fragment in lines[0]
    assert captured.out == ""


def test_no_matrices_and_bad_dtype(tmp_path, capsys):
    save_file({"bias": np.zeros(10, np.float32)}, str(tmp_path / "b.safetensors"))
    assert main(["analyze", str(tmp_path / "b.safetensors")]) == 2
    assert "no weight matrices to analyse" in capsys.readouterr().err
    save_file({"q.weight": np.ones((20, 20), np.int8)}, str(tmp_path / "q.safetensors"))
    assert main(["analyze", str(tmp_path / "q.safetensors")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("freecalc: error: tensor 'q.weight' of shape (20, 20) has dtype int8")


def test_tail_only(model_file, expected, capsys):
    assert main(["analyze", str(model_file), "--tail-only", "--json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    assert [r["alpha"] for r in layers] == pytest.approx(list(expected["alpha"]), rel=1e-12)
    assert all(r["law"] is None and r["phase"] is None for r in layers)
