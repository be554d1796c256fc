r"""Parametric free decompression: fit the (shifted) free Meixner family to eigenvalues, decompress it exactly.

Why a parametric route. Every quadratic law :math:`Q m^2 - P m + 1 = 0` with linear P and quadratic Q is an affine
image of a free Meixner law (its Jacobi parameters are constant after the first step), and free decompression maps
the family into itself in closed form (:mod:`freecalc.operations.decompression`). So when the eigenvalues of an
:math:`n_s\times n_s` submatrix come from such a law, four numbers carry all the information, and a fit of those
four numbers (by free cumulants, see below; maximum likelihood is available but worse on eigenvalue data) is more
stable under the large amplification of decompression (factor 32) than the non-parametric Joukowski/Padé
continuation of the numeric route. The KS goodness of fit decides whether the data are in the family
(``Route.AUTO`` in :func:`freecalc.operations.decompression.decompress`).

The family
----------
:class:`ShiftedFreeMeixner` ``(loc, a, b, c)`` is the law of :math:`\ell + X`, :math:`X \sim` ``FreeMeixner(a, b, c)``
(mean :math:`\ell`, variance bc, support :math:`\ell + a \pm 2\sqrt b`, Jacobi parameters
:math:`(\ell, bc; \ell + a, b, \ell + a, b, \dots)`). The five quadratic laws map in as follows (check:
``tests/operations/test_parametric_decompression.py`` compares the densities):

========================  ================================================================================
Semicircle(r, centre m)   loc = m, a = 0, b = r²/4, c = 1
MarchenkoPastur(λ, σ²)    loc = σ², a = λσ², b = λσ⁴, c = 1 (free Poisson: c = 1)
KestenMcKay(d)            loc = 0, a = 0, b = d − 1, c = d/(d − 1)
Wachter(α, β)             c = 1 − q₂ = 1 + 1/(α+β−1) (:math:`q_2` of its quadratic), loc = mean, bc = variance
FreeMeixner(a, b, c)      loc = 0
========================  ================================================================================

Decompression by f keeps loc (the R-transform shifts by a constant) and applies the free Meixner rule
:math:`(a, b, c) \mapsto (fa,\ fb(c + f(1-c)),\ c/(c + f(1-c)))`, valid iff :math:`c + f(1-c) > 0`, i.e. up to the
factor :math:`c/(c-1)` when c > 1.

The fit
-------
Two estimators (:class:`FitMethod`):

* ``MOMENTS`` (default): match the first four free cumulants of the eigenvalues. With
  :math:`R(w) = \ell + bc\,w + abc\,w^2 + bc(a^2 + b(1-c))\,w^3 + \dots`,

  .. math:: \ell = \kappa_1,\quad a = \kappa_3/\kappa_2,\quad b = \kappa_2 + \kappa_4/\kappa_2 - a^2,\quad
            c = \kappa_2 / b

  (no law of the family when b ≤ 0). Why moments and not the likelihood: eigenvalues of one matrix are rigid,
  smooth linear statistics :math:`\frac1n\sum f(\lambda_i)` fluctuate by O(1/n), whereas the i.i.d. likelihood
  is dominated by the :math:`\tfrac12\log` (distance to the edge) terms of the extreme eigenvalues, which sit
  :math:`O(n^{-2/3})` from the edges with Tracy–Widom fluctuations. Measured on ``law.matrix(1000)`` spectra
  decompressed by 32 (seeds 1–3): TV 0.005–0.15 (moments, without the submodel below) vs 0.08–0.36
  (likelihood) for semicircle, MP(1/50), KM(80) and Wachter(40, 60). A minimum-distance (Cramér–von Mises)
  fit of the CDF gave the same spread of ĉ as the moments (sd 0.0018–0.0028 vs 0.0021–0.0024 over 8 seeds), so
  the simpler closed form is kept.
  *Submodel.* When :math:`n|\hat c - 1| \le` :data:`SNAP` the c = 1 submodel (semicircle / free Poisson,
  :math:`b = \kappa_2`) is used: it is closed under decompression, whereas an unresolved c − 1 of a few /n is
  multiplied by the factor; within it, the Marchenko–Pastur submodel when :math:`\kappa_1\kappa_3 = \kappa_2^2`
  holds to the noise (:data:`MP_SNAP`).
* ``LIKELIHOOD``: maximum likelihood of the density

  .. math:: \rho(x) = \frac{c\sqrt{4b - (y-a)^2}}{2\pi\left((1-c)y^2 + acy + bc^2\right)},\qquad y = x - \ell,

  in the parametrisation (log distance of the lower edge below min x, log distance of the upper edge above max x,
  loc, log c), so that every trial law's support contains the data and b > 0, c > 0 hold by construction
  (Nelder–Mead with one restart). Right for i.i.d. samples of a law, not for eigenvalues.

*Atoms.* The family's atoms (:math:`c > 2` or :math:`c < 1` regimes, see :mod:`freecalc.laws.free_meixner`) move
with the parameters; for data without repeated values they only remove mass from the continuous part, which the
likelihood of the (then sub-probability) density already penalises and which the KS distance sees. Data *with*
repeated values (an exact atom, e.g. the zero eigenvalues of a rank-deficient Wishart matrix) are not fitted: an
atom's location would have to equal the repeated value exactly. Such spectra go to the numeric route (reason
recorded).

Goodness of fit
---------------
The Kolmogorov–Smirnov distance :math:`D = \sup|F_n - F_{\hat\theta}|` to the fitted law. Eigenvalues of one
random matrix are far more regular than an i.i.d. sample (rigidity: :math:`D = O(\log n / n)` rather than
:math:`O(n^{-1/2})`), so the classical Kolmogorov p-value is no calibration for them. It is still reported
(``pvalue_iid``: the asymptotic Kolmogorov p-value of :math:`\sqrt n D`, what an i.i.d. sample would give; it is
≈ 1 for every in-family spectrum and also for mildly off-family ones, since :math:`nD = 10` is only
:math:`\sqrt n D = 0.3` at n = 1000), but the **decision** compares :math:`nD` with a threshold calibrated by
simulation, :data:`KS_ACCEPT` (see its docstring for the calibration). A parametric bootstrap p-value
(``bootstrap=R``: R spectra of the fitted law's matrix model ``law.matrix(n)``, each refitted, p = (1 + #{nD* ≥
nD})/(R + 1)) is available but needs R diagonalisations of n×n matrices, too slow for a default.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

from freecalc.laws.base import Law
from freecalc.laws.empirical import Empirical
from freecalc.laws.shifted_free_meixner import ShiftedFreeMeixner
from freecalc.operations.decompression_core import register_exact_rule

__all__ = ["FreeMeixnerFit", "FitMethod", "fit_free_meixner", "KS_ACCEPT", "SNAP",
           "MP_SNAP", "C_SD", "decompression_spread", "decompress_shifted_free_meixner"]

KS_ACCEPT = 5.0
r"""Acceptance threshold for :math:`n D` (n eigenvalues, D the KS distance to the fitted law).

