r"""Exact free decompression: closed-form rules per law class, quadratic (free Meixner) laws, algebraic equations.

Decompression by :math:`f \ge 1` maps the R-transform :math:`R(w) \mapsto R(fw)` (free cumulants
:math:`\kappa_k \mapsto f^{k-1}\kappa_k`; Nica & Speicher 2006, Lecture 14). This module computes it exactly:

* **closed-form rules** (:func:`~freecalc.operations.decompression_core.register_exact_rule`, one per law class,
  found along the MRO): semicircle r → r√f; MP(c, σ²) → MP(cf, σ²); Wachter(a, b) → Wachter(a/f, b/f);
  FreeMeixner(a, b, c) → FreeMeixner(fa, fb(c + f(1−c)), c/(c + f(1−c))); Kesten–McKay(d) →
  FreeMeixner(0, f(d − f), d/(d − f)); a point mass is its own decompression.
* **quadratic laws** :math:`Q m^2 - P m + 1 = 0` (all free Meixner laws): substituting :math:`m_0 = f m`,
  :math:`z_0 = z + (f-1)/(f m)` (the characteristics) into the source equation gives again a quadratic,

  .. math:: P' = \frac{P(z) - (f-1)(q_1 + 2 q_2 z)}{1 + q_2 (f-1)},\qquad Q' = \frac{f\,Q(z)}{1 + q_2(f-1)}

  (:func:`decompressed_quadratic`), a probability measure iff :math:`1 + q_2(f-1) \ge 0`: the largest valid
  factor is :math:`1 - 1/q_2` when :math:`q_2 < 0` (:func:`quadratic_max_factor`); at that factor the law is the
  two-atom law of the 2×2 Jacobi matrix.
* **other algebraic laws**: :func:`freecalc.symbolic.algebraic.compress_equation` with :math:`\alpha = f`; the
  candidate is checked for positivity and mass, and the largest valid factor is found by bisection
  (:func:`max_valid_factor`).

:func:`exact_decompression` is the entry point of the EXACT route of :func:`freecalc.decompress`.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.base import Law, exact_value
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.laws.wachter import Wachter
from freecalc.numerics.solvers import ConvergenceWarning
from freecalc.operations.decompression_checks import below_floor
from freecalc.operations.decompression_core import (
    DecompressionError,
    exact_rule_for,
    exact_rule_reason,
    register_exact_rule,
)

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")
A = lazy_module("freecalc.symbolic.algebraic")

__all__ = [
    "exact_decompression",
    "has_exact",
    "has_closed_form",
    "exact_reason",
    "is_sym",
    "floor_factor",
    "decompressed_quadratic",
    "quadratic_max_factor",
    "max_valid_factor",
]


def is_sym(value: Any) -> bool:
    """Whether ``value`` is a sympy expression with free symbols (a symbolic factor).

    Parameters
    ----------
    value : object

    Returns
    -------
    bool
    """
    return is_sympy(value) and bool(value.free_symbols)


def floor_factor(law: Law, factor: float, floor: float) -> float:
    """Largest factor in [1, factor] whose exact decompression of a quadratic law stays ≥ floor.

    Bisection (geometric, to relative 1e-6) on the lower edge, which decreases with the factor.

    Parameters
    ----------
    law : Law
        The source law.
    factor : float
        The requested factor (upper end of the search).
    floor : float
        The floor.

    Returns
    -------
    float
        The largest valid factor; NaN for laws that are not quadratic.
    """
    if not isinstance(law, QuadraticLaw):
        return math.nan
    lo, hi = 1.0, float(factor)
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        try:
            ok = below_floor(exact_decompression(law, mid, None), floor) is None
        except (DecompressionError, ZeroDivisionError):
            ok = False
        lo, hi = (mid, hi) if ok else (lo, mid)
        if hi - lo <= 1e-6 * lo:
            break
    return lo


# --------------------------------------------------------------------------------------------------------------
# quadratic (free Meixner) laws
# --------------------------------------------------------------------------------------------------------------
def _simp(value: Any) -> Any:
    return sp.simplify(value) if is_sympy(value) else value


def decompressed_quadratic(c: QuadraticCoefficients, factor: Any) -> QuadraticCoefficients:
    r"""Coefficients of the decompressed law of a quadratic law :math:`Q m^2 - P m + 1 = 0`.

    With :math:`D = 1 + q_2(f-1)`: :math:`p_0' = (p_0 - (f-1)q_1)/D`, :math:`p_1' = (p_1 - 2(f-1)q_2)/D`,
    :math:`q_k' = f q_k / D`. Works for floats and sympy expressions, and for any :math:`f > 0` (``f < 1`` is
    compression). Derivation: substitute :math:`m_0 = f m`, :math:`z_0 = z + (f-1)/(fm)` (the characteristics) into
    the source equation; the result is again quadratic in m, with constant term :math:`f D`.

    Parameters
    ----------
    c : QuadraticCoefficients
        (p0, p1, q0, q1, q2) of the source law.
    factor : float or sympy expression
        f.

    Returns
    -------
    QuadraticCoefficients
        The coefficients of the decompressed law.

    Raises
    ------
    ZeroDivisionError
        :math:`D = 0`: the factor is at the validity limit, where the result is purely atomic.
    """
    f = factor
    d = 1 + c.q2 * (f - 1)
    if not is_sympy(d) and d == 0:
        raise ZeroDivisionError("the decompressed law is purely atomic (factor at the validity limit)")
    return QuadraticCoefficients(
        p0=_simp((c.p0 - (f - 1) * c.q1) / d),
        p1=_simp((c.p1 - 2 * (f - 1) * c.q2) / d),
        q0=_simp(f * c.q0 / d),
        q1=_simp(f * c.q1 / d),
        q2=_simp(f * c.q2 / d),
    )


def quadratic_max_factor(c: QuadraticCoefficients) -> float:
    r"""Largest factor for which decompressing a quadratic law gives a probability measure.

    Parameters
    ----------
    c : QuadraticCoefficients
        Coefficients of the source law (numeric).

    Returns
    -------
    float
        :math:`1 - 1/q_2` when :math:`q_2 < 0`, ``inf`` otherwise (see the module docstring).
    """
    q2 = float(c.q2)
    return 1.0 - 1.0 / q2 if q2 < 0 else math.inf


def _quadratic_polynomial(c: QuadraticCoefficients, m: sp.Symbol = None, z: sp.Symbol = None) -> sp.Expr:
    m = T.m if m is None else m
    z = T.z if z is None else z
    return sp.expand((c.q0 + c.q1 * z + c.q2 * z ** 2) * m ** 2 - (c.p0 + c.p1 * z) * m + 1)


def _exact_coefficients(law: QuadraticLaw) -> QuadraticCoefficients:
    return QuadraticCoefficients(*(sp.nsimplify(v) if not is_sympy(v) else v
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
    if is_sym(d) or law.is_symbolic:
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
def _sqrt(value: Any) -> Any:
    return sp.sqrt(value) if is_sympy(value) else math.sqrt(value)


def _mul(a: Any, b: Any) -> Any:
    # with a symbolic side, a float factor such as 32.0 enters as the exact number 32, not Float(32.0)
    if is_sympy(a) or is_sympy(b):
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



@register_exact_rule(PointMass)
def _point_mass(law: PointMass, f: Any) -> Law:
    # R(w) = a is constant: δ_a is its own decompression (a multiple of the identity stays one)
    return law



def _algebraic_law(poly: sp.Expr, size: int | None) -> Law:
    return AlgebraicLaw(poly, size=size)


def _exact_quadratic(law: QuadraticLaw, factor: Any, size: int | None) -> Law:
    at_limit = _quadratic_validity(law, factor)
    if at_limit:
        return _boundary_atoms(law, factor, size)
    rule = exact_rule_for(law)
    if rule is not None:
        return rule(law, factor).with_size(size)
    fx = factor if is_sympy(factor) else exact_value(factor)
    coef = decompressed_quadratic(_exact_coefficients(law), fx)
    return _algebraic_law(_quadratic_polynomial(coef), size)


# --------------------------------------------------------------------------------------------------------------
# general algebraic laws: equation + positivity check
# --------------------------------------------------------------------------------------------------------------
def _is_probability_measure(law: Law, tol: float = 1e-6) -> bool:
    """Whether a candidate law is a probability measure: atoms of positive mass, a non-negative density on its
    support and total mass 1 (``tol`` absorbs quadrature error; a failed decompression misses by far more).
    A candidate whose density the branch solver cannot evaluate everywhere (:class:`ConvergenceWarning`) is not
    certified: that happens where sheets of an invalid candidate's curve collide."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            return _certify(law, tol)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, ConvergenceWarning):
        return False


