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

import freecalc as fc
import freecalc.fitting.kernels as FK
import freecalc.kernels
import freecalc.kernels.branches as KB
import freecalc.kernels.htmp as KH
import freecalc.kernels.quadratic as KQ
from freecalc.kernels import _aot

ROOT = Path(__file__).resolve().parents[2]
REBUILD = "rebuild the extension: pip install -e . (or python setup.py build_ext --inplace)"

#: jitted kernel of every registry entry, as the serving modules hold it
JITTED = {name: served.jitted for name, served in
          (("htmp_params", KH._PARAMS), ("htmp_real_anchor", KH._REAL_ANCHOR),
           ("htmp_logpdf_sorted", KH._LOGPDF_SORTED), ("quadratic_pdf", KQ.quadratic_pdf),
           ("quadratic_stieltjes", KQ.quadratic_stieltjes), ("stieltjes_branch_status", KB.stieltjes_branch_status),
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


#: prefix of the fresh-process probes: records every kernel numba compiles
RECORD_COMPILES = """
import json, sys
from numba.core import event
compiled = []
class Rec(event.Listener):
    def on_start(self, ev):
        f = ev.data["dispatcher"].py_func
        compiled.append(f.__module__ + "." + f.__qualname__)
    def on_end(self, ev):
        pass
event.register("numba:compile", Rec())
"""


def _fresh_process(body):
    """Run RECORD_COMPILES + ``body`` in a new interpreter with an empty numba cache; its last JSON line."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MPLBACKEND": "Agg"}
        env.pop(_aot.DISABLE_ENV, None)
        out = subprocess.run([sys.executable, "-c", RECORD_COMPILES + body], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_first_fit_compiles_no_kernel_and_import_does_not_load_the_extension():
    # a fresh process with an empty numba cache: the default fit runs without compiling anything (numba's start-up
    # alone is ~0.5 s: one compiled kernel on the fit path breaks issue 16's first fit <= 5x the warm fit), and
    # `import freecalc` leaves the extension unimported
    got = _fresh_process("""
import numpy as np
import freecalc as fc
loaded_at_import = "freecalc.kernels._aot_kernels" in sys.modules
W = np.random.default_rng(0).standard_normal((400, 100)) / 20.0
law = fc.fit(W).law
print(json.dumps({"import": loaded_at_import, "compiled": compiled, "law": type(law).__name__,
                  "loaded": "freecalc.kernels._aot_kernels" in sys.modules, "pycc": "numba.pycc" in sys.modules}))
""")
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


def test_quadratic_stieltjes_matches_the_jitted_one():
    f = _aot_fn("quadratic_stieltjes")
    # the real axis (boundary values, both support ends and the pole of MP(2) at 0 included) and points above it
    x = np.concatenate([np.linspace(-1.0, 6.0, 701), [0.0, (1 - 2 ** 0.5) ** 2, (1 + 2 ** 0.5) ** 2]])
    z = np.concatenate([x + 0j, x + 1e-8j, x + 0.3j, x[::7] + 50j])
    laws = (fc.MarchenkoPastur(2.0), fc.MarchenkoPastur(0.5), fc.Semicircle(1.5), fc.Wachter(0.6, 4.0))
    for law in laws:
        got, want = f(z, *law.kernel_args()), JITTED["quadratic_stieltjes"](z, *law.kernel_args())
        assert _ulps(got.real, want.real) <= 2 and _ulps(got.imag, want.imag) <= 2
    assert np.isinf(f(np.array([0j]), *fc.MarchenkoPastur(2.0).kernel_args())[0].real)  # the atom's pole
    # a real array is converted to complex, as the jitted kernel would read it
    args = fc.MarchenkoPastur(0.5).kernel_args()
    assert np.array_equal(f(x, *args), JITTED["quadratic_stieltjes"](x + 0j, *args))


def _branch_both(law, x, y):
    n = law._numeric
    out = {}
    for route, fn in (("aot", _aot_fn("stieltjes_branch_status")), ("jit", JITTED["stieltjes_branch_status"])):
        m, status = np.empty(x.size, complex), np.full(x.size, -1, np.int64)
        fn(n.C, x, y, float(n.Y), n.mom, m, status)
        out[route] = m, status
    return out["aot"], out["jit"]


@pytest.mark.parametrize("case", ["mp-algebraic", "wachter-product"])
def test_stieltjes_branch_status_matches_the_jitted_one(case):
    if case == "mp-algebraic":
        law = fc.to_algebraic(fc.MarchenkoPastur(0.5))
        x = np.linspace(-1.0, 4.0, 201)
    else:
        # an atom of mass 0.4 at the lower edge 0: points within 1e-8 of it do not converge (status 1)
        law = fc.free_mul(fc.Wachter(0.6, 4.0), fc.Wachter(0.6, 0.6))
        x = np.concatenate([[1e-12, 1e-10, 1e-8, 1e-6], np.linspace(-0.5, 5.0, 111)])
    # the real axis (boundary values), just above it, and well above it
    y = np.concatenate([np.zeros(x.size), np.full(x.size, 1e-6), np.full(x[::5].size, 0.7)])
    x = np.concatenate([x, x, x[::5]])
    (m_aot, s_aot), (m_jit, s_jit) = _branch_both(law, x, y)
    assert np.array_equal(s_aot, s_jit) and set(s_jit) <= {KB.BRANCH_OK, KB.BRANCH_NOT_CONVERGED}
    # same source, no fast-math: bitwise equal expected (0 ulp measured); 2 ulps for a CPU-specific libm path
    assert _ulps(m_aot.real, m_jit.real) <= 2 and _ulps(m_aot.imag, m_jit.imag) <= 2
    assert (s_jit == KB.BRANCH_NOT_CONVERGED).any() == (case == "wachter-product")  # the grid reaches both codes


def test_output_arrays_must_be_written_in_place():
    # a converted copy of an output would take the results: outputs of the wrong dtype or layout raise
    f = _aot_fn("stieltjes_branch_status")
    n = fc.to_algebraic(fc.MarchenkoPastur(0.5))._numeric
    x = np.linspace(0.5, 2.0, 4)
    args = (n.C, x, np.zeros(4), float(n.Y), n.mom)
    m, status = np.empty(4, complex), np.empty(4, np.int64)
    f(*args, m, status)
    want_m, want_s = np.empty(4, complex), np.empty(4, np.int64)
    JITTED["stieltjes_branch_status"](*args, want_m, want_s)
    assert np.array_equal(m, want_m) and np.array_equal(status, want_s)
    with pytest.raises(ValueError, match="argument 6 is written in place.*int64"):
        f(*args, m, np.empty(4, np.int32))
    with pytest.raises(ValueError, match="argument 5 is written in place"):
        f(*args, np.empty(8, complex)[::2], status)
    with pytest.raises(ValueError, match="argument 0 must be a 2-d array"):
        f(n.C.ravel(), *args[1:], m, status)
    # inputs are converted: a Fortran-ordered coefficient matrix gives the same values
    f(np.asfortranarray(n.C), *args[1:], m, status)
    assert np.array_equal(m, want_m)


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


@pytest.mark.slow
def test_first_demo_compiles_no_kernel():
    # `freecalc demo` in a fresh process with an empty numba cache: every kernel it calls comes from the extension
    # (without it the demo compiled stieltjes_branch_status and quadratic_stieltjes, ~8 of its ~10 s)
    got = _fresh_process("""
import contextlib, io
from freecalc.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(["demo"])
print(json.dumps({"rc": rc, "compiled": compiled}))
""")
    assert got["rc"] == 0
    assert got["compiled"] == [], f"compiled by the demo: {got['compiled']} ({REBUILD}, or add them to KERNELS)"


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
