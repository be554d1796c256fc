"""Marchenko–Pastur law: conformance (c = 1, c > 1, tiny c), the table, symbolic face, matrix model."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples
from freecalc.testing.strategies import valid_params

C, S2 = sp.symbols("c sigma2", positive=True)


@pytest.mark.parametrize("c, s2, atom", [
    (1.0, 1.0, None),          # hard edge at 0 (density ~ x^{-1/2}), no atom
    (0.5, 2.0, None),
    (3.0, 1.0, 2 / 3),         # c > 1: atom 1 − 1/c at 0
    (1e-3, 1.0, None),         # tiny c: narrow support around σ²
    (1.0 + 1e-6, 1.0, 1e-6 / (1 + 1e-6)),   # just above 1: tiny atom next to a hard-ish edge
])
def test_conformance(c, s2, atom):
    law = fc.MarchenkoPastur(c, s2)
    check_law(law).require_complete()
    lo, hi = law.support[0]
    assert abs(lo - s2 * (1 - c ** 0.5) ** 2) < 1e-15 * s2 and abs(hi - s2 * (1 + c ** 0.5) ** 2) < 1e-14 * s2
    if atom is None:
        assert law.atoms == ()
    else:
        (loc, mass), = law.atoms
        assert loc == 0 and abs(mass - atom) < 1e-12  # residue in floating point


def test_table_entries_and_cumulants():
    law = fc.MarchenkoPastur(C)
    assert sp.expand(law.sym.P() - (1 - C - T.z)) == 0 and sp.expand(law.sym.Q() - C * T.z) == 0
    assert sp.simplify(law.sym.r_transform() - 1 / (1 - C * T.w)) == 0
    assert [sp.expand(k) for k in fc.MarchenkoPastur(C, S2).sym.free_cumulants(4)] == \
        [S2, C * S2 ** 2, C ** 2 * S2 ** 3, C ** 3 * S2 ** 4]
    # moments: Narayana polynomials (m_3 = 1 + 3c + c²)
    assert sp.expand(law.sym.moment(3)) == sp.expand(1 + 3 * C + C ** 2)


def test_symbolic_equation_s_transform_atoms():
    law = fc.MarchenkoPastur(C, S2)
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    S, R = law.sym.s_transform(), law.sym.r_transform()
    assert sp.simplify(S * R.subs(T.w, T.w * S) - 1) == 0
    (loc, mass), = law.sym.atoms
    assert loc == 0 and mass.subs(C, 4) == sp.Rational(3, 4) and mass.subs(C, sp.Rational(1, 2)) == 0
    with pytest.raises(fc.SymbolicParameterError):
        law.cdf(1.0)
    num = fc.MarchenkoPastur(0.5, 2.0)
    w = np.array([0.1, -0.3])
    assert np.allclose(num.s_transform(w), 1 / (2.0 * (1 + 0.5 * w)), rtol=1e-9)  # Newton tolerance


@pytest.mark.parametrize("kw, exc, name", [({"c": 0}, ValueError, "'c'"), ({"c": -1}, ValueError, "'c'"),
                                           ({"c": float("nan")}, ValueError, "'c'"),
                                           ({"c": 1, "sigma2": 0}, ValueError, "'sigma2'"),
                                           ({"c": "1"}, TypeError, "'c'"), ({"c": None}, TypeError, "'c'")])
def test_bad_parameters(kw, exc, name):
    with pytest.raises(exc, match=name):
        fc.MarchenkoPastur(**kw)


@settings(max_examples=40, deadline=None)
@given(valid_params(fc.MarchenkoPastur, span=1e3, gap=1e-4))
def test_property_valid_domain(kw):
    law = fc.MarchenkoPastur(**kw)
    xs, ws = law.continuous_rule()
    total = ws.sum() + sum(m for _, m in law.atoms)
    assert abs(total - 1) < 1e-9  # graded Gauss-Legendre; the pole at 0 approaches the edge as c → 1
    lo, hi = law.support[0]
    rho = law.pdf(np.linspace(lo - 1, hi + 1, 401))
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)


@settings(max_examples=30, deadline=None)
@given(st.floats(max_value=0.0) | st.just(float("nan")))
def test_property_invalid(c):
    with pytest.raises(ValueError, match="'c'"):
        fc.MarchenkoPastur(c)


@pytest.mark.slow
@pytest.mark.parametrize("c", [0.5, 3.0])
def test_matrix_model(c):
    out = check_samples(fc.MarchenkoPastur(c), 2000, rng=4)
    assert set(out) == {"rvs", "matrix"}
