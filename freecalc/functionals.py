r"""Spectral functionals of an n×n matrix estimated from its eigenvalue law.

For a matrix :math:`A` of size n whose eigenvalue law is :math:`\mu` (e.g. the result of
:func:`freecalc.decompress` from a submatrix), :math:`\operatorname{tr} g(A) = \sum_i g(\lambda_i) \approx
n\int g\,d\mu`:

* :func:`logdet` :math:`= n\int\log|x|\,d\mu` (and :func:`slogdet` with the sign :math:`(-1)^{\#\{\lambda_i<0\}}`);
* :func:`trace` :math:`= n\int g\,d\mu`, :func:`trace_inverse` :math:`= n\int x^{-1}d\mu`;
* :func:`extreme_eigenvalues`, :func:`lambda_min`, :func:`lambda_max`, :func:`condition_number`.

Extreme eigenvalues (:class:`EdgeRule`)
---------------------------------------
``EdgeRule.SUPPORT``: the edges of the support (the n → ∞ limit), or an atom beyond them carrying at least half an
eigenvalue (:math:`n w \ge 1/2`).

``EdgeRule.TRACY_WIDOM`` (default for :func:`lambda_max`, :func:`lambda_min`): the expected extreme eigenvalue of
one n×n matrix. Near a soft edge b the density is :math:`\rho(x)\approx C\sqrt{b-x}`, the largest eigenvalue is
:math:`b + s_n\,\mathrm{TW}_\beta` with :math:`s_n = (\pi C n)^{-2/3}`, and then the quantiles obey
:math:`b - F^{-1}(1 - k/n) = s_n\,\xi_k`, :math:`\xi_k = (3\pi k/2)^{2/3}`. **Rule**: take the quantiles
:math:`x_k = F^{-1}(1-k/n)` for k = 1, 4, set :math:`s_n = (x_1 - x_4)/(\xi_4 - \xi_1)`,
:math:`\hat b = x_1 + s_n\xi_1`, and return :math:`\hat b + \mathbb E[\mathrm{TW}_\beta]\,s_n` (β = 1: −1.2065,
β = 2: −1.7711). Only quantiles are used, not the support edge, so the rule also suits data-derived laws whose edge
is blurred. If the k = 9 quantile disagrees with the square-root model by more than 20 % of :math:`s_n\xi_9` (a hard
edge such as MP(1) at 0, or too small an n), the side falls back to ``SUPPORT``. The lower edge is the mirror image.

Bands
-----
Laws that carry repeated estimates give each functional a band: the result is an :class:`Estimate` (a float, the
value for the law itself) whose ``low``/``high`` come from :func:`freecalc.operations.estimation.estimate_over_repeats`
(the one rule for estimates over repeats): the 5 % and 95 % quantiles of the functional over the repeats (kept in
``repeats``), widened in quadrature by the **model error** ``bias``. Repeats are
``law.decompression_report.repeats`` (:func:`freecalc.decompress_matrix`: one decompression per random submatrix,
the law itself being the central one) or ``law.repeats`` (the equal-weight mixture of
:func:`freecalc.operations.numeric_decompression.decompress_numeric` with ``repeats=R``).

Model error: when the law comes with a model self-check (``law.decompression_report.model_check.pairs``: laws
predicted for the n_s×n_s submatrix from its random halves, with the submatrix's actual eigenvalues), the
functional is evaluated on each predicted law (at size n_s) and on the actual eigenvalues; the root-mean-square
error e is scaled to the target — per eigenvalue times n for traces (log-determinant, trace inverse), as is for
λ_min/λ_max, relative for the condition number — and extrapolated from the check factor 2 to the target factor
f = n/n_s by :math:`\log f/\log 2` (:func:`freecalc.operations.estimation.extrapolate_error`). Coverage of the
resulting 90 % bands is measured in ``benchmarks/results/decompression_coverage.md``.

References: Tracy & Widom (1996), CMP 177; Johnstone (2001), Ann. Stat. 29; Bornemann (2010), Math. Comp. 79
(TW means); Ameli, van der Heide, Hodgkinson, Mahoney (2025), arXiv:2506.11994 (log-determinants by decompression).
"""
from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from freecalc.laws.base import Law
from freecalc.numerics.quadrature import IntervalRule
from freecalc.operations.estimation import estimate_over_repeats, extrapolate_error
from freecalc._options import coerce_enum

