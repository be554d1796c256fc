"""Tests of the numba subordination kernels against closed forms."""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from freecalc.kernels.subordination import (KIND_DISCRETE, KIND_QUADRATIC, OP_ADD, OP_MUL, OP_POWER, OPT_SIZE,
                                            law_stieltjes_d, solve_subordination)
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.semicircle import Semicircle

EMPTY = np.zeros(0)


def form(law):
    return KIND_QUADRATIC, np.array(law.kernel_args()), EMPTY, EMPTY


def opts(t=1.0, c=1.0, g=0.0, eta0=1.0, tol=1e-13):
    o = np.zeros(OPT_SIZE)
    o[:] = (t, c, g, eta0, 1e-10 * eta0, tol)
    return o


def run(op, lam, a, b, o, maxiter=200):
    lam = np.ascontiguousarray(lam, dtype=complex)
    ka, pa, xa, wa = a
    kb, pb, xb, wb = b
    return solve_subordination(op, lam, np.zeros(lam.size, complex), np.zeros(lam.size, np.int8),
                               ka, pa, xa, wa, kb, pb, xb, wb, o, maxiter)


def test_semicircle_sum_is_semicircle():
    # SC(r1) ⊞ SC(r2) = SC(√(r1² + r2²)) (R-transforms r²w/4 add)
    a, b = Semicircle(1.0), Semicircle(2.0, center=0.5)
    exact = Semicircle(np.sqrt(5.0), center=0.5)
    x = np.linspace(-3.5, 4.5, 801)
    lam = np.concatenate([x + 0j, x + 0.01j, x + 1j, [1e6 + 1j, -1e8 + 0j, 1e7j]])
    m, w, conv, it, res = run(OP_ADD, lam, form(a), form(b), opts(g=0.5))
    assert conv.all()
    # both sides are double-precision evaluations of exact formulas; the solver stops at steps of 1e-13
    # relative, and the square-root edge amplifies rounding to ~1e-8 only within ~1e-16 of the edge
    err = np.abs(m - exact.stieltjes(lam))
    assert err.max() < 1e-10
    assert np.all(m.imag[lam.imag > 0] > 0)


def test_fuss_catalan_product():
    # MP(1) ⊠ MP(1): Fuss–Catalan density (Penson & Życzkowski 2011, Phys. Rev. E 83, eq. 6 with s = 2)
    a = form(MarchenkoPastur(1.0))
    x = np.linspace(0.05, 6.9, 700)
    m, w, conv, it, res = run(OP_MUL, x + 0j, a, a, opts(g=1.0))
    assert conv.all()
    s = np.sqrt(np.maximum(81 - 12 * x, 0))
    A = 27 + 3 * s
    fc = 2 ** (1 / 3) * np.sqrt(3) / (12 * np.pi) * (2 ** (1 / 3) * A ** (2 / 3) - 6 * x ** (1 / 3)) / (
        x ** (2 / 3) * A ** (1 / 3))
    fc[x > 27 / 4] = 0
    # closed form vs solver, both in double precision; the closed form itself cancels to ~1e-13 near the edge
    assert np.max(np.abs(m.imag / np.pi - fc)) < 1e-10


@pytest.mark.parametrize("c1,c2", [(0.5, 0.3), (2.0, 0.5), (3.0, 4.0)])
def test_mp_product_solves_cubic(c1, c2):
    # S = 1/((1 + c1 w)(1 + c2 w)) gives, with ψ = −λm − 1, the cubic ψλ = (1+ψ)(1+c1ψ)(1+c2ψ)
    lam = np.concatenate([np.linspace(1e-3, 14.0, 400) + 0j, [0.5 + 0.5j, 100 + 1j, -3 + 0j, 1e3 + 0j]])
    m, w, conv, it, res = run(OP_MUL, lam, form(MarchenkoPastur(c1)), form(MarchenkoPastur(c2)), opts(g=1.0))
    assert conv.all()
    psi = -lam * m - 1
    cubic = psi * lam - (1 + psi) * (1 + c1 * psi) * (1 + c2 * psi)
    # relative to the size of the cubic's terms; double-precision cancellation of O(|ψ|³ + |ψλ|) terms
    assert np.max(np.abs(cubic) / (1 + np.abs(psi) ** 3 + np.abs(psi * lam))) < 1e-12
    assert np.all(m.imag >= -1e-15)