Calibration (moment fits, n = 1000, seeds 0–5 each, eigenvalues of ``law.matrix(1000)``, run on 2026-11-24): in
the family, Semicircle(2), MarchenkoPastur(1/50), MarchenkoPastur(0.3), KestenMcKay(80), KestenMcKay(5),
Wachter(40, 60), Wachter(3, 5) and FreeMeixner(1, 1, 1/2) gave :math:`nD \in [0.59, 3.79]`; off the family, equal
mixtures of MP(0.1) and 3·MP(0.1) gave 60–65, of MP(0.1) and 1.5·MP(0.1) 10.4–11.8, a Gaussian kernel matrix
(1000 points in R^10, bandwidth 20) ≈ 910, and 1000 i.i.d. semicircle samples (not eigenvalues) 11.7–18.3. The
threshold 5 sits between, with room for the in-family maximum to grow like log n at larger n.
Known blind spot: the free convolution SC(1) ⊞ MP(1/2) (cubic, not in the family) gave 3.4–4.4 and is accepted at
n = 1000: its first four free cumulants are matched exactly, so only κ5 onwards are wrong. Decompressed from
one 1000-eigenvalue spectrum (rng 0), the parametric route then gives TV 0.028 / 0.065 / 0.21 at factors 4 / 8 /
32 against the exact algebraic target, the numeric route 0.048 / 0.104 / 0.30: accepting it costs nothing there.
FreeMeixner(−1/2, 1, 3/2) (at the threshold a = (c − 2)√b where an atom is born at the edge) gave 13.6–27 through
its MANOVA matrix model's edge and is rejected (numeric route).
"""

SNAP = 5.0
r"""Moment fits use the c = 1 submodel (semicircle / free Poisson, closed under decompression) when
:math:`n|\hat c - 1| \le` SNAP: the fourth free cumulant of n eigenvalues fluctuates by O(1/n) (sd of ĉ ≈ 2.2/n to
2.6/n for the Gaussian, Wishart and MANOVA models at n = 1000), and decompression by f multiplies the normalised
fourth-cumulant error by f, so an unresolved c − 1 of a few /n costs TV of several % at f = 32 while the submodel is
exact. The threshold trades semicircle / MP spectra left unsnapped against laws with a small true c − 1 snapped
by mistake. 30 spectra each (``law.matrix(1000)``, seeds 100–129), share with TV ≤ 1 % at n = 4000 / 8000 / 32000:

