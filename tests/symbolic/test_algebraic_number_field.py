"""Mass candidates at an irrational pole by exact arithmetic in Q(a) (freecalc/symbolic/algebraic_number_field.py),
with FLINT and with sympy's polynomials (python-flint missing)."""
import sys

import pytest
import sympy as sp

import freecalc as fc
import freecalc.symbolic.algebraic_support as S
from freecalc.symbolic.algebraic_flint import integer_terms
from freecalc.symbolic.algebraic_number_field import field_mass_candidates, field_shift
from freecalc.symbolic.transforms import m, z

x = sp.Symbol("x")  # the variable of the CRootOf polynomials (not a generator of the curves)

# the Stieltjes factor of SFM(-1, 1.5, 2, 3) ⊞ SFM(-1, -1.5, 0.3, 3): poles at the four real roots of an irreducible
# quartic, one of them an atom of mass 0.285...
SLOW_PAIR = (400 * m ** 4 * z ** 4 + 3200 * m ** 4 * z ** 3 - 705 * m ** 4 * z ** 2 - 28420 * m ** 4 * z
             - 11411 * m ** 4 - 800 * m ** 3 * z ** 3 - 4800 * m ** 3 * z ** 2 + 705 * m ** 3 * z + 34865 * m ** 3
             - 300 * m ** 2 * z ** 2 - 1200 * m ** 2 * z + 780 * m ** 2 + 700 * m * z + 1400 * m - 200)


@pytest.fixture(params=["flint", "no flint"])
def backend(request, monkeypatch):
    # python-flint is an optional extra: without it Q(a) is sympy's polynomial arithmetic over QQ (same results)
    if request.param == "no flint":
        monkeypatch.setitem(sys.modules, "flint", None)
    return request.param


def _sympy_route(P, a, monkeypatch):
    # the general route over sympy's expression domain: an independent computation of the same candidates. Its zero
    # tests are minimal polynomials, which sympy computes for its own CRootOf only: a PrivateRootOf is rebuilt as one
    roots = {r: sp.CRootOf(r.expr, r.index) for r in sp.sympify(a).atoms(S.PrivateRootOf)}
    with monkeypatch.context() as mp:
        mp.setattr(S, "field_newton_points", lambda terms, a: None)
        found = S.mass_candidates(P, sp.sympify(a).xreplace(roots), m, z)
    return [w.xreplace({v: k for k, v in roots.items()}) for w in found]


@pytest.mark.parametrize("P, lead", [
    (SLOW_PAIR, 400 * x ** 4 + 3200 * x ** 3 - 705 * x ** 2 - 28420 * x - 11411),
    ((z ** 3 - 3 * z - 1) * m ** 2 + (2 * z ** 2 - 5) * m + 3 * z + 1, x ** 3 - 3 * x - 1),
])
def test_field_candidates_equal_the_sympy_route(P, lead, monkeypatch, backend):
    a = S.PrivateRootOf(lead, 1)  # as freecalc makes it (a plain CRootOf may come back from sympy's cache in z)
    got = field_mass_candidates(integer_terms(P, m, z), a)
    assert got is not None and len(got) == 1
    assert S.mass_candidates(P, a, m, z) == got  # mass_candidates takes this route
    ref = _sympy_route(P, a, monkeypatch)
    assert len(ref) == 1
    # the same algebraic number: their difference vanishes to the 60 digits it is evaluated with
    assert abs(sp.N(got[0] - ref[0], 60)) < sp.Float("1e-55")


def test_the_atom_of_the_slow_pair(backend):
    # the root as freecalc makes it (a plain sp.CRootOf of this quartic is whatever equal root sympy's cache holds,
    # possibly one written in z, a generator of the curve: tests/symbolic/test_algebraic_support_roots.py makes one)
    a = S.PrivateRootOf(400 * x ** 4 + 3200 * x ** 3 - 705 * x ** 2 - 28420 * x - 11411, 1)
    w, = field_mass_candidates(integer_terms(SLOW_PAIR, m, z), a)
    # the mass found by subordination (free_add(..., method=NUMERIC)): 0.28504883892148314, to its rounding
    assert abs(float(w) - 0.28504883892148314) < 1e-15
    assert float(a) == pytest.approx(-3.5867120055304875, abs=1e-15)


def test_route_does_not_apply_off_a_real_crootof_or_square_root():
    terms = integer_terms(SLOW_PAIR, m, z)
    assert field_mass_candidates(terms, sp.cbrt(2)) is None  # a cube root: sympy's route
    assert field_mass_candidates(terms, sp.CRootOf(x ** 3 - 2, 1)) is None  # a non-real root


