"""Free decompression benchmark: freecalc's AUTO (parametric/numeric) and NUMERIC routes vs freealg 0.12.2.

``python benchmarks/bench_decompression.py [--quick]``; results to ``benchmarks/results/decompression.md``.

Five laws (semicircle, Marchenko–Pastur, Kesten–McKay, Wachter, free Meixner), source size n_s = 1000, targets
n ∈ {4000, 8000, 32000} (``--quick``: {4000, 32000}). Two protocols:

* **A** — the source eigenvalues are those of ``law.matrix(1000)`` (a random matrix of the source law); the target
  is the exact decompressed law ``law.decompress(n)`` (exact route).
* **B** — the target is the law T = ``law.decompress(n)``; an n×n orthogonally invariant matrix with the n
  quantiles of T as eigenvalues is compressed to its random 1000×1000 principal submatrix through a Haar–Stiefel
  frame (:func:`freecalc.submatrix_of_invariant`, O(n n_s²)); its eigenvalues are decompressed back to n and
  compared with T. Also log|det| of the n×n matrix from the decompressed law vs the exact Σ log|λ_i|.

Metrics on a 2001-point grid over the target support ±5 %: TV = ½(∫|ρ̂ − ρ| + Σ|ŵ − w| over atoms), the
Jensen–Shannon distance (base 2, on the grid cells, atoms in their cells), relative errors of the first two moments
(the first relative to the standard deviation when the mean is 0), wall time. freecalc: ``fc.decompress`` of
``fc.Empirical(eigenvalues, size=1000)`` twice — ``Route.AUTO`` (the parametric route, a shifted free Meixner fit
decompressed exactly, when its KS goodness of fit accepts it; the numeric route otherwise; the route taken is
reported) and ``Route.NUMERIC`` (rational Joukowski fit + characteristics) — timed after a warm-up that compiles
the numba kernels. A seed study repeats protocol A at n = 32000 over 6 source matrices per law (AUTO only).
freealg: ``FreeForm`` with the settings of its own example (Jacobi K = 20,
α = β = ½, Jackson damping, Padé p = 0, q = 1) and the source law's exact support (as its example passes it),
run in ``benchmarks/.venv-freealg`` through one subprocess; its time is fit + decompress, without start-up.
freealg's ``AlgebraicForm`` (a fitted degree-(2, 2) polynomial P(z, m), decompressed by its method of
characteristics) is accurate but takes minutes per density, so it runs on one case only (MP c = 1/50, protocol A,
n = 32000, the talk's example) on a 201-point grid, next to ours on the same grid (skipped with ``--quick``).
Direct cost: ``numpy.linalg.eigvalsh`` timed at n = 4000 and 8000 (``--quick``: 4000), extrapolated as n³.
BLAS, OpenMP and numba threads are pinned to 1 before numpy is imported.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402

import freecalc as fc  # noqa: E402
from freecalc.laws.empirical import Empirical  # noqa: E402
from freecalc.laws.free_meixner import FreeMeixner  # noqa: E402
from freecalc.laws.kesten_mckay import KestenMcKay  # noqa: E402
from freecalc.laws.wachter import Wachter  # noqa: E402
from freecalc.sampling import haar_stiefel  # noqa: E402

HERE = Path(__file__).resolve().parent
PEER_PY = HERE / ".venv-freealg" / "bin" / "python"
PEER_WORKER = HERE / "peers" / "freealg_decompress.py"
RESULTS = HERE / "results" / "decompression.md"
N_S = 1000
GRID = 2001
AF_GRID = 201
AF_CASE = ("MP c=1/50", 32000)  # the AlgebraicForm comparison (slow: one case)


def cases():
    """Source laws at n_s = 1000, each valid up to factor 32 with no atoms in the targets (see the notes)."""
    return [
        ("semicircle r=2", fc.Semicircle(2.0, size=N_S)),
        ("MP c=1/50", fc.MarchenkoPastur(1 / 50, size=N_S)),
        ("Kesten-McKay d=80", KestenMcKay(80.0, size=N_S)),
        ("Wachter a=40, b=60", Wachter(40.0, 60.0, size=N_S)),
        ("free Meixner a=1, b=1, c=1/2", FreeMeixner(1.0, 1.0, 0.5, size=N_S)),
    ]


# ----------------------------------------------------------------------------------------------------------------
# metrics
# ----------------------------------------------------------------------------------------------------------------
def grid_for(target, points=GRID):
    a, b = target.support[0]
    w = b - a
    return np.linspace(a - 0.05 * w, b + 0.05 * w, points)


def _trapz(y, x):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def metrics(x, rho_hat, atoms_hat, target):
    """TV, JS distance, moment errors of an estimate (density on x + atoms) against an exact target law."""
    rho = target.pdf(x)
    rho_hat = np.where(np.isfinite(rho_hat), rho_hat, 0.0)
    atoms = dict(target.atoms)
    locs = sorted(set(atoms) | set(dict(atoms_hat)))
    tv = 0.5 * (_trapz(np.abs(rho_hat - rho), x) + sum(abs(dict(atoms_hat).get(a, 0.0) - atoms.get(a, 0.0))
                                                      for a in locs))

    def cells(r, at):
        mass = 0.5 * (r[1:] + r[:-1]) * np.diff(x)
        for loc, w in at:
            mass[min(max(np.searchsorted(x, loc) - 1, 0), mass.size - 1)] += w
        return np.maximum(mass, 0.0)

    js = float(jensenshannon(cells(rho_hat, atoms_hat), cells(rho, target.atoms), base=2))
    m = [_trapz(x ** k * rho_hat, x) + sum(w * a ** k for a, w in atoms_hat) for k in (1, 2)]
    e1, e2 = target.moment(1), target.moment(2)
    err1 = abs(m[0] - e1) / (abs(e1) if abs(e1) > 1e-12 else target.std())
    err2 = abs(m[1] - e2) / abs(e2)
    return dict(tv=tv, js=js, m1=err1, m2=err2, mass=_trapz(rho_hat, x) + sum(w for _, w in atoms_hat))


# ----------------------------------------------------------------------------------------------------------------
# the two sides
# ----------------------------------------------------------------------------------------------------------------
def ours(eigs, n, x, route=fc.Route.AUTO):
    """freecalc decompression: density on x, atoms, seconds, decompressed law and route taken (or the error)."""
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            law = fc.decompress(Empirical(eigs, size=N_S), n, route=route)
            rho = law.pdf(x)
            atoms = law.atoms
    except Exception as exc:  # report the failure in the table
        return dict(error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - t0)
    rep = getattr(law, "decompression_report", None)
    return dict(rho=rho, atoms=atoms, seconds=time.perf_counter() - t0, law=law,
                route=rep.route.value if rep is not None else "?", fit=rep.fit if rep is not None else None,
                spread=rep.spread if rep is not None else None)


def both(eigs, n, x, target):
    """AUTO and NUMERIC results with their metrics."""
    out = {}
    for key, route in (("auto", fc.Route.AUTO), ("num", fc.Route.NUMERIC)):
        res = ours(eigs, n, x, route)
        res["met"] = metrics(x, res["rho"], res["atoms"], target) if "rho" in res else {}
        out[key] = res
    return out


def seed_study(seeds=6, n=32000):
    """Protocol A at n over several source matrices: AUTO's TV per seed and the fitted c (parametric route)."""
    out = []
    for name, law in cases():
        target = law.decompress(n)
        x = grid_for(target)
        tvs, cs, routes = [], [], []
        for seed in range(seeds):
            eig = np.linalg.eigvalsh(law.matrix(N_S, rng=seed))
            res = ours(eig, n, x)
            if "error" in res:
                tvs.append(math.nan)
                routes.append("fail")
                continue
            tvs.append(metrics(x, res["rho"], res["atoms"], target)["tv"])
            routes.append(res["route"])
            if res["fit"] is not None and res["fit"].law is not None:
                cs.append(res["fit"].law.c)
        out.append(dict(case=name, tvs=tvs, cs=cs, routes=routes))
    return out


