"""The vectorised secant solver of the numpy route (freecalc/operations/subordination_solver.py)."""
import numpy as np

from freecalc.operations.subordination_solver import project_upper, solve_vectorised


def _m_sc2(w):
    # semicircle of radius 2, principal branch
    return (-w + np.sqrt(w - 2 + 0j) * np.sqrt(w + 2 + 0j)) / 2


def _residual(lam, w):
    # SC(2) ⊞ SC(2): by symmetry ω_a = ω_b = ω with 2ω = z + 1/G_a(ω), G = −m
    m = _m_sc2(w)
    return w - 0.5 * (lam - 1.0 / m), m


def test_solves_semicircle_sum_against_closed_form():
    lam = np.linspace(-3.5, 3.5, 57) + 0.3j
    sol = solve_vectorised(_residual, lambda L: L.imag, lambda L: L, lam, eta0=2.0, etamin=1e-3, tol=1e-13,
                           maxiter=200)
    exact = (-lam + np.sqrt(lam - np.sqrt(8) + 0j) * np.sqrt(lam + np.sqrt(8) + 0j)) / 4  # SC(2√2)
    assert sol.converged.all()
    # 1e-10: the secant iteration stops at a step of tol·(1 + |ω|); the map is a contraction here
    assert np.max(np.abs(sol.m - exact)) < 1e-10


def test_project_upper_keeps_the_floor():
    w = np.array([1 - 1e-17j, 2 + 3j])
    out = project_upper(w, np.array([0.0, 1.0]))
    assert out[0].imag == 0.0 and out[1] == 2 + 3j
