"""Closed-form rules of FreePoisson and Arcsine against the generic routes they replace."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.operations.decompression_core import exact_rule_for

LAM, A, T_ = sp.symbols("lambda a t", positive=True)


def test_free_poisson_add_matches_polynomial_route():
    a, b = fc.FreePoisson(0.7, 1.3), fc.FreePoisson(1.1, 1.3)
    closed = fc.free_add(a, b)
    assert closed == fc.FreePoisson(1.8, 1.3)
    generic = fc.free_add(fc.to_algebraic(a), fc.to_algebraic(b))
    x = np.linspace(0.0, 8.0, 161)
    assert np.max(np.abs(closed.cdf(x) - generic.cdf(x))) < 1e-8  # polynomial route: branch continuation accuracy


def test_free_poisson_add_symbolic_and_different_jumps():
    assert fc.free_add(fc.FreePoisson(LAM, A), fc.FreePoisson(2 * LAM, A)) == fc.FreePoisson(3 * LAM, A)
    assert not isinstance(fc.free_add(fc.FreePoisson(1.0, 1.0), fc.FreePoisson(1.0, 2.0)), fc.FreePoisson)


def test_scale_rules():
    assert T_ * fc.FreePoisson(LAM, A) == fc.FreePoisson(LAM, A * T_)
    assert -2.0 * fc.Arcsine(1.5) == fc.Arcsine(3.0)
    neg = -2.0 * fc.FreePoisson(2.0, 1.0)  # no FreePoisson: the quadratic rule, mean −4
    assert not isinstance(neg, fc.FreePoisson) and abs(neg.mean() + 4.0) < 1e-12


def test_free_poisson_decompression_matches_quadratic_formula():
    law = fc.FreePoisson(1.5, 0.8, size=100)
    closed = law.decompress(300)
    assert isinstance(closed, fc.FreePoisson) and closed.size == 300
    assert abs(closed.rate - 0.5) < 1e-15 and abs(closed.jump - 2.4) < 1e-15  # 0.8·3 in floating point
    assert exact_rule_for(law) is not None
    # κ_k of the decompressed law are f^{k−1} κ_k (R(w) → R(fw)): 1.2·(3·0.8)^{k−1}
    assert np.allclose(closed.free_cumulants(4), [1.2 * 2.4 ** (k - 1) for k in range(1, 5)], rtol=1e-9)


def test_fuss_catalan_affine_keeps_the_law():
    law = fc.FussCatalan(3)
    shifted, scaled = law + 2.0, -0.5 * law
    x = np.array([2.0 ** -30, 0.25, 4.0, 9.0])  # x + 2 exact in binary: only the maps are compared
    # the law's own density (root picking near the singular edge) at the mapped points
    assert np.allclose(shifted.pdf(x + 2.0), law.pdf(x), rtol=1e-14)
    assert np.allclose(scaled.pdf(-0.5 * x), law.pdf(x) / 0.5, rtol=1e-14)
    assert abs(shifted.cdf(2.0 + 2.0 ** -30) - law.cdf(2.0 ** -30)) < 1e-15
    xs, ws = shifted.continuous_rule()
    assert abs(ws.sum() - 1.0) < 1e-12 and abs(np.sum(ws * xs) - 3.0) < 1e-10  # mean 1 + 2


def test_arcsine_decompression_is_free_meixner():
    law = fc.Arcsine(2.0, size=100)
    closed = law.decompress(150)
    assert isinstance(closed, fc.FreeMeixner) and closed.size == 150
    # the quadratic formula route (the rule's independent counterpart): R(w) → R(1.5 w) on the free cumulants
    k = fc.Arcsine(2.0).free_cumulants(6)
    assert np.allclose(closed.free_cumulants(6), [k[j] * 1.5 ** j for j in range(6)], rtol=1e-9, atol=1e-12)
    assert closed.support[0] == pytest.approx((-3 ** 0.5, 3 ** 0.5), rel=1e-12)
