"""Scale benchmark: out-of-core memory, implicit kernel matrices at n = 10⁶, repeats on a Dask cluster.

``python benchmarks/bench_scale.py [--quick]``; results to ``benchmarks/results/scale.md``.

(i) **Memory-mapped matrix.** A 20000×20000 float32 Wigner matrix (1.6 GB, ``--quick``: 8000) is written to a
    ``.npy`` file in a temporary folder under /tmp (deleted at the end) and opened with ``mmap_mode="r"``. In a fresh
    subprocess, after imports and a warm-up, the peak resident memory is reset (``/proc/self/clear_refs``) and
    ``fc.decompress_matrix(A, 1000, repeats=4)`` runs; *added* = peak − resident before (``VmHWM − VmRSS``, which
    counts mapped file pages too). Two references in their own subprocesses: freecalc's reader alone (four
    ``random_principal_submatrix``) and a plain ``A[np.ix_(S, S)]`` on the map (what the reader did before it
    unmapped the pages it reads). Accuracy: the Kolmogorov distance of the decompressed law to the semicircle on
    [−2, 2] (the law of the matrix as n → ∞).
(ii) **Implicit RBF kernel matrix** over 10⁶ points in R¹⁶ (standard Gaussian, a 128 MB float64 ``.npy`` map),
    :math:`k(x, y) = \\exp(-\\|x - y\\|^2/16)`, sample 2000, 2 repeats, default ``route=AUTO`` (both routes
    self-checked): time of one 2000×2000 block (rows read + kernel), time of ``decompress_matrix``, and the
    decompressed spectrum, against the same at n = 10⁴ (the first 10⁴ points). Independent references for the
    spectrum: the mean eigenvalue is exactly 1 (``k(x, x) = 1``); the second moment
    :math:`\\frac1n\\|K\\|_F^2 = 1 + (n-1)\\,E[k(x_i, x_j)^2]` with the expectation estimated over 10⁶ random pairs
    of the stored points; at n = 10⁴ the exact spectrum (``eigvalsh`` of the dense matrix, skipped with
    ``--quick``).
(iii) **Dask.** The same n = 10⁶ kernel matrix, sample 2000, 4 repeats, ``route=OPERATOR``: serial vs a
    ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` (workers warmed up before timing; the
    cluster's start-up is reported apart), and the largest difference between the two results' cdfs.

BLAS, OpenMP and numba threads are pinned to 1 before numpy is imported, in this process, its subprocesses and the
Dask workers (they inherit the environment).
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import freecalc as fc  # noqa: E402
from freecalc.sampling import random_principal_submatrix  # noqa: E402

HERE = Path(__file__).resolve().parent
MIB = 2**20


# ------------------------------------------------------------------------------------------------ data files
def write_wigner(path: Path, n: int, block: int = 2000, seed: int = 0) -> None:
    """A GOE matrix scaled to the semicircle on [−2, 2], written block by block (never whole in memory)."""
    A = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, n))
    rng = np.random.default_rng(seed)
    scale = 1 / np.sqrt(n)
    for i in range(0, n, block):
        for j in range(i, n, block):
            g = rng.standard_normal((min(block, n - i), min(block, n - j)), dtype=np.float32) * np.float32(scale)
            if i == j:
                g = (g + g.T) / np.float32(np.sqrt(2))
            A[i:i + block, j:j + block] = g
            if i != j:
                A[j:j + block, i:i + block] = g.T
    A.flush()


def write_points(path: Path, n: int, d: int, seed: int = 1) -> None:
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n, d))
    rng = np.random.default_rng(seed)
    for i in range(0, n, 100_000):
        X[i:i + 100_000] = rng.standard_normal((min(100_000, n - i), d))
    X.flush()


# ------------------------------------------------------------------------------------------ memory (subprocess)
def _status() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) * 1024 / MIB
    return out


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def memory_worker(path: str, mode: str, sample: int, repeats: int) -> dict:
    """Runs in a subprocess: peak resident memory added by one way of reading/decompressing the map."""
    A = np.load(path, mmap_mode="r")
    n = A.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = np.random.default_rng(5).standard_normal((400, 400))
        fc.decompress_matrix((g + g.T) / np.sqrt(800), 100, repeats=2, rng=0)  # imports and numba compilation
    exact_peak = _reset_peak()
    before = _status()
    t0 = time.perf_counter()
    result: dict = {}
    if mode == "plain":
        for r in range(repeats):
            idx = np.sort(np.random.default_rng(r).choice(n, size=sample, replace=False))
            np.linalg.eigvalsh(np.asarray(A[np.ix_(idx, idx)], dtype=np.float64))
    elif mode == "reader":
        for r in range(repeats):
            np.linalg.eigvalsh(random_principal_submatrix(A, sample, rng=r).matrix)
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            law = fc.decompress_matrix(A, sample, repeats=repeats, rng=0)
        x = np.linspace(-2.2, 2.2, 2001)
        sc = fc.Semicircle(r=2).cdf(x)
        result = {"ks": float(np.max(np.abs(law.cdf(x) - sc))), "law": repr(law),
                  "check": law.decompression_report.model_check.reason.split(":")[0],
                  "warnings": sorted({type(w.message).__name__ for w in caught})}
    seconds = time.perf_counter() - t0
    after = _status()
    return {**result, "seconds": seconds, "added_mib": after["VmHWM"] - before["VmRSS"], "exact_peak": exact_peak,
            "rss_file_mib": after["RssFile"] - before["RssFile"]}


def run_memory_worker(*args) -> dict:
    cmd = [sys.executable, __file__, "--memory-worker", json.dumps(args)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------- kernels
def second_moment_reference(X, n: int, gamma: float, pairs: int = 10**6, seed: int = 9) -> float:
    """(1/n)‖K‖_F² = 1 + (n − 1) E[k(x_i, x_j)²] over distinct stored points, the expectation by Monte Carlo."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, pairs)
    j = (i + rng.integers(1, n, pairs)) % n  # j != i
    order_i, order_j = np.argsort(i), np.argsort(j)
    xi = np.empty((pairs, X.shape[1]))
    xj = np.empty_like(xi)
    xi[order_i] = X[i[order_i]]
    xj[order_j] = X[j[order_j]]
    k2 = np.exp(-2 * gamma * np.sum((xi - xj) ** 2, axis=1))
    return 1 + (n - 1) * float(np.mean(k2)), (n - 1) * float(np.std(k2)) / np.sqrt(pairs)


