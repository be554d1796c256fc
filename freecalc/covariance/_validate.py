"""Input checks shared by the covariance estimators: sample eigenvalues, the aspect ratio c = p/n, data matrices.

Every check raises ``ValueError`` naming the parameter, its value and the allowed range: a shrinkage formula fed
inconsistent eigenvalues returns numbers that look plausible and are wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Spectrum", "check_spectrum", "check_data"]


@dataclass(frozen=True)
class Spectrum:
    """Validated sample eigenvalues with their dimensions.

    Parameters
    ----------
    eigs : numpy.ndarray
        The eigenvalues in input order; structural zeros set exactly to 0.
    c : float
        Aspect ratio p/n.
    n : float
        Number of samples (degrees of freedom; fractional when only c was given).
    p : int
        Dimension (the number of eigenvalues).
    n_zero : int
        Number of structural zeros (``p - n`` when ``p > n``, else 0).
    """

    eigs: np.ndarray
    c: float
    n: float
    p: int
    n_zero: int


def _zero_tolerance(eigs: np.ndarray) -> float:
    # numerical rank threshold of an eigensolver on a PSD matrix of this size and scale
    return float(np.max(np.abs(eigs))) * eigs.size * np.finfo(float).eps * 100.0


def check_spectrum(sample_eigs, c=None, n=None, p=None) -> Spectrum:
    """Validate sample eigenvalues and resolve ``c`` from ``c`` or ``n`` (``p`` defaults to their number).

    Parameters
    ----------
    sample_eigs : array_like
        The p eigenvalues of a sample covariance (≥ 0 up to round-off).
    c : float, optional
        Aspect ratio p/n > 0.
    n : float, optional
        Number of samples ≥ 2 (one of ``c``, ``n`` is required; both must agree).
    p : int, optional
        Checked against ``len(sample_eigs)``.

    Returns
    -------
    Spectrum

    Raises
    ------
    ValueError
        Naming the offending argument: shape, non-finite or negative eigenvalues, c or n out of range or
        inconsistent, more nonzero eigenvalues than min(n, p), or zeros beyond the p - n structural ones.
    """
    eigs = np.asarray(sample_eigs, dtype=float)
    if eigs.ndim != 1:
        raise ValueError(f"sample_eigs must be one-dimensional, got shape {eigs.shape}")
    if eigs.size < 2:
        raise ValueError(f"sample_eigs must hold at least 2 eigenvalues, got {eigs.size}")
    if not np.all(np.isfinite(eigs)):
        bad = eigs[~np.isfinite(eigs)][0]
        raise ValueError(f"sample_eigs must be finite, got {bad} (NaN or inf)")
    if p is not None and int(p) != eigs.size:
        raise ValueError(f"p={p} does not match the {eigs.size} sample eigenvalues given")
    p_ = eigs.size
    if c is None and n is None:
        raise ValueError("give the aspect ratio c = p/n or the number of samples n")
    if n is not None:
        if not (np.isfinite(n) and n >= 2):
            raise ValueError(f"n={n} must be a number of samples >= 2")
        c_from_n = p_ / float(n)
        if c is not None and not np.isclose(float(c), c_from_n, rtol=1e-9):
            raise ValueError(f"c={c} disagrees with p/n = {p_}/{n} = {c_from_n}")
        c = c_from_n
    c = float(c)
    if not (np.isfinite(c) and c > 0):
        raise ValueError(f"c={c} must be a finite aspect ratio p/n > 0")
    n_ = p_ / c
    tol = _zero_tolerance(eigs) if np.any(eigs != 0) else 0.0
    if np.any(eigs < -tol):
        raise ValueError(f"sample_eigs must be >= 0 (eigenvalues of a PSD matrix), got min {eigs.min():.6g}")
    if np.max(eigs) <= 0:
        raise ValueError("sample_eigs are all zero: no spectrum to estimate")
    eigs = np.where(eigs <= tol, 0.0, eigs)
    nonzero = int(np.count_nonzero(eigs))
    # the rank of X^T X / n is at most min(n, p); n may be fractional when c was given
    max_rank = int(np.floor(min(n_, p_) + 1e-9))
    if nonzero > max_rank:
        raise ValueError(f"sample_eigs has {nonzero} nonzero eigenvalues but rank <= min(n, p) = {max_rank} "
                         f"for c={c:.6g} (p={p_}, n={n_:.6g}): eigenvalues inconsistent with c")
    n_zero = max(p_ - max_rank, 0) if c > 1 else 0
    if n_zero:
        # exactly the p - n smallest are structural zeros; others (degenerate data) stay as computed
        order = np.argsort(eigs, kind="stable")
        eigs = eigs.copy()
        eigs[order[:n_zero]] = 0.0
    extra = int(np.count_nonzero(eigs == 0)) - n_zero
    if extra > 0:
        raise ValueError(f"sample_eigs has {extra} zero eigenvalue(s) beyond the p - n = {n_zero} that c={c:.6g} "
                         f"implies (p={p_}, n={n_:.6g}): the sample covariance is rank deficient; pass the degrees of "
                         "freedom as n (n - 1 for centred data) or remove the degenerate directions")
    return Spectrum(eigs=eigs, c=c, n=n_, p=p_, n_zero=n_zero)


def check_data(X, centered: bool) -> tuple[np.ndarray, int]:
    """Validate an (n, p) data matrix.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Data, one sample per row (n, p ≥ 2, finite).
    centered : bool
        Subtract the column means (one degree of freedom fewer).

    Returns
    -------
    X : numpy.ndarray
        The data, centred when ``centered``.
    dof : int
        Degrees of freedom: n - 1 when centred, else n.

    Raises
    ------
    ValueError
        Not 2-d, fewer than 2 samples or variables, or non-finite entries.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d (n samples, p variables) array, got shape {X.shape}")
    n, p = X.shape
    if n < 2:
        raise ValueError(f"X must have at least 2 samples (rows), got n={n}")
    if p < 2:
        raise ValueError(f"X must have at least 2 variables (columns), got p={p}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite, got NaN or inf entries")
    if centered:
        # subtracting the sample mean removes one degree of freedom: S = Xc^T Xc / (n - 1)
        return X - X.mean(axis=0), n - 1
    return X, n
