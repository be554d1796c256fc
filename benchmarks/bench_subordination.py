"""Benchmark: numeric free convolution by subordination vs dense-matrix Monte Carlo.

Main case: the density of HTMP(0.5, 2) ⊞ Semicircle(1) on 1000 points
  * freecalc: ``free_add_numeric`` (Route.LAW: Newton–secant on the inputs' own Stieltjes transforms), timed from
    a fresh law (support detection included) and again on a new grid (warm caches); numba compiled beforehand;
  * Monte Carlo: one 2000×2000 matrix diag(HTMP eigenvalues) + GOE (the GOE is orthogonally invariant, so this is
    a dense matrix with the law of U·diag·Uᵀ + GOE), ``numpy.linalg.eigvalsh``, histogram density on the same grid.
Secondary: the two solver routes on inputs with closed forms (MP(0.5) ⊞ Semicircle(1)) and the discretised
numba route for HTMP off the real axis.

BLAS and numba threads are pinned to 1 (environment set before numpy is imported). Timings are medians of
repeats measured in the same run; on a shared machine they are noisy.

Usage: ``python benchmarks/bench_subordination.py [--quick]``.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import freecalc as fc  # noqa: E402
from freecalc.laws.htmp import HTMP  # noqa: E402
from freecalc.operations.subordination import free_add_numeric  # noqa: E402
from freecalc.testing.conformance import ks_distance  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "subordination.md"


def median_time(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    reps = 1 if args.quick else 3
    n_mc = 2000
    a, b = HTMP(0.5, 2.0), fc.Semicircle(1.0)
    x = np.linspace(-1.0, 6.0, 1000)
    x2 = x + 0.5 * (x[1] - x[0])

    # warm-up: compile (or load from cache) every numba kernel on a throw-away law
    w = free_add_numeric(a, b)
    w.pdf(np.linspace(0.0, 2.0, 5))
    w.cdf(np.array([1.0]))
    free_add_numeric(fc.MarchenkoPastur(0.5), b, route="kernel").pdf(np.array([1.0]))
    free_add_numeric(a, b, route="kernel").stieltjes(np.array([1.0 + 0.05j]))

    # -- freecalc: fresh law (support detection + density) and a second grid (warm caches) ------------------
    def fresh():
        law = free_add_numeric(a, b)
        t0 = time.perf_counter()
        sup = law.support
        t_sup = time.perf_counter() - t0
        t0 = time.perf_counter()
        rho = law.pdf(x)
        t_pdf = time.perf_counter() - t0
        return law, sup, rho, t_sup, t_pdf

    t_fresh, (law, sup, rho, t_sup, t_pdf) = median_time(fresh, reps)
    t_warm, rho2 = median_time(lambda: law.pdf(x2), reps)
    sol = law.evaluator.solve(x + 0j)
    evals = float(sol.iterations.mean())
    xs, ws = law.continuous_rule()
    mass = float(ws.sum())
    mom_err = max(abs(law.moment(k) - float(np.sum(ws * xs ** k))) / abs(law.moment(k)) for k in (1, 2, 3, 4))

    # -- Monte Carlo at n = 2000 --------------------------------------------------------------------------
    rng = np.random.default_rng(2026)

    def monte_carlo():
        lam = a.sample_eigenvalues(n_mc, rng=rng)
        m = np.diag(lam) + b.matrix(n_mc, rng)
        return np.linalg.eigvalsh(m)

    t_mc, ev = median_time(monte_carlo, reps)
    ks = ks_distance(ev, law)
    # histogram density on 35 bins over [-1, 6]: its error vs the numeric density is the MC estimate's noise
    edges = np.linspace(-1.0, 6.0, 36)
    hist, _ = np.histogram(ev, bins=edges, density=False)
    hist = hist / (ev.size * np.diff(edges))
    cdf_e = law.cdf(edges)
    bin_avg = np.diff(cdf_e) / np.diff(edges)  # exact bin averages of the numeric density
    hist_err = float(np.max(np.abs(hist - bin_avg)))

    # -- routes on closed-form inputs: numba kernel vs numpy route ------------------------------------------
    mp = fc.MarchenkoPastur(0.5)
    xq = np.linspace(-0.4, 3.0, 1000) + 0j
    ek = free_add_numeric(mp, b, route="kernel").evaluator
    el = free_add_numeric(mp, b, route="law").evaluator
    t_k, sk = median_time(lambda: ek.solve(xq), reps)
    t_l, sl = median_time(lambda: el.solve(xq), reps)
    route_diff = float(np.max(np.abs(sk.m - sl.m)))

    # -- HTMP off the axis: discretised numba route vs the exact numpy route ---------------------------------
    zq = np.linspace(-1.0, 6.0, 1000) + 0.05j
    edk = free_add_numeric(a, b, route="kernel").evaluator
    t_dk, sdk = median_time(lambda: edk.solve(zq), reps)
    t_dl, sdl = median_time(lambda: law.evaluator.solve(zq), reps)
    disc_err = float(np.max(np.abs(sdk.m - sdl.m)))
    zr = x + 0j
    sdr = edk.solve(zr)
    disc_err_axis = float(np.max(np.abs(sdr.m.imag - sol.m.imag)) / math.pi)

    lines = [
        "# Numeric free convolution (subordination)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}; "
        "BLAS and numba threads pinned to 1; numba compiled before timing; medians of "
        f"{reps} repeat(s). Measured on a shared 2-core machine while other jobs ran: timings are noisy.",
        "",
        "## HTMP(0.5, 2) ⊞ Semicircle(1): density on 1000 points",
        "",
        "| method | time [s] | ratio to Monte Carlo | accuracy |",
        "|---|---|---|---|",
        f"| freecalc, fresh law (support detection {t_sup:.2f} s + density {t_pdf:.2f} s) | {t_fresh:.2f} | "
        f"{t_fresh / t_mc:.2f} | mass {mass:.12f}; moments 1-4 vs quadrature of the density: max rel. err "
        f"{mom_err:.1e} |",
        f"| freecalc, density on a new 1000-point grid (warm caches) | {t_warm:.3f} | {t_warm / t_mc:.3f} | "
        "same solver |",
        f"| Monte Carlo, one {n_mc}×{n_mc} matrix (sample + eigvalsh) | {t_mc:.2f} | 1 | KS vs freecalc "
        f"{ks:.4f}; histogram (35 bins) max error vs exact bin averages {hist_err:.3f} |",
        "",
        f"Support found: {sup}. Mean residual evaluations per point from scratch: {evals:.1f} "
        "(each one HTMP and one semicircle Stieltjes evaluation).",
        "",
        "## Solver routes",
        "",
        "| case | route | time [s] | max difference |",
        "|---|---|---|---|",
        f"| MP(0.5) ⊞ SC(1), m(x + i0) at 1000 points | numba kernel (closed forms) | {t_k:.3f} | "
        f"{route_diff:.1e} between routes |",
        f"| | numpy Newton–secant (laws' stieltjes) | {t_l:.3f} | |",
        f"| HTMP ⊞ SC(1), m(x + 0.05i) at 1000 points | numba kernel, HTMP discretised (continuous_rule) | "
        f"{t_dk:.3f} | {disc_err:.1e} vs exact route |",
        f"| | numpy Newton–secant (HTMP's own stieltjes) | {t_dl:.3f} | |",
        f"| HTMP ⊞ SC(1), density on the real axis | numba kernel, HTMP discretised | — | max density error "
        f"{disc_err_axis:.1e}: a quadrature discretisation cannot give boundary values |",
        "",
        f"Reading: with closed-form inputs the numba route is {t_l / t_k:.1f}x faster than the numpy route (both "
        "exact). The discretised numba route costs O(nodes) per evaluation "
        f"({edk.forms[0][2].size} HTMP nodes here) and is exact only well above the axis, so Route.AUTO uses the "
        "numpy route with HTMP's own Stieltjes transform, whose off-axis evaluations dominate the time.",
        "",
    ]
    text = "\n".join(lines)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
