"""Compound free Poisson laws: point-mass rule, exact curve vs numeric fixed point, matrix model, bad input."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.compound_free_poisson import (CompoundRoute, compound_free_poisson,
                                                 compound_free_poisson_equation, compound_free_poisson_matrix)
from freecalc.laws.distances import ks_distance
from freecalc.laws.numeric import NumericLaw
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law


def test_point_mass_is_free_poisson():
    fp = fc.FreePoisson(2.0, 1.5)
    assert compound_free_poisson(2.0, fc.PointMass(1.5)) == fp
    assert compound_free_poisson(2.0, 1.5) == fp  # a number is the jump size
    # the exact curve and the numeric fixed point, against the closed form: both 1e-10 (rounding ~1e-15 measured)
    x = np.linspace(0.3, 8.7, 57)
    z = x + 0.1j
    for route in (CompoundRoute.EXACT, CompoundRoute.NUMERIC):
        law = compound_free_poisson(2.0, fc.PointMass(1.5), method=route)
        assert not isinstance(law, fc.FreePoisson)
        assert np.max(np.abs(law.pdf(x) - fp.pdf(x))) < 1e-10
        assert np.max(np.abs(law.cdf(x) - fp.cdf(x))) < 1e-10
        assert np.max(np.abs(law.stieltjes(z) - fp.stieltjes(z))) < 1e-10
        assert law.support[0] == pytest.approx(fp.support[0], rel=1e-10)


def test_point_mass_equation_is_free_poisson_curve():
    lam, a = sp.Symbol("lam", positive=True), sp.Symbol("a", positive=True)
    P = compound_free_poisson_equation(lam, fc.PointMass(a).sym.equation())
    fp = a * T.z * T.m ** 2 + (a * (1 - lam) + T.z) * T.m + 1  # FreePoisson's curve (module docstring)
    assert sp.simplify(P / fp).is_constant() or sp.cancel(P / fp).free_symbols <= {lam, a}


@pytest.mark.parametrize("lam, jump", [
    (3.0, fc.Semicircle(2.0)),                          # signed jumps: no ⊠ route exists
    (0.5, fc.Atoms([-1.0, 2.0], [0.5, 0.5])),            # atom 1 − λ at 0, two bulks
    (0.7, fc.MarchenkoPastur(0.5, sigma2=1.0)),          # λ < 1 with a positive continuous jump law
])
def test_exact_and_numeric_routes_agree(lam, jump):
    exact = compound_free_poisson(lam, jump)
    num = compound_free_poisson(lam, jump, method="numeric")
    assert isinstance(exact, AlgebraicLaw) and isinstance(num, NumericLaw)
    lo, hi = exact.support[0][0], exact.support[-1][1]
    x = np.linspace(lo, hi, 43)[1:-1]
    # two independent evaluations of the same measure (branch continuation of the curve / Newton on the
    # fixed point): both are accurate to ~1e-13, measured 1e-16
    assert np.max(np.abs(exact.pdf(x) - num.pdf(x))) < 1e-9
    assert np.max(np.abs(exact.cdf(x) - num.cdf(x))) < 1e-9
    assert np.allclose(np.ravel(exact.support), np.ravel(num.support), rtol=1e-9, atol=1e-9)
    mass0 = max(0.0, 1 - lam)
    assert exact.atoms == (() if mass0 == 0 else ((0.0, pytest.approx(mass0, abs=1e-12)),))
    assert num.atoms == (() if mass0 == 0 else ((0.0, pytest.approx(mass0, abs=1e-14)),))
    # free cumulants κ_k = λ m_k(ν): moments from them vs quadrature of the curve's density
    kap = [lam * jump.moment(k) for k in (1, 2, 3)]
    expected = [float(v) for v in fc.symbolic.transforms.moments_from_free_cumulants(kap)]
    assert np.allclose(exact.moments(3), expected, rtol=1e-8, atol=1e-10)


def test_conformance_exact():
    check_law(compound_free_poisson(3.0, fc.Semicircle(2.0)))


def test_r_transform_numeric():
    law = compound_free_poisson(2.0, fc.Empirical([-1.0, 0.5, 2.0]))
    w = np.array([0.05, -0.1, 0.12])
    nodes = np.array([-1.0, 0.5, 2.0])
    direct = 2.0 * np.mean(nodes[None, :] / (1 - nodes[None, :] * w[:, None]), axis=1)
    # closed form of the evaluator vs the definition (rounding)
    assert np.allclose(law.evaluator.r_transform(w), direct, rtol=1e-12)
    assert np.allclose(law.r_transform(w), direct, rtol=1e-8)  # the law's Newton inversion of m


@pytest.mark.parametrize("lam, jump, seed", [
    (0.5, fc.Semicircle(1.0) + 1.5, 1),   # positive continuous jumps, atom 1/2 at 0
    (0.5, fc.Semicircle(2.0) + 1.5, 3),   # jumps of both signs, atom 1/2 at 0
    (2.0, fc.Atoms([-1.0, 2.0], [0.5, 0.5]), 2),   # signed atomic jumps
])
def test_matrix_model(lam, jump, seed):
    law = compound_free_poisson(lam, jump)
    n = 2000
    p = int(round(lam * n))
    X = np.random.default_rng(seed).standard_normal((p, n))
    d = np.asarray(jump.ppf((np.arange(p) + 0.5) / p), dtype=float)   # D with ν's exact proportions
    ev = np.linalg.eigvalsh((X.T * d) @ X / n)
    # n = 2000 (the bound 0.02): KS of a rigid ESD against its limit is a few 1/n; measured 0.0013–0.0021
    # over seeds 0..4 for each case
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02


def test_matrix_model_helper():
    law = compound_free_poisson(0.5, fc.Semicircle(1.0) + 1.5)
    ev = np.linalg.eigvalsh(compound_free_poisson_matrix(0.5, fc.Semicircle(1.0) + 1.5, 2000, rng=0))
    assert ev.shape == (2000,)
    # jumps drawn by rvs: KS measured 0.0022–0.0042 over seeds 0..4
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02
    assert np.count_nonzero(np.abs(ev) < 1e-8) == 1000   # rank λn: the atom 1 − λ at 0


def test_empirical_jumps_match_matrix_model():
    rng = np.random.default_rng(4)
    jumps = rng.exponential(size=300) - 0.3     # signed, not algebraic: the numeric route
    law = compound_free_poisson(1.5, jumps)
    assert isinstance(law, NumericLaw)
    n = 2000
    p = int(1.5 * n)
    X = rng.standard_normal((p, n))
    d = jumps[np.arange(p) % jumps.size]        # D with exactly the empirical proportions
    ev = np.linalg.eigvalsh((X.T * d) @ X / n)
    assert ks_distance(ev, law) < 0.02          # as above; measured 0.0015–0.0017 over three seeds
    assert abs(law.mean() - 1.5 * jumps.mean()) < 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="rate"):
        compound_free_poisson(-1.0, fc.Semicircle(1.0))
    with pytest.raises(ValueError, match="rate"):
        compound_free_poisson(float("inf"), fc.Semicircle(1.0))
    with pytest.raises(TypeError, match="rate"):
        compound_free_poisson("2", fc.Semicircle(1.0))
    with pytest.raises(TypeError, match="jump"):
        compound_free_poisson(1.0, {"a": 1})
    with pytest.raises(TypeError, match="algebraic"):
        compound_free_poisson(1.0, fc.Empirical([1.0, 2.0]), method=CompoundRoute.EXACT)
    with pytest.raises(ValueError, match="method"):
        compound_free_poisson(1.0, fc.Semicircle(1.0), method="fast")
