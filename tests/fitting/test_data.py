"""The data stage of a fit: eigenvalues of a rectangular matrix, and its refusal of non-finite entries."""
import numpy as np
import pytest

from freecalc.fitting.data import spectrum_from


@pytest.mark.parametrize("shape", [(300, 120), (120, 300)], ids=["tall", "wide"])
def test_rectangular_spectrum_is_that_of_the_gram_matrix(shape):
    w = np.random.default_rng(0).standard_t(3.0, size=shape)
    n, m = shape
    spec = spectrum_from(w)
    if m > n:  # WᵀW/N has the eigenvalues of WWᵀ/N and m − n structural zeros
        ref = np.concatenate([np.zeros(m - n), np.linalg.eigvalsh(w @ w.T / n)])
    else:
        ref = np.linalg.eigvalsh(w.T @ w / n)
    assert np.array_equal(spec.values, np.sort(ref))  # the same products and solver: bitwise
    assert spec.structural_zeros == max(0, m - n) and spec.shape == shape


@pytest.mark.parametrize("shape", [(300, 120), (120, 300)], ids=["tall", "wide"])
@pytest.mark.parametrize("bad,match", [(np.nan, "1 NaN and 0 infinite"), (np.inf, "0 NaN and 1 infinite"),
                                       (-np.inf, "0 NaN and 1 infinite")])
def test_a_non_finite_entry_is_named(shape, bad, match):
    # the matrix is scanned only when the Gram matrix's diagonal is not finite: one bad entry anywhere must get there
    w = np.random.default_rng(1).standard_normal(shape)
    w[shape[0] - 1, shape[1] // 2] = bad
    with pytest.raises(ValueError, match=match):
        spectrum_from(w)
