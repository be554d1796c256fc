"""Generate htmp_offaxis_reference.json: 30-digit values of HTMP's Stieltjes transform on the issue-16 grid.

m(z) = b U(B+1, 1−A, −bz)/U(B, −A, −bz) (notation of freecalc.kernels.htmp), evaluated at 30+ digits by one of
two routes, both independent of the double-precision kernels' Taylor paths:

* ``cf``: the continued fraction of the Tricomi ratio U(B+1, −A, w)/U(B, −A, w) (DLMF 13.3.7, U minimal in its
  first parameter) by the modified Lentz method at 36 digits, accepted when the convergents settle to 1e-30
  within 4000 levels; m = −(1 − b r)/z. This formula is checked against ``hyperu`` on the first points below;
* ``hyperu``: freecalc.symbolic.special.hyperu (Kummer-function combination with measured cancellation) at 30
  digits where the continued fraction is too slow (near the positive axis) and b|z| ≤ 40 keeps it to seconds.

Points where neither is affordable (near the positive axis at large b|z|) are left out and counted. Run (minutes):
``python tests/kernels/data/make_htmp_offaxis_reference.py``.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import mpmath as mp

from freecalc.symbolic.special import hyperu

GAMMAS = [0.01, 0.25, 0.5, 0.9, 0.99]
KAPPAS = [0.05, 0.5, 2.0, 10.0, 50.0, 500.0, 1000.0]
MAX_B = 2000.0  # the kernels' validated range (freecalc.laws.htmp.HTMP_KERNEL_MAX_B)
RADII = [1e-3, 0.3, 1.2, 20.0, 1e3]
ARGS = [1e-6, 1e-3, 0.3, 1.6, math.pi - 1e-6]
OUT = Path(__file__).with_name("htmp_offaxis_reference.json")


def params(g, k):
    b = mp.mpf(k) / (2 * mp.mpf(g))
    B = mp.mpf(k) / 2
    return b - B - 1, B, b


def m_cf(g, k, z, nmax=4000):
    with mp.workdps(36):
        A, B, b = params(g, k)
        zz = mp.mpc(z)
        base = B + b - 1 - b * zz
        tiny = mp.mpf(10) ** -200
        f, C, D = tiny, tiny, mp.mpc(0)
        an = mp.mpf(1)
        for j in range(1, nmax + 1):
            bj = base + 2 * j
            if j > 1:
                an = -(B + j - 1) * (b + j - 1)
            D = bj + an * D
            C = bj + an / C
            D = 1 / D
            dl = C * D
            f *= dl
            if j > 3 and abs(dl - 1) < mp.mpf(10) ** -30:
                return complex(-(1 - b * f) / zz)
    return None


def m_hyperu(g, k, z):
    with mp.workdps(30):
        A, B, b = params(g, k)
        w = -b * mp.mpc(z)
        return complex(b * hyperu(B + 1, 1 - A, w) / hyperu(B, -A, w))


def main() -> None:
    rows = []
    skipped = 0
    checked = 0
    for g in GAMMAS:
        for k in KAPPAS:
            b = k / (2 * g)
            if b > MAX_B:
                continue
            for r in RADII:
                for t in ARGS:
                    z = r * complex(math.cos(t), math.sin(t))
                    val = m_cf(g, k, z)
                    src = "cf"
                    if val is not None and checked < 6 and b * r <= 50:
                        # the continued-fraction formula against hyperu (its derivation is checked, not assumed)
                        hv = m_hyperu(g, k, z)
                        assert abs(hv - val) <= 4e-16 * abs(hv), (g, k, z, val, hv)  # both rounded to double
                        checked += 1
                    if val is None:
                        if b * r > 40:
                            skipped += 1
                            continue
                        val, src = m_hyperu(g, k, z), "hyperu"
                    rows.append({"gamma": g, "kappa": k, "z": [z.real, z.imag], "m": [val.real, val.imag],
                                 "source": src})
            print(g, k, len(rows), skipped, file=sys.stderr, flush=True)
    OUT.write_text(json.dumps({"description": __doc__.splitlines()[0], "skipped": skipped, "rows": rows},
                              indent=0))


if __name__ == "__main__":
    main()
