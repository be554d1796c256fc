r"""Implicit matrices: square symmetric matrices that are never stored, only evaluated block by block.

A kernel matrix :math:`K_{ij} = k(x_i, x_j)` over :math:`n = 10^6` points has :math:`10^{12}` entries (8 TB), yet free
decompression (:func:`freecalc.decompress_matrix`) needs only random :math:`n_s \times n_s` principal blocks
:math:`K[S, S]`, which cost :math:`O(n_s d)` reads of the data and :math:`O(n_s^2 d)` flops — independent of n.
The classes here are square array-likes (``shape``, ``ndim``, ``dtype``) with a ``principal_block(indices)``
method, which :func:`freecalc.sampling.random_principal_submatrix` calls instead of indexing:

* :class:`KernelMatrix` — a named kernel (:class:`Kernel`, parameters declared in :data:`KERNELS`) or a callable
  over the rows of ``X`` of shape ``(n, d)``; ``X`` is any array-like whose rows can be read by index (numpy,
  ``np.memmap``, zarr, Dask, h5py), and only the sampled rows are read;
* :class:`GramMatrix` — :math:`\mathrm{scale}\cdot XX^\top` (default scale :math:`1/p`, the sample covariance of
  the rows' dual);
* :class:`ImplicitMatrix` — a user's operator given by ``entries(rows, cols) -> block``.

Every block is checked: right shape, finite, and (for symmetric matrices) symmetric; then symmetrised exactly.

Pickling a matrix over an ``np.memmap`` stores the file's name, not its contents, so process pools and Dask
workers on the same file system reopen the map instead of receiving a copy of the data.

References
----------
Kernel definitions and default :math:`\gamma = 1/d` as in scikit-learn's ``sklearn.metrics.pairwise``
(Pedregosa et al., JMLR 12 (2011) 2825–2830); B. Schölkopf and A. Smola, *Learning with Kernels*, MIT Press 2002.
"""
from __future__ import annotations

import enum
import math
import mmap
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial.distance import cdist, pdist, squareform

from freecalc._options import coerce_enum
from freecalc._params import check_count
from freecalc.sampling import release_mapped_pages

__all__ = ["Kernel", "ParamKind", "KernelParam", "KernelSpec", "KERNELS", "KernelMatrix", "GramMatrix", "ImplicitMatrix"]

# Principal blocks of a symmetric operator computed in floating point agree with their transpose up to the
# rounding of the entry formula (a few ulps); 1e-10 relative to the largest entry leaves room for sums in different
# orders and is far below any asymmetry that changes a spectrum.
_SYM_RTOL = 1e-10


# --------------------------------------------------------------------------------------------------------------
# kernels: one registry entry each
# --------------------------------------------------------------------------------------------------------------
class Kernel(enum.Enum):
    """Named kernels :math:`k(x, y)` (definitions in :data:`KERNELS`)."""

    RBF = "rbf"
    """:math:`\\exp(-\\gamma\\|x - y\\|_2^2)`."""
    LAPLACIAN = "laplacian"
    """:math:`\\exp(-\\gamma\\|x - y\\|_1)`."""
    POLYNOMIAL = "polynomial"
    """:math:`(\\gamma\\langle x, y\\rangle + c_0)^{\\mathrm{degree}}`."""
    LINEAR = "linear"
    """:math:`\\langle x, y\\rangle`."""
    SIGMOID = "sigmoid"
    """:math:`\\tanh(\\gamma\\langle x, y\\rangle + c_0)`."""


class ParamKind(enum.Enum):
    """The domain of a kernel parameter."""

    POSITIVE = "a finite real number > 0"
    REAL = "a finite real number"
    POSITIVE_INTEGER = "an integer >= 1"


@dataclass(frozen=True)
class KernelParam:
    """A declared kernel parameter: its name, domain and default (``None``: :math:`1/d`, d the number of features).

    Parameters
    ----------
    name : str
        Keyword of :class:`KernelMatrix`.
    kind : ParamKind
        Its domain.
    default : float or None
        Default value (None: :math:`1/d`).
    """

    name: str
    kind: ParamKind
    default: float | None

    def resolve(self, value: Any, d: int, kernel: str) -> float | int:
        """The validated value (the default when ``value`` is None).

        Parameters
        ----------
        value : number or None
            The value given by the user.
        d : int
            Number of features (the default :math:`1/d` depends on it).
        kernel : str
            The kernel's name, for the error message.

        Returns
        -------
        float or int

        Raises
        ------
        TypeError
            If ``value`` is not a real number.
        ValueError
            If ``value`` lies outside the parameter's domain.
        """
        if value is None:
            return 1.0 / d if self.default is None else self.default
        where = f"{self.name}={value!r} for kernel {kernel!r}"
        if self.kind is ParamKind.POSITIVE_INTEGER:
            return check_count(self.name, value, minimum=1, maximum=2**31)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{where} must be {self.kind.value}")
        x = float(value)
        if not math.isfinite(x) or (self.kind is ParamKind.POSITIVE and x <= 0):
            raise ValueError(f"{where} is outside the allowed range: {self.kind.value}")
        return x


