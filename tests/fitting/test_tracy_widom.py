import numpy as np
import pytest

from freecalc.fitting.tracy_widom import TW1_MEAN, TW1_VAR, tw1_cdf, tw1_ppf


def test_mean_and_variance_match_bornemann():
    # integrate by parts on [-9, 9] (F_1(-9) < 1e-15, 1 - F_1(9) < 1e-11): E s = 9 - ∫F, E s² = 81 - 2∫sF
    # with 100-point Gauss–Legendre (F is entire: the rule's error is far below the 1e-8 tolerance)
    t, w = np.polynomial.legendre.leggauss(100)
    s, w = 9.0 * t, 9.0 * w
    F = tw1_cdf(s)
    mean = 9.0 - np.sum(w * F)
    second = 81.0 - 2.0 * np.sum(w * s * F)
    assert mean == pytest.approx(TW1_MEAN, abs=1e-8)
    assert second - mean ** 2 == pytest.approx(TW1_VAR, abs=1e-8)


def test_textbook_quantiles():
    # Tracy–Widom F_1 quantiles tabulated to 4 decimals (e.g. Bejan 2005): 0.95 -> 0.9793, 0.99 -> 2.0234
    assert tw1_ppf(0.95) == pytest.approx(0.9793, abs=1e-4)
    assert tw1_ppf(0.99) == pytest.approx(2.0234, abs=1e-4)
    assert tw1_cdf(tw1_ppf(0.999)) == pytest.approx(0.999, abs=1e-10)  # brentq xtol 1e-12


def test_cdf_is_monotone_and_bounded():
    F = tw1_cdf(np.linspace(-12, 14, 60))
    assert np.all(np.diff(F) >= -1e-14) and F[0] == 0.0 and F[-1] == 1.0


@pytest.mark.parametrize("q", [0.0, 1.0, -0.1, float("nan")])
def test_ppf_rejects_bad_levels(q):
    with pytest.raises(ValueError, match="q"):
        tw1_ppf(q)
