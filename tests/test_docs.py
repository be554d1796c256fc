"""Every code block of the documentation runs, and every example script runs (smoke tests).

* ```` ```python ```` blocks are executed, ```` ```pycon ```` blocks are run as doctests (outputs compared, with
  ELLIPSIS and NORMALIZE_WHITESPACE), in order, in one namespace per Markdown file, in a temporary directory
  (blocks may write files). Files: ``docs/**/*.md`` except ``docs/dev/`` (but with ``docs/dev/extending.md``), and
  ``README.md``.
* A page may declare what it needs from freecalc with a comment ``<!-- requires: KestenMcKay, free_add -->``:
  the page fails (naming them) when freecalc no longer exports them, so a removed feature cannot pass silently.
* ``examples/*.py`` run in a subprocess with ``--small`` (each example accepts it and shrinks its sizes; scripts
  with other size options are listed in ``SMALL_ARGS``).
* ``mkdocs build --strict`` (slow; skipped when mkdocs is not installed).
"""
from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import freecalc

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

_BLOCK = re.compile(r"^```(python|pycon)[^\n]*\n(.*?)^```", re.S | re.M)
_REQUIRES = re.compile(r"<!--\s*requires:\s*([^>]*?)\s*-->")


def _doc_files() -> list[Path]:
    # docs/dev: internal notes, except the extension guide (its user laws must keep working); docs/api: mkdocstrings
    # directives only (built by test_mkdocs_build_strict)
    files = sorted(p for p in DOCS.rglob("*.md") if not {"dev", "api"} & set(p.relative_to(DOCS).parts))
    files.append(DOCS / "dev" / "extending.md")
    readme = ROOT / "README.md"
    return files + ([readme] if readme.exists() else [])


def _missing_requirements(text: str) -> list[str]:
    names = [n.strip() for m in _REQUIRES.finditer(text) for n in m.group(1).split(",") if n.strip()]
    return [n for n in names if not hasattr(freecalc, n)]


def _blocks(text: str) -> list[tuple[str, str, int]]:
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 2) for m in _BLOCK.finditer(text)]


def test_the_docs_have_code() -> None:
    # guards the regex: if it stopped matching, every page would pass vacuously
    files = _doc_files()
    assert len(files) >= 10, [p.name for p in files]
    assert sum(len(_blocks(p.read_text(encoding="utf-8"))) for p in files) >= 30


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_page_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    text = path.read_text(encoding="utf-8")
    missing = _missing_requirements(text)
    assert not missing, f"{path.name} documents {', '.join(missing)}, which freecalc no longer exports"
    blocks = _blocks(text)
    monkeypatch.chdir(tmp_path)
    ns: dict = {"__name__": "__docs__"}
    parser = doctest.DocTestParser()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for kind, code, line in blocks:
        where = f"{path.relative_to(ROOT)}:{line}"
        if kind == "python":
            exec(compile(code, where, "exec"), ns)  # noqa: S102 - our own documentation
            continue
        test = parser.get_doctest(code, ns, where, str(path), line)
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=flags)
        result = runner.run(test, out=report.append, clear_globs=False)
        ns.update(test.globs)  # DocTest works on a copy of the namespace: carry its names to the next block
        assert result.failed == 0, f"doctest failures in {where}:\n" + "".join(report)
    import matplotlib.pyplot as plt

    plt.close("all")


#: Arguments that make an example small; the convention is ``--small``, other scripts are listed here.
SMALL_ARGS = {
    "decompress_kernel_matrix.py": ["--n", "600", "--plot", ""],
}


def _examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.py"))


def test_there_are_examples() -> None:
    names = {p.name for p in _examples()}
    assert {"fit_weight_matrix.py", "free_convolution_monte_carlo.py", "symbolic_derivation.py"} <= names


@pytest.mark.slow  # each script starts a fresh interpreter (numba cache load, ~5-40 s)
@pytest.mark.parametrize("script", _examples(), ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    args = SMALL_ARGS.get(script.name, ["--small"])
    if args == ["--small"]:
        assert "--small" in script.read_text(encoding="utf-8"), f"{script.name} must accept --small (or be listed "\
                                                                 f"in SMALL_ARGS)"
    proc = subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    assert proc.stdout.strip(), f"{script.name} printed nothing"


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    # the docs extra (installed by the README's test command) provides mkdocs, mkdocstrings and material
    out = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    assert (out / "index.html").exists()
    assert (out / "api" / "laws" / "index.html").exists()
    shutil.rmtree(out, ignore_errors=True)
