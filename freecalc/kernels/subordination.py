r"""numba kernels for numeric free convolution by subordination.

Free additive convolution (Biane; Belinschi & Bercovici, *A new approach to subordination results in free
probability*, J. Anal. Math. 101, 2007). With the Cauchy transform :math:`G = -m`, :math:`F = 1/G` and
:math:`h(w) = F(w) - w`, the law :math:`\mu_a \boxplus \mu_b` has

.. math:: G(z) = G_a(\omega_a(z)) = G_b(\omega_b(z)), \qquad \omega_a + \omega_b = z + F(z),

and :math:`\omega_a(z)` is the attracting fixed point of :math:`w \mapsto z + h_b(z + h_a(w))` on
:math:`\mathbb{C}^+` (then :math:`\omega_b = z + h_a(\omega_a)`).

Free multiplicative convolution of laws on :math:`[0, \infty)` (same reference): with
:math:`\psi(\zeta) = \int \zeta x/(1 - \zeta x)\,d\mu`, :math:`\eta = \psi/(1 + \psi)` and
:math:`h(\zeta) = \eta(\zeta)/\zeta = 1/\zeta + 1/m(1/\zeta)`,

.. math:: \eta(\zeta) = \eta_a(\omega_a) = \eta_b(\omega_b), \qquad \omega_a\omega_b = \zeta\,\eta(\zeta),

and :math:`\omega_a` is the fixed point of :math:`w \mapsto \zeta h_b(\zeta h_a(w))`. The spectral point
:math:`\lambda \in \overline{\mathbb{C}^+}` is mapped to :math:`\zeta = 1/\bar\lambda \in \mathbb{C}^+`, and
:math:`m(\lambda) = \overline{\zeta/(\eta(\zeta) - 1)}`.

Free additive powers :math:`\mu^{\boxplus t}`, :math:`t \ge 1` (Belinschi & Bercovici, *Partially defined
semigroups relative to multiplicative free convolution*, IMRN 2005, §2): :math:`G_t(z) = G(\omega(z))` with
:math:`\omega = z/t + (1 - 1/t) F(\omega)`. A dilation by c is folded in: :math:`m(\lambda) = m_t(\lambda/c)/c`.

Solver. For one spectral point λ the fixed-point equation is written :math:`f(\omega) = \omega - T(\omega) = 0`
and solved by Newton's method with analytic derivatives of the inputs' transforms; a Newton step is accepted only
if it lowers :math:`|f|` (after projecting :math:`\omega` onto the half-plane the true solution lives in),
otherwise the fixed-point step :math:`\omega \leftarrow T(\omega)` is taken (it is a contraction of the hyperbolic
metric, so it always makes progress). Near the real axis the fixed-point map's contraction rate tends to 1, so the
point :math:`x + i\varepsilon` is reached by continuation: solve at :math:`\varepsilon_0` (the scale of the law),
then at geometrically decreasing :math:`\varepsilon` (ratio 10⁻³, then 10⁻⁴ after a success; replaced by its square
root whenever Newton fails at a stage, giving up above 0.95) down to :math:`\varepsilon_{\min}`, then at the target
(often exactly the real axis), each stage warm-started.

Convergence criterion (per point): a Newton step with :math:`|\delta\omega| \le \mathrm{tol}(1 + |\omega|)`
(the step before projection onto the half-plane: a projected step is small also where the iteration is stalled
against the boundary, away from any root), or a
residual :math:`|f(\omega)| \le 16\,\epsilon_{\mathrm{mach}}(1 + |\omega|)` (the solution of a problem perturbed
at rounding level: what is left at a square-root edge, where :math:`f'(\omega) \to 0`). Points that meet neither
within the iteration budget are flagged ``converged = False``; callers must report them.

Input laws are passed in a form numba can evaluate (``kind`` + arrays):

* ``KIND_DISCRETE``: :math:`m(z) = \sum_j w_j/(x_j - z)` (quadrature nodes of a density, plus atoms). Accurate
  only at distances from the real axis larger than the node spacing: not for boundary values.
* ``KIND_QUADRATIC``: the closed form of :mod:`freecalc.kernels.quadratic`, ``params = (p0, p1, q0, q1, q2,
  s·√k, λ₋, λ₊)``: exact everywhere, including the real axis.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from freecalc.kernels.quadratic import quadratic_stieltjes_scalar

__all__ = ["KIND_DISCRETE", "KIND_QUADRATIC", "OP_ADD", "OP_MUL", "OP_POWER", "OPT_SIZE",
           "law_stieltjes_d", "subordination_residual", "solve_subordination"]

KIND_DISCRETE = 0
KIND_QUADRATIC = 1

OP_ADD = 0
OP_MUL = 1
OP_POWER = 2

# layout of the ``opts`` array of :func:`solve_subordination`
OPT_T, OPT_C, OPT_GUESS, OPT_ETA0, OPT_ETAMIN, OPT_TOL = 0, 1, 2, 3, 4, 5
OPT_SIZE = 6

_EPS = 2.220446049250313e-16

WARM_START_MAXITER = 30
"""Newton budget for a point started from a converged neighbour's ω (inside the basin: < 10 steps); a point that
needs more goes through the full continuation with the caller's ``maxiter``."""
FIRST_RATIO = 1e-3
"""First step of the continuation in Im λ (ε → 10⁻³ε): ω varies on the scale ε, so a warm start from height ε is
within the basin at 10⁻³ε for all but edge points, which the retry rule handles."""
MIN_RATIO = 1e-4
"""Smallest ratio after successes (the ratio is squared after each success, down to this)."""
GIVE_UP_RATIO = 0.95
"""A failed stage retries with the square root of the ratio; above this the stages no longer make progress and
the point is flagged as not converged."""


