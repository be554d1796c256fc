r"""Pushforwards and one-law operations: shift, scale (the ``law + c``, ``c * law`` hooks), ``inverse``,
``power`` (free additive power :math:`\mu^{\boxplus s}`), ``compress`` and ``wishart_of``.

Each tries, in order: a closed form that returns the named family (e.g. ``2 * Semicircle(1) == Semicircle(2)``),
registered per law class with :func:`register_pushforward_rule` (looked up along the law's MRO, so a law defined
anywhere adds its own next to its class), the exact polynomial route for algebraic laws
(:mod:`freecalc.symbolic.algebraic`), and a generic route for any law (an affine/reciprocal pushforward law of
:mod:`freecalc.operations.pushforward_laws`, or numeric subordination).

* shift/scale: :math:`m_{aX+b}(z) = m_X((z-b)/a)/a`;
* inverse: :math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2` (needs no mass near 0);
* power: :math:`R_{\mu^{\boxplus s}} = sR_\mu`, a probability law for :math:`s \ge 1` (Nica–Speicher 1996);
* compress: the law of a random α-fraction principal submatrix, :math:`R_\alpha(w) = R(\alpha w)`, i.e.
  :math:`D_\alpha(\mu^{\boxplus 1/\alpha})` (Nica & Speicher, Lecture 14);
* wishart_of(a, c): :math:`\frac1N T^{1/2}XX^\top T^{1/2}` with population law a and :math:`p/N \to c`, i.e.
  :math:`a \boxtimes \mathrm{MP}(c)` (Marchenko–Pastur / Silverstein equation).
"""
from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.base import Law, register_operation
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.shifted_free_meixner import ShiftedFreeMeixner
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.quadratic import QuadraticLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.operations.convolution import is_algebraic, law_argument, values
from freecalc.operations.pushforward_laws import AffineLaw, InverseLaw
from freecalc.operations.subordination import compress_numeric, free_mul_numeric, free_power_numeric

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["shift", "scale", "inverse", "power", "compress", "wishart_of", "AffineLaw", "InverseLaw", "Pushforward",
           "register_pushforward_rule"]


