"""freealg worker for benchmarks/bench_real_matrices.py (runs inside benchmarks/.venv-freealg).

Uses freealg the way its README does for a matrix: ``freealg.eigvalsh(A, size, seed=...)`` (it sub-samples A
itself, fits a Chebyshev density with Wynn-ε continuation and returns ``size`` estimated eigenvalues). Reads a JSON
request on stdin and writes the reply to the path the request names:

request: {"reply": path, "readme": bool,
          "jobs": [{"sub": .npy path of the n_s×n_s submatrix, "size": n, "seed": int}, ...]}
reply:   {"version": ..., "readme": {...} or null,
          "jobs": [{"eig": .npy path or null, "seconds": t, "error": null or message}, ...]}

``readme``: the README's example (a 1000×1000 Wishart matrix of MarchenkoPastur(1/50), ``eigvalsh(A, 100_000)``)
and the same matrix decompressed to 32000 (the paper's case), eigenvalues saved next to the reply for comparison
with the exact Marchenko–Pastur laws. BLAS/OpenMP threads are pinned to 1 before numpy is imported.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy  # noqa: E402

import freealg  # noqa: E402


def readme(stem):
    mp = freealg.distributions.MarchenkoPastur(1 / 50)
    a = mp.matrix(1000, seed=0)
    out = {}
    for size in (32000, 100000):
        t0 = time.perf_counter()
        eigs = freealg.eigvalsh(a, size, seed=0)
        path = f"{stem}_readme_{size}.npy"
        numpy.save(path, numpy.asarray(eigs, dtype=float))
        out[str(size)] = {"eig": path, "seconds": time.perf_counter() - t0}
    return out


def run_job(job):
    entry = {"eig": None, "seconds": 0.0, "error": None}
    sub = numpy.load(job["sub"])
    t0 = time.perf_counter()
    try:
        eigs = freealg.eigvalsh(sub, int(job["size"]), seed=int(job.get("seed", 0)))
        entry["seconds"] = time.perf_counter() - t0
        path = job["sub"] + ".freealg.npy"
        numpy.save(path, numpy.asarray(eigs, dtype=float))
        entry["eig"] = path
    except Exception as exc:  # report, keep the other jobs
        entry["seconds"] = time.perf_counter() - t0
        entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return entry


def main():
    req = json.load(sys.stdin)
    warnings.simplefilter("ignore")
    reply = {"version": freealg.__version__,
             "readme": readme(req["reply"][:-5]) if req.get("readme") else None,
             "jobs": [run_job(job) for job in req["jobs"]]}
    with open(req["reply"], "w") as fh:
        json.dump(reply, fh)


if __name__ == "__main__":
    main()
