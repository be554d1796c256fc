import numpy as np
import pytest

from freecalc.fitting.tracy_widom import TW1_MEAN, TW1_VAR, tw1_cdf, tw1_ppf


def test_mean_and_variance_match_bornemann():
    # moments by quadrature of s dF on [-8, 8] (F_1 mass outside < 1e-9); tolerance 1e-6 covers the
    # finite-difference density on a 0.004 grid (its error is O(h^2) ~ 1e-6)
    s = np.linspace(-8.0, 8.0, 4001)
    F = tw1_cdf(s)
    f = np.gradient(F, s)
    mean = np.trapezoid(s * f, s)
    var = np.trapezoid(s * s * f, s) - mean ** 2
    assert mean == pytest.approx(TW1_MEAN, abs=1e-5)
    assert var == pytest.approx(TW1_VAR, abs=1e-4)


def test_textbook_quantiles():
    # Tracy–Widom F_1 quantiles tabulated to 4 decimals (e.g. Bejan 2005): 0.95 -> 0.9793, 0.99 -> 2.0234
    assert tw1_ppf(0.95) == pytest.approx(0.9793, abs=1e-4)
    assert tw1_ppf(0.99) == pytest.approx(2.0234, abs=1e-4)
    assert tw1_cdf(tw1_ppf(0.999)) == pytest.approx(0.999, abs=1e-10)  # brentq xtol 1e-12


def test_cdf_is_monotone_and_bounded():
    F = tw1_cdf(np.linspace(-12, 14, 300))
    assert np.all(np.diff(F) >= -1e-14) and F[0] == 0.0 and F[-1] == 1.0


@pytest.mark.parametrize("q", [0.0, 1.0, -0.1, float("nan")])
def test_ppf_rejects_bad_levels(q):
    with pytest.raises(ValueError, match="q"):
        tw1_ppf(q)
