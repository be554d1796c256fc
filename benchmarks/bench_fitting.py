"""Benchmark: full spectral analysis of a heavy-tailed weight matrix, freecalc vs WeightWatcher.

Matrix: W of shape 4096×1024 with iid Student-t(2.5) entries (seed 0). freecalc's analysis is one call,
``fc.fit(W, options=FitOptions(candidates=(MarchenkoPastur, InverseHTMP)))``: eigenvalues of WᵀW/N, the
spike-robust Marchenko–Pastur bulk fit, the InverseHTMP fit, BIC ranking, standard errors, KS distance, power-law
tail α (Clauset–Shalizi–Newman, xmin by minimal KS), spikes and the 5+1 phase. WeightWatcher 0.7.7 analyses the
same matrix wrapped in a torch ``nn.Linear`` (its default ``analyze()``: SVD, power-law fit, MP-related metrics),
run in its own virtual environment through a subprocess.

BLAS threads are pinned to 1 for both (environment variables set before numpy/torch are imported, plus
threadpoolctl / torch.set_num_threads). First calls (numba compilation, imports) are excluded: each side is timed
after a warm-up run, best of several repeats. Also: single-law fits (MP, HTMP, InverseHTMP) on this spectrum and on a
600×300 one, with their boundary flags, the first-fit time of ``fc.fit(x, InverseHTMP)`` in fresh processes
(empty and filled numba cache), ``fc.fit(W)`` with its default candidate set (every registered family), and the
10⁴ → 10⁶ scaling of ``fc.fit(x, HTMP)``, and the CPU split of the default fit by pipeline stage (eigenvalues,
reference bulk and spikes, each candidate, the winner's refit, diagnostics), and the ways to the eigenvalues
(Gram matrix by numpy or by one dsyrk; LAPACK's symmetric eigensolvers). Results go to
benchmarks/results/fitting.md.

Run: python benchmarks/bench_fitting.py   (needs benchmarks/.venv-weightwatcher, see requirements-weightwatcher.txt)
"""
from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
try:  # optional: the environment variables above already pin the threads
    from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402
except ImportError:  # pragma: no cover
    import contextlib

    def threadpool_limits(n):  # noqa: D103
        return contextlib.nullcontext()

    def threadpool_info():  # noqa: D103
        return [{"internal_api": "BLAS", "version": "(threadpoolctl absent)",
                 "num_threads": os.environ["OPENBLAS_NUM_THREADS"] + " via OPENBLAS_NUM_THREADS"}]

import freecalc as fc  # noqa: E402
from freecalc.fitting.likelihood import BIN_THRESHOLD  # noqa: E402

HERE = Path(__file__).resolve().parent
VENV_PY = HERE / ".venv-weightwatcher" / "bin" / "python"
RESULTS = HERE / "results" / "fitting.md"
N, M, NU, SEED = 4096, 1024, 2.5, 0
REPEATS = 5

WW_SCRIPT = r"""
import os, sys, json, time
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import numpy as np
import torch
torch.set_num_threads(1)
import logging
logging.disable(logging.WARNING)
import weightwatcher as ww
W = np.load(sys.argv[1])
repeats = int(sys.argv[2])
lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=False)
with torch.no_grad():
    lin.weight.copy_(torch.from_numpy(W.astype(np.float32)))
model = torch.nn.Sequential(lin)
watcher = ww.WeightWatcher(model=model)
watcher.analyze()  # warm-up
times, cpu = [], []
for _ in range(repeats):
    t, c = time.perf_counter(), time.process_time()
    df = watcher.analyze()
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
row = df.iloc[0]
print(json.dumps({"times": times, "cpu": cpu, "alpha": float(row["alpha"]), "xmin": float(row["xmin"]),
                  "num_spikes": int(row.get("num_spikes", -1)) if "num_spikes" in df else None,
                  "version": ww.__version__ if hasattr(ww, "__version__") else "0.7.7"}))
"""


def freecalc_analysis(W: np.ndarray):
    opts = fc.FitOptions(candidates=(fc.MarchenkoPastur, fc.InverseHTMP))
    return fc.fit(W, options=opts)


FIRST_FIT_SCRIPT = r"""
import os, time
t0 = time.perf_counter()
import numpy as np
import freecalc as fc
t1 = time.perf_counter()
w = np.random.default_rng(1).standard_t(2.5, size=(600, 300))
x = np.linalg.eigvalsh(w.T @ w / 600)  # numpy only: nothing of freecalc's numba code runs before the timer
t = time.perf_counter(); fc.fit(x, fc.InverseHTMP); first = time.perf_counter() - t
t = time.perf_counter(); fc.fit(x, fc.InverseHTMP); second = time.perf_counter() - t
print(f"{t1 - t0:.3f} {first:.3f} {second:.3f}")
"""