def test_scaled_root(backend):
    # the poles of this curve (a factor of SFM(1, 1.5, 0.3, 0.3) ⊞ SFM(-1, 1.5, 2, 3)) are 3 ρ, ρ a root of a
    # quartic: the element a = 3x of Q[x]/(f)
    P = (1960000 * m ** 4 * z ** 4 - 6300000 * m ** 4 * z ** 3 - 32901300 * m ** 4 * z ** 2 + 61013250 * m ** 4 * z
         + 178622091 * m ** 4 + 3640000 * m ** 3 * z ** 3 - 15930000 * m ** 3 * z ** 2 - 19052100 * m ** 3 * z
         + 85677750 * m ** 3 + 150000 * m ** 2 * z ** 2 - 6885000 * m ** 2 * z + 22070700 * m ** 2 - 1430000 * m * z
         + 2745000 * m + 100000)
    poles = S.pole_candidates(P, m, z)
    assert all(not isinstance(a, sp.CRootOf) and a.has(sp.CRootOf) for a in poles)
    a = poles[1]
    w, = field_mass_candidates(integer_terms(P, m, z), a)
    assert abs(float(w) - 0.4569366065627698) < 1e-15  # the atom's mass as the law's residue test accepted it
    Ps = field_shift(integer_terms(P, m, z), a, m, z)
    ref = sp.Poly(sp.expand(P.subs(z, z + a)), m, z).as_dict()
    got = sp.Poly(Ps, m, z).as_dict()
    assert (4, 0) not in got and set(got) <= set(ref)
    # same algebraic numbers to the 50 digits they are evaluated with
    assert all(abs(sp.N(got.get(jk, 0) - ref[jk], 50)) < sp.Float("1e-45") * max(1, abs(sp.N(ref[jk], 5)))
               for jk in ref)


def test_field_shift_equals_the_expanded_substitution(backend):
    # the root as freecalc makes it (a plain sp.CRootOf of this quartic is whatever equal root sympy's cache holds,
    # possibly one written in z, a generator of the curve: tests/symbolic/test_algebraic_support_roots.py makes one)
    a = S.PrivateRootOf(400 * x ** 4 + 3200 * x ** 3 - 705 * x ** 2 - 28420 * x - 11411, 1)
    Ps = field_shift(integer_terms(SLOW_PAIR, m, z), a, m, z)
    ref = sp.Poly(sp.expand(SLOW_PAIR.subs(z, z + a)), m, z).as_dict()
    got = sp.Poly(Ps, m, z).as_dict()
    # a is a pole: the coefficient of m^4 z^0 (the leading coefficient at a) is an exact zero, dropped
    assert (4, 0) not in got
    for jk in set(ref) | set(got):
        # the same algebraic numbers (reduced modulo the quartic or not) to the 50 digits they are evaluated with
        assert abs(sp.N(got.get(jk, 0) - ref.get(jk, 0), 50)) < sp.Float("1e-45")


def test_quadratic_irrational_pole(monkeypatch, backend):
    # CB(1, 2, 0.5) ⊞ SFM(1, 1.5, 2, 3): poles at (25 ± 3√73)/8 and (33 ± 3√73)/8, Q(√73) with f = x² − 73
    P = fc.free_add(fc.ChiralBlock(1, 2, 0.5), fc.ShiftedFreeMeixner(1, 1.5, 2, 3))._P
    for a in S.pole_candidates(P, m, z):
        assert a.has(sp.sqrt(73))
        got = field_mass_candidates(integer_terms(P, m, z), a)
        ref = _sympy_route(P, a, monkeypatch)
        assert got is not None and len(got) == len(ref) == 1
        assert sp.simplify(got[0] - ref[0]) == 0  # radicals: sympy decides equality exactly
        assert field_shift(integer_terms(P, m, z), a, m, z) is not None


def test_rational_shift_is_left_to_integer_arithmetic():
    # a chart end written exactly (a double's rational value): no field, the integer shift of
    # freecalc.symbolic.integer_curve (tests/symbolic/test_integer_curve.py) writes the local curve
    a = sp.Rational(-3.7881100843590345)
    assert field_shift(integer_terms(SLOW_PAIR, m, z), a, m, z) is None
    assert field_mass_candidates(integer_terms(SLOW_PAIR, m, z), a) is None


def test_both_backends_give_the_same_expressions(monkeypatch):
    a = S.PrivateRootOf(400 * x ** 4 + 3200 * x ** 3 - 705 * x ** 2 - 28420 * x - 11411, 1)
    terms = integer_terms(SLOW_PAIR, m, z)
    with_flint = field_mass_candidates(terms, a), field_shift(terms, a, m, z)
    monkeypatch.setitem(sys.modules, "flint", None)
    assert (field_mass_candidates(terms, a), field_shift(terms, a, m, z)) == with_flint  # the same exact remainders