BlockFunction = Callable[[np.ndarray, "np.ndarray | None", Mapping[str, float]], np.ndarray]
"""``fn(Xa, Xb, params) -> block``; ``Xb is None`` asks for the principal block ``k(Xa, Xa)``."""


@dataclass(frozen=True)
class KernelSpec:
    """A named kernel: the block function, its declared parameters and the formula (for docs and repr).

    Parameters
    ----------
    function : callable
        ``fn(Xa, Xb, params) -> block`` (``Xb`` None for a principal block).
    params : tuple of KernelParam
        The declared parameters.
    formula : str
        The formula, for docs and repr.
    """

    function: BlockFunction
    params: tuple[KernelParam, ...]
    formula: str


def _dot(Xa: np.ndarray, Xb: np.ndarray | None) -> np.ndarray:
    return Xa @ (Xa if Xb is None else Xb).T


def _dist(Xa: np.ndarray, Xb: np.ndarray | None, metric: str) -> np.ndarray:
    # scipy's distances sum (x_k - y_k)^2 directly: no cancellation of ||x||^2 + ||y||^2 - 2<x, y>, and pdist gives
    # an exactly symmetric block with a zero diagonal
    return squareform(pdist(Xa, metric)) if Xb is None else cdist(Xa, Xb, metric)


def _rbf(Xa, Xb, p):
    return np.exp(-p["gamma"] * _dist(Xa, Xb, "sqeuclidean"))


def _laplacian(Xa, Xb, p):
    return np.exp(-p["gamma"] * _dist(Xa, Xb, "cityblock"))


def _polynomial(Xa, Xb, p):
    return (p["gamma"] * _dot(Xa, Xb) + p["coef0"]) ** p["degree"]


def _linear(Xa, Xb, p):
    return _dot(Xa, Xb)


def _sigmoid(Xa, Xb, p):
    return np.tanh(p["gamma"] * _dot(Xa, Xb) + p["coef0"])


_GAMMA = KernelParam("gamma", ParamKind.POSITIVE, None)
_COEF0 = KernelParam("coef0", ParamKind.REAL, 1.0)

KERNELS: dict[Kernel, KernelSpec] = {
    Kernel.RBF: KernelSpec(_rbf, (_GAMMA,), "exp(-gamma ||x - y||_2^2)"),
    Kernel.LAPLACIAN: KernelSpec(_laplacian, (_GAMMA,), "exp(-gamma ||x - y||_1)"),
    Kernel.POLYNOMIAL: KernelSpec(
        _polynomial, (_GAMMA, _COEF0, KernelParam("degree", ParamKind.POSITIVE_INTEGER, 3)),
        "(gamma <x, y> + coef0)^degree"),
    Kernel.LINEAR: KernelSpec(_linear, (), "<x, y>"),
    Kernel.SIGMOID: KernelSpec(_sigmoid, (_GAMMA, _COEF0), "tanh(gamma <x, y> + coef0)"),
}
"""Kernel → definition; ``gamma`` defaults to ``1/d`` (d = number of features), as in scikit-learn."""


# --------------------------------------------------------------------------------------------------------------
# shared machinery
# --------------------------------------------------------------------------------------------------------------
def _indices(name: str, idx: Any, n: int) -> np.ndarray:
    arr = np.asarray(idx)
    if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must be a 1-D array of integer indices, got {arr.dtype} array of shape {arr.shape}")
    arr = arr.astype(np.intp, copy=False)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise IndexError(f"{name} has indices outside [0, {n - 1}] (min {arr.min()}, max {arr.max()})")
    return arr