def first_fit_times() -> list:
    """(import, first fit, second fit) seconds of ``fc.fit(x, InverseHTMP)`` (x: a Student-t spectrum) in fresh
    processes: with an empty numba cache directory (compilation) and again with that cache filled (what every
    later session sees)."""
    out = []
    with tempfile.TemporaryDirectory() as cache:
        for label in ("empty numba cache (compiles)", "numba cache filled"):
            r = subprocess.run([sys.executable, "-c", FIRST_FIT_SCRIPT], capture_output=True, text=True, timeout=300,
                               env={**os.environ, "NUMBA_CACHE_DIR": cache})
            vals = r.stdout.split()
            out.append((label, *map(float, vals)) if r.returncode == 0 and len(vals) == 3 else (label, None))
    return out


def single_fits(x: np.ndarray) -> list:
    """``fc.fit(eigenvalues, law)`` for HTMP and InverseHTMP on all the eigenvalues, timed (steady state)."""
    rows = []
    for law in (fc.MarchenkoPastur, fc.HTMP, fc.InverseHTMP):
        t = time.perf_counter()
        r = fc.fit(x, law)
        rows.append((law.__name__, time.perf_counter() - t, r))
    return rows


def stage_split(W: np.ndarray, repeats: int = 3) -> dict:
    """CPU seconds of each stage of the default ``fc.fit(W)`` (best of ``repeats``): the eigenvalues, the reference
    MP bulk fit (spikes), every candidate's fit, the winner's refit and the diagnostics (standard errors, KS, α scan,
    phase). Measured by wrapping the pipeline's stage functions of :mod:`freecalc.fitting.api` for the duration."""
    import freecalc.fitting.api as api

    names = {"spectrum_from": "eigenvalues", "_reference_fit": "reference MP bulk fit + spikes",
             "_refit_winner": "winner's refit (own spike analysis)", "_finish": "diagnostics (s.e., KS, α, phase)"}
    best: dict = {}
    saved = {n: getattr(api, n) for n in names} | {"plain_fit": api.plain_fit, "_fit_candidates": api._fit_candidates}
    try:
        for _ in range(repeats):
            run: dict = {}

            def timed(func, label):
                def inner(*a, **k):
                    c = time.process_time()
                    try:
                        return func(*a, **k)
                    finally:
                        run[label] = run.get(label, 0.0) + time.process_time() - c
                return inner

            for n, label in names.items():
                setattr(api, n, timed(saved[n], label))
            # each candidate's fit is the plain_fit called by _fit_candidates (the reference MP fit is reused)
            in_candidates = [False]

            def candidates(*a, **k):
                in_candidates[0] = True
                try:
                    return saved["_fit_candidates"](*a, **k)
                finally:
                    in_candidates[0] = False

            def plain(model, *a, **k):
                if not in_candidates[0]:
                    return saved["plain_fit"](model, *a, **k)
                return timed(saved["plain_fit"], f"candidate {model.family.name}")(model, *a, **k)

            api._fit_candidates, api.plain_fit = candidates, plain
            fc.fit(W)
            for label, v in run.items():
                best[label] = min(best.get(label, np.inf), v)
    finally:
        for n, f in saved.items():
            setattr(api, n, f)
    return best


def eig_routes(W: np.ndarray, repeats: int = 5) -> list:
    """(label, best CPU seconds) of the ways to the eigenvalues of WᵀW/N at one BLAS thread: the Gram matrix by
    numpy's ``W.T @ W`` (BLAS syrk, then mirrored) or by one dsyrk read in place (freecalc's data stage), and the
    symmetric eigensolvers of LAPACK on it (numpy's eigvalsh is dsyevd)."""
    import scipy.linalg

    from freecalc.fitting.data import _gram_lower, spectrum_from

    n = W.shape[0]
    gram = W.T @ W / n
    rows = [("Gram matrix, numpy `W.T @ W / N`", lambda: W.T @ W / n),
            ("Gram matrix, one dsyrk (lower triangle) then / N", lambda: _gram_lower(W, False)),
            ("eigenvalues of the Gram matrix, numpy `eigvalsh` (dsyevd)", lambda: np.linalg.eigvalsh(gram))]
    for driver in ("ev", "evd", "evr", "evx"):
        rows.append((f"eigenvalues of the Gram matrix, `scipy.linalg.eigvalsh(driver='{driver}')`",
                     lambda d=driver: scipy.linalg.eigvalsh(gram, driver=d, check_finite=False)))
    rows += [("both, numpy `eigvalsh(W.T @ W / N)`", lambda: np.linalg.eigvalsh(W.T @ W / n)),
             ("both, freecalc's data stage `spectrum_from(W)` (dsyrk, dsyevd on the triangle in place, sort)",
              lambda: spectrum_from(W))]
    return [(label, _timed(fn, repeats)[2]) for label, fn in rows]


