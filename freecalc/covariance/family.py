r"""Parametric population spectrum: the parameters of a law family H(θ) fitted by matching the sample moments to
those of :math:`H(\theta)\boxtimes\mathrm{MP}(c)`, with parametric-bootstrap standard errors.

The first k sample moments (k = number of parameters) are matched through the exact relations of
:mod:`freecalc.covariance.moments`; the fit minimises relative moment residuals over the parameters' domains.
Standard errors: refit on ``bootstrap`` spectra simulated from the fitted model (p×p population with eigenvalues the
quantiles of H(θ̂), Gaussian data with n rows), and take the standard deviation of the refitted parameters.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import least_squares

from freecalc.covariance.moments import MAX_ORDER, sample_moments_from_population

__all__ = ["fit_family", "population_quantiles"]


def _start(param) -> float:
    lo, hi = param.typical if param.typical is not None else (param.domain.lo, param.domain.hi)
    return float(np.sqrt(lo * hi)) if lo > 0 else 0.5 * (lo + hi)


def _fit_once(family, params, target: np.ndarray, c: float, x0: np.ndarray) -> tuple[np.ndarray, float]:
    k = target.size
    positive = np.array([p.domain.lo >= 0 for p in params])

    def theta_of(u):
        return np.where(positive, np.exp(u), u)

    def resid(u):
        try:
            law = family(*theta_of(u))
            h = np.array([float(law.moment(j)) for j in range(1, k + 1)])
        except (ValueError, ArithmeticError):
            return np.full(k, 1e6)
        return sample_moments_from_population(h, c) / target - 1.0

    u0 = np.where(positive, np.log(x0), x0)
    sol = least_squares(resid, u0, method="lm" if k > 1 else "trf", xtol=1e-12, ftol=1e-12)
    return theta_of(sol.x), float(np.max(np.abs(sol.fun)))


def population_quantiles(law, p: int) -> np.ndarray:
    """p population eigenvalues: the mid-quantiles :math:`F^{-1}((i + 1/2)/p)` of ``law``.

    Parameters
    ----------
    law : Law
        Population law.
    p : int
        Number of eigenvalues.

    Returns
    -------
    numpy.ndarray
    """
    return np.asarray(law.ppf((np.arange(p) + 0.5) / p), dtype=float)


def fit_family(family, eigs: np.ndarray, c: float, n: float, bootstrap: int, rng) -> tuple:
    r"""Fit a law family to sample eigenvalues by matching the moments of :math:`H\boxtimes\mathrm{MP}(c)`.

    Parameters
    ----------
    family : Law class
        With 1 to ``MAX_ORDER`` declared parameters.
    eigs : numpy.ndarray
        Sample eigenvalues.
    c, n : float
        Aspect ratio and number of samples.
    bootstrap : int
        Number of parametric-bootstrap refits (0: no standard errors).
    rng : numpy.random.Generator
        Randomness of the bootstrap.

    Returns
    -------
    law : Law
        The fitted population law.
    theta : numpy.ndarray
        Its parameters.
    stderr : numpy.ndarray
        Bootstrap standard errors (NaN without bootstrap).
    residual : float
        Largest relative moment residual (a RuntimeWarning is issued above 1e-6).

    Raises
    ------
    ValueError
        If the family has no parameters or more than ``MAX_ORDER``.
    """
    params = tuple(getattr(family, "parameters", ()))
    k = len(params)
    if not 1 <= k <= MAX_ORDER:
        raise ValueError(f"family={getattr(family, '__name__', family)!r} has {k} parameters; moment matching "
                         f"supports 1 to {MAX_ORDER}")
    target = np.array([np.mean(eigs**j) for j in range(1, k + 1)])
    x0 = np.array([_start(p) for p in params])
    theta, res = _fit_once(family, params, target, c, x0)
    if res > 1e-6:
        warnings.warn(f"population_spectrum: moments of {family.__name__} ⊠ MP(c) do not reach the sample moments "
                      f"(largest relative residual {res:.2e}): the family may not describe this spectrum",
                      RuntimeWarning, stacklevel=3)
    law = family(*theta)
    stderr = np.full(k, np.nan)
    if bootstrap:
        p = eigs.size
        n_int = int(round(n))
        root = np.sqrt(population_quantiles(law, p))
        draws = []
        for _ in range(bootstrap):
            X = rng.standard_normal((n_int, p)) * root
            lam = np.linalg.eigvalsh(X.T @ X / n_int)
            tb = np.array([np.mean(lam**j) for j in range(1, k + 1)])
            draws.append(_fit_once(family, params, tb, p / n_int, theta)[0])
        stderr = np.std(np.array(draws), axis=0, ddof=1)
    return law, theta, stderr, res
