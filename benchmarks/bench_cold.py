"""Cold-start benchmark: import time, first fit with an empty numba cache, first demo.

``python benchmarks/bench_cold.py [--quick]``; results to ``benchmarks/results/cold_start.md``.

(i) **Import.** ``import freecalc`` against ``import scipy.stats`` (and ``import numpy``, ``import sympy`` for
    scale), each in a fresh interpreter, interleaved, best of 5: the time of the import statement measured inside
    the process (``time.perf_counter`` around it) and the wall time of the whole ``python -c`` process. Then the
    first numeric answer, ``fc.MarchenkoPastur(0.5).pdf(1.0)`` against ``scipy.stats.norm.pdf(1.0)`` (import
    included), the command line's import (``freecalc.cli``), and which heavy packages (sympy, numba, scipy.stats)
    each step left in ``sys.modules``.
(ii) **First fit.** ``fc.fit(W)`` on a Gaussian 2048×512 matrix (``--quick``: 1024×256) in a fresh process whose
    ``NUMBA_CACHE_DIR`` is a new empty folder (every jitted kernel compiles; the fitting path's kernels come from the
    extension compiled at install, ``freecalc/kernels/_aot.py``), then the same call again in that process, three
    times (warm: the best of the three); and in a second fresh process on the now-filled cache folder. The acceptance
    ratio is first fit (empty cache) / warm fit. The same two processes with ``FREECALC_DISABLE_AOT=1`` (every
    kernel jitted) give the first fit without the extension and the warm fit with jitted kernels, to compare the
    AOT kernels' steady state (compiled for a generic CPU) with the jitted ones' (compiled for this CPU).
    The steady state is also compared inside one process: warm fits with the extension's functions and with the
    jitted kernels, interleaved, 7 rounds (``STEADY_CODE``; process CPU time, median and best).
(v) **Install-time compilation.** ``setup.py``'s ``compile_aot`` into a temporary folder, in a fresh process (what
    ``pip install`` adds to the install).
(iii) **First demo.** ``freecalc demo`` (its ``main``, with the compile recorder of the fit) in a fresh process with
    an empty cache folder, then with the filled one; with the extension and with ``FREECALC_DISABLE_AOT=1``.
(iv) **Read-only installation.** A copy of the package (no numba cache files) mounted read-only (``unshare -m`` and
    a read-only bind mount; skipped where mount namespaces are not allowed), ``XDG_CACHE_HOME`` a new folder, no
    ``NUMBA_CACHE_DIR``, ``FREECALC_DISABLE_AOT=1``: two fresh processes evaluate ``MarchenkoPastur(0.5).stieltjes``
    (a jitted numba kernel; the extension would serve it otherwise). numba cannot write next to the sources and must
    fall back to the user cache; the check is that the kernels land there and that the second process loads them
    (its first call is faster).

numba writes its cache next to the sources (``__pycache__``) when it can, else under ``NUMBA_CACHE_DIR`` or the
user cache; setting ``NUMBA_CACHE_DIR`` to a fresh folder is what a new installation with a read-only
site-packages sees. BLAS, OpenMP and numba threads are pinned to 1 in every subprocess (``PINNED``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "cold_start.md"
PINNED = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
HEAVY = ("sympy", "numba", "scipy.stats")

IMPORT_CODE = """
import sys, time, json
t = time.perf_counter()
{stmt}
dt = time.perf_counter() - t
print(json.dumps({{"t": dt, "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""

RECORD_COMPILES = """
import sys, time, json
from numba.core import event
compiles, depth = {}, [0]


class Outer(event.Listener):
    # numba compiles a kernel's callees inside its compilation: only the outermost compilations are summed
    def on_start(self, ev):
        depth[0] += 1
        if depth[0] == 1:
            self.t = time.perf_counter()

    def on_end(self, ev):
        depth[0] -= 1
        if depth[0] == 0:
            f = ev.data["dispatcher"].py_func
            key = f.__module__ + "." + f.__qualname__
            compiles[key] = compiles.get(key, 0.0) + time.perf_counter() - self.t


event.register("numba:compile", Outer())
"""

FIT_CODE = RECORD_COMPILES.replace("{", "{{").replace("}", "}}") + """
t0 = time.perf_counter()
import numpy as np
import freecalc as fc
rng = np.random.default_rng(0)
W = rng.standard_normal(({n}, {p})) / np.sqrt({n})
t1 = time.perf_counter()
c1 = time.process_time()
res = fc.fit(W)
t2 = time.perf_counter()
c2 = time.process_time()
warm, warm_cpu = [], []
for _ in range(3):
    t3 = time.perf_counter()
    c3 = time.process_time()
    res2 = fc.fit(W)
    warm.append(time.perf_counter() - t3)
    warm_cpu.append(time.process_time() - c3)
from freecalc.kernels._aot import aot_kernels
print(json.dumps({{"setup": t1 - t0, "first": t2 - t1, "warm": min(warm), "law": type(res.law).__name__,
                  "first_cpu": c2 - c1, "warm_cpu": min(warm_cpu),
                  "same": repr(res.law) == repr(res2.law), "sympy": "sympy" in sys.modules,
                  "compiles": compiles, "aot": aot_kernels()}}))
"""


DEMO_CODE = RECORD_COMPILES + """
import contextlib, io
t = time.perf_counter()
from freecalc.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(["demo"])
print(json.dumps({"t": time.perf_counter() - t, "rc": rc, "compiles": compiles}))
"""


def _env(cache: str | None = None, aot: bool = True) -> dict[str, str]:
    env = {**os.environ, **PINNED}
    env.pop("FREECALC_DISABLE_AOT", None)
    if not aot:
        env["FREECALC_DISABLE_AOT"] = "1"
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    return env


def _run_json(code: str, env: dict[str, str]) -> tuple[dict, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=HERE.parent)
    wall = time.perf_counter() - t
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1]), wall


def bench_import(repeats: int) -> list[dict]:
    cases = [
        ("import freecalc", "import freecalc"),
        ("import scipy.stats", "import scipy.stats"),
        ("import numpy", "import numpy"),
        ("import sympy", "import sympy"),
        ("freecalc: import + MarchenkoPastur(0.5).pdf(1.0)",
         "import freecalc as fc\nfc.MarchenkoPastur(0.5).pdf(1.0)"),
        ("scipy.stats: import + norm.pdf(1.0)", "import scipy.stats\nscipy.stats.norm.pdf(1.0)"),
        ("command line: import freecalc.cli", "import freecalc.cli"),
    ]
    best = {name: (float("inf"), float("inf"), []) for name, _ in cases}
    for _ in range(repeats):  # interleaved: load on the machine hits every case alike
        for name, stmt in cases:
            got, wall = _run_json(IMPORT_CODE.format(stmt=stmt, heavy=HEAVY), _env())
            t, w, _ = best[name]
            best[name] = (min(t, got["t"]), min(w, wall), got["loaded"])
    return [{"case": name, "t": t, "wall": w, "loaded": loaded} for name, (t, w, loaded) in best.items()]


def bench_fit(n: int, p: int, aot: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="freecalc-numba-") as cache:
        cold, cold_wall = _run_json(FIT_CODE.format(n=n, p=p), _env(cache, aot))
        files = sum(1 for _ in Path(cache).rglob("*.nbi"))
        cached, cached_wall = _run_json(FIT_CODE.format(n=n, p=p), _env(cache, aot))
    return {"cold": cold, "cold_wall": cold_wall, "cached": cached, "cached_wall": cached_wall, "index_files": files}


STEADY_CODE = """
import json, time
import numpy as np
import freecalc as fc
from freecalc.kernels import _aot
rng = np.random.default_rng(0)
W = rng.standard_normal(({n}, {p})) / np.sqrt({n})
fc.fit(W)  # resolves the kernels the fit calls to the extension's functions
served = [s for s in _aot._SERVED.values() if s._call is not None]
aot = [s._call for s in served]
jit = [s.jitted for s in served]


def use(calls):
    for s, c in zip(served, calls):
        s._call = c


use(jit)
fc.fit(W)  # compiles the jitted kernels (or loads them from the cache)
times = {{"aot": [], "jit": [], "sources": [s.source.value for s in served]}}
for _ in range({rounds}):
    for mode, calls in (("aot", aot), ("jit", jit)):
        use(calls)
        c = time.process_time()
        fc.fit(W)
        times[mode].append(time.process_time() - c)
print(json.dumps(times))
"""


def bench_steady(n: int, p: int, rounds: int = 7) -> dict:
    """Warm fits with the AOT and with the jitted kernels, interleaved in one process (CPU times)."""
    got, _ = _run_json(STEADY_CODE.format(n=n, p=p, rounds=rounds), _env())
    return got


def bench_build() -> dict:
    """CPU and wall time of setup.py's compile_aot (the install-time compilation) in a fresh process."""
    code = f"""
import json, runpy, sys, tempfile, time
from pathlib import Path
sys.argv = ["setup.py", "--name"]  # setup() only prints the name
ns = runpy.run_path({str(HERE.parent / "setup.py")!r})
with tempfile.TemporaryDirectory() as tmp:
    t, c = time.perf_counter(), time.process_time()
    ns["compile_aot"](Path(tmp) / "_aot_kernels.so")
    print(json.dumps({{"wall": time.perf_counter() - t, "cpu": time.process_time() - c}}))
"""
    got, _ = _run_json(code, _env())
    return got


def bench_demo() -> dict:
    """``freecalc demo`` (``DEMO_CODE``: the command's ``main`` and a compile recorder) in fresh processes on an
    empty then the filled numba cache folder, with the extension's kernels and then jitted only."""
    out = {}
    for label, aot in (("AOT (installed extension)", True), ("jitted (`FREECALC_DISABLE_AOT=1`)", False)):
        with tempfile.TemporaryDirectory(prefix="freecalc-numba-") as cache:
            for run in ("empty cache", "filled cache"):
                got, wall = _run_json(DEMO_CODE, _env(cache, aot))
                out[f"{label}|{run}"] = {**got, "wall": wall}
    return out


RO_PROBE = """
import time, json
t = time.perf_counter()
import freecalc as fc
fc.MarchenkoPastur(0.5).stieltjes([1.0 + 1j, 2.0 + 0.5j])
print(json.dumps({"file": fc.__file__, "t": time.perf_counter() - t}))
"""


def bench_read_only() -> dict:
    """Two processes on a read-only copy of the package; where numba wrote its cache and the first-call times."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="freecalc-ro-") as tmp:
        src, mnt, xdg = Path(tmp) / "src", Path(tmp) / "mnt", Path(tmp) / "xdg"
        shutil.copytree(HERE.parent / "freecalc", src / "freecalc",
                        ignore=shutil.ignore_patterns("*.nbi", "*.nbc", "*.lock", "*.pyc"))
        mnt.mkdir()
        probe = Path(tmp) / "probe.py"
        probe.write_text(RO_PROBE)
        script = (f"mount --bind {src} {mnt} && mount -o remount,bind,ro {mnt} && "
                  f"{sys.executable} {probe} && {sys.executable} {probe}")
        # jitted kernels only: the extension serves MarchenkoPastur.stieltjes, which would leave nothing to cache
        env = {**_env(aot=False), "XDG_CACHE_HOME": str(xdg), "PYTHONPATH": str(mnt)}
        env.pop("NUMBA_CACHE_DIR", None)
        out = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env,
                             cwd=tmp)
        if out.returncode:
            return {"skipped": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "unshare failed"}
        runs = [json.loads(line) for line in out.stdout.strip().splitlines()[-2:]]
        return {"runs": runs, "user_cache": sum(1 for _ in xdg.rglob("*.nbi")),
                "in_tree": sum(1 for _ in src.rglob("*.nbi")), "from_copy": all(r["file"].startswith(str(mnt))
                                                                                  for r in runs)}


def report(imports: list[dict], fit: dict, jit: dict, steady: dict, build: dict, demo: dict, ro: dict, n: int,
           p: int, repeats: int) -> str:
    by = {r["case"]: r for r in imports}
    fc_t, sc_t = by["import freecalc"]["t"], by["import scipy.stats"]["t"]
    fc_w, sc_w = by["import freecalc"]["wall"], by["import scipy.stats"]["wall"]
    cold, cached = fit["cold"], fit["cached"]
    first_fc = by["freecalc: import + MarchenkoPastur(0.5).pdf(1.0)"]["t"]
    first_sc = by["scipy.stats: import + norm.pdf(1.0)"]["t"]
    lines = [
        "# Cold start: import, first fit, first demo",
        "",
        f"`python benchmarks/bench_cold.py` on {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, BLAS/OpenMP/numba threads pinned to 1; every figure from one run "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). Timings on a shared machine: the ratios, measured "
        "side by side in the same run, are the figures to read.",
        "",
        f"## Import (fresh interpreter per sample, interleaved, best of {repeats})",
        "",
        "| statement | import time (s) | process wall (s) | heavy packages loaded |",
        "|---|---:|---:|---|",
    ]
    for r in imports:
        lines.append(f"| `{r['case']}` | {r['t']:.4f} | {r['wall']:.3f} | {', '.join(r['loaded']) or '—'} |")
    lines += [
        "",
        f"**Ratio `import freecalc` / `import scipy.stats`: {fc_t / sc_t:.3f}** (import statement; "
        f"{fc_w / sc_w:.2f} on the whole process wall time, interpreter start-up included). Target ≤ 1.0.",
        f"Up to the first numeric answer (import + MP density vs import + normal density): "
        f"**{first_fc / first_sc:.2f}**; the MP density's kernel brings numba in.",
        "",
        f"## First fit: `fc.fit(W)`, Gaussian {n}×{p} (fresh process)",
        "",
        "| kernels | run | first `fc.fit` (s) | first, CPU (s) | warm `fc.fit`, best of 3 (s) | warm, CPU (s) | "
        "imports + data, numba already imported (s) | process wall (s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, f in (("AOT (installed extension)", fit), ("jitted (`FREECALC_DISABLE_AOT=1`)", jit)):
        for run, key in (("empty numba cache (`NUMBA_CACHE_DIR` a new folder)", "cold"),
                         ("cache filled by the run above", "cached")):
            r = f[key]
            lines.append(f"| {label} | {run} | {r['first']:.2f} | {r['first_cpu']:.2f} | {r['warm']:.3f} | "
                         f"{r['warm_cpu']:.3f} | {r['setup']:.2f} | {f[key + '_wall']:.1f} |")
    served = cold["aot"]
    n_aot = sum(v == "aot" for v in served.values())
    jc = jit["cold"]
    lines += [
        "",
        f"Kernels served by the extension: {n_aot} of {len(served)} "
        f"({', '.join(f'`{k}`' if v == 'aot' else f'`{k}` ({v})' for k, v in served.items())}).",
        f"**Ratio first fit with an empty cache / warm fit: {cold['first'] / cold['warm']:.1f}** (target ≤ 5); "
        f"with the cache filled: {cached['first'] / cached['warm']:.2f}. Law chosen: {cold['law']} (same result "
        f"both calls: {cold['same'] and cached['same']}); sympy imported by the fit: {cold['sympy']}. "
        f"{fit['index_files']} compiled kernels were written to the cache folder.",
        f"In process CPU time (single-threaded, so the wall time of a quiet machine; the load of a shared machine "
        f"inflates wall times unevenly): first fit {cold['first_cpu']:.2f} s, warm {cold['warm_cpu']:.2f} s, "
        f"**ratio {cold['first_cpu'] / cold['warm_cpu']:.1f}**; with the cache filled "
        f"{cached['first_cpu'] / cached['warm_cpu']:.2f}.",
        f"Without the extension (every kernel jitted, same run): first fit {jc['first_cpu']:.2f} s CPU, ratio "
        f"{jc['first_cpu'] / jc['warm_cpu']:.1f}. Steady state, warm fit AOT / jitted: "
        f"{cold['warm_cpu'] / jc['warm_cpu']:.2f} in CPU time ({cold['warm'] / jc['warm']:.2f} wall) across the two "
        f"processes; inside one process, interleaved ({len(steady['aot'])} rounds): AOT median "
        f"{statistics.median(steady['aot']):.3f} s, best {min(steady['aot']):.3f} s; jitted median "
        f"{statistics.median(steady['jit']):.3f} s, best {min(steady['jit']):.3f} s: **ratio "
        f"{statistics.median(steady['aot']) / statistics.median(steady['jit']):.3f}** (medians). The AOT kernels "
        "(compiled for a generic CPU) serve every call: the difference is their call overhead (pycc's argument "
        "conversion and the array check, ~2-3 µs per call).",
        f"Install-time cost: `setup.py`'s ahead-of-time compilation takes {build['cpu']:.1f} s CPU "
        f"({build['wall']:.1f} s wall) in a fresh process.",
        "",
    ]
    for label, f in (("with the extension", cold), ("jitted only", jc)):
        comp = f["compiles"]
        lines += [f"Compilation in the empty-cache run {label}, by outermost kernel (numba compiles a kernel's "
                  f"callees with it), {sum(comp.values()):.1f} s in all" + (":" if comp else " (nothing compiled)."),
                  ""]
        if comp:
            lines += ["| kernel | compile (s) |", "|---|---:|",
                      *[f"| `{k}` | {v:.2f} |" for k, v in sorted(comp.items(), key=lambda kv: -kv[1])[:10]], ""]
    lines += [
        "## First demo: `freecalc demo` (fresh process: the command's `main` under a compile recorder)",
        "",
        "| kernels | numba cache | demo (s) | process wall (s) | kernels compiled (s) | exit |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for key, r in demo.items():
        label, run = key.split("|")
        lines.append(f"| {label} | {run} | {r['t']:.1f} | {r['wall']:.1f} | {sum(r['compiles'].values()):.1f} | "
                     f"{r['rc']} |")
    first_aot = demo["AOT (installed extension)|empty cache"]
    first_jit = demo["jitted (`FREECALC_DISABLE_AOT=1`)|empty cache"]
    lines += ["", f"**First demo with an empty cache, jitted / AOT: {first_jit['t'] / first_aot['t']:.1f}x** "
              f"({first_jit['t']:.1f} s / {first_aot['t']:.1f} s in the process, same run). Kernels the jitted "
              "first demo compiles, by outermost kernel:", "", "| kernel | compile (s) |", "|---|---:|",
              *[f"| `{k}` | {v:.2f} |" for k, v in sorted(first_jit["compiles"].items(), key=lambda kv: -kv[1])],
              "", f"With the extension it compiles {len(first_aot['compiles'])} kernels"
              + (": " + ", ".join(f"`{k}`" for k in first_aot["compiles"]) + "." if first_aot["compiles"] else ".")]
    lines += ["", "## Read-only installation (numba's fallback to the user cache)", ""]
    if "skipped" in ro:
        lines.append(f"Not run: {ro['skipped']}.")
    else:
        first, second = ro["runs"]
        lines.append(
            f"Package imported from the read-only copy: {ro['from_copy']}. Kernel index files written next to the "
            f"sources: {ro['in_tree']}; in the user cache (`$XDG_CACHE_HOME/numba`): {ro['user_cache']}. "
            f"Import + first `MarchenkoPastur(0.5).stieltjes`: {first['t']:.2f} s in the first process (compiles), "
            f"{second['t']:.2f} s in the second (loads the user cache).")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller matrix, 3 import samples")
    args = parser.parse_args(argv)
    n, p = (1024, 256) if args.quick else (2048, 512)
    repeats = 3 if args.quick else 5
    imports = bench_import(repeats)
    fit = bench_fit(n, p)
    jit = bench_fit(n, p, aot=False)
    steady = bench_steady(n, p)
    build = bench_build()
    demo = bench_demo()
    ro = bench_read_only()
    # raw figures kept beside the table (ignored by git) so the table can be re-rendered without re-measuring
    RESULTS.with_suffix(".json.tmp").write_text(json.dumps(
        {"imports": imports, "fit": fit, "jit": jit, "steady": steady, "build": build, "demo": demo, "ro": ro}))
    text = report(imports, fit, jit, steady, build, demo, ro, n, p, repeats)
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
