"""Worker run inside benchmarks/.venv-freealg (freealg 0.12.2): free decompression of given eigenvalues.

Called by benchmarks/bench_decompression.py through a subprocess, never imported by freecalc. Reads a JSON request
on stdin, writes a JSON reply to the file named in the request
(freealg prints progress on stdout):

request: {"reply": path of the JSON reply, "form": "free" (FreeForm) or "algebraic" (AlgebraicForm),
          "eig": path to .npy eigenvalues, "sizes": [n, ...], "x": path to .npy grid, "support": [a, b] or null,
          "fit": {keyword arguments of FreeForm.fit / AlgebraicForm.fit}}
reply:   {"version": ..., "fit_seconds": t, "results": [{"size": n, "rho": path to .npy, "seconds": t,
          "error": null or message}, ...]}

BLAS threads are pinned to 1 before numpy is imported (same as the freecalc side).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy  # noqa: E402

import freealg  # noqa: E402

# freealg's own talk example (Ameli et al. 2025, listing 1): Jacobi K = 20, α = β = 1/2, Jackson damping,
# Padé [p=0, q=1] glue, least squares.
FREEFORM_FIT = dict(method="jacobi", K=20, alpha=0.5, beta=0.5, reg=0.0, damp="jackson", pade_p=0, pade_q=1,
                   optimizer="ls")
# AlgebraicForm (freealg >= 0.10): fit P(z, m) of degrees 2 in m and 2 in z, which contains the exact equation of
# all five quadratic laws of the benchmark; decompress by the method of characteristics (its default).
ALGEBRAIC_FIT = dict(deg_m=2, deg_z=2)


def main():
    req = json.load(sys.stdin)
    eig = numpy.load(req["eig"])
    x = numpy.load(req["x"])
    form = req.get("form", "free")
    fit = dict(FREEFORM_FIT if form == "free" else ALGEBRAIC_FIT)
    fit.update(req.get("fit") or {})
    out = {"version": freealg.__version__, "results": []}
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    support = req.get("support")
    try:
        sup = None if support is None else tuple(support)
        if form == "free":
            ff = freealg.FreeForm(eig, support=sup)
            ff.fit(plot=False, **fit)
        else:
            ff = freealg.AlgebraicForm(eig, support=sup)
            ff.fit(**fit)
    except Exception as exc:  # report a failed fit for every size
        out["fit_seconds"] = time.perf_counter() - t0
        out["results"] = [{"size": s, "rho": None, "seconds": 0.0, "error": f"fit: {type(exc).__name__}: {exc}"}
                          for s in req["sizes"]]
        with open(req["reply"], "w") as fh:
            json.dump(out, fh)
        return
    out["fit_seconds"] = time.perf_counter() - t0
    for size in req["sizes"]:
        t1 = time.perf_counter()
        entry = {"size": size, "rho": None, "error": None}
        try:
            rho = ff.decompress(int(size), x=x)[0]
            path = f"{req['x']}.freealg.{size}.npy"
            numpy.save(path, numpy.asarray(rho, dtype=float))
            entry["rho"] = path
        except Exception as exc:  # report, do not crash the whole benchmark
            entry["error"] = f"{type(exc).__name__}: {exc}"
        entry["seconds"] = time.perf_counter() - t1
        out["results"].append(entry)
    with open(req["reply"], "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