class _Implicit:
    """Square implicit matrix: ``shape``, ``ndim``, ``dtype``, :meth:`principal_block` and :meth:`block`."""

    ndim = 2
    dtype = np.dtype(np.float64)

    def __init__(self, n: int, symmetric: bool) -> None:
        self._n = n
        self._symmetric = symmetric

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, n)``."""
        return (self._n, self._n)

    @property
    def symmetric(self) -> bool:
        """Whether the matrix is declared symmetric (its principal blocks are checked and symmetrised)."""
        return self._symmetric

    def _compute(self, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def _checked(self, B: Any, shape: tuple[int, int], principal: bool) -> np.ndarray:
        B = np.asarray(B)
        if B.shape != shape:
            raise ValueError(f"{self._what()} returned a block of shape {B.shape}, expected {shape}")
        if not (np.issubdtype(B.dtype, np.floating) or np.issubdtype(B.dtype, np.integer)):
            raise TypeError(f"{self._what()} returned a block of dtype {B.dtype}, expected real numbers")
        B = B.astype(np.float64, copy=False)
        bad = ~np.isfinite(B)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(f"{self._what()} produced a non-finite entry {B[i, j]} ({int(bad.sum())} in a block "
                             f"of shape {shape}); check the data and the parameters (overflow of a polynomial "
                             f"kernel, NaN in X)")
        if principal and self._symmetric and B.size:
            scale = max(float(np.max(np.abs(B))), np.finfo(float).tiny)
            asym = float(np.max(np.abs(B - B.T))) / scale
            if asym > _SYM_RTOL:
                raise ValueError(f"{self._what()} is declared symmetric but a principal block has relative "
                                 f"asymmetry max|B - B^T|/max|B| = {asym:.3g} > {_SYM_RTOL:g}")
            B = 0.5 * (B + B.T)
        return B

    def principal_block(self, indices: Any) -> np.ndarray:
        """The principal block ``A[indices][:, indices]`` as a dense float64 array.

        Parameters
        ----------
        indices : array-like of int, shape (k,)
            Row (= column) indices in ``[0, n)``.

        Returns
        -------
        numpy.ndarray, shape (k, k)
            Checked finite and, for a symmetric matrix, symmetric (then symmetrised exactly).

        Raises
        ------
        ValueError
            A block of the wrong shape, with non-finite entries, or not symmetric although declared so.
        """
        idx = _indices("indices", indices, self._n)
        return self._checked(self._compute(idx, None), (idx.size, idx.size), principal=True)

    def block(self, rows: Any, cols: Any) -> np.ndarray:
        """The block ``A[rows][:, cols]`` (any rows and columns; checked finite, not symmetrised).

        Parameters
        ----------
        rows, cols : array-like of int
            Row and column indices in ``[0, n)``.

        Returns
        -------
        numpy.ndarray, shape (len(rows), len(cols))

        Raises
        ------
        ValueError
            An index out of range, a block of the wrong shape or with non-finite entries.
        """
        r = _indices("rows", rows, self._n)
        c = _indices("cols", cols, self._n)
        return self._checked(self._compute(r, c), (r.size, c.size), principal=False)

    def _what(self) -> str:
        return type(self).__name__


# --------------------------------------------------------------------------------------------------------------
# matrices over the rows of a data array X
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _MemmapRef:
    """How to reopen an ``np.memmap`` in another process (pickled instead of its contents)."""

    filename: str
    dtype: np.dtype
    shape: tuple[int, ...]
    offset: int
    order: str

    def open(self) -> np.memmap:
        return np.memmap(self.filename, dtype=self.dtype, mode="r", offset=self.offset, shape=self.shape,
                         order=self.order)


def _memmap_ref(X: Any) -> _MemmapRef | None:
    # only a map of a whole file region (not a view into one) is described by (filename, offset, shape)
    if isinstance(X, np.memmap) and isinstance(X.base, mmap.mmap) and getattr(X, "filename", None):
        order = "F" if X.flags.f_contiguous and not X.flags.c_contiguous else "C"
        return _MemmapRef(str(X.filename), X.dtype, tuple(X.shape), int(X.offset), order)
    return None


def _data_shape(X: Any) -> tuple[int, int]:
    shape = getattr(X, "shape", None)
    if shape is None:
        raise TypeError(f"X must be a 2-D array-like with .shape whose rows can be read by index (numpy, np.memmap, "
                        f"zarr, Dask, h5py), got {type(X).__name__}")
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2:
        raise ValueError(f"X must have shape (n, d) (one row per point), got shape {shape} of rank {len(shape)}")
    if shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"X must have at least one row and one column, got shape {shape}")
    kind = np.dtype(getattr(X, "dtype", np.float64)).kind
    if kind not in "biuf":
        raise TypeError(f"X must hold real numbers, got dtype {getattr(X, 'dtype', None)}")
    return shape[0], shape[1]


def _read_rows(X: Any, idx: np.ndarray) -> np.ndarray:
    """Rows ``X[idx]`` (``idx`` sorted, as h5py requires) read from any container, as float64."""
    order = np.argsort(idx, kind="stable")
    srt = idx[order]
    uniq, inverse = np.unique(srt, return_inverse=True)
    if hasattr(X, "oindex"):  # zarr: reads only the chunks holding these rows
        rows = X.oindex[uniq, :]
    elif hasattr(X, "compute") and hasattr(X, "dask"):  # Dask
        rows = X[uniq].compute()
    elif isinstance(X, np.ndarray):
        rows = X[uniq]
        release = release_mapped_pages(X)
        if release is not None:  # unmap the pages read, as for a memory-mapped matrix (freecalc.sampling)
            release()
    else:  # h5py and anything with A[list_of_increasing_rows]
        rows = X[uniq.tolist()]
    rows = np.asarray(rows, dtype=np.float64)
    if rows.shape != (uniq.size, int(X.shape[1])):
        raise TypeError(f"reading rows of X ({type(X).__name__}) returned shape {rows.shape}, expected "
                        f"{(uniq.size, int(X.shape[1]))}")
    out = np.empty_like(rows, shape=(idx.size, rows.shape[1]))
    out[order] = rows[inverse]
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(f"X has non-finite values in row {int(idx[np.argwhere(bad)[0, 0]])}")
    return out


class _RowMatrix(_Implicit):
    """Base of matrices whose entry (i, j) is a function of rows i and j of a data array ``X``."""

    def __init__(self, X: Any) -> None:
        n, d = _data_shape(X)
        super().__init__(n, symmetric=True)
        self._X = X
        self._d = d

    @property
    def X(self) -> Any:
        """The data array, shape (n, d)."""
        return self._X

    def _pair(self, Xa: np.ndarray, Xb: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def _compute(self, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
        Xa = _read_rows(self._X, rows)
        return self._pair(Xa, None if cols is None else _read_rows(self._X, cols))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        ref = _memmap_ref(self._X)
        if ref is not None:
            state["_X"] = ref
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if isinstance(state.get("_X"), _MemmapRef):
            state = {**state, "_X": state["_X"].open()}
        self.__dict__.update(state)


class KernelMatrix(_RowMatrix):
    r"""The kernel matrix :math:`K_{ij} = k(x_i, x_j)` of the rows of ``X``, evaluated block by block.

    Parameters
    ----------
    X : array-like, shape (n, d)
        The points, one per row: numpy, ``np.memmap``, zarr, Dask, h5py (rows are read by index; only the rows of
        a requested block are read).
    kernel : Kernel, str or callable
        A :class:`Kernel` or its name (``"rbf"``, ``"laplacian"``, ``"polynomial"``, ``"linear"``, ``"sigmoid"``;
        definitions in :data:`KERNELS`), or ``kernel(Xa, Xb, **params) -> array of shape (len(Xa), len(Xb))``.
    **params
        The kernel's parameters: ``gamma`` (> 0, default :math:`1/d`) for rbf, laplacian, polynomial, sigmoid;
        ``coef0`` (real, default 1) for polynomial, sigmoid; ``degree`` (integer ≥ 1, default 3) for polynomial.
        Passed unchanged to a callable kernel.

    Raises
    ------
    ValueError
        X not of rank 2 or empty, an unknown kernel name (the valid ones are listed), a parameter outside its range
        or not accepted by the kernel; later, a block with non-finite entries or (callable) of the wrong shape or
        not symmetric.
    TypeError
        X without ``.shape`` or not real, a kernel that is neither a name nor callable, a non-numeric parameter.

    Notes
    -----
    A principal block of size k costs :math:`O(kd)` reads and :math:`O(k^2 d)` flops, whatever n is. Entries agree
    with ``sklearn.metrics.pairwise.{rbf,laplacian,polynomial,linear,sigmoid}_kernel``.

    References
    ----------
    Schölkopf & Smola, *Learning with Kernels* (2002); Pedregosa et al., JMLR 12 (2011) 2825–2830.
    """

    def __init__(self, X: Any, kernel: Kernel | str | Callable[..., Any] = Kernel.RBF, **params: Any) -> None:
        super().__init__(X)
        if callable(kernel) and not isinstance(kernel, Kernel):
            self._kernel: Kernel | Callable[..., Any] = kernel
            self._params: dict[str, Any] = dict(params)
            return
        if not isinstance(kernel, (Kernel, str)):
            raise TypeError(f"kernel must be a Kernel, one of {[k.value for k in Kernel]}, or a callable "
                            f"kernel(Xa, Xb, **params); got {type(kernel).__name__}")
        self._kernel = coerce_enum(kernel, Kernel, "kernel", hint="use freecalc.Kernel or a callable")
        spec = KERNELS[self._kernel]
        names = [p.name for p in spec.params]
        unknown = sorted(set(params) - set(names))
        if unknown:
            raise ValueError(f"kernel {self._kernel.value!r} does not take parameter(s) {unknown}; it takes "
                             f"{names or 'no parameters'}")
        self._params = {p.name: p.resolve(params.get(p.name), self._d, self._kernel.value) for p in spec.params}

    @property
    def kernel(self) -> Kernel | Callable[..., Any]:
        """The kernel (a :class:`Kernel`, or the user's callable)."""
        return self._kernel

    @property
    def params(self) -> dict[str, Any]:
        """The resolved kernel parameters (defaults filled in)."""
        return dict(self._params)

    def _pair(self, Xa: np.ndarray, Xb: np.ndarray | None) -> np.ndarray:
        if isinstance(self._kernel, Kernel):
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by the finiteness check
                return KERNELS[self._kernel].function(Xa, Xb, self._params)
        return self._kernel(Xa, Xa if Xb is None else Xb, **self._params)

    def _what(self) -> str:
        name = self._kernel.value if isinstance(self._kernel, Kernel) else getattr(self._kernel, "__name__", "callable")
        return f"KernelMatrix(kernel={name!r})"

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"{self._what()[:-1]}{', ' + p if p else ''}, n={self._n}, d={self._d})"


class GramMatrix(_RowMatrix):
    r"""The Gram matrix :math:`\mathrm{scale}\cdot XX^\top` of the rows of ``X``, evaluated block by block.

    With X an :math:`n \times p` matrix of i.i.d. entries of variance 1 and the default scale :math:`1/p`, its
    spectrum follows Marchenko–Pastur with ratio :math:`n/p` as :math:`n, p \to \infty`.

    Parameters
    ----------
    X : array-like, shape (n, p)
        numpy, ``np.memmap``, zarr, Dask, h5py; only the rows of a requested block are read.
    scale : float, optional
        Positive finite factor, default :math:`1/p`.

    Raises
    ------
    ValueError
        X not of rank 2 or empty, a scale that is not a finite positive number.

    References
    ----------
    V. A. Marchenko and L. A. Pastur, Math. USSR-Sb. 1 (1967) 457–483.
    """

    def __init__(self, X: Any, scale: float | None = None) -> None:
        super().__init__(X)
        self._scale = KernelParam("scale", ParamKind.POSITIVE, 1.0 / self._d).resolve(scale, self._d, "gram")

    @property
    def scale(self) -> float:
        """The factor multiplying :math:`XX^\\top`."""
        return self._scale

    def _pair(self, Xa: np.ndarray, Xb: np.ndarray | None) -> np.ndarray:
        return self._scale * _dot(Xa, Xb)

    def __repr__(self) -> str:
        return f"GramMatrix(scale={self._scale!r}, n={self._n}, p={self._d})"


class ImplicitMatrix(_Implicit):
    """A user's square operator given by its entries: ``entries(rows, cols) -> block``.

    Parameters
    ----------
    n : int
        Size (the matrix is n × n).
    entries : callable
        ``entries(rows, cols)`` with integer index arrays returns the block ``A[rows][:, cols]`` of shape
        ``(len(rows), len(cols))``. It must be a picklable top-level function to run repeats in a process pool or
        on Dask workers.
    symmetric : bool
        Declare A symmetric (default): principal blocks are then checked symmetric (relative asymmetry at most
        1e-10) and symmetrised exactly. Decompression needs a symmetric matrix.

    Raises
    ------
    TypeError
        ``entries`` not callable, ``symmetric`` not a bool.
    ValueError
        ``n`` < 1; later, a block of the wrong shape, with non-finite entries, or not symmetric although declared.
    """

    def __init__(self, n: int, entries: Callable[[np.ndarray, np.ndarray], Any], symmetric: bool = True) -> None:
        n = check_count("n", n, minimum=1, maximum=2**62)
        if not callable(entries):
            raise TypeError(f"entries must be a callable entries(rows, cols) -> block, got {type(entries).__name__}")
        if not isinstance(symmetric, bool):
            raise TypeError(f"symmetric must be True or False, got {symmetric!r}")
        super().__init__(n, symmetric)
        self._entries = entries

    def _compute(self, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
        return self._entries(rows, rows if cols is None else cols)

    def _what(self) -> str:
        return f"ImplicitMatrix(entries={getattr(self._entries, '__name__', 'callable')!r})"

    def __repr__(self) -> str:
        return f"{self._what()[:-1]}, n={self._n}, symmetric={self._symmetric})"
