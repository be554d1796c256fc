r"""Vectorised safeguarded secant iteration for the subordination equations (the numpy route, ``Route.LAW``).

Same algorithm as the numba kernel in :mod:`freecalc.kernels.subordination`, but the inputs' transforms come from
the laws' own ``stieltjes`` (any law), so derivatives are replaced by secant steps. The continuation in Im z down to
the real axis and the convergence criterion are documented on :func:`solve_vectorised`; the continuation
constants (``FIRST_RATIO``, ``MIN_RATIO``, ``GIVE_UP_RATIO``, ``WARM_START_MAXITER``) are the kernel's.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from freecalc.kernels.subordination import FIRST_RATIO, GIVE_UP_RATIO, MIN_RATIO, WARM_START_MAXITER
from freecalc.laws.numeric import Solution

__all__ = ["Residual", "solve_vectorised", "project_upper"]

_EPS = float(np.finfo(float).eps)

Residual = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def project_upper(w: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Move ω up to Im ω = floor where rounding took it below (ω must stay in the upper half plane).

    Parameters
    ----------
    w : complex ndarray
    floor : float ndarray
        Lower bound of Im ω (broadcast against ``w``).

    Returns
    -------
    complex ndarray
    """
    return w.real + 1j * np.where(w.imag <= floor, floor, w.imag)


def _finite(v: np.ndarray) -> np.ndarray:
    return np.isfinite(v.real) & np.isfinite(v.imag)


#: Finite-difference step of :func:`_newton_step_small` relative to 1 + |ω| (far above the residual's noise floor
#: of a few hundred ulps of |ω|, far below the distance to the inputs' supports where ω is far out in a tail), and
#: the agreement asked of the one-sided and central slopes (within 1 %: curvature · δ and noise / δ are then below
#: 1 % of the slope).
_FD_STEP = 1e-8
_FD_AGREE = 0.01