def c_floor(n=32000, sd=0.0023):
    """TV at n of the exact decompression of KM(80) / Wachter(40, 60) with c moved by ±sd (κ1, κ2, κ3 kept):
    the cost of the fourth-cumulant noise of 1000 eigenvalues (sd of ĉ measured over 8 seeds)."""
    from freecalc.operations.parametric_decompression import ShiftedFreeMeixner

    out = []
    for name, law in cases()[2:4]:
        k1, k2 = law.mean(), law.var()
        m3 = law.moment(3) - 3 * k1 * law.moment(2) + 2 * k1 ** 3
        m4 = law.moment(4) - 4 * k1 * law.moment(3) + 6 * k1 ** 2 * law.moment(2) - 3 * k1 ** 4
        a = m3 / k2
        b = k2 + (m4 - 2 * k2 ** 2) / k2 - a * a
        c = k2 / b
        target = law.decompress(n)
        x = grid_for(target)
        tvs = []
        for dc in (-sd, sd):
            cc = c + dc
            # a sensitivity study of the family's prediction: c moved by ±sd may decompress below 0, which the
            # default PSD floor refuses (the result of a decompression of data, not this probe of the family)
            fam = ShiftedFreeMeixner(k1, a, k2 / cc, cc, size=N_S).decompress(n, floor=-math.inf)
            tvs.append(metrics(x, fam.pdf(x), fam.atoms, target)["tv"])
        out.append((name, c, tvs))
    return out


