"""Changes of variables on integer coefficient dictionaries (freecalc/symbolic/integer_curve.py) against sympy's
expansion of the substituted expression (an independent route: expression algebra, then Poly)."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

import freecalc as fc
from freecalc.symbolic.algebraic_curve import as_polynomial
from freecalc.symbolic.algebraic_flint import integer_terms
from freecalc.symbolic.algebraic_ops import inverse_equation
from freecalc.symbolic.integer_curve import canonical_terms, deflate_terms, inverse_terms, shift_terms
from freecalc.symbolic.transforms import m, z


def _curves():
    E = fc.Method.EXACT
    return {
        "sc": fc.Semicircle(2).sym.equation(),
        "mp": fc.to_algebraic(fc.MarchenkoPastur(0.5)).equation,
        "sc+mp": fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E).equation,
        "mp*mp": fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E).equation,
        "sc+atoms": fc.free_add(fc.Semicircle(0.5), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]),
                                method=E).equation,
    }


def _sympy_terms(expr: sp.Expr) -> dict:
    return {jk: int(c) for jk, c in sp.Poly(expr, m, z).as_dict().items()}


@pytest.mark.parametrize("name", list(_curves()))
def test_inverse_terms_are_the_expanded_substitution(name):
    P = _curves()[name]
    ref = as_polynomial(P.subs({m: -z ** 2 * m - z, z: 1 / z}, simultaneous=True), m, z)
    assert inverse_terms(integer_terms(P, m, z)) == _sympy_terms(ref)
    # inverse_equation takes the integer route on integer curves: the same expression as the general route
    assert sp.expand(inverse_equation(P) - ref) == 0
    # 1/(1/X) = X
    assert inverse_terms(inverse_terms(integer_terms(P, m, z))) == _sympy_terms(P)


@pytest.mark.parametrize("a", [Fraction(3, 2), Fraction(-7, 3), Fraction(0), Fraction(-3.7881100843590345),
                               Fraction(4.423805691e-5)])
def test_shift_terms_are_the_exact_expansion(a):
    P = _curves()["sc+atoms"]
    terms, scale = shift_terms(integer_terms(P, m, z), a)
    ref = sp.Poly(sp.expand(P.subs(z, z + sp.Rational(a.numerator, a.denominator))), m, z).as_dict()
    assert {jk: sp.Rational(c, scale) for jk, c in terms.items()} == ref  # exact rationals, zeros dropped alike
    assert scale == a.denominator ** max(k for _, k in integer_terms(P, m, z))


def test_canonical_terms():
    # -(2 m^3 z + 4 m^2 z^2) m z: monomial factor m z, content 2, negative leading coefficient
    assert canonical_terms({(3, 1): -4, (2, 2): -8, (0, 5): 0}) == {(1, 0): 1, (0, 1): 2}
    assert canonical_terms({(1, 0): 3, (0, 1): -6}) == {(1, 0): 1, (0, 1): -2}
    with pytest.raises(ValueError, match="identically zero"):
        canonical_terms({(1, 1): 0})


@pytest.mark.parametrize("a, w", [(Fraction(0), Fraction(1, 2)), (Fraction(3, 2), Fraction(1, 5)),
                                  (Fraction(-7, 3), Fraction(2, 3))])
def test_deflate_terms_are_a_positive_multiple_of_the_numerator(a, w):
    P = _curves()["mp*mp"]
    aa, ww = sp.Rational(a.numerator, a.denominator), sp.Rational(w.numerator, w.denominator)
    ref = sp.Poly(sp.numer(sp.together(P.subs(m, m + ww / (aa - z)))), m, z).as_dict()
    got = deflate_terms(integer_terms(P, m, z), a, w)
    assert set(got) == set(ref)
    ratio = {sp.Rational(c) / ref[jk] for jk, c in got.items()}
    assert len(ratio) == 1 and ratio.pop() > 0
