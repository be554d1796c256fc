"""Declared parameters: validation messages, symbolic values, domains (freecalc/_params.py)."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from freecalc._params import POSITIVE, Domain, Parameter

C = Parameter("c", "c", POSITIVE, typical=(0.1, 3.0))
D = Parameter("d", "d", Domain(2, math.inf), typical=(2, 10))


def test_domain_str_and_membership():
    assert str(POSITIVE) == "(0, ∞)"
    assert str(Domain(2, math.inf)) == "[2, ∞)"
    assert Domain(2, math.inf).contains(2) and not POSITIVE.contains(0.0)
    assert not POSITIVE.contains(float("nan"))
    assert Domain(0, 1, integer=True).contains(1) and not Domain(0, 1, integer=True).contains(0.5)


@pytest.mark.parametrize("bad", [0.0, -1.0, -np.inf])
def test_out_of_domain_names_parameter_value_and_domain(bad):
    with pytest.raises(ValueError, match=r"'c'.*outside the allowed domain \(0, ∞\)"):
        C.validate(bad, "MarchenkoPastur")


@pytest.mark.parametrize("bad", ["1", None, True, [1.0], 1 + 2j, np.array([1.0, 2.0])])
def test_wrong_type_is_type_error(bad):
    with pytest.raises(TypeError, match="'c'"):
        C.validate(bad, "MarchenkoPastur")


def test_nan_is_value_error():
    with pytest.raises(ValueError, match="NaN"):
        C.validate(float("nan"))


def test_numeric_types_accepted():
    assert C.validate(np.float32(0.5)) == 0.5
    assert C.validate(np.array(2.0)) == 2.0
    assert C.validate(sp.Rational(1, 2)) == 0.5
    assert C.validate(3) == 3.0 and isinstance(C.validate(3), float)


def test_symbolic_values_rejected_only_when_provably_outside():
    c = sp.Symbol("c", positive=True)
    assert C.validate(c) is c
    assert C.validate(sp.Symbol("t")) == sp.Symbol("t")  # unknown sign: accepted
    with pytest.raises(ValueError):
        C.validate(-c)
    with pytest.raises(ValueError):
        D.validate(sp.Symbol("k", negative=True))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_validate_agrees_with_contains(v):
    if POSITIVE.contains(v):
        assert C.validate(v) == v
    else:
        with pytest.raises(ValueError):
            C.validate(v)
