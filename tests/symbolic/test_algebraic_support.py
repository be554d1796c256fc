"""Discriminant and leading coefficient as integer coefficient lists: FLINT and sympy give the same polynomial."""
import sympy as sp

import freecalc as fc
from freecalc.symbolic import algebraic_support as S
from freecalc.symbolic.transforms import m, z


def _curve():
    return fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=fc.Method.EXACT).equation


def test_discriminant_coefficients_equal_sympy_discriminant(monkeypatch):
    P = _curve()
    ref = [int(c) for c in reversed(sp.Poly(S.discriminant(P, m, z), z).all_coeffs())]
    got = S.discriminant_coefficients(P, m, z)
    assert got in (ref, [-c for c in ref])  # the sign convention of the discriminant is immaterial to its zeros

    def no_flint(poly):
        raise ImportError("python-flint not installed")
    monkeypatch.setattr(S, "_flint_discriminant", no_flint)
    assert S.discriminant_coefficients(P, m, z) == ref


def test_coefficients_of_linear_and_non_integer_curves():
    assert S.discriminant_coefficients(m * (1 - z) - 1, m, z) == [1]  # delta_1: linear in m
    assert S.leading_coefficients(3 * z ** 2 * m ** 2 + z * m + 1, m, z) == [0, 0, 3]
    a = sp.Symbol("a")
    assert S.discriminant_coefficients(m ** 2 + a * z * m + 1, m, z) is None  # a parameter: not integer
    assert S.leading_coefficients(sp.sqrt(2) * m ** 2 + z * m + 1, m, z) is None