@njit(cache=True)
def law_stieltjes_d(kind: int, par: np.ndarray, nodes: np.ndarray, weights: np.ndarray,
                    z: complex) -> tuple[complex, complex]:
    """m(z) and m'(z) of an input law at any z off its support (boundary value from above on the real axis).

    Parameters
    ----------
    kind : int
        ``KIND_QUADRATIC`` or ``KIND_DISCRETE``.
    par : float 1-D array
        Closed-form parameters (quadratic kind).
    nodes, weights : float 1-D arrays
        Quadrature nodes and weights (discrete kind).
    z : complex

    Returns
    -------
    m, dm : complex
    """
    if kind == KIND_QUADRATIC:
        lower = z.imag < 0.0
        # +0.0 imaginary part on the real axis: the principal roots then give m(x + i0)
        zz = complex(z.real, -z.imag) if lower else complex(z.real, abs(z.imag))
        m = quadratic_stieltjes_scalar(zz, par[0], par[1], par[2], par[3], par[4], par[5], par[6], par[7])
        P = par[0] + par[1] * zz
        Q = par[2] + zz * (par[3] + par[4] * zz)
        dQ = par[3] + 2.0 * par[4] * zz
        # implicit differentiation of Q m² − P m + 1 = 0
        den = 2.0 * Q * m - P
        dm = (par[1] * m - dQ * m * m) / den
        if lower:
            return m.conjugate(), dm.conjugate()
        return m, dm
    m = 0j
    dm = 0j
    for j in range(nodes.shape[0]):
        d = 1.0 / (nodes[j] - z)
        m += weights[j] * d
        dm += weights[j] * d * d
    return m, dm


@njit(cache=True)
def _h_add(kind, par, nodes, weights, w):
    # h(w) = F(w) − w = −1/m(w) − w and h'(w) = m'/m² − 1
    m, dm = law_stieltjes_d(kind, par, nodes, weights, w)
    return -1.0 / m - w, dm / (m * m) - 1.0, m


@njit(cache=True)
def _h_mul(kind, par, nodes, weights, w):
    # h(w) = η(w)/w = 1/w + 1/m(1/w), with m evaluated below the axis (1/w ∈ closed C− for w ∈ closed C+):
    # m(u) = conj(m(conj u)); h'(w) = (m'(1/w)/m(1/w)² − 1)/w²
    u = 1.0 / w
    uc = complex(u.real, abs(u.imag))
    m, dm = law_stieltjes_d(kind, par, nodes, weights, uc)
    m = m.conjugate()
    dm = dm.conjugate()
    return u + 1.0 / m, (dm / (m * m) - 1.0) * u * u, m


@njit(cache=True)
def _project(w, floor):
    if w.imag < floor:
        return complex(w.real, floor)
    return w