__all__ = [
    "Estimate",
    "EdgeRule",
    "logdet",
    "slogdet",
    "trace",
    "trace_inverse",
    "extreme_eigenvalues",
    "lambda_min",
    "lambda_max",
    "condition_number",
]

#: Means of the Tracy–Widom laws F_1 (real symmetric) and F_2 (complex Hermitian); Bornemann (2010), Table 4.
TW_MEAN = {1: -1.2065335745820, 2: -1.7710868074116}

# Quantile levels k/n of the Tracy–Widom rule (see the module docstring).
_K1, _K4, _K9 = 1.0, 4.0, 9.0
# Relative disagreement of the k = 9 quantile with the square-root edge model beyond which the edge is not soft.
_SOFT_EDGE_TOL = 0.2


class _Scaling(enum.Enum):
    """How a self-check error measured on an n_s×n_s submatrix carries over to an n×n matrix."""

    EXTENSIVE = "extensive"  # a trace: the per-eigenvalue error times n
    INTENSIVE = "intensive"  # an eigenvalue: as is
    RELATIVE = "relative"  # a ratio: the relative error times the value


class EdgeRule(enum.Enum):
    """How extreme eigenvalues are estimated from a law (see the module docstring)."""

    SUPPORT = "support"
    """Support edges (or atoms beyond them with at least half an eigenvalue)."""
    TRACY_WIDOM = "tracy_widom"
    """Expected extreme eigenvalue of one n×n matrix: quantile-based edge plus the Tracy–Widom mean shift."""


class Estimate(float):
    """A float estimate with an optional band (``low``, ``high``) from repeated estimates (``repeats``) and a
    model-error scale (``bias``, 0 when unknown), combined by
    :func:`freecalc.operations.estimation.estimate_over_repeats`."""

    low: float | None
    high: float | None
    repeats: tuple[float, ...]
    bias: float

    def __new__(cls, value: float, repeats: tuple[float, ...] = (), bias: float = 0.0,
                positive: bool = False) -> Estimate:
        obj = super().__new__(cls, value)
        reps = tuple(float(r) for r in repeats)
        obj.repeats = reps
        obj.bias = float(bias) if math.isfinite(bias) else 0.0
        band = estimate_over_repeats(reps, center=float(value), bias=obj.bias, positive=positive)
        obj.low, obj.high = band.low, band.high
        return obj

    def __repr__(self) -> str:
        if self.low is None:
            return f"Estimate({float(self)!r})"
        return f"Estimate({float(self)!r}, band=[{self.low!r}, {self.high!r}], {len(self.repeats)} repeats)"


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------
def _check_law(law: Any) -> Law:
    if not isinstance(law, Law):
        raise TypeError(f"expected a freecalc Law, got {type(law).__name__}; for eigenvalues use fc.Empirical")
    law._require_numeric("a spectral functional")
    return law


def _size(law: Law, n: Any) -> int:
    if n is None:
        if law.size is None:
            raise ValueError(
                f"the matrix size is unknown: pass n=... or give the law a size (law.with_size(n)); "
                f"{law!r} has size None"
            )
        return law.size
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 1:
        raise ValueError(f"n must be a positive integer (the matrix size), got {n!r}")
    return int(n)


def _replicates(law: Law) -> tuple[Law, ...]:
    """Per-repeat laws (``decompression_report.repeats``, else ``law.repeats``), or () when there are none."""
    report = getattr(law, "decompression_report", None)
    reps = tuple(getattr(report, "repeats", None) or ()) or tuple(getattr(law, "repeats", None) or ())
    return reps if len(reps) > 1 else ()