def _number(value: Any, name: str, where: str) -> Any:
    """A real number (float) or a real sympy expression; clear errors otherwise."""
    if isinstance(value, Law):
        raise TypeError(f"{where}: {name} must be a number, got the law {value!r}")
    if is_sympy(value):
        if value.is_real is False:
            raise ValueError(f"{where}: {name} must be real, got {value}")
        return value if value.free_symbols else (float(value) if value.is_Float else value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {type(value).__name__} {value!r}")
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return f


def _exact(v: Any) -> sp.Expr:
    return v if is_sympy(v) else sp.nsimplify(repr(float(v)), rational=True)


def _symbolic(v: Any) -> bool:
    return is_sympy(v) and bool(v.free_symbols)


# ------------------------------------------------------------------------------------------------------------------
# closed forms registered per law class
# ------------------------------------------------------------------------------------------------------------------
class Pushforward(enum.Enum):
    """The one-law operations that take closed-form rules (:func:`register_pushforward_rule`)."""

    SHIFT = "shift"
    SCALE = "scale"
    INVERSE = "inverse"
    POWER = "power"
    COMPRESS = "compress"
    WISHART_OF = "wishart_of"


PushforwardRule = Callable[[Law, Any], "Law | None"]
_RULES: dict[Pushforward, dict[type, PushforwardRule]] = {op: {} for op in Pushforward}


def register_pushforward_rule(op: Pushforward, cls: type) -> Callable[[PushforwardRule], PushforwardRule]:
    """Register ``rule(law, value) -> Law | None`` as the closed form of ``op`` for laws of class ``cls``.

    ``value`` is the operation's checked argument (the shift c, the factor a, the power s, the fraction α, the
    ratio c; ``None`` for ``INVERSE``). The rules of the law's classes are tried along its MRO, most specific first;
    a rule returns None when it does not apply to these parameters (the next class's rule, then the generic
    route runs: the polynomial method for algebraic laws, else a pushforward law or numeric subordination).

    Parameters
    ----------
    op : Pushforward
    cls : type
        The law class.

    Returns
    -------
    callable
        The decorator (it returns the rule unchanged).
    """
    def deco(rule: PushforwardRule) -> PushforwardRule:
        _RULES[op][cls] = rule
        return rule
    return deco


def _closed_form(op: Pushforward, law: Law, value: Any) -> Law | None:
    table = _RULES[op]
    for klass in type(law).__mro__:
        rule = table.get(klass)
        if rule is not None:
            out = rule(law, value)
            if out is not None:
                return out
    return None


def _numeric_value(law: Law, value: Any) -> bool:
    return not law.is_symbolic and not _symbolic(value)


# -- shift ---------------------------------------------------------------------------------------------------------
@register_pushforward_rule(Pushforward.SHIFT, Semicircle)
def _shift_semicircle(law: Semicircle, c: Any) -> Law:
    return law.replace(center=values(law)["center"] + c)


@register_pushforward_rule(Pushforward.SHIFT, PointMass)
def _shift_point(law: PointMass, c: Any) -> Law:
    return law.replace(loc=law.loc + c)


@register_pushforward_rule(Pushforward.SHIFT, Atoms)
def _shift_atoms(law: Atoms, c: Any) -> Law:
    return Atoms([a + c for a in law.locations], law.weights, size=law.size)


@register_pushforward_rule(Pushforward.SHIFT, QuadraticLaw)
def _shift_quadratic(law: QuadraticLaw, c: Any) -> Law | None:
    # every quadratic law with numeric parameters is a ShiftedFreeMeixner: a fitted location keeps a readable named
    # law instead of an equation with enormous exact coefficients
    if not _numeric_value(law, c):
        return None
    fm = ShiftedFreeMeixner.from_quadratic(law)
    return fm.replace(loc=fm.loc + c)


# -- scale ---------------------------------------------------------------------------------------------------------
@register_pushforward_rule(Pushforward.SCALE, Semicircle)
def _scale_semicircle(law: Semicircle, a: Any) -> Law:
    p = values(law)
    if _symbolic(a) or law.is_symbolic:
        a = _exact(a)
        return Semicircle(sp.Abs(a) * p["r"], center=a * p["center"], size=law.size)
    return Semicircle(abs(a) * law.r, center=a * law.center, size=law.size)


@register_pushforward_rule(Pushforward.SCALE, MarchenkoPastur)
def _scale_mp(law: MarchenkoPastur, a: Any) -> Law | None:
    if not (_symbolic(a) and a.is_positive or not _symbolic(a) and a > 0):
        return None  # a negative multiple of MP is no MP law: the quadratic rule takes it
    return law.replace(sigma2=values(law)["sigma2"] * (_exact(a) if law.is_symbolic else a))


@register_pushforward_rule(Pushforward.SCALE, PointMass)
def _scale_point(law: PointMass, a: Any) -> Law:
    return law.replace(loc=law.loc * a)


@register_pushforward_rule(Pushforward.SCALE, Atoms)
def _scale_atoms(law: Atoms, a: Any) -> Law:
    return Atoms([a * x for x in law.locations], law.weights, size=law.size)


@register_pushforward_rule(Pushforward.SCALE, QuadraticLaw)
def _scale_quadratic(law: QuadraticLaw, a: Any) -> Law | None:
    # Jacobi parameters scale as α → aα, ω → a²ω: (loc, a', b, c) → (a·loc, a·a', a²b, c), any sign of a
    if not _numeric_value(law, a):
        return None
    fm = ShiftedFreeMeixner.from_quadratic(law)
    return fm.replace(loc=a * fm.loc, a=a * fm.a, b=a * a * fm.b)


# -- inverse, power, compress, wishart_of --------------------------------------------------------------------------
def _mass_near_zero(law: Law) -> str | None:
    for a, w in law.atoms:
        if a == 0:
            return f"an atom of mass {w:g} at 0"
    for lo, hi in law.support:
        if lo <= 0 <= hi:
            return f"support interval [{lo:g}, {hi:g}] containing 0"
    return None


def _check_invertible(a: Law) -> None:
    bad = _mass_near_zero(a)
    if bad is not None:
        raise ValueError(f"inverse: {a!r} has {bad}; 1/X is then not a compactly supported law "
                         f"(shift it away from 0 first)")


@register_pushforward_rule(Pushforward.INVERSE, PointMass)
def _inverse_point(a: PointMass, _: Any) -> Law | None:
    if a.is_symbolic:
        return None
    if a.loc == 0:
        raise ValueError("inverse: the point mass at 0 has no inverse")
    return PointMass(1.0 / a.loc, size=a.size)


@register_pushforward_rule(Pushforward.INVERSE, Atoms)
def _inverse_atoms(a: Atoms, _: Any) -> Law:
    _check_invertible(a)
    return Atoms([1 / x for x in a.locations], a.weights, size=a.size)


@register_pushforward_rule(Pushforward.POWER, Semicircle)
def _power_semicircle(a: Semicircle, s: Any) -> Law:
    p = values(a)
    root = sp.sqrt(s) if (_symbolic(s) or a.is_symbolic) else math.sqrt(s)
    return Semicircle(p["r"] * root, center=s * p["center"], size=a.size)


@register_pushforward_rule(Pushforward.POWER, MarchenkoPastur)
def _power_mp(a: MarchenkoPastur, s: Any) -> Law:
    p = values(a)
    return MarchenkoPastur(p["c"] / s, sigma2=s * p["sigma2"], size=a.size)


@register_pushforward_rule(Pushforward.POWER, PointMass)
def _power_point(a: PointMass, s: Any) -> Law:
    return PointMass(s * a.loc, size=a.size)


def _compressed_size(a: Law, alpha: Any) -> int | None:
    return None if a.size is None or _symbolic(alpha) else max(1, int(round(alpha * a.size)))


@register_pushforward_rule(Pushforward.COMPRESS, Semicircle)
def _compress_semicircle(a: Semicircle, alpha: Any) -> Law:
    p = values(a)
    root = sp.sqrt(alpha) if (_symbolic(alpha) or a.is_symbolic) else math.sqrt(alpha)
    return Semicircle(p["r"] * root, center=p["center"], size=_compressed_size(a, alpha))


@register_pushforward_rule(Pushforward.COMPRESS, MarchenkoPastur)
def _compress_mp(a: MarchenkoPastur, alpha: Any) -> Law:
    p = values(a)
    return MarchenkoPastur(p["c"] * alpha, sigma2=p["sigma2"], size=_compressed_size(a, alpha))


@register_pushforward_rule(Pushforward.COMPRESS, PointMass)
def _compress_point(a: PointMass, alpha: Any) -> Law:
    return a.replace(size=_compressed_size(a, alpha))


@register_pushforward_rule(Pushforward.WISHART_OF, PointMass)
def _wishart_point(a: PointMass, c: Any) -> Law:
    return MarchenkoPastur(c, sigma2=a.loc, size=a.size)


# ------------------------------------------------------------------------------------------------------------------
# the operations: closed form, else the polynomial method, else the generic route
# ------------------------------------------------------------------------------------------------------------------
@register_operation("shift")
def shift(law: Law, c: Any) -> Law:
    """The law of X + c (``law + c``).

    Parameters
    ----------
    law : Law
    c : float or sympy expression
        The shift.

    Returns
    -------
    Law
        A named law (closed form), an :class:`AlgebraicLaw`, or an :class:`AffineLaw`.

    Raises
    ------
    TypeError
        ``law`` is not a Law, ``c`` is not a real number, or ``c`` is symbolic and the law has no equation.
    """
    law_argument(law, "law", "shift")
    c = _number(c, "c", "shift")
    if not _symbolic(c) and c == 0:
        return law
    out = _closed_form(Pushforward.SHIFT, law, c)
    if out is not None:
        return out
    if is_algebraic(law):
        alg = to_algebraic(law)
        return AlgebraicLaw(A.shift_equation(alg.equation, _exact(c), T.m, T.z), size=law.size, reduce=False)
    if _symbolic(c):
        raise TypeError(f"shift: a symbolic shift needs an algebraic law, got {law!r}")
    return AffineLaw(law, 1.0, c)


@register_operation("scale")
def scale(law: Law, a: Any) -> Law:
    """The law of a·X (``a * law``, ``law / a``, ``-law``).

    Parameters
    ----------
    law : Law
    a : float or sympy expression
        The factor (any sign; 0 gives the point mass at 0).

    Returns
    -------
    Law
        A named law (closed form), an :class:`AlgebraicLaw`, or an :class:`AffineLaw`.

    Raises
    ------
    TypeError
        ``law`` is not a Law, ``a`` is not a real number, or ``a`` is symbolic and the law has no equation.
    """
    law_argument(law, "law", "scale")
    a = _number(a, "a", "scale")
    if not _symbolic(a):
        if a == 1:
            return law
        if a == 0:
            return PointMass(0.0, size=law.size)
    out = _closed_form(Pushforward.SCALE, law, a)
    if out is not None:
        return out
    if is_algebraic(law):
        alg = to_algebraic(law)
        return AlgebraicLaw(A.dilate_equation(alg.equation, _exact(a), T.m, T.z), size=law.size, reduce=False)
    if _symbolic(a):
        raise TypeError(f"scale: a symbolic factor needs an algebraic law, got {law!r}")
    return AffineLaw(law, a, 0.0)


def inverse(a: Law) -> Law:
    r"""The law of :math:`X^{-1}` (``a`` must put no mass at or around 0).

    Algebraic laws give an :class:`AlgebraicLaw` (:func:`~freecalc.symbolic.algebraic.inverse_equation`);
    others an :class:`InverseLaw` pushforward: :math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2`.

    Parameters
    ----------
    a : Law

    Returns
    -------
    Law

    Raises
    ------
    ValueError
        The law has an atom at 0 or a support interval containing 0.
    TypeError
        ``a`` is not a Law, or it is symbolic without an equation.
    """
    law_argument(a, "a", "inverse")
    out = _closed_form(Pushforward.INVERSE, a, None)
    if out is not None:
        return out
    if not a.is_symbolic:
        _check_invertible(a)
    if is_algebraic(a):
        alg = to_algebraic(a)
        hint = None
        if not a.is_symbolic:
            # every sheet of m_{1/X} starts like -1/z; E[X^-k] (quadrature, support away from 0) picks ours
            xs, ws = a.continuous_rule()
            hint = [float(np.sum(ws * xs ** -k) + sum(w * loc ** -k for loc, w in a.atoms)) for k in (1, 2, 3)]
        return AlgebraicLaw(A.inverse_equation(alg.equation, T.m, T.z), size=a.size, reduce=False, hint=hint)
    if a.is_symbolic:
        raise TypeError(f"inverse: {a!r} has symbolic parameters and no polynomial equation")
    return InverseLaw(a)


def _check_s(s: Any, where: str, name: str = "s") -> Any:
    s = _number(s, name, where)
    if not _symbolic(s) and s < 1:
        raise ValueError(f"{where}: {name} must be >= 1 (μ^⊞s is a probability law only for s >= 1), got {s!r}")
    return s


def power(a: Law, s: Any, **opts: Any) -> Law:
    r"""Free additive power :math:`\mu^{\boxplus s}` (:math:`R \to sR`), for real :math:`s \ge 1`: the law of the
    normalised sum of s free copies when s is an integer (Nica & Speicher 1996).

    Parameters
    ----------
    a : Law
    s : float or sympy expression
        The power, s ≥ 1.
    **opts
        Options of the numeric route (:func:`freecalc.operations.subordination.free_power_numeric`).

    Returns
    -------
    Law
        A named law (closed form), an :class:`AlgebraicLaw`, or a numeric law.

    Raises
    ------
    ValueError
        s < 1 (μ^⊞s is then not a probability law in general).
    TypeError
        ``a`` is not a Law or ``s`` is not a real number.
    """
    law_argument(a, "a", "power")
    s = _check_s(s, "power")
    if not _symbolic(s) and s == 1:
        return a
    out = _closed_form(Pushforward.POWER, a, s)
    if out is not None:
        return out
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.power_equation(alg.equation, _exact(s), T.m, T.z), size=a.size, reduce=False)
    return free_power_numeric(a, s, **opts)


