"""Certified real roots (Arb): every real root of an integer polynomial, none invented, each to a few ulps."""
import numpy as np
import pytest
import sympy as sp

from freecalc.numerics.real_roots import ROOT_RELATIVE_RADIUS, certified_real_roots

x = sp.Symbol("x")


def _coeffs(expr):
    return [int(c) for c in reversed(sp.Poly(sp.expand(expr), x).all_coeffs())]


def test_roots_match_sympy_exact_real_roots():
    # a double root, an irrational pair, a rational, a far root, a complex pair and two roots 1e-9 apart
    expr = ((x - 1) ** 2 * (x ** 2 - 2) * (3 * x - 1) * (x - 10 ** 6) * (x ** 2 + 1)
            * (10 ** 9 * x - 10 ** 9 - 1) * (x - 5))
    got = certified_real_roots(_coeffs(expr))
    exact = sorted({float(r) for r in sp.real_roots(sp.Poly(expr, x))})
    assert got.size == len(exact) == 7
    # a few ulps: the returned centres are the roots to the certified ball radius
    assert np.allclose(got, exact, rtol=4 * ROOT_RELATIVE_RADIUS, atol=0)


def test_no_real_roots_and_constants():
    assert certified_real_roots(_coeffs(x ** 4 + x ** 2 + 1)).size == 0
    assert certified_real_roots([7]).size == 0


def test_zero_polynomial_is_refused():
    with pytest.raises(ValueError, match="identically zero"):
        certified_real_roots([0, 0, 0])
