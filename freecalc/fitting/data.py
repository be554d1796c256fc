r"""From what the user passes to sorted, validated eigenvalues.

Conventions (documented in :func:`freecalc.fit`):

* a 1-D array is a set of eigenvalues;
* a square matrix that is symmetric (to 1e-10 relative to its largest entry) is a symmetric matrix: its
  eigenvalues are used;
* any other 2-D array W, of shape N×M, is a weight/data matrix: we use the eigenvalues of the M×M matrix
  :math:`W^T W / N`. If the entries of W are iid with variance :math:`\sigma^2`, that ESD tends to
  ``MarchenkoPastur(c = M/N, sigma2 = σ²)`` (atom 1 − N/M at 0 when M > N). When M > N the N non-zero eigenvalues
  are computed from the smaller :math:`W W^T / N` and the M − N structural zeros are appended exactly.

``subsample=k`` replaces a symmetric matrix by a uniformly random k×k principal submatrix
(:func:`freecalc.sampling.random_principal_submatrix`) and W by k random columns (a random principal submatrix of
:math:`W^T W/N`): the fitted law is then that of the submatrix — the free compression of the full matrix's law by
k/M (Nica & Speicher 2006, Lecture 14); ``result.law.decompress(M)`` goes back to the full size.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.linalg.blas

__all__ = ["Spectrum", "spectrum_from"]

_SYMMETRY_RTOL = 1e-10


@dataclass(frozen=True)
class Spectrum:
    """Validated eigenvalues and what is known about where they came from.

    Attributes
    ----------
    values : ndarray
        Sorted ascending, finite, as computed (round-off negatives within ``zero_tol`` are clipped to 0 later,
        only for the laws on [0, ∞)).
    shape : tuple (N, M) or None
        Shape of the weight matrix W when the data was one (the spectrum is that of WᵀW/N, M×M).
    structural_zeros : int
        Zeros forced by the shape (M − N when M > N, else 0).
    zero_tol : float
        Absolute tolerance within which a value counts as an exact atom location (see FitOptions.atom_factor).
    source : str
        "eigenvalues", "symmetric matrix" or "rectangular matrix" (for the summary).
    subsampled : int or None
        Size of the random principal submatrix used, if any.
    """

    values: np.ndarray
    shape: tuple[int, int] | None
    structural_zeros: int
    zero_tol: float
    source: str
    subsampled: int | None

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def n_zeros(self) -> int:
        """Number of values within zero_tol of 0."""
        return int(np.count_nonzero(np.abs(self.values) <= self.zero_tol))


def _check_subsample(subsample, limit: int) -> int | None:
    if subsample is None:
        return None
    if isinstance(subsample, bool) or not isinstance(subsample, numbers.Integral):
        raise TypeError(f"subsample must be a positive integer (a submatrix size) or None, got {subsample!r}")
    if not 1 <= int(subsample) <= limit:
        raise ValueError(f"subsample={subsample} is outside the allowed range [1, {limit}] for this matrix")
    return int(subsample)


def spectrum_from(data, *, subsample=None, rng=None, atom_factor: float = 100.0) -> Spectrum:
    """Eigenvalues from a 1-D array, a symmetric matrix or a rectangular matrix (see the module docstring).

    Parameters
    ----------
    data : array_like
        Eigenvalues (1-D), a symmetric matrix, or a rectangular N×M matrix W (eigenvalues of WᵀW/N).
    subsample : int, optional
        Size of a random principal submatrix to use (matrices only).
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.
    atom_factor : float
        The atom tolerance is ``atom_factor · n · eps · max|x|``.

    Returns
    -------
    Spectrum

    Raises
    ------
    TypeError
        Complex or non-numeric data.
    ValueError
        NaN/inf values, a bad shape or subsample size.
    """
    if hasattr(data, "shape") and not isinstance(data, np.ndarray) and len(getattr(data, "shape", ())) == 2 \
            and subsample is not None:
        arr = data  # array-like container (memmap, h5py, ...): index lazily below
    else:
        arr = np.asarray(data)
    if arr.dtype.kind == "c":
        raise TypeError("fit: complex data are not supported (give eigenvalues or a real matrix)")
    if arr.dtype.kind not in "biuf" and isinstance(arr, np.ndarray):
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"fit: data must be numeric, got dtype {arr.dtype}") from None
    ndim = len(arr.shape)
    shape = None
    structural = 0
    sub = None
    if ndim == 1:
        if subsample is not None:
            raise TypeError("fit: subsample needs a matrix; a random subset of eigenvalues is not the spectrum of "
                            "a principal submatrix")
        vals = np.asarray(arr, dtype=float)
        source = "eigenvalues"
    elif ndim == 2:
        n_rows, n_cols = (int(s) for s in arr.shape)
        if n_rows == 0 or n_cols == 0:
            raise ValueError(f"fit: the matrix is empty (shape {arr.shape})")
        symmetric = False
        if n_rows == n_cols:
            full = np.asarray(arr, dtype=float) if subsample is None else None
            if full is not None:
                _check_finite(full)
                scale = float(np.max(np.abs(full))) if full.size else 0.0
                symmetric = bool(np.max(np.abs(full - full.T)) <= _SYMMETRY_RTOL * max(scale, 1e-300))
            else:
                symmetric = _looks_symmetric(arr)
        if symmetric:
            sub = _check_subsample(subsample, n_rows)
            if sub is not None:
                from freecalc.sampling import random_principal_submatrix

                mat = np.asarray(random_principal_submatrix(arr, sub, rng=rng).matrix, dtype=float)
            else:
                mat = np.asarray(arr, dtype=float)
            _check_finite(mat)
            vals = np.linalg.eigvalsh(0.5 * (mat + mat.T))
            source = "symmetric matrix"
        else:
            sub = _check_subsample(subsample, n_cols)
            if sub is not None:
                cols = np.sort(np.random.default_rng(rng).choice(n_cols, size=sub, replace=False))
                w = np.asarray(arr[:, cols], dtype=float)
            else:
                w = np.asarray(arr, dtype=float)
            n, m = w.shape
            shape = (n, m)
            gram = _gram_lower(w, m > n)
            # a NaN or ±inf entry of W makes the diagonal entry of its row (column) non-finite: the whole matrix is
            # scanned (for the error message) only then
            if not np.all(np.isfinite(np.diagonal(gram))):
                _check_finite(w)
            # LAPACK dsyevd, as numpy.linalg.eigvalsh, on the lower triangle that syrk wrote
            ev = scipy.linalg.eigvalsh(gram, lower=True, driver="evd", overwrite_a=True, check_finite=False)
            if m > n:
                structural = m - n
                vals = np.concatenate([np.zeros(structural), ev])
            else:
                vals = ev
            source = "rectangular matrix"
    else:
        raise ValueError(f"fit: data must be 1-D eigenvalues or a 2-D matrix, got an array of shape {arr.shape}")
    vals = np.asarray(vals, dtype=float).ravel()
    _check_finite(vals)
    if vals.size == 0:
        raise ValueError("fit: no data (empty array)")
    vals = np.sort(vals)
    biggest = float(np.max(np.abs(vals)))
    zero_tol = atom_factor * vals.size * np.finfo(float).eps * biggest
    return Spectrum(values=vals, shape=shape, structural_zeros=structural, zero_tol=zero_tol, source=source,
                    subsampled=sub)


def _gram_lower(w: np.ndarray, rows: bool) -> np.ndarray:
    r"""Lower triangle of :math:`W^T W / N` (``rows`` False) or :math:`W W^T / N` (``rows`` True), W of shape N×M,
    by one BLAS dsyrk (half the products of a general matrix product), then divided by N. numpy's ``w.T @ w`` calls
    the same syrk but then mirrors the triangle into a full matrix, which the eigenvalue solver does not read. The
    lower triangle is bitwise that of ``w.T @ w / N`` (syrk with α = 1/N instead of the division would round
    differently when 1/N is not a power of 2); the upper triangle is left unset.
    """
    n = w.shape[0]
    # BLAS reads a Fortran-ordered operand in place: a C-ordered W is passed as the Fortran-ordered Wᵀ
    if w.flags.c_contiguous:
        a, trans = w.T, (1 if rows else 0)  # syrk: trans 0 gives A·Aᵀ = WᵀW, trans 1 gives AᵀA = WWᵀ
    else:
        a, trans = np.asfortranarray(w), (0 if rows else 1)
    gram = scipy.linalg.blas.dsyrk(1.0, a, trans=trans, lower=1)
    np.divide(gram, n, out=gram)
    return gram


def _check_finite(a: np.ndarray) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"fit: data contain {int(np.count_nonzero(np.isnan(a)))} NaN and "
                         f"{int(np.count_nonzero(np.isinf(a)))} infinite value(s); remove or impute them first")


def _looks_symmetric(arr) -> bool:
    """Symmetry of a large array-like judged on a few rows (the whole matrix is not read when subsampling)."""
    n = int(arr.shape[0])
    rows = np.unique(np.linspace(0, n - 1, min(n, 8)).astype(int))
    block = np.asarray(arr[rows.tolist()], dtype=float)
    cols = np.stack([np.asarray(arr[:, int(r)], dtype=float) for r in rows], axis=0)
    scale = float(np.max(np.abs(block))) or 1e-300
    return bool(np.max(np.abs(block - cols)) <= _SYMMETRY_RTOL * scale)
