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

Each operation (:class:`Convolution`: ⊞ and ⊠) is a table of three routes tried in order — **closed form** (the
identities registered per law class pair with :func:`register_add_identity` / :func:`register_mul_identity`,
looked up along both laws' MROs, in both orders), **algebraic** (both laws have an equation) and **numeric**
(subordination) — and a :class:`Method` selects which of them may run (:data:`METHOD_ROUTES`): the first route
that applies gives the result. A law defined anywhere adds a closed form by registering it next to its class.

⊠ is the law of :math:`A^{1/2} B A^{1/2}`: it needs one factor on :math:`[0, \infty)` and non-zero means (the
S-transform route); both factors on :math:`[0, \infty)` for the numeric route.

Reference: Rao & Edelman (2008), *The polynomial method for random matrices*; Nica & Speicher (2006), Lectures
12 and 18; Voiculescu, Dykema & Nica (1992).
"""
from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from freecalc._lazy import lazy_module
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.base import Law, dispatch
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.quadratic import QuadraticLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.operations.subordination import free_add_numeric, free_mul_numeric

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
FL = lazy_module("freecalc.symbolic.algebraic_flint")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Method", "free_add", "free_mul", "register_add_identity", "register_mul_identity", "Convolution", "ADD",
           "MUL", "METHOD_ROUTES", "law_argument"]


class Method(enum.Enum):
    """Route of a free convolution (see the module docstring)."""

    AUTO = "auto"
    EXACT = "exact"
    NUMERIC = "numeric"


def as_method(method: Any, where: str) -> Method:
    """A :class:`Method` from a member or its value (``"exact"``), with a clear error otherwise.

    Parameters
    ----------
    method : Method or str
    where : str
        The calling function (for the message).

    Returns
    -------
    Method

    Raises
    ------
    ValueError
        Not a member or a member's value.
    """
    if isinstance(method, Method):
        return method
    try:
        return Method(method)
    except ValueError:
        allowed = ", ".join(f"Method.{m.name}" for m in Method)
        raise ValueError(f"{where}: method must be one of {allowed}, got {method!r}") from None


def law_argument(value: Any, name: str, where: str) -> Law:
    """``value`` if it is a :class:`~freecalc.laws.base.Law`, else a ``TypeError`` naming the argument.

    Parameters
    ----------
    value : object
        The argument.
    name : str
        Its name (``"a"``).
    where : str
        The calling function.

    Returns
    -------
    Law

    Raises
    ------
    TypeError
        ``value`` is not a Law.
    """
    if not isinstance(value, Law):
        raise TypeError(f"{where}: {name} must be a freecalc Law, got {type(value).__name__} {value!r}")
    return value


def common_size(*laws: Law) -> int | None:
    """The matrix dimension shared by all laws, else None.

    Parameters
    ----------
    *laws : Law

    Returns
    -------
    int or None
    """
    sizes = {law.size for law in laws}
    return sizes.pop() if len(sizes) == 1 else None


def is_algebraic(law: Law) -> bool:
    """Whether ``law`` has an algebraic equation (``law.is_algebraic``).

    Parameters
    ----------
    law : Law

    Returns
    -------
    bool
    """
    return bool(getattr(law, "is_algebraic", False))


# -- closed-form identities ---------------------------------------------------------------------------------------
_ADD_RULES: dict[tuple[type, type], Callable[[Law, Law], Law | None]] = {}
_MUL_RULES: dict[tuple[type, type], Callable[[Law, Law], Law | None]] = {}


Identity = Callable[[Law, Law], "Law | None"]


def _registrar(rules: dict, ta: type, tb: type) -> Callable[[Identity], Identity]:
    def deco(func: Identity) -> Identity:
        rules[(ta, tb)] = func
        return func
    return deco


def register_add_identity(ta: type, tb: type) -> Callable[[Identity], Identity]:
    """Register ``rule(a, b) -> Law | None`` as a closed form of ``a ⊞ b`` for laws of classes ``ta`` and ``tb``.

    Tried for ``isinstance(a, ta) and isinstance(b, tb)`` in both orders; the rule returns None when the identity
    does not hold for these parameters (another route then runs).

    Parameters
    ----------
    ta, tb : type
        Law classes (``Law`` matches any law).

    Returns
    -------
    callable
        The decorator (it returns the rule unchanged).
    """
    return _registrar(_ADD_RULES, ta, tb)


def register_mul_identity(ta: type, tb: type) -> Callable[[Identity], Identity]:
    """As :func:`register_add_identity`, for ``a ⊠ b``.

    Parameters
    ----------
    ta, tb : type
        Law classes.

    Returns
    -------
    callable
        The decorator.
    """
    return _registrar(_MUL_RULES, ta, tb)


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
    """Parameter values: exact sympy numbers when anything is symbolic (no float contamination), else floats.

    Parameters
    ----------
    law : Law

    Returns
    -------
    dict
        Parameter name → value.
    """
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


# -- the two operations as route tables ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Convolution:
    """One free convolution as data: its closed forms, its algebraic and numeric routes and its input check.

    Attributes
    ----------
    name : str
        Public name (``"free_add"``), used in messages.
    identities : dict
        The registered closed forms, (class, class) → rule.
    equations : callable
        ``equations(P_a, P_b, m, z) -> P``: the algebraic route (polynomial method).
    candidates : callable
        ``candidates(terms_a, terms_b) -> list``: the same route on integer curves (FLINT, or sympy's sparse
        polynomials without python-flint), the integer terms of the result's factors with a branch m ~ -1/z.
    numeric : callable
        ``numeric(a, b, **opts) -> Law``: the subordination route.
    check : callable
        ``check(a, b, where)``: raises for inputs no route other than a closed form can take.
    """

    name: str
    identities: dict
    equations: Callable[..., Any]
    candidates: Callable[..., Any]
    numeric: Callable[..., Law]
    check: Callable[[Law, Law, str], None]


def _no_check(a: Law, b: Law, where: str) -> None:
    """⊞ takes any two laws."""


# the polynomial routes are looked up at call time: freecalc.symbolic.algebraic (sympy) loads on the first one
ADD = Convolution("free_add", _ADD_RULES, lambda *args: A.add_equations(*args),
                  lambda *terms: FL.add_candidate_terms(*terms), free_add_numeric, _no_check)
MUL = Convolution("free_mul", _MUL_RULES, lambda *args: A.mul_equations(*args),
                  lambda *terms: FL.mul_candidate_terms(*terms), free_mul_numeric, _check_mul)


def _closed_form(op: Convolution, a: Law, b: Law, opts: dict) -> Law | None:
    return _identity(op.identities, a, b)


def _curve(law: Law) -> tuple[Any, dict[tuple[int, int], int] | None]:
    """The law's Stieltjes factor as ``(sympy expression or None, integer terms or None)``, at least one of them.

    Quadratic laws and atoms with rational parameters give their terms directly (no sympy expression, no throwaway
    AlgebraicLaw); any other algebraic law goes through :func:`~freecalc.laws.algebraic.to_algebraic`.
    """
    if isinstance(law, QuadraticLaw):
        terms = law.stieltjes_terms
    elif isinstance(law, Atoms):
        terms = FL.atoms_terms(law.sym.atoms)
    else:
        terms = None
    if terms is not None:
        return None, terms
    P = to_algebraic(law).equation
    return P, FL.integer_terms(P, T.m, T.z)


def _algebraic(op: Convolution, a: Law, b: Law, opts: dict) -> Law | None:
    if not (is_algebraic(a) and is_algebraic(b)):
        return None
    (Pa, ta), (Pb, tb) = _curve(a), _curve(b)
    if ta is not None and tb is not None:
        # integer curves: resultant and factorisation on integer polynomials; a single candidate is the Stieltjes
        # factor, and only it becomes a sympy expression (several: the moments choose, on the route below)
        cands = op.candidates(ta, tb)
        if len(cands) == 1:
            return AlgebraicLaw(FL.terms_expr(cands[0], T.m, T.z), size=common_size(a, b), reduce=False)
    Pa = FL.terms_expr(ta, T.m, T.z) if Pa is None else Pa
    Pb = FL.terms_expr(tb, T.m, T.z) if Pb is None else Pb
    P = op.equations(Pa, Pb, T.m, T.z)
    return AlgebraicLaw(P, size=common_size(a, b), reduce=False)


def _numeric(op: Convolution, a: Law, b: Law, opts: dict) -> Law | None:
    return op.numeric(a, b, **opts)


METHOD_ROUTES: dict[Method, tuple[Callable[[Convolution, Law, Law, dict], Law | None], ...]] = {
    Method.AUTO: (_closed_form, _algebraic, _numeric),
    Method.EXACT: (_closed_form, _algebraic),
    Method.NUMERIC: (_numeric,),
}
"""Method → the routes it may run, in order; the first that applies (returns a law) gives the result."""


def _combine(op: Convolution, a: Law, b: Law, method: Method, opts: dict) -> Law:
    """Run the routes of ``method`` in order; the operation's input check runs before the first non-closed form."""
    size = common_size(a, b)
    checked = False
    for route in METHOD_ROUTES[method]:
        if route is not _closed_form and not checked:
            op.check(a, b, op.name)
            checked = True
        out = route(op, a, b, opts)
        if out is not None:
            return out.with_size(size) if out.size != size else out
    bad = a if not is_algebraic(a) else b
    raise TypeError(f"{op.name}: method=Method.EXACT needs algebraic laws or a closed form; {bad!r} is not "
                    f"algebraic (use Method.AUTO or Method.NUMERIC)")


def _fold(op: Convolution, laws: tuple[Any, ...], method: Any, opts: dict) -> Law:
    method = as_method(method, op.name)
    names = ("a", "b", *(f"more[{i}]" for i in range(len(laws) - 2)))
    checked = [law_argument(x, name, op.name) for x, name in zip(laws, names)]
    out = checked[0]
    for nxt in checked[1:]:
        out = _combine(op, out, nxt, method, opts)
    return out


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

    Raises
    ------
    TypeError
        An argument is not a Law; ``Method.EXACT`` with a law that has neither an equation nor a closed form.
    ValueError
        ``method`` is not a :class:`Method`.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.free_add(fc.Semicircle(1.0), fc.Semicircle(1.0))
    Semicircle(r=1.41421, center=0)
    """
    return _fold(ADD, (a, b, *more), method, opts)


def free_mul(a: Law, b: Law, *more: Law, method: Any = Method.AUTO, **opts: Any) -> Law:
    r"""Free multiplicative convolution :math:`a \boxtimes b \boxtimes \dots`: the limiting spectral law of
    :math:`A^{1/2} Q B Q^\top A^{1/2}` (A on :math:`[0, \infty)`, non-zero means).

    Parameters
    ----------
    a, b, *more : Law
        The laws (two or more); one factor of each product must live on :math:`[0, \infty)`.
    method : Method, default Method.AUTO
        ``EXACT`` (polynomial method, algebraic laws only), ``NUMERIC`` (subordination) or ``AUTO``.
    **opts
        Options of the numeric route (see :func:`freecalc.operations.subordination.free_mul_numeric`).

    Returns
    -------
    Law
        A named law when a closed-form identity applies, an :class:`AlgebraicLaw` on the exact route, a numeric
        law otherwise.

    Raises
    ------
    ValueError
        No factor lives on :math:`[0, \infty)`, or a mean is 0 (the S-transform does not exist).
    TypeError
        An argument is not a Law; ``Method.EXACT`` with a law that has neither an equation nor a closed form.
    """
    return _fold(MUL, (a, b, *more), method, opts)
