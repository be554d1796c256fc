"""Discriminant and leading coefficient as integer coefficient lists: FLINT and sympy give the same polynomial."""
import sympy as sp

import freecalc as fc
from freecalc.symbolic import algebraic as A
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


def test_masses_and_poles_of_integer_curves_equal_the_general_route(monkeypatch):
    atoms = A.atoms_equation([-2, 0, 1], [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(1, 4)], m, z)
    curves = [(_curve(), [0]), (A.mul_equations(_curve(), _curve(), m, z), [0]), (atoms, [-2, 0, 1, sp.Rational(1, 3)]),
              (fc.to_algebraic(fc.MarchenkoPastur(2.0)).equation, [0]),
              (A.shift_equation(sp.expand((z * m + 1) ** 2 * (z - 3) + m), sp.Rational(-1, 2), m, z),
               [sp.Rational(-1, 2)])]
    def candidates():  # in increasing order (the order of the candidates carries no meaning)
        return [(S.pole_candidates(P, m, z), [sorted(S.mass_candidates(P, a, m, z)) for a in pts]) for P, pts in curves]
    fast = candidates()
    assert fast[0][1] == [[-3, -1]]  # two sheets share the pole at 0, with negative residues: no atom
    assert fast[2][1][:3] == [[sp.Rational(1, 4)], [sp.Rational(1, 2)], [sp.Rational(1, 4)]]  # the atoms' masses
    assert fast[3][1] == [[sp.Rational(1, 2)]]  # MP(2): 1 - 1/c at 0
    monkeypatch.setattr(S, "integer_terms", lambda P, m, z: None)
    monkeypatch.setattr(S, "_integer_multiple", lambda P, m, z: None)
    monkeypatch.setattr(S, "leading_coefficients", lambda P, m, z: None)
    assert fast == candidates()


def test_exact_edges_of_integer_curves_equal_the_general_route(monkeypatch):
    curves = [_curve(), fc.to_algebraic(fc.MarchenkoPastur(0.5)).equation, m ** 2 + z * m + 1,
              A.add_equations(m ** 2 + z * m + 1, A.atoms_equation([-1, 1], [sp.Rational(1, 2)] * 2, m, z), m, z)]
    fast = [S.edge_candidates(P, m, z) for P in curves]
    assert fast[2] == [-2, 2]
    monkeypatch.setattr(S, "discriminant_coefficients", lambda P, m, z: None)
    assert fast == [S.edge_candidates(P, m, z) for P in curves]  # the same exact numbers (rationals, radicals, CRootOf)