def compress(a: Law, alpha: Any, **opts: Any) -> Law:
    r"""Law of a random α-fraction principal submatrix (:math:`0 < \alpha \le 1`): :math:`R_\alpha(w) =
    R(\alpha w)`, i.e. the dilation by α of :math:`\mu^{\boxplus 1/\alpha}` (Nica & Speicher, Lecture 14).

    Parameters
    ----------
    a : Law
    alpha : float or sympy expression
        The kept fraction of rows/columns, in (0, 1]. The size (if known) becomes ``round(alpha * size)``.
    **opts
        Options of the numeric route (:func:`freecalc.operations.subordination.compress_numeric`).

    Returns
    -------
    Law
        A named law (closed form), an :class:`AlgebraicLaw`, or a numeric law.

    Raises
    ------
    ValueError
        ``alpha`` outside (0, 1].
    TypeError
        ``a`` is not a Law or ``alpha`` is not a real number.
    """
    law_argument(a, "a", "compress")
    alpha = _number(alpha, "alpha", "compress")
    if not _symbolic(alpha) and not 0 < alpha <= 1:
        raise ValueError(f"compress: alpha must lie in (0, 1] (the kept fraction of rows/columns), got {alpha!r}")
    if not _symbolic(alpha) and alpha == 1:
        return a
    out = _closed_form(Pushforward.COMPRESS, a, alpha)
    if out is not None:
        return out
    size = _compressed_size(a, alpha)
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.compress_equation(alg.equation, _exact(alpha), T.m, T.z), size=size, reduce=False)
    return compress_numeric(a, alpha, **opts)


