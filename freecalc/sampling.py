"""Random principal submatrices: the input side of free decompression.

Free decompression (:func:`freecalc.decompress`) needs the spectrum of a *random* ``n_s x n_s`` principal submatrix
of a large symmetric ``n x n`` matrix ``A``; its law is the free compression of the law of ``A`` by ``n_s/n``
(Nica & Speicher 1996, Lecture 14), provided ``A`` is orthogonally invariant in law or the rows are picked uniformly
at random.  This module draws such submatrices

* from anything that supports index selection (:func:`random_principal_submatrix`): numpy arrays, ``np.memmap``,
  h5py datasets, zarr arrays, Dask arrays — reading only the ``n_s`` needed rows (and, where the container allows
  it, only the ``n_s x n_s`` entries), never the whole matrix;
* from a spectrum alone (:func:`submatrix_of_invariant`): the principal submatrix of ``Q^T diag(λ) Q`` with ``Q``
  Haar-orthogonal needs only the first ``n_s`` columns of ``Q``, a Haar–Stiefel frame (:func:`haar_stiefel`), so
  it costs ``O(n n_s^2)`` time and ``O(n n_s)`` memory instead of ``O(n^3)`` and ``O(n^2)``.

References
----------
A. Nica and R. Speicher, *Lectures on the Combinatorics of Free Probability*, CUP 2006, Lecture 14.
F. Mezzadri, How to generate random matrices from the classical compact groups, Notices AMS 54 (2007) 592–604.
"""
from __future__ import annotations

import mmap
from typing import Any, Callable, NamedTuple

import numpy as np

from freecalc._params import check_count

__all__ = ["PrincipalSubmatrix", "random_principal_submatrix", "haar_stiefel", "submatrix_of_invariant"]

# Rows are read in blocks of at most this many bytes when the container cannot select rows and columns at once
# (h5py): big enough to amortise per-read overhead, small enough not to matter next to the submatrix itself.
_DEFAULT_BLOCK_BYTES = 64 * 2**20


class PrincipalSubmatrix(NamedTuple):
    """A principal submatrix and the (sorted) row/column indices it was taken at.

    Parameters
    ----------
    matrix : numpy.ndarray, shape (n_s, n_s)
        The dense submatrix.
    indices : numpy.ndarray of int, shape (n_s,)
        Its rows (= columns) in the large matrix, sorted.
    """

    matrix: np.ndarray
    indices: np.ndarray


def _square_shape(A: Any) -> int:
    shape = getattr(A, "shape", None)
    if shape is None:
        raise TypeError(
            f"A must be a 2-D array-like with a .shape and index selection (numpy, np.memmap, h5py, zarr, Dask); "
            f"got {type(A).__name__}"
        )
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {shape}")
    if shape[0] == 0:
        raise ValueError("A is empty (shape (0, 0))")
    return shape[0]


# --- readers: one per kind of container, tried in order -------------------------------------------------------


def _has_principal_block(A: Any) -> bool:
    # implicit matrices (freecalc.matrices, or a user's operator) compute just the requested block
    return callable(getattr(A, "principal_block", None))


def _read_principal_block(A: Any, idx: np.ndarray, block_bytes: int) -> np.ndarray:
    return np.asarray(A.principal_block(idx))


def release_mapped_pages(A: Any) -> Callable[[], None] | None:
    """A function that unmaps the pages of ``np.memmap`` ``A`` touched so far, or None if ``A`` is no memory map.

    Pages read through a memory map stay mapped into the process, and count in its resident memory, until the map
    is closed, so reading ``n_s`` rows leaves ``O(n_s n)`` bytes resident.  ``MADV_DONTNEED`` drops them from this
    process only: the kernel's page cache keeps them (no re-read from disk) and, for a shared map (modes ``r``,
    ``r+``, ``w+``), written data is kept too.  A copy-on-write map (mode ``c``) would lose the process's private
    changes, so it is left alone.

    Parameters
    ----------
    A : array-like
        Any matrix; only an ``np.memmap`` with a shared mapping gets a release function.

    Returns
    -------
    callable or None
        A function of no arguments that releases the pages, or None.
    """
    mm = getattr(A, "_mmap", None)
    if (not isinstance(A, np.memmap) or not isinstance(mm, mmap.mmap) or getattr(A, "mode", "c") == "c"
            or not hasattr(mmap, "MADV_DONTNEED") or not hasattr(mm, "madvise")):
        return None
    return lambda: mm.madvise(mmap.MADV_DONTNEED)


