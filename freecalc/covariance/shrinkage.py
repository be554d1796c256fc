"""``shrunk_eigenvalues`` and ``shrink_covariance``: rotation-equivariant nonlinear shrinkage of a sample
covariance (keep the sample eigenvectors, replace the eigenvalues)."""
from __future__ import annotations

import enum

import numpy as np

from freecalc._options import coerce_enum
from freecalc.covariance._validate import Spectrum, check_data, check_spectrum
from freecalc.covariance.analytic import analytic_shrinkage
from freecalc.covariance.companion import companion_stieltjes, companion_stieltjes_at_zero
from freecalc.covariance.grid import grid_population

__all__ = ["ShrinkageMethod", "shrunk_eigenvalues", "shrink_covariance", "oracle_from_population"]


class ShrinkageMethod(enum.Enum):
    """How the shrunk eigenvalues are computed."""

    #: Ledoit & Wolf (2020) analytical nonlinear shrinkage (kernel density + Hilbert transform)
    ANALYTIC = "analytic"
    #: Ledoit–Péché oracle evaluated with the population spectrum estimated on a grid (El Karoui 2008)
    POPULATION = "population"


def oracle_from_population(spec: Spectrum, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Ledoit–Péché shrinkage :math:`d(\lambda) = 1/(\lambda|\underline m(\lambda)|^2)` for a population spectrum
    :math:`\sum_k w_k\delta_{t_k}` (equivalently :math:`\lambda/|1 - c - c\lambda m_F(\lambda)|^2`), and
    :math:`d_0 = 1/((c-1)\underline m(0))` for the null eigenvalues when c > 1.

    Parameters
    ----------
    spec : Spectrum
        Validated sample eigenvalues with c, n, p and the number of structural zeros (:func:`check_spectrum`).
    t, w : numpy.ndarray
        Population atoms and weights.

    Returns
    -------
    numpy.ndarray
        Shrunk eigenvalues in the order of ``spec.eigs``.

    References
    ----------
    O. Ledoit and S. Péché, Probab. Theory Relat. Fields 151 (2011); Ledoit & Wolf (2020), eq. (2.5).
    """
    lam = spec.eigs
    pos = lam > 0
    out = np.empty(spec.p)
    # evaluate just above the real axis (a height far below the eigenvalue spacing)
    z = lam[pos] + 1j * 1e-5 * float(np.max(lam))
    v = companion_stieltjes(z, t, w, spec.c)
    out[pos] = 1.0 / (lam[pos] * np.abs(v) ** 2)
    if not np.all(pos):
        out[~pos] = 1.0 / ((spec.c - 1.0) * companion_stieltjes_at_zero(t, w, spec.c))
    return out


def shrunk_eigenvalues(sample_eigs, c=None, *, n=None, p=None, method=ShrinkageMethod.ANALYTIC) -> np.ndarray:
    r"""Nonlinearly shrunk eigenvalues: estimates of :math:`u_i^\top\Sigma u_i` for the sample eigenvectors
    :math:`u_i`, in the order of ``sample_eigs``.

    Parameters
    ----------
    sample_eigs : array_like
        The p eigenvalues of :math:`S = X^\top X/n` (with p - n zeros when p > n).
    c : float, optional
        Aspect ratio p/n > 0; or give ``n`` (for centred data, the degrees of freedom n - 1).
    n : float, optional
        Number of samples (degrees of freedom) ≥ 2.
    p : int, optional
        Dimension; checked against ``len(sample_eigs)``.
    method : ShrinkageMethod or str
        ``ANALYTIC`` (Ledoit & Wolf 2020) or ``POPULATION`` (Ledoit–Péché oracle with the population spectrum
        estimated by :func:`population_spectrum`).

    Returns
    -------
    numpy.ndarray
        The shrunk eigenvalues (positive).

    Raises
    ------
    ValueError
        NaN/negative eigenvalues, c ≤ 0, more nonzero eigenvalues than min(n, p), n < 12 for ANALYTIC with p > n
        (its bandwidth n^{-1/3} must be below 1/√5).

    References
    ----------
    O. Ledoit and M. Wolf, "Analytical nonlinear shrinkage of large-dimensional covariance matrices",
    Ann. Statist. 48(5) (2020) 3043–3065.
    """
    spec = check_spectrum(sample_eigs, c, n, p)
    method = coerce_enum(method, ShrinkageMethod, "method")
    if method is ShrinkageMethod.ANALYTIC:
        if spec.n_zero and spec.n ** (-1.0 / 3.0) * np.sqrt(5.0) >= 1.0:
            raise ValueError(f"n={spec.n:.6g} must be >= 12 for method=ANALYTIC with p > n "
                             "(the null-eigenvalue formula needs bandwidth n^(-1/3) < 1/sqrt(5))")
        return analytic_shrinkage(spec)
    t, w, _ = grid_population(spec)
    return oracle_from_population(spec, t, w)


def shrink_covariance(X_or_S, *, n=None, method=ShrinkageMethod.ANALYTIC, centered: bool = True) -> np.ndarray:
    r"""Rotation-equivariant nonlinear shrinkage estimate :math:`U\operatorname{diag}(\tilde d)U^\top` of the
    population covariance.

    Parameters
    ----------
    X_or_S : array_like
        Either data, shape (n, p) (rows are samples), or a symmetric p×p sample covariance (then give ``n``).
    n : float, optional
        For a covariance input: the degrees of freedom it was computed with (n - 1 for a centred covariance).
        Must be omitted for data input.
    method : ShrinkageMethod or str
        See :func:`shrunk_eigenvalues`.
    centered : bool
        Data input only: subtract the column means and use n - 1 degrees of freedom, :math:`S = X_c^\top X_c/(n-1)`
        (the mean estimate costs one dimension of the sample space). ``False``: :math:`S = X^\top X/n`.

    Returns
    -------
    numpy.ndarray
        The p×p estimate.

    Raises
    ------
    ValueError
        Fewer than 2 samples or variables, NaN, a non-symmetric covariance, missing/extra ``n``.
    """
    A = np.asarray(X_or_S, dtype=float)
    if n is None:
        X, dof = check_data(A, centered)
        S = X.T @ X / dof
    else:
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"with n given, X_or_S must be a square p×p covariance, got shape {A.shape}")
        if not np.all(np.isfinite(A)):
            raise ValueError("X_or_S must be finite, got NaN or inf entries")
        if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.max(np.abs(A))):
            raise ValueError("X_or_S must be symmetric when given as a covariance (n given)")
        S, dof = A, n
    lam, U = np.linalg.eigh(S)
    d = shrunk_eigenvalues(lam, n=dof, method=method)
    return (U * d) @ U.T
