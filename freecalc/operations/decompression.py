r"""Free decompression: the law of an n×n matrix from the law of its random n_s×n_s principal submatrices.

Let :math:`f = n/n_s \ge 1` (the *factor*, :math:`f = e^t`) and :math:`\alpha = 1/f`. Free compression
(Nica & Speicher 2006, Lecture 14) says the law of a random :math:`\alpha`-fraction principal submatrix has
R-transform :math:`R_s(w) = R_n(\alpha w)`, i.e. free cumulants :math:`\kappa_k^{(s)} = \alpha^{k-1}\kappa_k^{(n)}`.
Decompression inverts it:

.. math:: R_n(w) = R_s(f w), \qquad \mu_n = D_f\bigl(\mu_s^{\boxplus 1/f}\bigr),

a dilation of a free convolution power :math:`1/f < 1`, which is **not always a probability measure**. Equivalently
:math:`m(t, z)` solves :math:`\partial_t m = -m + m^{-1}\partial_z m` (characteristics :math:`m = m_0 e^{-t}`,
:math:`z = z_0 - (e^t - 1)/m_0`); Ameli, van der Heide, Hodgkinson & Mahoney (2025), arXiv:2506.11994.

Routes (:class:`Route`)
-----------------------
* **exact** — a closed-form rule for the law's family, else the algebraic equation:

  - every quadratic law :math:`Q m^2 - P m + 1 = 0` (semicircle, Marchenko–Pastur, Kesten–McKay, Wachter,
    free Meixner) is a *free Meixner law*: its Jacobi parameters are :math:`(\alpha_0, \omega_0)` then
    :math:`(\alpha, \omega)` repeated. Substituting :math:`m_0 = f m`, :math:`z_0 = z + (f-1)/(f m)` into the
    source equation gives again a quadratic,

    .. math:: P' = \frac{P(z) - (f-1)(q_1 + 2 q_2 z)}{1 + q_2 (f-1)},\qquad Q' = \frac{f\,Q(z)}{1 + q_2(f-1)},

    (:func:`decompressed_quadratic`); in Jacobi terms :math:`\omega_0' = f\omega_0`,
    :math:`\alpha' = \alpha_0 - f(\alpha_0 - \alpha)`, :math:`\omega' = f\omega_0 + f^2(\omega - \omega_0)`, and
    :math:`\omega'/\omega_0' = (1 + q_2(f-1))/(1-q_2)`. The result is a probability measure iff :math:`\omega' \ge 0`,
    i.e. :math:`1 + q_2(f-1) \ge 0`: **the largest valid factor is** :math:`1 - 1/q_2` when :math:`q_2 < 0`
    (unbounded otherwise). Named results: semicircle r → r√f and MP(c, σ²) → MP(cf, σ²) (:math:`q_2 = 0`, any
    factor); Wachter(a, b) → Wachter(a/f, b/f) (:math:`q_2 = -1/(a+b-1)`, factor :math:`\le a + b`);
    FreeMeixner(a, b, c) → FreeMeixner(fa, fb(c + f(1-c)), c/(c + f(1-c))) (factor :math:`\le c/(c-1)` when
    c > 1); Kesten–McKay(d) (:math:`q_2 = -1/(d-1)`, factor :math:`\le d`) → :math:`D_f\,\mathrm{KM}(d/f)`, which
    is no Kesten–McKay law (atoms ±d of mass :math:`1 - d/(2f)` each when f > d/2) but is
    FreeMeixner(0, f(d − f), d/(d − f)). At the largest factor itself the law is the two-atom law of the 2×2
    Jacobi matrix (:class:`~freecalc.laws.discrete.Atoms`). Other quadratic laws give an ``AlgebraicLaw``.
  - other algebraic laws: :func:`freecalc.symbolic.algebraic.compress_equation` (which maps R(w) to R(αw)) with
    :math:`\alpha = f`; the
    candidate is checked for positivity and mass, and the largest valid factor is found by bisection.

* **numeric** — :func:`freecalc.operations.numeric_decompression.decompress_numeric` (characteristics through the
  analytically continued Stieltjes transform), for data-derived laws and laws with no equation.
* **parametric** — data only: :mod:`freecalc.operations.parametric_decompression` fits the shifted free Meixner
  family (which holds all five quadratic laws) to the eigenvalues and decompresses the fitted law exactly.
* **auto** — exact when available; for data (:class:`~freecalc.laws.empirical.Empirical`) parametric when the
  free Meixner fit passes its goodness-of-fit rule (KS distance, calibrated threshold) and its decompression
  respects the floor, numeric otherwise; any other law without an exact rule: numeric. When the parametric
  prediction's ``spread`` exceeds :data:`SPREAD_MAX`, AUTO uses the numeric route instead and flags the result
  (:class:`DecompressionWarning`; why: see :data:`SPREAD_MAX`). The result's ``decompression_report`` (:class:`DecompressionReport`) says
  which route ran and why. Options are checked per route before any work (unknown ones raise ``TypeError``
  naming them and listing the valid ones); they never switch the AUTO route.

Floor (PSD input and ridges)
----------------------------
Principal submatrices of a PSD matrix are PSD, and the decompression of the law of a PSD matrix's compression
is that PSD matrix's law: it lives on [0, ∞). More generally, if A = K + σI with K PSD (a ridge), every eigenvalue
of A and of its submatrices is ≥ σ. ``floor=`` (:func:`resolve_floor`) states that bound: by default 0 when the
source is PSD (:func:`source_floor`: eigenvalues ≥ −round-off, or a law on [0, ∞)), none otherwise; a ridge must
be passed (``floor=σ``: a ridge cannot be told from data, whose smallest eigenvalue is only an upper bound of σ);
``floor=-math.inf`` lifts it (a shifted Wigner matrix may have positive submatrices). No route returns a law below
the floor: the exact route raises :class:`DecompressionError` (with the largest factor that respects the floor for
quadratic laws), the parametric route falls back to the numeric one under AUTO and raises when forced, and the
numeric route decompresses the data translated by −σ (free decompression commutes with translations:
R(w) + a → R(fw) + a) and rejects candidate fits reaching below the floor.
"""
from __future__ import annotations

