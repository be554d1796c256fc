"""The import-linter contracts in .importlinter hold: imports point down the layers and no sibling modules import
each other in a cycle (function-level imports included)."""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    exe = shutil.which("lint-imports")
    assert exe is not None, "import-linter is a test dependency (pyproject's test extra)"
    proc = subprocess.run([exe, "--config", str(ROOT / ".importlinter")], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "2 kept, 0 broken" in proc.stdout


def test_contracts_name_every_top_level_module():
    # a new top-level module or package must be placed in a layer, else the contract silently ignores it
    config = (ROOT / ".importlinter").read_text()
    pkg = ROOT / "freecalc"
    names = {p.stem for p in pkg.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in pkg.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(n for n in names if f"freecalc.{n}" not in config)
    assert not missing, f"modules not in any layer of .importlinter: {missing}"
