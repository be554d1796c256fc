"""Tests for freecalc.matrices: implicit kernel, Gram and user matrices as array-likes for sampling.

Kernel entries are compared with scikit-learn's ``sklearn.metrics.pairwise`` (an independent implementation of the
same definitions, default gamma = 1/d included); Gram and user matrices with dense numpy computed here.
"""
from __future__ import annotations

import pickle

import dask.array as da
import numpy as np
import pytest
import zarr
from sklearn.metrics import pairwise

import freecalc as fc
from freecalc.matrices import KERNELS, Kernel, KernelMatrix, GramMatrix, ImplicitMatrix
from freecalc.sampling import random_principal_submatrix

# Both sides evaluate the same closed forms in float64 on the same inputs; only the summation order of distances
# and dot products differs (a few ulps of entries of size <= ~10), far below 1e-10.
TOL = 1e-10

SKLEARN = {
    Kernel.RBF: pairwise.rbf_kernel,
    Kernel.LAPLACIAN: pairwise.laplacian_kernel,
    Kernel.POLYNOMIAL: pairwise.polynomial_kernel,
    Kernel.LINEAR: pairwise.linear_kernel,
    Kernel.SIGMOID: pairwise.sigmoid_kernel,
}
PARAMS = {  # non-default values, so that a parameter ignored or misnamed shows
    Kernel.RBF: {"gamma": 0.37},
    Kernel.LAPLACIAN: {"gamma": 0.61},
    Kernel.POLYNOMIAL: {"gamma": 0.21, "coef0": -0.4, "degree": 4},
    Kernel.LINEAR: {},
    Kernel.SIGMOID: {"gamma": 0.05, "coef0": 0.3},
}


def _points(n=400, d=6, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d))


def _containers(X, tmp_path):
    mm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=X.dtype, shape=X.shape)
    mm[:] = X
    mm.flush()
    z = zarr.open_array(str(tmp_path / "x.zarr"), mode="w", shape=X.shape, chunks=(64, X.shape[1]), dtype=X.dtype)
    z[:] = X
    return {"numpy": X, "memmap": np.load(tmp_path / "x.npy", mmap_mode="r"), "zarr": z,
            "dask": da.from_array(X, chunks=(64, X.shape[1]))}


def test_every_named_kernel_has_a_reference():
    assert set(SKLEARN) == set(Kernel) == set(KERNELS)


@pytest.mark.parametrize("kernel", list(Kernel), ids=lambda k: k.value)
def test_principal_blocks_match_sklearn(kernel, tmp_path):
    X = _points()
    ref = SKLEARN[kernel](X, **PARAMS[kernel])
    for name, cont in _containers(X, tmp_path).items():
        K = KernelMatrix(cont, kernel.value, **PARAMS[kernel])
        assert K.shape == (400, 400) and K.ndim == 2 and K.dtype == np.float64
        sub = random_principal_submatrix(K, 60, rng=3)
        np.testing.assert_allclose(sub.matrix, ref[np.ix_(sub.indices, sub.indices)], rtol=0, atol=TOL,
                                   err_msg=f"{kernel.value} on {name}")
        assert np.array_equal(sub.matrix, sub.matrix.T)  # exactly symmetric


@pytest.mark.parametrize("kernel", list(Kernel), ids=lambda k: k.value)
def test_default_parameters_match_sklearn(kernel):
    X = _points(200, 5, seed=1) * 0.5
    K = KernelMatrix(X, kernel)
    idx = np.arange(0, 200, 7)
    np.testing.assert_allclose(K.principal_block(idx), SKLEARN[kernel](X[idx]), rtol=0, atol=TOL)
    if "gamma" in K.params:
        assert K.params["gamma"] == 1 / 5  # scikit-learn's default 1/n_features


def test_off_diagonal_blocks_in_any_order():
    X = _points()
    K = KernelMatrix(X, "rbf", gamma=0.3)
    rows, cols = np.array([399, 3, 17, 3]), np.array([5, 250, 0])
    np.testing.assert_allclose(K.block(rows, cols), pairwise.rbf_kernel(X[rows], X[cols], gamma=0.3),
                               rtol=0, atol=TOL)


