r"""HTMP(γ, κ) at large κ: the Marchenko–Pastur limit plus its first correction, with a certified error bound.

With :math:`\varepsilon = 2\gamma/\kappa = 1/b`, the Stieltjes transform :math:`m = (\log u)'/B` of HTMP
(:math:`u(z) = U(B, -A, -bz)`, :mod:`freecalc.laws.htmp`) solves the Riccati equation (Kummer's equation divided
by b)

.. math:: \varepsilon z\, m' + \gamma z\, m^2 + (z - 1 + \gamma + \varepsilon)\, m + 1 = 0,

a singular perturbation of the Marchenko–Pastur equation :math:`\gamma z m_0^2 + (z - 1 + \gamma) m_0 + 1 = 0`.
Expanding :math:`m = m_0 + \varepsilon m_1 + O(\varepsilon^2)` off the support gives, with
:math:`a_0 = \sqrt{z - \lambda_-}\sqrt{z - \lambda_+} = 2\gamma z m_0 + z - 1 + \gamma` (branch :math:`a_0 \sim z`,
:math:`\lambda_\pm = (1 \pm \sqrt\gamma)^2`) and :math:`w = z - 1 - \gamma` (so :math:`a_0^2 = w^2 - 4\gamma`),

.. math:: m_0 = \frac{-2}{z - 1 + \gamma + a_0}, \qquad
          m_1 = -\frac{(z m_0)'}{a_0} = \frac{-2}{a_0^2 (a_0 + w)}, \qquad
          m_1' = \frac{2 (a_0 + 2w)}{a_0^4 (a_0 + w)}

(forms free of cancellation at large :math:`|z|`). The approximant :math:`\tilde m = m_0 + \varepsilon m_1` leaves
the residual :math:`r = \varepsilon^2 \left[(z m_1)' + \gamma z m_1^2\right]`.

**Error bound (barrier argument).** The error :math:`e = m - \tilde m` solves
:math:`\varepsilon z e' = -(a + \gamma z e) e - r` with :math:`a = 2\gamma z \tilde m + z - 1 + \gamma + \varepsilon`.
Along a path :math:`z(s)` with unit tangent τ, :math:`\varphi = |e|` therefore satisfies (Dini derivative)

.. math:: \varepsilon \varphi' \le \gamma \varphi^2 - p(s)\, \varphi + q(s), \qquad
          p = \operatorname{Re}(\tau a / z), \quad q = |r| / |z|.

By the comparison principle :math:`\varphi \le E` for any E solving :math:`\varepsilon E' = \gamma E^2 - pE + q` with
:math:`E \ge \varphi` at the start. The path starts at :math:`z_0 = -S + iY`, :math:`S \ge \max(1000, 10/\varepsilon)`,
where :math:`|m - \tilde m| \le C/|z_0|^3` (see :func:`mp_limit_cdf`) gives E, runs horizontally to
:math:`x + iY` and then descends vertically or at 45° to :math:`z = x + iy` (Y = y, or the larger heights
:data:`DETOUR_HEIGHTS`, avoiding the region just above :math:`(0, \lambda_-)` where p < 0 for a horizontal path);
the smallest bound over these paths is kept. On each cell of the path p and q are replaced by their inf and sup,
and the constant-coefficient comparison equation is solved exactly: with
:math:`E_\mp = (p \mp \sqrt{p^2 - 4\gamma q})/(2\gamma)`, the ratio :math:`(E - E_-)/(E - E_+)` decays like
:math:`\exp(-\gamma (E_+ - E_-) h / \varepsilon)` over a cell of length h (for :math:`p^2 < 4\gamma q`, E follows a
tangent); a blow-up within a cell stops the certification (bound = ∞). Away from the start E is quasi-static:
:math:`E \approx q/p \approx |r| / (|z| \operatorname{Re}(\tau a/z))`, within the factor
:math:`|a/z| / \operatorname{Re}(\tau a/z)` of the actual error :math:`\approx |r|/|a|`.

The one step not carried out in interval arithmetic is the inf/sup over a cell: cells are at most 1/100 of the
distance to the singular points :math:`\{0, \lambda_-, \lambda_+\}` of :math:`\tilde m` (seen from above, m0 and
m1 continue analytically across the cut onto a second sheet with the same singular points), where these algebraic
functions are close to quadratic: p and q are sampled at the cell ends and midpoint, the linear part is extremal at
an end and the quadratic part is at most :math:`|f''| h^2/8`, half the second difference; the inf of p is taken as
the smaller end value minus the full second difference, the sup of q likewise. A rounding allowance of
:data:`ROUNDING` × :math:`|\tilde m| (1 + 1/d)` is added, d the distance to λ± (the square roots in
:math:`a_0` lose relative accuracy 1e-16/d there: λ± themselves carry an absolute rounding error).

Paths may end on the real axis: the bound then covers the boundary value :math:`m(x + i0)`, hence the density
:math:`\rho = \operatorname{Im} m(x + i0)/\pi` to within bound/π. It is certified on the whole axis except in
boundary layers of width :math:`\sim\varepsilon^{2/3}` at λ± (where the bound grows without limit) and at 0.
Where the bound is not certified no value is served: the caller flags or raises.

References: C. M. Bender, S. A. Orszag, *Advanced Mathematical Methods for Scientists and Engineers*, ch. 9
(singular perturbation of first-order equations); W. Walter, *Differential and Integral Inequalities* (1970),
§9 (comparison theorem); Hodgkinson, Wang, Mahoney, arXiv:2506.03470 (HTMP).
"""
from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