import enum
import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.base import Law, exact_value, register_operation
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.free_meixner import FreeMeixner, ShiftedFreeMeixner
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.laws.wachter import Wachter
from freecalc.laws.empirical import Empirical
from freecalc.operations.model_check import NOT_RUN, ModelCheck
from freecalc.operations.numeric_decompression import decompress_numeric
from freecalc.operations.parametric_decompression import (
    decompress_shifted_free_meixner,
    decompression_spread,
    fit_free_meixner,
)
from freecalc.symbolic import transforms as T
from freecalc.symbolic.algebraic import AlgebraicError, compress_equation
from freecalc._options import coerce_enum
from freecalc._params import check_count
from freecalc.operations.decompression_checks import (
    PSD_ROUNDOFF,
    DecompressionError,
    below_floor,
    check_options,
    resolve_floor,
    source_floor,
)

__all__ = [
    "Route",
    "DecompressionReport",
    "DecompressionError",
    "decompress",
    "register_exact_rule",
    "decompressed_quadratic",
    "quadratic_max_factor",
    "max_valid_factor",
    "resolve_floor",
    "source_floor",
    "SPREAD_MAX",
    "PSD_ROUNDOFF",
    "DecompressionWarning",
]

SPREAD_MAX = 0.05
r"""Parametric route: when the fit's ``spread`` (TV between the decompressions of the fitted law with c moved by ±
its sampling sd, :func:`~freecalc.operations.parametric_decompression.decompression_spread`) exceeds this, the
factor is too large for the data to pin the parametric prediction down: AUTO then uses the numeric route (which
assumes no family), a forced ``route=PARAMETRIC`` keeps the fit, and both flag the result with a
:class:`DecompressionWarning`; the report says so.

Why switch: a spread above 0.05 means the free Meixner family's own ±1 sd moves the prediction by that much, so
the family assumption is doing the extrapolation, and off the family it extrapolates badly. Measured (n_s = 500,
factor 4, 2 seeds): a heavy-tailed covariance with a log-uniform population (``fc.example_matrix("covariance")``)
fits the family well (n·D 2.9–3.9, accepted) but has spread 0.26–0.29, parametric KS 0.15–0.17 against the true
spectrum, numeric 0.015–0.016; MarchenkoPastur(0.3) left unsnapped (spread 0.26): 0.18 vs 0.17; in-family laws
(semicircle, KM(80), Wachter(40, 60)) have spread 0.012–0.014 and keep the parametric route. The cost: far
beyond the data's resolution the family can be luckier: KM(80) from 1000 eigenvalues to 32000 (spread 0.11–0.28)
gave parametric TV 0.029–0.150 and numeric 0.207 — flagged either way."""

class DecompressionWarning(UserWarning):
    """A decompressed law was returned although its own diagnostics predict a large error (see the report)."""


class Route(enum.Enum):
    """How :func:`decompress` computes the decompressed law."""

    AUTO = "auto"
    """Exact when the law has a closed-form rule or an algebraic equation, numeric otherwise."""
    EXACT = "exact"
    """Closed form (named family) or algebraic equation; ``TypeError`` if the law has neither."""
    NUMERIC = "numeric"
    """Numeric characteristics solver (:mod:`freecalc.operations.numeric_decompression`)."""
    PARAMETRIC = "parametric"
    """Data only: fit the shifted free Meixner family (:mod:`freecalc.operations.parametric_decompression`) and
    decompress the fitted law exactly, whatever the goodness of fit."""


