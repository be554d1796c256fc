"""fc.finite.RealRootedPolynomial, quantile_polynomial and root_measure: construction, certification, the law link."""
from __future__ import annotations

import numpy as np
import pytest

import freecalc as fc
from freecalc import finite as ff


def test_roots_are_sorted_read_only_and_evaluated_in_product_form():
    p = ff.RealRootedPolynomial([3.0, -1.0, 0.5])
    assert p.degree == 3 and p.roots.tolist() == [-1.0, 0.5, 3.0] and p.radius == 0.0
    with pytest.raises(ValueError):
        p.roots[0] = 7.0  # read-only
    assert p(2.0) == pytest.approx((2 + 1) * (2 - 0.5) * (2 - 3), rel=1e-15)


def test_from_coefficients_certifies_real_roots():
    # (x − 1)(x − 2)(x + 3) = x³ − 7x + 6
    p = ff.RealRootedPolynomial.from_coefficients([1.0, 0.0, -7.0, 6.0])
    np.testing.assert_allclose(p.roots, [-3.0, 1.0, 2.0], rtol=0, atol=1e-14)  # certified radius is ~1e-15
    assert p.radius < 1e-13


@pytest.mark.parametrize("coeffs, what", [([1.0, 0.0, 1.0], "complex pair x² + 1"),
                                          ([1.0, -2.0, 1.0], "double root (x − 1)²"),
                                          ([1.0, 0.0, 0.0, -1.0], "x³ − 1")])
def test_from_coefficients_refuses_what_it_cannot_certify(coeffs, what):
    with pytest.raises(ff.CertificationError, match="could not be certified real-rooted"):
        ff.RealRootedPolynomial.from_coefficients(coeffs)


def test_bad_roots_and_coefficients_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"roots\[0\] = inf is not finite"):
        ff.RealRootedPolynomial([np.inf, 1.0])
    with pytest.raises(ValueError, match="nonzero imaginary part"):
        ff.RealRootedPolynomial(np.array([1.0, 1j]))
    with pytest.raises(ValueError, match="real numbers"):
        ff.RealRootedPolynomial(["a", "b"])
    with pytest.raises(ValueError, match="radius"):
        ff.RealRootedPolynomial([1.0], radius=-1.0)
    with pytest.raises(ValueError, match=r"leading coefficient must be nonzero"):
        ff.RealRootedPolynomial.from_coefficients([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="not finite|non-finite"):
        ff.RealRootedPolynomial.from_coefficients([1.0, np.nan])
    with pytest.raises(ValueError, match=r"d = 0 must be an integer ≥ 1"):
        ff.quantile_polynomial(fc.Semicircle(1.0), 0)


def test_real_valued_complex_input_is_accepted():
    p = ff.RealRootedPolynomial(np.array([2.0 + 0j, -1.0 + 0j]))
    assert p.roots.dtype == float and p.roots.tolist() == [-1.0, 2.0]


def test_quantile_polynomial_and_root_measure_link_to_the_law():
    law = fc.Semicircle(2.0)
    d = 200
    p = ff.quantile_polynomial(law, d)
    mu = ff.root_measure(p)
    assert isinstance(mu, fc.Empirical) and mu.size == d
    # the i-th root is the (i − ½)/d quantile: the law's cdf there is exactly that (up to ppf accuracy)
    np.testing.assert_allclose(law.cdf(p.roots), (np.arange(d) + 0.5) / d, rtol=0, atol=1e-10)
    # moments of the root measure → the law's (semicircle radius 2: variance 1); the quantile grid is O(1/d²) off
    assert abs(mu.var() - 1.0) < 5.0 / d
