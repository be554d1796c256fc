"""Benchmark: numeric free convolution by subordination vs dense-matrix Monte Carlo.

Main case: the density of HTMP(0.5, 2) ⊞ Semicircle(1) on 1000 points
  * freecalc: ``fc.free_add(fc.HTMP(0.5, 2), fc.Semicircle(1)).pdf`` from new law objects each time (nothing cached
    on the law; numba compiled beforehand): the issue-16 figure, against one Monte Carlo sample of a 2000×2000
    symmetric Gaussian matrix (``numpy.linalg.eigvalsh``), measured in the same run; then, on a fresh law, the
    refinement of the support's edges (paid once by cdf/ppf/moments, not by the density) and the density on a new
    grid (warm caches);
  * Monte Carlo for the accuracy: one 2000×2000 matrix diag(HTMP eigenvalues) + GOE (the GOE is orthogonally
    invariant, so this is a dense matrix with the law of U·diag·Uᵀ + GOE), histogram density on the same grid.
Secondary: the two solver routes on inputs with closed forms (MP(0.5) ⊞ Semicircle(1)) and the discretised
numba route for HTMP off the real axis.

BLAS and numba threads are pinned to 1 (environment set before numpy is imported). Times are CPU times of the
process (``time.process_time``: on the shared machine wall time includes other processes' slices), best of the
repeats, all measured in the same run.

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


def best_time(fn, repeats):
    """Best of ``repeats`` CPU times of ``fn()`` and its last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return min(times), out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    load0 = os.getloadavg()[0]
    reps = 1 if args.quick else 5
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

    # -- the issue-16 figure: density from new law objects vs one Gaussian 2000×2000 sample ------------------
    rng = np.random.default_rng(2026)

    def goe_sample():
        g = rng.standard_normal((n_mc, n_mc))
        return np.linalg.eigvalsh((g + g.T) / math.sqrt(2 * n_mc))

    t_fresh, rho = best_time(lambda: fc.free_add(fc.HTMP(0.5, 2.0), fc.Semicircle(1.0)).pdf(x), reps)
    t_goe, _ = best_time(goe_sample, reps)

    # -- then the support's edges on a fresh law (first cdf/ppf/moment) and a second grid (warm caches) -------
    def refine():
        law = free_add_numeric(a, b)
        law.pdf(x)
        t0 = time.process_time()
        sup = law.support
        return law, sup, time.process_time() - t0

    runs = [refine() for _ in range(reps)]
    t_sup = min(r[2] for r in runs)
    law, sup, _ = runs[-1]
    t_warm, rho2 = best_time(lambda: law.pdf(x2), reps)
    sol = law.evaluator.solve(x + 0j)
    evals = float(sol.iterations.mean())
    xs, ws = law.continuous_rule()
    mass = float(ws.sum())
    mom_err = max(abs(law.moment(k) - float(np.sum(ws * xs ** k))) / abs(law.moment(k)) for k in (1, 2, 3, 4))
    rho_diff = float(np.max(np.abs(law.pdf(x) - rho)))

    # -- Monte Carlo at n = 2000 with the law's own matrix model (accuracy) ----------------------------------
    def monte_carlo():
        lam = a.sample_eigenvalues(n_mc, rng=rng)
        m = np.diag(lam) + b.matrix(n_mc, rng)
        return np.linalg.eigvalsh(m)

    t_mc, ev = best_time(monte_carlo, reps)
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
    t_k, sk = best_time(lambda: ek.solve(xq), reps)
    t_l, sl = best_time(lambda: el.solve(xq), reps)
    route_diff = float(np.max(np.abs(sk.m - sl.m)))

    # -- HTMP off the axis: discretised numba route vs the exact numpy route ---------------------------------
    zq = np.linspace(-1.0, 6.0, 1000) + 0.05j
    edk = free_add_numeric(a, b, route="kernel").evaluator
    t_dk, sdk = best_time(lambda: edk.solve(zq), reps)
    t_dl, sdl = best_time(lambda: law.evaluator.solve(zq), reps)
    disc_err = float(np.max(np.abs(sdk.m - sdl.m)))
    zr = x + 0j
    sdr = edk.solve(zr)
    disc_err_axis = float(np.max(np.abs(sdr.m.imag - sol.m.imag)) / math.pi)

    lines = [
        "# Numeric free convolution (subordination)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}; "
        "BLAS and numba threads pinned to 1; numba compiled before timing; CPU times, best of "
        f"{reps} repeat(s), on a shared 2-core machine while other jobs ran.",
        "",
        "## HTMP(0.5, 2) ⊞ Semicircle(1): density on 1000 points",
        "",
        "| method | CPU time [s] | ratio to one Gaussian 2000×2000 sample | accuracy |",
        "|---|---|---|---|",
        f"| `fc.free_add(HTMP(0.5, 2), Semicircle(1)).pdf(x)`, new law objects (issue 16, goal ≤ 0.2) | "
        f"{t_fresh:.3f} | {t_fresh / t_goe:.3f} | vs the density after the edge refinement: max difference "
        f"{rho_diff:.1e} |",
        f"| then `law.support` (edges refined; first cdf/ppf/moment) | {t_sup:.3f} | {t_sup / t_goe:.3f} | "
        f"mass {mass:.12f}; moments 1-4 vs quadrature of the density: max rel. err {mom_err:.1e} |",
        f"| density on a new 1000-point grid (warm caches) | {t_warm:.3f} | {t_warm / t_goe:.3f} | same solver |",
        f"| Monte Carlo: {n_mc}×{n_mc} symmetric Gaussian, eigvalsh | {t_goe:.3f} | 1 | |",
        f"| Monte Carlo: diag(HTMP sample) + GOE, {n_mc}×{n_mc}, eigvalsh | {t_mc:.3f} | {t_mc / t_goe:.2f} | "
        f"KS vs freecalc {ks:.4f}; histogram (35 bins) max error vs exact bin averages {hist_err:.3f} |",
        "",
        f"Support found: {sup}. Mean residual evaluations per point from scratch: {evals:.1f} "
        "(each one HTMP and one semicircle Stieltjes evaluation). Load average (1 min, "
        f"{os.cpu_count()} cores) at the start and the end: {load0:.1f}, {os.getloadavg()[0]:.1f}.",
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