@dataclass(frozen=True)
class DecompressionReport:
    """Which route produced a decompressed law and why; attached to the result as ``law.decompression_report``.

    Attributes
    ----------
    route : Route
        The route actually used (EXACT, NUMERIC or PARAMETRIC; never AUTO).
    reason : str
        Why (for data: the free Meixner fit and its goodness-of-fit decision).
    fit : object or None
        The :class:`~freecalc.operations.parametric_decompression.FreeMeixnerFit` when one was made.
    spread : float or None
        Parametric route: TV between the decompressions of the fitted law with c moved by ± its sampling sd
        (:func:`~freecalc.operations.parametric_decompression.decompression_spread`), the error to expect from
        the fourth-cumulant noise of the data; large values (e.g. > 0.05) mean the factor is too large for the
        data to pin the prediction down. None on the other routes and when the fit used a submodel (c = 1 or
        Marchenko–Pastur), which is closed under decompression.
    model_check : ModelCheck
        The model self-check (:mod:`freecalc.operations.model_check`). From eigenvalues alone it cannot run
        (``passed is None``, :data:`~freecalc.operations.model_check.NOT_RUN`); :func:`freecalc.decompress_matrix`
        runs it on the sampled submatrix.
    repeats : tuple of Law
        :func:`freecalc.decompress_matrix`: the decompressions of all repeats (this law is one of them, the central
        one); empty otherwise.
    """

    route: Route
    reason: str
    fit: Any = None
    spread: float | None = None
    model_check: ModelCheck = NOT_RUN
    repeats: tuple[Law, ...] = ()


# --------------------------------------------------------------------------------------------------------------
# factor and sizes
# --------------------------------------------------------------------------------------------------------------
def _is_sym(value: Any) -> bool:
    return isinstance(value, sp.Basic) and bool(value.free_symbols)


def _check_n(n: Any) -> int:
    return check_count("n (the target matrix size)", n)


def _check_factor(factor: Any) -> Any:
    if _is_sym(factor):
        if (sp.sympify(factor) < 1) == sp.true:
            raise ValueError(f"factor={factor} is < 1: that is compression, not decompression; use fc.compress")
        return sp.sympify(factor)
    if isinstance(factor, bool) or not isinstance(factor, (numbers.Real, sp.Basic)):
        raise TypeError(f"factor must be a real number >= 1 (n / n_s), got {factor!r}")
    value = float(factor)
    if not math.isfinite(value):
        raise ValueError(f"factor must be a finite number >= 1 (n / n_s), got {factor!r}")
    if value < 1:
        raise ValueError(
            f"factor={value:g} < 1 would shrink the matrix: that is free compression, not decompression; "
            f"use fc.compress(law, {value:g}) for the law of a principal submatrix"
        )
    return factor if isinstance(factor, sp.Basic) else value


def _resolve(law: Law, n: Any, factor: Any) -> tuple[Any, int | None]:
    """(factor, target size) from the arguments; never guesses a missing size."""
    n_s = law.size
    if n is None and factor is None:
        raise ValueError(
            "decompress needs a target: give the target size n (with the source size known, e.g. "
            "MarchenkoPastur(0.1, size=1000).decompress(32000)) or factor=n/n_s, e.g. law.decompress(factor=32)"
        )
    if n is not None:
        n = _check_n(n)
    if factor is not None:
        factor = _check_factor(factor)
    if n is not None and factor is None:
        if n_s is None:
            raise ValueError(
                f"cannot decompress to n={n}: the source size of {law!r} is unknown. Give it with "
                f"law.with_size(n_s) (or size=n_s when constructing the law), or pass factor=n/n_s instead"
            )
        if n < n_s:
            raise ValueError(
                f"n={n} is smaller than the source size n_s={n_s}: that is free compression, not decompression; "
                f"use fc.compress(law, {n}/{n_s}) for the law of a principal submatrix"
            )
        return n / n_s, n
    if n is None:
        if n_s is None or _is_sym(factor):
            return factor, None
        target = n_s * float(factor)
        if abs(target - round(target)) > 1e-9 * target:
            raise ValueError(
                f"factor={float(factor):g} times the source size {n_s} is {target:g}, not a matrix size; "
                f"give the target size n instead"
            )
        return factor, int(round(target))
    # both n and factor
    if n_s is not None and not _is_sym(factor) and abs(n - n_s * float(factor)) > 1e-9 * n:
        raise ValueError(f"n={n} and factor={float(factor):g} disagree with the source size {n_s} (n = factor·n_s)")
    return factor, n


