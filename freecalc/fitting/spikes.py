r"""Spikes: eigenvalues beyond the fitted bulk edge by more than its Tracy–Widom fluctuation.

**Edge fluctuation scale.** For real matrices whose bulk density vanishes like a square root at the upper edge E,
:math:`\rho(x) \approx c_E\sqrt{E - x}`, the largest of n bulk eigenvalues satisfies

.. math:: \lambda_{\max} \approx E + \sigma_{TW}\,\mathrm{TW}_1,\qquad \sigma_{TW} = (\pi c_E n)^{-2/3},

(the edge scaling of Tracy & Widom 1996 written through the density; n = dimension of the matrix, zeros
included). For the semicircle of radius 2 (:math:`c_E = 1/\pi`) this is :math:`n^{-2/3}` (Tracy–Widom). For
Marchenko–Pastur it reproduces Johnstone's (2001, *Ann. Statist.* 29, 295–327, Thm 1.1) centring and scaling:
for W with N rows and M columns, i.i.d. entries of variance σ², c = M/N, the largest eigenvalue of WᵀW/N has

.. math:: E = \sigma^2(1+\sqrt c)^2,\qquad
          \sigma_{TW} = \sigma^2 (1+\sqrt c)\Bigl(1 + \tfrac{1}{\sqrt c}\Bigr)^{1/3} N^{-2/3}
                      = \sigma^2 (1+\sqrt c)^{4/3}\, c^{-1/6} N^{-2/3} = \sigma^2 (1+\sqrt c)^{4/3} c^{1/2} M^{-2/3}

(Johnstone's :math:`\mu_{np} = (\sqrt{n-1}+\sqrt p)^2`, :math:`\sigma_{np} = (\sqrt{n-1}+\sqrt p)
(1/\sqrt{n-1}+1/\sqrt p)^{1/3}` divided by N, with the O(1/N) shift of :math:`\sqrt{N-1}` dropped: it is
:math:`N^{-1/3}` times smaller than :math:`\sigma_{TW}`). Indeed near E,
:math:`c_E = \sqrt{4\sqrt c}/(2\pi c\,\sigma^3 (1+\sqrt c)^2)` for the MP density, and
:math:`(\pi c_E M)^{-2/3}` equals the last expression — checked numerically in the tests. We use the
density form for every law with a square-root edge, so the same code serves all quadratic laws.

**Threshold.** An eigenvalue is a spike when it exceeds :math:`E + q\,\sigma_{TW}` with q the
:math:`1-\text{level}` quantile of :math:`F_1` (3.27 at the default level 1e-3).

**Robust bulk fit.** A spike outside a compact support would drag the maximum-likelihood edge out to itself,
and no spike would then be found. So: (1) a first fit right-censors the largest ``censor_fraction`` of the data
(they only count as "above x_c"); (2) the points beyond the threshold of that fit are set aside and the law is
refitted to the rest; (3) repeated until the number set aside no longer changes. If more than ``max_fraction``
of the data lie beyond the edge they form a tail rather than spikes, and the bulk is fitted to all the data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from freecalc.fitting.families import DataSummary
from freecalc.fitting.likelihood import Likelihood, Model
from freecalc.fitting.mle import MLEResult, maximize
from freecalc.fitting.options import OptimizerOptions, SpikeOptions
from freecalc.fitting.tracy_widom import tw1_ppf

__all__ = ["BulkFit", "edge_and_tw_scale", "robust_bulk_fit", "plain_fit"]


@dataclass(frozen=True)
class BulkFit:
    """A fit to the bulk, with the spikes set aside.

    Attributes
    ----------
    mle : MLEResult
        Fit on ``bulk``.
    likelihood : Likelihood
        The likelihood of that fit (bulk data, no censoring).
    bulk : ndarray
        Data used in the fit (sorted).
    spikes : ndarray
        Data beyond the threshold (sorted descending); empty when none or when the edge is infinite.
    edge, tw_scale, threshold : float
        Upper bulk edge, Tracy–Widom scale and spike threshold in data units (nan when not applicable).
    tail_like : bool
        More than ``max_fraction`` of the data lay beyond the edge: a tail, fitted as part of the bulk.
    n_beyond : int
        Number of points beyond the threshold of the spike-robust (censored) fit.
    iterations : int
    """

    mle: MLEResult
    likelihood: Likelihood
    bulk: np.ndarray
    spikes: np.ndarray
    edge: float
    tw_scale: float
    threshold: float
    tail_like: bool
    n_beyond: int
    iterations: int


def edge_and_tw_scale(model: Model, theta: dict, n: int) -> tuple[float, float, float]:
    """(upper edge E, lower end of its support interval, σ_TW) of the fitted law, in data units.

    σ_TW = (π c_E n)^{-2/3} with c_E = lim ρ(x)/√(E − x), taken at E − δ with δ = 1e-7 of the interval width
    (relative error ~1e-7, far below what a threshold needs).

    Parameters
    ----------
    model : Model
    theta : dict
        Fitted parameters.
    n : int
        Matrix dimension.

    Returns
    -------
    tuple of float
    """
    # the likelihood's kernels (same support and density; no Law object, with its checks, per call)
    law = model.make_kernel_law(theta)
    s, loc = model.affine(theta)
    a, E = law.support[-1]
    if not math.isfinite(E):
        return math.inf, loc + s * a, math.nan
    delta = 1e-7 * (E - a)
    c_e = float(law.pdf(E - delta)) / math.sqrt(delta)
    if not c_e > 0:
        return loc + s * E, loc + s * a, math.nan
    tw = (math.pi * c_e * n) ** (-2.0 / 3.0)
    return loc + s * E, loc + s * a, s * tw


def plain_fit(model: Model, x: np.ndarray, zero_tol: float, summary_starts, opt: OptimizerOptions,
              extra_starts=(), censor: int = 0) -> tuple[MLEResult, Likelihood]:
    """One maximum-likelihood fit of ``model`` to sorted ``x``.

    Parameters
    ----------
    model : Model
    x : ndarray
        Sorted data.
    zero_tol : float
        Atom tolerance.
    summary_starts : callable
        Sorted data → starting points (:func:`summary_starts_for`).
    opt : OptimizerOptions
    extra_starts : sequence of mapping
        Starting points tried first: optima of closely related fits (Newton is tried from the best start before
        any simplex, see :func:`freecalc.fitting.mle.maximize`).
    censor : int
        Number of largest points right-censored.

    Returns
    -------
    tuple
        ``(MLEResult, Likelihood)``.
    """
    lik = Likelihood(model, x, zero_tol, censor=censor)
    starts = list(extra_starts) + list(summary_starts(x))
    return maximize(lik, starts, opt, warm=bool(extra_starts)), lik


def robust_bulk_fit(model: Model, x: np.ndarray, zero_tol: float, n_matrix: int, summary_starts,
                    spikes: SpikeOptions, opt: OptimizerOptions, extra_starts=()) -> BulkFit:
    """Spike-robust fit of a law with a finite upper edge (see the module docstring).

    Parameters
    ----------
    model : Model
    x : ndarray
        Sorted data.
    zero_tol : float
        Atom tolerance.
    n_matrix : int
        Matrix dimension (Tracy–Widom scale).
    summary_starts : callable
        Sorted data → starting points.
    spikes : SpikeOptions
    opt : OptimizerOptions
    extra_starts : sequence of mapping
        Starting points tried first in the first (censored) fit, e.g. the optimum of the same law on a subset of
        these data: the summary starts are computed from all the data, spikes included, and can all miss a law
        with a finite edge (FreeMeixner on a Student-t spectrum had no feasible start).

    Returns
    -------
    BulkFit
    """
    n = x.size
    q = tw1_ppf(1.0 - spikes.level)
    if n >= 2 and x[-1] - x[-2] <= zero_tol:
        # the largest value is repeated: an atom at the top of the data (e.g. Wachter's at 1). Nothing can be
        # an isolated eigenvalue above it, and censoring would cut into the atom: plain fit, no spikes.
        res, lik = plain_fit(model, x, zero_tol, summary_starts, opt, extra_starts=extra_starts)
        edge, _, tw = edge_and_tw_scale(model, res.theta, n_matrix)
        return BulkFit(res, lik, x, np.zeros(0), edge, tw, edge + q * tw if math.isfinite(tw) else edge,
                       False, 0, 0)
    final_opt = opt
    opt = replace(opt, restarts=0)  # intermediate fits; the final one is polished below
    n_cont = int(np.count_nonzero(np.abs(x) > zero_tol))
    censor = int(math.floor(spikes.censor_fraction * n_cont))
    res, lik = plain_fit(model, x, zero_tol, summary_starts, opt, extra_starts=extra_starts, censor=censor)
    k = None
    it = 0
    n_beyond = None
    tail_like = False
    while it < spikes.max_iter:
        it += 1
        edge, _, tw = edge_and_tw_scale(model, res.theta, n_matrix)
        thr = edge + q * tw if math.isfinite(tw) else edge
        k_new = int(n - np.searchsorted(x, thr, side="right"))
        if n_beyond is None:
            n_beyond = k_new
        if k_new > spikes.max_fraction * n:
            tail_like = True
            res, lik = plain_fit(model, x, zero_tol, summary_starts, opt, extra_starts=[res.theta])
            edge, _, tw = edge_and_tw_scale(model, res.theta, n_matrix)
            thr = edge + q * tw if math.isfinite(tw) else edge
            k = int(n - np.searchsorted(x, thr, side="right"))  # the fit covers all data: normally 0
            break
        if k_new == k:
            break
        k = k_new
        starts = [res.theta]
        if x[n - k - 1] >= edge and math.isfinite(tw):
            # a point admitted back into the bulk lies beyond the edge of the last fit, whose optimum then has
            # log L = −∞ on the new bulk: start from it stretched to cover that point instead (the last fit is kept
            # as the next start)
            moved = _stretched_start(model, res.theta, x[n - k - 1] + STRETCH_MARGIN * tw)
            if moved is not None:
                starts.insert(0, moved)
        res, lik = plain_fit(model, x[: n - k], zero_tol, summary_starts, opt, extra_starts=starts)
    else:
        edge, _, tw = edge_and_tw_scale(model, res.theta, n_matrix)
        thr = edge + q * tw if math.isfinite(tw) else edge
    k = 0 if k is None else k
    bulk = x[: n - k] if not tail_like else x
    spk = x[n - k:][::-1].copy() if k else np.zeros(0)
    # final fit on the final bulk, uncensored, with the full restart policy (starts at the current optimum);
    # when the last fit above already was exactly that (same points, uncensored, same optimiser options: the
    # default single restart), it is kept: rerunning a local optimiser from its own optimum on the same likelihood
    # returns that optimum
    final = replace(final_opt, restarts=max(0, final_opt.restarts - 1))
    if not (final == opt and lik.censor == 0 and lik.x.size == bulk.size):
        lik = Likelihood(model, bulk, zero_tol)
        res = maximize(lik, [res.theta], final, warm=True)
    return BulkFit(res, lik, bulk, spk, edge, tw, thr, tail_like, int(n_beyond or 0), it)


#: Where :func:`robust_bulk_fit` puts the upper edge of the stretched start when a point admitted back into the bulk
#: lies beyond the last fit's edge: this many Tracy–Widom scales beyond that point (the maximum-likelihood edge lies a
#: fraction of σ_TW beyond the largest bulk point). With 0.5 the refits of FreeMeixner on the Student-t(2.5)
#: spectrum of benchmarks/bench_fitting.py take 89 likelihood evaluations each instead of 225–252 (the warm Newton
#: converges from it, where it could not start from the infeasible previous optimum and the simplex ran from the
#: summary starts), with the same optimum to 1e-11 relative.
STRETCH_MARGIN = 0.5


def _edges(model: Model, phi: np.ndarray) -> np.ndarray:
    """(lowest, highest) point of the support of the law at φ, in data units."""
    theta = model.theta(phi)
    support = model.make_kernel_law(theta).support
    s, loc = model.affine(theta)
    return np.array([loc + s * support[0][0], loc + s * support[-1][1]])


def _stretched_start(model: Model, theta: dict, upper: float) -> dict | None:
    r"""``theta`` moved so that its support's upper end is at ``upper`` and its lower end stays where it is: the
    smallest step δφ (least squares in the transformed coordinates) solving the linearised conditions
    :math:`J\,\deltaarphi = (0,\ upper - E)`, J the central-difference Jacobian of the two support ends with respect
    to φ. Needs only the law's support, so it serves every family; for a location-scale law it is the dilation about
    the lower end. None when the support cannot be evaluated near ``theta`` (the caller keeps its other starts).
    """
    try:
        phi = model.phi(theta)
        if phi.size == 0:
            return None
        base = _edges(model, phi)
        jac = np.empty((2, phi.size))
        for i in range(phi.size):
            h = 1e-6 * max(1.0, abs(float(phi[i])))
            up, dn = phi.copy(), phi.copy()
            up[i] += h
            dn[i] -= h
            jac[:, i] = (_edges(model, up) - _edges(model, dn)) / (2.0 * h)
        if not (np.all(np.isfinite(jac)) and np.all(np.isfinite(base))):
            return None
        step = np.linalg.lstsq(jac, np.array([0.0, upper - base[1]]), rcond=None)[0]
        return model.theta(phi + step)
    except (ValueError, TypeError, ArithmeticError, OverflowError, KeyError, np.linalg.LinAlgError):
        return None


def summary_starts_for(model: Model, zero_tol: float):
    """A function sorted data → starting points of ``model``'s family (its law class's ``fit_starts`` hook, with
    an added ``scale`` = 1 / ``loc`` = 0 filled in where the hook left them out).

    Parameters
    ----------
    model : Model
    zero_tol : float
        Points within this of 0 are the atom (non-negative families).

    Returns
    -------
    callable
    """
    fam = model.family

    def starts(x: np.ndarray):
        if fam.nonnegative:
            cont = x[np.abs(x) > zero_tol]
            nz = x.size - cont.size
        else:
            cont, nz = x, 0
        if cont.size == 0:
            return []
        out = [dict(st) for st in fam.starts(DataSummary(cont, nz, x.size), model.add_scale, model.add_loc)]
        # a start hook that leaves out the added scale / location (a user's, written for the law alone) gets the
        # identity map; the optimiser moves an infeasible start
        for st in out:
            if model.add_scale:
                st.setdefault("scale", 1.0)
            if model.add_loc:
                st.setdefault("loc", 0.0)
        return out

    return starts
