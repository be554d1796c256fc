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
f = n/n_s by :math:`\log f/\log 2` (:func:`freecalc.operations.estimation.extrapolate_error`).

A decompression by :func:`freecalc.decompress_matrix` on the free route also carries a **target-factor
bootstrap** (``model_check.bootstrap``): the central estimate's n quantiles, compressed to n_s by a Haar rotation
and decompressed again by the same route; the root-mean-square difference between the functional of these
re-decompressions and that of the estimate (already at the target factor, no extrapolation) is added in
quadrature. It sees instabilities of decompression at the target factor that the factor-2 self-check cannot (a
left tail extrapolated over decades). When the free route's automatic choice rejected the parametric prediction
for its spread (the data do not pin it down at this factor), the difference between that prediction and the
numeric one (``model_check.alternative``) is added in quadrature too, and the band is stretched to contain that
prediction's value: two valid decompressions of the same data that disagree bound what the data cannot resolve (a
gap that has closed in the submatrix; on the two-bulk spectrum of the coverage study the truth lay between the two
predictions for all five functionals, where the quadrature term alone left λ_max, tr A⁻¹ and the condition number
uncovered). A numeric (non-parametric) decompression also carries its **unresolved tails**
(``model_check.unresolved``, :mod:`freecalc.operations.unresolved_tails`): variants of the estimate's n quantiles
with a clipped or stretched tail whose compressions back to n_s the sampled submatrix cannot tell from the
estimate's. The functional is evaluated on each variant and on the quantile spectrum itself, and the band is
extended by the differences as a systematic offset
(:func:`freecalc.operations.estimation.estimate_over_repeats`, ``unresolved``): where decompression extrapolates a
tail over decades (a log-uniform spectrum), the band says so. Coverage of the resulting 90 % bands is measured in
``benchmarks/results/decompression_coverage.md``.

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
    """A float estimate with an optional band (``low``, ``high``) from repeated estimates (``repeats``), a
    model-error scale (``bias``, 0 when unknown), values of other valid estimates the band contains (``include``)
    and (variant, reference) values of spectra the data cannot resolve (``unresolved``), combined by
    :func:`freecalc.operations.estimation.estimate_over_repeats`."""

    low: float | None
    high: float | None
    repeats: tuple[float, ...]
    bias: float
    include: tuple[float, ...]
    unresolved: tuple[tuple[float, float], ...]

    def __new__(cls, value: float, repeats: tuple[float, ...] = (), bias: float = 0.0,
                positive: bool = False, include: tuple[float, ...] = (),
                unresolved: tuple[tuple[float, float], ...] = ()) -> Estimate:
        obj = super().__new__(cls, value)
        reps = tuple(float(r) for r in repeats)
        obj.repeats = reps
        obj.bias = float(bias) if math.isfinite(bias) else 0.0
        obj.include = tuple(include)
        obj.unresolved = tuple(unresolved)
        band = estimate_over_repeats(reps, center=float(value), bias=obj.bias, positive=positive, include=include,
                                     unresolved=unresolved)
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


def _pair_errors(pairs: Any, n: int, value_at: Callable[[Law, int], float], actual: Callable[[np.ndarray], float],
                 scaling: _Scaling, center: float) -> tuple[list[float], int | None]:
    """Errors of a functional over check pairs (predicted law vs actual eigenvalues), scaled to size n."""
    errors = []
    size = None
    for pair in pairs:
        eigs = np.sort(np.asarray(pair.eigenvalues, dtype=float))
        size = eigs.size
        try:
            pred, act = value_at(pair.law, size), actual(eigs)
        except (ValueError, ArithmeticError, NotImplementedError):
            continue  # the functional is undefined for this check (e.g. the support reaches 0)
        if not (math.isfinite(pred) and math.isfinite(act)):
            continue
        if scaling is _Scaling.EXTENSIVE:
            errors.append((pred - act) / size * n)
        elif scaling is _Scaling.INTENSIVE:
            errors.append(pred - act)
        elif act != 0:
            errors.append((pred / act - 1.0) * center)
    return errors, size


def _unresolved_pairs(check: Any, n: int, actual: Callable[[np.ndarray], float], scaling: _Scaling,
                      center: float) -> tuple[tuple[float, float], ...]:
    """(value on the variant, value on the reference spectrum) for every unresolved tail variant of the check
    (``model_check.unresolved``) of a law of size n; a ratio functional is carried over relative to ``center``."""
    tails = getattr(check, "unresolved", None)
    if tails is None or tails.reference.size != n:
        return ()
    out = []
    ref = actual(tails.reference)
    for variant in tails.accepted:
        val = actual(variant.spectrum)
        if scaling is _Scaling.RELATIVE:
            out.append((center * val / ref if ref != 0 else math.nan, center))
        else:
            out.append((val, ref))
    return tuple(out)


