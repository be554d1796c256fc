"""Wigner semicircle law: conformance, closed forms, the talk's table, symbolic face, matrix model."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.laws.base import Law
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples
from freecalc.testing.strategies import valid_params

R, A = sp.Symbol("r", positive=True), sp.Symbol("a", real=True)


@pytest.mark.parametrize("r, center", [(2.0, 0.0), (0.3, 1.0), (5.0, -2.5), (1e-3, 0.0)])
def test_conformance(r, center):
    law = fc.Semicircle(r, center)
    check_law(law).require_complete()
    assert law.support == ((center - r, center + r),) and law.atoms == ()


def test_closed_form_cdf_matches_quadrature():
    law = fc.Semicircle(1.5, 0.5)
    x = np.linspace(-1.5, 2.5, 801)
    assert np.max(np.abs(law.cdf(x) - Law._cdf(law, x))) < 1e-12  # Gauss-Legendre cdf: ~1e-14


def test_table_entries_and_cumulants():
    law = fc.Semicircle(R)
    assert sp.expand(law.sym.P() + T.z) == 0 and sp.expand(law.sym.Q() - R ** 2 / 4) == 0  # table: −z, r²/4
    assert sp.simplify(law.sym.r_transform() - R ** 2 * T.w / 4) == 0
    # even moments are Catalan numbers times (r/2)^{2k}: both routes (recursion, R) agree
    moms = law.sym.moments(6)
    assert [sp.simplify(m / (R / 2) ** k) if k % 2 == 0 else m for k, m in enumerate(moms, 1)] == [0, 1, 0, 2, 0, 5]
    assert law.sym.free_cumulants(4) == [0, R ** 2 / 4, 0, 0]


def test_symbolic_equation_and_parameters():
    law = fc.Semicircle(R, A)
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    ap = sp.Symbol("a", positive=True)  # a real symbol leaves the Piecewise for a = 0 (no S-transform there)
    assert sp.simplify(fc.Semicircle(R, ap).sym.s_transform().subs(T.w, 0) - 1 / ap) == 0  # S(0) = 1/mean
    with pytest.raises(fc.SymbolicParameterError):
        law.pdf(0.1)
    with pytest.raises(ValueError, match="mean 0"):
        fc.Semicircle(R).sym.s_transform()


@pytest.mark.parametrize("kw, exc, name", [({"r": 0}, ValueError, "'r'"), ({"r": -1}, ValueError, "'r'"),
                                           ({"r": float("nan")}, ValueError, "'r'"),
                                           ({"r": 1, "center": float("inf")}, ValueError, "'center'"),
                                           ({"r": "1"}, TypeError, "'r'"), ({"r": 1, "center": 1j}, TypeError,
                                                                           "'center'")])
def test_bad_parameters(kw, exc, name):
    with pytest.raises(exc, match=name):
        fc.Semicircle(**kw)


@settings(max_examples=40, deadline=None)
@given(valid_params(fc.Semicircle, span=1e3))
def test_property_valid_domain(kw):
    law = fc.Semicircle(**kw)
    xs, ws = law.continuous_rule()
    # smooth θ-integrand: Gauss-Legendre to rounding, plus the loss of x − edge to round-off when the support
    # is narrow compared with its location (relative error ~1e-16·|center|/r; measured 5e-11 at r = 1e-6, a = 1)
    assert abs(ws.sum() - 1) < 1e-12 + 1e-15 * abs(law.center) / law.r
    lo, hi = law.support[0]
    rho = law.pdf(np.linspace(lo - 1, hi + 1, 401))
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)


@settings(max_examples=30, deadline=None)
@given(st.floats(max_value=0.0) | st.just(float("nan")))
def test_property_invalid(r):
    with pytest.raises(ValueError, match="'r'"):
        fc.Semicircle(r)


@pytest.mark.slow
def test_matrix_model():
    out = check_samples(fc.Semicircle(2.0, 1.0), 2000, rng=3)
    assert set(out) == {"rvs", "matrix"}