def _model_error(law: Law, n: int, value_at: Callable[[Law, int], float],
                 actual: Callable[[np.ndarray], float], scaling: _Scaling, center: float) -> float:
    """Model-error scale of a functional from the law's self-check pairs (module docstring), 0 without them."""
    check = getattr(getattr(law, "decompression_report", None), "model_check", None)
    pairs = getattr(check, "pairs", ()) or ()
    errors = []
    n_s = None
    for pair in pairs:
        eigs = np.sort(np.asarray(pair.eigenvalues, dtype=float))
        n_s = eigs.size
        try:
            pred, act = value_at(pair.law, n_s), actual(eigs)
        except (ValueError, ArithmeticError, NotImplementedError):
            continue  # the functional is undefined for this check (e.g. the support reaches 0)
        if not (math.isfinite(pred) and math.isfinite(act)):
            continue
        if scaling is _Scaling.EXTENSIVE:
            errors.append((pred - act) / n_s * n)
        elif scaling is _Scaling.INTENSIVE:
            errors.append(pred - act)
        elif act != 0:
            errors.append((pred / act - 1.0) * center)
    if not errors or n_s is None or n < n_s:
        return 0.0
    rms = math.sqrt(float(np.mean(np.square(errors))))
    return extrapolate_error(rms, n / n_s, check.check_factor)


def _psd(law: Law) -> bool:
    """The law lives on [0, ∞) (a PSD matrix): positive functionals get positive bands."""
    ends = [a for a, _ in law.support] + [loc for loc, _ in law.atoms]
    return bool(ends) and min(ends) >= 0


def _with_band(law: Law, n: int, value_at: Callable[[Law, int], float],
               actual: Callable[[np.ndarray], float] | None = None,
               scaling: _Scaling = _Scaling.EXTENSIVE, positive: bool = False) -> Estimate:
    value = value_at(law, n)
    bias = 0.0 if actual is None else _model_error(law, n, value_at, actual, scaling, value)
    return Estimate(value, tuple(value_at(r, n) for r in _replicates(law)), bias, positive=positive)


def _continuous_integral(law: Law, g: Callable[[np.ndarray], np.ndarray], split: float | None = None) -> float:
    """∫ g dμ_continuous; intervals containing ``split`` in their interior are split there so that an integrable
    singularity of g at ``split`` sits at a panel end, where the θ-substitution clusters the nodes."""
    if split is None or not any(a < split < b for a, b in law.support):
        xs, ws = law.continuous_rule()
        return float(np.sum(ws * g(xs))) if xs.size else 0.0
    total = 0.0
    for a, b in law.support:
        pieces = [(a, split), (split, b)] if a < split < b else [(a, b)]
        for lo, hi in pieces:
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise NotImplementedError(f"{type(law).__name__}: unbounded support with a singular integrand")
            xn, wn = IntervalRule(lo, hi, panels=128, order=16).nodes_weights()
            total += float(np.sum(wn * law.pdf(xn) * g(xn)))
    return total


def _atom_at_zero(law: Law, n: int) -> float:
    scale = max([abs(e) for ab in law.support for e in ab] + [abs(a) for a, _ in law.atoms] + [1.0])
    # an atom within 1e-12·scale of 0 is at 0 (locations come from root finding in floating point)
    return sum(w for a, w in law.atoms if abs(a) <= 1e-12 * scale)


# --------------------------------------------------------------------------------------------------------------
# traces
# --------------------------------------------------------------------------------------------------------------
def _logdet_value(law: Law, n: int) -> float:
    w0 = _atom_at_zero(law, n)
    if w0 > 0:
        raise ValueError(
            f"log|det| is -inf: {law!r} has an atom of mass {w0:.6g} at 0, i.e. about {n * w0:.4g} zero "
            f"eigenvalues in an n = {n} matrix"
        )
    cont = _continuous_integral(law, lambda x: np.log(np.abs(x)), split=0.0)
    return n * (cont + sum(w * math.log(abs(a)) for a, w in law.atoms))


def logdet(law: Law, n: int | None = None) -> Estimate:
    r"""log|det A| ≈ :math:`n\int\log|x|\,d\mu(x)` for an n×n matrix with eigenvalue law ``law``.

    Raises ``ValueError`` when the law has an atom at 0 (the determinant vanishes). A density through 0 is fine:
    :math:`\log|x|` is integrable against it.
    """
    law = _check_law(law)
    n = _size(law, n)
    return _with_band(law, n, _logdet_value, lambda e: float(np.sum(np.log(np.abs(e)))))


def slogdet(law: Law, n: int | None = None) -> tuple[int, Estimate]:
    r"""(sign, log|det A|) with sign :math:`(-1)^{k}`, :math:`k = \mathrm{round}(n\,\mu((-\infty, 0)))` the
    expected number of negative eigenvalues."""
    law = _check_law(law)
    n = _size(law, n)
    below = float(law.cdf(0.0)) - _atom_at_zero(law, n)
    negatives = int(round(n * below))
    return (-1 if negatives % 2 else 1), logdet(law, n)