# --------------------------------------------------------------------------------------------------------------
# floor (PSD and ridge): what the data say about the lowest eigenvalue
# --------------------------------------------------------------------------------------------------------------
def _floor_factor(law: Law, factor: float, floor: float) -> float:
    """Largest factor in [1, factor] whose exact decompression of a quadratic law stays ≥ floor (bisection on the
    lower edge, which decreases with the factor); NaN for other laws."""
    if not isinstance(law, QuadraticLaw):
        return math.nan
    lo, hi = 1.0, float(factor)
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        try:
            ok = below_floor(_exact(law, mid, None), floor) is None
        except (DecompressionError, ZeroDivisionError):
            ok = False
        lo, hi = (mid, hi) if ok else (lo, mid)
        if hi - lo <= 1e-6 * lo:
            break
    return lo


def _floor_error(law: Law, out_low: float, factor: Any, floor: float, given: bool, route: str) -> DecompressionError:
    where = (f"the floor {floor:g} you gave" if given else
             "0: the source lies in [0, ∞) and is taken for the law of a PSD matrix, whose decompression is PSD")
    fmax = _floor_factor(law, float(factor), floor) if route == "exact" else math.nan
    largest = "" if math.isnan(fmax) else f"; the largest factor keeping it above the floor is {fmax:.6g}"
    return DecompressionError(
        f"the {route} decompression of {law!r} by factor {float(factor):g} puts eigenvalues at {out_low:.6g}, below "
        f"{where}. The law is then not the compression of such a matrix by this factor (a model of the wrong "
        f"shape for the data){largest}. Pass floor=-math.inf if the full matrix may go below the floor",
        fmax)


# --------------------------------------------------------------------------------------------------------------
# quadratic (free Meixner) laws
# --------------------------------------------------------------------------------------------------------------
def _simp(value: Any) -> Any:
    return sp.simplify(value) if isinstance(value, sp.Basic) else value


def decompressed_quadratic(c: QuadraticCoefficients, factor: Any) -> QuadraticCoefficients:
    r"""Coefficients of the decompressed law of a quadratic law :math:`Q m^2 - P m + 1 = 0`.

    With :math:`D = 1 + q_2(f-1)`: :math:`p_0' = (p_0 - (f-1)q_1)/D`, :math:`p_1' = (p_1 - 2(f-1)q_2)/D`,
    :math:`q_k' = f q_k / D`. Works for floats and sympy expressions, and for any :math:`f > 0` (``f < 1`` is
    compression). Derivation: substitute :math:`m_0 = f m`, :math:`z_0 = z + (f-1)/(fm)` (the characteristics) into
    the source equation; the result is again quadratic in m, with constant term :math:`f D`.
    """
    f = factor
    d = 1 + c.q2 * (f - 1)
    if not isinstance(d, sp.Basic) and d == 0:
        raise ZeroDivisionError("the decompressed law is purely atomic (factor at the validity limit)")
    return QuadraticCoefficients(
        p0=_simp((c.p0 - (f - 1) * c.q1) / d),
        p1=_simp((c.p1 - 2 * (f - 1) * c.q2) / d),
        q0=_simp(f * c.q0 / d),
        q1=_simp(f * c.q1 / d),
        q2=_simp(f * c.q2 / d),
    )


def quadratic_max_factor(c: QuadraticCoefficients) -> float:
    r"""Largest factor for which decompressing a quadratic law gives a probability measure: :math:`1 - 1/q_2`
    when :math:`q_2 < 0`, ``inf`` otherwise (see the module docstring)."""
    q2 = float(c.q2)
    return 1.0 - 1.0 / q2 if q2 < 0 else math.inf


def _quadratic_polynomial(c: QuadraticCoefficients, m: sp.Symbol = T.m, z: sp.Symbol = T.z) -> sp.Expr:
    return sp.expand((c.q0 + c.q1 * z + c.q2 * z ** 2) * m ** 2 - (c.p0 + c.p1 * z) * m + 1)


def _exact_coefficients(law: QuadraticLaw) -> QuadraticCoefficients:
    return QuadraticCoefficients(*(sp.nsimplify(v) if not isinstance(v, sp.Basic) else v
                                   for v in law.sym.coefficients))


def _invalid(law: Law, factor: Any, max_factor: float) -> DecompressionError:
    n_s = law.size
    largest = f"{max_factor:.10g}" + (f" (n <= {math.floor(max_factor * n_s + 1e-9)} from n_s = {n_s})" if n_s else "")
    return DecompressionError(
        f"decompressing {law!r} by factor {float(factor):g} gives no probability measure "
        f"(the free convolution power 1/factor of the law is not positive); the largest valid factor is {largest}",
        max_factor,
    )