def test_callable_kernel_gets_rows_and_params():
    X = _points(100, 3)

    def cauchy(A, B, *, s):
        d2 = ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)
        return 1.0 / (1.0 + d2 / s**2)

    K = KernelMatrix(X, cauchy, s=2.0)
    idx = np.array([1, 5, 50, 99])
    dense = 1.0 / (1.0 + ((X[:, None] - X[None]) ** 2).sum(-1) / 4.0)
    np.testing.assert_allclose(K.principal_block(idx), dense[np.ix_(idx, idx)], rtol=0, atol=TOL)


def test_gram_matrix_against_dense_numpy(tmp_path):
    X = _points(300, 40, seed=2)
    for name, cont in _containers(X, tmp_path).items():
        G = GramMatrix(cont)
        assert G.scale == 1 / 40
        sub = random_principal_submatrix(G, 50, rng=4)
        dense = X @ X.T / 40
        np.testing.assert_allclose(sub.matrix, dense[np.ix_(sub.indices, sub.indices)], rtol=0, atol=TOL,
                                   err_msg=name)
    np.testing.assert_allclose(GramMatrix(X, scale=2.0).principal_block([0, 1]), 2 * X[:2] @ X[:2].T, atol=TOL)


def test_implicit_matrix_user_operator():
    n = 1000

    def entries(rows, cols):  # A_ij = min(i, j) + 1: the Brownian covariance, symmetric positive definite
        return np.minimum.outer(rows, cols) + 1.0

    A = ImplicitMatrix(n, entries)
    sub = random_principal_submatrix(A, 40, rng=0)
    i = sub.indices
    np.testing.assert_array_equal(sub.matrix, np.minimum.outer(i, i) + 1.0)
    assert A.shape == (n, n) and A.symmetric


def test_only_sampled_rows_are_read():
    class CountingRows:
        """An h5py-like (n, d) array with n = 10^12: rows are made on request and counted (n is never touched)."""

        shape = (10**12, 3)
        dtype = np.dtype(np.float64)

        def __init__(self):
            self.rows_read = 0

        def __getitem__(self, rows):
            rows = np.asarray(rows)
            assert np.all(np.diff(rows) > 0)  # increasing, as h5py requires
            self.rows_read += rows.size
            return np.stack([np.sin(rows), np.cos(rows), np.sin(0.5 * rows)], axis=1)

    X = CountingRows()
    sub = random_principal_submatrix(KernelMatrix(X, "rbf"), 30, rng=1)
    assert X.rows_read == 30
    rows = X[sub.indices]
    np.testing.assert_allclose(sub.matrix, pairwise.rbf_kernel(rows), rtol=0, atol=TOL)


def test_memmap_kernel_matrix_pickles_by_file_name(tmp_path):
    X = _points(2000, 8)
    np.save(tmp_path / "x.npy", X)
    K = KernelMatrix(np.load(tmp_path / "x.npy", mmap_mode="r"), "laplacian")
    blob = pickle.dumps(K)
    assert len(blob) < 2000 < X.nbytes  # the file name travels, not the 128 kB of data
    K2 = pickle.loads(blob)
    idx = np.arange(0, 2000, 97)
    np.testing.assert_array_equal(K2.principal_block(idx), K.principal_block(idx))
    # a numpy-backed matrix pickles its data (nothing else to reopen)
    assert len(pickle.dumps(KernelMatrix(X))) > X.nbytes


# ------------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize("shape", [(10,), (4, 5, 2), (0, 3), (3, 0)])
def test_x_of_wrong_shape(shape):
    with pytest.raises(ValueError, match=r"X must have"):
        KernelMatrix(np.zeros(shape))


def test_x_without_shape_or_not_real():
    with pytest.raises(TypeError, match="X must be a 2-D array-like"):
        KernelMatrix([[1.0, 2.0]])
    with pytest.raises(TypeError, match="real numbers"):
        GramMatrix(np.array([["a", "b"]]))