def run_freealg(jobs, tmp):
    """Run all freealg jobs in one subprocess; returns the reply (or None when the peer venv is missing)."""
    if not PEER_PY.exists():
        return None
    req = {"reply": str(tmp / "reply.json"), "jobs": jobs}
    proc = subprocess.run([str(PEER_PY), str(PEER_WORKER)], input=json.dumps(req), capture_output=True, text=True,
                          env={**os.environ}, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"freealg worker failed:\n{proc.stderr[-3000:]}")
    with open(req["reply"]) as fh:
        return json.load(fh)


def time_eigvalsh(n, rng):
    a = rng.standard_normal((n, n))
    a = a + a.T
    t0 = time.perf_counter()
    np.linalg.eigvalsh(a)
    return time.perf_counter() - t0


# ----------------------------------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="targets {4000, 32000}; eigvalsh timed at 4000 only")
    args = parser.parse_args(argv)
    sizes = (4000, 32000) if args.quick else (4000, 8000, 32000)
    rng = np.random.default_rng(20250611)
    t_start = time.perf_counter()

    # warm-up: compile numba kernels outside the timed region
    warm = fc.MarchenkoPastur(0.1, size=200)
    warm_eig = np.linalg.eigvalsh(warm.matrix(200, rng))
    for route in (fc.Route.AUTO, fc.Route.NUMERIC):
        fc.decompress(Empirical(warm_eig, size=200), 800, route=route).pdf(np.linspace(0.3, 2, 5))

    tmp = Path(tempfile.mkdtemp(prefix="bench_decomp_"))
    rows = []  # one dict per (protocol, case, n): ours, metrics, freealg job/slot
    af_rows = []  # the AlgebraicForm comparison
    jobs = []
    frames = {}
    for name, law in cases():
        # protocol A: one random source matrix per law
        t0 = time.perf_counter()
        eig_a = np.linalg.eigvalsh(law.matrix(N_S, rng))
        t_eig_source = time.perf_counter() - t0
        np.save(tmp / f"{len(jobs)}_eig.npy", eig_a)
        job = {"eig": str(tmp / f"{len(jobs)}_eig.npy"), "support": list(law.support[0]), "targets": []}
        for n in sizes:
            target = law.decompress(n)
            x = grid_for(target)
            xp = tmp / f"{len(jobs)}_{n}_x.npy"
            np.save(xp, x)
            job["targets"].append({"size": n, "x": str(xp)})
            res = both(eig_a, n, x, target)
            rows.append(dict(protocol="A", case=name, n=n, ours=res, job=len(jobs),
                             slot=len(job["targets"]) - 1, x=x, target=target, source_eig_seconds=t_eig_source))
        jobs.append(job)
        if not args.quick and name == AF_CASE[0]:
            n = AF_CASE[1]
            target = law.decompress(n)
            x = grid_for(target, AF_GRID)
            xp = tmp / f"af_{n}_x.npy"
            np.save(xp, x)
            res = both(eig_a, n, x, target)
            af_rows.append(dict(protocol="A", case=name, n=n, ours=res, job=len(jobs), slot=0, x=x,
                                target=target))
            jobs.append({"eig": job["eig"], "support": None, "form": "algebraic",
                         "targets": [{"size": n, "x": str(xp)}]})
        # protocol B: n quantiles of the target, Stiefel compression to n_s
        for n in sizes:
            target = law.decompress(n)
            lam = target.ppf((np.arange(n) + 0.5) / n)
            if n not in frames:
                frames[n] = haar_stiefel(n, N_S, rng)
            v = frames[n]
            t0 = time.perf_counter()
            sub = v.T @ (lam[:, None] * v)
            eig_b = np.linalg.eigvalsh(0.5 * (sub + sub.T))
            t_sub = time.perf_counter() - t0
            x = grid_for(target)
            xp = tmp / f"{len(jobs)}_{n}_x.npy"
            np.save(xp, x)
            np.save(tmp / f"{len(jobs)}_eig.npy", eig_b)
            jobs.append({"eig": str(tmp / f"{len(jobs)}_eig.npy"), "support": list(law.support[0]),
                         "targets": [{"size": n, "x": str(xp)}]})
            res = both(eig_b, n, x, target)
            exact_ld = float(np.sum(np.log(np.abs(lam))))
            lds = {}
            for key, r in res.items():
                try:
                    lds[key] = float(fc.logdet(r["law"], n)) if "law" in r else math.nan
                except ValueError:
                    lds[key] = math.nan
            rows.append(dict(protocol="B", case=name, n=n, ours=res, job=len(jobs) - 1, slot=0, x=x,
                             target=target, submatrix_seconds=t_sub, logdet=(lds, exact_ld)))
        print(f"  {name}: done ({time.perf_counter() - t_start:.0f} s)", flush=True)

    t0 = time.perf_counter()
    try:
        reply = run_freealg(jobs, tmp)
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:  # report, keep our side
        print(f"freealg side failed: {exc}", file=sys.stderr)
        reply = {"version": "0.12.2 (worker failed, see stderr)",
                 "jobs": [{"error": f"worker: {type(exc).__name__}", "results": []} for _ in jobs]}
    t_peer_total = time.perf_counter() - t0
    for row in rows + af_rows:
        row["fa"] = None
        if reply is None:
            continue
        job = reply["jobs"][row["job"]]
        if job["error"]:
            row["fa"] = dict(error=job["error"])
            continue
        r = job["results"][row["slot"]]
        if r["error"]:
            row["fa"] = dict(error=r["error"])
            continue
        rho = np.load(r["rho"])
        # fit time is shared by the sizes of one job: charge it to each
        row["fa"] = dict(seconds=job["fit_seconds"] + r["seconds"], met=metrics(row["x"], rho, (), row["target"]))

    t0 = time.perf_counter()
    seeds = seed_study()
    floor = c_floor()
    print(f"  seed study: done ({time.perf_counter() - t0:.0f} s)", flush=True)
    eig_times = {n: time_eigvalsh(n, rng) for n in ((4000,) if args.quick else (4000, 8000))}
    ref_n = max(eig_times)
    extrap = {n: eig_times.get(n, eig_times[ref_n] * (n / ref_n) ** 3) for n in (4000, 8000, 32000)}
    report = render(rows, af_rows, sizes, eig_times, extrap, reply, t_peer_total, time.perf_counter() - t_start,
                    args.quick, seeds, floor)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    print(report)


