"""The ``freecalc`` command line under hostile input: malformed and lying ``.npy`` files, wrong dtypes, empty and
text files, parser attacks on ``freecalc law``, absurd numbers.

Every case must end with exit status 2, exactly one line on stderr starting with ``freecalc: error:``, no
traceback and no warning text. The cases run in a fresh interpreter (real stderr, real warning filters); the
subprocess timeouts only bound a hang (a lying header used to trigger a 75 GiB allocation), they are not speed
assertions.
"""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy_format

ENV = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
ENV.pop("FREECALC_DEBUG", None)
HANG_LIMIT = 60  # seconds per case: bounds a hang only

# One interpreter runs all cases of a group through ``freecalc.cli.main`` with stdout/stderr captured and every
# warning shown (``always``: a warning repeated from an earlier case still counts). A case that does not return
# within HANG_LIMIT is interrupted by SIGALRM and reported as a hang.
_DRIVER = textwrap.dedent("""
    import contextlib, io, json, signal, sys, traceback, warnings
    from freecalc.cli import main

    class Hang(BaseException):
        pass

    def on_alarm(signum, frame):
        raise Hang()

    signal.signal(signal.SIGALRM, on_alarm)
    results = []
    for argv in json.loads(sys.stdin.read()):
        out, err = io.StringIO(), io.StringIO()
        warnings.resetwarnings()
        warnings.simplefilter("always")
        signal.alarm(LIMIT)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = main(argv)
                except SystemExit as exc:
                    status = exc.code
                except Hang:
                    status = "hang"
                except BaseException:
                    traceback.print_exc()
                    status = "raised"
        finally:
            signal.alarm(0)
        results.append({"argv": argv, "status": status, "stderr": err.getvalue(), "stdout": out.getvalue()})
    print(json.dumps(results))
""").replace("LIMIT", str(HANG_LIMIT))


def run_batch(cases: list[list[str]], cwd: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps(cases), capture_output=True, text=True,
                          env=ENV, cwd=cwd, timeout=HANG_LIMIT * len(cases) + 60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # nothing escaped the per-case capture (e.g. a warning at import)
    return json.loads(proc.stdout.splitlines()[-1])


def assert_all_clean(results: list[dict], fragments: list[tuple[str, ...]]) -> None:
    """Every case is a clean usage error (all failures listed together)."""
    problems = []
    for res, frags in zip(results, fragments, strict=True):
        try:
            assert_clean_usage_error(res, *frags)
        except AssertionError as err:
            problems.append(str(err).splitlines()[0])
    assert not problems, "\n".join(problems)


def assert_clean_usage_error(res: dict, *fragments: str) -> None:
    argv, err = res["argv"], res["stderr"]
    assert res["status"] == 2, f"{argv}: status {res['status']}, stderr {err!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"{argv}: expected one stderr line, got {lines!r}"
    assert lines[0].startswith("freecalc: error: "), f"{argv}: {lines[0]!r}"
    assert "Traceback" not in err and "Warning" not in err, f"{argv}: {err!r}"
    for frag in fragments:
        assert frag in lines[0], f"{argv}: {frag!r} not in {lines[0]!r}"
    assert res["stdout"] == "", f"{argv}: printed {res['stdout']!r} before failing"


# ----------------------------------------------------------------------------------------------------------------
# data files
# ----------------------------------------------------------------------------------------------------------------
def _npy_with_header(path: Path, header: dict, payload: bytes) -> None:
    with open(path, "wb") as fh:
        npy_format.write_array_header_1_0(fh, header)
        fh.write(payload)


def _raw_header(path: Path, text: bytes, payload: bytes = b"") -> None:
    """A .npy file with a hand-written (possibly malformed) version-1.0 header."""
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload)


SIXTEEN_FLOATS = np.arange(16.0).tobytes()


