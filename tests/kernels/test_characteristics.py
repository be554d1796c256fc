"""Characteristic-equation kernels on MP(1/50), 1000 → 32000, with the exact second sheet."""
import numpy as np
import pytest
from numba import njit

import freecalc as fc
from freecalc.kernels import characteristics as K

LAM, F = 0.02, 32.0
A, B = (1 - LAM ** 0.5) ** 2, (1 + LAM ** 0.5) ** 2
C, H = (A + B) / 2, (B - A) / 4
P = np.array([1.0])
Q = np.array([1.0, LAM ** 0.5])  # exact MP in the Joukowski variable
E = np.zeros(0)
ARGS = (K.LINEAR, P, Q, C, H, E, E)
TARGET = fc.MarchenkoPastur(LAM * F)


def test_trace_matches_exact():
    th = np.pi * (np.arange(502) + 0.5) / 502
    u, st = K.trace_preimage(*ARGS, F, th, 100.0, 400, 1e-15, 60)
    assert np.all(st == K.OK)
    Z, m0 = K.char_map_many(*ARGS, F, u)
    # measured 7.5e-13: the curve's x is exact to rounding, the density near the steep left edge amplifies it
    assert np.max(np.abs(m0.imag / (np.pi * F) - TARGET.pdf(Z.real))) < 5e-12
    assert np.max(np.abs(Z.imag)) < 1e-13


def test_newton_warm_start_matches_exact():
    uc = K.critical_points(*ARGS, F, 100.0, 400, 1e-15)
    edges = [K.char_map(*ARGS, F, complex(v, 0))[0].real for v in uc]
    # target support of MP(0.64): edges (1 ± 0.8)²
    assert edges[0] == pytest.approx(3.24, rel=1e-12) and edges[1] == pytest.approx(0.04, rel=1e-10)
    x = np.linspace(3.24, 0.04, 502)[1:-1]
    d2 = (K.char_map(*ARGS, F, complex(uc[0] * (1 + 1e-5), 0))[1] -
          K.char_map(*ARGS, F, complex(uc[0] * (1 - 1e-5), 0))[1]).real / (2e-5 * uc[0])
    u0 = uc[0] + np.sqrt(2 * (x - 3.24) / d2 + 0j)
    u0 = np.where(u0.imag > 0, np.conj(u0), u0)
    u, it, st = K.newton_preimage(*ARGS, F, x, np.ascontiguousarray(u0), True, 1e-15, 50)
    assert np.all(st == K.OK)
    dens = K.char_map_many(*ARGS, F, u)[1].imag / (np.pi * F)
    # measured 1.8e-14 (the better of the two solvers: the default)
    assert np.max(np.abs(dens - TARGET.pdf(x))) < 2e-13


def test_non_convergence_is_reported():
    # points outside the target support have no preimage on the curve: Newton must say so, not return one
    x = np.array([4.0, 5.0, -1.0])
    u0 = np.full(3, 5.0 - 1.0j)
    u, it, st = K.newton_preimage(*ARGS, F, x, u0, False, 1e-15, 30)
    assert np.all(st != K.OK)
    # rays that cannot reach the curve (r_max below √f) report NO_BRACKET
    u, st = K.trace_preimage(*ARGS, F, np.array([1.0, 2.0]), 2.0, 50, 1e-15, 60)
    assert np.all(st == K.NO_BRACKET) and np.all(np.isnan(u))


def test_solve_target_gives_the_stieltjes_transform():
    z = np.array([1 + 0.5j, 0.5 + 0.01j, 2.0 + 0j, 4.0 + 0j, -1 + 0j, 10 + 10j])
    u, st = K.solve_target(*ARGS, F, z, 40.0, 40, 1e-15, 50)
    assert np.all(st == K.OK)
    m = K.char_map_many(*ARGS, F, u)[1] / F
    assert np.allclose(m, TARGET.stieltjes(z), rtol=1e-11)


@njit
def _user_code(x):
    return K.char_map(K.LINEAR, P, Q, C, H, E, E, F, x)[0]


def test_callable_from_user_njit():
    u = 5.0 - 3.0j
    assert _user_code(u) == K.char_map(*ARGS, F, u)[0]
