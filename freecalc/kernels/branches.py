r"""Stieltjes branch of an algebraic curve :math:`P(m, z) = \sum_{j,k} C_{jk} m^j z^k = 0` (numba kernels).

Branch rule (stated and tested): the Stieltjes transform is the branch analytic in the upper half plane with
:math:`m(z) \sim -1/z` at infinity. For a target :math:`z = x + iy` (:math:`y \ge 0`) we start at
:math:`z_0 = x + iY` with :math:`|z_0| \ge Y > 2B`, where :math:`B` bounds the support (every edge and pole is a real
zero of the discriminant or of the leading coefficient, so :math:`B` is exact), seed with the moment series
:math:`-\sum_k m_k z_0^{-k-1}` (convergent there), polish with Newton, then continue *vertically* down to
:math:`z`. The vertical path stays in the upper half plane, where the branch is analytic, so continuation along it
is well defined; each step is a first-order predictor (:math:`dm/dz = -P_z/P_m`) and a Newton corrector that is
accepted only if the correction is small compared with the distance to the nearest other root
(a lower bound from all Taylor coefficients of P at m), otherwise the step is halved. The last step lands on ``y`` exactly
(``y = 0`` gives the boundary value :math:`m(x + i0)`).

Status (the solver contract, :mod:`freecalc.numerics.solvers`): :func:`stieltjes_branch_status` writes a per-point
code, :data:`BRANCH_OK` or :data:`BRANCH_NOT_CONVERGED` (the seed Newton at the top failed, or the descent stalled
before the target height and the final Newton did not confirm the extrapolated value); the Python wrapper
(:mod:`freecalc.laws.algebraic`) applies the failure policy to it.

All kernels take arrays and scalars only (``cache=True``), so user ``@njit`` code can call them;
:func:`stieltjes_branch_status` is :func:`stieltjes_branch_status_kernel` served to Python callers from the
install-time compiled extension (:mod:`freecalc.kernels._aot`), which user ``@njit`` code calls by the kernel's name.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from freecalc.kernels._aot import Served

__all__ = ["poly_coeffs_at", "stieltjes_branch", "stieltjes_branch_status_kernel", "stieltjes_branch_status",
           "stieltjes_branch_point", "all_roots",
           "branch_point_with_status", "BRANCH_OK", "BRANCH_NOT_CONVERGED", "SEED_MAXITER", "LANDING_MAXITER",
           "STEP_MAXITER", "MAX_STEPS"]

BRANCH_OK = 0
BRANCH_NOT_CONVERGED = 1

SEED_MAXITER = 60
"""Newton budget at the top of the path, |z0| > 2B: the moment-series seed is within ~(B/|z0|)^K of the root, so
a handful of quadratic steps suffice; 60 leaves room for seeds near a pole of the leading coefficient."""
SEED_RTOL = 1e-12
"""Seed accuracy: the continuation's corrector (rtol :data:`STEP_RTOL`) cannot gain back what the seed lost, and
1e-12 keeps it 3 digits below that."""
STEP_MAXITER = 12
"""Corrector budget per continuation step: a predictor inside the trust region is within a few ulps-times-curvature
of the root, so Newton converges in 2–4 steps; a corrector that needs more is leaving the sheet, and the step is
halved instead."""
STEP_RTOL = 1e-9
"""Corrector accuracy per step: only the sheet matters here (the landing Newton polishes to rounding)."""
LANDING_MAXITER = 80
"""Final Newton at the target: at a square-root edge (double root of P in m) Newton converges only linearly
(ratio 1/2), and 80 halvings take any start within the trust region to rounding."""
LANDING_RTOL = 4e-16
"""Final accuracy: rounding of m itself (the stall test in ``_newton`` stops earlier at double roots)."""
ABERTH_MAXITER = 500
"""Aberth–Ehrlich converges cubically once the roots separate; from the Cauchy-bound circle that takes O(degree)
sweeps, and 500 covers the degrees of equations built here (< 100) with room."""
ABERTH_TOL = 1e-15
"""Largest relative correction at which the roots are at rounding level (a few ulps)."""
MAX_STEPS = 2000
#: largest relative residual |P(m)|/sum_j |a_j||m|^j of a value reported as converged: roots found by the Newton
#: landing sit at ~1e-16 (times the conditioning near an edge); the paths that return an extrapolated or stalled
#: value left FreeBessel(6, 30) at m(-0.001 + 0.001i) with residual 0.43, 24 away from every root of the curve
RESIDUAL_RTOL = 1e-7
"""Continuation steps per point: the descent is geometric (each accepted step may double), so a point needing more
than 2000 steps is stalled between nearly coincident sheets and is flagged."""


@njit(cache=True)
def poly_coeffs_at(C, zc, a, da):
    """Coefficients in m of P(m, z) at a fixed z: ``a[j] = sum_k C[j, k] z^k`` and ``da[j]`` its z-derivative.

    Parameters
    ----------
    C : complex or float 2-D array
        ``C[j, k]``: coefficient of :math:`m^j z^k`.
    zc : complex
        The point z.
    a, da : complex 1-D arrays of length ``C.shape[0]``
        Outputs (Horner in z).

    Returns
    -------
    None
        ``a`` and ``da`` are written in place.
    """
    d1, e1 = C.shape
    for j in range(d1):
        acc = 0j
        dacc = 0j
        for k in range(e1 - 1, -1, -1):
            dacc = dacc * zc + acc
            acc = acc * zc + C[j, k]
        a[j] = acc
        da[j] = dacc


@njit(cache=True)
def _eval(a, mv):
    """P, P_m, P_mm at m for the polynomial sum_j a[j] m^j."""
    n = a.shape[0]
    p = 0j
    dp = 0j
    ddp = 0j
    for j in range(n - 1, -1, -1):
        ddp = ddp * mv + 2.0 * dp
        dp = dp * mv + p
        p = p * mv + a[j]
    return p, dp, ddp


@njit(cache=True)
def _newton(a, m0, maxit, rtol):
    """Newton on sum_j a[j] m^j from m0; converged when the step is below rtol*|m|, or (rounding floor)
    when the step stops shrinking while already below 1e-10*|m|."""
    mv = m0
    ok = False
    last = 1e300
    for _ in range(maxit):
        p, dp, _ddp = _eval(a, mv)
        if dp == 0:
            ok = p == 0
            break
        delta = p / dp
        mv = mv - delta
        ad = abs(delta)
        scale = abs(mv) + 1e-300
        if ad <= rtol * scale:
            ok = True
            break
        if ad >= 0.5 * last and ad <= 1e-10 * scale:
            ok = True
            break
        last = ad
    return mv, ok


@njit(cache=True)
def _root_separation(a, mv, work):
    """Lower bound on the distance from the root ``mv`` of P(m) = sum_j a[j] m^j to every other root of P.

    With P(mv + t) = sum_k c_k t^k (c_0 = 0), the other roots are the zeros of sum_k c_{k+1} t^k, and Fujiwara's
    bound puts all of them at |t| >= (1/2) min_k |c_1 / c_k|^{1/(k-1)} (k = 2..n). The usual 2|P_m/P_mm| = |c_1/c_2|
    is only its k = 2 term without the 1/2: exact for a quadratic, but for higher degree the other roots' terms
    in P_mm/P_m = 2 sum_j 1/(mv - r_j) can cancel (sheets of a degree-4 curve 0.13 apart were estimated 0.58
    apart, and a long step crossed to the other sheet). ``work`` has length len(a); O(n^2), no iteration."""
    n = a.shape[0] - 1
    for j in range(n + 1):
        work[j] = a[j]
    # Taylor shift: work[k] becomes the coefficient of t^k in P(mv + t)
    for i in range(n):
        for j in range(n - 1, i - 1, -1):
            work[j] = work[j] + mv * work[j + 1]
    c1 = abs(work[1])
    sep = 1e300
    for k in range(2, n + 1):
        ck = abs(work[k])
        if ck > 0.0:
            sep = min(sep, (c1 / ck) ** (1.0 / (k - 1)))
    return 0.5 * sep


@njit(cache=True)
def stieltjes_branch_point(C, x, y, Y, mom, a, da):
    """Stieltjes branch at z = x + i y (y >= 0) by vertical continuation from x + iY (see module docstring);
    ``a`` and ``da`` are complex work arrays of length ``C.shape[0]``. Without the status: user ``@njit`` code that
    must know whether the point converged calls :func:`branch_point_with_status`.

    Parameters
    ----------
    C : 2-D array
        Coefficients of P (``C[j, k]`` of :math:`m^j z^k`), normalised.
    x, y : float
        The target z = x + iy, y ≥ 0 (y = 0: the boundary value m(x + i0)).
    Y : float
        Start height (> 2 × the support bound).
    mom : float 1-D array
        Moments m_0 = 1, m_1, … for the series seed.
    a, da : complex 1-D arrays
        Work arrays of length ``C.shape[0]``.

    Returns
    -------
    complex
        m(x + iy) on the Stieltjes branch.
    """
    return branch_point_with_status(C, x, y, Y, mom, a, da)[0]


@njit(cache=True)
def _relative_residual(a, mv):
    """|P(m)| / sum_j |a_j| |m|^j for the polynomial sum_j a[j] m^j (0 for a zero polynomial)."""
    p = 0j
    s = 0.0
    am = abs(mv)
    for j in range(a.shape[0] - 1, -1, -1):
        p = p * mv + a[j]
        s = s * am + abs(a[j])
    return abs(p) / s if s > 0.0 else 0.0


@njit(cache=True)
def branch_point_with_status(C, x, y, Y, mom, a, da):
    """:func:`stieltjes_branch_point` and its status code; a value that is no root of P(., x + iy) (relative
    residual above :data:`RESIDUAL_RTOL`) is reported as not converged, whatever path produced it.

    Parameters
    ----------
    C, x, y, Y, mom, a, da
        As for :func:`stieltjes_branch_point`.

    Returns
    -------
    m : complex
        The value (the last iterate when not converged).
    status : int
        ``BRANCH_OK`` or ``BRANCH_NOT_CONVERGED``.
    """
    mv, status = _branch_point(C, x, y, Y, mom, a, da)
    if status == BRANCH_OK:
        poly_coeffs_at(C, complex(x, y), a, da)
        if not _relative_residual(a, mv) <= RESIDUAL_RTOL:
            status = BRANCH_NOT_CONVERGED
    return mv, status


@njit(cache=True)
def _branch_point(C, x, y, Y, mom, a, da):
    """The continuation behind :func:`branch_point_with_status`: the same arguments and (value, status), before
    the root test."""
    top = max(Y, y)
    z0 = complex(x, top)
    work = np.empty(C.shape[0], dtype=np.complex128)
    # moment-series seed, convergent for |z0| > B
    s = 0j
    zp = 1.0 / z0
    for k in range(mom.shape[0]):
        s -= mom[k] * zp
        zp = zp / z0
    poly_coeffs_at(C, z0, a, da)
    mv, seed_ok = _newton(a, s, SEED_MAXITER, SEED_RTOL)
    seed_status = BRANCH_OK if seed_ok else BRANCH_NOT_CONVERGED
    eta = top
    span = top - y
    if span <= 0.0:
        return mv, seed_status
    step = 0.9 * span
    floor_ = 1e-11 * (top + 1.0)
    nsteps = 0
    # phases: when the landing on y moves the value too far (x very close to an edge or pole, closer than
    # the stopping height), resume the descent with a 1e-4 smaller stopping height
    for phase in range(4):
        while eta - y > floor_ and nsteps < MAX_STEPS:
            nsteps += 1
            new_eta = eta - step
            if new_eta - y < floor_:
                new_eta = y
            # predictor dm = -P_z/P_m dz, dz = i (new_eta - eta)
            zc = complex(x, eta)
            poly_coeffs_at(C, zc, a, da)
            p, dp, ddp0 = _eval(a, mv)
            pz, _, _ = _eval(da, mv)
            dz = complex(0.0, new_eta - eta)
            # trust region: the predicted move must be small against the distance to the nearest other root,
            # else a long step can carry the predictor into another sheet's Newton basin
            if dp != 0 and ddp0 != 0 and new_eta > y:
                move = abs(pz / dp) * (eta - new_eta)
                sep0 = _root_separation(a, mv, work)
                if move > 0.5 * sep0:
                    step = max(step * 0.5 * sep0 / move, 0.5 * floor_)
                    new_eta = eta - step
                    if new_eta - y < floor_:
                        new_eta = y
                    dz = complex(0.0, new_eta - eta)
            zc = complex(x, new_eta)
            poly_coeffs_at(C, zc, a, da)
            accept = False
            mn = mv
            if dp != 0:
                dmdz = -pz / dp
                # two predictors: linear in z, then (if rejected) a power law in eta, which is exact near an atom
                # (m ~ w/(a - z) grows like 1/eta) where the linear one overshoots into another sheet
                for attempt in range(2):
                    if attempt == 0:
                        pred = mv + dmdz * dz
                    else:
                        if not (new_eta > 0.0 and mv != 0):
                            break
                        pw = 1j * eta * dmdz / mv
                        if abs(pw + 1.0) > 0.5:
                            break  # not pole-like: only a smaller step can help
                        pred = mv * np.exp(pw * np.log(new_eta / eta))
                    mn, ok = _newton(a, pred, STEP_MAXITER, STEP_RTOL)
                    if not ok:
                        continue
                    sep = _root_separation(a, mn, work)
                    corr = abs(mn - pred)
                    # the corrector must stay small against the root separation and against the predicted move
                    # (the second test catches jumps to a root escaping to infinity, where P_mm ~ 0 fools the first)
                    # necessary conditions of a Stieltjes transform of a probability measure: Im m > 0 and
                    # |m| <= 1/Im z in the upper half plane
                    if new_eta > 0.0 and (mn.imag <= 0.0 or abs(mn) * new_eta > 1.0 + 1e-9):
                        continue
                    if corr <= 0.3 * sep and corr <= 0.5 * abs(pred - mv) + 1e-9 * abs(mn):
                        accept = True
                        break
            if accept:
                mv = mn
                eta = new_eta
                # geometric descent: at most half the remaining height (the branch varies on that scale)
                step = min(2.0 * step, 0.9 * (eta - y))
            else:
                step = 0.5 * step
                if step < floor_:
                    break
        start = mv
        if eta - y > floor_ and y > 0.0 and mv != 0:
            # stalled (two sheets closer than rounding allows to separate, e.g. sheets sharing a pole): extrapolate
            # with the local power law m ~ eta^pw, exact for the pole that dominates there
            zc = complex(x, eta)
            poly_coeffs_at(C, zc, a, da)
            p, dp, _ = _eval(a, mv)
            pz, _, _ = _eval(da, mv)
            if dp != 0:
                pw = 1j * eta * (-pz / dp) / mv
                start = mv * np.exp(pw * np.log(y / eta))
        # final landing on y (real axis if y == 0): Newton without the separation test (double roots at edges)
        zc = complex(x, y)
        poly_coeffs_at(C, zc, a, da)
        mf, _ok = _newton(a, start, LANDING_MAXITER, LANDING_RTOL)
        if np.isfinite(mf.real) and np.isfinite(mf.imag) and abs(mf - start) < 1e-3 * (abs(start) + 1e-12) + 1e-9:
            return mf, seed_status
        if y > 0.0 or phase == 3:
            # the descent reached the target height (its corrector converged there): the value stands; otherwise
            # it is an extrapolation the landing Newton could not confirm
            reached = eta - y <= floor_
            return start, seed_status if reached else BRANCH_NOT_CONVERGED
        mv = start
        floor_ *= 1e-4
        step = 0.9 * (eta - y)
    return mv, BRANCH_NOT_CONVERGED


@njit(cache=True)
def stieltjes_branch_status_kernel(C, zr, zi, Y, mom, out, status):
    """Vectorised :func:`branch_point_with_status` over points ``zr + i*zi`` (zi >= 0).

    Parameters
    ----------
    C, Y, mom
        As for :func:`stieltjes_branch_point`.
    zr, zi : float 1-D arrays
        Real and imaginary parts of the points.
    out : complex 1-D array
        Output values.
    status : int64 1-D array
        Output status codes (``BRANCH_OK`` / ``BRANCH_NOT_CONVERGED``).

    Returns
    -------
    None
        ``out`` and ``status`` are written in place.
    """
    d1 = C.shape[0]
    a = np.empty(d1, dtype=np.complex128)
    da = np.empty(d1, dtype=np.complex128)
    for i in range(zr.shape[0]):
        out[i], status[i] = branch_point_with_status(C, zr[i], zi[i], Y, mom, a, da)


@njit(cache=True)
def stieltjes_branch(C, zr, zi, Y, mom, out):
    """Vectorised :func:`stieltjes_branch_point` over points ``zr + i*zi`` (zi >= 0), without the status (use
    :func:`stieltjes_branch_status_kernel` to know which points converged).

    Parameters
    ----------
    C, Y, mom
        As for :func:`stieltjes_branch_point`.
    zr, zi : float 1-D arrays
        Real and imaginary parts of the points.
    out : complex 1-D array
        Output values.

    Returns
    -------
    None
        ``out`` is written in place.
    """
    status = np.empty(zr.shape[0], dtype=np.int64)
    stieltjes_branch_status_kernel(C, zr, zi, Y, mom, out, status)


#: :func:`stieltjes_branch_status_kernel` for Python callers (``C`` a C-contiguous float64 matrix, ``out`` and
#: ``status`` C-contiguous complex128 / int64 vectors): compiled at install, no compilation on first use.
stieltjes_branch_status = Served("stieltjes_branch_status", stieltjes_branch_status_kernel)


@njit(cache=True)
def all_roots(a, roots):
    """All roots of sum_j a[j] m^j (``a[-1] != 0``) by Aberth–Ehrlich iteration.

    Parameters
    ----------
    a : complex 1-D array
        Coefficients, constant term first.
    roots : complex 1-D array of length ``len(a) - 1``
        Output.

    Returns
    -------
    bool
        Whether the largest relative correction fell below :data:`ABERTH_TOL` within :data:`ABERTH_MAXITER`.
    """
    n = a.shape[0] - 1
    lead = a[n]
    # Cauchy bound for the initial circle
    rad = 0.0
    for j in range(n):
        rad = max(rad, abs(a[j] / lead))
    rad = 1.0 + rad
    for k in range(n):
        ang = 2.0 * np.pi * k / n + 0.4
        roots[k] = 0.5 * rad * complex(np.cos(ang), np.sin(ang))
    converged = False
    for _ in range(ABERTH_MAXITER):
        maxcorr = 0.0
        for k in range(n):
            p, dp, _ = _eval(a, roots[k])
            if p == 0:
                continue
            ratio = p / dp if dp != 0 else 1e-3 + 0j
            s = 0j
            for j in range(n):
                if j != k:
                    diff = roots[k] - roots[j]
                    if diff != 0:
                        s += 1.0 / diff
            denom = 1.0 - ratio * s
            corr = ratio / denom if denom != 0 else ratio
            roots[k] -= corr
            maxcorr = max(maxcorr, abs(corr) / (abs(roots[k]) + 1e-300))
        if maxcorr < ABERTH_TOL:
            converged = True
            break
    return converged