@njit(cache=True)
def subordination_residual(op, lam, w, ka, pa, xa, wa, kb, pb, xb, wb, opts):
    """f(ω) = ω − T(ω), f'(ω) and the result's m(λ) for the current ω (see the module docstring).

    Parameters
    ----------
    op : int
        ``OP_ADD``, ``OP_MUL`` or ``OP_POWER``.
    lam, w : complex
        Spectral point λ and current ω.
    ka, pa, xa, wa, kb, pb, xb, wb
        The two input laws (kind, parameters, nodes, weights; see :func:`law_stieltjes_d`).
    opts : float 1-D array
        The ``OPT_*`` layout.

    Returns
    -------
    f, df, m : complex
    """
    if op == OP_ADD:
        ha, dha, ma = _h_add(ka, pa, xa, wa, w)
        wbv = _project(lam + ha, lam.imag)  # Im ω_b ≥ Im z as well; rounding must not cross the axis
        hb, dhb, mb = _h_add(kb, pb, xb, wb, wbv)
        return w - lam - hb, 1.0 - dhb * dha, ma
    if op == OP_MUL:
        zeta = 1.0 / lam.conjugate()
        ha, dha, ma = _h_mul(ka, pa, xa, wa, w)
        wbv = _project(zeta * ha, 0.0)
        hb, dhb, mb = _h_mul(kb, pb, xb, wb, wbv)
        eta = w * ha
        m = (zeta / (eta - 1.0)).conjugate()
        return w - zeta * hb, 1.0 - zeta * dhb * zeta * dha, m
    # OP_POWER: ω = z/t + (1 − 1/t) F(ω), z = λ/c; m(λ) = m_a(ω)/c
    t = opts[OPT_T]
    c = opts[OPT_C]
    z = lam / c
    m, dm = law_stieltjes_d(ka, pa, xa, wa, w)
    F = -1.0 / m
    dF = dm / (m * m)
    return w - z / t - (1.0 - 1.0 / t) * F, 1.0 - (1.0 - 1.0 / t) * dF, m / c


@njit(cache=True)
def _floor_imag(op, lam, opts):
    # the true ω lies in {Im ω ≥ floor}: Im ω_a ≥ Im z for ⊞ and for powers (Im F(w) ≥ Im w), Im ω ≥ 0 for ⊠
    if op == OP_ADD:
        return lam.imag
    if op == OP_POWER:
        return lam.imag / opts[OPT_C]
    return 0.0


@njit(cache=True)
def _finite(v):
    return math.isfinite(v.real) and math.isfinite(v.imag)


@njit(cache=True)
def _newton(op, lam, w, ka, pa, xa, wa, kb, pb, xb, wb, opts, maxiter):
    """Safeguarded Newton at one λ. Returns (ω, m, converged, iterations, |f|)."""
    tol = opts[OPT_TOL]
    floor = _floor_imag(op, lam, opts)
    w = _project(w, floor)
    f, df, m = subordination_residual(op, lam, w, ka, pa, xa, wa, kb, pb, xb, wb, opts)
    if not (_finite(f) and _finite(m)):
        return w, m, False, 0, math.inf
    for it in range(1, maxiter + 1):
        af = abs(f)
        if af <= 16.0 * _EPS * (1.0 + abs(w)):
            return w, m, True, it - 1, af
        took_newton = False
        if _finite(df) and df != 0:
            step = f / df
            wn = _project(w - step, floor)
            fn, dfn, mn = subordination_residual(op, lam, wn, ka, pa, xa, wa, kb, pb, xb, wb, opts)
            if _finite(fn) and _finite(mn) and abs(fn) < af:
                took_newton = True
                w, f, df, m = wn, fn, dfn, mn
                # the *unprojected* step measures convergence: an iterate pinned to the floor by the projection
                # moves little while the Newton step points out of the half-plane, and such a stalled point is
                # no root (its residual stays finite)
                if abs(step) <= tol * (1.0 + abs(w)):
                    return w, m, True, it, abs(f)
        if not took_newton:
            # fixed-point step ω ← T(ω) = ω − f: stays in the half-plane and contracts the hyperbolic metric
            wn = _project(w - f, floor)
            fn, dfn, mn = subordination_residual(op, lam, wn, ka, pa, xa, wa, kb, pb, xb, wb, opts)
            if not (_finite(fn) and _finite(mn)):
                return w, m, False, it, abs(f)
            w, f, df, m = wn, fn, dfn, mn
    return w, m, abs(f) <= 16.0 * _EPS * (1.0 + abs(w)), maxiter, abs(f)


@njit(cache=True)
def _initial_guess(op, lam, opts):
    g = opts[OPT_GUESS]
    if op == OP_ADD:      # ω_a(z) = z − κ₁(b) + O(1/z)
        return lam - g
    if op == OP_MUL:      # ω_a(ζ) = m₁(b) ζ + O(ζ²)
        return g / lam.conjugate()
    return lam / opts[OPT_C] - g   # powers: ω = z − (t − 1) κ₁ + O(1/z)


