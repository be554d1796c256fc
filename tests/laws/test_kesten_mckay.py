"""Kesten–McKay law: conformance (d = 2 exactly, d near 2, large d), closed forms, the table, matrix model."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.laws.base import Law
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples
from freecalc.testing.strategies import invalid_values, valid_params

D = sp.Symbol("d", positive=True)


@pytest.mark.parametrize("d", [2.0, 2.0001, 2.001, 3.0, 7.5, 40.0])
def test_conformance(d):
    law = fc.KestenMcKay(d)
    check_law(law).require_complete()
    assert law.atoms == ()
    R = 2 * math.sqrt(d - 1)
    assert law.support == ((-R, R),)


def test_arcsine_at_d2():
    law = fc.KestenMcKay(2)
    x = np.linspace(-1.99, 1.99, 101)
    # d = 2 is the arcsine law 1/(π√(4 − x²)); both are one closed form in double precision
    assert np.allclose(law.pdf(x), 1 / (np.pi * np.sqrt(4 - x * x)), rtol=1e-13)
    assert np.allclose(law.cdf(x), 0.5 + np.arcsin(x / 2) / np.pi, rtol=0, atol=1e-15)


@pytest.mark.parametrize("d", [2.0, 2.001, 3.0, 12.0])
def test_closed_form_cdf_matches_quadrature(d):
    law = fc.KestenMcKay(d)
    R = 2 * math.sqrt(d - 1)
    x = np.linspace(-1.1 * R, 1.1 * R, 1001)
    # generic graded Gauss-Legendre cdf: ~1e-12 here; 1e-10 leaves room for the near-pole at d = 2.001
    assert np.max(np.abs(law.cdf(x) - Law._cdf(law, x))) < 1e-10


def test_table_entries_and_free_cumulants():
    law = fc.KestenMcKay(D)
    assert sp.simplify(law.sym.P() - (2 - D) * T.z / (D - 1)) == 0
    assert sp.simplify(law.sym.Q() - (D ** 2 - T.z ** 2) / (D - 1)) == 0
    R_table = (-D + D * sp.sqrt(1 + 4 * T.w ** 2)) / (2 * T.w)
    assert sp.simplify(law.sym.r_transform() - R_table) == 0
    # d-th free power of the symmetric Bernoulli law: κ_2 = d, κ_4 = −d, κ_6 = 2d, odd cumulants 0
    assert [sp.simplify(k) for k in law.sym.free_cumulants(6)] == [0, D, 0, -D, 0, 2 * D]
    # moments from the quadratic recursion agree with moments from the R-transform (independent routes)
    moms_r = T.moments_from_free_cumulants(T.cumulants_from_r(R_table, 6))
    assert all(sp.simplify(a - b) == 0 for a, b in zip(moms_r, law.sym.moments(6)))
    assert sp.expand(law.sym.moment(4)) == sp.expand(2 * D ** 2 - D)  # closed walks of length 4 on the tree


def test_symbolic_equation_density_cdf():
    law = fc.KestenMcKay(D)
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    x = sp.Rational(1, 3)
    dens = law.sym.density(T.x).subs(T.x, x).subs(D, 3)
    assert sp.simplify(dens - 3 * sp.sqrt(8 - x ** 2) / (2 * sp.pi * (9 - x ** 2))) == 0
    F = sp.lambdify(T.x, law.sym.cdf(T.x).subs(D, 5))
    xs = np.linspace(-3.9, 3.9, 7)
    assert np.allclose([F(v) for v in xs], fc.KestenMcKay(5).cdf(xs), atol=1e-14)  # same formula, rounding


def test_no_s_transform():
    with pytest.raises(ValueError, match="mean"):
        fc.KestenMcKay(3).s_transform(0.1)
    with pytest.raises(ValueError, match="mean"):
        fc.KestenMcKay(D).sym.s_transform()


def test_symbolic_parameter():
    law = fc.KestenMcKay(D)
    assert law.sym.edges() == (-2 * sp.sqrt(D - 1), 2 * sp.sqrt(D - 1))
    assert law.sym.atoms == ()
    with pytest.raises(fc.SymbolicParameterError):
        law.pdf(0.0)
    with pytest.raises(fc.SymbolicParameterError):
        law.moment(2)


@pytest.mark.parametrize("d, exc", [(1.999, ValueError), (0, ValueError), (float("nan"), ValueError),
                                    (float("inf"), ValueError), ("3", TypeError), (None, TypeError),
                                    (3 + 1j, TypeError)])
def test_bad_parameter(d, exc):
    with pytest.raises(exc, match="'d'"):
        fc.KestenMcKay(d)


@settings(max_examples=40, deadline=None)
@given(valid_params(fc.KestenMcKay, span=1e4))
def test_property_valid_domain(kw):
    law = fc.KestenMcKay(**kw)
    xs, ws = law.continuous_rule()
    # graded composite Gauss-Legendre: ~1e-13 for smooth θ-integrands; the poles ±d approach the edges as
    # d → 2, where round-off in x − edge limits the grading: 1e-9 bounds what we measured (≤ 1e-11)
    assert abs(ws.sum() - 1) < 1e-9
    R = 2 * math.sqrt(law.d - 1)
    rho = law.pdf(np.linspace(-1.5 * R, 1.5 * R, 801))
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)
    assert abs(law.moment(2) - law.d) < 1e-9 * law.d  # κ₂ = d: exact recursion, relative rounding


@settings(max_examples=30, deadline=None)
@given(st.floats(max_value=2.0, exclude_max=True) | st.just(float("nan")))
def test_property_invalid(d):
    with pytest.raises(ValueError, match="'d'"):
        fc.KestenMcKay(d)


@pytest.mark.slow
@pytest.mark.parametrize("d", [2.0, 3.5])
def test_matrix_model(d):
    out = check_samples(fc.KestenMcKay(d), 2000, rng=11)
    assert set(out) == {"rvs", "matrix"}


def test_matrix_model_small():
    # n = 300: the compression model d(2M − I) is symmetric with spectrum inside the support up to finite-n
    # fluctuations (edge fluctuations ~ n^{-2/3} ≈ 0.02 relative; 5 % slack)
    M = fc.KestenMcKay(4.0).matrix(300, rng=2)
    assert np.allclose(M, M.T)
    eig = np.linalg.eigvalsh(M)
    R = 2 * math.sqrt(3)
    assert eig.min() > -1.05 * R and eig.max() < 1.05 * R
    assert abs(np.mean(eig ** 2) - 4.0) < 0.2  # second moment d, sampling error ~ 1/n scale


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_property_invalid_values_and_types(data):
    # every declared parameter: out-of-domain / NaN values → ValueError, wrong types → TypeError, both naming it
    valid = {"d": 3.0}
    p = data.draw(st.sampled_from(fc.KestenMcKay.parameters))
    bad = data.draw(invalid_values(p))
    with pytest.raises(ValueError, match=repr(p.name)):
        fc.KestenMcKay(**{**valid, p.name: bad})
    wrong = data.draw(st.text(max_size=3) | st.none() | st.lists(st.floats(), max_size=2) | st.booleans()
                      | st.complex_numbers(allow_nan=False).filter(lambda v: v.imag != 0))
    with pytest.raises(TypeError, match=repr(p.name)):
        fc.KestenMcKay(**{**valid, p.name: wrong})