def _quadratic_validity(law: QuadraticLaw, factor: Any) -> bool:
    """Raise for an invalid factor; return True when the factor sits exactly at the validity limit."""
    c = law.sym.coefficients
    d = sp.sympify(1 + c.q2 * (sp.sympify(factor) - 1))
    if _is_sym(d) or law.is_symbolic:
        if (d < 0) == sp.true:
            raise ValueError(f"decompressing {law!r} by factor {factor} gives no probability measure "
                             f"(1 + q2 (factor - 1) = {d} < 0)")
        return False
    fmax = quadratic_max_factor(law.coefficients)
    dv = float(d)
    # relative slack: factors computed as n/n_s carry ~1e-16 rounding; 1e-12 keeps the limit itself recognisable
    if dv < -1e-12:
        raise _invalid(law, factor, fmax)
    return abs(dv) <= 1e-12


def _boundary_atoms(law: QuadraticLaw, factor: Any, size: int | None) -> Law:
    """At the validity limit ω' = 0: the law of the 2×2 Jacobi matrix [[α0, √ω0'], [√ω0', α']] (two atoms)."""
    f = float(factor)
    mean, var = law.mean(), law.var()
    c = law.coefficients
    # free Meixner: α_1 (the repeated diagonal) from P: p0 = (2ωα0 − ω0α)/ω with ω0/ω = 1 − q2
    r = 1.0 - c.q2
    alpha1 = (2.0 * mean - c.p0) / r
    alpha1p = mean - f * (mean - alpha1)
    jac = np.array([[mean, math.sqrt(f * var)], [math.sqrt(f * var), alpha1p]])
    vals, vecs = np.linalg.eigh(jac)
    return Atoms(tuple(float(v) for v in vals), tuple(float(w) for w in vecs[0] ** 2), size=size)


# --------------------------------------------------------------------------------------------------------------
# exact rules for named families
# --------------------------------------------------------------------------------------------------------------
ExactRule = Callable[[Law, Any], Law]
_EXACT_RULES: dict[type, ExactRule] = {}


def register_exact_rule(cls: type) -> Callable[[ExactRule], ExactRule]:
    """Register ``rule(law, factor) -> Law`` as the closed-form decompression of the family ``cls``.

    The rule is called only after validity has been checked, with ``factor`` a float or a sympy expression, and
    returns a law of the same or another named family (the caller sets the size).
    """

    def deco(rule: ExactRule) -> ExactRule:
        _EXACT_RULES[cls] = rule
        return rule

    return deco


def _sqrt(value: Any) -> Any:
    return sp.sqrt(value) if isinstance(value, sp.Basic) else math.sqrt(value)


def _mul(a: Any, b: Any) -> Any:
    # with a symbolic side, a float factor such as 32.0 enters as the exact number 32, not Float(32.0)
    if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
        return exact_value(a) * exact_value(b)
    return a * b


@register_exact_rule(Semicircle)
def _semicircle(law: Semicircle, f: Any) -> Law:
    # R(w) = a + r²w/4 → R(fw) = a + (r√f)²w/4: radius r√f, same centre
    return law.replace(r=_mul(law.r, _sqrt(f)))


@register_exact_rule(MarchenkoPastur)
def _marchenko_pastur(law: MarchenkoPastur, f: Any) -> Law:
    # R(w) = σ²/(1 − cσ²w) → σ²/(1 − (cf)σ²w)
    return law.replace(c=_mul(law.c, f))


@register_exact_rule(Wachter)
def _wachter(law: Wachter, f: Any) -> Law:
    # R(w) = (w − s + √(s² + 2(a−b)w + w²))/(2w), s = a + b: R(fw) is the same form with (a, b) → (a/f, b/f)
    return law.replace(a=law.a / f, b=law.b / f)


@register_exact_rule(FreeMeixner)
def _free_meixner(law: FreeMeixner, f: Any) -> Law:
    # Jacobi (α0, ω0; α, ω) = (0, bc; a, b) → (0, f·bc; f·a, f·b(c + f(1 − c))), so
    # a' = f a, b' = f b (c + f(1 − c)), c' = ω0'/ω' = c / (c + f(1 − c)); valid iff c + f(1 − c) > 0.
    g = law.c + f * (1 - law.c)
    return law.replace(a=_mul(law.a, f), b=_mul(law.b, f) * g, c=law.c / g)


@register_exact_rule(KestenMcKay)
def _kesten_mckay(law: KestenMcKay, f: Any) -> Law:
    # KM(d) = Bernoulli^{⊞d} decompresses to D_f KM(d/f), which is no KestenMcKay(d') (the family is not closed:
    # d/f < 2 has atoms ±d of mass 1 − d/(2f) each). KM(d) is the free Meixner law (a, b, c) = (0, d − 1, d/(d−1)),
    # and the free Meixner rule gives (0, f(d − f), d/(d − f)): valid for f < d.
    d = law.d
    return FreeMeixner(0, _mul(f, d - f), d / (d - f))


register_exact_rule(ShiftedFreeMeixner)(decompress_shifted_free_meixner)


