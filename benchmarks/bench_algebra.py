"""Benchmark: exact free algebra (polynomial method) — freecalc vs rmtool, measured in the same run.

Cases
  * semicircle(radius 2) ⊞ MP(1/2): density on 1000 points of [-3, 5];
  * MP(1/2) ⊠ MP(1/4): density on 1000 points of [-10, 10] (rmtool's root selection puts phantom mass there);
  * (semicircle ⊞ three atoms) ⊞ (MP(1/2) ⊠ MP(1/4)), degree 13 in m (discriminant of degree 49 in z): what each
    tool returns as a density (rmtool returns all roots for degree > 3; its ``best_density`` heuristic is scored).

Figures (medians of repeats; the sympy cache is cleared before every derivation, on both sides, and freecalc's memo
of integer curve terms with it):
  * derive: ``fc.free_add``/``fc.free_mul`` with ``Method.EXACT`` from fresh named laws (resultant + Stieltjes
    factor) vs rmtool's ``AplusB``/``AtimesB``;
  * density, first call: ``law.pdf`` on a fresh law (certified support/atom detection, then the continuation; numba
    compiled beforehand) vs rmtool's ``Lmz2pdf`` (which has no state to keep);
  * density, steady state: a second ``law.pdf`` on the same law;
  * end to end: derive + first density timed together from a cleared cache, the way a user calls it once, vs
    rmtool's derive + density. This is the figure of issue 16 (≥ 10×); 'steady' ratios compare a cached second call
    with rmtool's uncached one and are given for completeness only.
freecalc runs with python-flint (the extra ``finite``: FLINT resultants and factorisation, Arb-certified real
roots) and, in a subprocess with ``flint`` made unimportable, without it (sympy's exact route, same results).

rmtool 1.0.0 runs in ``benchmarks/.venv-rmtool`` through ``benchmarks/peers/rmtool_worker.py``.

Accuracy: max |ρ_rmtool − ρ_freecalc| on the grid; rmtool's mass ∫ρ and negative mass ∫min(ρ, 0) (trapezoid,
NaN counted as 0); freecalc's mass is ∫pdf + Σ atoms by its θ-Gauss rule.

Slow pair: SFM(-1, 1.5, 2, 3) ⊞ SFM(-1, -1.5, 0.3, 3), an atom at a root of an irreducible quartic with a mass
rational in it (the case of issue 16 whose first density took ~1 min): freecalc only (derive, first density, steady
state, CPU seconds), its own section; ``--slow-pair`` measures only it and rewrites only that section.

BLAS and numba threads are pinned to 1. Timings are medians of repeats on a shared 2-core machine: noisy.

Usage: ``python benchmarks/bench_algebra.py [--quick] [--slow-pair]`` (``--no-flint --json`` is the internal subprocess mode).
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

if "--no-flint" in sys.argv:
    sys.modules["flint"] = None  # ``import flint`` raises ImportError: freecalc takes its sympy route

import numpy as np  # noqa: E402
from sympy.core.cache import clear_cache as clear_sympy_cache  # noqa: E402

import freecalc as fc  # noqa: E402
from freecalc.symbolic.algebraic_flint import forget_terms  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "algebra.md"
PEER_PY = HERE / ".venv-rmtool" / "bin" / "python"
WORKER = HERE / "peers" / "rmtool_worker.py"


def clear_cache():
    """Before every derivation: sympy's cache and freecalc's memo of integer curve terms, so that nothing of an
    earlier call (the warm-up included) is reused."""
    clear_sympy_cache()
    forget_terms()


def median_time(fn, repeats, setup=None):
    times, out = [], None
    for _ in range(repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def build(name):
    E = fc.Method.EXACT
    if name == "sc_plus_mp":
        return fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E)
    if name == "mp_times_mp":
        return fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E)
    if name == "composite":
        left = fc.free_add(fc.Semicircle(2.0), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]), method=E)
        right = fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E)
        return fc.free_add(left, right, method=E)
    raise ValueError(name)


CASES = [
    {"name": "SC(2) ⊞ MP(1/2)", "build": "sc_plus_mp", "grid": (-3.0, 5.0)},
    {"name": "MP(1/2) ⊠ MP(1/4)", "build": "mp_times_mp", "grid": (-10.0, 10.0)},
    {"name": "(SC ⊞ 3 atoms) ⊞ (MP ⊠ MP)", "build": "composite", "grid": (-6.0, 26.0)},
]


def run_peer(cases, repeats):
    if not PEER_PY.exists():
        return None, "rmtool venv missing (python -m venv benchmarks/.venv-rmtool; pip install -r " \
                     "benchmarks/requirements-rmtool.txt)"
    req = {"repeats": repeats, "cases": [{"name": c["name"], "build": c["build"], "density": True,
                                          "x": np.linspace(*c["grid"], 1000).tolist()} for c in cases]}
    proc = subprocess.run([str(PEER_PY), str(WORKER)], input=json.dumps(req), capture_output=True, text=True,
                          timeout=900, env={**os.environ})
    if proc.returncode:
        return None, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def measure(rep):
    """freecalc's figures for every case (seconds) and its densities."""
    # warm-up: numba compilation of the branch kernel, kept out of every figure
    fc.to_algebraic(fc.Semicircle(2.0)).pdf(np.linspace(-1, 1, 5))
    out = {}
    for case in CASES:
        x = np.linspace(*case["grid"], 1000)
        build(case["build"]).pdf(x)  # imports and first-use caches of this case's code paths
        derive, first, e2e = [], [], []
        for _ in range(rep):
            clear_cache()
            t0 = time.perf_counter()
            fresh = build(case["build"])
            t1 = time.perf_counter()
            fresh.pdf(x)
            t2 = time.perf_counter()
            derive.append(t1 - t0)
            first.append(t2 - t1)
            e2e.append(t2 - t0)
        law = fresh
        t_steady, rho = median_time(lambda: law.pdf(x), max(rep, 20))
        out[case["name"]] = {"derive": float(np.median(derive)), "first": float(np.median(first)),
                             "e2e": float(np.median(e2e)), "steady": t_steady, "rho": rho.tolist(),
                             "inside": law._inside(x).tolist(), "deg": law.degree[0], "law": law}
    return out


