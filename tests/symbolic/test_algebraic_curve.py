"""Moments of the branch at infinity: the regular-branch shortcut on integer curves equals the general search."""
import pytest
import sympy as sp

from freecalc.symbolic import algebraic as A
from freecalc.symbolic import algebraic_curve
from freecalc.symbolic.transforms import m, z

SC = m ** 2 + z * m + 1
MP_HALF = z * m ** 2 + (2 * z - 1) * m + 2


def test_regular_branch_moments_equal_the_general_search(monkeypatch):
    curves = [SC, MP_HALF, A.add_equations(SC, MP_HALF, m, z), A.mul_equations(MP_HALF, MP_HALF, m, z)]
    fast = [algebraic_curve.moment_series(P, 6, m, z) for P in curves]
    assert fast[0] == [0, 1, 0, 2, 0, 5]  # Catalan numbers
    assert fast[1][:2] == [1, sp.Rational(3, 2)]  # MP(1/2): mean 1, second moment 1 + c
    with pytest.raises(A.AlgebraicError, match="matching the given moments"):
        algebraic_curve.moment_series(SC, 3, m, z, hint=[1])
    monkeypatch.setattr(algebraic_curve, "integer_terms", lambda P, m, z: None)
    assert fast == [algebraic_curve.moment_series(P, 6, m, z) for P in curves]
    with pytest.raises(A.AlgebraicError, match="matching the given moments"):
        algebraic_curve.moment_series(SC, 3, m, z, hint=[1])