def _newton_step_small(res: Residual, lam: np.ndarray, w: np.ndarray, f: np.ndarray,
                       tol: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Whether a Newton step from ω would be below ``tol·(1 + |ω|)``, with f' from finite differences.

    For a point whose residual has stalled at the noise floor of its evaluation (secant slopes from residuals at
    the noise level are noise), the derivative is measured over a step δ = 1e-8 (1 + |ω|) along the real axis,
    :math:`s = (f(\omega + \delta) - f(\omega - \delta))/(2\delta)` (f is analytic, so any direction gives f';
    a real shift keeps ω above its floor). It is trusted only if the one-sided slope
    :math:`(f(\omega + \delta) - f(\omega))/\delta` agrees with it to 1 % (neither curvature, e.g. an input's
    support within reach of the step, nor noise matter at the scale δ); the point has then converged by the
    Newton-step criterion of the kernel (:func:`freecalc.kernels.subordination.solve_subordination`) if
    :math:`|f/s| \le \mathrm{tol}(1 + |\omega|)`.

    Returns
    -------
    ok : bool ndarray
        The certified points.
    evaluations : int ndarray
        Residual evaluations spent per point (2).
    """
    n = w.size
    delta = _FD_STEP * (1.0 + np.abs(w))
    fp, _ = res(np.concatenate([lam, lam]), np.concatenate([w + delta, w - delta]))
    fu, fd = fp[:n], fp[n:]
    central = (fu - fd) / (2.0 * delta)
    upper = (fu - f) / delta
    good = _finite(central) & _finite(upper) & (np.abs(upper - central) <= _FD_AGREE * np.abs(central))
    ok = good & (np.abs(f) <= tol * (1 + np.abs(w)) * np.abs(central))
    return ok, np.full(n, 2, dtype=np.int64)


def _secant(res: Residual, lam: np.ndarray, w: np.ndarray, floor: np.ndarray, tol: float, maxiter: int):
    """Safeguarded secant iteration at fixed λ (vectorised). Returns ω, m, converged, iterations, |f|.

    A point converges by a small secant step with a small residual, by a residual at rounding level, or, when its
    residual is small but the secant makes no progress (the residual's noise floor is above rounding level: four
    terms of size |ω| and the inputs' own errors), by a small finite-difference Newton step
    (:func:`_newton_step_small`).
    """
    with np.errstate(all="ignore"):
        w = project_upper(w, floor)
        f, m = res(lam, w)
        iters = np.ones(lam.shape, dtype=np.int64)
        alive = _finite(f) & _finite(m)
        conv = alive & (np.abs(f) <= 16 * _EPS * (1 + np.abs(w)))
        # first step: the fixed-point map ω ← T(ω) = ω − f
        w_prev, f_prev = w, f
        w = project_upper(np.where(alive, w - f, w), floor)
        f, m = res(lam, w)
        iters += 1
        alive &= _finite(f) & _finite(m)
        conv = alive & (conv | (np.abs(f) <= 16 * _EPS * (1 + np.abs(w))))
        for _ in range(maxiter):
            act = np.flatnonzero(alive & ~conv)
            if act.size == 0:
                break
            wa, fa, wp, fp = w[act], f[act], w_prev[act], f_prev[act]
            den = fa - fp
            step = fa * (wa - wp) / den
            good = _finite(step) & (den != 0)
            cand = project_upper(np.where(good, wa - step, wa - fa), floor[act])
            fc, mc = res(lam[act], cand)
            iters[act] += 1
            worse = good & ~(_finite(fc) & _finite(mc) & (np.abs(fc) < np.abs(fa)))
            if np.any(worse):
                j = np.flatnonzero(worse)
                cand[j] = project_upper(wa[j] - fa[j], floor[act][j])
                fc[j], mc[j] = res(lam[act][j], cand[j])
                iters[act[j]] += 1
            ok = _finite(fc) & _finite(mc)
            w_prev[act], f_prev[act] = wa, fa
            w[act] = np.where(ok, cand, wa)
            f[act] = np.where(ok, fc, fa)
            m[act] = np.where(ok, mc, m[act])
            alive[act] &= ok
            took_secant = good & ~worse
            small_step = np.abs(cand - wa) <= tol * (1 + np.abs(cand))
            tiny_res = np.abs(fc) <= 16 * _EPS * (1 + np.abs(cand))
            # small steps count only with a small residual too (a stalled iteration also takes small steps)
            small_res = np.abs(fc) <= 10 * tol * (1 + np.abs(cand))
            conv[act] = ok & ((took_secant & small_step & small_res) | tiny_res)
            stalled = np.flatnonzero(ok & ~conv[act] & ~took_secant & small_res)
            if stalled.size:
                k = act[stalled]
                done, evals = _newton_step_small(res, lam[k], w[k], f[k], tol)
                conv[k] = done
                iters[k] += evals
    return w, m, conv, iters, np.abs(f)


#: Points whose Im ω is below this fraction of |ω| get their Im ω polished (:func:`_polish_imag`): the secant's
#: criterion |f| ≤ tol·(1 + |ω|) does not resolve an Im ω that small, yet m(λ) far in a tail depends on it.
_POLISH_BELOW = 1e-6
#: Newton steps of the polish, and the relative change of Im ω (1e-8: above Im f's rounding, which reaches ~1e-10
#: of Im ω where the residual's imaginary terms are ~1e6 Im ω, e.g. FreeStable(1, 0, 0.7) ⊞ SC(2) at x = −980) and of
#: m it must reach to count as resolved.
_POLISH_STEPS = 16
_POLISH_TOL = 1e-8
_POLISH_M_TOL = 1e-10
#: The polish is for far tails, where f' is of order one (1/t for a power); next to a square-root edge
#: f' → 0, Newton is as ill-conditioned as the secant and the secant's point is kept.
_POLISH_MIN_SLOPE = 1e-3
#: Imaginary-direction difference step of the polish, relative to 1 + |ω| (added to half of Im ω).
_POLISH_H = 1e-12


def _polish_imag(res: Residual, floor: Callable[[np.ndarray], np.ndarray], lam: np.ndarray, w: np.ndarray,
                 m: np.ndarray, conv: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Newton steps resolving a tiny Im ω of converged points (Im ω < 1e-6 |ω|).

    Far in a heavy tail Im ω ~ |ω|^{1−α} is far below the residual's noise floor ~1e-16|ω|, which sits in Re f only:
    Im f is a sum of imaginary parts accurate to their own size. A Newton step :math:`\omega - f/f'` moves Im ω by
    :math:`(\operatorname{Im} f \operatorname{Re} f' - \operatorname{Re} f \operatorname{Im} f')/|f'|^2`, where the
    noisy Re f meets only the tiny Im f' (from central differences along the real axis, δ = 1e-8(1 + |ω|)), while
    Re f' comes from Im f along the imaginary axis (step h = Im ω/2 + 1e-12(1 + |ω|)), accurate to rounding.
    A point whose Im ω and m settle (to 1e-8 and 1e-10 relative) within 16 steps (each step removes ~16 digits of
    Im ω's error: up to ~250 orders between the secant's Im ω and the true one) takes the polished ω. A point that
    does not settle keeps the secant's ω and stays converged when the polish confirms it: both give the same m,
    Im m included, to those tolerances, or the polish stays within the secant's own tolerance tol·(1 + |ω|) of its
    ω (an input's m whose Im part is noise, e.g. a numeric law next to its support: Newton wanders with that noise
    and cannot improve the secant's point, which is as accurate as the secant certified it). Otherwise the point is
    reported as not converged (its density would hang on an unresolved Im ω). Points with |f'| < 1e-3 (next to a
    square-root edge, where Newton is no better conditioned than the secant) keep the secant's result; a point whose
    Im ω still falls by > 1e8 per step at the end is heading for a real root (no density there) and is put on its
    floor.

    Parameters
    ----------
    res, floor : callable
        The residual f(λ, ω) → (f, m) and the lower bound of Im ω, as for :func:`solve_vectorised`.
    lam, w, m : complex ndarray
        Points, the secant's ω and m there.
    conv : bool ndarray
        The secant's convergence flags (only converged points are polished).
    tol : float
        The secant's step tolerance relative to 1 + |ω|.

    Returns
    -------
    w, m, conv : ndarray
        Updated copies.
    """
    w, m, conv = w.copy(), m.copy(), conv.copy()
    # a real ω stays as it is where m is real too (outside the supports: no density to resolve); with Im m > 0 it
    # is a tiny Im ω that rounding put on the axis (Im ω ~ |ω|^{1−α} of a same-index stable sum at 1e30)
    idx = np.flatnonzero(conv & _finite(w) & ((w.imag > 0) | (m.imag > 0))
                         & (w.imag < _POLISH_BELOW * (1.0 + np.abs(w))))
    if idx.size == 0:
        return w, m, conv
    L, wi = lam[idx], w[idx]
    fl = floor(L)
    settled = np.zeros(idx.size, dtype=bool)
    steep = np.ones(idx.size, dtype=bool)
    with np.errstate(all="ignore"):
        f, mi = res(L, wi)
        for _ in range(_POLISH_STEPS):
            n = wi.size
            delta = _FD_STEP * (1.0 + np.abs(wi))
            h = 0.5 * wi.imag + _POLISH_H * (1.0 + np.abs(wi))
            fp, _ = res(np.concatenate([L, L, L]), np.concatenate([wi + delta, wi - delta, wi + 1j * h]))
            # Im f' from the real-direction difference (its noise is Re f's, carried only into Re f'), Re f' from
            # the imaginary-direction one: Im f(ω + ih) − Im f(ω) is accurate to rounding of the Im parts, so the
            # Newton step contracts Im ω's error by ~1e-16, not by the 1e-8 of a real-direction slope
            slope = ((fp[2 * n:] - f) / h).imag + 1j * ((fp[:n] - fp[n:2 * n]) / (2.0 * delta)).imag
            steep &= np.abs(slope) >= _POLISH_MIN_SLOPE
            new = project_upper(wi - f / slope, fl)
            fn, mn = res(L, new)
            ok = _finite(new) & _finite(fn) & _finite(mn)
            small = (np.abs(new.imag - wi.imag) <= _POLISH_TOL * np.abs(new.imag) + 16 * _EPS * fl) \
                & (np.abs(mn - mi) <= _POLISH_M_TOL * np.abs(mn))
            # Im ω still falling by > 1e8 per step after all steps: a real root (no density), approached from above
            vanishing = ok & (new.imag <= _POLISH_TOL * wi.imag)
            wi, f, mi = np.where(ok, new, wi), np.where(ok, fn, f), np.where(ok, mn, mi)
            settled = ok & small
            if (settled | ~steep).all():
                break
    real = ~settled & steep & vanishing
    if np.any(real):
        wr = project_upper(wi[real].real + 0j, fl[real])
        fr, mr = res(L[real], wr)
        wi[real], mi[real] = wr, mr
        settled[real] = _finite(fr) & _finite(mr)
    # an unsettled polish (Newton wandering at its noise floor, e.g. next to a square-root edge, where f' → 0)
    # still confirms the secant's point when both give the same m, Im m included, to the polish tolerances
    m0 = m[idx]
    agree = _finite(mi) & (np.abs(mi - m0) <= _POLISH_M_TOL * np.abs(m0)) \
        & (np.abs(mi.imag - m0.imag) <= _POLISH_TOL * np.abs(m0.imag))
    # or when the polish stays within the secant's own tolerance of its ω: the polish then wanders with the noise
    # of an input's m (a numeric input next to or just outside its support, where the true ω may be real and
    # Im ω ~ 1e-22 is that noise; measured up to ~500 ulps of ω, 2e3 of m), and the point is as accurate as the
    # secant certified it. A secant point whose Im ω was unresolved is moved by more than that, and stays flagged.
    within = _finite(wi) & (np.abs(wi - w[idx]) <= tol * (1.0 + np.abs(w[idx])))
    keep = (~settled & (agree | within)) | ~steep
    wi, mi = np.where(keep, w[idx], wi), np.where(keep, m0, mi)
    w[idx], m[idx], conv[idx] = wi, mi, settled | agree | within | ~steep
    return w, m, conv


def _polish_far(res: Residual, floor: Callable[[np.ndarray], np.ndarray], lam: np.ndarray, w: np.ndarray,
                m: np.ndarray, conv: np.ndarray, tol: float, outside: tuple[float, float] | None) -> None:
    """:func:`_polish_imag` in place at the points with Re λ outside ``outside`` (nothing if it is None)."""
    if outside is None:
        return
    j = np.flatnonzero((lam.real < outside[0]) | (lam.real > outside[1]))
    if j.size:
        w[j], m[j], conv[j] = _polish_imag(res, floor, lam[j], w[j], m[j], conv[j], tol)


def solve_vectorised(res: Residual, floor: Callable[[np.ndarray], np.ndarray],
                     guess: Callable[[np.ndarray], np.ndarray], lam: np.ndarray, *, eta0: float, etamin: float,
                     tol: float, maxiter: int, start: np.ndarray | None = None,
                     start_kind: np.ndarray | None = None,
                     polish_outside: tuple[float, float] | None = None) -> Solution:
    r"""Solve :math:`f(\omega; \lambda) = 0` at every λ (Im λ ≥ 0) by warm-started continuation in Im λ.

    The continuation and warm-start acceptance rules are those of
    :func:`freecalc.kernels.subordination.solve_subordination`.

    Parameters
    ----------
    res : callable
        ``res(λ, ω) -> (f, m)``: the fixed-point residual :math:`f = \omega - T_\lambda(\omega)` and m(λ).
    floor : callable
        ``floor(λ)``: the lower bound of Im ω.
    guess : callable
        ``guess(λ)``: a start valid far from the real axis.
    lam : complex array_like
        The spectral points.
    eta0, etamin : float
        First and last heights of the continuation in Im λ.
    tol : float
        Secant step tolerance relative to 1 + |ω| (callers pass
        :data:`~freecalc.operations.subordination_options.SUBORDINATION_TOL` by default).
    maxiter : int
        Budget per continuation stage and point.
    start, start_kind : ndarray, optional
        Warm starts and their kinds (0 none, 1 non-real, 2 real root allowed).
    polish_outside : (float, float), optional
        Resolve a tiny Im ω of converged points with Re λ outside this interval (far out in a heavy tail, where
        the density hangs on Im ω ~ |ω|^{1−α}) by :func:`_polish_imag`; None: no polish.

    Returns
    -------
    Solution
        m, ω, and the per-point status (``converged``, ``iterations``, ``residual``; also as
        ``Solution.status``, a :class:`~freecalc.numerics.solvers.SolverStatus`): the caller applies the failure
        policy (:class:`~freecalc.laws.numeric.NumericLaw` does).
    """
    lam = np.asarray(lam, dtype=complex)
    n = lam.size
    m_out = np.full(n, np.nan + 0j)
    w_out = np.full(n, np.nan + 0j)
    conv = np.zeros(n, dtype=bool)
    iters = np.zeros(n, dtype=np.int64)
    resid = np.full(n, np.inf)
    todo = np.ones(n, dtype=bool)
    if start is not None and start_kind is not None and np.any(start_kind > 0):
        idx = np.flatnonzero(start_kind > 0)
        w0 = np.asarray(start)[idx]
        w, m, c, it, r = _secant(res, lam[idx], w0, floor(lam[idx]), tol, WARM_START_MAXITER)
        iters[idx] += it
        nonreal = w.imag > floor(lam[idx]) + 1e-10 * (1 + np.abs(w))
        # a real root is accepted only at rounding-level residual: a secant iteration stalling next to a fold
        # (just inside a support edge, where no real root exists) has small steps but a residual ~ the distance
        real_ok = (start_kind[idx] == 2) & (np.abs(w - w0) <= 0.05 * eta0) & (r <= 1e3 * _EPS * (1 + np.abs(w)))
        ok = c & (nonreal | real_ok)
        j = idx[ok]
        m_out[j], w_out[j], conv[j], resid[j] = m[ok], w[ok], True, r[ok]
        todo[j] = False
    idx = np.flatnonzero(todo)
    if idx.size == 0:
        _polish_far(res, floor, lam, w_out, m_out, conv, tol, polish_outside)
        return Solution(lam, m_out, w_out, conv, iters, resid)
    L = lam[idx]
    target = L.imag
    eps = np.maximum(target, eta0)
    cur = L.real + 1j * eps
    w, m, c, it, r = _secant(res, cur, guess(cur), floor(cur), tol, maxiter)
    iters[idx] += it
    failed = ~c
    ratio = np.full(idx.size, FIRST_RATIO)
    active = ~failed & (eps > target)
    while np.any(active):
        j = np.flatnonzero(active)
        nxt = eps[j] * ratio[j]
        nxt = np.where((nxt < etamin) | (nxt < target[j]), target[j], nxt)
        lj = L.real[j] + 1j * nxt
        wn, mn, cn, itn, rn = _secant(res, lj, w[j], floor(lj), tol, maxiter)
        iters[idx[j]] += itn
        acc = j[cn]
        w[acc], m[acc], r[acc], eps[acc] = wn[cn], mn[cn], rn[cn], nxt[cn]
        ratio[acc] = np.maximum(ratio[acc] ** 2, MIN_RATIO)
        rej = j[~cn]
        ratio[rej] = np.sqrt(ratio[rej])
        stop = ratio[rej] > GIVE_UP_RATIO
        gave_up = rej[stop]
        failed[gave_up] = True
        w[gave_up], m[gave_up], r[gave_up] = wn[~cn][stop], mn[~cn][stop], rn[~cn][stop]
        active = ~failed & (eps > target)
    m_out[idx], w_out[idx], conv[idx], resid[idx] = m, w, ~failed, r
    _polish_far(res, floor, lam, w_out, m_out, conv, tol, polish_outside)
    return Solution(lam, m_out, w_out, conv, iters, resid)