def _pct(v):
    return "—" if v is None or not math.isfinite(v) else f"{100 * v:.2f}%"


def _cells(res, keys=("tv", "js", "m1", "m2")):
    if "error" in res:
        return ["fail"] * len(keys)
    return [_pct(res["met"].get(k)) for k in keys]


def render(rows, af_rows, sizes, eig_times, extrap, reply, t_peer, total, quick, seeds, floor):
    load = os.getloadavg()
    lines = [
        "# Free decompression benchmark",
        "",
        f"`python benchmarks/bench_decompression.py{' --quick' if quick else ''}` — n_s = {N_S}, targets {sizes}; "
        f"BLAS/OpenMP/numba threads pinned to 1; numba compiled before timing. Python {platform.python_version()}, "
        f"numpy {np.__version__}, freealg {reply['version'] if reply else 'not installed (benchmarks/.venv-freealg)'}"
        f". Load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} on {os.cpu_count()} cores: "
        f"timings measured while other jobs ran are noisy. Total run {total:.0f} s.",
        "",
        "Protocol A: eigenvalues of `law.matrix(1000)`, target = exact `law.decompress(n)`. Protocol B: n quantiles "
        "of the target law, random 1000×1000 principal submatrix through a Haar–Stiefel frame, decompressed back. "
        "freecalc on the eigenvalues only, `fc.decompress(fc.Empirical(eigs, size=1000), n, route=...)`: **auto** = "
        "`Route.AUTO` (parametric route — shifted free Meixner fit by free cumulants, decompressed exactly — when "
        "its KS goodness of fit n·D ≤ 5 accepts it, numeric route otherwise; column *route* says which ran; *spread* = `decompression_report.spread`, the TV between the "
        "decompressions of the fit with c moved by ± its sampling sd, the error to expect from the data's "
        "fourth-cumulant noise — 'sub' when the fit snapped to the c = 1 or MP submodel, exact under decompression), "
        "**num** = `Route.NUMERIC` (rational Joukowski fit + characteristics). fa = freealg `FreeForm` with its "
        "example settings and the source law's exact support. TV and JS (Jensen–Shannon distance, base 2) on a "
        "2001-point grid; moment errors relative (m1 relative to σ when the mean is 0). Time: freecalc fit + "
        "solve + density on the grid; freealg fit + decompress.",
        "",
    ]
    for proto in ("A", "B"):
        head = ("| law | n | route | spread | TV auto | TV num | TV fa | JS auto | JS num | JS fa | m1 auto | m1 num | m1 fa "
                "| m2 auto | m2 num | m2 fa | t auto (s) | t num (s) | t fa (s) |")
        lines += [f"## Protocol {proto}", "",
                  head + (" logdet err auto | logdet err num |" if proto == "B" else ""),
                  "|---" * (19 + (2 if proto == "B" else 0)) + "|"]
        for r in rows:
            if r["protocol"] != proto:
                continue
            au, nu, fa = r["ours"]["auto"], r["ours"]["num"], r["fa"]
            fm = (fa or {}).get("met", {})
            ca, cn = _cells(au), _cells(nu)
            cf = (["fail"] * 4 if fa and "error" in fa else [_pct(fm.get(k)) for k in ("tv", "js", "m1", "m2")])
            sp = au.get("spread")
            cells = [r["case"], str(r["n"]), au.get("route", "fail"),
                     "sub" if au.get("route") == "parametric" and sp is None else _pct(sp)]
            for i in range(4):
                cells += [ca[i], cn[i], cf[i]]
            cells += [f"{au['seconds']:.2f}", f"{nu['seconds']:.2f}",
                      f"{fa['seconds']:.2f}" if fa and "seconds" in fa else "—"]
            if proto == "B":
                lds, ex = r["logdet"]
                for key in ("auto", "num"):
                    est = lds[key]
                    cells.append(_pct(abs(est - ex) / abs(ex)) if math.isfinite(est) else "fail")
            lines.append("| " + " | ".join(cells) + " |")
        errs = [(r["case"], r["n"], f"{key}: " + r["ours"][key]["error"]) for r in rows for key in ("auto", "num")
                if r["protocol"] == proto and "error" in r["ours"][key]]
        errs += [(r["case"], r["n"], "freealg: " + r["fa"]["error"]) for r in rows
                 if r["protocol"] == proto and r["fa"] and "error" in r["fa"]]
        if errs:
            lines += ["", "Failures:"] + [f"- {c}, n = {n}: {e[:300]}" for c, n, e in errs]
        lines.append("")
    if af_rows:
        lines += ["## freealg AlgebraicForm (one case, 201-point grid)", "",
                  "| law | n | TV auto | TV num | TV fa-alg | JS auto | JS num | JS fa-alg | m1 auto | m1 num "
                  "| m1 fa-alg | m2 auto | m2 num | m2 fa-alg | t auto (s) | t num (s) | t fa-alg (s) |",
                  "|---" * 17 + "|"]
        for r in af_rows:
            au, nu, fa = r["ours"]["auto"], r["ours"]["num"], r["fa"]
            fm = (fa or {}).get("met", {})
            ca, cn = _cells(au), _cells(nu)
            cells = [r["case"], str(r["n"])]
            for i, k in enumerate(("tv", "js", "m1", "m2")):
                cells += [ca[i], cn[i], "fail" if fa and "error" in fa else _pct(fm.get(k))]
            cells += [f"{au['seconds']:.2f}", f"{nu['seconds']:.2f}",
                      f"{fa['seconds']:.1f}" if fa and "seconds" in fa else "—"]
            lines.append("| " + " | ".join(cells) + " |")
            if fa and "error" in fa:
                lines.append(f"\nfreealg AlgebraicForm failed: {fa['error'][:300]}")
        lines.append("")
    lines += ["## Seed study (protocol A, n = 32000, AUTO, source matrices `law.matrix(1000, rng=seed)`, "
              "seeds 0–5)", "", "| law | routes | TV per seed | median TV | fitted c (mean ± sd) |",
              "|---|---|---|---|---|"]
    for s in seeds:
        tv = np.array(s["tvs"], dtype=float)
        cs = np.array(s["cs"], dtype=float)
        cfit = f"{cs.mean():.5f} ± {cs.std():.5f}" if cs.size else "—"
        lines.append(f"| {s['case']} | {', '.join(sorted(set(s['routes'])))} | "
                     f"{' '.join(_pct(v) for v in tv)} | {_pct(float(np.nanmedian(tv)))} | {cfit} |")
    lines += ["", "Cost of the fourth-cumulant noise (exact decompression to 32000 of the law with κ1, κ2, κ3 exact "
              "and c moved by ±0.0023, the sd of ĉ from 1000 eigenvalues):", ""]
    for name, c, tvs in floor:
        lines.append(f"- {name} (c = {c:.5f}): TV {_pct(tvs[0])} (c − sd), {_pct(tvs[1])} (c + sd)")
    lines += ["", "## Direct eigendecomposition (numpy.linalg.eigvalsh, 1 thread)", "",
              "| n | eigvalsh (s) |", "|---|---|"]
    for n, t in extrap.items():
        tag = "" if n in eig_times else f" (extrapolated as n³ from n = {max(eig_times)})"
        lines.append(f"| {n} | {t:.1f}{tag} |")
    for key in ("auto", "num"):
        okB = [r for r in rows if r["protocol"] == "B" and math.isfinite(r["logdet"][0][key])]
        within = sum(abs(r["logdet"][0][key] - r["logdet"][1]) <= 0.01 * abs(r["logdet"][1]) for r in okB)
        lines.append(f"\nlog|det| from the 1000×1000 submatrix ({key}) within 1 % on {within} of {len(okB)} "
                     f"protocol-B cases.")
    lines += ["", f"freealg subprocess total {t_peer:.0f} s including start-up.", "", *NOTES, ""]
    return "\n".join(lines)