=============  ====================  ====================  ====================
SNAP           Semicircle(2)         KestenMcKay(80)       Wachter(40, 60)
=============  ====================  ====================  ====================
4              1.00 / 0.87 / 0.83    0.97 / 0.73 / 0.03    0.97 / 0.77 / 0.00
5 (default)    1.00 / 0.97 / 0.93    0.97 / 0.73 / 0.03    0.90 / 0.77 / 0.00
7              1.00 / 1.00 / 0.97    0.93 / 0.73 / 0.03    0.67 / 0.67 / 0.00
=============  ====================  ====================  ====================

(mean TV at 32000 with SNAP = 5: semicircle 0.50 %, KM 7.2 %, Wachter 6.7 %)."""

MP_SNAP = 30.0
r"""With c snapped to 1, the Marchenko–Pastur submodel (loc = b/a, i.e. :math:`\kappa_1\kappa_3 = \kappa_2^2`) is used
when :math:`n|\kappa_1\kappa_3/\kappa_2^2 - 1| \le` MP_SNAP (only when c was snapped, so never with snap = 0). Measured n·(κ1κ3/κ2² − 1) on
``law.matrix(1000)`` spectra, seeds 0–5: MP(1/50) −16…8, MP(0.3) −7…8; Wachter(40, 60) ≈ −650…−690, KM(80) and
every centred law −1000. It makes MP's λ = κ2/κ1² depend on κ1, κ2 only instead of on the noisier κ3."""

CALIBRATION = {"in_family_max_nD": 3.79, "off_family_min_nD": 10.4, "n": 1000}
"""Extremes of the calibration run described under :data:`KS_ACCEPT` (i.i.d. samples and the SC ⊞ MP blind spot
excluded from ``off_family_min_nD``: the i.i.d. ones are above it, the blind spot below the threshold)."""


# --------------------------------------------------------------------------------------------------------------
# the family
# --------------------------------------------------------------------------------------------------------------
@register_exact_rule(ShiftedFreeMeixner)
def decompress_shifted_free_meixner(law: ShiftedFreeMeixner, f: Any) -> Law:
    r"""Exact decompression of a shifted free Meixner law by the factor f (its registered exact rule).

    :math:`R(w) = \mathrm{loc} + R_{FM}(w)`, and :math:`R(w) \to R(fw)` keeps loc and maps (a, b, c) to
    (fa, fbg, c/g) with :math:`g = c + f(1 - c)`; valid iff g > 0 (the caller checks validity first).

    Parameters
    ----------
    law : ShiftedFreeMeixner
    f : float or sympy expression
        The factor.

    Returns
    -------
    ShiftedFreeMeixner
    """
    g = law.c + f * (1 - law.c)
    return law.replace(a=law.a * f, b=law.b * f * g, c=law.c / g)


