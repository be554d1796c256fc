r"""Maximum likelihood: optimisation in transformed coordinates and standard errors from the observed information.

The optimiser is Nelder–Mead on the unconstrained coordinates φ (see :mod:`freecalc.fitting.likelihood`): the
log-likelihood is −∞ wherever the support misses a data point, a wall that gradient methods handle badly and the
simplex simply steps back from. A second run restarted at the optimum with a fresh simplex guards against the
premature simplex collapse Nelder–Mead is known for.

Standard errors: the observed information :math:`H = -\nabla^2_\varphi \log L` at the optimum by central
differences, :math:`\mathrm{Cov}_\varphi = H^{-1}`, mapped to the natural parameters by the delta method,
:math:`\mathrm{Cov}_\theta = J\,\mathrm{Cov}_\varphi J^T` with :math:`J = \mathrm{diag}(d\theta/d\varphi)`.
These treat the data as independent draws; eigenvalues of one matrix repel and fluctuate less, so for matrix
spectra the errors are conservative (the tests check both).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from freecalc.fitting.likelihood import PHI_BOUND, Likelihood
from freecalc.fitting.options import OptimizerOptions

__all__ = ["MLEResult", "maximize", "standard_errors"]


@dataclass(frozen=True)
class MLEResult:
    """Optimum of one likelihood."""

    theta: dict
    phi: np.ndarray
    loglik: float
    converged: bool
    evaluations: int


def _simplex(f, phi0: np.ndarray, step: float = 0.1) -> np.ndarray:
    """Initial simplex around φ0 with steps of ``step`` (or −step when +step is infeasible)."""
    k = phi0.size
    pts = [phi0]
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        p = phi0 + e
        if not math.isfinite(f(p)):
            p = phi0 - e
            if not math.isfinite(f(p)):
                p = phi0 + 0.1 * e
        pts.append(p)
    return np.array(pts)


def maximize(lik: Likelihood, starts: Sequence[Mapping[str, float]], options: OptimizerOptions) -> MLEResult:
    """Maximise ``lik`` from the best of ``starts``; ValueError when no start has a finite likelihood.

    Starts are tried as given and, when infeasible, with the scale parameter (own or added) inflated in steps
    of 5 % (up to ×10): a support too narrow for the data is the usual reason a start fails.
    """
    model = lik.model
    f = lik.nll_phi
    candidates = []
    for st in starts:
        theta = {**st, **model.fixed}
        try:
            phi = model.phi(theta)
        except (KeyError, ValueError, OverflowError):
            continue
        val = f(phi)
        if not math.isfinite(val):
            phi, val = _inflate(lik, theta)
        if math.isfinite(val):
            candidates.append((val, phi))
    if not candidates:
        fam = model.family.name
        raise ValueError(f"fit: no parameters of {fam} found whose support contains all {lik.x.size} data points "
                         f"(range [{lik.x[0]:.6g}, {lik.x[-1]:.6g}]); the law cannot describe these data "
                         f"(check the sign, the atoms and the fixed parameters)")
    candidates.sort(key=lambda t: t[0])
    best_val, phi = candidates[0]
    if model.k == 0:
        return MLEResult(model.theta(phi), phi, -best_val, True, lik.evaluations)
    converged = True
    for _ in range(1 + options.restarts):
        res = minimize(f, phi, method="Nelder-Mead",
                       options=dict(initial_simplex=_simplex(f, phi), maxiter=options.maxiter * model.k,
                                    maxfev=options.maxiter * model.k * 2, xatol=options.xatol,
                                    fatol=options.fatol, adaptive=model.k > 2))
        if math.isfinite(res.fun) and res.fun <= best_val:
            best_val, phi = float(res.fun), np.asarray(res.x, dtype=float)
        converged = bool(res.success)
    return MLEResult(model.theta(phi), phi, -best_val, converged, lik.evaluations)


def _inflate(lik: Likelihood, theta: Mapping[str, float]):
    model = lik.model
    fam = model.family
    name = "scale" if "scale" in model.free else (fam.scale_param if fam.scale_param in model.free else None)
    if name is None:
        return None, math.inf
    th = dict(theta)
    for _ in range(48):  # 1.05^48 ≈ 10
        th[name] = th[name] * 1.05
        phi = model.phi(th)
        val = lik.nll_phi(phi)
        if math.isfinite(val):
            return phi, val
    return None, math.inf


def standard_errors(lik: Likelihood, phi: np.ndarray, rel_step: float) -> tuple[dict, bool]:
    """Standard errors of the free natural parameters from the observed information at ``phi``.

    Returns (name → stderr, ok); ok is False (and the errors NaN) when the numerical Hessian is not positive
    definite — a flat or boundary optimum where the quadratic approximation says nothing.
    """
    model = lik.model
    k = model.k
    if k == 0:
        return {}, True
    f = lik.nll_phi
    f0 = f(phi)
    h = np.array([rel_step * max(1.0, abs(v)) for v in phi])
    # shrink steps that leave the feasible region (support edge close to a data point)
    for i in range(k):
        for _ in range(8):
            e = np.zeros(k)
            e[i] = h[i]
            if math.isfinite(f(phi + e)) and math.isfinite(f(phi - e)):
                break
            h[i] *= 0.25
    H = np.empty((k, k))
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h[i]
        H[i, i] = (f(phi + ei) - 2.0 * f0 + f(phi - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (f(phi + ei + ej) - f(phi + ei - ej) - f(phi - ei + ej) + f(phi - ei - ej)) / (
                4.0 * h[i] * h[j])
    names = model.free
    nan = {n: math.nan for n in names}
    if not np.all(np.isfinite(H)) or np.any(np.abs(phi) > PHI_BOUND - 1):
        return nan, False
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return nan, False
    cov_phi = np.linalg.inv(L).T @ np.linalg.inv(L)
    J = model.jacobian(phi)
    var = J ** 2 * np.diag(cov_phi)
    return {n: float(math.sqrt(v)) for n, v in zip(names, var)}, True