def _make_files(d: Path) -> dict[str, tuple[str, ...]]:
    """Write every malformed file; name → fragments the one-line error must contain."""
    f8 = {"descr": "<f8", "fortran_order": False}
    _npy_with_header(d / "lie_1e5.npy", {**f8, "shape": (10 ** 5, 10 ** 5)}, SIXTEEN_FLOATS)
    _npy_with_header(d / "lie_1e12.npy", {**f8, "shape": (10 ** 12, 10 ** 12)}, SIXTEEN_FLOATS)
    _npy_with_header(d / "truncated.npy", {**f8, "shape": (5, 5)}, SIXTEEN_FLOATS)
    _npy_with_header(d / "trailing.npy", {**f8, "shape": (2, 2)}, SIXTEEN_FLOATS)
    _raw_header(d / "negative_dim.npy", b"{'descr': '<f8', 'fortran_order': False, 'shape': (-4, 4), }\n",
                SIXTEEN_FLOATS)
    _raw_header(d / "broken_dict.npy", b"{'descr': '<f8', 'shape': (4, 4\n", SIXTEEN_FLOATS)
    _raw_header(d / "code_in_header.npy", b"{'descr': __import__('os').getcwd(), 'shape': (2,), }\n")
    _raw_header(d / "huge_header.npy", b" " * 60000 + b"\n")
    (d / "magic_only.npy").write_bytes(b"\x93NUMPY\x01\x00")
    np.save(d / "complex.npy", np.ones((4, 4), dtype=complex))
    np.save(d / "object.npy", np.array([1.0, "a", None], dtype=object), allow_pickle=True)
    np.save(d / "strings.npy", np.array(["1.0", "2.0"]))
    np.save(d / "structured.npy", np.zeros(3, dtype=[("x", "<f8"), ("y", "<f8")]))
    np.save(d / "cube.npy", np.zeros((2, 2, 2)))
    np.save(d / "scalar.npy", np.float64(3.0))
    np.save(d / "zero_length.npy", np.zeros(0))
    np.save(d / "zero_rows.npy", np.zeros((0, 5)))
    np.save(d / "nan.npy", np.array([0.5, np.nan, 1.5]))
    np.save(d / "inf.npy", np.array([[1.0, np.inf], [np.inf, 1.0]]))
    (d / "empty.npy").write_bytes(b"")
    (d / "empty.txt").write_text("")
    (d / "comments_only.txt").write_text("# no data\n")
    (d / "empty.csv").write_text("")
    (d / "text.npy").write_text("hello, I am not a numpy file\n")
    (d / "words.txt").write_text("one two three\n")
    (d / "ragged.csv").write_text("1,2,3\n4,5\n")
    (d / "nan.txt").write_text("1.0\nnan\n2.0\n")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (d / "data.xlsx").write_bytes(b"PK\x03\x04")
    (d / "adirectory.npy").mkdir()
    return {
        "lie_1e5.npy": ("corrupt", "100000×100000", "128 bytes"),
        "lie_1e12.npy": ("corrupt", "1000000000000×1000000000000"),
        "truncated.npy": ("corrupt", "5×5"),
        "trailing.npy": ("corrupt", "2×2"),
        "negative_dim.npy": ("negative_dim.npy",),
        "broken_dict.npy": ("malformed .npy header",),
        "code_in_header.npy": ("malformed .npy header",),
        "huge_header.npy": ("huge_header.npy",),
        "magic_only.npy": ("magic_only.npy",),
        "complex.npy": ("complex128", "real numeric array"),
        "object.npy": ("object", "real numeric array"),
        "strings.npy": ("<U3", "real numeric array"),
        "structured.npy": ("real numeric array",),
        "cube.npy": ("3-D array",),
        "scalar.npy": ("0-D array",),
        "zero_length.npy": ("empty",),
        "zero_rows.npy": ("empty",),
        "nan.npy": ("non-finite", "index 1"),
        "inf.npy": ("2 non-finite", "(0, 1)"),
        "empty.npy": ("empty file",),
        "empty.txt": ("empty file",),
        "comments_only.txt": ("empty",),
        "empty.csv": ("empty file",),
        "text.npy": ("not a .npy file",),
        "words.txt": ("cannot read",),
        "ragged.csv": ("cannot read",),
        "nan.txt": ("non-finite",),
        "binary.txt": ("cannot read",),
        "data.xlsx": (".npy, .txt or .csv",),
        "adirectory.npy": ("directory",),
        "missing.npy": ("no such file",),
    }


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, ...]]]:
    d = tmp_path_factory.mktemp("fuzz")
    return d, _make_files(d)


