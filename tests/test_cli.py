"""The ``freecalc`` command line: every subcommand on small inputs, bad input → one line on stderr + exit status."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import freecalc as fc
from freecalc.expressions import ExpressionError, parse_expression
from freecalc.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, expected_status: int, *fragments: str) -> None:
    assert status == expected_status, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("freecalc: error: "), err
    assert "Traceback" not in err
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])


# ----------------------------------------------------------------------------------------------------------------
# the expression parser
# ----------------------------------------------------------------------------------------------------------------
def test_parser_builds_laws_and_arithmetic() -> None:
    assert parse_expression("MarchenkoPastur(1/50, size=1000)") == fc.MarchenkoPastur(0.02, size=1000)
    assert parse_expression("Semicircle(r=2**0.5 * 2)") == fc.Semicircle(2 * math.sqrt(2))
    law = parse_expression("-(2 * Semicircle(1)) + 1")
    assert law.support == ((-1.0, 3.0),)
    # decompress(law, n) reads like law.decompress(n)
    assert parse_expression("decompress(MarchenkoPastur(0.5, size=10), 40)") == fc.MarchenkoPastur(2.0, size=40)


@pytest.mark.parametrize("text, fragment", [
    ("__import__('os').system('echo hacked')", "only calls of plain names"),
    ("__import__('os')", "unknown name '__import__'"),
    ("Semicircle(1).pdf", "attribute"),
    ("Semicircle.__init__", "attribute"),
    ("open('x')", "unknown name 'open'"),
    ("(lambda: 1)()", "only calls of plain names"),
    ("[x for x in (1, 2)]", "listcomp"),
    ("Semicircle('2')", "only numbers"),
    ("Semicircle(*[1])", "*args"),
    ("Semicircle(**{'r': 1})", "**kwargs"),
    ("Semicircle(1) + Semicircle(2)", "free_add"),
    ("Semicircle(1) * MarchenkoPastur(1)", "free_mul"),
    ("1 / Semicircle(1)", "inverse"),
    ("Semicircle(1) ** 2", "power("),
    ("10 ** 10 ** 10", "out of range"),
    ("Semicircle", "must be called"),
    ("Semicircle(1", "syntax error"),
    ("", "empty"),
    ("1 // 2", "FloorDiv"),
    ("x", "unknown name 'x'"),
])
def test_parser_rejects(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert fragment in str(info.value)


def test_parser_never_evaluates_python() -> None:
    # a side effect that eval() would perform must not happen
    marker = ROOT / "tests" / "_cli_marker_should_not_exist"
    with pytest.raises(ExpressionError):
        parse_expression(f"open({str(marker)!r}, 'w')")
    assert not marker.exists()
    with pytest.raises(ExpressionError, match="too long|at most"):
        parse_expression("1+" * 2000 + "1")


# ----------------------------------------------------------------------------------------------------------------
# freecalc law
# ----------------------------------------------------------------------------------------------------------------
def test_law_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "law", "Semicircle(2)", "--json")
    assert status == 0, err
    info = json.loads(out)
    assert info["support"] == [[-2.0, 2.0]]
    assert info["atoms"] == []
    assert info["mean"] == pytest.approx(0.0, abs=1e-14)  # exact formula: round-off only
    assert info["variance"] == pytest.approx(1.0, rel=1e-14)
    # m(i) for the radius-2 semicircle: (-z + sqrt(z^2 - 4))/2 at z = i is i(√5 - 1)/2
    assert info["stieltjes"]["re"] == pytest.approx(0.0, abs=1e-14)
    assert info["stieltjes"]["im"] == pytest.approx((math.sqrt(5) - 1) / 2, rel=1e-13)


def test_law_z_option(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "law", "MarchenkoPastur(0.5)", "--z", "1+i", "--json")
    assert status == 0, err
    m = json.loads(out)["stieltjes"]
    expected = complex(fc.MarchenkoPastur(0.5).stieltjes(1 + 1j))
    assert complex(m["re"], m["im"]) == pytest.approx(expected, rel=1e-15)  # the same call, serialised


def test_law_text_with_atoms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "law", "MarchenkoPastur(2)")
    assert status == 0
    assert "MarchenkoPastur(c=2, sigma2=1)" in out
    assert "0 (mass 0.5)" in out


def test_law_density_of_free_convolution(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "law", "free_add(Semicircle(2), MarchenkoPastur(0.5))", "--density",
                           "--points", "401", "--json")
    assert status == 0, err
    info = json.loads(out)
    x, y = np.array(info["density"]["x"]), np.array(info["density"]["pdf"])
    assert x.size == 401 and np.all(y >= 0)
    (lo, hi), = info["support"]
    assert np.all(y[(x < lo) | (x > hi)] == 0)
    # the free cumulants add: mean 0 + 1, variance 1 + 0.5 (exact relations, evaluated in floating point)
    assert info["mean"] == pytest.approx(1.0, rel=1e-9)
    assert info["variance"] == pytest.approx(1.5, rel=1e-9)
    # trapezoid on 401 points over a density with square-root edges: error ~ h^1.5 ≈ 1e-3
    assert np.trapezoid(y, x) == pytest.approx(1.0, abs=5e-3)


def test_law_density_table_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import matplotlib  # noqa: F401 - the test extra installs it
    out_png = tmp_path / "law.png"
    status, out, err = run(capsys, "law", "MarchenkoPastur(0.5)", "--density", "--points", "5", "--plot",
                           str(out_png))
    assert status == 0, err
    assert out_png.stat().st_size > 1000
    rows = [ln.split() for ln in out.splitlines() if ln.strip() and ln.split()[0][0] in "-0123456789"]
    assert len(rows) == 5
    x, y = np.array(rows, dtype=float).T
    assert np.allclose(y, fc.MarchenkoPastur(0.5).pdf(x), rtol=1e-5, atol=1e-6)  # printed with 6 digits


@pytest.mark.parametrize("argv, status, fragments", [
    (["law", "Semicircle(-1)"], 2, ["'r' = -1", str(fc.Semicircle.parameters[0].domain)]),
    (["law", "Frobnicate(1)"], 2, ["unknown name 'Frobnicate'"]),
    (["law", "Semicircle(1"], 2, ["syntax error"]),
    (["law", "__import__('os')"], 2, ["unknown name"]),
    (["law", "Semicircle(1) + Semicircle(1)"], 2, ["free_add"]),
    (["law", "Semicircle(1, 2, 3)"], 2, ["Semicircle takes 2 parameter(s)"]),
    (["law", "Semicircle(1) / 0"], 2, ["1/0"]),
    (["law", "1 + 2"], 2, ["not a law"]),
    (["law", "Semicircle(1)", "--z", "abc"], 2, ["--z"]),
    (["law", "Semicircle(1)", "--points", "0"], 2, ["must be a positive integer"]),
    (["law", "Semicircle(1)", "--plot", "/no/such/dir/x.png"], 2, ["does not exist"]),
    (["frobnicate"], 2, ["invalid choice"]),
    ([], 2, []),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], status: int,
                               fragments: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    if not argv:  # no command: usage on stderr
        assert code == 2 and "usage: freecalc" in err
        return
    assert_one_line_error(code, err, status, *fragments)
    assert out == ""


def test_invalid_decompression_factor_is_a_failed_computation(capsys: pytest.CaptureFixture[str]) -> None:
    # Kesten–McKay(3) decompresses to a probability measure only up to the factor 3
    code, out, err = run(capsys, "law", "decompress(KestenMcKay(3, size=100), 1000)")
    assert_one_line_error(code, err, 1, "3")


def test_non_finite_result_is_a_failed_computation(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # a NaN from the numerics is never printed as a value: one line, exit status 1
    monkeypatch.setattr(fc.Semicircle, "_stieltjes", lambda self, z: np.full(np.shape(z), np.nan + 0j))
    code, out, err = run(capsys, "law", "Semicircle(1)")
    assert_one_line_error(code, err, 1, "m(z)", "nan", "numerics failed")
    assert out == ""


def test_overflow_is_a_usage_error_with_a_plain_message(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # math's OverflowError reads "(34, 'Numerical result out of range')": the user gets what it means instead
    def overflow(self):
        raise OverflowError(34, "Numerical result out of range")

    monkeypatch.setattr(fc.Semicircle, "_check_params", overflow)
    code, out, err = run(capsys, "law", "Semicircle(1)")
    assert_one_line_error(code, err, 2, "numeric overflow", "too large for double precision")
    assert "(34," not in err


def test_plot_without_matplotlib_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "law", "Semicircle(1)", "--plot", str(tmp_path / "x.png"))
    assert_one_line_error(code, err, 2, "freecalc[plot]")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and fc.__version__ in out


# ----------------------------------------------------------------------------------------------------------------
# freecalc decompress
# ----------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wishart_npy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "wishart.npy"
    np.save(path, fc.MarchenkoPastur(0.25).matrix(600, np.random.default_rng(0)))
    return path


@pytest.mark.parametrize("content, argv_tail, fragments", [
    (None, [], ["no such file"]),
    (np.zeros((4, 5)), [], ["square symmetric matrix", "(4, 5)"]),
    (np.zeros(5), [], ["square symmetric matrix"]),
    (np.zeros((2, 2, 2)), [], ["3-D array"]),
    (np.eye(10), ["--sample", "20"], ["--sample 20", "[8, 10]"]),
    (np.eye(10), ["--sample", "5", "--to", "4"], ["smaller than --sample"]),
    (np.eye(10), ["--sample", "-3"], ["must be a positive integer"]),
])
def test_decompress_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path, content, argv_tail,
                              fragments) -> None:
    path = tmp_path / "m.npy"
    if content is not None:
        np.save(path, content)
    code, out, err = run(capsys, "decompress", str(path), *argv_tail)
    assert_one_line_error(code, err, 2, *fragments)


def test_decompress_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m.npy"
    path.write_bytes(b"not a numpy file")
    code, _, err = run(capsys, "decompress", str(path))
    assert_one_line_error(code, err, 2, "cannot read")
    other = tmp_path / "m.xlsx"
    other.write_bytes(b"")
    code, _, err = run(capsys, "decompress", str(other))
    assert_one_line_error(code, err, 2, ".npy, .txt or .csv")


def test_decompress_asymmetric(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.triu(np.ones((30, 30))))
    code, _, err = run(capsys, "decompress", str(path), "--sample", "10")
    assert_one_line_error(code, err, 2, "not symmetric")


def test_decompress_runs(capsys: pytest.CaptureFixture[str], wishart_npy: Path, tmp_path: Path) -> None:
    args = ["decompress", str(wishart_npy), "--sample", "150", "--to", "600", "--repeats", "2", "--seed", "1",
            "--json"]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    rep = json.loads(out)
    assert rep["factor"] == 4.0 and rep["repeats"] == 2
    truth = fc.MarchenkoPastur(0.25, size=600)
    from freecalc import functionals as F

    exact = F.logdet(truth)
    # 150 eigenvalues per repeat: the decompressed logdet carries a few % relative error (sampling + edges)
    assert rep["logdet"]["value"] == pytest.approx(exact, rel=0.1)
    assert rep["logdet"]["low"] <= rep["logdet"]["value"] <= rep["logdet"]["high"]
    lo, hi = truth.support[0]
    # extreme eigenvalues of a 600×600 Wishart: support edges ± Tracy–Widom corrections and sampling error
    assert rep["lambda_max"]["value"] == pytest.approx(hi, abs=0.3)
    assert rep["lambda_min"]["value"] == pytest.approx(lo, abs=0.15)


def test_decompress_text_and_plot(capsys: pytest.CaptureFixture[str], wishart_npy: Path, tmp_path: Path) -> None:
    import matplotlib  # noqa: F401 - the test extra installs it
    png = tmp_path / "dec.png"
    code, out, err = run(capsys, "decompress", str(wishart_npy), "--sample", "150", "--to", "600", "--seed", "2",
                         "--plot", str(png))
    assert code == 0, err
    assert "log|det|" in out and "condition number" in out
    assert png.stat().st_size > 1000


# ----------------------------------------------------------------------------------------------------------------
# freecalc fit
# ----------------------------------------------------------------------------------------------------------------
def test_fit_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1.0 2.0\nabc 3\n")
    code, _, err = run(capsys, "fit", str(bad))
    assert_one_line_error(code, err, 2, "cannot read")
    code, _, err = run(capsys, "fit", str(tmp_path / "missing.csv"))
    assert_one_line_error(code, err, 2, "no such file")


def test_fit_unknown_law(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = tmp_path / "eigs.npy"
    np.save(good, fc.MarchenkoPastur(0.5).rvs(200, rng=0))
    code, _, err = run(capsys, "fit", str(good), "--law", "nosuchlaw")
    assert_one_line_error(code, err, 2, "unknown law 'nosuchlaw'")
    code, _, err = run(capsys, "fit", str(good), "--subsample", "10")
    assert_one_line_error(code, err, 2, "--subsample needs a matrix")
    code, _, err = run(capsys, "fit", str(good), "--bootstrap", "-1")
    assert_one_line_error(code, err, 2, "non-negative")


@pytest.mark.parametrize("suffix", [".npy", ".txt", ".csv"])
def test_fit_eigenvalues(capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str) -> None:
    eigs = np.linalg.eigvalsh(fc.MarchenkoPastur(0.5).matrix(400, np.random.default_rng(3)))
    path = tmp_path / f"eigs{suffix}"
    if suffix == ".npy":
        np.save(path, eigs)
    else:
        np.savetxt(path, eigs, delimiter="," if suffix == ".csv" else " ")
    code, out, err = run(capsys, "fit", str(path), "--law", "mp", "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["law"].startswith("MarchenkoPastur(")
    law = eval(rep["law"], {"MarchenkoPastur": fc.MarchenkoPastur})  # noqa: S307 - the repr we just printed
    # 400 eigenvalues of a Wishart matrix pin c to a few percent
    assert law.c == pytest.approx(0.5, rel=0.1)


def test_fit_matrix_with_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import matplotlib  # noqa: F401 - the test extra installs it
    W = np.random.default_rng(4).standard_normal((600, 300))
    path = tmp_path / "W.npy"
    np.save(path, W)
    png = tmp_path / "fit.png"
    code, out, err = run(capsys, "fit", str(path), "--law", "mp", "--plot", str(png))
    assert code == 0, err
    assert "MarchenkoPastur" in out
    assert png.stat().st_size > 1000


# ----------------------------------------------------------------------------------------------------------------
# freecalc demo, and the module entry point
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["exact_decompression"]["result"] == "MarchenkoPastur(c=16, sigma2=1, size=32000)"
    # free cumulants of MP: exact closed forms, compared in floating point
    assert rep["exact_decompression"]["max_cumulant_error"] < 1e-9
    assert {"Semicircle(r=2, center=0)", "MarchenkoPastur(c=2, sigma2=1)"} <= {d["law"] for d in rep["laws"]}
    conv = rep["free_add"]
    # exact: cumulants add (floating-point evaluation of exact relations)
    assert np.allclose(conv["free_cumulants"], conv["operand_cumulant_sum"], atol=1e-8)
    # 1000 Monte Carlo eigenvalues at n = 500: KS distance ≈ 0.01; 0.05 is far beyond fluctuations
    assert conv["ks_monte_carlo"] < 0.05
    num = rep["numeric_decompression"]
    # 500 eigenvalues decompressed by 8: the estimate was 3 % off at seed 0 (edge smoothing); 6 % allows for
    # small changes in the smoothing without hiding a wrong decompression (the source law MP(1/16) is 90 % off)
    assert num["logdet"] == pytest.approx(num["exact_logdet"], rel=0.06)
    assert num["l1_density_error"] < 0.05


@pytest.mark.slow
def test_demo_without_matplotlib(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    out_png = tmp_path / "demo.png"
    code, out, err = run(capsys, "demo", "--plot", str(out_png))
    assert code == 0
    assert "MarchenkoPastur(c=16, sigma2=1, size=32000)" in out
    assert "no plot is written" in err and not out_png.exists()


@pytest.mark.slow  # two fresh interpreters: import and numba cache load, ~5-15 s
def test_module_entry_point_subprocess(tmp_path: Path) -> None:
    """``python -m freecalc`` end to end (one subprocess: a bad expression, then a good one)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    bad = subprocess.run([sys.executable, "-m", "freecalc", "law", "Semicircle(0)"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=300)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("freecalc: error:") and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    good = subprocess.run([sys.executable, "-m", "freecalc", "law", "MarchenkoPastur(1/50, size=1000)"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert good.returncode == 0, good.stderr
    assert "MarchenkoPastur(c=0.02, sigma2=1, size=1000)" in good.stdout
    assert "support" in good.stdout
