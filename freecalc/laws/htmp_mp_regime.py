r"""HTMP's numeric face beyond the validated range of its exact routes: the Marchenko–Pastur limit with proven bounds.

For :math:`b = \kappa/(2\gamma)` beyond :data:`freecalc.laws.htmp.HTMP_LAW_MAX_B` the exact float routes lose
accuracy, and HTMP(γ, κ) is served through :mod:`freecalc.laws.htmp_mp_limit` (ε = 2γ/κ ≤ 1e-4 there):

* Stieltjes transform :math:`m_0 + \varepsilon m_1` off the axis, with a proven bound :math:`O(\varepsilon^2)`;
* density :math:`\operatorname{Im}(m_0 + \varepsilon m_1)(x + i0)/\pi` (the first-order corrected MP density) with the
  bound of the boundary value divided by π;
* cdf :math:`F_{MP} + \varepsilon F_1` with the bound :math:`\frac1\pi\int_\Gamma E\,|dz|`; sf = 1 − cdf;
* quantiles: the root x of :math:`F_{MP} + \varepsilon F_1 = q`, for which :math:`|F_{HTMP}(x) - q|` ≤ the cdf bound;
* moments and samples stay exact (moment recurrence, β-Laguerre model).

Every value comes with its bound. A bound above :data:`MP_LIMIT_TOL` (relative for m, absolute for the density
and the cdf) is flagged by a :class:`MPLimitWarning`. Inside the boundary layers of width ~ε^{2/3} at the edges
λ± = (1 ± √γ)² (and at 0) no path is certified: the cdf (hence sf and quantiles) is then bracketed by monotonicity
(an O(ε) bound, flagged), the density is NaN with the warning and the Stieltjes transform raises ValueError. The
log-density is served where the density bound is below half the density (then
:math:`|\Delta\log\rho| \le -\log(1 - \text{bound}/\rho)`), NaN with the warning elsewhere: the expansion does
not resolve HTMP's exponentially small tails beyond the edges.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from freecalc.laws.htmp_mp_limit import (marchenko_pastur_cdf, mp_limit_cdf, mp_limit_cdf_correction,
                                          mp_limit_stieltjes)

__all__ = ["MPLimitWarning", "MP_LIMIT_TOL", "regime_stieltjes", "regime_pdf", "regime_cdf", "regime_ppf"]

#: Accuracy served without a warning in the MP-limit regime: relative for the Stieltjes transform, absolute for
#: the density and the cdf.
MP_LIMIT_TOL = 1e-6


class MPLimitWarning(UserWarning):
    """A value of HTMP's large-κ regime whose proven bound exceeds :data:`MP_LIMIT_TOL`, or that has no bound."""


_LAYERS = "within the boundary layers of the Marchenko-Pastur limit, width ~ (2 gamma/kappa)^(2/3) at the edges"


def _flag(name: str, what: str, bound: np.ndarray, limit: np.ndarray, where: str = _LAYERS) -> None:
    uncertified = ~np.isfinite(bound)
    loose = np.isfinite(bound) & (bound > limit)
    if np.any(uncertified):
        warnings.warn(f"{name}: {what} has no certified error bound at {int(uncertified.sum())} point(s) ({where}); "
                      f"returned as NaN", MPLimitWarning, stacklevel=4)
    if np.any(loose):
        warnings.warn(f"{name}: {what} is certified only to {float(np.max(bound[loose])):.2g} at "
                      f"{int(loose.sum())} point(s) (> {MP_LIMIT_TOL:g}; large-kappa regime, error O((2 gamma/"
                      f"kappa)^2) away from the edges)", MPLimitWarning, stacklevel=4)


def regime_stieltjes(name: str, gamma: float, kappa: float, z: np.ndarray) -> np.ndarray:
    """m(z) (Im z ≥ 0) in the MP-limit regime; ValueError where no bound is certified.

    Parameters
    ----------
    name : str
        The law's repr, for messages.
    gamma, kappa : float
    z : ndarray of complex

    Returns
    -------
    ndarray of complex

    Raises
    ------
    ValueError
        A point without a certified bound (at or next to 0, λ±).
    """
    m, bound = mp_limit_stieltjes(gamma, kappa, z)
    bad = ~np.isfinite(bound)
    if np.any(bad):
        raise ValueError(f"{name}: no certified Stieltjes transform at z = {complex(np.ravel(z)[np.ravel(bad)][0])!r} "
                         f"(large-kappa regime: the Marchenko-Pastur expansion with its proven bound does not reach "
                         f"points this close to 0 or to the edges {(1 - math.sqrt(gamma)) ** 2:.6g}, "
                         f"{(1 + math.sqrt(gamma)) ** 2:.6g})")
    _flag(name, "the Stieltjes transform", bound, MP_LIMIT_TOL * np.abs(m))
    return m