def test_fit_refuses_every_malformed_file(bad_files) -> None:
    d, expected = bad_files
    names = sorted(expected)
    results = run_batch([["fit", str(d / name)] for name in names], d)
    assert_all_clean(results, [expected[name] for name in names])


def test_decompress_refuses_lying_and_malformed_npy(bad_files) -> None:
    # the memory-mapped route: the header is checked against the file size before anything is mapped
    d, expected = bad_files
    names = ["lie_1e5.npy", "lie_1e12.npy", "truncated.npy", "negative_dim.npy", "text.npy", "object.npy",
             "complex.npy", "empty.npy", "huge_header.npy"]
    results = run_batch([["decompress", str(d / name), "--sample", "2"] for name in names], d)
    assert_all_clean(results, [expected[name] for name in names])


# ----------------------------------------------------------------------------------------------------------------
# parser attacks on ``freecalc law``
# ----------------------------------------------------------------------------------------------------------------
EXPRESSIONS = [
    ("Semicircle(2).__class__", "attribute"),
    ("Semicircle(2).__class__.__bases__[0].__subclasses__()", "only calls of plain names"),
    ("Semicircle.__init__.__globals__", "attribute"),
    ("__import__('os').system('echo pwned')", "only calls of plain names"),
    ("__import__('os')", "unknown name '__import__'"),
    ("__builtins__", "unknown name '__builtins__'"),
    ("pi.real", "attribute"),
    ("import os", "syntax error"),
    ("from os import system", "syntax error"),
    ("exec('1')", "unknown name 'exec'"),
    ("eval('Semicircle(1)')", "unknown name 'eval'"),
    ("lambda: Semicircle(1)", "lambda"),
    ("(lambda: 1)()", "only calls of plain names"),
    ("Semicircle(2)**10**10", "out of range"),
    ("Semicircle(10**10**10)", "out of range"),
    ("Semicircle(9**9**9)", "out of range"),
    ("Semicircle(10**400)", "out of range"),
    ("Semicircle(2**-2000)", "'r' = 0"),
    ("Semicircle(1e309)", "'r' = inf"),
    ("Semicircle(-1e309)", "'r' = -inf"),
    ("Semicircle(r=1, r=2)", "'r' is given twice"),
    ("MarchenkoPastur(c=0.5, sigma2=1, c=2)", "'c' is given twice"),
    ("Semicircle(1, r=2)", "'r' twice"),
    ("Semicircle(r=1, radius=2)", "unexpected parameter 'radius'"),
    ("Semicircle(*[1])", "*args"),
    ("Semicircle(**{'r': 1})", "**kwargs"),
    ("Semicircle(2)[0]", "subscript"),
    ("Semicircle(2) if 1 else Semicircle(1)", "ifexp"),
    ("(r := 2)", "namedexpr"),
    ("[Semicircle(x) for x in (1, 2)]", "listcomp"),
    ("f'{Semicircle(1)}'", "joinedstr"),
    ("Semicircle(b'1')", "only numbers"),
    ("Semicircle(None)", "only numbers"),
    ("Semicircle(...)", "only numbers"),
    ("Semicircle(True)", "only numbers"),
    ("Semicircle(1j)", "only numbers"),
    ("Semicircle('1')", "only numbers"),
    ("Semicircle(1) < Semicircle(2)", "compare"),
    ("Semicircle(1); Semicircle(2)", "syntax error"),
    ("Semicircle(1) @ Semicircle(2)", "MatMult"),
    ("Semicircle(1) + Semicircle(2)", "free_add"),
    ("Semicircle(Semicircle(1))", "'r'"),
    ("free_add(Semicircle(1))", "free_add"),
    ("(" * 500 + "1" + ")" * 500, "syntax error"),
    ("(" + "-" * 1900 + "1)", "nested too deeply"),
    ("+".join(["1"] * 900), "nested too deeply"),
    ("Semicircle(" * 60 + "1" + ")" * 60, "'r'"),
    ("Semicircle(" + "1" * 3000 + ")", "at most"),
    ("1 + " * 1000 + "1", "at most"),
    ("\x00", "syntax error"),
    ("Semicircle(1)\n__import__('os')", "syntax error"),
    ("", "empty"),
]