SLOW_PAIR_HEADER = "## Slow pair"


def measure_slow_pair(rep):
    """CPU seconds of the slow pair: derive, first density (1000 points of [-8, 8]), steady state; and its atoms."""
    fc.to_algebraic(fc.Semicircle(2.0)).pdf(np.linspace(-1, 1, 5))
    x = np.linspace(-8.0, 8.0, 1000)
    derive, first, steady = [], [], []
    for _ in range(rep):
        clear_cache()
        t0 = time.process_time()
        law = fc.free_add(fc.ShiftedFreeMeixner(-1, 1.5, 2, 3), fc.ShiftedFreeMeixner(-1, -1.5, 0.3, 3),
                          method=fc.Method.EXACT)
        t1 = time.process_time()
        law.pdf(x)
        t2 = time.process_time()
        law.pdf(x)
        derive.append(t1 - t0)
        first.append(t2 - t1)
        steady.append(time.process_time() - t2)
    return {"derive": float(np.median(derive)), "first": float(np.median(first)),
            "steady": float(np.median(steady)), "atoms": law.atoms, "deg": law.degree[0]}


def slow_pair_section(rep):
    r = measure_slow_pair(rep)
    return [SLOW_PAIR_HEADER, "",
            "SFM(-1, 1.5, 2, 3) ⊞ SFM(-1, -1.5, 0.3, 3): degree " + str(r["deg"]) + " in m, an atom at a root of "
            "400 z^4 + 3200 z^3 − 705 z^2 − 28420 z − 11411 with a mass rational in it; density on 1000 points of "
            f"[-8, 8]; CPU seconds (process time), medians of {rep} repeats, sympy cache and freecalc's terms memo cleared before each "
            "derivation; freecalc only.", "",
            "| case | derive | first density | steady state |", "|---|---|---|---|",
            f"| slow pair | {r['derive']:.3f} | {r['first']:.3f} | {r['steady']:.4f} |", "",
            "Before (commit b99bc18): sympy's expression domain for the deflated curve, the mass candidates and the "
            "curve in z − a at the atom made the first density 66.8 CPU s on this machine; the multiprecision "
            "deflation (laws/algebraic_deflation.py) alone brought it to 3.9 s (both measured in one run, the "
            "previous `deflated_state` patched back in), the exact Q(ρ) arithmetic "
            "(symbolic/algebraic_number_field.py) to the figure above.",
            f"* atoms: {r['atoms']}", ""]