def test_unknown_kernel_name_lists_valid_ones():
    with pytest.raises(ValueError, match=r"kernel='gauss' is not one of \['rbf', 'laplacian', 'polynomial', "
                                         r"'linear', 'sigmoid'\]"):
        KernelMatrix(_points(), "gauss")
    with pytest.raises(TypeError, match="kernel must be"):
        KernelMatrix(_points(), 3)


@pytest.mark.parametrize(("kernel", "params", "exc", "match"), [
    ("rbf", {"gamma": 0.0}, ValueError, r"gamma=0.0 for kernel 'rbf' is outside the allowed range"),
    ("rbf", {"gamma": -1}, ValueError, "outside the allowed range"),
    ("laplacian", {"gamma": float("nan")}, ValueError, "outside the allowed range"),
    ("sigmoid", {"coef0": float("inf")}, ValueError, "coef0=inf"),
    ("rbf", {"gamma": "1"}, TypeError, "must be a finite real number"),
    ("polynomial", {"degree": 2.5}, ValueError, "degree"),
    ("polynomial", {"degree": 0}, ValueError, "degree"),
    ("linear", {"gamma": 1.0}, ValueError, r"kernel 'linear' does not take parameter\(s\) \['gamma'\]"),
    ("rbf", {"sigma": 1.0}, ValueError, r"takes \['gamma'\]"),
])
def test_invalid_kernel_parameters(kernel, params, exc, match):
    with pytest.raises(exc, match=match):
        KernelMatrix(_points(), kernel, **params)


def test_invalid_gram_scale():
    for bad in (0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="scale"):
            GramMatrix(_points(), scale=bad)


def test_callable_returning_wrong_shape():
    K = KernelMatrix(_points(), lambda A, B: A @ B.T[:, :-1])
    with pytest.raises(ValueError, match=r"returned a block of shape \(5, 4\), expected \(5, 5\)"):
        K.principal_block(np.arange(5))
    A = ImplicitMatrix(50, lambda r, c: np.zeros(len(r)))
    with pytest.raises(ValueError, match="expected"):
        random_principal_submatrix(A, 10, rng=0)


def test_non_symmetric_block_rejected():
    A = ImplicitMatrix(50, lambda r, c: np.subtract.outer(r, c).astype(float))
    with pytest.raises(ValueError, match="declared symmetric but a principal block has relative asymmetry"):
        A.principal_block([1, 2, 3])
    # declared non-symmetric: the block is returned as is, and sampling for decompression refuses it
    B = ImplicitMatrix(50, lambda r, c: np.subtract.outer(r, c).astype(float), symmetric=False)
    assert B.principal_block([1, 2])[0, 1] == -1.0
    with pytest.raises(ValueError, match="not symmetric"):
        random_principal_submatrix(B, 10, rng=0)


def test_non_finite_entries_rejected():
    X = _points()
    X[17, 2] = np.nan
    with pytest.raises(ValueError, match="non-finite values in row 17"):
        KernelMatrix(X, "rbf").principal_block([3, 17])
    K = KernelMatrix(_points() * 1e3, "polynomial", gamma=1e3, degree=200)  # overflows
    with pytest.raises(ValueError, match="non-finite entry"):
        K.principal_block([0, 1])
    A = ImplicitMatrix(10, lambda r, c: np.full((len(r), len(c)), np.inf))
    with pytest.raises(ValueError, match="non-finite entry inf"):
        A.principal_block([0])


def test_bad_indices_and_arguments():
    K = KernelMatrix(_points(20, 2))
    with pytest.raises(IndexError, match=r"outside \[0, 19\]"):
        K.principal_block([0, 20])
    with pytest.raises(TypeError, match="integer indices"):
        K.principal_block([0.5])
    with pytest.raises(ValueError, match="n"):
        ImplicitMatrix(0, lambda r, c: 0)
    with pytest.raises(TypeError, match="entries must be a callable"):
        ImplicitMatrix(5, np.eye(5))
    with pytest.raises(TypeError, match="symmetric must be"):
        ImplicitMatrix(5, lambda r, c: 0, symmetric="yes")


def test_exported_from_package():
    assert fc.KernelMatrix is KernelMatrix and fc.GramMatrix is GramMatrix and fc.ImplicitMatrix is ImplicitMatrix
    assert fc.Kernel is Kernel
