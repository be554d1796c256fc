"""Cold-start benchmark: import time, first fit with an empty numba cache, first demo.

``python benchmarks/bench_cold.py [--quick]``; results to ``benchmarks/results/cold_start.md``.

(i) **Import.** ``import freecalc`` against ``import scipy.stats`` (and ``import numpy``, ``import sympy`` for
    scale), each in a fresh interpreter, interleaved, best of 5: the time of the import statement measured inside
    the process (``time.perf_counter`` around it) and the wall time of the whole ``python -c`` process. Then the
    first numeric answer, ``fc.MarchenkoPastur(0.5).pdf(1.0)`` against ``scipy.stats.norm.pdf(1.0)`` (import
    included), the command line's import (``freecalc.cli``), and which heavy packages (sympy, numba, scipy.stats)
    each step left in ``sys.modules``.
(ii) **First fit.** ``fc.fit(W)`` on a Gaussian 2048×512 matrix (``--quick``: 1024×256) in a fresh process whose
    ``NUMBA_CACHE_DIR`` is a new empty folder (every kernel compiles), then the same call again in that process
    (warm: compiled and imported); and in a second fresh process on the now-filled cache folder (kernels loaded
    from the cache). The acceptance ratio is first fit (empty cache) / warm fit.
(iii) **First demo.** ``python -m freecalc demo`` wall time with an empty cache folder, then with the filled one.
(iv) **Read-only installation.** A copy of the package (no numba cache files) mounted read-only (``unshare -m`` and
    a read-only bind mount; skipped where mount namespaces are not allowed), ``XDG_CACHE_HOME`` a new folder, no
    ``NUMBA_CACHE_DIR``: two fresh processes evaluate ``MarchenkoPastur(0.5).stieltjes`` (a numba kernel). numba
    cannot write next to the sources and must fall back to the user cache; the check is that the kernels land there
    and that the second process loads them (its first call is faster).

numba writes its cache next to the sources (``__pycache__``) when it can, else under ``NUMBA_CACHE_DIR`` or the
user cache; setting ``NUMBA_CACHE_DIR`` to a fresh folder is what a new installation with a read-only
site-packages sees. BLAS, OpenMP and numba threads are pinned to 1 in every subprocess (``PINNED``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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

FIT_CODE = """
import sys, time, json
from numba.core import event
compiles, depth = {{}}, [0]


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
res2 = fc.fit(W)
t3 = time.perf_counter()
c3 = time.process_time()
print(json.dumps({{"setup": t1 - t0, "first": t2 - t1, "warm": t3 - t2, "law": type(res.law).__name__,
                  "first_cpu": c2 - c1, "warm_cpu": c3 - c2,
                  "same": repr(res.law) == repr(res2.law), "sympy": "sympy" in sys.modules,
                  "compiles": compiles}}))
"""


def _env(cache: str | None = None) -> dict[str, str]:
    env = {**os.environ, **PINNED}
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


def bench_fit(n: int, p: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="freecalc-numba-") as cache:
        cold, cold_wall = _run_json(FIT_CODE.format(n=n, p=p), _env(cache))
        files = sum(1 for _ in Path(cache).rglob("*.nbi"))
        cached, cached_wall = _run_json(FIT_CODE.format(n=n, p=p), _env(cache))
    return {"cold": cold, "cold_wall": cold_wall, "cached": cached, "cached_wall": cached_wall, "index_files": files}


def bench_demo() -> dict:
    cmd = [sys.executable, "-m", "freecalc", "demo"]
    out = {}
    with tempfile.TemporaryDirectory(prefix="freecalc-numba-") as cache:
        for label in ("empty cache", "filled cache"):
            t = time.perf_counter()
            res = subprocess.run(cmd, capture_output=True, text=True, env=_env(cache), cwd=HERE.parent)
            out[label] = (time.perf_counter() - t, res.returncode)
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
        env = {**_env(), "XDG_CACHE_HOME": str(xdg), "PYTHONPATH": str(mnt)}
        env.pop("NUMBA_CACHE_DIR", None)
        out = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env,
                             cwd=tmp)
        if out.returncode:
            return {"skipped": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "unshare failed"}
        runs = [json.loads(line) for line in out.stdout.strip().splitlines()[-2:]]
        return {"runs": runs, "user_cache": sum(1 for _ in xdg.rglob("*.nbi")),
                "in_tree": sum(1 for _ in src.rglob("*.nbi")), "from_copy": all(r["file"].startswith(str(mnt))
                                                                                  for r in runs)}


def report(imports: list[dict], fit: dict, demo: dict, ro: dict, n: int, p: int, repeats: int) -> str:
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
        "| run | first `fc.fit` (s) | second `fc.fit` in the same process (s) | imports + data, numba already imported (s) | process wall (s) |",
        "|---|---:|---:|---:|---:|",
        f"| empty numba cache (`NUMBA_CACHE_DIR` a new folder) | {cold['first']:.2f} | {cold['warm']:.2f} | "
        f"{cold['setup']:.2f} | {fit['cold_wall']:.1f} |",
        f"| cache filled by the run above | {cached['first']:.2f} | {cached['warm']:.2f} | {cached['setup']:.2f} | "
        f"{fit['cached_wall']:.1f} |",
        "",
        f"**Ratio first fit with an empty cache / warm fit: {cold['first'] / cold['warm']:.1f}** (target ≤ 5); "
        f"with the cache filled: {cached['first'] / cached['warm']:.2f}. Law chosen: {cold['law']} (same result "
        f"both calls: {cold['same'] and cached['same']}); sympy imported by the fit: {cold['sympy']}. "
        f"{fit['index_files']} compiled kernels were written to the cache folder.",
        f"In process CPU time (single-threaded, so the wall time of a quiet machine; the load of a shared machine "
        f"inflates wall times unevenly): first fit {cold['first_cpu']:.2f} s, warm {cold['warm_cpu']:.2f} s, "
        f"**ratio {cold['first_cpu'] / cold['warm_cpu']:.1f}**; with the cache filled "
        f"{cached['first_cpu'] / cached['warm_cpu']:.2f}.",
        "",
        "Compilation in the empty-cache run, by outermost kernel (numba compiles a kernel's callees with it), "
        f"{sum(cold['compiles'].values()):.1f} s in all:",
        "",
        "| kernel | compile (s) |",
        "|---|---:|",
        *[f"| `{k}` | {v:.2f} |" for k, v in sorted(cold["compiles"].items(), key=lambda kv: -kv[1])[:10]],
        "",
        "## First demo: `python -m freecalc demo` (process wall time)",
        "",
        "| numba cache | wall (s) | exit |",
        "|---|---:|---:|",
    ]
    for label, (wall, rc) in demo.items():
        lines.append(f"| {label} | {wall:.1f} | {rc} |")
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
    demo = bench_demo()
    ro = bench_read_only()
    text = report(imports, fit, demo, ro, n, p, repeats)
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