def _model_error(law: Law, n: int, value_at: Callable[[Law, int], float],
                 actual: Callable[[np.ndarray], float], scaling: _Scaling, center: float
                 ) -> tuple[float, tuple[float, ...], tuple[tuple[float, float], ...]]:
    """Model-error scale of a functional from the law's self-check pairs, extrapolated to the target factor, from
    its target-factor bootstrap and from the rejected alternative route, as is; combined in quadrature (module
    docstring). 0 without them. Also returns the alternative route's values, which the band must contain, and the
    (variant, reference) values of the unresolved tail variants, which extend it."""
    check = getattr(getattr(law, "decompression_report", None), "model_check", None)
    errors, n_s = _pair_errors(getattr(check, "pairs", ()) or (), n, value_at, actual, scaling, center)
    total = 0.0
    alternative: list[float] = []
    if errors and n_s is not None and n >= n_s:
        total = extrapolate_error(math.sqrt(float(np.mean(np.square(errors)))), n / n_s, check.check_factor)
    # bootstrap replicates and the rejected alternative are compared with the functional of the estimate itself, by
    # the same rule (a quantile spectrum would add the offset between the rule and the extreme quantile)
    for name in ("bootstrap", "alternative"):
        diffs = []
        for pair in getattr(check, name, ()) or ():
            try:
                pred = value_at(pair.law, n)
            except (ValueError, ArithmeticError, NotImplementedError):
                continue
            if math.isfinite(pred) and math.isfinite(center):
                diffs.append(pred - center)
                if name == "alternative":
                    alternative.append(pred)
        if diffs:
            total = math.hypot(total, math.sqrt(float(np.mean(np.square(diffs)))))
    return total, tuple(alternative), _unresolved_pairs(check, n, actual, scaling, center)


def _psd(law: Law) -> bool:
    """The law lives on [0, ∞) (a PSD matrix): positive functionals get positive bands."""
    ends = [a for a, _ in law.support] + [loc for loc, _ in law.atoms]
    return bool(ends) and min(ends) >= 0


def _with_band(law: Law, n: int, value_at: Callable[[Law, int], float],
               actual: Callable[[np.ndarray], float] | None = None,
               scaling: _Scaling = _Scaling.EXTENSIVE, positive: bool = False) -> Estimate:
    value = value_at(law, n)
    bias, alternative, unresolved = ((0.0, (), ()) if actual is None
                                     else _model_error(law, n, value_at, actual, scaling, value))
    return Estimate(value, tuple(value_at(r, n) for r in _replicates(law)), bias, positive=positive,
                    include=alternative, unresolved=unresolved)


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


# Edge quantiles (module docstring, "Extreme eigenvalues"): the Tracy–Widom rule needs F⁻¹ at a few levels k/n
# next to each edge. Bisection calls the cdf ~64 times per level, and a decompressed law's cdf is a quadrature of a
# density found by Newton on the characteristics: seconds per call. Instead the cdf is evaluated in one vectorised
# call on a grid geometric in the distance to the edge (where F ~ C d^{3/2} at a soft edge, so that log F is
# nearly linear in log d), the bracket of every level is refined once more by a second call, and the quantile is
# interpolated in (log d, log F): two cdf calls for all levels of both edges.
_EDGE_GRID = 160  # points per edge in the first pass: distances from 1e-12 to 1 × the support width
_EDGE_REFINE = 24  # points per level in the second pass, inside its bracket