# --------------------------------------------------------------------------------------------------------------
# maximum likelihood
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FreeMeixnerFit:
    """Result of :func:`fit_free_meixner`.

    Attributes
    ----------
    law : ShiftedFreeMeixner
        The fitted law (``size`` = the data's size).
    loglik : float
        Maximised log-likelihood.
    ks : float
        Kolmogorov–Smirnov distance D between the data and the fitted law.
    n_ks : float
        n·D, the statistic compared with ``threshold``.
    pvalue_iid : float
        Asymptotic Kolmogorov p-value of √n·D as if the data were an i.i.d. sample (reference only: eigenvalues
        are more regular than i.i.d. samples; see the module docstring).
    threshold : float
        Acceptance threshold for n·D (:data:`KS_ACCEPT` unless overridden).
    accepted : bool
        Whether the fit passes the goodness-of-fit rule (n·D ≤ threshold).
    reason : str
        Human-readable account of the decision.
    pvalue : float or None
        Parametric-bootstrap p-value of n·D (``bootstrap=R`` replicates), None without bootstrap.
    submodel : str or None
        The submodel the moment fit snapped to (c = 1, or Marchenko–Pastur), None for the full family.
    """

    law: ShiftedFreeMeixner | None
    loglik: float
    ks: float
    n_ks: float
    pvalue_iid: float
    threshold: float
    accepted: bool
    reason: str
    pvalue: float | None = None
    submodel: str | None = None


def _negloglik(theta: np.ndarray, x: np.ndarray, lo0: float, hi0: float, span: float) -> float:
    u_lo, u_hi, ell, logc = theta
    if not (abs(u_lo) < 50 and abs(u_hi) < 50 and abs(logc) < 30):
        return math.inf
    lo = lo0 - span * math.exp(u_lo)
    hi = hi0 + span * math.exp(u_hi)
    ctr = 0.5 * (lo + hi)
    b = (0.25 * (hi - lo)) ** 2
    c = math.exp(logc)
    a = ctr - ell
    y = x - ell
    q = (1 - c) * y * y + a * c * y + b * c * c
    w = (x - lo) * (hi - x)  # = 4b − (y − a)²
    if np.any(q <= 0) or np.any(w <= 0):
        return math.inf
    return -float(np.sum(0.5 * np.log(w) - np.log(q))) - x.size * math.log(c / (2 * math.pi))


def _params(theta: np.ndarray, lo0: float, hi0: float, span: float) -> tuple[float, float, float, float]:
    u_lo, u_hi, ell, logc = theta
    lo = lo0 - span * math.exp(u_lo)
    hi = hi0 + span * math.exp(u_hi)
    return float(ell), float(0.5 * (lo + hi) - ell), float((0.25 * (hi - lo)) ** 2), float(math.exp(logc))


def _has_ties(x: np.ndarray) -> bool:
    span = x[-1] - x[0]
    return bool(np.any(np.diff(x) <= 1e-12 * max(span, abs(x[-1]), abs(x[0]))))


class FitMethod(enum.Enum):
    """How :func:`fit_free_meixner` estimates the four parameters."""

    MOMENTS = "moments"
    """Match the first four free cumulants (default; see the module docstring for why it beats the likelihood)."""
    LIKELIHOOD = "likelihood"
    """Maximum likelihood of the density, treating the eigenvalues as an i.i.d. sample."""


def _from_cumulants(k1: float, k2: float, k3: float, k4: float, snap: float, n: int
                    ) -> tuple[tuple[float, float, float, float], str | None] | None:
    # R(w) = k1 + bc w + abc w² + bc(a² + b(1 − c)) w³ + …: κ2 = bc, κ3 = a κ2, κ4 = κ2 (a² + b − κ2)
    a = k3 / k2
    b = k2 + k4 / k2 - a * a
    if not b > 0:
        return None
    c = k2 / b
    sub = None
    if n * abs(c - 1.0) <= snap:  # the free Poisson / semicircle submodel (c = 1) is within the noise
        c, b, sub = 1.0, k2, "c = 1 (semicircle / free Poisson)"
        # Marchenko–Pastur (a free Poisson law with no extra shift: κ1 κ3 = κ2²) when within the noise: then
        # λ = κ2/κ1², σ² = κ1 come from the two best-determined cumulants
        if k1 != 0 and n * abs(k1 * k3 / (k2 * k2) - 1.0) <= MP_SNAP:
            a, b, sub = k2 / k1, k2, "Marchenko–Pastur (c = 1, loc = b/a)"
    return (k1, a, b, c), sub


