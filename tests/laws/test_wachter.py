"""Wachter law (free Jacobi / MANOVA): conformance, atoms, the talk's table, symbolic face, matrix model."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.laws.base import Law
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples
from freecalc.testing.strategies import invalid_values, valid_params

A, B = sp.symbols("a b", positive=True)


@pytest.mark.parametrize("a, b, atoms", [
    (2.0, 3.0, ()),                              # no atoms
    (0.5, 3.0, ((0.0, 0.5),)),                   # atom at 0 only (continuous mass 1/2)
    (3.0, 0.6, ((1.0, 0.4),)),                   # atom at 1 only
    (0.7, 0.8, ((0.0, 0.3), (1.0, 0.2))),        # atoms at both ends, continuous mass a + b − 1 = 1/2
    (1.0, 2.0, ()),                              # hard edge at 0 (density ~ x^{-1/2}), no atom
    (2.0, 1.0, ()),                              # hard edge at 1
    (0.55, 0.5, ((0.0, 0.45), (1.0, 0.5))),      # a + b close to 1: continuous mass 0.05 on a narrow support
])
def test_conformance_and_atoms(a, b, atoms):
    law = fc.Wachter(a, b)
    check_law(law).require_complete()
    # exact atoms (1 − a)+ at 0 and (1 − b)+ at 1; 1e-15 is double rounding of 1 − a
    assert len(law.atoms) == len(atoms)
    for (loc, mass), (loc0, mass0) in zip(law.atoms, atoms):
        assert loc == loc0 and abs(mass - mass0) < 1e-15
    assert abs(law.continuous_mass - min(1.0, a, b, a + b - 1)) < 1e-15


def test_edges_closed_form():
    lo, hi = fc.Wachter(2, 3).support[0]
    # the talk's λ± = ((√b ± √(a(a+b−1)))/(a+b))²; ours writes λ₋ without cancellation; 1e-15: rounding
    assert abs(lo - ((math.sqrt(3) - math.sqrt(8)) / 5) ** 2) < 1e-15
    assert abs(hi - ((math.sqrt(3) + math.sqrt(8)) / 5) ** 2) < 1e-15
    lo_s, hi_s = fc.Wachter(A, B).sym.edges()
    assert sp.simplify(lo_s - ((sp.sqrt(B) - sp.sqrt(A * (A + B - 1))) / (A + B)) ** 2) == 0
    assert sp.simplify(hi_s - ((sp.sqrt(B) + sp.sqrt(A * (A + B - 1))) / (A + B)) ** 2) == 0


def test_closed_form_cdf_matches_quadrature():
    for a, b in [(2, 3), (0.5, 3), (3, 0.6), (0.7, 0.8), (1, 2), (2, 1)]:
        law = fc.Wachter(a, b)
        x = np.linspace(-0.1, 1.1, 1201)
        # the generic composite Gauss-Legendre cdf is accurate to ~1e-13; 1e-11 leaves room at hard edges
        assert np.max(np.abs(law.cdf(x) - Law._cdf(law, x))) < 1e-11


def test_table_P_Q_and_R_entries():
    law = fc.Wachter(A, B)
    P_table = (A - 1 - (A + B - 2) * T.z) / (A + B - 1)
    Q_table = T.z * (1 - T.z) / (A + B - 1)
    assert sp.simplify(law.sym.P() - P_table) == 0 and sp.simplify(law.sym.Q() - Q_table) == 0
    R_table = (-(A + B) + T.w + sp.sqrt((A + B) ** 2 + 2 * (A - B) * T.w + T.w ** 2)) / (2 * T.w)
    assert sp.simplify(law.sym.r_transform() - R_table) == 0
    # the table's R against the quadratic's moment recursion (two independent routes), exactly in a and b
    moms = T.moments_from_free_cumulants(T.cumulants_from_r(R_table, 4))
    assert all(sp.cancel(m1 - m2) == 0 for m1, m2 in zip(moms, law.sym.moments(4)))
    assert sp.cancel(law.sym.moment(1) - A / (A + B)) == 0


def test_symbolic_equation_vanishes_on_stieltjes():
    # exactly, for exact parameters (symbolic z)
    for a, b in [(sp.Rational(1, 2), 3), (sp.Rational(7, 10), sp.Rational(4, 5))]:
        law = fc.Wachter(a, b)
        assert sp.simplify(sp.expand(law.sym.equation(law.sym.stieltjes(), T.z))) == 0
    # symbolic a: the expanded identity is large, so evaluate it at 50 digits (a residual < 1e-40 is an identity
    # up to the working precision, far below any branch error, which is O(1))
    law = fc.Wachter(A, 3)
    eq = law.sym.equation(law.sym.stieltjes(), T.z)
    for av, zv in [(sp.Rational(1, 2), sp.Rational(3, 10) + sp.I / 5), (2, -1 + sp.I), (sp.Rational(7, 3), 2)]:
        assert abs(sp.N(eq.subs({A: av, T.z: zv}), 50)) < 1e-40


def test_s_transform():
    law = fc.Wachter(A, B)
    S = law.sym.s_transform()
    assert sp.simplify(S - (A + B + T.w) / (A + T.w)) == 0
    # S(w) R(w S(w)) = 1 (the defining relation), exactly as a power series in w (sympy cannot pick the branch of
    # the square root of the perfect square that appears, the series can)
    R = law.sym.r_transform()
    ser = sp.series(S * R.subs(T.w, T.w * S) - 1, T.w, 0, 6).removeO()
    assert sp.simplify(ser) == 0
    num = fc.Wachter(0.5, 3)
    ws = np.array([0.1, -0.2, 0.05 + 0.1j])
    # numeric fixed point vs the closed form: both double precision, 1e-9 is the Newton stopping tolerance
    assert np.allclose(num.s_transform(ws), (3.5 + ws) / (0.5 + ws), rtol=1e-9)


def test_symbolic_atoms_piecewise():
    atoms = fc.Wachter(A, B).sym.atoms
    assert [loc for loc, _ in atoms] == [0, 1]
    m0 = atoms[0][1]
    assert isinstance(m0, sp.Piecewise)
    assert m0.subs(A, sp.Rational(1, 2)) == sp.Rational(1, 2) and m0.subs(A, 2) == 0
    assert fc.Wachter(0.5, 3).sym.atoms == ((0, sp.Rational(1, 2)),)
    assert fc.Wachter(2, 3).sym.atoms == ()


def test_symbolic_parameters():
    law = fc.Wachter(sp.Symbol("a", positive=True), 3)
    m = law.sym.stieltjes()
    assert m.free_symbols == {sp.Symbol("a", positive=True), T.z}
    num = sp.lambdify(T.z, m.subs(sp.Symbol("a", positive=True), 2))(0.3 + 0.2j)
    assert abs(num - fc.Wachter(2, 3).stieltjes(0.3 + 0.2j)) < 1e-13  # same closed form, double rounding
    with pytest.raises(fc.SymbolicParameterError):
        law.pdf(0.5)
    with pytest.raises(fc.SymbolicParameterError):
        law.stieltjes(1j)
    with pytest.raises(ValueError, match="a \\+ b > 1"):
        fc.Wachter(sp.Rational(1, 4), sp.Rational(1, 2))


@pytest.mark.parametrize("kw, exc, name", [
    ({"a": -1, "b": 2}, ValueError, "'a'"),
    ({"a": 1, "b": 0}, ValueError, "'b'"),
    ({"a": float("nan"), "b": 2}, ValueError, "'a'"),
    ({"a": 0.3, "b": 0.5}, ValueError, "a \\+ b > 1"),
    ({"a": 0.5, "b": 0.5}, ValueError, "a \\+ b > 1"),   # a + b = 1: the Bernoulli limit, excluded
    ({"a": "1", "b": 2}, TypeError, "'a'"),
    ({"a": 1, "b": 2j}, TypeError, "'b'"),
])
def test_bad_parameters(kw, exc, name):
    with pytest.raises(exc, match=name):
        fc.Wachter(**kw)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(valid_params(fc.Wachter, span=200.0))
def test_property_valid_domain(kw):
    assume(kw["a"] + kw["b"] > 1 + 1e-6)
    law = fc.Wachter(**kw)
    xs, ws = law.continuous_rule()
    total = ws.sum() + sum(m for _, m in law.atoms)
    # graded composite Gauss-Legendre: ~1e-13 on smooth θ-integrands; 1e-9 covers supports of width ~1e-6.
    # 3e-9: when an edge lies within ~1e-13 of the pole at 0 or 1 (e.g. a = 170, b = 0.99999), the edge's own
    # rounding (1e-16 absolute) shifts the pole distance by ~1e-3 relative, which moves ~1e-9 of mass (measured
    # 1.08e-9 there, with the quadrature converged to 1e-12)
    assert abs(total - 1) < 3e-9
    grid = np.linspace(-0.5, 1.5, 801)
    rho = law.pdf(grid)
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)


@settings(max_examples=30, deadline=None)
@given(st.floats(max_value=0.0) | st.just(float("nan")), st.floats(1.5, 10))
def test_property_invalid_a(a, b):
    with pytest.raises(ValueError, match="'a'"):
        fc.Wachter(a, b)


@pytest.mark.slow
@pytest.mark.parametrize("a, b", [(0.5, 3.0), (0.7, 0.8)])
def test_matrix_model(a, b):
    law = fc.Wachter(a, b)
    out = check_samples(law, 2000, rng=7)
    assert set(out) == {"rvs", "matrix"}


def test_matrix_model_atoms_small():
    # exact ranks: n − d1 eigenvalues at 0 and n − d2 at 1 (round-off 1e-10 for a well-conditioned pencil)
    n = 200
    eig = np.linalg.eigvalsh(fc.Wachter(0.7, 0.8).matrix(n, rng=3))
    assert np.sum(np.abs(eig) < 1e-10) == n - 140 and np.sum(np.abs(eig - 1) < 1e-10) == n - 160
    M = fc.Wachter(2.0, 3.0).matrix(n, rng=3)
    assert np.allclose(M, M.T) and np.all(np.linalg.eigvalsh(M) > 0)


def test_talk_normalisation_differs():
    # the talk's S_i = X_i X_i^T / d_i gives μ = bλ/(a + (b−a)λ), not λ: its KS distance to Wachter is large,
    # and mapping back with λ = aμ/(b − (b−a)μ) recovers the law (n = 400: KS noise ~0.03, so 0.08 vs 0.2)
    import scipy.linalg as sl
    from freecalc.testing.conformance import ks_distance, snap_to_atoms
    rng = np.random.default_rng(0)
    n, a, b = 400, 0.5, 3.0
    X1, X2 = rng.standard_normal((n, 200)), rng.standard_normal((n, 1200))
    S1, S2 = X1 @ X1.T / 200, X2 @ X2.T / 1200
    mu = sl.eigh(S1, S1 + S2, eigvals_only=True)
    law = fc.Wachter(a, b)
    assert ks_distance(snap_to_atoms(mu, law), law) > 0.2
    lam = a * mu / (b - (b - a) * mu)
    assert ks_distance(snap_to_atoms(lam, law), law) < 0.08


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_property_invalid_values_and_types(data):
    # every declared parameter: out-of-domain / NaN values → ValueError, wrong types → TypeError, both naming it
    valid = {"a": 2.0, "b": 3.0}
    p = data.draw(st.sampled_from(fc.Wachter.parameters))
    bad = data.draw(invalid_values(p))
    with pytest.raises(ValueError, match=repr(p.name)):
        fc.Wachter(**{**valid, p.name: bad})
    wrong = data.draw(st.text(max_size=3) | st.none() | st.lists(st.floats(), max_size=2) | st.booleans()
                      | st.complex_numbers(allow_nan=False).filter(lambda v: v.imag != 0))
    with pytest.raises(TypeError, match=repr(p.name)):
        fc.Wachter(**{**valid, p.name: wrong})