def _edge_quantiles(law: Law, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(F⁻¹(levels), F⁻¹(1 − levels)) for small levels, from two vectorised cdf calls; None without a finite
    bracket (the caller then falls back to :meth:`Law.ppf`)."""
    ends = [e for ab in law.support for e in ab] + [a for a, _ in law.atoms]
    lo, hi = min(ends), max(ends)
    width = hi - lo
    if not (math.isfinite(lo) and math.isfinite(hi) and width > 0):
        return None
    d = width * np.geomspace(1e-12, 1.0, _EDGE_GRID)
    grids = (lo + d, hi - d)  # increasing distance from the lower / upper edge
    F = np.asarray(law.cdf(np.concatenate(grids)), dtype=float)
    Fs = (F[:_EDGE_GRID], 1.0 - F[_EDGE_GRID:])  # mass within distance d of each edge, non-decreasing in d
    brackets = []
    for side in (0, 1):
        for q in levels:
            k = int(np.searchsorted(Fs[side], q, side="left"))  # first grid distance holding mass >= q
            k_lo = 0.0 if k == 0 else d[k - 1]
            brackets.append((side, q, k_lo, d[min(k, _EDGE_GRID - 1)]))
    t = np.linspace(0.0, 1.0, _EDGE_REFINE)
    sub = np.array([a + (b - a) * t for _, _, a, b in brackets])
    sides = np.array([s for s, *_ in brackets])
    x = np.where(sides[:, None] == 0, lo + sub, hi - sub)
    Fx = np.asarray(law.cdf(x.ravel()), dtype=float).reshape(x.shape)
    mass = np.where(sides[:, None] == 0, Fx, 1.0 - Fx)
    out = np.empty(len(brackets))
    atoms = np.array([a for a, _ in law.atoms], dtype=float)
    for i, (side, q, _, _) in enumerate(brackets):
        m = np.maximum.accumulate(mass[i])
        j = int(np.searchsorted(m, q, side="left"))
        if j == 0:
            out[i] = sub[i, 0]
            continue
        j = min(j, _EDGE_REFINE - 1)
        d0, d1, m0, m1 = sub[i, j - 1], sub[i, j], m[j - 1], m[j]
        dist = atoms - lo if side == 0 else hi - atoms
        if np.any((dist > d0) & (dist <= d1)):  # the cdf jumps in this bracket: the quantile may be the atom
            x_q = float(law.ppf(q if side == 0 else 1.0 - q))
            out[i] = x_q - lo if side == 0 else hi - x_q
            continue
        if d0 > 0 and m0 > 0 and m1 > m0:  # power-law interpolation (exact for F = C d^p)
            out[i] = d0 * math.exp(math.log(d1 / d0) * math.log(q / m0) / math.log(m1 / m0))
        else:
            out[i] = d0 + (d1 - d0) * (q - m0) / (m1 - m0) if m1 > m0 else d1
    k = len(levels)
    return lo + out[:k], hi - out[k:]


def _tw_side(q: np.ndarray, n: int, beta: int, upper: bool) -> float | None:
    """Tracy–Widom estimate of one extreme eigenvalue from the quantiles ``q`` at the levels k = 1, 4, 9 counted
    from the edge, or None when the edge is not soft."""
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
    # cached on the law: λ_min, λ_max and the condition number each need both edges of the same laws
    cache = law.__dict__.setdefault("_extremes_cache", {})
    key = (n, rule, beta)
    if key not in cache:
        cache[key] = _extremes_uncached(law, n, rule, beta)
    return cache[key]


def _extremes_uncached(law: Law, n: int, rule: EdgeRule, beta: int) -> tuple[float, float]:
    lo, hi = _support_edges(law, n)
    if rule is EdgeRule.SUPPORT:
        return lo, hi
    cont_lo = min(a for a, _ in law.support) if law.support else lo
    cont_hi = max(b for _, b in law.support) if law.support else hi
    do_lo = bool(law.support) and lo >= cont_lo  # no atom below the continuous part
    do_hi = bool(law.support) and hi <= cont_hi  # no atom above it
    levels = np.array([_K1, _K4, _K9]) / n
    if not (do_lo or do_hi) or levels[-1] >= 0.5:
        return lo, hi
    qs = _edge_quantiles(law, levels)
    if qs is None:
        qs = (np.asarray(law.ppf(levels), dtype=float), np.asarray(law.ppf(1.0 - levels), dtype=float))
    out_lo, out_hi = lo, hi
    if do_lo:
        est = _tw_side(qs[0], n, beta, upper=False)
        out_lo = lo if est is None else est
    if do_hi:
        est = _tw_side(qs[1], n, beta, upper=True)
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
    bias, alternative, unresolved = _model_error(law, n, value, actual, _Scaling.RELATIVE, center)
    est = Estimate(center, tuple(repeat_value(r, n) for r in _replicates(law)), bias, positive=True,
                   include=alternative, unresolved=unresolved)
    if est.low is not None and est.low < 1.0:
        est.low = 1.0  # κ ≥ 1 by definition; an unresolved tail's ratio can scale the lower end below it
    return est
