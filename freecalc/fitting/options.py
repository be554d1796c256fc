"""Options of :func:`freecalc.fit`: enums and frozen dataclasses (no strings, no mutable defaults).

``fit`` takes few keywords; everything else is grouped here, one dataclass per concern, gathered in
:class:`FitOptions`. Every field has a default chosen and justified below, so ``fit(eigs)`` needs none of them.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

__all__ = [
    "ScaleOption",
    "Criterion",
    "ErrorMethod",
    "OptimizerOptions",
    "XminRule",
    "TailOptions",
    "SpikeOptions",
    "PhaseOptions",
    "FitOptions",
]


class ScaleOption(enum.Enum):
    """How the scale (and location) of a law are fitted.

    AUTO
        The family's default, declared by the law class (``fit_hints``) (e.g. MarchenkoPastur: its own ``sigma2``;
        HTMP and InverseHTMP: an added ``scale``; Semicircle and KestenMcKay: a scale and a location ``loc``;
        Wachter: neither, it lives on [0, 1] by construction).
    FIT
        Fit a scale: the law's own scale parameter if it has one, else an added ``scale``.
    FIT_WITH_LOCATION
        As FIT, plus a location ``loc`` (the law is shifted by ``loc``), for laws that have no location parameter.
    NONE
        Fit neither: the law's own scale parameter is held at its declared default (e.g. ``sigma2 = 1``).
    """

    AUTO = "auto"
    FIT = "fit"
    FIT_WITH_LOCATION = "fit_with_location"
    NONE = "none"


class ErrorMethod(enum.Enum):
    r"""How standard errors are estimated from the likelihood at the optimum.

    HESSIAN
        Inverse of the observed information :math:`-\nabla^2 \log L` (numerical Hessian).
    OPG
        Inverse of the outer product of the per-point scores :math:`\sum_i s_i s_i^T` (BHHH).
    AUTO (default)
        OPG for laws whose support has a finite square-root edge, HESSIAN otherwise. Such supports move with the
        parameters, the likelihood is non-regular (Smith 1985, *Biometrika* 72: density ~ (edge − x)^{1/2}), and
        its Hessian is dominated by the few eigenvalues nearest the edge: on 60 iid samples of 400 points its 95 %
        intervals covered only 0.78–0.9 (MarchenkoPastur(0.3), Semicircle(2), Wachter(2, 3)), against 0.93–1.0
        for OPG. For HTMP-type laws (support (0, ∞), regular) the Hessian is the classical choice.
    """

    AUTO = "auto"
    HESSIAN = "hessian"
    OPG = "opg"


class Criterion(enum.Enum):
    r"""Information criterion ranking candidate laws fitted to the same data (smaller is better).

    BIC (the default), :math:`k \log n - 2 \log L`: consistent, i.e. it picks the true family with probability → 1
    when it is among the candidates, and its :math:`\log n` penalty keeps a 3-parameter family (free Meixner) from
    winning on a spectrum that a 2-parameter one (Marchenko–Pastur) describes. AIC, :math:`2k - 2\log L`, aims at
    predictive accuracy and over-selects the larger family as n grows; it is offered for comparison.
    """

    BIC = "bic"
    AIC = "aic"

    def value_of(self, loglik: float, k: int, n: int) -> float:
        """The criterion for log-likelihood ``loglik`` with ``k`` free parameters on ``n`` points.

        Parameters
        ----------
        loglik : float
        k : int
            Free parameters.
        n : int
            Points fitted.

        Returns
        -------
        float
            BIC = k log n − 2 log L, or AIC = 2k − 2 log L (smaller is better).
        """
        if self is Criterion.BIC:
            return k * math.log(n) - 2.0 * loglik
        return 2.0 * k - 2.0 * loglik


@dataclass(frozen=True)
class OptimizerOptions:
    """Maximum-likelihood optimisation (Nelder–Mead in unconstrained transformed parameters, then a Newton polish).

    Attributes
    ----------
    maxiter : int
        Iteration cap of each Nelder–Mead run (a 3-parameter fit converges in ~200).
    xatol, fatol : float
        Nelder–Mead tolerances on the transformed parameters (1e-6: a thousandth of the smallest standard error
        met in the tests, which are ≥ 1e-3 in these coordinates) and on the negative log-likelihood, for the
        full-tolerance simplex used without ``polish`` or when the polish cannot certify an optimum.
    restarts : int
        Extra Nelder–Mead runs restarted from the previous optimum (a fresh simplex escapes the premature
        collapse Nelder–Mead is known for); 1 is enough in the recovery tests. Not needed when the Newton polish
        certifies the optimum.
    polish : bool
        Run the simplex to the coarse tolerances only, then Newton's method on central-difference derivatives
        until the Newton decrement is at most ``decrement_tol`` at a positive definite Hessian (see
        :mod:`freecalc.fitting.mle`): the same optimum in a third to a fifth of the evaluations. Where Newton cannot
        certify an optimum (a maximum on a boundary or against a support wall) the full simplex path runs.
    coarse_xatol, coarse_fatol : float
        Simplex tolerances before the polish (3e-2 in φ and 1e-2 in log L: Newton, which certifies the optimum,
        converges from there in a few steps; on the 37 layers of all-MiniLM-L6-v2 the chosen laws and phases are
        those of 1e-2 / 1e-3 and of 1e-3 / 1e-4, the parameters within 2e-7 relative, with a quarter fewer
        likelihood evaluations).
    decrement_tol : float
        Newton stops when :math:`g^T H^{-1} g / 2` (the predicted gain in log L) is at most this: 1e-6 puts the
        estimate within √(2·1e-6) ≈ 1.4e-3 standard errors of the maximum (the finite-difference gradient resolves
        decrements down to ~1e-8 only).
    newton_maxiter : int
        Cap on Newton steps (two or three suffice from the coarse simplex; more means a poorly quadratic
        likelihood, and the simplex path takes over).
    hessian_step : float
        Relative step of the central differences giving the observed information.
    errors : ErrorMethod
        How standard errors are computed (see :class:`ErrorMethod`).
    """

    maxiter: int = 2000
    xatol: float = 1e-6
    fatol: float = 1e-7
    restarts: int = 1
    hessian_step: float = 1e-4
    errors: ErrorMethod = ErrorMethod.AUTO
    polish: bool = True
    coarse_xatol: float = 3e-2
    coarse_fatol: float = 1e-2
    decrement_tol: float = 1e-6
    newton_maxiter: int = 8

    def __post_init__(self):
        if not isinstance(self.errors, ErrorMethod):
            raise TypeError(f"OptimizerOptions.errors must be an ErrorMethod member, got {self.errors!r}")
        if not isinstance(self.polish, bool):
            raise TypeError(f"OptimizerOptions.polish must be a bool, got {self.polish!r}")
        _positive_int("OptimizerOptions.maxiter", self.maxiter)
        _positive_int("OptimizerOptions.newton_maxiter", self.newton_maxiter)
        _nonneg_int("OptimizerOptions.restarts", self.restarts)
        for name in ("xatol", "fatol", "hessian_step", "coarse_xatol", "coarse_fatol", "decrement_tol"):
            _positive_float(f"OptimizerOptions.{name}", getattr(self, name))


class XminRule(enum.Enum):
    r"""How the start :math:`x_{\min}` of the power-law tail is chosen (the exponent is the same continuous MLE
    :math:`\hat\alpha = 1 + n_t / \sum \log(x_i/x_{\min})` for both).

    CLAUSET (the default of :func:`freecalc.fit`)
        Clauset, Shalizi & Newman (2009, *SIAM Review* 51, 661–703, §3.3): the xmin minimising the **two-sided**
        Kolmogorov–Smirnov distance :math:`\max_k \max\{(k+1)/n_t - P_k,\ P_k - k/n_t\}` between the tail's
        empirical cdf (a step function, compared on both sides of each step) and the fitted power law, over
        distinct data values leaving at least ``TailOptions.min_tail`` points in the tail. This is the KS distance
        proper; the minimum tail keeps a handful of points, whose KS distance is noise, from setting xmin.
    WEIGHTWATCHER (the default of :func:`freecalc.analyze`)
        WeightWatcher 0.7.7's rule (``weightwatcher/WW_powerlaw.py``, class ``WWFit``, ``fit_power_law_standard``),
        reproduced so that α is comparable layer by layer with published WeightWatcher tables: the **one-sided**
        statistic :math:`\max_k |P_k - k/n_t|` (the empirical cdf read at the lower end of each step only) over
        every data index, tails down to **2** points (``min_tail`` is not used). For fewer than 20 positive values
        WWFit switches to ``fit_powerlaw_smallN``, reproduced as well: the bias-corrected exponent
        :math:`1 + (n_t-1)/\sum\log(x_i/x_{\min})`, tails of at least 8 points, and xmin minimising
        :math:`D - 0.868/\sqrt{n_t}`. Where the KS curve has two nearly equal minima the two rules can pick
        different ones, one of them on a tail of a few points (a 9-point tail with α = 8.4 against an 87-point one
        with α = 2.4 on one layer of all-MiniLM-L6-v2, benchmarks/results/models.md). WeightWatcher also drops
        eigenvalues ≤ 1e-5 of WᵀW (unnormalised) where this rule drops only non-positive ones; the tail is
        unaffected unless xmin falls among such values.
    """

    CLAUSET = "clauset"
    WEIGHTWATCHER = "weightwatcher"


@dataclass(frozen=True)
class TailOptions:
    """Power-law fit of the upper tail (Clauset, Shalizi & Newman 2009).

    Attributes
    ----------
    enabled : bool
        Whether to estimate α at all.
    min_tail : int
        Smallest tail considered when choosing xmin with :attr:`XminRule.CLAUSET`: KS distances of a handful of
        points are noise, and a degenerate minimum there would pick a meaningless xmin.
    max_candidates : int
        Candidate xmin values examined (every unique data value up to this many; beyond it, an evenly spaced subset
        of them) — bounds the O(n · candidates) cost on very large spectra.
    xmin_rule : XminRule
        How xmin is chosen: CLAUSET (two-sided KS distance, tails of ``min_tail`` points or more) or WEIGHTWATCHER
        (WeightWatcher 0.7.7's one-sided statistic and tails down to 2 points); see :class:`XminRule`.
    """

    enabled: bool = True
    min_tail: int = 10
    max_candidates: int = 4096
    xmin_rule: XminRule = XminRule.CLAUSET

    def __post_init__(self):
        if not isinstance(self.xmin_rule, XminRule):
            raise TypeError(f"TailOptions.xmin_rule must be an XminRule member (XminRule.CLAUSET or "
                            f"XminRule.WEIGHTWATCHER), got {self.xmin_rule!r}")
        if self.min_tail < 2 or int(self.min_tail) != self.min_tail:
            raise ValueError(f"TailOptions.min_tail must be an integer >= 2, got {self.min_tail!r}")
        _positive_int("TailOptions.max_candidates", self.max_candidates)


@dataclass(frozen=True)
class SpikeOptions:
    r"""Detection of outliers (spikes) beyond the bulk edge.

    Attributes
    ----------
    enabled : bool
        Whether to look for spikes (and fit laws with a finite edge on the bulk only).
    level : float
        False-alarm probability of each sequential test: an eigenvalue is a spike when it exceeds the fitted edge
        by more than the :math:`F_1` quantile at ``1 - level`` times the Tracy–Widom scale. 1e-3 puts the threshold
        3.27 TW scales above the edge.
    censor_fraction : float
        Fraction of the largest eigenvalues treated as right-censored in the first, spike-robust bulk fit (they
        only count as "above this value"), so that a spike cannot drag the fitted edge out to itself.
    max_fraction : float
        If more than this fraction of the eigenvalues lies beyond the edge, they form a tail, not a few spikes:
        they are still reported, but candidate laws are compared on all the data.
    max_iter : int
        Cap on the remove-spikes/refit iterations (they converge in 2–3 in practice).
    """

    enabled: bool = True
    level: float = 1e-3
    censor_fraction: float = 0.05
    max_fraction: float = 0.05
    max_iter: int = 10

    def __post_init__(self):
        if not 0.0 < self.level < 0.5:
            raise ValueError(f"SpikeOptions.level must lie in (0, 0.5), got {self.level!r}")
        for name in ("censor_fraction", "max_fraction"):
            v = getattr(self, name)
            if not 0.0 <= v < 0.5:
                raise ValueError(f"SpikeOptions.{name} must lie in [0, 0.5), got {v!r}")
        _positive_int("SpikeOptions.max_iter", self.max_iter)


@dataclass(frozen=True)
class PhaseOptions:
    r"""Thresholds of the 5+1 phase label (rules in :func:`freecalc.fitting.phases.classify`).

    Attributes
    ----------
    alpha_heavy : float
        α at or below which the upper tail counts as a power law (WeightWatcher's convention: α ≤ 6 heavy-tailed;
        an iid Gaussian 4096×1024 matrix gives α ≈ 17, Student-t(2.5) entries α ≈ 4.7).
    ks_factor : float
        The Marchenko–Pastur bulk fit is "good" when its KS distance is at most ``ks_factor / sqrt(n_bulk)``.
        1/√n is the typical KS distance of n iid points (the Kolmogorov law has mean 0.87); eigenvalues of one
        matrix whose ESD is MP sit an order of magnitude below it (0.006 for an iid Gaussian 4096×1024 W), while
        a heavy tail lifts the bulk fit above it (0.06 for Student-t(2.5) entries, against 1/√1010 = 0.031).
    rank_collapse_fraction : float
        Fraction of (numerically) zero eigenvalues, beyond those the matrix shape forces, that counts as rank
        collapse.
    bleed_separation : float
        Spikes all within this fraction of the bulk width above the edge are "bleeding out"; one farther out makes
        "bulk+spikes".
    """

    alpha_heavy: float = 6.0
    ks_factor: float = 1.0
    rank_collapse_fraction: float = 0.01
    bleed_separation: float = 0.1

    def __post_init__(self):
        for name in ("alpha_heavy", "ks_factor", "bleed_separation"):
            _positive_float(f"PhaseOptions.{name}", getattr(self, name))
        if not 0.0 < self.rank_collapse_fraction < 1.0:
            raise ValueError(
                f"PhaseOptions.rank_collapse_fraction must lie in (0, 1), got {self.rank_collapse_fraction!r}"
            )


@dataclass(frozen=True)
class FitOptions:
    """Everything :func:`freecalc.fit` can be told beyond its keywords.

    Attributes
    ----------
    criterion : Criterion
        Ranks the candidates when no law is given (BIC; see :class:`Criterion` for why).
    candidates : tuple of Law classes or None
        Families compared when no law is given; None means every registered family that applies to the data's
        sign (see ``freecalc.fitting.families.registered``).
    optimizer, tails, spikes, phases
        See the respective dataclasses.
    atom_factor : float
        Data within ``atom_factor · n · eps · max|x|`` of an atom of the law count as that atom (eigen-solvers
        return exact zeros as ±round-off of that size); negative values within it are clipped to 0 for laws on
        [0, ∞), anything more negative is an error.
    """

    criterion: Criterion = Criterion.BIC
    candidates: tuple | None = None
    optimizer: OptimizerOptions = field(default_factory=OptimizerOptions)
    tails: TailOptions = field(default_factory=TailOptions)
    spikes: SpikeOptions = field(default_factory=SpikeOptions)
    phases: PhaseOptions = field(default_factory=PhaseOptions)
    atom_factor: float = 100.0

    def __post_init__(self):
        if not isinstance(self.criterion, Criterion):
            raise TypeError(f"FitOptions.criterion must be a Criterion member, got {self.criterion!r}")
        if self.candidates is not None:
            object.__setattr__(self, "candidates", tuple(self.candidates))
            if not self.candidates:
                raise ValueError("FitOptions.candidates must be None or a non-empty sequence of Law classes")
        for name, cls in (("optimizer", OptimizerOptions), ("tails", TailOptions), ("spikes", SpikeOptions),
                          ("phases", PhaseOptions)):
            if not isinstance(getattr(self, name), cls):
                raise TypeError(f"FitOptions.{name} must be a {cls.__name__}, got {getattr(self, name)!r}")
        _positive_float("FitOptions.atom_factor", self.atom_factor)


def _positive_int(name, v):
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")


def _nonneg_int(name, v):
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {v!r}")


def _positive_float(name, v):
    if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {v!r}")
