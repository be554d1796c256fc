"""Generate htmp_offaxis_random.json: 50-digit values of HTMP's Stieltjes transform at random points.

Random laws (γ uniform in [0.01, 0.99], κ log-uniform in [0.05, 1000], b = κ/(2γ) ≤ 2000) and random points of
three kinds: near the positive axis (Re z uniform in [0, 1.2 (1 + √γ)²], Im z log-uniform in [1e-12, 1]), anywhere
(|z| log-uniform in [1e-3, 1e3], arg z uniform in (0, π)) and large (|z| log-uniform in [1e2, 1e4]).
m(z) = b U(B+1, 1−A, −bz)/U(B, −A, −bz) (notation of freecalc.kernels.htmp) by ``mpmath.hyperu`` at 50 digits,
independent of the double-precision kernels (every tenth value recomputed at 60 digits: agreement to 1e-40
asserted), given at most :data:`LIMIT` seconds per point. Each value is checked before it is kept:

* it must be a Stieltjes transform's value: Im m > 0 and |m| ≤ 1/dist(z, [0, ∞));
* where the continued fraction of the Tricomi ratio (``m_cf`` of make_htmp_offaxis_reference.py: 36 digits,
  settled to 1e-30 within 4000 levels) converges, the two must agree to 4e-16 (both rounded to double).

``mpmath.hyperu`` fails the first check at a few points with large parameters (e.g. γ = 0.1139, κ = 390.8,
z = −0.1319 + 0.1385i: −37.78 − 29.60i at 50, 60 and 80 digits, where the fraction and three Taylor routes
give 0.94691 + 0.13864i); such points are rejected and counted.

Points beyond that time (close to the positive axis at large b|z|, up to 35 s there) are left out and counted.
Run (about twenty minutes, two processes): ``python tests/kernels/data/make_htmp_offaxis_random.py``.
"""
from __future__ import annotations

import json
import math
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mpmath as mp
import numpy as np
from make_htmp_offaxis_reference import m_cf

N = 640
SEEDS = [20261204, 20261205]
LIMIT = 4  # seconds per point
MAX_B = 2000.0
OUT = Path(__file__).with_name("htmp_offaxis_random.json")


def params(g, k):
    b = mp.mpf(k) / (2 * mp.mpf(g))
    B = mp.mpf(k) / 2
    return b - B - 1, B, b


class _Late(Exception):
    pass


def _late(signum, frame):
    raise _Late


def m_hyperu(g, k, z, dps=50):
    with mp.workdps(dps):
        A, B, b = params(g, k)
        w = -b * mp.mpc(z)
        return b * mp.hyperu(B + 1, 1 - A, w) / mp.hyperu(B, -A, w)


def plausible(z: complex, m) -> bool:
    dist = abs(z) if z.real <= 0 else abs(z.imag)
    return m.imag > 0 and abs(m) <= 1 / dist


def run(seed: int, n: int) -> dict:
    rng = np.random.default_rng(seed)
    rows = []
    skipped = 0
    rejected = 0
    crossed = 0
    signal.signal(signal.SIGALRM, _late)
    while len(rows) + skipped + rejected < n:
        g = float(rng.uniform(0.01, 0.99))
        k = float(10.0 ** rng.uniform(math.log10(0.05), 3.0))
        b = k / (2 * g)
        if b > MAX_B:
            continue
        kind = ("axis", "any", "large")[(len(rows) + skipped + rejected) % 3]
        if kind == "axis":
            z = complex(rng.uniform(0.0, 1.2 * (1 + math.sqrt(g)) ** 2), 10.0 ** rng.uniform(-12.0, 0.0))
        else:
            r = 10.0 ** (rng.uniform(-3.0, 3.0) if kind == "any" else rng.uniform(2.0, 4.0))
            t = rng.uniform(1e-9, math.pi - 1e-9)
            z = r * complex(math.cos(t), math.sin(t))
        signal.alarm(LIMIT)
        try:
            val = m_hyperu(g, k, z)
            if len(rows) % 10 == 0:
                ref = m_hyperu(g, k, z, 60)
                assert abs(ref - val) <= mp.mpf(10) ** -40 * abs(ref), (g, k, z, val, ref)
            cv = m_cf(g, k, z)
            val = complex(val)
        except _Late:
            skipped += 1
            continue
        finally:
            signal.alarm(0)
        if not plausible(z, val) or (cv is not None and abs(cv - val) > 4e-16 * abs(cv)):
            rejected += 1
            print(seed, "rejected", g, k, z, val, cv, file=sys.stderr, flush=True)
            continue
        crossed += cv is not None
        rows.append({"gamma": g, "kappa": k, "kind": kind, "z": [z.real, z.imag], "m": [val.real, val.imag]})
        print(seed, len(rows), skipped, kind, g, k, z, file=sys.stderr, flush=True)
    return {"rows": rows, "skipped": skipped, "rejected": rejected, "crossed": crossed}


def main() -> None:
    # two processes, one seed each; their rows are concatenated in seed order
    with ProcessPoolExecutor(2) as ex:
        parts = list(ex.map(run, SEEDS, [N // len(SEEDS)] * len(SEEDS)))
    out = {"description": __doc__.splitlines()[0]}
    for key in ("skipped", "rejected", "crossed"):
        out[key] = sum(p[key] for p in parts)
    out["rows"] = [r for p in parts for r in p["rows"]]
    OUT.write_text(json.dumps(out, indent=0))


if __name__ == "__main__":
    main()
