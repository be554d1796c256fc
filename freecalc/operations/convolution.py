r"""Free additive (⊞) and multiplicative (⊠) convolution: ``fc.free_add`` and ``fc.free_mul``.

Routes (:class:`Method`):

* ``EXACT`` — both laws algebraic: the polynomial method (R-transforms add / S-transforms multiply, eliminated by
  a resultant in :mod:`freecalc.symbolic.algebraic`), reduced to the irreducible factor carrying the Stieltjes
  branch, returned as an :class:`~freecalc.laws.algebraic.AlgebraicLaw` (symbolic parameters allowed). Closed-form
  identities return the named law instead:

  - :math:`\mathrm{SC}(r_1, a_1) \boxplus \mathrm{SC}(r_2, a_2) = \mathrm{SC}(\sqrt{r_1^2 + r_2^2}, a_1 + a_2)`
    (R-transforms :math:`a + r^2 w/4` add);
  - :math:`\mathrm{MP}(c_1, \sigma_1^2) \boxplus \mathrm{MP}(c_2, \sigma_2^2)` with :math:`c_1\sigma_1^2 =
    c_2\sigma_2^2 = \lambda`: :math:`R = (\sigma_1^2 + \sigma_2^2)/(1 - \lambda w)`, i.e.
    :math:`\mathrm{MP}(\lambda/(\sigma_1^2 + \sigma_2^2), \sigma_1^2 + \sigma_2^2)`; in particular
    :math:`\mathrm{MP}(c) \boxplus \mathrm{MP}(c) = 2\cdot\mathrm{MP}(c/2)`;
  - :math:`\delta_a \boxplus \mu = \mu + a` and :math:`\delta_s \boxtimes \mu = s\mu`.

* ``NUMERIC`` — subordination (:mod:`freecalc.operations.subordination`), for any laws with a numeric face.
* ``AUTO`` (default) — ``EXACT`` when both laws are algebraic, else ``NUMERIC``.

⊠ is the law of :math:`A^{1/2} B A^{1/2}`: it needs one factor on :math:`[0, \infty)` and non-zero means (the
S-transform route); both factors on :math:`[0, \infty)` for the numeric route.

Reference: Rao & Edelman (2008), *The polynomial method for random matrices*; Nica & Speicher (2006), Lectures
12 and 18; Voiculescu, Dykema & Nica (1992).
"""
from __future__ import annotations

import enum
import math
from collections.abc import Callable
from typing import Any

import sympy as sp

from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.base import Law, dispatch
from freecalc.laws.discrete import PointMass
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.semicircle import Semicircle
from freecalc.symbolic import algebraic as A
from freecalc.symbolic import transforms as T

__all__ = ["Method", "free_add", "free_mul", "register_add_identity", "register_mul_identity"]


class Method(enum.Enum):
    """Route of a free convolution (see the module docstring)."""

    AUTO = "auto"
    EXACT = "exact"
    NUMERIC = "numeric"


def as_method(method: Any, where: str) -> Method:
    """A :class:`Method` from a member or its value (``"exact"``), with a clear error otherwise."""
    if isinstance(method, Method):
        return method
    try:
        return Method(method)
    except ValueError:
        allowed = ", ".join(f"Method.{m.name}" for m in Method)
        raise ValueError(f"{where}: method must be one of {allowed}, got {method!r}") from None


def check_law(value: Any, name: str, where: str) -> Law:
    if not isinstance(value, Law):
        raise TypeError(f"{where}: {name} must be a freecalc Law, got {type(value).__name__} {value!r}")
    return value


def common_size(*laws: Law) -> int | None:
    """The matrix dimension shared by all laws, else None."""
    sizes = {law.size for law in laws}
    return sizes.pop() if len(sizes) == 1 else None


def is_algebraic(law: Law) -> bool:
    return bool(getattr(law, "is_algebraic", False))


# -- closed-form identities ---------------------------------------------------------------------------------------
_ADD_RULES: dict[tuple[type, type], Callable[[Law, Law], Law | None]] = {}
_MUL_RULES: dict[tuple[type, type], Callable[[Law, Law], Law | None]] = {}


