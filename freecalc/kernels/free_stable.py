r"""Numeric kernels of the free stable laws: the boundary curve in polar form, the cdf in closed form, the
subordination equation off the axis.

Notation. A strictly stable law of index α ∈ (0, 2] has Voiculescu transform :math:`\varphi(u) = R(1/u) =
-b\,u^{1-\alpha}` (principal power, :math:`u \in \mathbb{C}^+`) with :math:`b = c\,e^{i\psi}`, c > 0,
ψ ∈ [max(0, (α − 1)π), min(π, απ)], so that :math:`F = 1/G` solves

.. math:: H(u) := u - b\,u^{1-\alpha} = z, \qquad \Im u \ge \Im z .

The solution in :math:`\mathbb{C}^+` is unique: :math:`u \mapsto z - \varphi(u)` maps :math:`\mathbb{C}^+` into
:math:`\{\Im w \ge \Im z\}`, so by Schwarz–Pick it has at most one fixed point there.

*Boundary curve.* On the real axis :math:`u = F(x + i0) = r e^{i\theta}`; :math:`\Im H = 0` gives r explicitly and

.. math:: r^\alpha = \frac{c\,\sin(\psi + (1-\alpha)\theta)}{\sin\theta},\qquad
          x(\theta) = r\,\frac{\sin(\psi - \alpha\theta)}{\sin(\psi + (1-\alpha)\theta)},\qquad
          \rho(x) = \frac{\sin\theta}{\pi r},

θ ∈ (0, π) decreasing in x. *Cdf.* Along the axis :math:`G\,dz = du/u - (1-\alpha) b u^{-\alpha-1} du`, whose
primitive :math:`\log u + \frac{1-\alpha}{\alpha} b u^{-\alpha}` gives, with :math:`\rho = -\Im G/\pi`,

.. math:: P(X > x) = \frac{1}{\pi}\Big[\theta + \frac{1-\alpha}{\alpha}\,
          \frac{\sin\theta\,\sin(\psi - \alpha\theta)}{\sin(\psi + (1-\alpha)\theta)}\Big]
          = \frac{\theta}{\pi} + \frac{1-\alpha}{\alpha}\,x\,\rho(x)

(α = 1: θ/π, the Cauchy law; α = 2: (θ − sin θ cos θ)/π, the semicircle).

*Two sides.* Every quantity is evaluated at an angle t ∈ (0, π/2] measured from the nearer end: the right half
θ = t with ψ, the left half θ = π − t through the reflected law −X (ψ' = απ − ψ, x = −x'(t), the cdf of X equals
the upper tail of −X). Tails, edges and tiny probabilities thus keep full relative accuracy. A side with
sin ψ = 0 ends at a finite edge :math:`x_\mathrm{lim} = r_0\alpha/(\alpha - 1)`,
:math:`r_0 = (c|1-\alpha|)^{1/\alpha}`; beyond it u is real (:func:`outside_u`).

Reference: H. Bercovici, V. Pata, *Stable laws and domains of attraction in free probability theory*, Ann. Math.
149 (1999) 1023 (appendix by P. Biane); T. Hasebe, A. Kuznetsov, *On free stable distributions*, Electron. Commun.
Probab. 19 (2014) 56.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = ["Side", "side_constants", "x_of_t", "r_of_t", "mass_of_t", "mass_density_of_t", "edge", "t_of_x",
           "t_of_mass", "outside_u", "solve_upper", "HALF"]

HALF = 0.5 * math.pi
_TINY_T = 1e-300
_ITER = 200
_EPS = 2.0 * float(np.finfo(float).eps)
_STALL = 1e-12


class Side(NamedTuple):
    """Constants of one half of the boundary curve: index α, modulus c, sin ψ and cos ψ (exact 0/±1 at the ends
    of the ψ range, where the law has a finite edge on this side)."""

    alpha: float
    c: float
    s_psi: float
    c_psi: float


def side_constants(alpha: float, beta: float, scale: float) -> Side:
    r"""The constants of :math:`b = c e^{i\psi} = -i\sigma^\alpha(1 + i\beta\tan(\pi\alpha/2))\,e^{i\pi(\alpha-1)/2}`.

    Parameters
    ----------
    alpha : float
        Index in (0, 2], α ≠ 1 unless β = 0.
    beta : float
        Skewness in [−1, 1] (give −β for the reflected side).
    scale : float
        σ > 0.

    Returns
    -------
    Side
        c = σ^α √(1 + β² tan²(πα/2)), ψ = πα/2 + arctan(β tan(πα/2)); the extreme ψ (β = ±1, α = 2) exactly.
    """
    sa = scale ** alpha
    if alpha == 2.0:
        # the semicircle: ψ = π exactly (the formula below leaves sin ψ ≈ 1e-16, an infinite edge)
        return Side(alpha, sa, 0.0, -1.0)
    cos_h, sin_h = math.cos(HALF * alpha), math.sin(HALF * alpha)
    norm = math.hypot(cos_h, beta * sin_h)
    # e^{iψ} = e^{iπα/2}(cos + iβ sin)/|cos + iβ sin| · sign(cos), expanded so that sin ψ = 0 exactly at β = −1
    s_psi = abs(cos_h) * sin_h * (1.0 + beta) / norm
    c_psi = math.copysign(1.0, cos_h) * (cos_h * cos_h - beta * sin_h * sin_h) / norm
    return Side(alpha, sa * norm / abs(cos_h), s_psi, c_psi)


def _sines(t: np.ndarray, s: Side) -> tuple[np.ndarray, np.ndarray]:
    """sin(ψ − αt) and sin(ψ + (1 − α)t) by the addition theorem (exact zeros of sin ψ stay exact)."""
    a = s.alpha
    s1 = s.s_psi * np.cos(a * t) - s.c_psi * np.sin(a * t)
    s2 = s.s_psi * np.cos((1 - a) * t) + s.c_psi * np.sin((1 - a) * t)
    return s1, s2


def r_of_t(t: np.ndarray, s: Side) -> np.ndarray:
    """Modulus r of u = F(x + i0) at angle t (t ∈ (0, π/2])."""
    _, s2 = _sines(t, s)
    return (s.c * s2 / np.sin(t)) ** (1.0 / s.alpha)


def x_of_t(t: np.ndarray, s: Side) -> np.ndarray:
    """The point x(t) = r sin(ψ − αt)/sin(ψ + (1 − α)t) of the curve (decreasing in t)."""
    s1, s2 = _sines(t, s)
    return (s.c * s2 / np.sin(t)) ** (1.0 / s.alpha) * s1 / s2


def mass_of_t(t: np.ndarray, s: Side) -> np.ndarray:
    """The mass beyond x(t): (t + (1 − α)/α · sin t sin(ψ − αt)/sin(ψ + (1 − α)t))/π (0 at t = 0)."""
    s1, s2 = _sines(t, s)
    return (t + (1 - s.alpha) / s.alpha * np.sin(t) * s1 / s2) / math.pi


def mass_density_of_t(t: np.ndarray, s: Side) -> np.ndarray:
    """d mass/dt = ρ(x(t))|x'(t)| ≥ 0 (the law in the variable t: analytic on [0, π/2])."""
    a = s.alpha
    s1, s2 = _sines(t, s)
    c1 = s.c_psi * np.cos(a * t) + s.s_psi * np.sin(a * t)          # cos(ψ − αt)
    c2 = s.c_psi * np.cos((1 - a) * t) - s.s_psi * np.sin((1 - a) * t)  # cos(ψ + (1 − α)t)
    st, ct = np.sin(t), np.cos(t)
    dq = (ct * s1 - a * st * c1) / s2 - st * s1 * (1 - a) * c2 / (s2 * s2)
    # next to a finite edge (sin ψ = 0) the two terms cancel to O(t²): round-off could leave a tiny negative value
    return np.maximum((1.0 + (1 - a) / a * dq) / math.pi, 0.0)