def test_law_expression_attacks(tmp_path: Path) -> None:
    results = run_batch([["law", text] for text, _ in EXPRESSIONS], tmp_path)
    assert_all_clean(results, [(fragment,) for _, fragment in EXPRESSIONS])
    assert not (tmp_path / "pwned").exists()


def test_repeated_keyword_is_refused_not_last_wins() -> None:
    # ast.parse accepts f(r=1, r=2) (only Python's compiler rejects it): the parser must not let the last one win
    from freecalc.expressions import ExpressionError, parse_expression

    with pytest.raises(ExpressionError, match=r"'r' is given twice in the call of Semicircle \(at column 19\)"):
        parse_expression("Semicircle(r=1, r=2)")


# ----------------------------------------------------------------------------------------------------------------
# absurd numbers in options
# ----------------------------------------------------------------------------------------------------------------
OPTIONS = [
    (["law", "Semicircle(1)", "--density", "--points", "100000000"], ("--points", "at most 10000")),
    (["law", "Semicircle(1)", "--density", "--points", "9" * 5000], ("--points", "not a sensible integer")),
    (["law", "Semicircle(1)", "--density", "--points", "-5"], ("--points", "positive")),
    (["law", "Semicircle(1)", "--density", "--points", "1e3"], ("--points", "not an integer")),
    (["law", "Semicircle(1)", "--z", "nan"], ("--z",)),
    (["law", "Semicircle(1)", "--z", "1e400j"], ("--z", "finite")),
    (["law", "Semicircle(1)", "--z", "1+" * 500], ("--z",)),
    (["law", "Semicircle(1e300)"], ("Semicircle",)),
    (["law", "free_add(Semicircle(1e-300), Semicircle(1e300))"], ()),
    (["law", "Semicircle(2) + 1e308"], ()),
    (["fit", "DATA", "--bootstrap", "1000000000"], ("--bootstrap", "at most 10000")),
    (["fit", "DATA", "--seed", "-1"], ("--seed", "non-negative")),
    (["fit", "DATA", "--seed", str(2 ** 130)], ("--seed", "at most")),
    (["fit", "DATA", "--law", "__import__"], ("unknown law",)),
    (["demo", "--seed", "-7"], ("--seed", "non-negative")),
]


def test_absurd_option_values(tmp_path: Path) -> None:
    data = tmp_path / "eigs.npy"
    np.save(data, np.linspace(0.1, 2.0, 50))
    cases = [[str(data) if a == "DATA" else a for a in argv] for argv, _ in OPTIONS]
    assert_all_clean(run_batch(cases, tmp_path), [fragments for _, fragments in OPTIONS])


# ----------------------------------------------------------------------------------------------------------------
# end to end through ``python -m freecalc`` (the real stderr of the real entry point)
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, fragment", [
    (["fit", "LIE"], "corrupt"),
    (["law", "Semicircle(r=1, r=2)"], "given twice"),
    (["law", "Semicircle(1)", "--density", "--points", "100000000"], "at most 10000"),
], ids=["lying-header", "repeated-keyword", "points"])
def test_entry_point_subprocess(tmp_path: Path, argv: list[str], fragment: str) -> None:
    lie = tmp_path / "lie.npy"
    _npy_with_header(lie, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 5, 10 ** 5)}, SIXTEEN_FLOATS)
    argv = [str(lie) if a == "LIE" else a for a in argv]
    proc = subprocess.run([sys.executable, "-m", "freecalc", *argv], capture_output=True, text=True, env=ENV,
                          cwd=tmp_path, timeout=HANG_LIMIT)
    res = {"argv": argv, "status": proc.returncode, "stderr": proc.stderr, "stdout": proc.stdout}
    assert_clean_usage_error(res, fragment)


@pytest.mark.slow  # one real fit of a 120×300 matrix (~10 s)
def test_fit_of_a_matrix_leaks_no_warnings(tmp_path: Path) -> None:
    """A successful fit prints its report and nothing on stderr: no RuntimeWarning from the numerics."""
    path = tmp_path / "X.npy"
    np.save(path, np.random.default_rng(0).standard_normal((120, 300)))
    proc = subprocess.run([sys.executable, "-m", "freecalc", "fit", str(path)], capture_output=True, text=True,
                          env=ENV, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr == "", proc.stderr