def trace(law: Law, f: Callable[[np.ndarray], np.ndarray] | None = None, n: int | None = None) -> Estimate:
    r"""tr f(A) ≈ :math:`n\int f\,d\mu` (``f`` vectorised; ``None`` is the identity, giving tr A).

    ``f`` must be finite on the support and at the atoms; use :func:`logdet`/:func:`trace_inverse` for the
    singular cases they check.
    """
    law = _check_law(law)
    n = _size(law, n)
    g: Callable[[np.ndarray], np.ndarray] = (lambda x: x) if f is None else f
    if not callable(g):
        raise TypeError(f"f must be a vectorised callable (or None for the identity), got {type(f).__name__}")

    def value(lw: Law, n: int) -> float:
        atoms = lw.atoms
        locs = np.array([a for a, _ in atoms], dtype=float)
        vals = np.asarray(g(locs), dtype=float) if locs.size else np.zeros(0)
        total = _continuous_integral(lw, lambda x: np.asarray(g(x), dtype=float))
        total += float(np.sum(vals * np.array([w for _, w in atoms]))) if locs.size else 0.0
        if not math.isfinite(total):
            raise ValueError(f"tr f(A) is not finite for {lw!r}: f is infinite or NaN on the support or at an atom")
        return n * total

    return _with_band(law, n, value, lambda e: float(np.sum(np.asarray(g(e), dtype=float))))


def _trace_inverse_value(law: Law, n: int) -> float:
    if _atom_at_zero(law, n) > 0:
        raise ValueError(f"tr A^-1 is infinite: {law!r} has an atom at 0 (singular matrix)")
    for a, b in law.support:
        if a <= 0.0 <= b:
            raise ValueError(
                f"tr A^-1 is not determined by the law: 0 lies in the support interval [{a:.6g}, {b:.6g}] of "
                f"{law!r}, so the eigenvalues closest to 0 (not described by the limit law) dominate the sum"
            )
    cont = _continuous_integral(law, lambda x: 1.0 / x)
    return n * (cont + sum(w / a for a, w in law.atoms))


def trace_inverse(law: Law, n: int | None = None) -> Estimate:
    r"""tr A⁻¹ ≈ :math:`n\int x^{-1}\,d\mu`; ``ValueError`` if 0 is an atom or lies in the (closed) support."""
    law = _check_law(law)
    n = _size(law, n)
    return _with_band(law, n, _trace_inverse_value, lambda e: float(np.sum(1.0 / e)), positive=_psd(law))


# --------------------------------------------------------------------------------------------------------------
# extreme eigenvalues
# --------------------------------------------------------------------------------------------------------------
def _as_rule(rule: Any) -> EdgeRule:
    return coerce_enum(rule, EdgeRule, "rule")


def _support_edges(law: Law, n: int) -> tuple[float, float]:
    ends = [e for ab in law.support for e in ab]
    # atoms count when they carry at least half an eigenvalue (n w >= 1/2)
    ends += [a for a, w in law.atoms if n * w >= 0.5]
    if not ends:
        raise ValueError(f"{law!r} has neither support nor atoms")
    return min(ends), max(ends)


def _tw_side(law: Law, n: int, beta: int, upper: bool) -> float | None:
    """Quantile-based Tracy–Widom estimate of one extreme eigenvalue, or None when the edge is not soft."""
    levels = np.array([_K1, _K4, _K9]) / n
    if levels[-1] >= 0.5:
        return None
    q = law.ppf(1.0 - levels if upper else levels)
    xi = (1.5 * math.pi * np.array([_K1, _K4, _K9])) ** (2.0 / 3.0)
    gaps = (q[0] - q[1]) if upper else (q[1] - q[0])
    s = gaps / (xi[1] - xi[0])
    if not (s > 0 and math.isfinite(s)):
        return None
    sign = 1.0 if upper else -1.0
    edge = q[0] + sign * s * xi[0]
    predicted9 = edge - sign * s * xi[2]
    if abs(q[2] - predicted9) > _SOFT_EDGE_TOL * s * xi[2]:
        return None
    return float(edge + sign * TW_MEAN[beta] * s)