def edge(s: Side) -> float:
    """lim x(t) as t → 0: +inf for sin ψ > 0, else the finite edge r₀α/(α − 1), r₀ = (c|1 − α|)^{1/α}."""
    if s.s_psi > 0:
        return math.inf
    r0 = (s.c * abs(1.0 - s.alpha)) ** (1.0 / s.alpha)
    return r0 * s.alpha / (s.alpha - 1.0)


def _safeguarded(fun, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, v0: np.ndarray, inc: bool,
                 tol: float = 4e-16) -> tuple[np.ndarray, np.ndarray]:
    """Newton with bisection fallback for a monotone g(v) = fun(v) − y on [lo, hi] (increasing if ``inc``).

    ``fun(v)`` returns (value, derivative); a non-finite value counts as beyond the root on the side of lo's
    limit for a decreasing g (x → ∞ as t → 0). Returns (v, converged), converged when the step or the bracket is
    below ``tol`` relative to max(1, |v|), or the residual is at the rounding level of ``fun``.
    """
    v = v0.copy()
    lo, hi = lo.copy(), hi.copy()
    conv = np.zeros(v.shape, dtype=bool)
    last = np.full(v.shape, np.inf)
    with np.errstate(all="ignore"):
        for _ in range(_ITER):
            f, d = fun(v)
            g = f - y
            below = (g < 0) == inc  # the root lies right of v
            lo = np.where(below & ~conv, v, lo)
            hi = np.where(~below & ~conv, v, hi)
            step = g / d
            new = v - step
            # an overflowed or vanishing derivative gives a zero or infinite step: bisect instead (a zero step
            # would otherwise pass for convergence)
            bad = ~np.isfinite(new) | ~np.isfinite(d) | (d == 0) | (new < lo) | (new > hi)
            new = np.where(g == 0, v, np.where(bad, 0.5 * (lo + hi), new))
            # a residual at the rounding level of fun ends the iteration too: near a square-root edge fun is flat
            # in v and its rounding noise would keep the Newton steps above tol
            size = np.maximum(1.0, np.abs(v))
            moved = np.abs(new - v)
            # a Newton step that no longer shrinks at the 1e-12 level: the rounding noise of fun is reached
            # (bisection steps halve exactly and are not a stall)
            stalled = ~bad & (moved <= _STALL * size) & (moved >= 0.9 * last)
            # fun carries a few ulps of rounding (asinh of a product of sines): next to a finite edge, where fun is
            # flat in v, Newton then alternates between two iterates whose residuals are ±1 ulp of |f| + |y| apart
            done = (moved <= tol * size) | (np.abs(g) <= 4.0 * _EPS * (np.abs(f) + np.abs(y))) | stalled \
                | (hi - lo <= tol * size)
            last = np.where(conv, last, moved)
            v = np.where(conv, v, new)
            conv |= done & np.isfinite(v)
            if conv.all():
                break
    return v, conv


