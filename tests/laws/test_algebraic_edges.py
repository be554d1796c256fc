"""Power-law edges of algebraic laws (freecalc/laws/algebraic_edges.py): exponent, tracked density, graded rule."""
from __future__ import annotations

import warnings
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.algebraic_edges import DEEP_LEVELS, end_chart_index, graded_breakpoints
from freecalc.numerics.quadrature import PowerEdgeRule, gauss_legendre
from freecalc.symbolic.transforms import m, z

#: the curve of MP(1) ⊠ MP(1) = FussCatalan(2) (S = (1 + w)^-2), whose density is ~ x^(-2/3) at 0
FC2 = m ** 3 * z ** 2 - m * z - 1


def _fc2_density(x: mp.mpf) -> mp.mpf:
    # Penson & Życzkowski (2011), Phys. Rev. E 83, 061118, eq. for s = 2 on [0, 27/4]
    a = 27 + 3 * mp.sqrt(81 - 12 * x)
    return mp.sqrt(3) / (6 * mp.pi) * (mp.cbrt(2) * a ** (mp.mpf(2) / 3) - 6 * mp.cbrt(x)) / (
        mp.cbrt(4) * x ** (mp.mpf(2) / 3) * mp.cbrt(a))


@pytest.fixture(scope="module")
def fc2_entropy() -> float:
    # independent route: tanh-sinh quadrature of the closed-form density at 25 digits, in u = x^(1/3) where
    # ρ dx = 3u²ρ(u³) du is bounded
    with mp.workdps(25):
        top = mp.cbrt(mp.mpf(27) / 4)

        def f(u: mp.mpf) -> mp.mpf:
            r = _fc2_density(u ** 3)
            return -3 * u ** 2 * r * mp.log(r)
        return float(mp.quad(f, [0, top / 2, top]))


def test_entropy_at_an_x_to_the_minus_two_thirds_edge(fc2_entropy) -> None:
    law = fc.AlgebraicLaw(FC2)
    assert law._power_edges[(0.0, 1)].alpha == Fraction(2, 3)
    # the rule reached u = 1e-3 only and the continuation stopped below x ~ 1e-20: the entropy was 5.6e-6 off
    assert law.entropy() == pytest.approx(fc2_entropy, abs=1e-9)
    assert law.entropy() == pytest.approx(fc.FussCatalan(2).entropy(), abs=1e-9)


@pytest.mark.slow  # the exact ⊠ of two MP laws builds its curve by elimination (~7 s)
def test_entropy_of_the_free_product_of_two_marchenko_pastur_laws(fc2_entropy) -> None:
    law = fc.free_mul(fc.MarchenkoPastur(1), fc.MarchenkoPastur(1))
    assert law.equation == fc.AlgebraicLaw(FC2).equation
    assert law.entropy() == pytest.approx(fc2_entropy, abs=1e-9)


@pytest.mark.parametrize("x", [1e-30, 1e-20, 1e-9, 1e-5])
def test_density_next_to_the_edge_matches_the_closed_form(x) -> None:
    law = fc.AlgebraicLaw(FC2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = law.pdf(np.array([x]))[0]
    with mp.workdps(25):
        ref = float(_fc2_density(mp.mpf(x)))
    # the tracked root of the rescaled curve (x ≤ 6.75e-5) and the continuation agree with it to rounding
    assert got == pytest.approx(ref, rel=1e-12)


def test_a_shifted_power_edge_keeps_mass_mean_and_entropy(fc2_entropy) -> None:
    # the end at 0.5: x = 0.5 + δ rounds δ < 1e-17 away, so the rule reads the density off its exact offsets
    law = fc.AlgebraicLaw(FC2) + 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, w = law.continuous_rule()
        h = law.entropy()
    assert np.sum(w) == pytest.approx(1.0, abs=1e-9)
    assert np.sum(w * x) == pytest.approx(1.5, abs=1e-9)
    assert h == pytest.approx(fc2_entropy, abs=1e-9)


def test_square_root_edges_are_no_power_edges() -> None:
    assert fc.AlgebraicLaw(fc.Semicircle(1).sym.equation())._power_edges == {}
    assert fc.AlgebraicLaw(fc.MarchenkoPastur(0.5).sym.equation())._power_edges == {}


def test_graded_rule_integrates_a_log_singular_power_edge() -> None:
    # ∫_0^1 x^(-2/3) log x dx = -9 exactly; with x = u^3 the integrand is 9 log u: Gauss panels reach ~1e-5 unless
    # the first panel is halved towards u = 0 (graded_breakpoints with deep=True; the adaptive rule starts from it)
    def f(x, delta, at_b):
        return x ** (-2.0 / 3.0) * np.log(x)

    t, wt = gauss_legendre(16)
    for deep, ok in ((True, True), (False, False)):
        rule = PowerEdgeRule(0.0, 1.0, 3, 1, 32, 16)
        total = 0.0
        for (end, length, k), deep_end in zip(rule.halves(), (deep, False)):
            u = graded_breakpoints(rule, k, deep_end)
            assert u[0] == 0.0 and np.all(np.diff(u) > 0)
            d = np.diff(u)
            uu = (u[:-1, None] + d[:, None] * t[None, :]).ravel()  # gauss_legendre: nodes and weights on [0, 1]
            w = (d[:, None] * wt[None, :]).ravel() * abs(length) * k * uu ** (k - 1)
            total += np.sum(w * f(end + length * uu ** k, None, False))
        assert (graded_breakpoints(rule, 3, deep)[1] <= 2.0 ** -DEEP_LEVELS) == deep
        err = abs(total + 9.0)
        assert (err < 1e-9) == ok and (err > 1e-7) == (not ok)


def test_end_chart_index_picks_the_nearest_end_within_its_reach() -> None:
    ends = np.array([-2.0, 1.0, 1.5])
    x = np.array([-2.9, -1.1, 0.0, 1.2, 1.3, 1.6, 2.3, 1.0])
    y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.6])
    # reach 0.5 |e|: -2.9 is 0.9 < 1 from -2; -1.1 is 0.9 from -2 (and 2.1 from 1); 0 is 1 from 1 (not < 0.5);
    # 1.2 nearest 1, 1.3 and 1.6 nearest 1.5, 2.3 is 0.8 > 0.75 from 1.5 (none); 1 + 0.6i: 0.6 > 0.5 from 1
    assert end_chart_index(ends, x, y, 0.5).tolist() == [0, 0, -1, 1, 2, 2, -1, -1]
    assert end_chart_index(np.zeros(0), x, y, 0.5).tolist() == [-1] * x.size