def _density_and_bound(gamma: float, kappa: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rho = np.zeros(x.shape)
    bound = np.zeros(x.shape)
    pos = x > 0
    if np.any(pos):
        m, bd = mp_limit_stieltjes(gamma, kappa, x[pos] + 0j)
        rho[pos] = np.maximum(m.imag, 0.0) / math.pi  # ρ ≥ 0: clipping can only reduce the error
        bound[pos] = bd / math.pi
    return rho, bound


def regime_pdf(name: str, gamma: float, kappa: float, x: np.ndarray, log: bool = False) -> np.ndarray:
    """Density Im(m0 + εm1)(x + i0)/π (or its log) in the MP-limit regime, NaN + warning where not certified.

    Parameters
    ----------
    name : str
        The law's repr, for the warnings.
    gamma, kappa : float
        HTMP parameters.
    x : ndarray of float
        Points; the density is 0 (log: −inf) at and below 0.
    log : bool
        Return log ρ, served where the density bound is below half the density (then within
        −log(1 − bound/ρ)); NaN with a warning elsewhere (the exponentially small tails beyond the edges).

    Returns
    -------
    ndarray of float
        Within bound/π of HTMP's density (:func:`freecalc.laws.htmp_mp_limit.mp_limit_stieltjes`).
    """
    rho, bound = _density_and_bound(gamma, kappa, x)
    if not log:
        _flag(name, "the density", bound, MP_LIMIT_TOL)
        return np.where(np.isfinite(bound), rho, np.nan)
    ok = bound < 0.5 * rho
    with np.errstate(divide="ignore"):
        out = np.where(ok, np.log(np.where(ok, rho, 1.0)), np.nan)
    rel = np.where(ok, -np.log1p(-np.where(ok, bound / np.where(ok, rho, 1.0), 0.0)), np.inf)
    out[x <= 0] = -np.inf
    rel[x <= 0] = 0.0
    _flag(name, "the log-density", rel, MP_LIMIT_TOL,
          "density bound above half the density: the exponentially small tails beyond the edges, or the edge layers")
    return out


def regime_cdf(name: str, gamma: float, kappa: float, x: np.ndarray) -> np.ndarray:
    """cdf F_MP + εF1 in the MP-limit regime (bracketed by monotonicity in the edge layers, flagged).

    Parameters
    ----------
    name : str
        The law's repr (messages).
    gamma, kappa : float
    x : ndarray of float

    Returns
    -------
    ndarray of float
        Within the bound of :func:`freecalc.laws.htmp_mp_limit.mp_limit_cdf` of HTMP's cdf.
    """
    F, bound = mp_limit_cdf(gamma, kappa, x)
    _flag(name, "the cdf", bound, MP_LIMIT_TOL)
    return np.where(np.isfinite(bound), F, np.nan)


def regime_ppf(name: str, gamma: float, kappa: float, q: np.ndarray) -> np.ndarray:
    r"""Quantiles in the MP-limit regime: x with :math:`F_{MP}(x) + \varepsilon F_1(x) = q` by bisection.

    :math:`|F_{HTMP}(x) - q|` is at most :math:`|F(x) - q|` + the cdf bound at x, with F the served cdf (O(ε) for
    quantiles inside the edge layers, where F̃ jumps by 1/(2κ); flagged).
    q = 0 gives 0 and q = 1 gives ∞ (support (0, ∞)).

    Parameters
    ----------
    name : str
    gamma, kappa : float
    q : ndarray of float in [0, 1]

    Returns
    -------
    ndarray of float
    """
    eps = 2.0 * gamma / kappa
    lo = np.zeros(q.shape)
    hi = np.full(q.shape, (1 + math.sqrt(gamma)) ** 2 + 1.0)
    inner = (q > 0) & (q < 1)
    for _ in range(60):  # bracket width (λ+ + 1)·2^-60: below double resolution
        mid = 0.5 * (lo + hi)
        F = marchenko_pastur_cdf(gamma, mid) + eps * mp_limit_cdf_correction(gamma, mid)
        below = F < q
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    x = 0.5 * (lo + hi)
    out = np.where(q <= 0, 0.0, np.where(q >= 1, math.inf, x))
    if np.any(inner):
        F, bound = mp_limit_cdf(gamma, kappa, x[inner])
        full = np.zeros(q.shape)
        full[inner] = np.abs(F - q[inner]) + bound  # F ≠ q where F̃ jumps (edges) or is bracketed
        _flag(name, "the quantile (as |F(ppf(q)) - q|)", full, MP_LIMIT_TOL)
        out = np.where(np.isfinite(full), out, np.nan)
    return out

