"""FLINT route of the polynomial method: the same canonical polynomials as the sympy route."""
import numpy as np
import pytest
import sympy as sp

from freecalc.symbolic import algebraic as A
from freecalc.symbolic import algebraic_curve, algebraic_flint, algebraic_ops
from freecalc.symbolic.transforms import m, w, z

SC = m ** 2 + z * m + 1  # semicircle, radius 2
MP_HALF = z * m ** 2 + (2 * z - 1) * m + 2  # Marchenko-Pastur(1/2): c z m^2 + (z - 1 + c) m + 1, cleared
MP_QUARTER = z * m ** 2 + (4 * z - 3) * m + 4
ATOMS = A.atoms_equation([-2, 0, 1], [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(1, 4)], m, z)


def _sympy_route(monkeypatch):
    monkeypatch.setattr(algebraic_flint, "_context", lambda: None)


def test_free_sum_and_product_equal_the_sympy_route(monkeypatch):
    pairs_add = [(SC, MP_HALF), (SC, ATOMS), (ATOMS, MP_QUARTER)]
    pairs_mul = [(MP_HALF, MP_QUARTER), (MP_HALF, A.shift_equation(ATOMS, 3, m, z))]
    fast = [A.add_equations(p, q, m, z) for p, q in pairs_add] + [A.mul_equations(p, q, m, z) for p, q in pairs_mul]
    cands = ([algebraic_flint.add_candidates(p, q, m, z) for p, q in pairs_add]
             + [algebraic_flint.mul_candidates(p, q, m, z) for p, q in pairs_mul])
    _sympy_route(monkeypatch)
    assert algebraic_flint.add_candidates(SC, MP_HALF, m, z) is None  # the route really is switched off
    slow = [A.add_equations(p, q, m, z) for p, q in pairs_add] + [A.mul_equations(p, q, m, z) for p, q in pairs_mul]
    assert fast == slow  # structural equality of canonical polynomials
    # the candidates are the sympy curve's factors with a branch m ~ -1/z (the resultant's others never leave FLINT)
    R, S = A.R_SYM, A.S_SYM
    curves = [A.from_r_equation(algebraic_ops._eliminate(A.r_equation(p, m, z, R, w), A.r_equation(q, m, z, R, w),
                                                         R, w, "add"), R, w, m, z) for p, q in pairs_add]
    curves += [A.from_s_equation(algebraic_ops._eliminate(A.s_equation(p, m, z, S, w), A.s_equation(q, m, z, S, w),
                                                          S, w, "mul"), S, w, m, z) for p, q in pairs_mul]
    for got, curve in zip(cands, curves):
        ref = [f for f in algebraic_curve._factors(curve, m, z) if algebraic_curve._has_stieltjes_branch(f, m, z)]
        assert sorted(map(str, got)) == sorted(map(str, ref)) and got


def test_candidate_factors_equal_the_sympy_factors():
    P = algebraic_curve.as_polynomial(sp.expand((SC * MP_HALF * (z * m - 3) * (m + z) * (z - 2))), m, z)
    fast = algebraic_flint.stieltjes_candidates(P, m, z)
    slow = [f for f in algebraic_curve._factors(P, m, z) if algebraic_curve._has_stieltjes_branch(f, m, z)]
    assert sorted(map(str, fast)) == sorted(map(str, slow)) and len(fast) == 2  # z m - 3, m + z: no m ~ -1/z


def test_rational_polynomials_skip_the_common_denominator(monkeypatch):
    exprs = [m ** 2 * z / 2 + 3 * m * z ** 2 / 4 - z * m, 0.5 * m * z + 0.25 * m ** 2 + 1, -6 * m + 2 * z * m ** 3]
    fast = [algebraic_curve.as_polynomial(e, m, z) for e in exprs]
    assert algebraic_curve._rational_polynomial(1 / m + z, m, z) is None  # m in a denominator: general route
    assert algebraic_curve._rational_polynomial(sp.Symbol("a") * m + z, m, z) is None  # a parameter
    monkeypatch.setattr(algebraic_curve, "_rational_polynomial", lambda expr, m, z: None)
    assert fast == [algebraic_curve.as_polynomial(e, m, z) for e in exprs]  # numerator of together, canonical


def test_integer_terms_and_canonical_form():
    terms = algebraic_flint.integer_terms(SC, m, z)
    assert terms == {(2, 0): 1, (1, 1): 1, (0, 0): 1} and algebraic_flint.is_canonical(terms)
    assert not algebraic_flint.is_canonical({(1, 1): 2, (0, 1): 4})  # monomial factor z, content 2
    assert not algebraic_flint.is_canonical({(1, 0): -1, (0, 0): 1})  # negative leading coefficient
    assert algebraic_flint.integer_terms(m / 2 + z, m, z) is None  # rational coefficient
    assert algebraic_flint.integer_terms(1 / m + z, m, z) is None  # not a polynomial


