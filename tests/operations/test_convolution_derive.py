"""The derive step of exact ⊞/⊠: named laws' integer curves and FLINT candidates give the very law of the general
route (to_algebraic on each input, then add_equations / mul_equations), with and without python-flint."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.operations import convolution as C
from freecalc.symbolic import algebraic as A
from freecalc.symbolic import algebraic_flint
from freecalc.symbolic.transforms import m, z

E = fc.Method.EXACT


def _random_law(rng, nonnegative=False):
    """A named quadratic law with 2-decimal parameters (the float values users type)."""
    u = lambda lo, hi: float(np.round(rng.uniform(lo, hi), 2))  # noqa: E731
    makers = [lambda: fc.MarchenkoPastur(u(0.1, 3), sigma2=u(0.5, 2)), lambda: fc.FreePoisson(u(0.2, 3), u(0.5, 2)),
              lambda: fc.Wachter(u(0.5, 5), u(0.5, 5))]
    if not nonnegative:
        makers += [lambda: fc.Semicircle(u(0.3, 3), center=u(-2, 2)), lambda: fc.KestenMcKay(u(2, 6)),
                   lambda: fc.FreeMeixner(u(-1, 1), u(0.2, 2), u(0.1, 2)), lambda: fc.Arcsine(u(0.3, 3)),
                   lambda: fc.ShiftedFreeMeixner(u(-1, 1), u(-1, 1), u(0.2, 2), u(0.1, 2))]
    return makers[rng.integers(len(makers))]()


def _pairs():
    rng = np.random.default_rng(20261204)
    adds = [(_random_law(rng), _random_law(rng)) for _ in range(12)]
    muls = [(_random_law(rng, True), _random_law(rng, True)) for _ in range(8)]
    return [("add", a, b) for a, b in adds] + [("mul", a, b) for a, b in muls]


ATOMS = fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25])
PAIRS = _pairs() + [("add", fc.Semicircle(2.0), ATOMS),
                    ("add", fc.Atoms([0.1, 0.7, 3.3], [0.2, 0.3, 0.5]), fc.MarchenkoPastur(0.5)),
                    ("mul", ATOMS + 3.0, fc.Wachter(2.0, 3.0))]
c = sp.Symbol("c", positive=True)
SYMBOLIC = [("add", fc.Semicircle(2.0), fc.MarchenkoPastur(c)), ("mul", fc.MarchenkoPastur(c), fc.MarchenkoPastur(0.5))]


def _general_route(op, a, b):
    """The derivation through throwaway AlgebraicLaws of the inputs (the sympy face of each named law)."""
    eqs = A.add_equations if op == "add" else A.mul_equations
    return AlgebraicLaw(eqs(to_algebraic(a).equation, to_algebraic(b).equation, m, z), reduce=False)


def _derive(op, a, b):
    return (fc.free_add if op == "add" else fc.free_mul)(a, b, method=E)


def _same(x, y):
    return x == y and hash(x) == hash(y) and sp.srepr(x.equation) == sp.srepr(y.equation)


@pytest.mark.parametrize("op,a,b", PAIRS + SYMBOLIC, ids=lambda v: v if isinstance(v, str) else repr(v))
def test_derive_is_the_general_route_law(op, a, b):
    got = _derive(op, a, b)
    assert isinstance(got, AlgebraicLaw) and _same(got, _general_route(op, a, b))


def test_composite_is_the_general_route_law():
    left, right = _derive("add", fc.Semicircle(2.0), ATOMS), _derive("mul", fc.MarchenkoPastur(0.5),
                                                                          fc.MarchenkoPastur(0.25))
    got = _derive("add", left, right)
    assert got.degree == (13, 6) and _same(got, _general_route("add", left, right))


def test_named_inputs_never_build_an_algebraic_law(monkeypatch):
    def refuse(law):
        raise AssertionError(f"to_algebraic({law!r}) called")
    monkeypatch.setattr(C, "to_algebraic", refuse)
    assert isinstance(fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E), AlgebraicLaw)
    assert isinstance(fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E), AlgebraicLaw)
    assert isinstance(fc.free_add(fc.Semicircle(2.0), ATOMS, method=E), AlgebraicLaw)


@pytest.mark.parametrize("op,a,b", PAIRS[:3] + PAIRS[12:14] + PAIRS[-3:] + SYMBOLIC[:1],
                         ids=lambda v: v if isinstance(v, str) else repr(v))
def test_without_flint_the_same_law(op, a, b, monkeypatch):
    fast = _derive(op, a, b)
    monkeypatch.setattr(algebraic_flint, "_context", lambda: None)  # as when python-flint is not installed
    assert algebraic_flint.add_candidates(m ** 2 + z * m + 1, m ** 2 + z * m + 1, m, z) is None  # FLINT is off
    # sympy's sparse integer polynomials, and sympy expressions all the way (the general route without FLINT)
    assert _same(_derive(op, fresh(a), fresh(b)), fast) and _same(_general_route(op, fresh(a), fresh(b)), fast)


def fresh(law):
    """The same law as a new instance (nothing remembered on it)."""
    return law.replace()


def test_several_candidates_go_to_the_moment_matched_selection(monkeypatch):
    # a second candidate factor (the curve of SC(1), listed first) must not be taken: the general route, whose
    # moments choose, answers
    a, b = fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)
    ref = fc.free_add(a, b, method=E)
    real, extra = C.ADD.candidates, fc.Semicircle(1.0).stieltjes_terms
    monkeypatch.setattr(C, "ADD", C.Convolution("free_add", C.ADD.identities, C.ADD.equations,
                                                lambda *t: [extra] + real(*t), C.ADD.numeric, C.ADD.check))
    assert _same(fc.free_add(fresh(a), fresh(b), method=E), ref)
