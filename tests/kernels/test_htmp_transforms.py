"""The moment kernels of HTMP (freecalc/kernels/htmp_transforms.py) against independent routes: the closed-form
second moment, and Gauss–Legendre quadrature of the density for moments and negative moments. (The Stieltjes
kernels of the module are tested in test_htmp_cf.py and test_htmp_offaxis.py.)"""
import numpy as np
import pytest
from scipy import integrate

import freecalc as fc
from freecalc.kernels.htmp_transforms import htmp_inverse_moments, htmp_moments


@pytest.mark.parametrize("gamma, kappa", [(0.25, 2.0), (0.5, 5.0), (0.75, 20.0)])
def test_moments_match_the_closed_form_and_quadrature(gamma, kappa):
    m = htmp_moments(gamma, kappa, 4)
    assert m[0] == 1.0 and abs(m[1] - 1.0) < 1e-15
    assert abs(m[2] - (1 + gamma + 2 * gamma / kappa)) < 1e-14  # E[X²] = 1 + γ + 2γ/κ (notes/htmp.md)
    law = fc.HTMP(gamma, kappa)
    for k in (3, 4):
        quad, _ = integrate.quad(lambda x: x ** k * law.pdf(x), 0, np.inf, limit=400)
        assert abs(m[k] - quad) < 1e-8 * m[k]  # adaptive quadrature of the kernel density, ~1e-10 measured


@pytest.mark.parametrize("gamma, kappa", [(0.25, 2.0), (0.5, 20.0)])
def test_negative_moments_match_quadrature_and_diverge_past_a(gamma, kappa):
    law = fc.HTMP(gamma, kappa)
    A = kappa * (1 - gamma) / (2 * gamma) - 1
    n = htmp_inverse_moments(gamma, kappa, 3)
    assert n[0] == 1.0
    for k in (1, 2, 3):
        if k >= A + 1:  # ρ ~ x^A at 0: E[X^{-k}] = ∞ once k ≥ A + 1
            assert n[k] == np.inf
            continue
        quad, _ = integrate.quad(lambda x: x ** -k * law.pdf(x), 0, np.inf, limit=400)
        assert abs(n[k] - quad) < 1e-7 * n[k]