@register_exact_rule(PointMass)
def _point_mass(law: PointMass, f: Any) -> Law:
    # R(w) = a is constant: δ_a is its own decompression (a multiple of the identity stays one)
    return law


def _rule_for(law: Law) -> ExactRule | None:
    for klass in type(law).__mro__:
        if klass in _EXACT_RULES:
            return _EXACT_RULES[klass]
    return None


def _algebraic_law(poly: sp.Expr, size: int | None) -> Law:
    return AlgebraicLaw(poly, size=size)


def _exact_quadratic(law: QuadraticLaw, factor: Any, size: int | None) -> Law:
    at_limit = _quadratic_validity(law, factor)
    if at_limit:
        return _boundary_atoms(law, factor, size)
    rule = _rule_for(law)
    if rule is not None:
        return rule(law, factor).with_size(size)
    fx = factor if isinstance(factor, sp.Basic) else exact_value(factor)
    coef = decompressed_quadratic(_exact_coefficients(law), fx)
    return _algebraic_law(_quadratic_polynomial(coef), size)


# --------------------------------------------------------------------------------------------------------------
# general algebraic laws: equation + positivity check
# --------------------------------------------------------------------------------------------------------------
def _is_probability_measure(law: Law, tol: float = 1e-6) -> bool:
    """Whether a candidate law is a probability measure: atoms of positive mass, a non-negative density on its
    support and total mass 1 (``tol`` absorbs quadrature error; a failed decompression misses by far more)."""
    try:
        atoms = law.atoms
        support = law.support
        if any(w < -tol for _, w in atoms):
            return False
        mass = sum(w for _, w in atoms)
        for a, b in support:
            x = np.linspace(a, b, 401)[1:-1]
            if np.any(np.asarray(law.pdf(x)) < -tol):
                return False
        xs, ws = law.continuous_rule()
        mass += float(np.sum(ws))
        return abs(mass - 1.0) <= max(tol, 1e-4) and bool(np.all(ws >= -tol))
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return False


def _algebraic_candidate(law: Law, factor: Any, size: int | None) -> Law:
    fx = factor if isinstance(factor, sp.Basic) else exact_value(factor)
    poly = law.sym.equation(T.m, T.z)
    return _algebraic_law(compress_equation(poly, fx), size)  # R(w) → R(f w): compress_equation's α = f


def max_valid_factor(law: Law, upper: float, *, rtol: float = 1e-3) -> float:
    """Largest factor in [1, upper] for which the exact decompression of ``law`` is a probability measure.

    Quadratic laws: exact, :math:`1 - 1/q_2`. Other algebraic laws: bisection on the positivity/mass check of the
    candidate (decompression by f is valid for every f up to the limit, since μ^{⊞s} exists for all s ≥ 1/f_max),
    to relative precision ``rtol``.
    """
    if isinstance(law, QuadraticLaw):
        return min(quadratic_max_factor(law.coefficients), float(upper))
    lo, hi = 1.0, float(upper)
    if _is_probability_measure(_algebraic_candidate(law, hi, None)):
        return hi
    while hi - lo > rtol * lo:
        mid = math.sqrt(lo * hi)
        if _is_probability_measure(_algebraic_candidate(law, mid, None)):
            lo = mid
        else:
            hi = mid
    return lo


def _exact_algebraic(law: Law, factor: Any, size: int | None) -> Law:
    candidate = _algebraic_candidate(law, factor, size)
    if not _is_sym(factor) and not law.is_symbolic and not _is_probability_measure(candidate):
        raise _invalid(law, factor, max_valid_factor(law, float(factor)))
    return candidate


def _has_equation(law: Law) -> bool:
    return bool(getattr(law, "is_algebraic", False))


def _exact(law: Law, factor: Any, size: int | None) -> Law:
    if isinstance(law, QuadraticLaw):
        return _exact_quadratic(law, factor, size)
    rule = _rule_for(law)
    if rule is not None:
        return rule(law, factor).with_size(size)
    if _has_equation(law):
        return _exact_algebraic(law, factor, size)
    raise TypeError(
        f"{type(law).__name__} has no exact decompression (no closed form and no algebraic equation); "
        f"use route=Route.NUMERIC"
    )


def _has_exact(law: Law) -> bool:
    return isinstance(law, QuadraticLaw) or _rule_for(law) is not None or _has_equation(law)


def _numeric(law: Law, factor: Any, size: int | None, floor: Any = None, **opts: Any) -> Law:
    if _is_sym(factor) or law.is_symbolic:
        raise TypeError("the numeric decompression route needs numeric parameters and a numeric factor")
    out = decompress_numeric(law, float(factor), floor=floor, **opts)
    return out if out.size == size else out.with_size(size)


def _is_data(law: Law) -> bool:
    return isinstance(law, Empirical)


