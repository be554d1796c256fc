"""QuadraticLaw: the integer curve from the exact parameters equals the sympy route's Stieltjes factor."""
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.quadratic import QuadraticSymbolicFace
from freecalc.symbolic import algebraic_flint as FL
from freecalc.symbolic.transforms import m, z

LAWS = [fc.Semicircle(2.0), fc.Semicircle(0.3, center=-1.7), fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(1.0),
        fc.MarchenkoPastur(2.0, sigma2=0.3), fc.KestenMcKay(3.0), fc.KestenMcKay(2.5), fc.Wachter(3.0, 4.0),
        fc.Wachter(1.5, 7.25), fc.Wachter(0.4, 0.7), fc.FreeMeixner(0.5, 1.0, 0.3), fc.FreeMeixner(-1.0, 2.0, 1.0),
        fc.FreeMeixner(0.2, 0.7, 1.6), fc.ShiftedFreeMeixner(1.0, 0.5, 1.0, 0.3), fc.Arcsine(1.0), fc.Arcsine(2.5),
        fc.FreePoisson(0.5, 2.0), fc.FreePoisson(3.0, 0.1), fc.Semicircle(sp.Rational(1, 3)),
        fc.MarchenkoPastur(sp.Rational(2, 7)), fc.Semicircle(0.30000000000000004)]


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_stieltjes_terms_are_the_canonical_stieltjes_factor(law):
    ref = AlgebraicLaw(law.sym.equation(m, z), m, z, size=law.size)  # sympy: face equation, factors, branch
    terms = law.stieltjes_terms
    assert terms is not None and FL.is_canonical(terms)
    assert terms == FL.integer_terms(ref.equation, m, z)
    assert sp.srepr(FL.terms_expr(terms, m, z)) == sp.srepr(ref.equation)  # the very same expression
    got = to_algebraic(law)  # from the terms
    assert got == ref and hash(got) == hash(ref)


def test_stieltjes_terms_leave_symbols_and_radicals_to_sympy():
    assert fc.Semicircle(sp.Symbol("r", positive=True)).stieltjes_terms is None
    assert fc.MarchenkoPastur(sp.sqrt(2) / 2).stieltjes_terms is None  # an irrational coefficient


def test_to_algebraic_of_a_named_law_skips_its_sympy_face(monkeypatch):
    ref = AlgebraicLaw(fc.Wachter(2.5, 3.75).sym.equation(m, z), m, z)

    def refuse(self, m=None, z=None):
        raise AssertionError("the sympy face's equation was built")
    monkeypatch.setattr(QuadraticSymbolicFace, "equation", refuse)
    assert to_algebraic(fc.Wachter(2.5, 3.75)) == ref
    with pytest.raises(AssertionError, match="sympy face"):  # symbolic parameters do need it
        to_algebraic(fc.Wachter(sp.Symbol("a", positive=True), 3.75))
