"""Worker run inside benchmarks/.venv-rmtool (rmtool 1.0.0): polynomial-method derivations and densities.

Called by benchmarks/bench_algebra.py through a subprocess, never imported by freecalc. Reads a JSON request on
stdin and prints a JSON reply on the last line of stdout:

request: {"repeats": r, "cases": [{"name": ..., "build": "sc_plus_mp" | "mp_times_mp" | "composite",
          "x": [grid], "density": true/false}, ...]}
reply:   {"version": ..., "cases": [{"name": ..., "derive_seconds": median, "poly": str, "degree_m": d,
          "density_seconds": median or null, "density": [...] (best_density, NaN -> null), "error": null or msg}]}

BLAS/OpenMP threads are pinned to 1 before numpy is imported (as on the freecalc side). The sympy cache is cleared
before every repeat so that a derivation is not timed as a cache hit.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import rmtool  # noqa: E402
from rmtool import AplusB, AtimesB, Lmz2pdf, atomLmz, m, wignerpol, wishartpol  # noqa: E402

HALF, QUARTER = sp.Rational(1, 2), sp.Rational(1, 4)


def build(name):
    if name == "sc_plus_mp":
        return AplusB(wignerpol(), wishartpol(HALF))
    if name == "mp_times_mp":
        return AtimesB(wishartpol(HALF), wishartpol(QUARTER))
    if name == "composite":
        left = AplusB(wignerpol(), atomLmz([-2, 0, 1], [QUARTER, HALF, QUARTER]))
        return AplusB(left, AtimesB(wishartpol(HALF), wishartpol(QUARTER)))
    raise ValueError(name)


def main():
    req = json.loads(sys.stdin.read())
    repeats = int(req.get("repeats", 3))
    out = {"version": rmtool.__version__, "cases": []}
    for case in req["cases"]:
        res = {"name": case["name"], "error": None, "density": None, "density_seconds": None}
        try:
            times, L = [], None
            for _ in range(repeats):
                clear_cache()
                t0 = time.perf_counter()
                L = build(case["build"])
                times.append(time.perf_counter() - t0)
            res["derive_seconds"] = float(np.median(times))
            res["poly"] = str(sp.expand(L))
            res["degree_m"] = sp.Poly(sp.expand(L), m).degree()
            if case.get("density"):
                x = np.asarray(case["x"], dtype=float)
                times = []
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for _ in range(repeats):
                        t0 = time.perf_counter()
                        info = Lmz2pdf(L, x)
                        times.append(time.perf_counter() - t0)
                res["density_seconds"] = float(np.median(times))
                d = info.best_density()
                res["density"] = [None if not np.isfinite(v) else float(v) for v in d]
        except Exception as exc:  # report, do not crash the benchmark
            res["error"] = f"{type(exc).__name__}: {exc}"
        out["cases"].append(res)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
