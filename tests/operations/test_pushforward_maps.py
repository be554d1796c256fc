"""square, mobius: matrix-model Monte Carlo, exact curves against the numeric routes, bad input."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.operations.pushforward_maps import MobiusLaw, SquareLaw
from freecalc.testing import check_law


def _ks(sample, law):
    x = np.sort(np.asarray(sample))
    n = x.size
    F = law.cdf(x)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - F), np.max(F - (i - 1) / n)))


@pytest.fixture(scope="module")
def goe_eigs():
    # one GOE matrix of size 2000 (semicircle of radius 2): eigenvalues are rigid (fluctuations ~ log n / n), so the
    # KS distance of a map of them to the pushforward law is far below that of 2000 independent draws (~0.02)
    return np.linalg.eigvalsh(fc.Semicircle(2.0).matrix(2000, rng=12))


def test_square_monte_carlo(goe_eigs):
    law = fc.square(fc.Semicircle(2.0, center=0.5))
    assert isinstance(law, SquareLaw) and law.is_algebraic
    assert _ks((goe_eigs + 0.5) ** 2, law) < 0.02
    # independent draws of X (seeded): the classical KS scale, 1.63/√n at the 1 % level
    assert _ks(fc.Semicircle(2.0, center=0.5).rvs(2000, rng=3) ** 2, law) < 1.63 / np.sqrt(2000)


@pytest.mark.parametrize("coef", [(1.0, 1.0, 1.0, 3.0), (0.0, 1.0, 1.0, -2.5)])
def test_mobius_monte_carlo(goe_eigs, coef):
    a, b, c, d = coef  # increasing (ad − bc = 2) and decreasing (ad − bc = −1) maps, poles −3 and 2.5
    law = fc.mobius(fc.Semicircle(2.0), a, b, c, d)
    assert isinstance(law, MobiusLaw)
    assert _ks((a * goe_eigs + b) / (c * goe_eigs + d), law) < 0.02


def test_square_of_semicircle_is_marchenko_pastur():
    law = fc.square(fc.Semicircle(2.0))
    assert law.equation == fc.to_algebraic(fc.MarchenkoPastur(1.0)).equation
    x = np.linspace(0.0, 4.2, 101)
    assert np.max(np.abs(law.cdf(x) - fc.MarchenkoPastur(1.0).cdf(x))) < 1e-12  # two closed forms, rounding


@pytest.mark.parametrize("make", [
    lambda: fc.square(fc.Semicircle(1.0, center=0.5)),
    lambda: fc.square(fc.MarchenkoPastur(0.5)),
    lambda: fc.mobius(fc.MarchenkoPastur(0.5), 2.0, 1.0, -1.0, 4.0),
    lambda: fc.mobius(fc.Semicircle(2.0), 1.0, 0.0, 1.0, 3.0),
])
def test_exact_curve_matches_numeric_route(make):
    law = make()
    check_law(law)
    alg = fc.to_algebraic(law)
    z = np.array([0.3 + 0.5j, -1.0 + 0.1j, 2.0 + 1e-3j, 10.0 + 1.0j])
    # the curve's branch continuation vs the input laws' closed forms mapped: rounding and continuation (1e-10)
    assert np.allclose(alg.stieltjes(z), law.stieltjes(z), rtol=1e-10, atol=1e-12)
    lo, hi = law.support[0][0], law.support[-1][1]
    x = np.linspace(lo, hi, 23)[1:-1]
    assert np.allclose(alg.pdf(x), law.pdf(x), rtol=1e-9, atol=1e-12)
    assert np.allclose([alg.moment(k) for k in (1, 2, 3)], [law.moment(k) for k in (1, 2, 3)], rtol=1e-10)


def test_polynomial_route_downstream():
    s = fc.free_add(fc.square(fc.Semicircle(1.0, center=0.5)), fc.Semicircle(1.0))
    assert isinstance(s, fc.AlgebraicLaw)
    assert abs(s.mean() - 0.5) < 1e-12  # E X² = 1/4 + 1/4 for the shifted semicircle of radius 1, plus 0


def test_numeric_inputs():
    emp = fc.Empirical(np.linspace(-1.0, 2.0, 40))
    sq = fc.square(emp)
    assert not sq.is_algebraic
    with pytest.raises(TypeError, match="no polynomial equation"):
        sq.equation
    assert abs(sq.mean() - np.mean(np.linspace(-1.0, 2.0, 40) ** 2)) < 1e-12


def test_bad_input():
    sc = fc.Semicircle(2.0)
    with pytest.raises(ValueError, match="ad − bc = 0"):
        fc.mobius(sc, 1.0, 2.0, 2.0, 4.0)
    with pytest.raises(ValueError, match="pole −d/c = -1"):
        fc.mobius(sc, 1.0, 0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="pole"):  # an atom at the pole
        fc.mobius(fc.Atoms([0.0, 5.0], [0.5, 0.5]), 1.0, 0.0, 1.0, -5.0)
    with pytest.raises(TypeError, match="'?a'?"):
        fc.mobius(sc, "1", 0.0, 1.0, 3.0)
    with pytest.raises(TypeError, match="law"):
        fc.square(3.0)
    assert fc.mobius(sc, 2.0, 1.0, 0.0, 1.0) == 2.0 * sc + 1.0  # c = 0: the affine map
