"""Curves of transformed laws: the Poly-built equation of atoms equals the general (together) route."""
import sympy as sp

from freecalc.symbolic import algebraic_ops
from freecalc.symbolic.algebraic_curve import as_polynomial
from freecalc.symbolic.transforms import m, z


def _general(locations, weights):
    expr = m - sp.Add(*[sp.sympify(wi) / (sp.sympify(ai) - z) for ai, wi in zip(locations, weights)])
    return as_polynomial(expr, m, z)


def test_atoms_equation_equals_the_general_route():
    cases = [([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]), ([0.1, 1 / 3], [0.5, 0.5]), ([0, 1], [1, 0]),
             ([1, 2, 3], [sp.Rational(1, 3)] * 3), ([5], [1])]
    for locations, weights in cases:
        fast = algebraic_ops._atoms_polynomial(locations, weights, m, z)
        assert fast is not None and fast == _general(locations, weights)
        assert algebraic_ops.atoms_equation(locations, weights, m, z) == fast


def test_atoms_equation_general_cases():
    a = sp.Symbol("a")
    # repeated locations (together merges the denominators) and symbols take the general route
    assert algebraic_ops._atoms_polynomial([1, 1], [0.5, 0.5], m, z) is None
    assert algebraic_ops.atoms_equation([1, 1], [0.5, 0.5], m, z) == sp.expand(m * (z - 1) + 1)  # delta_1
    assert algebraic_ops._atoms_polynomial([a], [1], m, z) is None
    assert algebraic_ops.atoms_equation([a], [1], m, z) == _general([a], [1])