@njit(cache=True)
def _solve_point(op, lam, w0, start_kind, ka, pa, xa, wa, kb, pb, xb, wb, opts, maxiter):
    total = 0
    if start_kind == 1 or start_kind == 2:
        # a non-real solution at real or complex λ is the unique fixed point in the open upper half-plane
        # (Denjoy–Wolff), hence the right one; a real one may be a spurious root: redo those by continuation,
        # unless start_kind == 2 and it lies within 0.05 ε₀ of the start (ω is continuous up to the real axis,
        # so a start from a converged neighbour lands next to the true root; a spurious one is generically far)
        w, m, conv, its, res = _newton(op, lam, w0, ka, pa, xa, wa, kb, pb, xb, wb, opts, WARM_START_MAXITER)
        total += its
        if conv:
            if w.imag > _floor_imag(op, lam, opts) + 1e-10 * (1.0 + abs(w)):
                return w, m, True, total, res
            if start_kind == 2 and abs(w - w0) <= 0.05 * opts[OPT_ETA0] and res <= 1e3 * _EPS * (1.0 + abs(w)):
                return w, m, True, total, res
    eta0 = opts[OPT_ETA0]
    etamin = opts[OPT_ETAMIN]
    target = lam.imag
    eps = max(target, eta0)
    start = complex(lam.real, eps)
    w, m, conv, its, res = _newton(op, start, _initial_guess(op, start, opts), ka, pa, xa, wa, kb, pb, xb, wb,
                                   opts, maxiter)
    total += its
    if not conv:
        return w, m, False, total, res
    ratio = FIRST_RATIO
    while eps > target:
        nxt = eps * ratio
        if nxt < etamin or nxt < target:
            nxt = target
        wn, mn, conv, its, res = _newton(op, complex(lam.real, nxt), w, ka, pa, xa, wa, kb, pb, xb, wb, opts,
                                         maxiter)
        total += its
        if conv:
            w, m, eps = wn, mn, nxt
            ratio = max(ratio * ratio, MIN_RATIO)
        else:
            ratio = math.sqrt(ratio)
            if ratio > GIVE_UP_RATIO:
                return wn, mn, False, total, res
    return w, m, True, total, res


@njit(cache=True)
def solve_subordination(op: int, lam: np.ndarray, omega0: np.ndarray, start_kind: np.ndarray,
                        ka: int, pa: np.ndarray, xa: np.ndarray, wa: np.ndarray,
                        kb: int, pb: np.ndarray, xb: np.ndarray, wb: np.ndarray,
                        opts: np.ndarray, maxiter: int):
    r"""Solve the subordination equation at every spectral point ``lam`` (Im λ ≥ 0).

    Parameters
    ----------
    op : int
        ``OP_ADD`` (μ_a ⊞ μ_b), ``OP_MUL`` (μ_a ⊠ μ_b, both on [0, ∞)) or ``OP_POWER`` (dilation by
        ``opts[1]`` of μ_a^{⊞ opts[0]}; law b unused).
    lam : complex128[:]
        Spectral points, Im λ ≥ 0 (Im λ = 0: boundary value m(x + i0)). For ⊠, λ ≠ 0.
    omega0, start_kind : complex128[:], int8[:]
        Warm starts for ω_a where ``start_kind`` is 1 (accepted only if Newton converges from there to a
        non-real ω: unique, hence correct) or 2 (also a real ω within 0.05 ε₀ of the start); otherwise (and
        where ``start_kind == 0``) continuation from ε₀.
    ka, pa, xa, wa, kb, pb, xb, wb
        Input laws as (kind, params, nodes, weights); see the module docstring.
    opts : float64[OPT_SIZE]
        (t, c, g, ε₀, ε_min, tol): power and dilation (``OP_POWER``), initial-guess constant g (κ₁(b) for ⊞,
        m₁(b) for ⊠, (t − 1)κ₁ for powers), continuation start and floor (absolute, in λ), Newton tolerance.
    maxiter : int
        Iteration budget per continuation stage.

    Returns
    -------
    m : complex128[:]
        Stieltjes transform of the result at λ.
    omega : complex128[:]
        Subordination function ω_a(λ) (warm start for nearby points).
    converged : bool[:]
    iterations : int64[:]
        Residual evaluations spent per point (Newton and fixed-point steps over all stages).
    residual : float64[:]
        |f(ω)| at exit.
    """
    n = lam.shape[0]
    m_out = np.empty(n, dtype=np.complex128)
    w_out = np.empty(n, dtype=np.complex128)
    conv = np.empty(n, dtype=np.bool_)
    iters = np.empty(n, dtype=np.int64)
    res = np.empty(n, dtype=np.float64)
    for i in range(n):
        w, m, c, it, r = _solve_point(op, lam[i], omega0[i], start_kind[i], ka, pa, xa, wa, kb, pb, xb, wb,
                                      opts, maxiter)
        m_out[i] = m
        w_out[i] = w
        conv[i] = c
        iters[i] = it
        res[i] = r
    return m_out, w_out, conv, iters, res