__all__ = ["mp_limit_parts", "mp_limit_stieltjes", "mp_limit_cdf", "mp_limit_cdf_correction",
           "marchenko_pastur_cdf", "ROUNDING"]

#: Relative rounding allowance added to the bound (the closed forms above lose a few ulp, none by cancellation; near
#: the edges it is scaled by 1 + 1/distance).
ROUNDING = 1e-14
#: Start of every certification path: Re z0 = −START_DISTANCE·max(1, |Re z|).
START_DISTANCE = 1000.0
#: Cell length as a fraction of the distance to the singular set (see the module docstring).
CELL_FRACTION = 0.01
#: Heights of the horizontal leg tried besides Im z itself (the smallest resulting bound is kept).
DETOUR_HEIGHTS = (0.5, 2.0)


def mp_limit_parts(gamma: float, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The Marchenko–Pastur pieces :math:`a_0, m_0, m_1, m_1'` of the large-κ expansion at z (Im z ≥ 0).

    Parameters
    ----------
    gamma : float
        Ratio in (0, 1).
    z : ndarray of complex
        Points off :math:`\{0\} \cup [\lambda_-, \lambda_+]`.

    Returns
    -------
    a0, m0, m1, m1p : ndarray of complex
        See the module docstring (m0 is the Marchenko–Pastur Stieltjes transform with ratio γ and mean 1).
    """
    z = np.asarray(z, dtype=complex)
    lm, lp = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    a0 = np.sqrt(z - lm) * np.sqrt(z - lp)
    w = z - 1 - gamma
    m0 = -2.0 / (z - 1 + gamma + a0)
    m1 = -2.0 / (a0 ** 2 * (a0 + w))
    m1p = 2.0 * (a0 + 2 * w) / (a0 ** 4 * (a0 + w))
    return a0, m0, m1, m1p


@njit(cache=True)
def _p_q(gamma: float, eps: float, z: np.ndarray, tau: complex) -> tuple[np.ndarray, np.ndarray]:
    """p = Re(τ a/z) and q = |r|/|z| along the path (the formulas of :func:`mp_limit_parts`, compiled)."""
    sg = math.sqrt(gamma)
    lm, lp = (1.0 - sg) ** 2, (1.0 + sg) ** 2
    p = np.empty(z.size)
    q = np.empty(z.size)
    for i in range(z.size):
        zi = z[i]
        a0 = cmath.sqrt(zi - lm) * cmath.sqrt(zi - lp)
        w = zi - 1.0 - gamma
        m1 = -2.0 / (a0 * a0 * (a0 + w))
        m1p = 2.0 * (a0 + 2.0 * w) / (a0 ** 4 * (a0 + w))
        a = a0 + 2.0 * gamma * zi * eps * m1 + eps
        r = eps * eps * (m1 + zi * m1p + gamma * zi * m1 * m1)
        p[i] = (tau * a / zi).real
        q[i] = abs(r) / abs(zi)
    return p, q


@njit(cache=True)
def _segment_cells(za: complex, zb: complex, lm: float, lp: float) -> np.ndarray:
    """Cell edges (arc length from za) on the segment za → zb, each ≤ CELL_FRACTION × distance to {0, λ−, λ+}.

    Seen from above, m0 and m1 continue analytically across the cut (λ−, λ+) (onto the second sheet, where their
    only singularities are again 0 and λ±), so the cut itself does not limit the cells and a path may end on it.
    Returns edges short of the segment's length when it runs into (within 1e-14 of) a singular point.
    """
    L = abs(zb - za)
    tau = (zb - za) / L
    edges = [0.0]
    t = 0.0
    while t < L:
        zc = za + tau * t
        d = min(abs(zc), abs(zc - lm), abs(zc - lp))
        if d <= 1e-14 * (1.0 + abs(zc)) or len(edges) > 100_000:
            break
        t = min(t + CELL_FRACTION * d, L)
        edges.append(t)
    return np.asarray(edges)


@njit(cache=True)
def _cell_step(E: float, p: float, q: float, gamma: float, t: float) -> float:
    """E after a time t (= cell length/ε) of dE/dt = γE² − pE + q (constant p, q), exactly; inf on blow-up."""
    disc = p * p - 4.0 * gamma * q
    if disc > 0:
        sq = math.sqrt(disc)
        e_lo = 2.0 * q / (p + sq) if p > 0 else (p - sq) / (2.0 * gamma)
        e_hi = (p + sq) / (2.0 * gamma)
        if E == e_hi:
            return E
        R0 = (E - e_lo) / (E - e_hi)
        R = R0 * math.exp(-gamma * (e_hi - e_lo) * t)
        if R0 > 1.0 and R <= 1.0:  # E passes through infinity within the cell
            return math.inf
        return (e_lo - R * e_hi) / (1.0 - R)
    # (E − p/2γ)' = γ[(E − p/2γ)² + k²]: a tangent, which blows up when its argument reaches π/2
    k = max(math.sqrt(-disc), 1e-300) / (2.0 * gamma)
    arg = math.atan((E - p / (2.0 * gamma)) / k) + gamma * k * t
    return p / (2.0 * gamma) + k * math.tan(arg) if arg < 0.5 * math.pi else math.inf


@njit(cache=True)
def _propagate(E: float, p_cell: np.ndarray, q_cell: np.ndarray, gamma: float, h: np.ndarray,
               eps: float) -> tuple[float, float]:
    """Chain :func:`_cell_step` over the cells of a segment; also ∫E ds (E is monotone within a cell, so the cell
    contributes at most h·max(E at its ends)). Returns (inf, inf) once a cell blows up."""
    total = 0.0
    for j in range(h.size):
        E1 = _cell_step(E, p_cell[j], q_cell[j], gamma, h[j] / eps)
        if not math.isfinite(E1):
            return math.inf, math.inf
        total += h[j] * max(E, E1)
        E = E1
    return E, total


def _march(gamma: float, eps: float, vertices: list[complex], E: float) -> tuple[float, float]:
    """Propagate the comparison bound E along the polyline through ``vertices``: (E at the end, ∫E ds), inf if not
    certified."""
    lm, lp = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    total = 0.0
    for za, zb in zip(vertices[:-1], vertices[1:]):
        if zb == za:
            continue
        tau = (zb - za) / abs(zb - za)
        edges = _segment_cells(za, zb, lm, lp)
        if edges[-1] < abs(zb - za):
            return math.inf, math.inf
        mids = 0.5 * (edges[:-1] + edges[1:])
        pts = za + tau * np.concatenate((edges, mids))
        p, q = _p_q(gamma, eps, pts, tau)
        n = edges.size
        pe, pm, qe, qm = p[:n], p[n:], q[:n], q[n:]
        # the linear part of p and q over a cell is extremal at its ends; the quadratic part is bounded by
        # |f''| h²/8 = |second difference|/2, taken twice
        p_cell = np.minimum(pe[:-1], pe[1:]) - np.abs(pe[:-1] - 2 * pm + pe[1:])
        q_cell = np.maximum(qe[:-1], qe[1:]) + np.abs(qe[:-1] - 2 * qm + qe[1:])
        E, part = _propagate(E, p_cell, q_cell, gamma, np.diff(edges), eps)
        if not math.isfinite(E):
            return math.inf, math.inf
        total += part
    return E, total


def _paths(z: complex, start: float) -> list[list[complex]]:
    """Certification paths to z: horizontal from Re = −start at height Im z, and detours at the heights
    :data:`DETOUR_HEIGHTS` followed by a vertical or a 45° descent."""
    x, y = z.real, z.imag
    paths = [] if (y == 0 and x >= 0) else [[complex(-start, y), z]]  # along the axis it would run into 0
    for Y in (h for h in DETOUR_HEIGHTS if h > y):
        z0 = complex(-start, Y)
        paths.append([z0, complex(x, Y), z])  # vertical descent (steepest over the bulk, where a/z ≈ i|a/z|)
        paths.append([z0, complex(x - (Y - y), Y), z])  # 45° descent (right of the bulk, where a/z > 0)
    return paths


def _start(gamma: float, eps: float, x: float) -> tuple[float, float, float]:
    """Start distance S, the bound E0 = C/S³ there and ∫_S^∞ C/s³ ds = C/(2S²), with the far-field constant
    C = E_HTMP[X²] + E_MP[X²] + 1.02ε (|m − m̃| ≤ C/|z|³ for Re z ≤ −1000, see :func:`mp_limit_cdf`)."""
    S = max(START_DISTANCE * max(1.0, abs(x)), 10.0 / eps)
    C = (1.0 + gamma + eps) + (1.0 + gamma) + 1.02 * eps
    return S, C / S ** 3, C / (2.0 * S * S)


def _stieltjes_bound(gamma: float, eps: float, z: complex) -> float:
    S, E0, _ = _start(gamma, eps, z.real)
    return min(_march(gamma, eps, path, E0)[0] for path in _paths(z, S))


def _cdf_bound(gamma: float, eps: float, x: float) -> float:
    S, E0, tail = _start(gamma, eps, x)
    best = math.inf
    for path in _paths(complex(x, 0.0), S):
        best = min(best, _march(gamma, eps, path, E0)[1])
    return (best + tail) / math.pi


def _check_z(z: np.ndarray, what: str) -> np.ndarray:
    flat = np.asarray(z, dtype=complex).ravel()
    bad = (flat.imag < 0) | ~np.isfinite(flat)
    if np.any(bad):
        raise ValueError(f"{what}: z must be finite with Im z >= 0, got z = {flat[bad][0]!r}")
    return flat.real + 1j * flat.imag  # Im z = +0.0: the boundary value from above on the cut


def mp_limit_stieltjes(gamma: float, kappa: float, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Stieltjes transform of HTMP(γ, κ) by :math:`m_0 + \varepsilon m_1` (ε = 2γ/κ) with a certified bound.

    Parameters
    ----------
    gamma : float
        Ratio in (0, 1).
    kappa : float
        κ > 0 (the bound is useful when ε = 2γ/κ is small: it is :math:`O(\varepsilon^2)` off the support).
    z : array_like of complex
        Points with Im z ≥ 0; on the real axis the boundary value m(x + i0).

    Returns
    -------
    m : ndarray of complex
        :math:`m_0(z) + \varepsilon m_1(z)` (at real z the boundary value from above; NaN at 0, λ±).
    bound : ndarray of float
        Proven bound on :math:`|m_{\mathrm{HTMP}}(z) - m(z)|` (module docstring); ``inf`` where not certified.

    Raises
    ------
    ValueError
        A point with Im z < 0 or not finite.
    """
    za = np.asarray(z, dtype=complex)
    flat = _check_z(za, "mp_limit_stieltjes")
    eps = 2.0 * gamma / kappa
    lm, lp = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    singular = (flat == 0) | (flat == lm) | (flat == lp)
    with np.errstate(divide="ignore", invalid="ignore"):  # at 0, λ± (NaN, no bound)
        _, m0, m1, _ = mp_limit_parts(gamma, flat)
        m = np.where(singular, np.nan, m0 + eps * m1)
    near = 1.0 + 1.0 / np.maximum(np.minimum(np.abs(flat - lm), np.abs(flat - lp)), 1e-300)
    bound = np.array([math.inf if sing else _stieltjes_bound(gamma, eps, complex(zi)) + ROUNDING * abs(mi) * ni
                      for zi, mi, sing, ni in zip(flat, m, singular, near)])
    return m.reshape(za.shape), bound.reshape(za.shape)


def mp_limit_cdf_correction(gamma: float, x: np.ndarray) -> np.ndarray:
    r"""First-order cdf correction :math:`F_1(x) = \operatorname{Im} M_1(x + i0)/\pi` (HTMP cdf ≈ MP cdf + ε F1).

    :math:`M_1(z) = -\log(1 - 4\gamma/(a_0 + w)^2)/(2\gamma)` is the antiderivative of :math:`m_1` vanishing at
    −∞ (substitute :math:`w = 2\sqrt\gamma\cosh\theta`: :math:`m_1\,dz = -d\theta/(\gamma(e^{2\theta} - 1))`);
    it is real on (−∞, 0] and singular only at λ±.

    Parameters
    ----------
    gamma : float
        Ratio in (0, 1).
    x : ndarray of float
        Real points (the boundary value from above is taken).

    Returns
    -------
    ndarray of float
        F1(x). It jumps by +1/(4γ) at λ− and at λ+, so εF1 moves 1/(2κ) of mass across each edge: HTMP's
        edge layers, where the expansion (and its bound) fail.
    """
    z = np.asarray(x, dtype=float) + 0j
    lm, lp = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        a0 = np.sqrt(z - lm) * np.sqrt(z - lp)
        M1 = -np.log(1.0 - 4.0 * gamma / (a0 + z - 1 - gamma) ** 2) / (2.0 * gamma)
    return M1.imag / math.pi


def marchenko_pastur_cdf(gamma: float, x: np.ndarray) -> np.ndarray:
    r"""cdf of Marchenko–Pastur with ratio γ in (0, 1) and mean 1, in closed form.

    With :math:`x = 1 + \gamma - 2\sqrt\gamma\cos\varphi` the density is
    :math:`\rho\,dx = \frac{2}{\pi}\frac{\sin^2\varphi}{1 + \gamma - 2\sqrt\gamma\cos\varphi}d\varphi`, whence

    .. math:: F = \frac{2}{\pi}\left[\frac{\sin\varphi}{2\sqrt\gamma} + \frac{(1+\gamma)\varphi}{4\gamma}
              - \frac{1-\gamma}{2\gamma}\arctan\left(\frac{1+\sqrt\gamma}{1-\sqrt\gamma}
              \tan\frac{\varphi}{2}\right)\right].

    Parameters
    ----------
    gamma : float
    x : ndarray of float

    Returns
    -------
    ndarray of float
        Absolute rounding error ≲ 1e-16/γ (the bracket's terms are O(1/γ)).
    """
    x = np.asarray(x, dtype=float)
    sg = math.sqrt(gamma)
    c = np.clip((1 + gamma - x) / (2 * sg), -1.0, 1.0)
    phi = np.arccos(c)
    with np.errstate(over="ignore"):
        at = np.arctan((1 + sg) / (1 - sg) * np.tan(0.5 * phi))
    F = (2 / math.pi) * (np.sin(phi) / (2 * sg) + (1 + gamma) * phi / (4 * gamma) - (1 - gamma) / (2 * gamma) * at)
    return np.clip(np.where(x >= (1 + sg) ** 2, 1.0, np.where(x <= (1 - sg) ** 2, 0.0, F)), 0.0, 1.0)


def mp_limit_cdf(gamma: float, kappa: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""HTMP(γ, κ) cdf by :math:`F_{MP} + \varepsilon F_1` with a certified bound.

    :math:`F(x) = \frac1\pi \operatorname{Im}\int_\Gamma m\,dz` along any path Γ from :math:`-\infty + iH` to
    x + i0 in the upper half plane (the contribution of a vertical segment at Re z → −∞ vanishes), and the same
    integral of :math:`\tilde m` is :math:`F_{MP}(x) + \varepsilon F_1(x)`. So
    :math:`|F - \tilde F| \le \frac1\pi \int_\Gamma E\,|dz|`, with E the comparison bound of the module
    docstring accumulated along the certification path, plus the far field: for Re z ≤ −S,
    :math:`|m + 1/z + 1/z^2| \le E[X^2]/|z|^3` (as :math:`m + 1/z + 1/z^2 = \int \rho(t) t^2 / (z^2 (t - z))\,dt`)
    and likewise for :math:`m_0`, while :math:`|m_1| \le 1.02/|z|^3` there, so
    :math:`|m - \tilde m| \le C/|z|^3` with :math:`C = E[X^2] + (1 + \gamma) + 1.02\varepsilon` (the far field
    beyond the start S ≥ 10/ε contributes :math:`C/(2S^2) = O(\varepsilon^2)`).

    Inside the edge layers, where no path is certified, monotonicity brackets the cdf: with certified points
    :math:`x_1 < x < x_2` (:math:`x \pm 2^j \varepsilon^{2/3}`, the first j for which both are certified),
    :math:`\tilde F(x_1) - b_1 \le F(x) \le \tilde F(x_2) + b_2`, and the midpoint is returned with half the
    width as its bound (O(ε): the layers hold O(ε) of mass).

    Parameters
    ----------
    gamma, kappa : float
    x : ndarray of float

    Returns
    -------
    F, bound : ndarray of float
        Approximation and proven bound on :math:`|F_{\mathrm{HTMP}}(x) - F(x)|` (bracketed in the edge layers);
        F = 0, bound = 0 for x ≤ 0.
    """
    xa = np.asarray(x, dtype=float)
    flat = xa.ravel()
    eps = 2.0 * gamma / kappa
    F, bound = _cdf_direct(gamma, eps, flat)
    for i in np.where(~np.isfinite(bound))[0]:
        for j in range(60):
            d = eps ** (2.0 / 3.0) * 2.0 ** j
            F12, b12 = _cdf_direct(gamma, eps, np.array([flat[i] - d, flat[i] + d]))
            if np.all(np.isfinite(b12)):
                lower, upper = max(F12[0] - b12[0], 0.0), min(F12[1] + b12[1], 1.0)
                F[i], bound[i] = 0.5 * (lower + upper), 0.5 * (upper - lower)
                break
    return F.reshape(xa.shape), bound.reshape(xa.shape)


def _cdf_direct(gamma: float, eps: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F_MP + εF1 and its path bound (inf in the edge layers); 0 and 0 at and below 0."""
    F = marchenko_pastur_cdf(gamma, x) + eps * mp_limit_cdf_correction(gamma, x)
    rounding = 1e-15 / gamma
    bound = np.array([0.0 if xi <= 0 else _cdf_bound(gamma, eps, float(xi)) + rounding for xi in x])
    return np.where(x <= 0, 0.0, F), bound
