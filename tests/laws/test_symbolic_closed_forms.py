"""Closed forms on the symbolic face: mean, variance, cdf, and R/S of ⊞/⊠ results, each checked against the
numeric face (an independent route: quadrature, Newton on m(z))."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.symbolic import transforms as T


@pytest.mark.parametrize("law", [fc.Semicircle(2, 0.5), fc.MarchenkoPastur(0.5, 2), fc.Wachter(2, 3),
                                 fc.KestenMcKay(3), fc.Atoms((0, 1), (0.25, 0.75))], ids=repr)
def test_mean_and_variance(law):
    assert float(law.sym.mean()) == pytest.approx(law.mean(), rel=1e-12, abs=1e-14)
    assert float(law.sym.variance()) == pytest.approx(law.var(), rel=1e-10)


def test_symbolic_parameters_stay_symbolic():
    c, s2 = sp.symbols("c sigma2", positive=True)
    law = fc.MarchenkoPastur(c, s2)
    assert sp.simplify(law.sym.mean() - s2) == 0
    assert sp.simplify(law.sym.variance() - c * s2 ** 2) == 0


@pytest.mark.parametrize("law", [fc.Semicircle(2), fc.Semicircle(0.7, -1.5), fc.Atoms((0, 1), (0.25, 0.75))],
                         ids=repr)
def test_closed_form_cdf_matches_numeric(law):
    F = sp.lambdify(T.x, law.sym.cdf(T.x), "mpmath")
    for x in np.linspace(-3, 3, 25):
        assert float(F(x)) == pytest.approx(float(law.cdf(x)), abs=1e-12)


def test_cdf_without_closed_form_says_so():
    with pytest.raises(NotImplementedError, match="no closed-form cdf"):
        fc.MarchenkoPastur(0.5).sym.cdf()


def test_r_transform_of_a_free_sum_is_the_sum(sc_plus_mp):
    law = sc_plus_mp  # Semicircle(2) ⊞ MarchenkoPastur(0.5) (tests/conftest.py)
    R = law.sym.r_transform(T.w)
    expected = fc.Semicircle(2).sym.r_transform(T.w) + fc.MarchenkoPastur(0.5).sym.r_transform(T.w)
    assert sp.simplify(R - expected) == 0
    for w in (0.05, -0.1 + 0.02j, 0.2j):
        assert complex(R.subs(T.w, w)) == pytest.approx(complex(law.r_transform(w)), abs=1e-9)


def test_r_transform_of_a_symbolic_free_sum():
    r, c = sp.symbols("r c", positive=True)
    law = fc.free_add(fc.Semicircle(r), fc.MarchenkoPastur(c))
    assert sp.simplify(law.sym.r_transform(T.w) - (r ** 2 * T.w / 4 + 1 / (1 - c * T.w))) == 0


def test_s_transform_of_a_free_product_is_the_product(mp_times_mp):
    law = mp_times_mp  # MarchenkoPastur(0.5) ⊠ MarchenkoPastur(0.25) (tests/conftest.py)
    S = law.sym.s_transform(T.w)
    expected = fc.MarchenkoPastur(0.5).sym.s_transform(T.w) * fc.MarchenkoPastur(0.25).sym.s_transform(T.w)
    assert sp.simplify(S - expected) == 0
    for w in (-0.1, 0.05 + 0.03j):
        assert complex(S.subs(T.w, w)) == pytest.approx(complex(law.s_transform(w)), abs=1e-8)
