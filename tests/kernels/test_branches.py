"""Stieltjes-branch continuation kernel: status codes and the wrapper's failure policy."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.kernels.branches import BRANCH_NOT_CONVERGED, BRANCH_OK, stieltjes_branch, stieltjes_branch_status
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.operations import exact_decompression as X


def _numeric(law):
    return law._numeric


def test_status_ok_on_a_regular_curve_and_values_match_the_closed_form():
    alg = fc.to_algebraic(fc.MarchenkoPastur(0.5))
    n = _numeric(alg)
    x = np.linspace(-1.0, 4.0, 51)
    out = np.empty(x.size, complex)
    status = np.full(x.size, -1, np.int64)
    stieltjes_branch_status(n.C, x, np.zeros(x.size), float(n.Y), n.mom, out, status)
    assert np.all(status == BRANCH_OK)
    # independent route: the closed-form Stieltjes transform of MP (square roots of the quadratic)
    assert np.max(np.abs(out - fc.MarchenkoPastur(0.5).stieltjes(x + 0j))) < 1e-10
    plain = np.empty(x.size, complex)
    stieltjes_branch(n.C, x, np.zeros(x.size), float(n.Y), n.mom, plain)
    assert np.array_equal(plain, out)


@pytest.mark.slow
def test_failed_points_are_flagged_and_reported():
    # the candidate decompression of KM(3) ⊞ SC(1/2) by 3.5 is no measure (valid up to 3): sheets of its curve
    # collide at 0, where the continuation cannot land
    nu = fc.free_add(KestenMcKay(3.0), fc.Semicircle(0.5))
    cand = X._algebraic_candidate(nu, 3.5, None)
    n = _numeric(cand)
    x = np.array([0.0, 5.0])
    out = np.empty(2, complex)
    status = np.empty(2, np.int64)
    stieltjes_branch_status(n.C, x, np.zeros(2), float(n.Y), n.mom, out, status)
    assert status[0] == BRANCH_NOT_CONVERGED and status[1] == BRANCH_OK
    # the message names the law when the Stieltjes transform is evaluated through it
    with pytest.warns(fc.ConvergenceWarning, match=r"Stieltjes branch continuation( of .*)?: 1 of 2 points"):
        cand.stieltjes(x + 0j)


def test_points_next_to_an_atom_at_an_edge_are_resolved_on_the_deflated_curve():
    # Wachter(0.6, 4) ⊠ Wachter(0.6, 0.6): an atom of mass 0.4 at 0, which is also the lower edge of the density
    # (ρ ~ c/√x). Within ~1e-8 of 0 the sheets of P share the pole and the plain continuation cannot land (status
    # NOT_CONVERGED); the law evaluates those points on the curve of m − 0.4/(0 − z) instead.
    law = fc.free_mul(fc.Wachter(0.6, 4.0), fc.Wachter(0.6, 0.6))
    assert law.atoms == ((0.0, 0.4),)
    n = _numeric(law)
    x = np.array([1e-12, 1e-10, 1e-8, 1e-6])
    out = np.empty(4, complex)
    status = np.empty(4, np.int64)
    stieltjes_branch_status(n.C, x, np.zeros(4), float(n.Y), n.mom, out, status)
    assert status[0] == BRANCH_NOT_CONVERGED and status[-1] == BRANCH_OK
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        rho = law.pdf(x)
    # independent check of the edge law ρ ~ c/√x: c from the point the plain continuation resolves (1e-6); the
    # O(√x) correction moves c by < 1e-5 relative over these points
    c = rho[-1] * np.sqrt(x[-1])
    assert np.allclose(rho * np.sqrt(x), c, rtol=1e-5)
    # and the mass: continuous part + atom = 1 to the quadrature's accuracy (θ-substitution Gauss rule, ~1e-9)
    xs, ws = law.continuous_rule()
    assert float(np.sum(ws)) + 0.4 == pytest.approx(1.0, abs=1e-8)


def test_a_value_reported_as_converged_is_a_root_of_the_curve():
    # FreeBessel(6, 30) next to its x^(-5/6) edge at 0: the continuation returned m(-0.001 + 0.001i) = 109.6 + 103.3i
    # as converged, 24 away from every root of P(., z) (relative residual 0.43; found by the thorough property run).
    # Every value flagged as converged must now be a root; the others are reported (ConvergenceWarning upstream).
    import sympy as sp

    from freecalc.laws.algebraic_numeric import branch_status
    from freecalc.symbolic import transforms as T

    law = fc.FreeBessel(6, 30)
    z = np.concatenate([[-0.001 + 0.001j], 1e-3 * np.exp(1j * np.linspace(0.1, 3.0, 12)), [0.5 + 0.3j, 100 + 5j]])
    values, ok = branch_status(law._numeric, z.real.copy(), z.imag.copy())
    assert not ok[0] and ok[-2:].all()
    coefficients = [sp.lambdify(T.z, c) for c in sp.Poly(law.equation, T.m).all_coeffs()]
    for zi, mi in zip(z[ok], values[ok]):
        roots = np.roots([complex(c(zi)) for c in coefficients])
        assert np.min(np.abs(roots - mi)) <= 1e-8 * abs(mi)  # a root to rounding (np.roots of a degree-7 curve)