def wishart_of(a: Law, c: Any, **opts: Any) -> Law:
    r"""Limiting spectral law of the sample covariance :math:`\frac1N T^{1/2} X X^\top T^{1/2}` with population
    law ``a`` (on :math:`[0, \infty)`) and :math:`p/N \to c`: :math:`a \boxtimes \mathrm{MP}(c)`, solved from the
    Marchenko–Pastur/Silverstein equation :math:`m = \int dH(t)/(t(1 - c - czm) - z)`.

    Parameters
    ----------
    a : Law
        The population law, on [0, ∞).
    c : float or sympy expression
        The ratio p/N > 0.
    **opts
        Options of the numeric route (:func:`freecalc.operations.subordination.free_mul_numeric`).

    Returns
    -------
    Law
        Marchenko–Pastur for a point mass, an :class:`AlgebraicLaw` for algebraic laws, a numeric law otherwise.

    Raises
    ------
    ValueError
        c ≤ 0, a population law reaching below 0, or the point mass at 0.
    TypeError
        ``a`` is not a Law or ``c`` is not a real number.
    """
    law_argument(a, "a", "wishart_of")
    c = _number(c, "c", "wishart_of")
    if not _symbolic(c) and not c > 0:
        raise ValueError(f"wishart_of: c (the ratio p/N) must be > 0, got {c!r}")
    if not a.is_symbolic:
        lo = min([x for x, _ in a.support] + [x for x, _ in a.atoms])
        if lo < 0:
            raise ValueError(f"wishart_of: the population law must live on [0, ∞) (a covariance spectrum), "
                             f"{a!r} reaches {lo:g}")
        if a.mean() == 0:
            raise ValueError("wishart_of: the population law is the point mass at 0")
    out = _closed_form(Pushforward.WISHART_OF, a, c)
    if out is not None:
        return out
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.wishart_equation(alg.equation, _exact(c), T.m, T.z), size=a.size, reduce=False)
    return free_mul_numeric(a, MarchenkoPastur(c), **opts)