def register_add_identity(ta: type, tb: type):
    """Register ``rule(a, b) -> Law | None`` for ``a ⊞ b`` with ``type(a) is ta`` and ``type(b) is tb``
    (tried in both orders; return None when the identity does not apply to these parameters)."""
    def deco(func):
        _ADD_RULES[(ta, tb)] = func
        return func
    return deco


def register_mul_identity(ta: type, tb: type):
    """As :func:`register_add_identity` for ⊠."""
    def deco(func):
        _MUL_RULES[(ta, tb)] = func
        return func
    return deco


def _identity(rules: dict, a: Law, b: Law) -> Law | None:
    for x, y in ((a, b), (b, a)):
        for (ta, tb), rule in rules.items():
            if isinstance(x, ta) and isinstance(y, tb):
                out = rule(x, y)
                if out is not None:
                    return out
    return None


def _is_zero(expr: Any) -> bool:
    e = sp.simplify(sp.sympify(expr))
    return e == 0


def values(law: Law) -> dict[str, Any]:
    """Parameter values: exact sympy numbers when anything is symbolic (no float contamination), else floats."""
    return dict(law.sym.params) if law.is_symbolic else law.params


@register_add_identity(Semicircle, Semicircle)
def _sc_sc(a: Semicircle, b: Semicircle) -> Law:
    if a.is_symbolic or b.is_symbolic:
        pa, pb = a.sym.params, b.sym.params
        return Semicircle(sp.sqrt(pa["r"] ** 2 + pb["r"] ** 2), center=pa["center"] + pb["center"])
    return Semicircle(math.hypot(a.r, b.r), center=a.center + b.center)


@register_add_identity(MarchenkoPastur, MarchenkoPastur)
def _mp_mp(a: MarchenkoPastur, b: MarchenkoPastur) -> Law | None:
    symbolic = a.is_symbolic or b.is_symbolic
    pa, pb = (a.sym.params, b.sym.params) if symbolic else (a.params, b.params)
    la, lb = pa["c"] * pa["sigma2"], pb["c"] * pb["sigma2"]
    if symbolic:
        if not _is_zero(la - lb):
            return None
    elif abs(la - lb) > 1e-14 * max(abs(la), abs(lb)):
        return None
    s2 = pa["sigma2"] + pb["sigma2"]
    return MarchenkoPastur(sp.simplify(la / s2) if symbolic else la / s2, sigma2=s2)


@register_add_identity(PointMass, Law)
def _delta_add(a: PointMass, b: Law) -> Law:
    return dispatch("shift", b, a.loc)


@register_mul_identity(PointMass, Law)
def _delta_mul(a: PointMass, b: Law) -> Law:
    if not a.is_symbolic and a.loc == 0:
        return PointMass(0.0, size=b.size)
    return dispatch("scale", b, a.loc)


# -- checks for ⊠ -------------------------------------------------------------------------------------------------
def _nonnegative(law: Law) -> bool | None:
    """Whether the law lives on [0, ∞) (None when it cannot be decided: symbolic parameters)."""
    if law.is_symbolic:
        return None
    lo = min([a for a, _ in law.support] + [a for a, _ in law.atoms])
    hi = max([b for _, b in law.support] + [a for a, _ in law.atoms])
    return lo >= -1e-12 * max(1.0, abs(hi))


def _check_mul(a: Law, b: Law, where: str) -> None:
    na, nb = _nonnegative(a), _nonnegative(b)
    if na is False and nb is False:
        raise ValueError(f"{where}: free multiplicative convolution needs a law on [0, ∞) (it is the law of "
                         f"A^½ B A^½); both {a!r} (support {a.support}) and {b!r} (support {b.support}) have "
                         f"mass on the negative half-line")
    for name, law in (("a", a), ("b", b)):
        if not law.is_symbolic and abs(law.mean()) < 1e-14:
            raise ValueError(f"{where}: {name} = {law!r} has mean 0, so its S-transform (and this route to ⊠) is "
                             f"undefined")


