r"""Example matrices for trying freecalc on something realistic, written to ``.npy`` by ``freecalc example``.

Each kind is one registry entry (:data:`EXAMPLES`): a generator of a symmetric :math:`n \times n` matrix and a
sentence on what free decompression should (or should not) do with it, so that the getting-started commands have
an input whose answer is known — the matrix is small enough to diagonalise, and the ``decompress`` command's
estimate can be compared with ``numpy.linalg.eigvalsh``.

* :attr:`ExampleKind.COVARIANCE` — sample covariance :math:`XX^\top/p` of :math:`n` correlated variables observed
  :math:`p = n/c` times, :math:`X = \Sigma^{1/2} T` with Student-t (ν = 5) entries in :math:`T` and a population
  :math:`\Sigma = O D O^\top` whose eigenvalues are log-uniform on [0.2, 5] and whose eigenvectors are Haar:
  heavy-tailed and correlated, and its random principal submatrices are free compressions (the model check
  passes; decompression should match ``eigvalsh``).
* :attr:`ExampleKind.TIME_SERIES` — the same with an AR(1) correlation (ρ = 0.8) along the variable index instead:
  correlations live between *neighbouring* indices, which a random principal submatrix mostly does not contain,
  so its submatrices are not free compressions of it.
* :attr:`ExampleKind.WISHART` — :math:`XX^\top/p` with Gaussian :math:`X`: spectrum Marchenko–Pastur(c).
* :attr:`ExampleKind.WIGNER` — :math:`(G + G^\top)/\sqrt{2n}`: semicircle of radius 2.
* :attr:`ExampleKind.KERNEL` — RBF kernel of 8 Gaussian clusters in 4 dimensions plus a ridge 10⁻³: a
  low-dimensional kernel, whose submatrices are *not* free compressions (the model check fails and says so).

References
----------
Marchenko & Pastur (1967); Wigner (1958); for kernels of low-dimensional data, El Karoui (2010), *The spectrum of
kernel random matrices*, Ann. Statist. 38(1).
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from freecalc._options import coerce_enum
from freecalc._params import check_count

__all__ = ["ExampleKind", "ExampleSpec", "EXAMPLES", "example_matrix"]

#: smallest size: below it random submatrices of useful size (≥ 8, the decompression minimum, at factor ≥ 2) and
#: a meaningful spectrum do not fit
MIN_SIZE = 32
#: largest size: the matrix is dense and meant to be diagonalised for comparison (8 GB of float64 at 32768)
MAX_SIZE = 32_768


class ExampleKind(enum.Enum):
    """Kinds of example matrices (definitions in :data:`EXAMPLES`)."""

    COVARIANCE = "covariance"
    TIME_SERIES = "time-series"
    WISHART = "wishart"
    WIGNER = "wigner"
    KERNEL = "kernel"


@dataclass(frozen=True)
class ExampleSpec:
    """One example: its generator and what free decompression does with it.

    Parameters
    ----------
    make : callable
        ``make(n, ratio, rng) -> ndarray``: a symmetric n × n matrix (ratio = n/p for the covariance kinds).
    description : str
        One sentence for ``freecalc example``'s output: the model and what the model check should say.
    """

    make: Callable[[int, float, np.random.Generator], np.ndarray]
    description: str


#: degrees of freedom of the Student-t entries: heavy tails with a finite fourth moment (the MP regime still holds)
_NU = 5.0


def _t_entries(n: int, p: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_t(_NU, size=(n, p)) / np.sqrt(_NU / (_NU - 2.0))  # unit variance


def _haar_population_data(n: int, p: int, rng: np.random.Generator) -> np.ndarray:
    d = np.exp(rng.uniform(np.log(0.2), np.log(5.0), size=n))
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))  # Haar: fix the signs QR leaves arbitrary
    return (q * np.sqrt(d)) @ (q.T @ _t_entries(n, p, rng))


def _ar1_data(n: int, p: int, rng: np.random.Generator, rho: float = 0.8) -> np.ndarray:
    # AR(1) filter across the n variables: x_i = rho x_{i-1} + sqrt(1 - rho^2) e_i keeps unit marginal variance.
    e = _t_entries(n, p, rng)
    x = np.empty_like(e)
    x[0] = e[0]
    scale = np.sqrt(1.0 - rho * rho)
    for i in range(1, n):
        x[i] = rho * x[i - 1] + scale * e[i]
    return x


def _gram(x: np.ndarray) -> np.ndarray:
    g = (x @ x.T) / x.shape[1]
    return (g + g.T) / 2.0  # exact symmetry: BLAS may round the two triangles differently


def _covariance(n: int, ratio: float, rng: np.random.Generator) -> np.ndarray:
    return _gram(_haar_population_data(n, max(1, round(n / ratio)), rng))


def _time_series(n: int, ratio: float, rng: np.random.Generator) -> np.ndarray:
    return _gram(_ar1_data(n, max(1, round(n / ratio)), rng))


def _wishart(n: int, ratio: float, rng: np.random.Generator) -> np.ndarray:
    return _gram(rng.standard_normal((n, max(1, round(n / ratio)))))


def _wigner(n: int, ratio: float, rng: np.random.Generator) -> np.ndarray:
    g = rng.standard_normal((n, n))
    return (g + g.T) / np.sqrt(2.0 * n)


def _kernel(n: int, ratio: float, rng: np.random.Generator) -> np.ndarray:
    centres = rng.normal(scale=3.0, size=(8, 4))
    x = centres[rng.integers(0, 8, size=n)] + rng.standard_normal((n, 4))
    sq = np.sum(x * x, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0)
    k = np.exp(-d2 / (2.0 * 4.0))  # bandwidth 2 (gamma = 1/8): the clusters' own scale
    k = (k + k.T) / 2.0
    k[np.diag_indices(n)] += 1e-3
    return k


#: the registry of example kinds
EXAMPLES: dict[ExampleKind, ExampleSpec] = {
    ExampleKind.COVARIANCE: ExampleSpec(
        _covariance, "heavy-tailed (Student-t, nu = 5) sample covariance, n/p = ratio, population with Haar "
        "eigenvectors; its submatrices are free compressions, so decompression should match eigvalsh"),
    ExampleKind.TIME_SERIES: ExampleSpec(
        _time_series, "heavy-tailed sample covariance of AR(1)-correlated variables (rho = 0.8 along the index), "
        "n/p = ratio; correlations between neighbouring indices: not a free compression"),
    ExampleKind.WISHART: ExampleSpec(
        _wishart, "Gaussian sample covariance, spectrum MarchenkoPastur(ratio)"),
    ExampleKind.WIGNER: ExampleSpec(
        _wigner, "symmetric Gaussian (GOE) matrix, spectrum Semicircle(2); ratio is not used"),
    ExampleKind.KERNEL: ExampleSpec(
        _kernel, "RBF kernel of clustered 4-dimensional data plus a ridge 1e-3; not a free compression: the "
        "model check should fail and say so; ratio is not used"),
}


def example_matrix(kind: ExampleKind | str = ExampleKind.COVARIANCE, n: int = 4000, *, ratio: float = 0.5,
                   rng: Any = None) -> np.ndarray:
    """A dense symmetric example matrix of size n × n.

    Parameters
    ----------
    kind : ExampleKind or str
        ``"covariance"`` (default), ``"time-series"``, ``"wishart"``, ``"wigner"`` or ``"kernel"`` (see
        :data:`EXAMPLES`).
    n : int
        Size, an integral value in [32, 32768].
    ratio : float
        c = n/p, the number of variables per observation, for the covariance kinds; in (0, 100].
    rng : int, numpy Generator or None
        Seed or generator.

    Returns
    -------
    numpy.ndarray
        Float64, shape (n, n), exactly symmetric.

    Raises
    ------
    ValueError
        Unknown kind, n outside [32, 32768], ratio outside (0, 100].

    Examples
    --------
    >>> import numpy as np, freecalc as fc
    >>> A = fc.example_matrix("wishart", 400, ratio=0.25, rng=0)
    >>> bool(np.array_equal(A, A.T)), A.shape
    (True, (400, 400))
    """
    kind = coerce_enum(kind, ExampleKind, "kind", hint="use freecalc.ExampleKind")
    n = check_count("n", n, MIN_SIZE, MAX_SIZE)  # dense, meant to be diagonalised for comparison
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.floating, np.integer)) \
            or not 0.0 < float(ratio) <= 100.0:
        raise ValueError(f"ratio={ratio!r} must be a number in (0, 100] (n/p: variables per observation)")
    return EXAMPLES[kind].make(n, float(ratio), np.random.default_rng(rng))
