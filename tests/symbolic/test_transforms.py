"""Moments <-> free cumulants <-> R/S/Stieltjes series (freecalc/symbolic/transforms.py)."""
import sympy as sp
from hypothesis import given, settings, strategies as st

from freecalc.symbolic import transforms as T

CATALAN = [1, 2, 5, 14, 42, 132]


def test_semicircle_moments_are_catalan_numbers():
    # semicircle of variance 1: kappa_2 = 1, others 0 -> even moments are Catalan numbers
    mom = T.moments_from_free_cumulants([0, 1] + [0] * 10)
    assert mom[1::2] == CATALAN


def test_free_poisson_cumulants_are_one():
    # MP(1): moments are Catalan numbers C_k (Narayana sums at c = 1), free cumulants all 1
    assert T.free_cumulants_from_moments(CATALAN) == [1] * 6


def test_symbolic_round_trip():
    ks = sp.symbols("k1:6")
    mom = T.moments_from_free_cumulants(list(ks))
    assert mom[1] == sp.expand(ks[1] + ks[0] ** 2)
    assert mom[2] == sp.expand(ks[2] + 3 * ks[0] * ks[1] + ks[0] ** 3)
    back = T.free_cumulants_from_moments(mom)
    assert [sp.expand(b - k) for b, k in zip(back, ks)] == [0] * 5


@settings(max_examples=30, deadline=None)
@given(st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=7), min_size=1, max_size=6))
def test_round_trip_exact_rationals(kappas):
    kappas = [sp.Rational(k.numerator, k.denominator) for k in kappas]
    assert T.free_cumulants_from_moments(T.moments_from_free_cumulants(kappas)) == kappas


def test_cumulants_from_r_and_moments_from_stieltjes_agree():
    c = sp.Symbol("c", positive=True)
    r = 1 / (1 - c * T.w)  # MP(c)
    kappas = T.cumulants_from_r(r, 4)
    assert [sp.simplify(k - c ** i) for i, k in enumerate(kappas)] == [0] * 4
    m = (1 - c - T.z + sp.sqrt(T.z - (1 - sp.sqrt(c)) ** 2) * sp.sqrt(T.z - (1 + sp.sqrt(c)) ** 2)) / (2 * c * T.z)
    moms = T.moments_from_stieltjes(m, 3)
    expect = T.moments_from_free_cumulants(kappas[:3])
    assert [sp.simplify(a - b) for a, b in zip(moms, expect)] == [0] * 3


def test_s_series_of_free_poisson():
    # MP(c): S(w) = 1/(1 + c w)
    c = sp.Symbol("c", positive=True)
    moms = T.moments_from_free_cumulants([c ** 0, c, c ** 2, c ** 3, c ** 4])
    s = T.s_series_from_moments(moms)
    target = sp.series(1 / (1 + c * T.w), T.w, 0, 4).removeO()
    assert sp.expand(s - target) == 0
