r"""Uncertainty of a maximum-likelihood fit: standard errors and the covariance of the free natural parameters.

The observed information :math:`H = -\nabla^2_\varphi \log L` at the optimum by central differences (adapted steps),
or the outer product of per-point scores (BHHH; :class:`freecalc.fitting.options.ErrorMethod`), gives
:math:`\mathrm{Cov}_\varphi = H^{-1}`, mapped to the natural parameters by the delta method,
:math:`\mathrm{Cov}_\theta = J\,\mathrm{Cov}_\varphi J^T` with :math:`J = \mathrm{diag}(d\theta/d\varphi)`
(coordinates :math:`\varphi`: :mod:`freecalc.fitting.model`). Coordinates on a boundary of the search box can be
held, giving errors conditional on them. These treat the data as independent draws; eigenvalues of one matrix repel
and fluctuate less, so for matrix spectra the errors are conservative (the tests check both).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from freecalc.fitting.likelihood import Likelihood
from freecalc.fitting.options import ErrorMethod

__all__ = ["standard_errors", "covariance"]


def standard_errors(lik: Likelihood, phi: np.ndarray, rel_step: float,
                    method: ErrorMethod = ErrorMethod.HESSIAN, hold: Sequence[int] = ()) -> tuple[dict, bool]:
    """Standard errors of the free natural parameters at ``phi`` (observed information or OPG).

    Returns (name → stderr, ok); ok is False (and the errors NaN) when the information matrix is not positive
    definite — a flat or boundary optimum where the quadratic approximation says nothing. ``hold`` lists indices
    of free coordinates treated as known (a parameter on the boundary of the search box, where the likelihood has
    no maximum and no curvature to speak of): their errors are NaN and the others' are conditional on them.

    Parameters
    ----------
    lik : Likelihood
    phi : ndarray
        The optimum in unconstrained coordinates.
    rel_step : float
        Relative finite-difference step of the Hessian.
    method : ErrorMethod
        HESSIAN (observed information) or OPG (outer product of scores).
    hold : sequence of int
        Indices of free coordinates treated as known.

    Returns
    -------
    tuple
        ``(name -> stderr, ok)``.
    """
    cov, ok = covariance(lik, phi, rel_step, method, hold)
    names = lik.model.free
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(cov)) if cov.size else np.zeros(0)
    return {n: float(v) for n, v in zip(names, se)}, ok


def covariance(lik: Likelihood, phi: np.ndarray, rel_step: float, method: ErrorMethod = ErrorMethod.HESSIAN,
               hold: Sequence[int] = ()) -> tuple[np.ndarray, bool]:
    """Covariance matrix of the free natural parameters (delta method from φ), rows/columns of held coordinates NaN.

    See :func:`standard_errors`; the whole matrix is needed for functions of several parameters (InverseHTMP's
    tail exponent α = 1 + κ(1−γ)/(2γ)).

    Parameters
    ----------
    lik, phi, rel_step, method, hold
        As for :func:`standard_errors`.

    Returns
    -------
    tuple
        ``(cov, ok)``.
    """
    model = lik.model
    k = model.k
    if k == 0:
        return np.zeros((0, 0)), True
    hold = sorted(set(int(i) for i in hold))
    if hold:
        active = [i for i in range(k) if i not in hold]
        out = np.full((k, k), math.nan)
        if not active:
            return out, True
        sub = _PinnedLikelihood(lik, phi, active)
        c, ok = covariance(sub, np.asarray(phi, dtype=float)[active], rel_step, method)
        out[np.ix_(active, active)] = c
        return out, ok
    if method is ErrorMethod.AUTO:
        method = ErrorMethod.OPG if model.family.finite_edge else ErrorMethod.HESSIAN
    info = _opg_information(lik, phi, rel_step) if method is ErrorMethod.OPG else _hessian(lik, phi, rel_step)
    nan = np.full((k, k), math.nan)
    if info is None or not np.all(np.isfinite(info)):
        return nan, False
    try:
        L = np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        return nan, False
    Li = np.linalg.inv(L)
    cov_phi = Li.T @ Li
    J = model.jacobian(phi)
    return J[:, None] * cov_phi * J[None, :], True


def _hessian(lik: Likelihood, phi: np.ndarray, rel_step: float) -> np.ndarray:
    """Observed information −∇²_φ log L by adapted central second differences."""
    model = lik.model
    k = model.k
    f = lik.nll_phi
    f0 = f(phi)

    def curvature(v: np.ndarray) -> float:
        """vᵀHv by a central second difference along v, with the step t steered so that the difference
        Δ = f(φ+tv) + f(φ−tv) − 2f(φ) lies in [1e-6, 1e-4]: far above the rounding noise of f (~1e-12|f|,
        so ~1e-5 relative error), and inside the region where f is quadratic — near a support edge the
        likelihood has a wall that a fixed step can hit, or straddle and misjudge (with Δ up to 0.1 an
        iid Kesten–McKay sample of 800 gave an indefinite matrix)."""
        t = 1.0
        delta = math.nan
        for _ in range(60):
            delta = f(phi + t * v) + f(phi - t * v) - 2.0 * f0
            if not math.isfinite(delta) or delta > 1e-4:
                t *= 0.25
            elif delta < 1e-6 and t < 1e3:
                t *= 3.0
            else:
                break
        return delta / t ** 2

    # diagonal steps h_i (scaling of each coordinate), then mixed terms by polarisation along h_i e_i ± h_j e_j:
    # each direction gets its own adapted step, which a 4-point mixed difference with fixed steps does not.
    h = np.array([rel_step * max(1.0, abs(v)) for v in phi])
    H = np.empty((k, k))
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h[i]
        H[i, i] = curvature(ei) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (curvature(ei + ej) - curvature(ei - ej)) / (4.0 * h[i] * h[j])
    return H


def _opg_information(lik: Likelihood, phi: np.ndarray, rel_step: float) -> np.ndarray | None:
    r"""BHHH: information ≈ Σ_i s_i s_iᵀ with per-point scores :math:`s_i = \nabla_\varphi \log f(x_i)` by central
    differences (step shrunk until both sides are valid: near a support edge a step can leave the support)."""
    model = lik.model
    k = model.k
    scores = np.empty((lik.x.size, k))
    for i in range(k):
        h = rel_step * 1e-2 * max(1.0, abs(phi[i]))
        for _ in range(20):
            e = np.zeros(k)
            e[i] = h
            up, dn = lik.contributions(model.theta(phi + e)), lik.contributions(model.theta(phi - e))
            if up is not None and dn is not None:
                break
            h *= 0.25
        else:
            return None
        scores[:, i] = (up - dn) / (2.0 * h)
    return scores.T @ scores


class _PinnedModel:
    """The part of a Model seen by the error routines, restricted to the ``active`` free coordinates."""

    def __init__(self, model, phi_full: np.ndarray, active: list):
        self._m, self._phi, self._active = model, np.asarray(phi_full, dtype=float), list(active)
        self.free = tuple(model.free[i] for i in active)
        self.family = model.family
        self.k = len(active)

    def full(self, psi) -> np.ndarray:
        out = self._phi.copy()
        out[self._active] = psi
        return out

    def theta(self, psi):
        return self._m.theta(self.full(psi))

    def jacobian(self, psi) -> np.ndarray:
        return self._m.jacobian(self.full(psi))[self._active]


class _PinnedLikelihood:
    """A Likelihood with some free coordinates held at their values (see ``standard_errors(hold=...)``)."""

    def __init__(self, lik: Likelihood, phi_full: np.ndarray, active: list):
        self._lik = lik
        self.model = _PinnedModel(lik.model, phi_full, active)
        self.x = lik.x

    def nll_phi(self, psi) -> float:
        return self._lik.nll_phi(self.model.full(np.asarray(psi, dtype=float)))

    def contributions(self, theta):
        return self._lik.contributions(theta)