def quantiles(law, qs=(0.1, 0.5, 0.9, 0.99)) -> list[float]:
    return [float(law.ppf(q)) for q in qs]


def kernel_case(X, n: int, sample: int, repeats: int, exact: bool) -> dict:
    K = fc.KernelMatrix(X[:n] if n < X.shape[0] else X, "rbf")
    t0 = time.perf_counter()
    for r in range(3):
        random_principal_submatrix(K, sample, rng=100 + r)
    t_block = (time.perf_counter() - t0) / 3
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        law = fc.decompress_matrix(K, sample, repeats=repeats, rng=0)
    t_dec = time.perf_counter() - t0
    mc = law.decompression_report.model_check
    m2, m2_se = second_moment_reference(X, n, K.params["gamma"])
    out = {"n": n, "t_block": t_block, "t_dec": t_dec, "route": mc.route, "passed": mc.passed,
           "stat": mc.statistic, "threshold": mc.threshold, "mean": law.mean(), "m2": law.moment(2), "m2_ref": m2,
           "m2_se": m2_se, "q": quantiles(law), "max": float(max(a for a, _ in law.atoms)) if law.atoms else
           float(law.support[-1][1])}
    if exact:
        t0 = time.perf_counter()
        lam = np.linalg.eigvalsh(K.principal_block(np.arange(n)))
        out["t_exact"] = time.perf_counter() - t0
        out["q_exact"] = [float(np.quantile(lam, q)) for q in (0.1, 0.5, 0.9, 0.99)]
        out["max_exact"] = float(lam[-1])
        out["m2_exact"] = float(np.mean(lam**2))
    return out


