"""Declared parameters: validation messages, symbolic values, domains (freecalc/_params.py)."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from freecalc._params import POSITIVE, Domain, Parameter, check_count

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


@pytest.mark.parametrize("value, expected", [(4, 4), (np.int64(7), 7), (100.0, 100), (4e3, 4000),
                                             (np.float32(3.0), 3), (np.array(5.0), 5), (np.array(2), 2)])
def test_check_count_accepts_integral_values(value, expected):
    out = check_count("n", value)
    assert out == expected and type(out) is int


@pytest.mark.parametrize("value, exc", [(True, TypeError), (np.bool_(True), TypeError), ("3", TypeError),
                                        (None, TypeError), (1 + 0j, TypeError), (np.ones(2), TypeError),
                                        (2.5, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
                                        (0, ValueError), (-3.0, ValueError), (11, ValueError)])
def test_check_count_rejects(value, exc):
    with pytest.raises(exc, match=r"n_s must be an integer in \[1, 10\].*got"):
        check_count("n_s", value, maximum=10)


def test_representable_domains():
    from freecalc._params import LOCATION, SCALE
    assert str(SCALE) == "(1e-100, 1e+100]" and str(LOCATION) == "[-1e+100, 1e+100]"
    assert SCALE.contains(1e100) and not SCALE.contains(1e-100) and not SCALE.contains(2e100)
    assert SCALE.contains(1.0000001e-100)
    p = Parameter("r", "r", SCALE)
    with pytest.raises(ValueError, match=r"law parameter 'r' = 1e\+300 is outside the allowed domain \(1e-100, 1e\+100\]"):
        p.validate(1e300)
    # squares of values in the domain are finite, non-zero normal doubles (the reason for the bounds)
    for v in (SCALE.lo * 1.0000001, SCALE.hi, LOCATION.hi):
        assert np.isfinite(v * v * 1e8) and v * v >= np.finfo(float).tiny
