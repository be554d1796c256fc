"""Lazy imports (freecalc/__init__.py, freecalc/_lazy.py): ``import freecalc`` loads nothing heavy, the numeric face
of a law and ``fc.fit`` never import sympy, and every public name still resolves.

Import state is per process, so the checks on ``sys.modules`` run in a fresh interpreter (``_run``).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import freecalc as fc
from freecalc._lazy import is_sympy, lazy_module

HEAVY = ("sympy", "numba", "scipy.stats")


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    env_code = "import os\nfor k in ('OPENBLAS', 'OMP', 'MKL', 'NUMBA'):\n    os.environ[k + '_NUM_THREADS'] = '1'\n"
    out = subprocess.run([sys.executable, "-c", env_code + textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_no_heavy_package() -> None:
    got = _run("""
        import json, sys
        import freecalc
        print(json.dumps({m: m in sys.modules for m in ("sympy", "numba", "scipy.stats", "freecalc.laws")}))
    """)
    assert got == {"sympy": False, "numba": False, "scipy.stats": False, "freecalc.laws": False}


def test_numeric_face_does_not_import_sympy_and_symbolic_face_does() -> None:
    got = _run("""
        import json, sys
        import numpy as np
        import freecalc as fc
        x = np.linspace(0.1, 3.0, 7)
        mp = fc.MarchenkoPastur(0.5)
        vals = [mp.pdf(1.0), mp.cdf(1.0), mp.ppf(0.5), complex(mp.stieltjes(1.0 + 1j)), repr(mp)]
        for law in (fc.Semicircle(1.0), fc.HTMP(0.5, 2.0), fc.KestenMcKay(3), fc.Wachter(0.6, 0.8),
                    fc.FreeMeixner(0.0, 1.0, 0.5), fc.PointMass(1.0), 2.0 * mp, mp + 1.0):
            law.pdf(x), law.cdf(x), law.stieltjes(x + 1j), law.support
        numeric = "sympy" in sys.modules
        r = mp.sym.r_transform()
        print(json.dumps({"numeric": numeric, "symbolic": "sympy" in sys.modules, "r": str(r),
                          "mp": [str(v) for v in vals]}))
    """)
    assert got["numeric"] is False
    assert got["symbolic"] is True
    assert got["r"] == "1/(1 - w/2)"  # σ²/(1 − cσ²w) at c = 1/2, σ² = 1 (exact) with the default symbol w
    # MP(1/2) at x = 1: ρ = √((λ₊ − 1)(1 − λ₋))/(2π c), λ± = (1 ± √½)²; median, cdf in (0, 1)
    lam_p, lam_m = (1 + 0.5 ** 0.5) ** 2, (1 - 0.5 ** 0.5) ** 2
    assert float(got["mp"][0]) == pytest.approx(((lam_p - 1) * (1 - lam_m)) ** 0.5 / (2 * 3.141592653589793 * 0.5),
                                                rel=1e-12)  # closed form vs the law: round-off only
    assert 0.0 < float(got["mp"][1]) < 1.0


def test_fit_does_not_import_sympy() -> None:
    # fc.fit imports every law module (its candidates): none of them may import sympy at import time
    got = _run("""
        import json, sys
        import numpy as np
        import freecalc as fc
        rng = np.random.default_rng(3)
        x = rng.standard_normal((300, 100))
        eigs = np.linalg.eigvalsh(x.T @ x / 300)
        res = fc.fit(eigs)
        print(json.dumps({"sympy": "sympy" in sys.modules, "data_mean": float(eigs.mean()),
                          "law_mean": float(res.law.mean()), "laws": "freecalc.laws.htmp" in sys.modules}))
    """)
    assert got["sympy"] is False
    assert got["laws"] is True  # the candidates were loaded
    # whichever family wins, its mean matches the data's (a first moment the fit reproduces to a few %)
    assert got["law_mean"] == pytest.approx(got["data_mean"], rel=0.05)


def test_operations_register_on_first_use() -> None:
    got = _run("""
        import json, sys
        import freecalc as fc
        law = 2.0 * fc.MarchenkoPastur(0.5)
        print(json.dumps({"type": type(law).__name__, "sigma2": law.sigma2,
                          "ops": "freecalc.operations.catalogue_rules" in sys.modules}))
    """)
    assert got == {"type": "MarchenkoPastur", "sigma2": 2.0, "ops": True}


@pytest.mark.parametrize("name", fc.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(fc, name)
    assert value is not None
    assert name in dir(fc)
    module, attr = fc._WHERE[name]
    assert value is getattr(sys.modules[module], attr)


def test_namespace_behaves_like_a_module() -> None:
    assert len(fc.__all__) == len(set(fc.__all__))
    from freecalc import MarchenkoPastur, finite

    assert MarchenkoPastur is fc.MarchenkoPastur
    assert finite.__name__ == "freecalc.finite"
    with pytest.raises(AttributeError, match="no attribute 'NoSuchLaw'"):
        fc.NoSuchLaw  # noqa: B018
    assert not hasattr(fc, "no_such_module")


def test_lazy_module_imports_on_first_attribute(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fc_lazy_probe.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fc_lazy_probe", raising=False)
    calls = []
    mod = lazy_module("fc_lazy_probe", on_import=calls.append)
    assert "fc_lazy_probe" not in sys.modules and calls == []
    assert mod.VALUE == 42
    assert calls == [sys.modules["fc_lazy_probe"]]
    assert mod.VALUE == 42 and len(calls) == 1  # the hook runs once
    again = []
    assert lazy_module("fc_lazy_probe", on_import=again.append) is sys.modules["fc_lazy_probe"]
    assert again == [sys.modules["fc_lazy_probe"]]  # already imported: the module itself, hook at once


def test_is_sympy_matches_isinstance() -> None:
    import sympy as sp

    x = sp.Symbol("x")
    assert is_sympy(x) and is_sympy(x, "Symbol") and is_sympy(x + 1, "Expr")
    assert not is_sympy(x + 1, "Symbol")
    assert not is_sympy(1.5) and not is_sympy("x") and not is_sympy(None)


def _layers() -> list[list[str]]:
    """The layers of .importlinter, top first; each a list of independent containers."""
    import configparser
    from pathlib import Path

    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / ".importlinter")
    lines = cfg["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [[part.strip() for part in line.split("|")] for line in lines if line.strip()]


def _container(module: str, layers: list[list[str]]) -> tuple[int, str] | None:
    for level, containers in enumerate(layers):
        for c in containers:
            if module == c or module.startswith(c + "."):
                return level, c
    return None


def test_deferred_imports_keep_the_layers() -> None:
    # import-linter cannot see lazy_module("freecalc.x"): the same rule is checked here on the source text
    import ast
    from pathlib import Path

    layers = _layers()
    root = Path(fc.__file__).resolve().parent
    checked = 0
    for path in sorted(root.rglob("*.py")):
        module = "freecalc." + ".".join(path.relative_to(root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        here = _container(module, layers)
        if here is None:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_module" and node.args
                    and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("freecalc.")):
                target = _container(node.args[0].value, layers)
                assert target is not None, f"{module}: lazy_module({node.args[0].value!r}) is in no layer"
                same = target[1] == here[1]
                assert same or target[0] > here[0], (
                    f"{module} (layer {here[1]}) defers an import of {node.args[0].value} (layer {target[1]}): "
                    "lower layers never import higher ones")
                checked += 1
    assert checked > 20  # the law and operation modules defer freecalc.symbolic