NOTES = [
    "## Notes",
    "",
    "- Routes: AUTO takes the parametric route on all five families here (their spectra are in the shifted free "
    "Meixner family and pass the KS rule; off-family spectra — MP mixtures, kernel matrices — are rejected and "
    "go numeric, see tests/operations/test_parametric_decompression.py). Semicircle and MP fits use the c = 1 "
    "submodel when n|ĉ − 1| ≤ 5 (and the MP submodel when n|κ1κ3/κ2² − 1| ≤ 30), which is exact under "
    "decompression.",
    "- Kesten–McKay(80) and Wachter(40, 60) at n = 32000 stay above TV 1 %: their distance from the c = 1 "
    "submodel is a fourth free cumulant of ~1/80 σ⁴, which 1000 eigenvalues fix only to ~±0.0023 in c "
    "(O(1/n) fluctuation of linear statistics; a minimum-distance CDF fit does no better), and decompression "
    "by 32 multiplies that error by 32 — the seed study and the ±sd figures above show the resulting spread. "
    "No estimator of that cumulant from these 1000 eigenvalues reaches 1 % at factor 32 (protocol A); over 30 "
    "seeds the parametric route is within 1 % on 90–97 % of spectra at factor 4 and 73–77 % at factor 8 "
    "(docstring of freecalc.operations.parametric_decompression.SNAP). Protocol B (the spectrum of a compression "
    "of a fixed quantile matrix, without the ensemble's own finite-n fluctuations) gets closer.",
    "- Parameters: every source law is valid up to factor 32 with no atoms in the targets. For Kesten–McKay(80) "
    "and Wachter(40, 60) that puts n = 32000 close to the factors where atoms are born (KM: f = d/2 = 40, edge "
    "spikes from the pole of 1/Q just outside the support; Wachter: a/f = 1.25 near 1, a near-hard edge at 0): "
    "the hardest regime for any numeric decompression from 1000 eigenvalues.",
    "- freealg FreeForm is far off at every factor ≥ 2 here; the same happens outside this harness with freealg's "
    "own `distributions.Wigner(2).matrix(1000)`, its default grid and the same fit settings (checked separately), "
    "so the figures describe the package version, not the harness. Its AlgebraicForm is accurate on easy cases "
    "but takes minutes per density, hence a single case (skipped with --quick).",
    "- The exact targets are freecalc's exact route, itself checked against Monte Carlo submatrices, "
    "compress∘decompress round trips and the resultant-based compress_equation in "
    "tests/operations/test_decompression.py.",
]


if __name__ == "__main__":
    sys.exit(main())
