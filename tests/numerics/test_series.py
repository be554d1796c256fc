"""Truncated power series (freecalc/numerics/series.py) against closed forms."""
import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.numerics.series import horner, s_series_from_moments, series_mul, series_revert


def test_revert_exp_minus_one_is_log1p():
    K = 10
    c = [0.0] + [1.0 / math.factorial(n) for n in range(1, K + 1)]  # e^u − 1
    d = series_revert(c, K)
    np.testing.assert_allclose(d[1:], [(-1.0) ** (n + 1) / n for n in range(1, K + 1)], rtol=1e-12)  # log(1 + u)


def test_mul_and_horner():
    a, b = [1.0, 2.0, 0.0], [3.0, 0.0, 1.0]
    assert series_mul(a, b, 2) == [3.0, 6.0, 1.0]
    w = np.array([0.0, 0.5, 1j])
    np.testing.assert_allclose(horner([3.0, 6.0, 1.0], w), 3 + 6 * w + w * w)


@pytest.mark.parametrize("c", [0.3, 2.0])
def test_s_series_of_marchenko_pastur(c):
    # S of MP(c) is 1/(1 + cw): coefficients (−c)^n
    s = s_series_from_moments(fc.MarchenkoPastur(c).moments(8))
    np.testing.assert_allclose(s, [(-c) ** n for n in range(8)], rtol=1e-10, atol=1e-12)


def test_revert_rejects_non_invertible():
    with pytest.raises(ValueError, match="c1 != 0"):
        series_revert([0.0, 0.0, 1.0], 3)