def dask_case(X, sample: int, repeats: int) -> dict:
    from dask.distributed import Client, LocalCluster

    K = fc.KernelMatrix(X, "rbf")
    kw = dict(repeats=repeats, rng=3, route="operator")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc.decompress_matrix(K, 100, repeats=1, rng=0, route="operator")  # warm-up
        t0 = time.perf_counter()
        serial = fc.decompress_matrix(K, sample, **kw)
        t_serial = time.perf_counter() - t0
        t0 = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            client.wait_for_workers(2)
            t_start = time.perf_counter() - t0
            fc.decompress_matrix(K, 100, repeats=2, rng=0, route="operator", client=client)  # warm-up workers
            t0 = time.perf_counter()
            parallel = fc.decompress_matrix(K, sample, client=client, **kw)
            t_dask = time.perf_counter() - t0
    lo, hi = serial.atoms[0][0], serial.atoms[-1][0]
    x = np.geomspace(max(lo, 1e-6), hi, 4001)
    diff = float(np.max(np.abs(serial.cdf(x) - parallel.cdf(x))))
    return {"t_serial": t_serial, "t_dask": t_dask, "t_start": t_start, "cdf_diff": diff}


# ------------------------------------------------------------------------------------------------------ main
def _fmt_q(qs) -> str:
    return ", ".join(f"{q:.4g}" for q in qs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller memory-mapped matrix, no exact spectrum")
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_worker:
        print(json.dumps(memory_worker(*json.loads(args.memory_worker))))
        return 0

    t_all = time.perf_counter()
    n_mm, sample_mm, rep_mm = (8000, 1000, 4) if args.quick else (20000, 1000, 4)
    n_pts, d, sample_k, rep_k = 10**6, 16, 2000, 2
    tmp = Path(tempfile.mkdtemp(prefix="freecalc-bench-scale-", dir="/tmp"))
    lines = ["# Scale benchmark", ""]
    try:
        # (i) memory-mapped matrix
        t0 = time.perf_counter()
        path = tmp / "wigner.npy"
        write_wigner(path, n_mm)
        t_write = time.perf_counter() - t0
        mem = {mode: run_memory_worker(str(path), mode, sample_mm, rep_mm) for mode in ("plain", "reader", "full")}
        path.unlink()
        print("memory", json.dumps(mem), flush=True)

        # (ii) kernel matrices
        xpath = tmp / "points.npy"
        write_points(xpath, n_pts, d)
        X = np.load(xpath, mmap_mode="r")
        ker = [kernel_case(X, n, sample_k, rep_k, exact=n == 10**4 and not args.quick) for n in (10**4, n_pts)]
        print("kernel", json.dumps(ker), flush=True)

        # (iii) Dask
        dk = dask_case(X, sample_k, 4)
        print("dask", json.dumps(dk), flush=True)
        del X
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    load = os.getloadavg()
    import dask
    lines += [
        f"`python benchmarks/bench_scale.py{' --quick' if args.quick else ''}` — BLAS/OpenMP/numba threads pinned "
        f"to 1 (here, in the measuring subprocesses and in the Dask workers). Python {platform.python_version()}, "
        f"numpy {np.__version__}, dask {dask.__version__}. Load average at the end {load[0]:.1f}/{load[1]:.1f}/"
        f"{load[2]:.1f} on {os.cpu_count()} cores: timings taken while other jobs ran are noisy. Total run "
        f"{time.perf_counter() - t_all:.0f} s.",
        "",
        f"## (i) Memory: {n_mm}×{n_mm} float32 memory map ({n_mm**2 * 4 / 1e9:.2f} GB, written in {t_write:.0f} s), "
        f"sample {sample_mm}, {rep_mm} repeats",
        "",
        "Peak resident memory added over the resident memory before the run, in a fresh subprocess after a "
        "warm-up (file pages mapped into the process included; "
        f"peak reset through /proc/self/clear_refs: {mem['full']['exact_peak']}). Budget: 300 MiB.",
        "",
        "| what | peak added (MiB) | mapped file pages left (MiB) | time (s) |",
        "|---|---|---|---|",
    ]
    names = {"plain": f"plain `A[np.ix_(S, S)]` + eigvalsh, {rep_mm}×",
             "reader": f"`random_principal_submatrix` + eigvalsh, {rep_mm}×",
             "full": f"`decompress_matrix(A, {sample_mm}, repeats={rep_mm})`"}
    for mode, m in mem.items():
        lines.append(f"| {names[mode]} | {m['added_mib']:.0f} | {m['rss_file_mib']:.0f} | {m['seconds']:.1f} |")
    full = mem["full"]
    lines += ["", f"`decompress_matrix`: {full['law']}; model check {full['check']}; Kolmogorov distance to the "
                  f"semicircle on [−2, 2]: {full['ks']:.4f}; warnings: {', '.join(full['warnings']) or 'none'}.", ""]

    lines += [
        f"## (ii) Implicit RBF kernel matrix, points in R^{d}, sample {sample_k}, {rep_k} repeats, route AUTO",
        "",
        "Time of one 2000×2000 block (reading 2000 rows of the map + the kernel) and of `decompress_matrix` (both "
        "routes self-checked). Spectrum: mean (exact value 1), second moment (reference 1 + (n−1)E[k²] from 10⁶ "
        "random pairs, ± its standard error), quantiles 10/50/90/99 % and the largest eigenvalue.",
        "",
        "| n | block (s) | decompress (s) | route | check (KS vs threshold) | mean | m2 | m2 reference | "
        "quantiles | λ_max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for k in ker:
        lines.append(
            f"| {k['n']:.0e} | {k['t_block']:.3f} | {k['t_dec']:.1f} | {k['route']} | "
            f"{'passed' if k['passed'] else 'failed'} ({k['stat']:.3f} vs {k['threshold']:.3f}) | {k['mean']:.3f} | "
            f"{k['m2']:.4g} | {k['m2_ref']:.4g} ± {k['m2_se']:.2g} | {_fmt_q(k['q'])} | {k['max']:.4g} |")
    ratio_b = ker[1]["t_block"] / ker[0]["t_block"]
    ratio_d = ker[1]["t_dec"] / ker[0]["t_dec"]
    lines += ["", f"Cost ratio n = 10⁶ / n = 10⁴: block {ratio_b:.2f}×, decompress_matrix {ratio_d:.2f}× "
                  f"(budget 2.5×). Decompressed vs reference: mean "
                  + ", ".join(f"{k['mean'] - 1:+.1%}" for k in ker) + "; m2 "
                  + ", ".join(f"{k['m2'] / k['m2_ref'] - 1:+.1%}" for k in ker) + " (n = 10⁴, 10⁶)."]
    if "q_exact" in ker[0]:
        k = ker[0]
        lines += ["", f"Exact spectrum at n = 10⁴ (`eigvalsh` of the dense matrix, {k['t_exact']:.0f} s): "
                      f"m2 {k['m2_exact']:.4g}, quantiles {_fmt_q(k['q_exact'])}, λ_max {k['max_exact']:.4g}."]
    lines += [
        "",
        f"## (iii) Dask: n = 10⁶ kernel matrix, sample {sample_k}, 4 repeats, route OPERATOR",
        "",
        "| serial (s) | LocalCluster, 2 workers (s) | speed-up | cluster start (s) | max |ΔF| serial vs Dask |",
        "|---|---|---|---|---|",
        f"| {dk['t_serial']:.1f} | {dk['t_dask']:.1f} | {dk['t_serial'] / dk['t_dask']:.2f}× | {dk['t_start']:.1f} | "
        f"{dk['cdf_diff']:.1e} |",
        "",
    ]
    if load[0] > (os.cpu_count() or 1):
        lines += [f"The load average ({load[0]:.1f}) exceeded the {os.cpu_count()} cores: the workers shared them "
                  f"with other jobs, so this run shows the overhead and the equality of the results, not a speed-up.",
                  ""]
    text = "\n".join(lines)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "scale.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