def _is_numpy(A: Any) -> bool:
    return isinstance(A, np.ndarray)  # includes np.memmap: np.ix_ touches only the pages it needs


def _read_numpy(A: np.ndarray, idx: np.ndarray, block_bytes: int) -> np.ndarray:
    release = release_mapped_pages(A)
    if release is None:
        return np.asarray(A[np.ix_(idx, idx)])
    # a memory map: read blocks of rows and unmap each, so at most one block is resident besides the result
    rows_per_block = max(1, int(block_bytes // max(1, A.shape[1] * A.dtype.itemsize)))
    out = np.empty((idx.size, idx.size), dtype=A.dtype)
    for start in range(0, idx.size, rows_per_block):
        out[start:start + rows_per_block] = A[np.ix_(idx[start:start + rows_per_block], idx)]
        release()
    return out


def _is_orthogonal_indexable(A: Any) -> bool:
    return hasattr(A, "oindex")  # zarr: orthogonal selection reads only the chunks holding the n_s^2 entries


def _read_orthogonal(A: Any, idx: np.ndarray, block_bytes: int) -> np.ndarray:
    return np.asarray(A.oindex[idx, idx])


def _is_lazy(A: Any) -> bool:
    return hasattr(A, "compute") and hasattr(A, "dask")  # Dask: build the selection lazily, then compute once


def _read_lazy(A: Any, idx: np.ndarray, block_bytes: int) -> np.ndarray:
    return np.asarray(A[idx][:, idx].compute())


def _read_rows(A: Any, idx: np.ndarray, block_bytes: int) -> np.ndarray:
    """Generic reader (h5py and anything with ``A[list_of_rows]``).

    h5py allows one list index per selection and requires it increasing, so we read blocks of whole rows at sorted
    indices and keep the wanted columns in memory: ``n_s`` rows are read in total, never the whole matrix.
    """
    n = int(A.shape[0])
    itemsize = np.dtype(getattr(A, "dtype", np.float64)).itemsize
    rows_per_block = max(1, int(block_bytes // max(1, n * itemsize)))
    out = np.empty((idx.size, idx.size), dtype=np.result_type(getattr(A, "dtype", np.float64), np.float64))
    for start in range(0, idx.size, rows_per_block):
        rows = idx[start:start + rows_per_block]
        block = np.asarray(A[rows.tolist()])
        if block.shape != (rows.size, n):
            raise TypeError(
                f"A[rows] returned shape {block.shape}, expected {(rows.size, n)}: the container does not support "
                f"row selection by a list of indices"
            )
        out[start:start + rows.size] = block[:, idx]
    return out


_READERS: tuple[tuple[Callable[[Any], bool], Callable[[Any, np.ndarray, int], np.ndarray]], ...] = (
    (_has_principal_block, _read_principal_block),
    (_is_numpy, _read_numpy),
    (_is_orthogonal_indexable, _read_orthogonal),
    (_is_lazy, _read_lazy),
    (lambda A: True, _read_rows),
)


def random_principal_submatrix(
    A: Any,
    n_s: int,
    rng: Any = None,
    *,
    check_symmetric: bool = True,
    block_bytes: int = _DEFAULT_BLOCK_BYTES,
) -> PrincipalSubmatrix:
    """A uniformly random ``n_s x n_s`` principal submatrix of a symmetric matrix.

    The index set is a uniform random ``n_s``-subset of ``{0, ..., n-1}`` (sorted, which h5py requires and which
    makes memory-mapped reads sequential).  Only the selected rows are read; containers that support orthogonal
    selection (numpy/memmap through ``np.ix_``, zarr ``oindex``, Dask) read only the ``n_s^2`` entries.

    Parameters
    ----------
    A : array-like, shape (n, n)
        Symmetric matrix supporting index selection: ``numpy.ndarray``, ``numpy.memmap``, ``h5py.Dataset``,
        ``zarr.Array``, ``dask.array.Array``, or any object with ``.shape`` and ``A[list_of_rows]``; an object with
        a ``principal_block(indices)`` method (the implicit matrices of :mod:`freecalc.matrices`) is asked for the
        block instead of indexed.
    n_s : int
        Size of the submatrix, ``1 <= n_s <= n``.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.
    check_symmetric : bool
        Raise ``ValueError`` if the submatrix is not symmetric (then ``A`` is not either, and its eigenvalues are
        not those of a spectral law).
    block_bytes : int
        Memory budget for one block of rows when the container needs whole-row reads (h5py), and for the pages of
        a memory map kept resident at once.

    Returns
    -------
    PrincipalSubmatrix
        ``(matrix, indices)``: the dense float submatrix ``A[indices][:, indices]`` and the sorted indices.

    Raises
    ------
    ValueError
        ``n_s`` outside ``[1, n]``, non-finite entries, or (with ``check_symmetric``) a non-symmetric submatrix.
    TypeError
        A container whose index selection returns the wrong shape.
    """
    n = _square_shape(A)
    n_s = check_count("n_s", n_s, minimum=1, maximum=n)
    block_bytes = check_count("block_bytes", block_bytes, minimum=1, maximum=2**62)
    gen = np.random.default_rng(rng)
    idx = np.sort(gen.choice(n, size=n_s, replace=False)).astype(np.intp)
    reader = next(read for accepts, read in _READERS if accepts(A))
    sub = np.asarray(reader(A, idx, block_bytes), dtype=np.float64)
    if sub.shape != (n_s, n_s):
        raise TypeError(f"index selection on {type(A).__name__} returned shape {sub.shape}, expected {(n_s, n_s)}")
    if not np.all(np.isfinite(sub)):
        raise ValueError("the submatrix contains NaN or infinite entries")
    if check_symmetric:
        scale = max(float(np.max(np.abs(sub))), np.finfo(float).tiny)
        asym = float(np.max(np.abs(sub - sub.T))) / scale
        # Entries of a symmetric matrix stored in floating point agree exactly; 1e-10 leaves room for matrices
        # assembled by sums in different orders, and is far below any asymmetry that changes the spectrum.
        if asym > 1e-10:
            raise ValueError(
                f"A is not symmetric: its principal submatrix has relative asymmetry {asym:.3g} "
                f"(pass check_symmetric=False to skip this check)"
            )
    return PrincipalSubmatrix(sub, idx)


def haar_stiefel(n: int, k: int, rng: Any = None) -> np.ndarray:
    r"""A Haar-distributed ``n x k`` matrix with orthonormal columns (a point of the Stiefel manifold).

    It is the first ``k`` columns of a Haar orthogonal ``n x n`` matrix, drawn as the Q factor of a Gaussian
    ``n x k`` matrix with the signs of ``diag(R)`` moved into ``Q`` (Mezzadri 2007), so that the law is exactly
    Haar and not biased by the QR convention.  Cost ``O(n k^2)``.

    Parameters
    ----------
    n, k : int
        ``1 <= k <= n``.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.

    Returns
    -------
    numpy.ndarray, shape (n, k)
        :math:`V` with :math:`V^\top V = I_k`, distributed as the first k columns of a Haar orthogonal matrix.

    Raises
    ------
    ValueError
        If not ``1 <= k <= n``.

    References
    ----------
    F. Mezzadri, *How to generate random matrices from the classical compact groups*, Notices AMS 54 (2007).
    """
    n = check_count("n", n, minimum=1, maximum=2**62)
    k = check_count("k", k, minimum=1, maximum=n)
    gen = np.random.default_rng(rng)
    q, r = np.linalg.qr(gen.standard_normal((n, k)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


def submatrix_of_invariant(eigenvalues: Any, n_s: int, rng: Any = None) -> np.ndarray:
    """The ``n_s x n_s`` principal submatrix of an orthogonally invariant matrix with given eigenvalues.

    For ``A = Q^T diag(λ) Q`` with ``Q`` Haar orthogonal, the leading ``n_s x n_s`` block is ``V^T diag(λ) V`` with
    ``V = Q[:, :n_s]`` a Haar–Stiefel frame, so ``A`` is never formed: ``O(n n_s^2)`` time, ``O(n n_s)`` memory.
    Its eigenvalue law is the free compression of the law of ``λ`` by ``n_s/n`` as ``n -> ∞``.

    Parameters
    ----------
    eigenvalues : array-like, shape (n,)
        Real eigenvalues of the large matrix.
    n_s : int
        ``1 <= n_s <= n``.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts.

    Returns
    -------
    numpy.ndarray, shape (n_s, n_s)
        The symmetric submatrix.

    Raises
    ------
    ValueError
        Eigenvalues not a non-empty finite 1-D array, or ``n_s`` outside ``[1, n]``.
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {lam.shape}")
    if not np.all(np.isfinite(lam)):
        raise ValueError("eigenvalues contain NaN or infinite values")
    n_s = check_count("n_s", n_s, minimum=1, maximum=lam.size)
    v = haar_stiefel(lam.size, n_s, rng)
    sub = v.T @ (lam[:, None] * v)
    return 0.5 * (sub + sub.T)  # exact symmetry (the product is symmetric up to rounding)
