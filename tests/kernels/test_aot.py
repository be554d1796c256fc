"""Ahead-of-time compiled kernels (freecalc/kernels/_aot.py, built by setup.py at install)."""
import json
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import pytest
from numba import njit

import freecalc.fitting.kernels as FK
import freecalc.kernels
import freecalc.kernels.htmp as KH
import freecalc.kernels.quadratic as KQ
from freecalc.kernels import _aot

ROOT = Path(__file__).resolve().parents[2]
REBUILD = "rebuild the extension: pip install -e . (or python setup.py build_ext --inplace)"

#: jitted kernel of every registry entry, as the serving modules hold it
JITTED = {name: served.jitted for name, served in
          (("htmp_params", KH._PARAMS), ("htmp_real_anchor", KH._REAL_ANCHOR),
           ("htmp_logpdf_sorted", KH._LOGPDF_SORTED), ("quadratic_pdf", KQ.quadratic_pdf),
           ("powerlaw_scan", FK.powerlaw_scan))}


def _aot_fn(name):
    ext = _aot._load_extension()
    assert ext is not None, f"{_aot.EXTENSION} does not import: {REBUILD}"
    return _aot._guarded(getattr(ext, name), name, _aot.KERNELS[name])


def _ulps(a, b):
    """Largest distance in units in the last place; non-finite values must agree exactly."""
    a, b = np.atleast_1d(np.asarray(a, dtype=np.float64)), np.atleast_1d(np.asarray(b, dtype=np.float64))
    fin = np.isfinite(a) & np.isfinite(b)
    assert np.array_equal(a[~fin], b[~fin], equal_nan=True)
    if not fin.any():
        return 0.0
    return float(np.max(np.abs(a[fin] - b[fin]) / np.spacing(np.maximum(np.abs(a[fin]), np.abs(b[fin])))))


def test_the_extension_serves_every_registered_kernel():
    assert set(JITTED) == set(_aot.KERNELS)
    status = freecalc.kernels.aot_kernels()
    assert status == {name: _aot.Source.AOT.value for name in _aot.KERNELS}, f"{status}: {REBUILD}"


def test_first_fit_compiles_no_kernel_and_import_does_not_load_the_extension():
    # a fresh process with an empty numba cache: the default fit runs without compiling anything (numba's start-up
    # alone is ~0.5 s: one compiled kernel on the fit path breaks issue 16's first fit <= 5x the warm fit), and
    # `import freecalc` leaves the extension unimported
    code = """
import json, sys
from numba.core import event
import numpy as np
import freecalc as fc
compiled = []
class Rec(event.Listener):
    def on_start(self, ev):
        f = ev.data["dispatcher"].py_func
        compiled.append(f.__module__ + "." + f.__qualname__)
    def on_end(self, ev):
        pass
event.register("numba:compile", Rec())
loaded_at_import = "freecalc.kernels._aot_kernels" in sys.modules
W = np.random.default_rng(0).standard_normal((400, 100)) / 20.0
law = fc.fit(W).law
print(json.dumps({"import": loaded_at_import, "compiled": compiled, "law": type(law).__name__,
                  "loaded": "freecalc.kernels._aot_kernels" in sys.modules, "pycc": "numba.pycc" in sys.modules}))
"""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env.pop(_aot.DISABLE_ENV, None)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                             timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    # loaded on first use only; numba.pycc (deprecated: its warnings) is a build-time module only
    assert not got["import"] and got["loaded"] and not got["pycc"]
    assert got["compiled"] == [], f"compiled on the fit path: {got['compiled']} ({REBUILD}, or add them to KERNELS)"


# (gamma, kappa): A = kappa/(2 gamma) - kappa/2 - 1 on both sides of 0 and of the integer values, small and large
# b = kappa/(2 gamma), B = kappa/2
HTMP_GRID = [(0.5, 3.0), (0.25, 0.5), (0.9, 0.2), (0.1, 40.0), (0.75, 8.0), (0.5, 4.0), (0.3, 1.0), (0.05, 2.0)]


@pytest.mark.parametrize("gamma,kappa", HTMP_GRID)
def test_htmp_kernels_match_the_jitted_ones(gamma, kappa):
    # same LLVM code from the same source, no fast-math: bitwise equal expected (0 ulp measured); 2 ulps allowed
    # for a CPU-specific libm path of the generic build
    params, anchor, logpdf = (_aot_fn(n) for n in ("htmp_params", "htmp_real_anchor", "htmp_logpdf_sorted"))
    p_aot, p_jit = params(gamma, kappa), JITTED["htmp_params"](gamma, kappa)
    assert _ulps(p_aot, p_jit) <= 2
    A, B, b = p_jit
    a_aot, a_jit = anchor(A, B, b), JITTED["htmp_real_anchor"](A, B, b)
    flat = lambda t: [t[0], t[1].real, t[1].imag, t[2].real, t[2].imag]  # noqa: E731
    assert _ulps(flat(a_aot), flat(a_jit)) <= 2
    rng = np.random.default_rng(int(kappa * 100 + gamma * 10))
    # x <= 0, below the tiny-bx cut, inside the march both sides of its start, beyond its end, NaN last
    x = np.sort(np.concatenate([[-1.0, 0.0, 1e-300, 1e-260 / b], rng.uniform(0.0, 3.0 / b + 5.0, 300),
                                np.geomspace(1e-6, 1e6 / b, 60)]))
    x = np.concatenate([x, [np.nan]])
    l_aot, l_jit = logpdf(A, B, b, *a_jit, x), JITTED["htmp_logpdf_sorted"](A, B, b, *a_jit, x)
    assert _ulps(l_aot, l_jit) <= 2
    assert np.isfinite(l_jit).sum() > 300  # the grid reaches the march, not only the special cases


