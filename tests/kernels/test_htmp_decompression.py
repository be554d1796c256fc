"""The characteristic kernels of HTMP decompression: the log variables (log w, 1/m) against the natural ones (w, m).

Where both apply (A > 0: the paths stay away from the branch point w = 0), the two ODE systems integrate the same
characteristics in different coordinates, so they must give the same preimage and transform; and on the log route
the state obeys the characteristic map z = e^s − (f − 1) q exactly at the end of every path.
"""
from __future__ import annotations

import numpy as np

import freecalc as fc
from freecalc.kernels import htmp as KH
from freecalc.kernels import htmp_decompression as KD
from freecalc.operations.heavy_tail_decompression import RTOL, HeavyTailDecompression


def _starts(ev: HeavyTailDecompression, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z0 = x + 1j * ev._height
    w0, m0, ok = ev._principal_preimage(z0)
    assert np.all(ok)
    return z0, w0, m0


def test_log_variables_reproduce_the_natural_ones() -> None:
    # HTMP(0.5, 4) (A = 1) by 2: real points across the support and points above it
    ev = HeavyTailDecompression(fc.HTMP(0.5, 4.0), 2.0)
    A, B, b = KH.htmp_params(0.5, 4.0)
    x = np.array([-0.3, 0.1, 0.5, 1.0, 2.0, 4.0, 7.0])
    z1 = np.concatenate([x + 0j, x + 0.2j])
    z0, w0, m0 = _starts(ev, z1.real)
    w, m, st, _ = KD.characteristic_solve(KD.KIND_HTMP, A, B, b, 2.0, w0, m0, z0, z1, RTOL)
    s, q, st_log, _ = KD.characteristic_solve(KD.KIND_HTMP_LOG, A, B, b, 2.0, np.log(w0), 1.0 / m0, z0, z1, RTOL)
    assert np.all(st == KD.OK) and np.all(st_log == KD.OK)
    # both solvers run at local tolerance 1e-12; the global error of either is ~1e-11 of |m| (measured 3e-12)
    assert np.allclose(1.0 / q, m, rtol=1e-9, atol=0)
    assert np.allclose(np.exp(s), w, rtol=1e-9, atol=1e-12)


def test_log_route_keeps_the_characteristic_map_next_to_the_atom() -> None:
    # HTMP(0.5, 1) (A = −1/2) by 4: paths to x = 1e-4 .. 3 wind to arg w = −π; z = e^s − (f − 1) q at the end
    ev = HeavyTailDecompression(fc.HTMP(0.5, 1.0), 4.0)
    A, B, b = ev.A, ev.B, ev.b
    x = np.array([1e-4, 1e-2, 0.3, 1.0, 3.0]) + 0j
    z0, w0, m0 = _starts(ev, x.real)
    s, q, st, _ = KD.characteristic_solve(KD.KIND_HTMP_LOG, A, B, b, 4.0, np.log(w0), 1.0 / m0, z0, x, RTOL)
    assert np.all(st == KD.OK)
    # relative to |z|: the ODE's global error, ~1e-13 absolute after the winding path (measured 1.1e-9 of x = 1e-4)
    assert np.allclose(np.exp(s) - 3.0 * q, x, rtol=1e-8, atol=0)
    # in the gap (0, 0.70778) the preimage is on the negative axis of the second sheet: Im s = −π
    assert np.allclose(s.imag[:3], -np.pi, atol=1e-8)