@pytest.mark.parametrize("t", [1.0, 1.5, 4.0])
def test_free_powers(t):
    # SC(r)^{⊞t} = SC(r√t); MP(c)^{⊞t} = t · MP(c/t) (R-transform t/(1 − cw))
    x = np.linspace(-9, 9, 301) + 0j
    m, *_, = run(OP_POWER, x, form(Semicircle(2.0)), form(Semicircle(2.0)), opts(t=t))
    assert np.max(np.abs(m - Semicircle(2 * np.sqrt(t)).stieltjes(x))) < 1e-10  # exact vs exact, 1e-13 steps
    x = np.linspace(-1, 25, 301) + 0j
    m, w, conv, *_ = run(OP_POWER, x, form(MarchenkoPastur(0.5)), form(MarchenkoPastur(0.5)),
                         opts(t=t, g=(t - 1) * 1.0))
    assert conv.all()
    exact = MarchenkoPastur(0.5 / t).stieltjes(x / t) / t
    assert np.max(np.abs(m - exact)) < 1e-10  # same reason


def test_dilation_in_power():
    # c · SC(r)^{⊞t}: m(λ) = m_t(λ/c)/c = Stieltjes of SC(c r √t)
    x = np.linspace(-3, 3, 101) + 0.0j
    m, *_ = run(OP_POWER, x, form(Semicircle(1.0)), form(Semicircle(1.0)), opts(t=2.0, c=0.5))
    assert np.max(np.abs(m - Semicircle(0.5 * np.sqrt(2.0)).stieltjes(x))) < 1e-10  # exact vs exact


def test_derivative_matches_finite_difference():
    par = np.array(MarchenkoPastur(0.3).kernel_args())
    for z in (0.5 + 0.3j, 2.0 + 1e-2j, -1.0 + 0.0j, 3.0 - 0.5j):
        m, dm = law_stieltjes_d(KIND_QUADRATIC, par, EMPTY, EMPTY, z)
        h = 1e-6
        mp, _ = law_stieltjes_d(KIND_QUADRATIC, par, EMPTY, EMPTY, z + h)
        mm, _ = law_stieltjes_d(KIND_QUADRATIC, par, EMPTY, EMPTY, z - h)
        # central difference: O(h²) truncation + O(eps/h) rounding ~ 1e-10
        assert abs(dm - (mp - mm) / (2 * h)) < 1e-7 * max(1.0, abs(dm))
    # the lower half-plane is the reflection
    m1, d1 = law_stieltjes_d(KIND_QUADRATIC, par, EMPTY, EMPTY, 1.0 + 0.2j)
    m2, d2 = law_stieltjes_d(KIND_QUADRATIC, par, EMPTY, EMPTY, 1.0 - 0.2j)
    assert m2 == m1.conjugate() and d2 == d1.conjugate()


def test_discrete_form_off_axis():
    # a quadrature discretisation of the inputs reproduces the exact result away from the axis
    a, b = Semicircle(1.0), Semicircle(2.0)
    xs, ws = a.continuous_rule(64, 16)
    xb, wb = b.continuous_rule(64, 16)
    lam = np.linspace(-4, 4, 41) + 0.5j
    m, w, conv, *_ = run(OP_ADD, lam, (KIND_DISCRETE, EMPTY, xs, ws), (KIND_DISCRETE, EMPTY, xb, wb), opts())
    assert conv.all()
    # 1024-node θ-rules at distance ≥ 0.5 from the support: geometric convergence, far below 1e-9
    assert np.max(np.abs(m - Semicircle(np.sqrt(5.0)).stieltjes(lam))) < 1e-9


def test_point_mass_inputs_are_exact():
    # δ_c as a one-node discrete law: SC ⊞ δ_c = SC shifted by c
    lam = np.concatenate([np.linspace(-2.05, 4.05, 61), [-1.0, 3.0]]) + 0.0j  # last two: the edges
    m, w, conv, *_ = run(OP_ADD, lam, form(Semicircle(2.0)), (KIND_DISCRETE, EMPTY, np.array([1.0]),
                                                             np.array([1.0])), opts(g=1.0))
    assert conv.all()
    err = np.abs(m - Semicircle(2.0, center=1.0).stieltjes(lam))
    assert np.max(err[:-2]) < 1e-12  # an exact shift, away from the edges
    # at a square-root edge f'(ω) = 0: the solution is determined only to √eps ≈ 1.5e-8
    assert np.max(err[-2:]) < 1e-7