# -- the two operations --------------------------------------------------------------------------------------------
def _numeric_module():
    from freecalc.operations import subordination  # lazy: same layer, heavier import
    return subordination


_OPS = {"add": (_ADD_RULES, A.add_equations, "free_add_numeric"),
        "mul": (_MUL_RULES, A.mul_equations, "free_mul_numeric")}


def _combine(a: Law, b: Law, method: Method, opts: dict, op: str) -> Law:
    """One route rule for ⊞ and ⊠: a named identity, else the exact polynomial, else subordination."""
    size = common_size(a, b)
    rules, exact, numeric = _OPS[op]
    name = f"free_{op}"
    if method is not Method.NUMERIC:
        named = _identity(rules, a, b)
        if named is not None:
            return named.with_size(size) if named.size != size else named
    if op == "mul":
        _check_mul(a, b, name)
    if method is not Method.NUMERIC:
        if is_algebraic(a) and is_algebraic(b):
            P = exact(to_algebraic(a).equation, to_algebraic(b).equation, T.m, T.z)
            return AlgebraicLaw(P, size=size, reduce=False)
        if method is Method.EXACT:
            bad = a if not is_algebraic(a) else b
            raise TypeError(f"{name}: method=Method.EXACT needs algebraic laws; {bad!r} is not algebraic "
                            f"(use Method.AUTO or Method.NUMERIC)")
    return getattr(_numeric_module(), numeric)(a, b, **opts)


def _add2(a: Law, b: Law, method: Method, opts: dict) -> Law:
    return _combine(a, b, method, opts, "add")


def _mul2(a: Law, b: Law, method: Method, opts: dict) -> Law:
    return _combine(a, b, method, opts, "mul")


def free_add(a: Law, b: Law, *more: Law, method: Any = Method.AUTO, **opts: Any) -> Law:
    r"""Free additive convolution :math:`a \boxplus b \boxplus \dots`: the limiting spectral law of
    :math:`A + QBQ^\top` for large matrices with spectra a, b and Haar-distributed Q.

    Parameters
    ----------
    a, b, *more : Law
        The laws (two or more).
    method : Method, default Method.AUTO
        ``EXACT`` (polynomial method, algebraic laws only), ``NUMERIC`` (subordination) or ``AUTO``.
    **opts
        Options of the numeric route (see :func:`freecalc.operations.subordination.free_add_numeric`).

    Returns
    -------
    Law
        A named law when a closed-form identity applies, an :class:`AlgebraicLaw` on the exact route, a numeric
        law otherwise.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.free_add(fc.Semicircle(1.0), fc.Semicircle(1.0))
    Semicircle(r=1.41421, center=0)
    """
    method = as_method(method, "free_add")
    laws = [check_law(x, name, "free_add") for x, name in zip((a, b, *more), ("a", "b", *(
        f"more[{i}]" for i in range(len(more)))))]
    out = laws[0]
    for nxt in laws[1:]:
        out = _add2(out, nxt, method, opts)
    return out


def free_mul(a: Law, b: Law, *more: Law, method: Any = Method.AUTO, **opts: Any) -> Law:
    r"""Free multiplicative convolution :math:`a \boxtimes b \boxtimes \dots`: the limiting spectral law of
    :math:`A^{1/2} Q B Q^\top A^{1/2}` (A on :math:`[0, \infty)`, non-zero means).

    Parameters and routes as in :func:`free_add`. Raises ``ValueError`` when no factor lives on
    :math:`[0, \infty)` or a mean is 0 (the S-transform does not exist).
    """
    method = as_method(method, "free_mul")
    laws = [check_law(x, name, "free_mul") for x, name in zip((a, b, *more), ("a", "b", *(
        f"more[{i}]" for i in range(len(more)))))]
    out = laws[0]
    for nxt in laws[1:]:
        out = _mul2(out, nxt, method, opts)
    return out
