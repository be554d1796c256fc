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


@pytest.mark.parametrize("layout", ["fortran", "strided"])
@pytest.mark.parametrize("shape", [(200, 90), (90, 200)], ids=["tall", "wide"])
def test_gram_spectrum_does_not_depend_on_the_memory_layout(shape, layout):
    # the Gram matrix is formed by BLAS syrk on whichever of W, Wᵀ is Fortran-ordered: every layout gives the
    # eigenvalues of the C-ordered matrix, bitwise (the same products in the same order)
    w = np.random.default_rng(2).standard_t(3.0, size=shape)
    other = np.asfortranarray(w) if layout == "fortran" else np.repeat(w, 2, axis=1)[:, ::2]
    assert not other.flags.c_contiguous
    assert np.array_equal(spectrum_from(other).values, spectrum_from(w).values)