def test_quadratic_pdf_matches_the_jitted_one():
    f = _aot_fn("quadratic_pdf")
    x = np.linspace(-1.0, 6.0, 1001)
    # (q0, q1, q2, s*sqrt(k), lambda_-, lambda_+): arbitrary coefficients, the kernel is a pointwise formula
    for args in ((0.0, 0.5, 0.0, 1.0, 0.0, 3.5), (1.0, -0.3, 0.2, 0.8, 0.1, 4.0), (0.0, 1.0, 0.0, 1.0, 0.2, 2.9)):
        assert _ulps(f(x, *args), JITTED["quadratic_pdf"](x, *args)) <= 2


@pytest.mark.parametrize("one_sided", [False, True])
def test_powerlaw_scan_matches_the_jitted_one(one_sided):
    f = _aot_fn("powerlaw_scan")
    rng = np.random.default_rng(3)
    logx = np.sort(np.log((1.0 - rng.random(3000)) ** (-1.0 / 1.5)))
    cand = np.arange(0, 2900, 7, dtype=np.int64)
    for got, want in zip(f(logx, cand, one_sided), JITTED["powerlaw_scan"](logx, cand, one_sided)):
        assert _ulps(got, want) <= 2
    # the trailing default (one_sided=False) is filled in as the jitted kernel declares it
    if not one_sided:
        assert np.array_equal(f(logx, cand)[1], JITTED["powerlaw_scan"](logx, cand)[1])


def test_array_arguments_are_checked_before_the_compiled_call():
    # pycc's functions read an array's memory as the declared dtype: a float32 array must be converted, not read
    f = _aot_fn("quadratic_pdf")
    x = np.linspace(0.0, 4.0, 9)
    args = (0.0, 0.5, 0.0, 1.0, 0.0, 3.5)
    assert np.array_equal(f(x.astype(np.float32), *args), JITTED["quadratic_pdf"](x.astype(np.float32), *args))
    assert np.array_equal(f(x[::2], *args), JITTED["quadratic_pdf"](np.ascontiguousarray(x[::2]), *args))
    with pytest.raises(ValueError, match="1-d array"):
        f(x.reshape(3, 3), *args)
    with pytest.raises(TypeError):  # float candidates: no silent truncation to int64
        _aot_fn("powerlaw_scan")(np.log(x[1:]), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="takes 7 arguments"):
        f(x, 1.0)


def _fake_extension(monkeypatch, digest):
    ext = types.SimpleNamespace(quadratic_pdf=lambda *a: "aot", quadratic_pdf__digest=lambda: digest)
    monkeypatch.setattr(_aot, "_extension", [ext])
    monkeypatch.setattr(_aot, "_SERVED", dict(_aot._SERVED))  # the new Served must not replace the module's


def test_a_changed_kernel_is_served_by_its_jitted_version(monkeypatch):
    monkeypatch.delenv(_aot.DISABLE_ENV, raising=False)
    jitted = JITTED["quadratic_pdf"]
    _fake_extension(monkeypatch, _aot.kernel_digest(jitted) + 1)
    served = _aot.Served("quadratic_pdf", jitted)
    x = np.array([1.0])
    assert np.array_equal(served(x, 0.0, 0.5, 0.0, 1.0, 0.0, 3.5), jitted(x, 0.0, 0.5, 0.0, 1.0, 0.0, 3.5))
    assert served.source is _aot.Source.JIT_STALE
    _fake_extension(monkeypatch, _aot.kernel_digest(jitted))
    current = _aot.Served("quadratic_pdf", jitted)
    assert current(x, 0.0, 0.5, 0.0, 1.0, 0.0, 3.5) == "aot" and current.source is _aot.Source.AOT
    monkeypatch.setenv(_aot.DISABLE_ENV, "1")
    disabled = _aot.Served("quadratic_pdf", jitted)
    disabled(x, 0.0, 0.5, 0.0, 1.0, 0.0, 3.5)
    assert disabled.source is _aot.Source.JIT_DISABLED
    monkeypatch.setattr(_aot, "_extension", [None])
    monkeypatch.delenv(_aot.DISABLE_ENV)
    missing = _aot.Served("quadratic_pdf", jitted)
    missing(x, 0.0, 0.5, 0.0, 1.0, 0.0, 3.5)
    assert missing.source is _aot.Source.JIT_NOT_BUILT
    with pytest.raises(KeyError, match="not one of the AOT kernels"):
        _aot.Served("no_such_kernel", jitted)


_C = 2.0


@njit
def _callee(x):
    return _C * x


@njit
def _caller(x):
    """One docstring."""
    return _callee(x) + 1.0


def test_digest_follows_code_callees_and_constants_not_docstrings(monkeypatch):
    base = _aot.kernel_digest(_caller)

    def caller(x):
        """Another docstring."""
        return _callee(x) + 1.0

    assert _aot.kernel_digest(njit(caller)) == base  # docstring only
    monkeypatch.setitem(globals(), "_C", 3.0)  # a constant the callee reads (numba freezes it at compile time)
    assert _aot.kernel_digest(_caller) != base
    monkeypatch.setitem(globals(), "_C", 2.0)

    def callee2(x):
        return _C * x * 1.0

    monkeypatch.setitem(globals(), "_callee", njit(callee2))  # a callee's code
    assert _aot.kernel_digest(_caller) != base