def measure_without_flint(rep):
    proc = subprocess.run([sys.executable, __file__, "--no-flint", "--json", "--repeats", str(rep)],
                          capture_output=True, text=True, timeout=1800, env={**os.environ})
    if proc.returncode:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--no-flint", action="store_true", help="(internal) run with python-flint unimportable")
    parser.add_argument("--json", action="store_true", help="(internal) print freecalc's timings as JSON")
    parser.add_argument("--repeats", type=int, default=None, help="(internal) repeats")
    parser.add_argument("--slow-pair", action="store_true", help="measure only the slow pair, rewrite its section")
    args = parser.parse_args(argv)
    rep = args.repeats or (3 if args.quick else 7)
    if args.slow_pair:
        old = OUT.read_text() if OUT.exists() else ""
        head = old.split(SLOW_PAIR_HEADER)[0].rstrip("\n")
        text = (head + "\n\n" if head else "") + "\n".join(slow_pair_section(rep))
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(text)
        print(text)
        return 0
    if args.json:
        res = measure(rep)
        print(json.dumps({k: {f: v[f] for f in ("derive", "first", "e2e", "steady")} for k, v in res.items()}))
        return 0

    load = os.getloadavg()
    ours = measure(rep)
    peer, peer_err = run_peer(CASES, rep)
    plain = measure_without_flint(rep)
    try:
        import flint
        flint_note = f"python-flint {flint.__version__}"
    except ImportError:
        flint_note = "python-flint not installed (the 'with python-flint' columns are then the sympy route too)"
    lines = ["# Exact free algebra: freecalc vs rmtool", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}; BLAS/numba threads pinned to 1; "
             f"medians of {rep} repeats (density steady state: {max(rep, 20)}); shared 2-core machine, noisy "
             f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start, "
             f"{os.getloadavg()[0]:.1f} at the end: wall-clock times scale with it, ratios less). "
             f"freecalc with {flint_note}; sympy cache cleared before every derivation on both sides (and freecalc's memo of integer curve terms).", ""]
    if peer is None:
        lines += [f"rmtool not run: {peer_err}", ""]
    else:
        lines += [f"rmtool {peer['version']} in its own venv, same run.", ""]
    lines += ["## Speed (ms)", "",
              "End to end = derive the curve from fresh laws + density on 1000 points, the way a user calls it once "
              "(the issue's figure). 'First' is the density call on a fresh law (support and atoms detected), "
              "'steady' a second call on the same law. Degree ≤ 4 in m: the density is read off the one root of "
              "P(·, x) in the upper half plane where there is exactly one, else continued from x + iY.", "",
              "| case | deg_m | freecalc derive / first / **end to end** / steady | rmtool derive / density / "
              "**end to end** | **end-to-end speed-up** | steady speed-up (cached vs uncached) | freecalc without "
              "python-flint: derive / first / end to end |",
              "|---|---|---|---|---|---|---|"]
    for name, r in ours.items():
        p = None if peer is None else next(c for c in peer["cases"] if c["name"] == name)
        q = None if plain is None else plain.get(name)
        ms = "{:.1f}".format
        plain_s = "–" if q is None else f"{ms(1e3 * q['derive'])} / {ms(1e3 * q['first'])} / {ms(1e3 * q['e2e'])}"
        ours_s = (f"{ms(1e3 * r['derive'])} / {ms(1e3 * r['first'])} / **{ms(1e3 * r['e2e'])}** / "
                  f"{1e3 * r['steady']:.2f}")
        if p is None or p.get("error"):
            err = p["error"] if p else "n/a"
            lines.append(f"| {name} | {r['deg']} | {ours_s} | {err} | – | – | {plain_s} |")
            continue
        peer_e2e = p["derive_seconds"] + p["density_seconds"]
        lines.append(f"| {name} | {r['deg']} (rmtool {p['degree_m']}) | {ours_s} | {ms(1e3 * p['derive_seconds'])} / "
                     f"{ms(1e3 * p['density_seconds'])} / **{ms(1e3 * peer_e2e)}** | **{peer_e2e / r['e2e']:.1f}×** | "
                     f"{p['density_seconds'] / r['steady']:.0f}× | {plain_s} |")
    lines += ["", "## Accuracy", "",
              "| case | max abs diff ρ | rmtool ∫ρ / ∫min(ρ,0) / ∫ρ off the support | freecalc mass (atoms incl.) |",
              "|---|---|---|---|"]
    for name, r in ours.items():
        law = r["law"]
        _, ws = law.continuous_rule()
        mass = float(ws.sum() + sum(w for _, w in law.atoms))
        p = None if peer is None else next(c for c in peer["cases"] if c["name"] == name)
        if p is None or p.get("error") or p.get("density") is None:
            lines.append(f"| {name} | – | – | {mass:.12f} |")
            continue
        rho, inside = np.array(r["rho"]), np.array(r["inside"])
        x = np.linspace(*next(c["grid"] for c in CASES if c["name"] == name), 1000)
        dd = np.nan_to_num(np.array([np.nan if v is None else v for v in p["density"]]), nan=0.0)
        lines.append(f"| {name} | {float(np.max(np.abs(dd - rho))):.2e} | {float(np.trapezoid(dd, x)):.4f} / "
                     f"{float(np.trapezoid(np.minimum(dd, 0), x)):.2e} / "
                     f"{float(np.trapezoid(np.where(inside, 0.0, dd), x)):.3f} | {mass:.12f} |")
    lines += ["", "Notes:",
              "* freecalc's density is exactly 0 outside the support found from the discriminant, and the atom "
              "masses are exact; rmtool's grid density is the largest Im(root)/π (for degree > 3 its "
              "`best_density` heuristic), which is how phantom mass appears off the support.",
              "* The support comes from the real zeros of the discriminant and of the leading coefficient in m: with "
              "python-flint, FLINT's integer discriminant and Arb's certified root isolation (every real zero found, "
              "none invented, each to a few ulps); without it, sympy's exact real roots. Both give the same support.",
              "* atoms found by freecalc: " + "; ".join(f"{n}: {r['law'].atoms or 'none'}" for n, r in ours.items())]
    lines += [""] + slow_pair_section(rep)
    text = "\n".join(lines)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