def test_non_convergence_is_flagged():
    # with a budget of 2 iterations the continuation cannot reach the axis: every point must say so
    x = np.linspace(-2, 2, 11) + 0j
    m, w, conv, it, res = run(OP_ADD, x, form(Semicircle(1.0)), form(Semicircle(2.0)), opts(), maxiter=2)
    assert not conv.any()
    assert np.all(res > 0)


def test_warm_start_accepts_only_non_real_solutions():
    a, b = form(Semicircle(1.0)), form(Semicircle(2.0))
    x = np.array([0.5, 3.0]) + 0j  # inside, outside the support of SC(√5)
    m0, w0, conv0, it0, _ = run(OP_ADD, x, a, b, opts())
    kinds = np.ones(2, np.int8)
    ka, pa, xa, wa = a
    kb, pb, xb, wb = b
    m1, w1, conv1, it1, _ = solve_subordination(OP_ADD, x, w0, kinds, ka, pa, xa, wa, kb, pb, xb, wb, opts(), 200)
    assert conv1.all()
    assert np.allclose(m1, m0, rtol=1e-13, atol=1e-15)  # same solution either way
    assert it1[0] < it0[0]  # the non-real start was used (fewer iterations)
    assert it1[1] >= it0[1]  # the real start was rejected: the full continuation ran as well


def test_callable_from_user_njit_code():
    par = np.array(Semicircle(1.0).kernel_args())

    @njit
    def user(lam):
        o = np.zeros(OPT_SIZE)
        o[0], o[1], o[3], o[4], o[5] = 1.0, 1.0, 1.0, 1e-10, 1e-13
        n = lam.shape[0]
        m, w, conv, it, res = solve_subordination(OP_ADD, lam, np.zeros(n, np.complex128), np.zeros(n, np.int8),
                                                  KIND_QUADRATIC, par, np.zeros(0), np.zeros(0),
                                                  KIND_QUADRATIC, par, np.zeros(0), np.zeros(0), o, 200)
        return m

    lam = np.array([0.1 + 0j, 1.0 + 0.5j])
    assert np.allclose(user(lam), Semicircle(np.sqrt(2.0)).stieltjes(lam), rtol=1e-12)  # exact vs exact


def test_converged_points_have_small_residuals_with_atomic_input():
    # An atomic law (300 atoms, as fc.Empirical gives) first in ⊠: its h_a is real on the real axis, with many real
    # roots of the fixed-point equation there. Newton steps that point below the axis get projected back onto it,
    # so the *projected* step is tiny while the iterate is stalled far from any root; such a point must not be
    # reported as converged (it was, with |f| ≈ 0.02, and gave a spurious support gap and mass 0.967).
    rng = np.random.default_rng(0)
    x = np.sort(rng.standard_normal(300) ** 2 + 0.5)
    atomic = (KIND_DISCRETE, EMPTY, x, np.full(300, 1 / 300))
    mp = form(MarchenkoPastur(0.3))
    lam = np.concatenate([np.linspace(0.2, 2.0, 181) + 0.006j, np.linspace(0.2, 2.0, 181) + 0j])
    m, w, conv, it, res = run(OP_MUL, lam, atomic, mp, opts(g=1.0, eta0=6.05))
    assert conv.all()
    # a genuine root leaves a rounding-level residual (≤ 16 eps (1 + |ω|) or a 1e-12 Newton step times |f'|)
    assert np.all(res <= 1e-9 * (1 + np.abs(w)))
    # Im λ > 0 ⇒ ω_a in the open upper half-plane
    assert np.all(w[:181].imag > 0)
    # the other order solves for the other subordination function but gives the same m (to solver accuracy)
    m2, _, conv2, _, _ = run(OP_MUL, lam, mp, atomic, opts(g=float(x.mean()), eta0=6.05))
    assert conv2.all()
    np.testing.assert_allclose(m, m2, rtol=1e-9, atol=1e-12)