def test_candidate_terms_are_the_candidates_terms():
    t = {P: algebraic_flint.integer_terms(P, m, z) for P in (SC, MP_HALF, MP_QUARTER, ATOMS)}
    for (p, q), op in [((SC, ATOMS), "add"), ((ATOMS, MP_QUARTER), "add"), ((MP_HALF, MP_QUARTER), "mul")]:
        exprs = getattr(algebraic_flint, f"{op}_candidates")(p, q, m, z)
        terms = getattr(algebraic_flint, f"{op}_candidate_terms")(t[p], t[q])
        assert terms == [algebraic_flint.integer_terms(e, m, z) for e in exprs] and terms
        assert [algebraic_flint.terms_expr(x, m, z) for x in terms] == exprs


def test_canonical_terms_of_rational_coefficients():
    from fractions import Fraction
    # -(m^2 z/2 + 3 m z^2/4) = -(z m / 4)(2 m + 3 z): denominators 4, monomial factor m z, negative leading coefficient
    terms = {(2, 1): Fraction(-1, 2), (1, 2): Fraction(-3, 4), (0, 0): 0}
    assert algebraic_flint.canonical_terms(terms) == {(1, 0): 2, (0, 1): 3}
    assert algebraic_flint.canonical_terms(terms) == algebraic_flint.integer_terms(
        algebraic_curve.as_polynomial(-(m ** 2 * z / 2 + 3 * m * z ** 2 / 4), m, z), m, z)  # as the sympy route
    assert algebraic_flint.canonical_terms({(1, 0): 0.5, (0, 0): 1}) is None  # a float: not exact
    assert algebraic_flint.canonical_terms({(1, 0): 0}) is None  # the zero polynomial


def test_terms_expr_is_the_expression_poly_builds():
    # assembled from sorted parts: it must be Poly.as_expr's expression exactly (same srepr, equal, hash-equal)
    rng = np.random.default_rng(7)
    for trial in range(80):
        keys = {(int(rng.integers(0, 14)), int(rng.integers(0, 8))) for _ in range(int(rng.integers(1, 40)))}
        big = 10 ** int(rng.integers(0, 25))
        terms = {jk: (int(rng.choice([-1, 1])) if trial % 3 == 0 else int(rng.integers(-10 ** 6, 10 ** 6)) * big or 1)
                 for jk in keys}
        ref = sp.Poly.from_dict(dict(terms), m, z, domain=sp.ZZ).as_expr()
        got = algebraic_flint.terms_expr(terms, m, z)
        assert sp.srepr(got) == sp.srepr(ref) and got == ref and hash(got) == hash(ref)
        assert algebraic_flint.integer_terms(got, m, z) == terms
    with pytest.raises(ValueError, match="zero polynomial"):
        algebraic_flint.terms_expr({(1, 0): 0}, m, z)


def test_atoms_terms_are_the_stieltjes_factor_of_the_atoms_equation():
    R = sp.Rational
    cases = [([-2, 0, 1], [R(1, 4), R(1, 2), R(1, 4)]), ([R(1, 10), R(7, 10), R(33, 10), R(-5, 4)],
             [R(1, 10), R(1, 5), R(3, 10), R(2, 5)]), ([R(1, 3), R(2, 7)], [R(1, 5), R(4, 5)]), ([5], [1])]
    for locs, weights in cases:
        ref = A.stieltjes_factor(A.atoms_equation(locs, weights, m, z), m, z)
        got = algebraic_flint.atoms_terms(list(zip(locs, weights)))
        assert sp.srepr(algebraic_flint.terms_expr(got, m, z)) == sp.srepr(ref)
    assert algebraic_flint.atoms_terms([(sp.Symbol("a"), R(1, 2)), (1, R(1, 2))]) is None  # a symbol
    assert algebraic_flint.atoms_terms([(1, R(1, 2)), (1, R(1, 2))]) is None  # a repeated location
    assert algebraic_flint.atoms_terms([(0, R(1, 2)), (1, R(1, 3))]) is None  # masses not summing to 1


def test_candidate_terms_without_flint_are_flints(monkeypatch):
    # sympy's sparse integer polynomials stand in for FLINT: the same canonical factors (unique up to sign)
    t = {P: algebraic_flint.integer_terms(P, m, z) for P in (SC, MP_HALF, MP_QUARTER, ATOMS)}
    sum_ = A.add_equations(A.add_equations(SC, ATOMS, m, z), A.mul_equations(MP_HALF, MP_QUARTER, m, z), m, z)
    cases = [("add", t[SC], t[ATOMS]), ("add", t[ATOMS], t[MP_QUARTER]), ("mul", t[MP_HALF], t[MP_QUARTER]),
             ("mul", t[MP_HALF], algebraic_flint.integer_terms(A.shift_equation(ATOMS, 3, m, z), m, z)),
             ("add", algebraic_flint.integer_terms(sum_, m, z), t[SC])]  # degree 13 in m, plus a semicircle
    run = lambda: [sorted(map(sorted, map(dict.items, getattr(algebraic_flint, f"{op}_candidate_terms")(p, q))))
                   for op, p, q in cases]  # noqa: E731
    fast = run()
    monkeypatch.setattr(algebraic_flint, "_context", lambda: None)
    assert run() == fast and all(fast)
