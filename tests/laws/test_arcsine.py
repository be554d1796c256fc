"""Arcsine law: cdf and Stieltjes closed forms, Bernoulli ⊞ Bernoulli, free Meixner and Kesten–McKay forms."""
import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.base import Law
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples

R = sp.Symbol("r", positive=True)


@pytest.mark.parametrize("r", [1e-3, 0.5, 2.0, 37.0])
def test_conformance(r):
    law = fc.Arcsine(r)
    check_law(law).require_complete()
    assert law.support == ((-r, r),) and law.atoms == ()


@pytest.mark.parametrize("r", [0.5, 2.0, 37.0])
def test_cdf_and_quadrature(r):
    law = fc.Arcsine(r)
    x = np.linspace(-1.1 * r, 1.1 * r, 1001)
    ref = 0.5 + np.arcsin(np.clip(x / r, -1, 1)) / np.pi
    assert np.max(np.abs(law.cdf(x) - ref)) < 1e-10
    # the generic Gauss–Legendre cdf of the density (independent of the closed form): measured ~3e-13
    assert np.max(np.abs(Law._cdf(law, x) - ref)) < 1e-10
    q = np.linspace(0.01, 0.99, 50)
    assert np.max(np.abs(law.cdf(law.ppf(q)) - q)) < 1e-12


def test_stieltjes_branch():
    r = 1.5
    z = np.array([0.3 + 0.2j, 2 + 1e-3j, -2 + 1e-3j, 1e-3 + 5j, -0.7 + 1e-9j])
    m = fc.Arcsine(r).stieltjes(z)
    # −1/√(z − r)√(z + r) with principal roots: Im m > 0 on the upper half-plane
    assert np.allclose(m, -1 / (np.sqrt(z - r) * np.sqrt(z + r)), rtol=1e-12)
    assert np.all(m.imag > 0)
    # quadrature of the density against the closed form away from the axis
    assert np.allclose(m[:2], Law._stieltjes(fc.Arcsine(r), z[:2]), rtol=1e-9)


def test_bernoulli_square_is_arcsine():
    b = fc.Atoms([-1.0, 1.0], [0.5, 0.5])
    s = fc.free_add(b, b)
    x = np.linspace(-1.999, 1.999, 801)
    # exact polynomial route vs the closed form: measured 1.3e-10 (branch continuation near the edges)
    assert np.max(np.abs(s.cdf(x) - fc.Arcsine(2.0).cdf(x))) < 1e-6


def test_other_families():
    x = np.linspace(-2.9, 2.9, 301)
    law = fc.Arcsine(3.0)
    # FM(0, r²/4, 2) and (r/2)·KM(2): closed forms of other classes, equal up to rounding
    assert np.allclose(fc.FreeMeixner(0.0, 9.0 / 4, 2.0).cdf(x), law.cdf(x), rtol=0, atol=1e-12)
    assert np.allclose(fc.KestenMcKay(2.0).cdf(x / 1.5), law.cdf(x), rtol=0, atol=1e-14)
    assert 2 * law == fc.Arcsine(6.0) and -1 * law == fc.Arcsine(3.0)


def test_moments_and_cumulants():
    law = fc.Arcsine(2.0)
    # m_{2j} = C(2j, j) (r/2)^{2j}: 2, 6, 20 for r = 2 (quadrature as independent route)
    assert [law.moment(k) for k in (1, 2, 4, 6)] == [0.0, 2.0, 6.0, 20.0]
    xs, ws = law.continuous_rule()
    assert abs(np.sum(ws * xs ** 6) - 20.0) < 1e-10
    assert np.allclose(law.free_cumulants(4), [0.0, 2.0, 0.0, -2.0], atol=1e-12)  # κ₂ = r²/2, κ₄ = −r⁴/8


def test_symbolic_face():
    law = fc.Arcsine(R)
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    moms_r = T.moments_from_free_cumulants(T.cumulants_from_r(law.sym.r_transform(), 6))
    assert all(sp.simplify(a - b) == 0 for a, b in zip(moms_r, law.sym.moments(6)))
    assert sp.simplify(law.sym.moment(4) - 6 * (R / 2) ** 4) == 0
    F = sp.lambdify(T.x, law.sym.cdf(T.x).subs(R, 2))
    assert abs(F(1.0) - (0.5 + math.asin(0.5) / math.pi)) < 1e-15
    with pytest.raises(ValueError, match="mean"):
        law.sym.s_transform()


@pytest.mark.parametrize("r, exc", [(0, ValueError), (-1.0, ValueError), (float("nan"), ValueError),
                                    (float("inf"), ValueError), ("2", TypeError), (None, TypeError)])
def test_bad_parameter(r, exc):
    with pytest.raises(exc, match="'r'"):
        fc.Arcsine(r)


def test_matrix_model_small():
    M = fc.Arcsine(2.0).matrix(300, rng=3)
    eig = np.linalg.eigvalsh(M)
    assert np.allclose(M, M.T)
    assert eig.min() > -2.1 and eig.max() < 2.1  # edge fluctuations ~ n^{-2/3}
    assert abs(np.mean(eig ** 2) - 2.0) < 0.1  # second moment r²/2, sampling error ~ 1/n


@pytest.mark.slow
def test_samples():
    out = check_samples(fc.Arcsine(1.3), 2000, rng=6)
    assert set(out) == {"rvs", "matrix"}
