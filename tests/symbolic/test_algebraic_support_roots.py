"""The exact roots of algebraic_support are private CRootOf objects: a user's CRootOf of the same polynomial, made
before or after, neither replaces them nor is replaced by them in sympy's caches."""
import pickle

import numpy as np
import pytest
import sympy as sp
from sympy.core.cache import clear_cache

import freecalc as fc
from freecalc.symbolic import algebraic_support as S
from freecalc.symbolic.transforms import m, z

# the Stieltjes factor of SFM(-1, 1.5, 2, 3) ⊞ SFM(-1, -1.5, 0.3, 3): its leading coefficient in m is the quartic
# below, whose root 1 carries an atom of mass 0.28504883892148314 (found by subordination)
P = (400 * m ** 4 * z ** 4 + 3200 * m ** 4 * z ** 3 - 705 * m ** 4 * z ** 2 - 28420 * m ** 4 * z - 11411 * m ** 4
     - 800 * m ** 3 * z ** 3 - 4800 * m ** 3 * z ** 2 + 705 * m ** 3 * z + 34865 * m ** 3 - 300 * m ** 2 * z ** 2
     - 1200 * m ** 2 * z + 780 * m ** 2 + 700 * m * z + 1400 * m - 200)
USER_VARIABLES = [sp.Symbol("z"), sp.Symbol("z", real=True), sp.Dummy("z"), sp.Symbol("x"), sp.Symbol("m")]


def _quartic(v):
    return 400 * v ** 4 + 3200 * v ** 3 - 705 * v ** 2 - 28420 * v - 11411


def _law():
    return fc.free_add(fc.ShiftedFreeMeixner(-1, 1.5, 2, 3), fc.ShiftedFreeMeixner(-1, -1.5, 0.3, 3))


def _users_root_is_intact(r, v):
    assert r.poly.gen == v and r.expr == _quartic(v) and type(r) is sp.CRootOf
    assert float(r) == pytest.approx(-3.5867120055304875, abs=1e-15)


@pytest.mark.parametrize("v", USER_VARIABLES, ids=str)
def test_users_root_made_first(v):
    clear_cache()  # sympy's caches as in a fresh session: the user's root is the first of its polynomial
    mine = sp.CRootOf(_quartic(v), 1)
    poles = S.pole_candidates(P, m, z)
    assert len(poles) == 4 and all(isinstance(a, S.PrivateRootOf) for a in poles)
    assert not any(a.has(v) or a.has(z) or a.has(m) for a in poles)
    a = poles[1]
    assert a != mine and float(a) == float(mine)
    # the expansion that raised PolynomialError when our root came back written in the user's z
    assert sp.Poly(sp.expand(P.subs(z, z + a)), m, z).degree(z) == 4
    _users_root_is_intact(mine, v)


@pytest.mark.parametrize("v", USER_VARIABLES, ids=str)
def test_users_root_made_after(v):
    clear_cache()
    poles = S.pole_candidates(P, m, z)
    mine = sp.CRootOf(_quartic(v), 1)  # was handed our root, written in sympy's x
    _users_root_is_intact(mine, v)
    assert float(poles[1]) == float(mine)


@pytest.mark.parametrize("first", [True, False])
def test_law_with_a_quartic_atom_beside_a_users_root(first):
    clear_cache()
    v = sp.Symbol("z")
    mine = sp.CRootOf(_quartic(v), 1) if first else None
    law = _law()
    x = np.linspace(-8, 8, 100)
    d = law.pdf(x)
    assert np.all(np.isfinite(d)) and np.all(d >= 0)
    (loc, mass), = law.atoms
    # the atom found by subordination (free_add(..., method=NUMERIC)), to its rounding
    assert loc == pytest.approx(-3.5867120055304875, abs=1e-14) and mass == pytest.approx(0.28504883892148314,
                                                                                            abs=1e-14)
    if not first:
        mine = sp.CRootOf(_quartic(v), 1)
    _users_root_is_intact(mine, v)


def test_private_root_is_a_crootof():
    x = sp.Symbol("x")
    r = S.PrivateRootOf(x ** 3 - 3 * x - 1, 1)
    assert isinstance(r, sp.CRootOf) and r.is_real and r.poly.gen == S.ROOT_VARIABLE
    # 2 cos(5π/9), the middle root of x^3 - 3x - 1 (the triple-angle formula: roots 2 cos(π/9 + 2πk/3)), 30 digits
    assert abs(r.evalf(30) - 2 * sp.cos(5 * sp.pi / 9).evalf(30)) < sp.Float("1e-28")
    assert r != sp.CRootOf(x ** 3 - 3 * x - 1, 1)
    assert r.func(*r.args) == r and type(r.func(*r.args)) is S.PrivateRootOf
    assert pickle.loads(pickle.dumps(r)) == r
    assert sp.latex(r) == r"\operatorname{CRootOf} {\left(x^{3} - 3 x - 1, 1\right)}"
    # the mass candidates of an atom go through all_roots: also private when they are CRootOf
    w = sp.Symbol("w")
    assert all(type(c) is S.PrivateRootOf for c in S.PrivateRootOf.all_roots(sp.Poly(w ** 3 - 3 * w - 1, w)))