def _report(out: Law, source: Law, route: Route, reason: str, fit: Any = None, spread: float | None = None) -> Law:
    if out is not source:  # never annotate the caller's own law object
        out._set("decompression_report", DecompressionReport(route, reason, fit, spread))
    return out


def _parametric(law: Law, factor: Any, size: int | None, floor: Any, *, auto: bool, **opts: Any) -> Law:
    """Fit the shifted free Meixner family to data and decompress the fit exactly (AUTO: numeric if rejected, if
    the fitted law's decompression goes below the floor, or if its spread exceeds :data:`SPREAD_MAX`)."""
    if _is_sym(factor):
        raise TypeError("the parametric decompression route needs a numeric factor")
    if not _is_data(law):
        raise TypeError(f"route=PARAMETRIC fits eigenvalues (fc.Empirical); {type(law).__name__} is a law: use "
                        f"route=Route.EXACT or Route.NUMERIC")
    lower = resolve_floor(law, floor)
    fit = fit_free_meixner(law, **opts)
    if fit.law is None or (auto and not fit.accepted):
        if not auto:
            raise ValueError(f"route=PARAMETRIC: cannot fit the free Meixner family to {law!r}: {fit.reason}")
        return _report(_numeric(law, factor, size, floor), law, Route.NUMERIC,
                       f"parametric fit rejected, numeric route used: {fit.reason}", fit)
    try:
        out = _exact(fit.law, factor, size)
    except DecompressionError as exc:
        raise DecompressionError(f"{law!r} was fitted by the free Meixner family ({fit.reason}); {exc}",
                                 exc.max_factor) from None
    low = below_floor(out, lower)
    if low is not None:
        if not auto:
            raise _floor_error(fit.law, low, factor, lower, floor is not None, "parametric")
        return _report(_numeric(law, factor, size, floor), law, Route.NUMERIC,
                       f"the free Meixner fit decompresses to eigenvalues down to {low:.4g}, below the floor "
                       f"{lower:g}; numeric route used ({fit.reason})", fit)
    why = "route=PARAMETRIC requested" if not auto else "free Meixner fit accepted"
    if fit.submodel is None:
        spread = decompression_spread(fit.law, float(factor), len(law.eigenvalues))
        tail = f"; TV spread of the prediction from the data's fourth-cumulant noise {spread:.3g}"
    else:  # the submodel is exact under decompression: no c to be uncertain about within it
        spread, tail = None, ""
    if spread is not None and spread > SPREAD_MAX and auto:
        # the family does the extrapolation here (see SPREAD_MAX): prefer the route that assumes none, flagged
        try:
            numeric_out = _numeric(law, factor, size, floor)
        except (ValueError, ArithmeticError, NotImplementedError) as exc:
            why_not = f"; the numeric route failed ({exc}), so the parametric result is kept"
        else:
            warnings.warn(f"decompressing {law!r} by {float(factor):g}: the parametric prediction's spread "
                          f"{spread:.3g} exceeds {SPREAD_MAX:g} (the factor is too large for {len(law.eigenvalues)} "
                          f"eigenvalues to pin the free Meixner family down), so the numeric route was used; expect "
                          f"errors of that order (decompress repeated submatrices or use a smaller factor)",
                          DecompressionWarning, stacklevel=4)
            return _report(numeric_out, law, Route.NUMERIC, f"parametric spread {spread:.3g} > {SPREAD_MAX:g} (SPREAD_MAX): "
                           f"numeric route used, flagged ({fit.reason})", fit, spread)
    else:
        why_not = ""
    if spread is not None and spread > SPREAD_MAX:
        warnings.warn(f"decompressing {law!r} by {float(factor):g}: the parametric prediction's spread {spread:.3g} "
                      f"exceeds {SPREAD_MAX:g}, so expect a TV error of that order: the factor is too large for "
                      f"{len(law.eigenvalues)} eigenvalues to pin the law down (decompress repeated submatrices or "
                      f"use a smaller factor)", DecompressionWarning, stacklevel=4)
        tail += f" > {SPREAD_MAX:g} (SPREAD_MAX): large expected error, flagged{why_not}"
    return _report(out, law, Route.PARAMETRIC, f"{why}: {fit.reason}{tail}", fit, spread)


def _as_route(route: Any) -> Route:
    return coerce_enum(route, Route, "route", hint="use freecalc.Route")