def _fmt_params(r) -> str:
    return ", ".join(f"{k} = {v:.4g} ± {r.stderr[k]:.2g}" for k, v in r.params.items())


def _timed(func, repeats: int):
    """(last result, wall times, best CPU time) of ``repeats`` calls."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = func()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return out, walls, min(cpus)


def main() -> None:
    rng = np.random.default_rng(SEED)
    W = rng.standard_t(NU, size=(N, M))
    with threadpool_limits(1):
        blas = [f"{d.get('internal_api')} {d.get('version')} threads={d.get('num_threads')}" for d in threadpool_info()]
        freecalc_analysis(W)  # warm-up: numba compilation, Tracy–Widom quantile cache
        res, times, cpu_fc = _timed(lambda: freecalc_analysis(W), REPEATS)
        # split of one run: eigenvalues alone (best of as many repeats)
        _, eig_times, cpu_eig = _timed(lambda: np.linalg.eigvalsh(W.T @ W / N), REPEATS)
        t_eig = min(eig_times)
        # the true default: every registered candidate family (seven)
        fc.fit(W)
        res_default, default_times, cpu_default = _timed(lambda: fc.fit(W), REPEATS)
        t_default = min(default_times)
        split = stage_split(W)
        routes = eig_routes(W)
        ev = np.linalg.eigvalsh(W.T @ W / N)
        fits_big = single_fits(ev)
        small = rng.standard_t(NU, size=(600, 300))
        fits_small = single_fits(np.linalg.eigvalsh(small.T @ small / 600))
    first = first_fit_times()
    with threadpool_limits(1):
        scale_rows = scaling()
    fc_time = min(times)
    print(f"freecalc: best {fc_time:.3f} s of {REPEATS} (median {np.median(times):.3f} s); eigenvalues alone "
          f"{t_eig:.3f} s")
    print(res)

    ww = None
    if VENV_PY.exists():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "W.npy"
            np.save(path, W)
            with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
                fh.write(WW_SCRIPT)
                script = fh.name
            try:
                out = subprocess.run([str(VENV_PY), script, str(path), "3"], capture_output=True, text=True,
                                     timeout=600, env={**os.environ})
            finally:
                os.unlink(script)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode == 0 and lines:
            ww = json.loads(lines[-1])
            print(f"WeightWatcher: best {min(ww['times']):.3f} s, alpha = {ww['alpha']:.3f}")
        else:
            print("WeightWatcher run failed:\n", out.stderr[-3000:], file=sys.stderr)
    else:
        print(f"WeightWatcher venv not found at {VENV_PY}: peer skipped", file=sys.stderr)

    load = os.getloadavg()[0]
    ranking = "; ".join(f"{e.law} {e.criterion:.1f}" for e in res.ranking)
    lines = [
        "# Fitting benchmark: heavy-tailed weight matrix",
        "",
        f"Matrix: {N}×{M}, iid Student-t({NU}) entries (seed {SEED}); spectrum of WᵀW/N ({M} eigenvalues).",
        "BLAS threads pinned to 1 for both tools (" + "; ".join(blas) + "). Warm-up run excluded; best of "
        f"{REPEATS} (freecalc) / 3 (WeightWatcher) repeats.",
        f"Machine load average while measuring: {load:.1f} on 2 cores"
        + (" — shared with other jobs, so absolute times are noisy (the ratio is measured in the same run)."
           if load > 1.5 else "."),
        "",
        "Steady state (first calls are below). Wall-clock and CPU (process) time of the best repeat; on a shared "
        "machine the CPU time is the steadier one, and the ratios below are CPU ratios.",
        "",
        "| tool | what | wall (s) | CPU (s) | α | xmin |",
        "|---|---|---|---|---|---|",
        f"| freecalc {fc.__version__} | `fc.fit(W, candidates=(MP, InverseHTMP))`: eigenvalues, robust MP bulk "
        f"fit, InverseHTMP fit, BIC ranking, standard errors, KS, α, spikes, phase | {fc_time:.3f} | {cpu_fc:.3f} "
        f"| {res.alpha:.3f} ± {res.alpha_sigma:.3f} | {res.xmin:.4g} |",
        f"| numpy | eigenvalues alone, `eigvalsh(W.T @ W / N)` | {t_eig:.3f} | {cpu_eig:.3f} | – | – |",
    ]
    lines.append(f"| freecalc {fc.__version__} | `fc.fit(W)` with its default candidates (all {len(res_default.ranking)} "
                 f"registered families; best by BIC: {res_default.law_name}) | {t_default:.3f} | {cpu_default:.3f} | "
                 f"{res_default.alpha:.3f} ± {res_default.alpha_sigma:.3f} | {res_default.xmin:.4g} |")
    if ww is not None:
        ww_cpu = min(ww["cpu"])
        lines.append(f"| WeightWatcher {ww['version']} | `analyze()` on an nn.Linear holding W | "
                     f"{min(ww['times']):.3f} | {ww_cpu:.3f} | {ww['alpha']:.3f} | {ww['xmin'] / N:.4g} (its "
                     f"eigenvalues are those of WᵀW, not divided by N: {ww['xmin']:.4g}/{N}) |")
        lines += ["", f"**Speed-up: {ww_cpu / cpu_fc:.1f}×** CPU (WeightWatcher / freecalc, same run; issue 16's goal "
                      f"≥ 2×; wall {min(ww['times']) / fc_time:.1f}×) with the two-law set; "
                      f"{ww_cpu / cpu_default:.2f}× with the default seven families.",
                  f"freecalc / its eigendecomposition: **{cpu_fc / cpu_eig:.2f}×** CPU with the two-law set (goal ≤ "
                  f"2×; wall {fc_time / t_eig:.2f}×), **{cpu_default / cpu_eig:.2f}×** with the default seven families "
                  f"(stage split below).",
                  f"α difference: {res.alpha - ww['alpha']:+.3f} "
                      f"({abs(res.alpha - ww['alpha']) / res.alpha_sigma:.1f} σ of freecalc's α)."]
    else:
        lines += ["", "WeightWatcher not available in this run (no venv): no ratio."]
    lines += ["", "Where the default `fc.fit(W)` spends its CPU time (one run per repeat, best of 3 per stage; "
              "measured by wrapping the stage functions of freecalc/fitting/api.py):", "",
              "| stage | CPU (s) |", "|---|---|"]
    lines += [f"| {label} | {v:.3f} |" for label, v in split.items()]
    lines += [f"| sum | {sum(split.values()):.3f} |"]
    lines += ["", "The eigenvalue stage at one BLAS thread (best CPU time of 5; the 2-stage tridiagonal reduction "
              "LAPACKE_dsyevd_2stage of the same OpenBLAS, called through ctypes, took 0.113 s against dsyevd's 0.071 s "
              "in a separate measurement, so it is not used):", "", "| route | CPU (s) |", "|---|---|"]
    lines += [f"| {label} | {v:.3f} |" for label, v in routes]
    lines += [
        "",
        "freecalc result:",
        "",
        f"- phase: {res.phase} ({res.phase_reason})",
        f"- best law by BIC: {res.law_name}; ranking: {ranking}",
        f"- spikes beyond the MP edge {res.bulk_edge:.4g} (+ Tracy–Widom threshold): {res.num_spikes}",
        f"- default candidates: best law by BIC {res_default.law_name} ("
        + ", ".join(f"{k} = {v:.4g} ± {res_default.stderr[k]:.2g}" for k, v in res_default.params.items())
        + f", {res_default.num_spikes} spikes beyond its own edge {res_default.bulk_edge:.4g}); ranking: "
        + "; ".join(f"{e.law} {e.criterion:.1f}" if e.error is None else f"{e.law} failed" for e in res_default.ranking),
        "- in this comparison every candidate is ranked on the same points (the MP spikes set aside); a law "
        "without a finite edge that wins is then refitted to all eigenvalues (its tail includes the spikes)",
        "",
        "Single-law fits on all eigenvalues, `fc.fit(eigenvalues, law)` (steady-state time; `boundary` lists "
        "parameters whose maximum likelihood lies on the limit of the search range, flagged in the result):",
        "",
        "| matrix | law | time (s) | points fitted | parameters ± s.e. | log L | BIC | KS | α implied by the law "
        "| boundary |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for shape, rows in ((f"{N}×{M}", fits_big), ("600×300", fits_small)):
        for name, t, r in rows:
            al = "–" if r.alpha_law is None else f"{r.alpha_law:.3g} ± {r.alpha_law_sigma:.2g}"
            lines.append(f"| {shape} | {name} | {t:.3f} | {r.n_fit} of {r.n} | {_fmt_params(r)} | {r.loglik:.2f} | "
                         f"{r.bic:.2f} | "
                         f"{r.ks:.4f} | {al} | {', '.join(r.boundary) or '–'} |")
    tails = {shape: rows[0][2] for shape, rows in (("big", fits_big), ("small", fits_small))}
    lines += [
        "",
        f"Measured tail α (Clauset–Shalizi–Newman): {tails['big'].alpha:.3f} ± {tails['big'].alpha_sigma:.2f} "
        f"({N}×{M}), {tails['small'].alpha:.3f} ± {tails['small'].alpha_sigma:.2f} (600×300).",
        "",
        "MarchenkoPastur is fitted to the bulk (spikes set aside), HTMP/InverseHTMP to all points, so their log L "
        "and BIC are not comparable with MP's in this table (the ranking above compares all on the same points).",
        "",
        "Why HTMP/InverseHTMP land on the boundary here: with γ held and κ, scale re-optimised, the profile "
        "log-likelihood rises monotonically as γ → 0 (measured on both sizes for HTMP: −2371.8, −2380.1, −2437.4, "
        "−2646.6 at γ = 0.005, 0.05, 0.2, 0.5 on 4096×1024; and for InverseHTMP on 600×300 spectra, "
        "tests/fitting/test_boundary.py); at "
        "fixed b = κ/(2γ) the family tends to Gamma(b, b) (HTMP) / inverse-gamma(b, b) (InverseHTMP), which these "
        "data prefer to every law of the family. The bulk of a Student-t(2.5) spectrum is Marchenko–Pastur-like "
        "(finite variance), and the family cannot combine an MP-like bulk (κ large) with a power-law tail "
        "(α = 1 + κ(1−γ)/(2γ) small): the fit trades the two. On the 4096×1024 spectrum InverseHTMP's maximum is "
        "interior (γ ≈ 0.15) and its α agrees with the measured α within about 2 combined standard errors.",
        "",
        "First-fit time, `fc.fit(x, InverseHTMP)` on the 300 eigenvalues of a 600×300 Student-t matrix, in a fresh "
        "process (import, first fit, second "
        "fit, seconds):",
        "",
    ]
    for row in first:
        lines.append(f"- {row[0]}: " + ("failed" if row[1] is None else
                                          f"import {row[1]:.2f}, first fit {row[2]:.2f}, second fit {row[3]:.2f}"))
    (n0, t0, _), (n1, t1, r1) = scale_rows
    lines += [
        "",
        f"Scaling (issue 10: the fit of 10⁶ points within 10× the time of 10⁴), `fc.fit(x, HTMP)` on iid "
        f"HTMP(0.5, 2) samples, steady state, CPU time: n = {n0}: {t0:.2f} s; n = {n1}: {t1:.2f} s (binned likelihood above "
        f"{BIN_THRESHOLD} points); ratio **{t1 / t0:.1f}×** for {n1 // n0}× the points; estimates at 10⁶: "
        f"{_fmt_params(r1)}.",
    ]
    lines += [
        "",
        "Notes: both tools fit the same continuous power law (Clauset–Shalizi–Newman) with xmin chosen by minimal "
        "KS distance; small differences in α come from WeightWatcher's single-precision copy of W (float32 in "
        "torch) and its own candidate set for xmin. Neither caps α.",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"written {RESULTS}")


def scaling(n_small: int = 10**4, n_big: int = 10**6) -> list:
    """``fc.fit(x, HTMP)`` on n_small and n_big iid HTMP(0.5, 2) eigenvalues (steady state, BLAS threads pinned to
    1 as above): the binned likelihood (freecalc.fitting.likelihood.BIN_THRESHOLD) should keep the ratio of the
    two times far below n_big/n_small. Run with ``python benchmarks/bench_fitting.py --scaling`` (prints only)."""
    law = fc.HTMP(0.5, 2.0)
    fc.fit(law.rvs(2000, rng=2), fc.HTMP)  # warm-up: numba compilation
    rows = []
    for n in (n_small, n_big):
        x = law.rvs(n, rng=1)
        t = time.process_time()  # CPU time: steadier than wall-clock on a shared machine
        r = fc.fit(x, fc.HTMP)
        rows.append((n, time.process_time() - t, r))
    return rows


if __name__ == "__main__":
    if "--scaling" in sys.argv:
        with threadpool_limits(1):
            res = scaling()
        for n, t, r in res:
            print(f"n = {n:>8}: {t:7.2f} s   {_fmt_params(r)}")
        print(f"ratio {res[1][1] / res[0][1]:.2f} for {res[1][0] // res[0][0]}x the points")
    else:
        main()
