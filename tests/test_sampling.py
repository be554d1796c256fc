"""Tests for freecalc.sampling: principal submatrices from array-likes and from spectra."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from freecalc.sampling import (
    PrincipalSubmatrix,
    haar_stiefel,
    random_principal_submatrix,
    submatrix_of_invariant,
)


def _sym(n, seed=0):
    g = np.random.default_rng(seed).standard_normal((n, n))
    return g + g.T


class H5Like:
    """Mimics h5py.Dataset: one list index per selection, strictly increasing; counts the rows it serves."""

    def __init__(self, a):
        self._a = a
        self.shape = a.shape
        self.dtype = a.dtype
        self.rows_read = 0

    def __getitem__(self, key):
        if isinstance(key, tuple):
            lists = [k for k in key if isinstance(k, (list, np.ndarray))]
            if len(lists) > 1:
                raise TypeError("Only one indexing vector or array is currently allowed for fancy indexing")
            key = key[0] if len(key) == 1 else key
        if isinstance(key, list):
            if any(b <= a for a, b in zip(key, key[1:])):
                raise TypeError("Indexing elements must be in increasing order")
            self.rows_read += len(key)
            return self._a[key]
        raise TypeError(f"unsupported selection {key!r}")


class ZarrLike:
    """Mimics zarr.Array: orthogonal selection through .oindex; records what was asked for."""

    def __init__(self, a):
        self._a = a
        self.shape = a.shape
        self.dtype = a.dtype
        self.asked = None
        outer = self

        class _O:
            def __getitem__(self, key):
                outer.asked = key
                return outer._a[np.ix_(*key)]

        self.oindex = _O()


class DaskLike:
    """Mimics dask.array.Array: lazy indexing, a .dask graph attribute and .compute()."""

    def __init__(self, a, computed=None):
        self._a = a
        self.shape = a.shape
        self.dtype = a.dtype
        self.dask = {}
        self.computed = computed if computed is not None else []

    def __getitem__(self, key):
        return DaskLike(self._a[key], self.computed)

    def compute(self):
        self.computed.append(self._a.shape)
        return self._a


def test_numpy_submatrix_matches_fancy_indexing_and_is_reproducible():
    a = _sym(50)
    sub, idx = random_principal_submatrix(a, 12, rng=7)
    assert isinstance(random_principal_submatrix(a, 12, rng=7), PrincipalSubmatrix)
    assert idx.shape == (12,) and np.all(np.diff(idx) > 0) and idx.min() >= 0 and idx.max() < 50
    np.testing.assert_array_equal(sub, a[np.ix_(idx, idx)])
    sub2, idx2 = random_principal_submatrix(a, 12, rng=7)
    np.testing.assert_array_equal(idx, idx2)
    np.testing.assert_array_equal(sub, sub2)


def test_full_size_is_a_permutation_free_copy():
    a = _sym(9)
    sub, idx = random_principal_submatrix(a, 9, rng=1)
    np.testing.assert_array_equal(idx, np.arange(9))
    np.testing.assert_array_equal(sub, a)


def test_memmap(tmp_path):
    a = _sym(40, seed=3)
    mm = np.memmap(tmp_path / "a.dat", dtype=np.float32, mode="w+", shape=a.shape)
    mm[:] = a
    mm.flush()
    ro = np.memmap(tmp_path / "a.dat", dtype=np.float32, mode="r", shape=a.shape)
    sub, idx = random_principal_submatrix(ro, 10, rng=2)
    assert sub.dtype == np.float64
    np.testing.assert_array_equal(sub, a.astype(np.float32)[np.ix_(idx, idx)])


@pytest.mark.parametrize("block_bytes", [1, 8 * 40 * 3, 2**26])
def test_h5py_like_reads_only_sorted_needed_rows(block_bytes):
    a = _sym(40, seed=4)
    h = H5Like(a)
    sub, idx = random_principal_submatrix(h, 11, rng=5, block_bytes=block_bytes)
    np.testing.assert_array_equal(sub, a[np.ix_(idx, idx)])
    assert h.rows_read == 11  # exactly the n_s wanted rows, never the whole matrix


def test_zarr_like_uses_orthogonal_selection():
    a = _sym(30, seed=6)
    z = ZarrLike(a)
    sub, idx = random_principal_submatrix(z, 8, rng=1)
    np.testing.assert_array_equal(sub, a[np.ix_(idx, idx)])
    np.testing.assert_array_equal(z.asked[0], idx)


def test_dask_like_computes_only_the_submatrix():
    a = _sym(30, seed=8)
    d = DaskLike(a)
    sub, idx = random_principal_submatrix(d, 7, rng=3)
    np.testing.assert_array_equal(sub, a[np.ix_(idx, idx)])
    assert d.computed == [(7, 7)]


def test_indices_are_uniform():
    # Each index is picked with probability n_s/n; chi-square over 4000 draws of 5 out of 20 (expected 1000 per
    # index).  p > 1e-4 fails by chance once in 10^4 runs; a biased sampler (e.g. always the first rows) gives p ~ 0.
    a = np.eye(20)
    counts = np.zeros(20)
    rng = np.random.default_rng(11)
    for _ in range(4000):
        counts[random_principal_submatrix(a, 5, rng=rng).indices] += 1
    assert stats.chisquare(counts).pvalue > 1e-4


@pytest.mark.parametrize(
    "a, n_s, exc",
    [
        (np.zeros((3, 4)), 2, ValueError),
        (np.zeros(5), 2, ValueError),
        (np.zeros((0, 0)), 1, ValueError),
        (np.eye(4), 0, ValueError),
        (np.eye(4), 5, ValueError),
        (np.eye(4), 2.5, ValueError),
        (np.eye(4), float("nan"), ValueError),
        (np.eye(4), True, TypeError),
        (np.eye(4), "2", TypeError),
        ([[1.0, 0.0], [0.0, 1.0]], 1, TypeError),
    ],
)
def test_bad_inputs(a, n_s, exc):
    with pytest.raises(exc):
        random_principal_submatrix(a, n_s)


def test_integral_float_sizes_accepted():
    # the package-wide count rule (freecalc._params.check_count): an integer-valued float is a valid count
    a = np.diag(np.arange(6.0))
    sub, idx = random_principal_submatrix(a, 3.0, rng=1)
    sub_i, idx_i = random_principal_submatrix(a, 3, rng=1)
    assert sub.shape == (3, 3)
    np.testing.assert_array_equal(idx, idx_i)
    assert submatrix_of_invariant(np.arange(6.0), 2e0, rng=0).shape == (2, 2)


def test_nonsymmetric_and_nonfinite_rejected():
    a = np.arange(16.0).reshape(4, 4)
    with pytest.raises(ValueError, match="not symmetric"):
        random_principal_submatrix(a, 4, rng=0)
    sub, _ = random_principal_submatrix(a, 4, rng=0, check_symmetric=False)
    np.testing.assert_array_equal(sub, a)
    b = np.eye(4)
    b[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        random_principal_submatrix(b, 4, rng=0)


def test_haar_stiefel_orthonormal_and_haar():
    v = haar_stiefel(30, 7, rng=0)
    assert v.shape == (30, 7)
    # orthonormal to rounding: QR of a well-conditioned Gaussian matrix gives ~1e-15 departures
    np.testing.assert_allclose(v.T @ v, np.eye(7), atol=1e-12)
    # Haar on O(3): the first entry Q_11 is symmetric in sign and Q_11^2 ~ Beta(1/2, 1).  Without the sign fix the
    # QR convention makes Q_11 have a fixed sign relation to the Gaussian input and the sign test fails.
    rng = np.random.default_rng(1)
    q11 = np.array([haar_stiefel(3, 3, rng)[0, 0] for _ in range(3000)])
    assert stats.binomtest(int(np.sum(q11 > 0)), 3000).pvalue > 1e-4  # fails by chance once in 10^4 runs
    assert stats.kstest(q11**2, stats.beta(0.5, 1.0).cdf).pvalue > 1e-4
    # the diagonal of R is made positive: Q @ R reproduces a positive-diagonal factorisation of the same input
    g = np.random.default_rng(5).standard_normal((6, 6))
    q = haar_stiefel(6, 6, rng=5)
    r = q.T @ g
    assert np.all(np.diag(r) > 0)
    np.testing.assert_allclose(np.tril(r, -1), 0.0, atol=1e-12)  # upper triangular to rounding


def test_haar_stiefel_bad_inputs():
    with pytest.raises(ValueError):
        haar_stiefel(3, 4)
    with pytest.raises(ValueError):
        haar_stiefel(3, 0)
    with pytest.raises(ValueError, match="n must be an integer"):
        haar_stiefel(3.5, 1)


def test_submatrix_of_invariant_moments_and_interlacing():
    lam = np.linspace(-1.0, 3.0, 400)
    rng = np.random.default_rng(2)
    subs = [submatrix_of_invariant(lam, 50, rng) for _ in range(20)]
    for s in subs:
        assert s.shape == (50, 50)
        np.testing.assert_array_equal(s, s.T)
        ev = np.linalg.eigvalsh(s)
        # Cauchy interlacing: the eigenvalues of a compression lie inside [min λ, max λ] (1e-12: rounding)
        assert ev.min() >= lam.min() - 1e-12 and ev.max() <= lam.max() + 1e-12
    # E[tr(V^T Λ V)]/n_s = mean(λ) = 1 exactly; one draw has std ≈ sqrt(2 var(λ)/(n n_s)) ≈ 0.012 (var(λ) = 1.34,
    # n = 400, n_s = 50), the mean of 20 draws 0.003: 0.02 is a > 6σ bound
    means = np.array([np.trace(s) / 50 for s in subs])
    assert abs(means.mean() - 1.0) < 0.02
    # second moment of the compression by α = 1/8: κ2 scales by α, so m2 = m1^2 + α·var(λ) (+O(1/n_s) finite size)
    var_lam = lam.var()
    m2 = np.mean([np.trace(s @ s) / 50 for s in subs])
    assert abs(m2 - (1.0 + var_lam / 8)) < 0.05 * var_lam  # 5%: finite-size O(1/n_s) plus sampling error


def test_submatrix_of_invariant_bad_inputs():
    with pytest.raises(ValueError):
        submatrix_of_invariant(np.ones((3, 3)), 2)
    with pytest.raises(ValueError):
        submatrix_of_invariant([1.0, np.inf], 1)
    with pytest.raises(ValueError):
        submatrix_of_invariant([1.0, 2.0], 3)