def t_of_x(y: np.ndarray, s: Side) -> tuple[np.ndarray, np.ndarray]:
    """Angle t ∈ (0, π/2] with x(t) = y, for y in [x(π/2), edge(s)) (Newton in log t on asinh(x/scale)).

    Parameters
    ----------
    y : ndarray
        Targets on this side.
    s : Side

    Returns
    -------
    t, converged : ndarray, bool ndarray
    """
    sc = s.c ** (1.0 / s.alpha)

    def fun(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = np.exp(v)
        x = x_of_t(t, s)
        # dx/dt by the chain rule on log x: d log r = ((1 − α) cot(ψ + (1 − α)t) − cot t)/α
        s1, s2 = _sines(t, s)
        a = s.alpha
        c1 = s.c_psi * np.cos(a * t) + s.s_psi * np.sin(a * t)
        c2 = s.c_psi * np.cos((1 - a) * t) - s.s_psi * np.sin((1 - a) * t)
        r = (s.c * s2 / np.sin(t)) ** (1.0 / a)
        # t dx/dt, with t multiplied in before x (x ~ t^(-1/α) overflows the product x · dlog r/dt in the far tail)
        t_dlogr = ((1 - a) * t * c2 / s2 - t * np.cos(t) / np.sin(t)) / a
        t_dx = x * t_dlogr + t * r * (-a * c1 * s2 - s1 * (1 - a) * c2) / (s2 * s2)
        return np.arcsinh(x / sc), t_dx / (sc * np.hypot(1.0, x / sc))

    n = y.shape
    lo = np.full(n, math.log(_TINY_T))
    hi = np.full(n, math.log(HALF))
    # start: x ≈ (c sin ψ / t)^{1/α} in the tail, the middle otherwise
    with np.errstate(all="ignore"):
        guess = np.log(s.c * max(s.s_psi, 1e-3) / np.maximum(np.abs(y), sc) ** s.alpha)
    v0 = np.clip(guess, lo + 1.0, hi - 1e-3)
    v, conv = _safeguarded(fun, np.arcsinh(y / sc), lo, hi, v0, inc=False)
    return np.exp(v), conv


def t_of_mass(p: np.ndarray, s: Side) -> tuple[np.ndarray, np.ndarray]:
    """Angle t ∈ [0, π/2] with mass_of_t(t) = p (p ≤ mass_of_t(π/2)); safeguarded Newton in t."""

    def fun(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return mass_of_t(t, s), mass_density_of_t(t, s)

    n = p.shape
    w0 = float(mass_density_of_t(np.array([1e-8]), s)[0])
    t0 = np.clip(p / max(w0, 1e-3), 1e-300, HALF)
    t, conv = _safeguarded(fun, p, np.zeros(n), np.full(n, HALF), t0, inc=True)
    return np.where(p <= 0, 0.0, t), conv | (p <= 0)


def outside_u(y: np.ndarray, s: Side) -> tuple[np.ndarray, np.ndarray]:
    """Real u > r₀ with u − c cos ψ · u^{1−α} = y beyond a finite edge (sin ψ = 0): F(y) off the support.

    h(u) = u − c cos ψ u^{1−α} is convex and increasing on u > r₀ with h(r₀) = edge; safeguarded Newton in log u.
    """
    a, cc = s.alpha, s.c * s.c_psi
    r0 = (s.c * abs(1.0 - a)) ** (1.0 / a)

    def fun(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.exp(v)
        return u - cc * u ** (1 - a), u - cc * (1 - a) * u ** (1 - a)

    n = y.shape
    # h(u) − u = −cc u^{1−α} is bounded by |cc| r₀^{1−α} + |y| in modulus on the bracket; the root lies below
    # u_hi = 2 (|y| + r₀ + |cc| (|y| + r₀)^{max(1−α, 0)} r₀^{min(1−α, 0)})
    big = np.abs(y) + r0
    u_hi = 2.0 * (big + abs(cc) * big ** max(1 - a, 0.0) * r0 ** min(1 - a, 0.0))
    lo = np.full(n, math.log(r0))
    hi = np.log(u_hi)
    v, conv = _safeguarded(fun, y, lo, hi, 0.5 * (lo + hi), inc=True)
    return np.exp(v), conv


def solve_upper(z: np.ndarray, alpha: float, b: complex, steps_per_decade: int = 8,
                newton: int = 30) -> tuple[np.ndarray, np.ndarray]:
    r"""u = F(z) ∈ ℂ⁺ for Im z > 0: Newton on :math:`e^\ell - b e^{(1-\alpha)\ell} = z` in ℓ = log u.

    The point is reached from :math:`x + iY_0` (:math:`Y_0 = 10(|x| + |b|^{1/\alpha})`, where u ≈ z + b z^{1−α})
    down to x + iy in geometric steps (``steps_per_decade`` per factor 10), each solved by Newton from the previous
    solution with the step halved until Im ℓ stays in (0, π). Any root with Im ℓ ∈ (0, π) is the solution (the
    root in ℂ⁺ is unique).

    Parameters
    ----------
    z : complex ndarray
        Points with Im z > 0.
    alpha : float
    b : complex

    Returns
    -------
    u, converged : complex ndarray, bool ndarray
    """
    x, y = z.real, z.imag
    y0 = np.maximum(y, 10.0 * (np.abs(x) + abs(b) ** (1.0 / alpha)))
    decades = np.log10(y0 / y)
    n_steps = int(math.ceil(max(float(np.max(decades, initial=0.0)), 0.0) * steps_per_decade)) + 1
    z0 = x + 1j * y0
    ell = np.log(z0 + b * z0 ** (1 - alpha))
    conv = np.ones(z.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for k in range(1, n_steps + 1):
            zk = x + 1j * y0 * (y / y0) ** (k / n_steps)
            ok = np.zeros(z.shape, dtype=bool)
            for _ in range(newton):
                e1, e2 = np.exp(ell), b * np.exp((1 - alpha) * ell)
                f = e1 - e2 - zk
                d = e1 - (1 - alpha) * e2
                step = f / d
                new = ell - step
                for _h in range(30):
                    out = ~((new.imag > 0) & (new.imag < math.pi)) | ~np.isfinite(new)
                    if not out.any():
                        break
                    step = np.where(out, 0.5 * step, step)
                    new = ell - step
                ell = np.where(ok, ell, new)
                ok |= np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(ell))
                if ok.all():
                    break
            if k == n_steps:
                conv = ok
    u = np.exp(ell)
    resid = np.abs(u - b * u ** (1 - alpha) - z) / np.maximum(np.abs(z), np.abs(u))
    return u, conv & (resid < 1e-10) & (u.imag > 0)
