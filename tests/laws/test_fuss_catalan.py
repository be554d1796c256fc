"""Fuss–Catalan law: moments, edge, explicit density (s = 2), MP(1)^{⊠s}, the near-0 root picking, matrix model."""
import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.fuss_catalan import _small_x_pdf
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples

ORDERS = [1, 2, 3, 5, 12]


@pytest.mark.parametrize("s", ORDERS)
def test_conformance(s):
    report = check_law(fc.FussCatalan(s))
    assert set(report.skipped) == {"symbolic"}  # an algebraic law has no closed-form m(z) to compare with


@pytest.mark.parametrize("s", ORDERS)
def test_moments_and_edge(s):
    law = fc.FussCatalan(s)
    expected = [math.comb((s + 1) * k, k) / (s * k + 1) for k in range(1, 6)]
    # exact series of the equation (symbolic route) and quadrature of the density (numeric route)
    assert [int(v) for v in law.sym.moments(5)] == [round(e) for e in expected]
    xs, ws = law.continuous_rule()
    quad = [np.sum(ws * xs ** k) for k in range(1, 6)]
    assert np.allclose(quad, expected, rtol=1e-8, atol=0)
    assert abs(ws.sum() - 1.0) < 1e-12  # analytic integrand in the substituted variables
    edge = (s + 1) ** (s + 1) / s ** s
    assert law.support == ((0.0, pytest.approx(edge, rel=1e-12, abs=0)),)
    assert law.atoms == ()


def test_equation_from_the_generating_function():
    # B(t) = 1 + t B^{s+1} with B(1/z) = −z m
    s = 3
    B = -T.z * T.m
    derived = sp.expand(T.z * (B - 1 - B ** (s + 1) / T.z))
    eq = fc.FussCatalan(s).sym.equation()
    assert sp.expand(derived + T.z * eq) == 0 or sp.expand(derived - T.z * eq) == 0  # up to the canonical sign


def test_s1_is_marchenko_pastur():
    x = np.linspace(0.0, 4.2, 211)
    assert np.max(np.abs(fc.FussCatalan(1).cdf(x) - fc.MarchenkoPastur(1.0).cdf(x))) < 1e-12


def test_explicit_density_s2():
    # Penson & Życzkowski (2011), eq. (6): an independent closed form on (0, 27/4)
    x = np.linspace(1e-4, 6.749, 400)
    r = (27 + 3 * np.sqrt(81 - 12 * x))
    ref = (2 ** (1 / 3) * math.sqrt(3) / (12 * math.pi) * (2 ** (1 / 3) * r ** (2 / 3) - 6 * x ** (1 / 3))
           / (x ** (2 / 3) * r ** (1 / 3)))
    # the closed form cancels near the edge (difference of nearly equal terms): relative 1e-9 on this grid
    assert np.allclose(fc.FussCatalan(2).pdf(x), ref, rtol=1e-9, atol=1e-12)


def test_free_product_of_two_mp():
    law = fc.FussCatalan(2)
    assert np.allclose(law.s_transform(np.array([0.1, 0.3, -0.5])), (1 + np.array([0.1, 0.3, -0.5])) ** -2.0,
                       rtol=1e-14)
    prod = fc.free_mul(fc.MarchenkoPastur(1.0), fc.MarchenkoPastur(1.0))
    assert prod.equation == law.equation  # exact polynomial route: the same curve


@pytest.mark.parametrize("s", [1, 2, 6, 12])
def test_small_x_root_picking_matches_continuation(s):
    # overlap region where both the branch continuation and the rescaled-root formula work
    x = np.array([1e-6, 1e-5, 1e-4, 9.9e-4])
    cont = AlgebraicLaw._pdf(fc.FussCatalan(s), x)
    assert np.allclose(_small_x_pdf(x, s), cont, rtol=1e-12)
    tiny = np.array([1e-300, 1e-250])  # relative correction ~ x^{1/(s+1)}/(s+1) < 1e-19 there
    lead = math.sin(math.pi / (s + 1)) * tiny ** (-s / (s + 1)) / math.pi  # leading asymptotic
    assert np.allclose(fc.FussCatalan(s).pdf(tiny), lead, rtol=1e-8)


@pytest.mark.parametrize("s, exc", [(0, ValueError), (1.5, ValueError), (13, ValueError), (-2, ValueError),
                                    (float("nan"), ValueError), ("2", TypeError), (sp.Symbol("s"), TypeError)])
def test_bad_parameter(s, exc):
    with pytest.raises(exc, match="'s'"):
        fc.FussCatalan(s)


def test_identity_and_replace():
    law = fc.FussCatalan(2)
    assert law == fc.FussCatalan(2.0) and law != fc.FussCatalan(3)
    assert repr(law.replace(s=3).with_size(10)) == "FussCatalan(s=3, size=10)"


def test_matrix_model_small():
    # n = 200, s = 2: mean 1, second moment 3; sampling error of the ESD moments ~ 1/n (Gaussian fluctuations)
    eig = np.linalg.eigvalsh(fc.FussCatalan(2).matrix(200, rng=1))
    assert abs(eig.mean() - 1.0) < 0.05 and abs(np.mean(eig ** 2) - 3.0) < 0.3
    assert eig.min() > -1e-10 and eig.max() < 1.1 * 6.75


@pytest.mark.slow
def test_samples():
    out = check_samples(fc.FussCatalan(3), 2000, rng=7)
    assert set(out) == {"rvs", "matrix"}