def _mle(x: np.ndarray, start: tuple[float, float, float, float] | None) -> tuple[float, ...] | None:
    n = x.size
    lo0, hi0 = float(x[0]), float(x[-1])
    span = hi0 - lo0
    mean, var = float(np.mean(x)), float(np.var(x))
    # start: edges 1/n of the span outside the data (the edge gap of a square-root edge is ~ n^(-2/3) ≪ 1), the
    # sample mean, and c from variance = b c
    u0 = math.log(1.0 / n)
    b0 = (0.25 * span * (1 + 2.0 / n)) ** 2
    theta0 = np.array([u0, u0, mean, math.log(max(var / b0, 1e-6))])
    args = (x, lo0, hi0, span)
    best = None
    for _ in range(2):  # one restart from the optimum (Nelder–Mead can stall on the curved ridge)
        res = optimize.minimize(_negloglik, theta0 if best is None else best.x, args=args, method="Nelder-Mead",
                                options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000, "maxfev": 8000})
        if best is None or res.fun <= best.fun:
            best = res
    if not math.isfinite(best.fun):
        return None
    return _params(best.x, lo0, hi0, span)


def _loglik(law: ShiftedFreeMeixner, x: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(np.asarray(law.pdf(x), dtype=float))))


def fit_free_meixner(data: Any, *, method: FitMethod = FitMethod.MOMENTS, threshold: float = KS_ACCEPT,
                     snap: float = SNAP, size: int | None = None, bootstrap: int = 0, rng: Any = None
                     ) -> FreeMeixnerFit:
    r"""Fit :class:`ShiftedFreeMeixner` to eigenvalues, with the KS goodness of fit.

    Parameters
    ----------
    data : Empirical or array_like
        Eigenvalues (an :class:`~freecalc.laws.empirical.Empirical` keeps its ``size``).
    method : FitMethod
        ``MOMENTS`` (default) or ``LIKELIHOOD``.
    threshold : float
        Accept the fit when n·D ≤ threshold (:data:`KS_ACCEPT`).
    snap : float
        ``MOMENTS`` only: use the c = 1 submodel when n·|ĉ − 1| ≤ snap (:data:`SNAP`); 0 disables it.
    size : int, optional
        Matrix size given to the fitted law (default: the Empirical's size, else the number of eigenvalues).
    bootstrap : int
        Replicates for the parametric-bootstrap p-value (0: none). Each draws ``law.matrix(n)`` of the fitted law
        (n = number of eigenvalues), refits it and recomputes n·D.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts (bootstrap only).

    Returns
    -------
    FreeMeixnerFit
        ``law`` is None (and ``accepted`` False) when the data cannot be fitted: repeated values (atoms), fewer
        than 10 eigenvalues, or no law of the family with the data's free cumulants.
    """
    if isinstance(data, Empirical):
        x = np.asarray(data.eigenvalues, dtype=float)
        size = data.size if size is None else size
    else:
        x = np.sort(np.asarray(data, dtype=float).ravel())
        if not np.all(np.isfinite(x)):
            raise ValueError("fit_free_meixner: eigenvalues must be finite")
        size = x.size if size is None else size
    if not isinstance(method, FitMethod):
        raise TypeError(f"fit_free_meixner: method must be a FitMethod member, got {method!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not threshold > 0:
        raise ValueError(f"fit_free_meixner: threshold must be a positive number, got {threshold!r}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, (int, np.integer)) or bootstrap < 0:
        raise ValueError(f"fit_free_meixner: bootstrap must be a non-negative integer, got {bootstrap!r}")
    n = x.size

    def fail(why: str) -> FreeMeixnerFit:
        return FreeMeixnerFit(None, -math.inf, math.nan, math.nan, math.nan, threshold, False, why)

    if n < 10:
        return fail(f"only {n} eigenvalues: too few for a 4-parameter fit")
    if _has_ties(x):
        return fail("repeated eigenvalues (an atom): the free Meixner family is not fitted to atoms")
    fitted = _fit_ks(x, method, snap, size)
    if isinstance(fitted, str):
        return fail(fitted)
    law, D, sub = fitted
    p_iid = float(special.kolmogorov(math.sqrt(n) * D))
    nD = n * D
    accepted = nD <= threshold
    pvalue = None
    if bootstrap:
        gen = np.random.default_rng(rng)
        hits = 0
        for _ in range(int(bootstrap)):
            ev = np.linalg.eigvalsh(law.matrix(n, rng=gen))
            rep = _fit_ks(ev, method, snap, n)
            hits += isinstance(rep, str) or n * rep[1] >= nD
        pvalue = (1 + hits) / (1 + int(bootstrap))
    reason = (f"free Meixner fit ({method.value}{'; submodel ' + sub if sub else ''}) {law!r}: KS distance D = {D:.3g}, n·D = {nD:.3g} "
              f"{'<=' if accepted else '>'} {threshold:g} (threshold calibrated on eigenvalue data; the i.i.d. "
              f"Kolmogorov p-value would be {p_iid:.3g}"
              + (f"; parametric bootstrap p = {pvalue:.3g} from {bootstrap} replicates" if bootstrap else "") + ")")
    return FreeMeixnerFit(law, _loglik(law, x), D, nD, p_iid, threshold, accepted, reason, pvalue, sub)


def _fit_ks(x: np.ndarray, method: FitMethod, snap: float, size: int | None
            ) -> tuple[ShiftedFreeMeixner, float, str | None] | str:
    """(fitted law, KS distance) for sorted data, or the reason no law of the family fits."""
    n = x.size
    if method is FitMethod.MOMENTS:
        k1 = float(np.mean(x))
        y = x - k1
        m2, m3, m4 = (float(np.mean(y ** k)) for k in (2, 3, 4))
        got = _from_cumulants(k1, m2, m3, m4 - 2.0 * m2 * m2, snap, n)
        if got is None:
            return "no free Meixner law has the data's first four free cumulants (b = κ2 + κ4/κ2 − (κ3/κ2)² ≤ 0)"
        params, sub = got
    else:
        params, sub = _mle(x, None), None
        if params is None:
            return "no free Meixner law has a positive density at all the eigenvalues"
    law = ShiftedFreeMeixner(*params, size=size)
    F = np.asarray(law.cdf(x), dtype=float)
    i = np.arange(1, n + 1)
    return law, float(max(np.max(i / n - F), np.max(F - (i - 1) / n))), sub


C_SD = 2.4
"""Sampling sd of ĉ from n eigenvalues, times n (measured 2.2–2.6 for the Gaussian, Wishart and MANOVA models at
n = 1000, see :data:`SNAP`); used by :func:`decompression_spread`."""


def decompression_spread(law: ShiftedFreeMeixner, factor: float, n: int, points: int = 2001) -> float:
    r"""Total variation between the exact decompressions by ``factor`` of ``law`` with c moved to
    :math:`c \pm` :data:`C_SD`/n (mean, variance bc and κ3 = abc kept): the error to expect from the sampling noise
    of the fourth free cumulant of n eigenvalues (the dominant one near c = 1; see the module docstring).
    ``inf`` when one of the two is not a valid decompression (the factor is within the noise of the limit).

    Parameters
    ----------
    law : ShiftedFreeMeixner
        The fitted law.
    factor : float
        The decompression factor.
    n : int
        Number of eigenvalues the fit used.
    points : int
        Grid of the TV quadrature.

    Returns
    -------
    float
    """
    outs = []
    k2 = law.b * law.c
    for sign in (-1.0, 1.0):
        c = law.c + sign * C_SD / n
        if c <= 0:
            return math.inf
        if c + factor * (1 - c) <= 0:  # beyond the validity limit c/(c − 1) of this neighbour
            return math.inf
        outs.append(decompress_shifted_free_meixner(law.replace(b=k2 / c, c=c), factor))
    lo = min(o.support[0][0] for o in outs)
    hi = max(o.support[-1][1] for o in outs)
    x = np.linspace(lo, hi, points)
    dens = [np.asarray(o.pdf(x), dtype=float) for o in outs]
    atoms = [dict(o.atoms) for o in outs]
    tv = 0.5 * float(np.trapezoid(np.abs(dens[0] - dens[1]), x))
    # atoms move with c: count their masses as disjoint (an upper bound, exact unless two locations coincide)
    tv += 0.5 * sum(sum(a.values()) for a in atoms)
    return tv
