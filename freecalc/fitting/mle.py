r"""Maximum likelihood: optimisation in transformed coordinates and standard errors from the observed information.

The optimiser is Nelder–Mead on the unconstrained coordinates φ (see :mod:`freecalc.fitting.model`): the
log-likelihood is −∞ wherever the support misses a data point or the parameters leave the search box, a wall that
gradient methods handle badly (L-BFGS-B with finite-difference gradients stopped at such a wall on an HTMP fit,
at a point 30 log-likelihood units from the optimum) and the simplex simply steps back from.

The simplex is run to a coarse tolerance only and the optimum is then *polished* by Newton's method on the
central-difference gradient and Hessian (:func:`_newton_polish`): from within ~1e-2 of the optimum Newton converges
in two or three steps (k² + k + 1 evaluations each), where the simplex needs a few hundred evaluations to shrink from
1e-2 to 1e-6 and a restarted simplex as many again. The coarse simplex runs on a binned log-likelihood
(:meth:`Likelihood.coarse`) when the data allow it and the law has no finite edge. Newton also certifies the result — it stops only at a positive
definite Hessian with a Newton decrement :math:`g^T H^{-1} g / 2` (the predicted gain in log L) below
``OptimizerOptions.decrement_tol`` — which is what a restart would guard against (the premature simplex collapse
Nelder–Mead is known for). When it cannot (a maximum on a boundary of the search box that the active set does not
capture, no convergence), the fit falls back to the full-tolerance simplex and a second run restarted at its optimum
with a fresh simplex.

Standard errors and covariances are computed in :mod:`freecalc.fitting.uncertainty`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from freecalc.fitting.likelihood import Likelihood
from freecalc.fitting.options import OptimizerOptions
from freecalc.fitting.simplex import nelder_mead
# re-exported: callers (fitting.api, the tests) import the error routines from here with the optimiser
from freecalc.fitting.uncertainty import covariance, standard_errors  # noqa: F401

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


def maximize(lik: Likelihood, starts: Sequence[Mapping[str, float]], options: OptimizerOptions,
             warm: bool = False) -> MLEResult:
    """Maximise ``lik`` from the best of ``starts``; ValueError when no start has a finite likelihood.

    Starts are tried as given; only if none is feasible are they moved (see :func:`_inflate`): a support too
    narrow for the data is the usual reason a start fails.

    Parameters
    ----------
    lik : Likelihood
    starts : sequence of mapping
        Starting points (natural parameters).
    options : OptimizerOptions
    warm : bool
        The starts include the optimum of a closely related fit (the same law on nearly the same data): Newton is
        tried from the best start before any simplex (``options.polish`` only).

    Returns
    -------
    MLEResult

    Raises
    ------
    ValueError
        No start (moved or not) has a finite likelihood.
    """
    model = lik.model
    f = lik.nll_phi
    candidates = []
    infeasible = []
    for st in starts:
        theta = {**st, **model.fixed}
        try:
            phi = model.phi(theta)
        except (KeyError, ValueError, OverflowError):
            continue
        bounds = np.array(model.bounds).reshape(-1, 2)
        if bounds.size:
            phi = np.clip(phi, bounds[:, 0] + 1e-9, bounds[:, 1] - 1e-9)  # starts outside the search box
        val = f(phi)
        if math.isfinite(val):
            candidates.append((val, phi))
        else:
            infeasible.append(theta)
    if not candidates:  # only when no start is feasible: moving starts costs up to ~300 evaluations each
        for theta in infeasible:
            phi, val = _inflate(lik, theta)
            if math.isfinite(val):
                candidates.append((val, phi))
                break
    if not candidates:
        fam = model.family.name
        raise ValueError(f"fit: no parameters of {fam} found whose support contains all {lik.x.size} data points "
                         f"(range [{lik.x[0]:.6g}, {lik.x[-1]:.6g}]); the law cannot describe these data "
                         f"(check the sign, the atoms and the fixed parameters)")
    candidates.sort(key=lambda t: t[0])
    best_val, phi = candidates[0]
    if model.k == 0:
        return MLEResult(model.theta(phi), phi, -best_val, True, lik.evaluations)
    runs = 1 + options.restarts
    if options.polish:
        # not for a law with a finite edge: log ρ falls to −∞ like log √(distance) at its edge, which the binned
        # likelihood's linear interpolation between nodes flattens, so its optimum sits at the wrong distance from
        # the support wall, outside Newton's basin (Kesten–McKay's polish then failed on a Student-t spectrum);
        # such laws are cheap to evaluate exactly
        coarse = lik.coarse() if hasattr(lik, "coarse") and not model.family.finite_edge else None
        certified, best_val, phi = _polish_path(f, phi, best_val, model.bounds, options, warm,
                                                None if coarse is None else coarse.nll_phi)
        if certified:
            best_val, phi = _settle_on_bounds(f, phi, best_val, model.bounds, options)
            return MLEResult(model.theta(phi), phi, -best_val, True, lik.evaluations)
        runs = max(1, options.restarts)  # the coarse simplex was the first run: continue from its optimum
    converged = True
    for _ in range(runs):
        res = nelder_mead(f, _simplex(f, phi), maxiter=options.maxiter * model.k,
                          maxfev=options.maxiter * model.k * 2, xatol=options.xatol, fatol=options.fatol,
                          adaptive=model.k > 2)
        if math.isfinite(res.fun) and res.fun <= best_val:
            best_val, phi = float(res.fun), np.asarray(res.x, dtype=float)
        converged = bool(res.success)
    best_val, phi = _settle_on_bounds(f, phi, best_val, model.bounds, options)
    return MLEResult(model.theta(phi), phi, -best_val, converged, lik.evaluations)


def _polish_path(f, phi: np.ndarray, best_val: float, bounds, options: OptimizerOptions, warm: bool,
                 f_coarse=None):
    """A coarse simplex (on ``f_coarse``, a cheaper approximation of f, when given) then Newton on f; Newton first
    (at most :data:`WARM_NEWTON_STEPS` steps) from a warm start.

    Returns ``(certified, value, φ)``: ``certified`` when Newton stopped at a certified optimum; otherwise
    (value, φ) is the best point of f met, from which the caller continues with the full-tolerance simplex.
    """
    k = phi.size
    if warm:
        out = _newton_polish(f, phi, best_val, bounds, options, WARM_NEWTON_STEPS)
        if out is not None:
            return True, out[0], out[1]
    g = f if f_coarse is None else f_coarse
    res = nelder_mead(g, _simplex(g, phi), maxiter=options.maxiter * k, maxfev=options.maxiter * k * 2,
                      xatol=max(options.xatol, options.coarse_xatol), fatol=max(options.fatol, options.coarse_fatol),
                      adaptive=k > 2)
    x = np.asarray(res.x, dtype=float)
    val = float(res.fun) if f_coarse is None else f(x)
    if math.isfinite(val) and val <= best_val:
        best_val, phi = val, x
    elif f_coarse is not None and math.isfinite(val):
        # the coarse optimum is not better in f than the start (possible when the start is already near the
        # optimum): Newton still starts there, the better point is kept for the fallback
        out = _newton_polish(f, x, val, bounds, options)
        if out is not None and out[0] <= best_val:
            return True, out[0], out[1]
    out = _newton_polish(f, phi, best_val, bounds, options)
    if out is not None:
        return True, out[0], out[1]
    return False, best_val, phi


def _derivatives(f, phi: np.ndarray, f0: float, h: np.ndarray):
    """Central-difference gradient and Hessian of f at φ (steps h), or None if any evaluation is not finite.

    The mixed terms by the symmetric difference along a = h_i e_i + h_j e_j,
    [f(φ + a) + f(φ − a) − f(φ + h_i e_i) − f(φ − h_i e_i) − f(φ + h_j e_j) − f(φ − h_j e_j) + 2f(φ)]/(2 h_i h_j),
    which reuses the diagonal probes: k² + k evaluations instead of 2k², with the same O(h²) error as the 4-point
    formula (the odd terms cancel in f(φ + a) + f(φ − a)).
    """
    k = phi.size
    g = np.empty(k)
    H = np.empty((k, k))
    pair = np.empty(k)  # f(φ + h_i e_i) + f(φ − h_i e_i)
    for i in range(k):
        e = np.zeros(k)
        e[i] = h[i]
        fp, fm = f(phi + e), f(phi - e)
        if not (math.isfinite(fp) and math.isfinite(fm)):
            return None
        g[i] = (fp - fm) / (2.0 * h[i])
        H[i, i] = (fp - 2.0 * f0 + fm) / h[i] ** 2
        pair[i] = fp + fm
    for i in range(k):
        for j in range(i):
            e = np.zeros(k)
            e[i] = h[i]
            e[j] = h[j]
            fa, fb = f(phi + e), f(phi - e)
            if not (math.isfinite(fa) and math.isfinite(fb)):
                return None
            H[i, j] = H[j, i] = (fa + fb - pair[i] - pair[j] + 2.0 * f0) / (2.0 * h[i] * h[j])
    return g, H


def _newton_polish(f, phi: np.ndarray, fval: float, bounds, options: OptimizerOptions,
                   max_steps: int | None = None):
    r"""Newton's method on f (the negative log-likelihood) from φ, with the search box as active set.

    Coordinates within :data:`ACTIVE_FACTOR` · :data:`ACTIVE_STEP` of a bound of the box are put on it and held;
    Newton runs on the others until the Newton decrement :math:`g^T H^{-1} g / 2` is at most
    ``options.decrement_tol`` at a positive definite Hessian; then each held coordinate must pass the first-order
    (KKT) test — moving it one step into the box does not lower f — so that the bound really is where the maximum
    is. Returns (value, φ), or None when this fails (no convergence in ``options.newton_maxiter`` steps, a held
    coordinate that wants to move inwards, a support wall that the derivatives cannot be taken away from): the
    simplex then takes over.

    *Support walls.* A law with a finite edge has log L = −∞ once its support misses a data point, and its maximum
    usually lies just inside that wall (a square-root edge makes log L fall like ½ log of the distance to it).
    A finite-difference probe across the wall is retried with a step a quarter as long (twice); a Newton step
    across it is halved like a step that does not decrease f; an indefinite Hessian (the wall's curvature
    dominating far from the maximum) gives a regularised step (H + μI positive definite). Only a step taken at a
    positive definite H with a decrement below the tolerance certifies the optimum, so none of this loosens the
    result; it avoids the full simplex, which costs hundreds of evaluations, where a few Newton steps finish.

    Steps are halved until f decreases and the point stays inside the box. The finite-difference step
    :math:`h_i = 10^{-5}\max(1, |\varphi_i|)` (:data:`NEWTON_STEP`) is small against the distance from the
    maximum to a support wall (a square-root edge's maximum lies ~1/(2n) of the edge inside it, 5e-4 for n = 1000:
    steps of 1e-3 crossed it, and the simplex had to finish most fits of laws with a finite edge), so the quadratic
    model holds across the probes. The rounding error of f (~2e-16 |f|, |f| ~ 2n) adds ~2e-16 |f|/h² ≈ 4e-3 to
    second differences of size ~n, and ~4e-8 to the gradient: the decrement resolved is far below the default
    tolerance 1e-6, which puts the point within √(2·1e-6) ≈ 1.4e-3 standard errors of the maximum.
    """
    k = phi.size
    lo = np.array([b[0] for b in bounds], dtype=float)
    hi = np.array([b[1] for b in bounds], dtype=float)
    f_start = fval
    phi = np.asarray(phi, dtype=float).copy()
    h = ACTIVE_STEP * np.maximum(1.0, np.abs(phi))
    held = {}
    for i in range(k):
        if phi[i] - lo[i] <= ACTIVE_FACTOR * h[i]:
            held[i] = (lo[i], 1.0)  # (bound, inward direction)
        elif hi[i] - phi[i] <= ACTIVE_FACTOR * h[i]:
            held[i] = (hi[i], -1.0)
    if held:
        for i, (edge, _) in held.items():
            phi[i] = edge
        fval = f(phi)
        if not math.isfinite(fval):
            return None
    free = np.array([i for i in range(k) if i not in held], dtype=int)
    done = free.size == 0
    steps = options.newton_maxiter if max_steps is None else min(max_steps, options.newton_maxiter)
    for _ in range(steps if free.size else 0):
        psi = phi[free]
        hf = NEWTON_STEP * np.maximum(1.0, np.abs(psi))
        if (psi - hf <= lo[free]).any() or (psi + hf >= hi[free]).any():
            return None  # a free coordinate has reached the box: left to the simplex and the settling

        if held:
            def g_of(v, free=free):
                full = phi.copy()
                full[free] = v
                return f(full)
        else:
            g_of = f  # every coordinate free: the point is v itself

        der = None
        for _ in range(1 + WALL_RETRIES):
            der = _derivatives(g_of, psi, fval, hf)
            if der is not None:
                break
            hf = 0.25 * hf  # a probe crossed a support wall: closer probes (the maximum lies inside it)
        if der is None:
            return None
        g, H = der
        pd = True
        try:
            L = np.linalg.cholesky(H)
        except np.linalg.LinAlgError:
            pd = False
            L = _regularised_cholesky(H)
            if L is None:
                return None
        d = -np.linalg.solve(L.T, np.linalg.solve(L, g))
        decrement = -0.5 * float(g @ d)
        if not math.isfinite(decrement):
            return None
        t = 1.0
        for _ in range(12):
            trial = psi + t * d
            if (trial > lo[free]).all() and (trial < hi[free]).all():
                ft = g_of(trial)
                # a step across a wall of −∞ (f = +inf) is shortened like one that does not decrease f
                if math.isfinite(ft) and ft <= fval:
                    phi[free], fval = trial, float(ft)
                    break
            t *= 0.5
        else:
            # no decrease along the Newton direction: at the optimum to the precision of f, or a poor model
            if decrement > options.decrement_tol or not pd:
                return None
        if pd and decrement <= options.decrement_tol:
            done = True
            break
    if not done:
        return None
    for i, (edge, inward) in held.items():
        probe = phi.copy()
        probe[i] = edge + inward * h[i]
        fi = f(probe)
        if math.isfinite(fi) and fi < fval - options.decrement_tol:
            return None  # the likelihood rises into the box: the bound is not the maximum
    if fval > f_start + options.decrement_tol:
        return None
    return fval, phi


def _regularised_cholesky(H: np.ndarray):
    """Cholesky factor of H + μI with the smallest μ = 10^j·(1e-6 max|H_ii|) making it positive definite (a descent
    direction where H is indefinite), or None when H is not finite."""
    if not np.all(np.isfinite(H)):
        return None
    base = 1e-6 * max(1.0, float(np.max(np.abs(np.diag(H)))))
    w_min = float(np.linalg.eigvalsh(H)[0])
    mu = max(base, -w_min + base)
    try:
        return np.linalg.cholesky(H + mu * np.eye(H.shape[0]))
    except np.linalg.LinAlgError:
        return None


#: Retries, each with a finite-difference step a quarter as long, when a probe of the Newton polish crosses a
#: support wall (see :func:`_newton_polish`).
WALL_RETRIES = 2
#: Newton steps tried from a warm start before the coarse simplex (the previous optimum of a related fit is usually
#: within a few steps, also next to a support wall, where the first steps are damped; when it is not, the simplex
#: is cheaper than more Newton steps).
WARM_NEWTON_STEPS = 8
#: Relative finite-difference step of the Newton polish (see :func:`_newton_polish`).
NEWTON_STEP = 1e-5
#: Coordinates within ACTIVE_FACTOR·ACTIVE_STEP·max(1, |φ_i|) of a bound of the search box are held on it by the
#: Newton polish (the coarse simplex stops within ~1e-3 of a boundary maximum); ACTIVE_STEP is also the probe of the
#: first-order test of a held coordinate.
ACTIVE_STEP = 1e-3
ACTIVE_FACTOR = 10.0


#: φ-distance from a search bound within which :func:`_settle_on_bounds` tries the bound itself (in logit units
#: 1.0 is a factor e: γ < 0.0136 for the HTMP bound 0.005).
NEAR_BOUND = 1.0
#: φ-distance below which a coordinate counts as on its bound (api.py flags it).
ON_BOUND = 1e-3


def _settle_on_bounds(f, phi: np.ndarray, best_val: float, bounds, options: OptimizerOptions):
    """When the likelihood keeps rising towards a bound of the search box, put the estimate on the bound.

    Near a bound the profile can be so flat (0.03 log-likelihood units between γ = 0.01 and γ = 0.005 on a
    Student-t spectrum) that Nelder–Mead stops short of it, and a coordinate stopping anywhere in that flat stretch
    would look like an interior estimate. For each coordinate within :data:`NEAR_BOUND` of a bound, the others are
    re-optimised with it pinned on the bound; the pinned point is kept when it is at least as good, so a boundary
    maximum is always reported *on* the bound (and flagged by :func:`freecalc.fit`), never as a nearby number.
    """
    k = phi.size
    if k < 2:
        return best_val, phi
    for i, (a, b) in enumerate(bounds):
        for edge in (a, b):
            if not (math.isfinite(edge) and abs(phi[i] - edge) < NEAR_BOUND and abs(phi[i] - edge) >= ON_BOUND):
                continue
            rest = np.delete(phi, i)

            def g(psi, i=i, edge=edge):
                return f(np.insert(psi, i, edge))

            g0 = g(rest)
            if not math.isfinite(g0):
                continue
            if options.polish:
                sub_bounds = tuple(b for j, b in enumerate(bounds) if j != i)
                certified, val, psi = _polish_path(g, rest, g0, sub_bounds, options, False)
                if certified:
                    if val <= best_val:
                        best_val, phi = val, np.insert(psi, i, edge)
                    continue
            res = nelder_mead(g, _simplex(g, rest), maxiter=options.maxiter * (k - 1),
                              maxfev=options.maxiter * (k - 1) * 2, xatol=options.xatol, fatol=options.fatol,
                              adaptive=k - 1 > 2)
            if math.isfinite(res.fun) and res.fun <= best_val:
                best_val, phi = float(res.fun), np.insert(np.asarray(res.x, dtype=float), i, edge)
    return best_val, phi


def _inflate(lik: Likelihood, theta: Mapping[str, float]):
    """Move an infeasible start, one free coordinate at a time, until the support covers the data.

    The scale (own or added) is tried first. Steps in the transformed coordinate φ range over ±1e-3 … ±3 on a
    geometric grid, smallest first: with other parameters held (a fixed c of Marchenko–Pastur, or sigma2 held by
    ScaleOption.NONE) the feasible window can be only ~1 % wide.
    """
    model = lik.model
    fam = model.family
    order = list(range(model.k))
    for name in ("scale", fam.scale_param):
        if name in model.free:
            i = model.free.index(name)
            order.remove(i)
            order.insert(0, i)
            break
    try:
        phi0 = model.phi({**theta, **model.fixed})
    except (KeyError, ValueError, OverflowError):
        return None, math.inf
    steps = np.geomspace(1e-3, 3.0, 80)
    steps = np.ravel(np.column_stack([steps, -steps]))
    for i in order:
        for st in steps:
            phi = phi0.copy()
            phi[i] += st
            val = lik.nll_phi(phi)
            if math.isfinite(val):
                return phi, val
    return None, math.inf
