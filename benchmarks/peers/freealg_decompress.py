"""Worker run inside benchmarks/.venv-freealg (freealg 0.12.2): free decompression of given eigenvalues.

Called by benchmarks/bench_decompression.py through one subprocess per run, never imported by freecalc. Reads a
JSON request on stdin and writes a JSON reply to the file the request names (freealg prints progress on stdout):

request: {"reply": path, "jobs": [{"eig": .npy eigenvalues, "support": [a, b] or null,
          "form": "free" (FreeForm, default) or "algebraic" (AlgebraicForm), "fit": {fit keyword overrides},
          "targets": [{"size": n, "x": .npy grid}, ...]}, ...]}
reply:   {"version": ..., "jobs": [{"fit_seconds": t, "error": null or message,
          "results": [{"size": n, "rho": .npy path or null, "seconds": t, "error": null or message}, ...]}, ...]}

BLAS/OpenMP threads are pinned to 1 before numpy is imported (as on the freecalc side).
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

# freealg's own example (Ameli et al. 2025, listing 1 of the talk): Jacobi K = 20, α = β = 1/2, Jackson damping,
# Padé glue with p = 0, q = 1, least squares.
FREEFORM_FIT = dict(method="jacobi", K=20, alpha=0.5, beta=0.5, reg=0.0, damp="jackson", pade_p=0, pade_q=1,
                    optimizer="ls")
# AlgebraicForm (freealg >= 0.10): a polynomial P(z, m) of degree 2 in m and z, which contains the exact equation
# of all five quadratic laws; decompression by its method of characteristics (default).
ALGEBRAIC_FIT = dict(deg_m=2, deg_z=2)


def run_job(job):
    eig = numpy.load(job["eig"])
    form = job.get("form", "free")
    fit = dict(FREEFORM_FIT if form == "free" else ALGEBRAIC_FIT)
    fit.update(job.get("fit") or {})
    support = job.get("support")
    sup = None if support is None else tuple(support)
    out = {"fit_seconds": 0.0, "error": None, "results": []}
    t0 = time.perf_counter()
    try:
        if form == "free":
            ff = freealg.FreeForm(eig, support=sup)
            ff.fit(plot=False, **fit)
        else:
            ff = freealg.AlgebraicForm(eig, support=sup)
            ff.fit(**fit)
    except Exception as exc:  # report a failed fit, keep going
        out["fit_seconds"] = time.perf_counter() - t0
        out["error"] = f"fit: {type(exc).__name__}: {exc}"
        return out
    out["fit_seconds"] = time.perf_counter() - t0
    for target in job["targets"]:
        x = numpy.load(target["x"])
        entry = {"size": target["size"], "rho": None, "error": None}
        t1 = time.perf_counter()
        try:
            dec = ff.decompress(int(target["size"]), x=x)
            # FreeForm returns (rho, x); AlgebraicForm returns rho (or (rho, x, atoms) with return_atoms=True)
            rho = numpy.asarray(dec[0] if isinstance(dec, tuple) else dec, dtype=float)
            entry["seconds"] = time.perf_counter() - t1
            path = target["x"] + f".freealg-{form}.npy"
            numpy.save(path, rho)
            entry["rho"] = path
        except Exception as exc:  # report, do not crash the whole benchmark
            entry["seconds"] = time.perf_counter() - t1
            entry["error"] = f"{type(exc).__name__}: {exc}"
        out["results"].append(entry)
    return out


def main():
    req = json.load(sys.stdin)
    warnings.simplefilter("ignore")
    reply = {"version": freealg.__version__, "jobs": [run_job(job) for job in req["jobs"]]}
    with open(req["reply"], "w") as fh:
        json.dump(reply, fh)


if __name__ == "__main__":
    main()