def _extremes(law: Law, n: int, rule: EdgeRule, beta: int) -> tuple[float, float]:
    lo, hi = _support_edges(law, n)
    if rule is EdgeRule.SUPPORT:
        return lo, hi
    cont_lo = min(a for a, _ in law.support) if law.support else lo
    cont_hi = max(b for _, b in law.support) if law.support else hi
    out_lo, out_hi = lo, hi
    if law.support and lo >= cont_lo:  # no atom below the continuous part
        est = _tw_side(law, n, beta, upper=False)
        out_lo = lo if est is None else est
    if law.support and hi <= cont_hi:  # no atom above it
        est = _tw_side(law, n, beta, upper=True)
        out_hi = hi if est is None else est
    return out_lo, out_hi


def _check_beta(beta: Any) -> int:
    if beta not in TW_MEAN:
        raise ValueError(f"beta must be 1 (real symmetric) or 2 (complex Hermitian), got {beta!r}")
    return int(beta)


def extreme_eigenvalues(law: Law, n: int | None = None, *, rule: EdgeRule | str = EdgeRule.TRACY_WIDOM,
                        beta: int = 1) -> tuple[Estimate, Estimate]:
    """(λ_min, λ_max) estimates for an n×n matrix with eigenvalue law ``law`` (rule: see the module docstring)."""
    law = _check_law(law)
    n = _size(law, n)
    rule, beta = _as_rule(rule), _check_beta(beta)
    psd = _psd(law)
    lo = _with_band(law, n, lambda lw, k: _extremes(lw, k, rule, beta)[0], lambda e: float(e[0]),
                    _Scaling.INTENSIVE, positive=psd)
    hi = _with_band(law, n, lambda lw, k: _extremes(lw, k, rule, beta)[1], lambda e: float(e[-1]),
                    _Scaling.INTENSIVE, positive=psd)
    return lo, hi


def lambda_min(law: Law, n: int | None = None, *, rule: EdgeRule | str = EdgeRule.TRACY_WIDOM,
               beta: int = 1) -> Estimate:
    """Estimate of the smallest eigenvalue (see :func:`extreme_eigenvalues`)."""
    return extreme_eigenvalues(law, n, rule=rule, beta=beta)[0]


def lambda_max(law: Law, n: int | None = None, *, rule: EdgeRule | str = EdgeRule.TRACY_WIDOM,
               beta: int = 1) -> Estimate:
    """Estimate of the largest eigenvalue (see :func:`extreme_eigenvalues`)."""
    return extreme_eigenvalues(law, n, rule=rule, beta=beta)[1]


def _condition(lo: float, hi: float, law: Law) -> float:
    if lo <= 0.0 <= hi:
        raise ValueError(
            f"the condition number is not determined by {law!r}: its spectrum [{lo:.6g}, {hi:.6g}] reaches 0, "
            f"so the smallest |eigenvalue| is not described by the limit law"
        )
    a, b = sorted((abs(lo), abs(hi)))
    return b / a


def condition_number(law: Law, n: int | None = None, *, rule: EdgeRule | str = EdgeRule.TRACY_WIDOM,
                     beta: int = 1) -> Estimate:
    """κ(A) = max|λ| / min|λ| from the extreme-eigenvalue estimates; ``ValueError`` if the spectrum reaches 0."""
    law = _check_law(law)
    n = _size(law, n)
    rule, beta = _as_rule(rule), _check_beta(beta)

    def value(lw: Law, k: int) -> float:
        rl, rh = _extremes(lw, k, rule, beta)
        return _condition(rl, rh, lw)

    def repeat_value(lw: Law, k: int) -> float:  # a repeat reaching 0 has no condition number: left out
        rl, rh = _extremes(lw, k, rule, beta)
        return math.nan if rl <= 0.0 <= rh else _condition(rl, rh, lw)

    def actual(e: np.ndarray) -> float:
        a = np.abs(e)
        return float(a.max() / a.min())

    center = value(law, n)
    bias = _model_error(law, n, value, actual, _Scaling.RELATIVE, center)
    return Estimate(center, tuple(repeat_value(r, n) for r in _replicates(law)), bias, positive=True)  # κ ≥ 1