@register_operation("decompress")
def decompress(law: Law, n: int | None = None, *, factor: Any = None, route: Route | str = Route.AUTO,
               floor: float | None = None, **opts: Any) -> Law:
    r"""Free decompression: the law of the n×n matrix whose random n_s×n_s principal submatrices have law ``law``.

    Parameters
    ----------
    law : Law
        Law of the submatrix spectrum; ``law.size`` is the source size n_s (needed when ``n`` is given).
    n : int, optional
        Target size n ≥ n_s (an integral value: ``4000`` or ``4e3``).
    factor : float or sympy expression, optional
        f = n/n_s ≥ 1, instead of (or consistent with) ``n``.
    route : Route
        ``Route.AUTO`` (default), ``Route.EXACT``, ``Route.NUMERIC`` or ``Route.PARAMETRIC`` (data only; see the
        module docstring). The result's ``decompression_report`` records the route used and why.
    floor : float, optional
        Lower bound of the eigenvalues of the full matrix (:func:`resolve_floor`). None (default): 0 when the
        source is PSD (eigenvalues ≥ −round-off, or a law on [0, ∞)), no bound otherwise. A ridge σ
        (A = K + σI, K PSD): ``floor=σ``, which must not exceed the source's smallest eigenvalue. ``-math.inf``:
        no bound. A candidate reaching below the floor is never returned: AUTO falls back to another route, a
        forced route raises :class:`DecompressionError`. The floor is not detected from data: pass it.
    **opts
        Route options, checked up front (``TypeError`` naming unknown ones and listing the valid ones):
        ``Route.NUMERIC``: those of :func:`freecalc.operations.numeric_decompression.decompress_numeric`
        (``degree``, ``grid``, ``matrix``, ``n_eff``, ``outliers``, ``repeats``, ``rng``, ``solver``,
        ``support``, ``variable``); ``Route.PARAMETRIC`` and ``Route.AUTO`` on data: those of
        :func:`freecalc.operations.parametric_decompression.fit_free_meixner` (``bootstrap``, ``method``, ``rng``,
        ``snap``, ``threshold``). Numeric options never switch AUTO to the numeric route: pass
        ``route=Route.NUMERIC``.

    Returns
    -------
    Law
        The decompressed law, with ``size`` = n when known (a named law when the family is closed under
        decompression, an ``AlgebraicLaw`` otherwise, a numeric law on the numeric route).

    Raises
    ------
    TypeError
        Unknown or misplaced options, a non-integral n, a floor that is not a number.
    ValueError
        Missing target, n < n_s or factor < 1 (that is compression: ``fc.compress``), inconsistent n and factor, a
        floor above the source's smallest eigenvalue.
    DecompressionError
        (a ValueError) the factor is beyond the largest valid factor, which the message states and
        ``err.max_factor`` holds; or the decompression reaches below the floor.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.MarchenkoPastur(1/50, size=1000).decompress(32000)
    MarchenkoPastur(c=0.64, sigma2=1, size=32000)

    References
    ----------
    Nica & Speicher (2006), Lecture 14; Ameli, van der Heide, Hodgkinson, Mahoney (2025), arXiv:2506.11994.
    """
    if not isinstance(law, Law):
        raise TypeError(f"decompress needs a freecalc Law, got {type(law).__name__}; "
                        f"for eigenvalues use fc.Empirical(eigenvalues, size=n_s)")
    route = _as_route(route)
    check_options(opts, route=route.value, data=_is_data(law), exact=_has_exact(law), law_name=type(law).__name__)
    f, size = _resolve(law, n, factor)
    lower = resolve_floor(law, floor)
    if not _is_sym(f) and float(f) == 1.0:
        return law.with_size(size) if size != law.size else law
    if route is Route.PARAMETRIC or (route is Route.AUTO and _is_data(law)):
        return _parametric(law, f, size, floor, auto=route is Route.AUTO, **opts)
    if route is Route.NUMERIC or (route is Route.AUTO and not _has_exact(law)):
        why = "route=NUMERIC requested" if route is Route.NUMERIC else f"{type(law).__name__} has no exact rule"
        return _report(_numeric(law, f, size, floor, **opts), law, Route.NUMERIC, why)
    if route is Route.AUTO and not isinstance(law, QuadraticLaw) and _rule_for(law) is None:
        # an algebraic law whose equation cannot be processed (no Stieltjes factor found, unsupported symbolic
        # face) still has the numeric route; invalid factors (DecompressionError) are not retried
        try:
            out = _report(_exact(law, f, size), law, Route.EXACT, "algebraic equation")
        except DecompressionError:
            raise
        except (AlgebraicError, NotImplementedError) as exc:
            if _is_sym(f) or law.is_symbolic:
                raise
            return _report(_numeric(law, f, size, floor), law, Route.NUMERIC, f"exact route failed ({exc})")
    else:
        out = _report(_exact(law, f, size), law, Route.EXACT,
                      f"closed-form rule for {type(law).__name__}" if _rule_for(law) or isinstance(law, QuadraticLaw)
                      else "algebraic equation")
    low = None if (_is_sym(f) or law.is_symbolic) else below_floor(out, lower)
    if low is not None:
        raise _floor_error(law, low, f, lower, floor is not None, "exact")
    return out
