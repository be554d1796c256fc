"""Behaviour every law inherits from freecalc/laws/base.py (checked on the semicircle and MP)."""
import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.base import stieltjes_by_quadrature


def test_immutable_and_replace():
    law = fc.MarchenkoPastur(0.5, size=1000)
    with pytest.raises(AttributeError, match="immutable"):
        law.c = 2
    other = law.replace(c=2.0)
    assert (law.c, other.c, other.size) == (0.5, 2.0, 1000)
    assert law.with_size(None).size is None
    assert law.params == {"c": 0.5, "sigma2": 1.0}


def test_equality_hash_repr_latex():
    a, b = fc.Semicircle(2.0, size=10), fc.Semicircle(2, size=10)
    assert a == b and hash(a) == hash(b) and a != fc.Semicircle(2.0)
    assert repr(fc.MarchenkoPastur(0.5, size=7)) == "MarchenkoPastur(c=0.5, sigma2=1, size=7)"
    assert sp.latex(fc.MarchenkoPastur(0.5)) == r"\mathrm{MP}\left(c = \frac{1}{2}, \sigma^2 = 1\right)"
    assert fc.Semicircle(1)._repr_latex_().startswith("$")


@pytest.mark.parametrize("size, exc", [(0, ValueError), (-3, ValueError), (2.5, ValueError), ("10", TypeError),
                                       (True, TypeError), (float("inf"), ValueError), (float("nan"), ValueError)])
def test_bad_size(size, exc):
    with pytest.raises(exc, match="size must be an integer"):
        fc.Semicircle(1, size=size)
    with pytest.raises(exc, match="size must be an integer"):
        fc.Semicircle(1).with_size(size)


@pytest.mark.parametrize("size", [100.0, 1e2, np.int32(100), np.float64(100.0)])
def test_integral_size_accepted(size):
    # one count rule for the whole package (freecalc._params.check_count)
    law = fc.MarchenkoPastur(0.5, size=size)
    assert law.size == 100 and type(law.size) is int
    assert law == fc.MarchenkoPastur(0.5, size=100)


def test_unknown_and_missing_parameters():
    with pytest.raises(TypeError, match="unexpected parameter 'radius'"):
        fc.Semicircle(radius=1)
    with pytest.raises(TypeError, match="needs parameter 'c'"):
        fc.MarchenkoPastur()
    with pytest.raises(TypeError, match="takes 2 parameter"):
        fc.Semicircle(1, 2, 3)


def test_symbolic_parameters_numeric_methods_raise():
    c = sp.Symbol("c", positive=True)
    law = fc.MarchenkoPastur(c)
    assert law.is_symbolic
    with pytest.raises(fc.SymbolicParameterError, match="needs numeric parameters"):
        law.pdf(1.0)
    with pytest.raises(fc.SymbolicParameterError):
        law.support  # noqa: B018
    # the symbolic face stays in terms of c
    assert sp.simplify(law.sym.moment(2) - (1 + c)) == 0


def test_law_arithmetic_between_laws_is_refused():
    a, b = fc.Semicircle(1), fc.MarchenkoPastur(0.5)
    with pytest.raises(TypeError, match="free_add"):
        a + b  # noqa: B018
    with pytest.raises(TypeError, match="free_mul"):
        a * b  # noqa: B018


def test_scalars_in_scalars_out_and_shapes():
    law = fc.MarchenkoPastur(0.5)
    assert isinstance(law.pdf(1.0), float)
    assert isinstance(law.stieltjes(1j), complex)
    assert law.pdf(np.ones((3, 4))).shape == (3, 4)
    assert law.stieltjes(np.ones((2, 5)) * 1j).shape == (2, 5)
    with pytest.raises(TypeError, match="real"):
        law.pdf(1j)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        law.ppf(1.5)
    with pytest.raises(ValueError, match="finite"):
        law.stieltjes(np.nan)


def test_lower_half_plane_is_conjugate_and_real_axis_is_boundary_value():
    law = fc.Semicircle(2)
    z = np.array([0.3 + 0.2j, -1.5 + 1e-3j])
    assert np.allclose(law.stieltjes(np.conj(z)), np.conj(law.stieltjes(z)), rtol=1e-15)
    # on the support, Im m(x + i0) = pi rho(x) > 0 (upper boundary value)
    x = np.array([-1.0, 0.0, 1.7])
    assert np.allclose(law.stieltjes(x).imag, np.pi * law.pdf(x), rtol=1e-13)
    # outside the support the boundary value is real and equals the closed form (-x + sqrt(x^2 - 4))/2
    assert np.isclose(law.stieltjes(3.0), (-3 + np.sqrt(5)) / 2, rtol=1e-15)


def test_generic_fallbacks_agree_with_closed_forms():
    # base-class default (quadrature stieltjes) against the quadratic closed form; the Newton R and S defaults are
    # checked in test_transform_series.py
    law = fc.MarchenkoPastur(0.3, 2.0)
    z = np.array([1 + 2j, -1 + 0.5j, 9 + 0.1j])
    assert np.allclose(stieltjes_by_quadrature(law, z), law.stieltjes(z), rtol=1e-10)


def test_variance_with_infinite_mean_is_infinite():
    # Regression: var = m2 − m1² gave ∞ − ∞ = NaN for a law without a mean (InverseHTMP(0.2, 0.5): tail x^-1.2)
    law = fc.InverseHTMP(0.2, 0.5)
    assert law.mean() == math.inf and law.moment(2) == math.inf
    assert law.var() == math.inf
    assert fc.Semicircle(2.0).var() == pytest.approx(1.0, rel=1e-14)  # finite case unchanged: r²/4