def _certify(law: Law, tol: float) -> bool:
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


def _algebraic_candidate(law: Law, factor: Any, size: int | None) -> Law:
    fx = factor if is_sympy(factor) else exact_value(factor)
    poly = law.sym.equation(T.m, T.z)
    return _algebraic_law(A.compress_equation(poly, fx), size)  # R(w) → R(f w): compress_equation's α = f


def max_valid_factor(law: Law, upper: float, *, rtol: float = 1e-3) -> float:
    """Largest factor in [1, upper] for which the exact decompression of ``law`` is a probability measure.

    Quadratic laws: exact, :math:`1 - 1/q_2`. Other algebraic laws: bisection on the positivity/mass check of the
    candidate (decompression by f is valid for every f up to the limit, since μ^{⊞s} exists for all s ≥ 1/f_max),
    to relative precision ``rtol``.

    Parameters
    ----------
    law : Law
        An algebraic law with numeric parameters.
    upper : float
        Upper end of the search.
    rtol : float
        Relative precision of the bisection (1e-3: the answer is a size limit n ≤ f·n_s, needed to ~3 digits).

    Returns
    -------
    float
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
    if not is_sym(factor) and not law.is_symbolic and not _is_probability_measure(candidate):
        raise _invalid(law, factor, max_valid_factor(law, float(factor)))
    return candidate


def _has_equation(law: Law) -> bool:
    return bool(getattr(law, "is_algebraic", False))


def exact_decompression(law: Law, factor: Any, size: int | None) -> Law:
    """The exact decompression of ``law`` by ``factor``: a registered rule, the quadratic formula or the equation.

    Parameters
    ----------
    law : Law
        The source law.
    factor : float or sympy expression
        f ≥ 1 (checked by the caller).
    size : int or None
        Size of the result.

    Returns
    -------
    Law
        A named law, :class:`~freecalc.laws.discrete.Atoms` at the validity limit of a quadratic law, or an
        :class:`~freecalc.laws.algebraic.AlgebraicLaw`.

    Raises
    ------
    DecompressionError
        The factor exceeds the largest valid factor (stated in the message and ``err.max_factor``).
    TypeError
        The law has no rule and no algebraic equation.
    """
    if isinstance(law, QuadraticLaw):
        return _exact_quadratic(law, factor, size)
    rule = exact_rule_for(law)
    if rule is not None:
        return rule(law, factor).with_size(size)
    if _has_equation(law):
        return _exact_algebraic(law, factor, size)
    raise TypeError(
        f"{type(law).__name__} has no exact decompression (no closed form and no algebraic equation); "
        f"use route=Route.NUMERIC"
    )


def has_closed_form(law: Law) -> bool:
    """Whether ``law`` has a closed-form rule (a registered rule or the quadratic formula), not only an equation.

    Parameters
    ----------
    law : Law

    Returns
    -------
    bool
    """
    return isinstance(law, QuadraticLaw) or exact_rule_for(law) is not None


def has_exact(law: Law) -> bool:
    """Whether the exact route applies to ``law``: a closed-form rule or an algebraic equation.

    Parameters
    ----------
    law : Law

    Returns
    -------
    bool
    """
    return has_closed_form(law) or _has_equation(law)


def exact_reason(law: Law) -> str:
    """The report's reason for an exact decompression of ``law``.

    Parameters
    ----------
    law : Law

    Returns
    -------
    str
        The registered rule's reason, ``"closed-form rule for <class>"``, or ``"algebraic equation"``.
    """
    if exact_rule_for(law) is not None:
        return exact_rule_reason(law)
    return f"closed-form rule for {type(law).__name__}" if isinstance(law, QuadraticLaw) else "algebraic equation"
