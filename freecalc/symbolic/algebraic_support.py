r"""Where the Stieltjes branch of :math:`P(m, z) = 0` can be singular on the real axis: the discriminant in m
(edges, kinks), the leading coefficient in m (poles, i.e. atoms) and the possible masses of an atom.

Exact: sympy (rationals, radicals or ``CRootOf``); the integer coefficients of the discriminant are computed with
FLINT's multivariate resultant (python-flint, a core dependency), with sympy as the fallback
(the same integers either way).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.polys.rootoftools import ComplexRootOf

from freecalc.symbolic.algebraic_flint import integer_terms
from freecalc.symbolic.algebraic_number_field import (field_edge, field_edge_roots, field_newton_points,
                                                      field_poly_gcd, field_root_count)
from freecalc.symbolic.transforms import m as _m, z as _z

__all__ = ["discriminant", "discriminant_coefficients", "leading_coefficients", "edge_candidates", "pole_candidates",
           "mass_candidates", "PrivateRootOf"]

#: the variable every :class:`PrivateRootOf` polynomial is written in: no user's or curve's symbol can equal it
ROOT_VARIABLE = sp.Dummy("x")


class PrivateRootOf(ComplexRootOf):
    r"""The exact roots freecalc creates: a ``CRootOf`` of its own type, its polynomial written in
    :data:`ROOT_VARIABLE`.

    sympy identifies a ``CRootOf`` by its polynomial and index alone, not by the polynomial's variable, so its
    caches hand out whichever equal object was made first: after a user's ``CRootOf(f(z), k)`` our root of the same
    f came back written in z, a generator of our curves (``Poly(P(m, z + a), m, z)`` raised PolynomialError), and
    after ours a user's came back in our variable. An object of another type is never equal to a plain
    ``CRootOf``, so neither can stand for the other in a cache, and the private variable is no generator of any
    expression. Everything else (evaluation, reality, the isolating intervals, printing) is sympy's ``CRootOf``;
    the price of the own type is that it is not equal to sympy's ``CRootOf`` of the same polynomial and index
    (compare numerically, or rebuild one with ``sp.CRootOf(r.expr, r.index)``) and that
    ``sympy.minimal_polynomial`` does not take it (its minimal polynomial is ``r.poly``), so sympy's expression
    arithmetic cannot prove an expression in it zero: freecalc's zero tests at such a root work in the number field
    :math:`\mathbb{Q}(r)` (:mod:`freecalc.symbolic.algebraic_number_field`).

    Parameters
    ----------
    f : sympy.Expr or sympy.Poly
        The univariate polynomial with rational coefficients whose root is meant.
    x : sympy.Symbol, optional
        Its variable, when ``f`` is an expression; the root is stored in :data:`ROOT_VARIABLE` whatever it is.
    index : int
        The root's index in sympy's order (real roots first, increasing; then complex pairs).
    radicals : bool, optional
        As for ``CRootOf``: return radicals instead when the root has a closed form (default False).
    expand : bool, optional
        As for ``CRootOf``: expand ``f`` first (default True).

    References
    ----------
    sympy, ``sympy.polys.rootoftools.ComplexRootOf``.
    """

    __slots__ = ()

    @classmethod
    def _new(cls, poly: sp.Poly, index: int) -> PrivateRootOf:
        # every construction (real_roots, all_roots, func(*args)) ends here: rewrite the polynomial in the private
        # variable (the same coefficients, so the same key of sympy's interval caches)
        if poly.gen != ROOT_VARIABLE:
            poly = sp.PurePoly(poly.as_expr().xreplace({poly.gen: ROOT_VARIABLE}), ROOT_VARIABLE)
        return super()._new(poly, index)

    def _latex(self, printer: Any) -> str:
        # sympy's LaTeX printer names a subclass by its class name
        return r"\operatorname{CRootOf} {\left(%s, %d\right)}" % (printer._print(self.expr), self.index)


def _exact_real_roots(f: sp.Poly) -> list[sp.Expr]:
    """Real roots of a univariate rational polynomial, repeated ones once: radicals where sympy gives them (degree
    ≤ 2, binomials), else :class:`PrivateRootOf`."""
    return list(dict.fromkeys(PrivateRootOf.real_roots(f, radicals=True)))


def discriminant(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr:
    """Discriminant of ``P`` in ``m``: a polynomial in ``z`` whose zeros include every edge of the support.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        Polynomial in ``z`` (1 when ``P`` is linear in ``m``).
    """
    return sp.discriminant(sp.Poly(P, m), m).as_expr() if sp.Poly(P, m).degree() > 1 else sp.Integer(1)


def _flint_discriminant(terms: dict[tuple[int, int], int]) -> list[int]:
    # FLINT's resultant on the integer bivariate polynomial: ~50x faster than sympy's subresultant PRS at degree 13
    import flint

    ctx = flint.fmpz_mpoly_ctx.get(("m", "z"), "lex")
    disc = ctx.from_dict(terms).discriminant("m").to_dict()
    out = [0] * (max(k for _, k in disc) + 1)
    for (_j, k), c in disc.items():
        out[k] = int(c)
    return out


def discriminant_coefficients(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[int] | None:
    r"""Integer coefficients of the discriminant of ``P`` in ``m`` (the polynomial of :func:`discriminant`, up to
    sign), in increasing powers of ``z``.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        Polynomial in ``m`` and ``z`` (a Poly must have the generators ``(m, z)``).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of int or None
        :math:`c_0, c_1, \dots` with :math:`\mathrm{disc}_m P = \pm\sum_k c_k z^k` (``[1]`` when ``P`` is linear in
        ``m``); None when ``P`` does not have integer coefficients (parameters, irrational numbers).
    """
    terms = integer_terms(P, m, z)
    if terms is None:
        return None
    if max(j for j, _ in terms) <= 1:
        return [1]
    try:
        return _flint_discriminant(terms)
    except (ImportError, AttributeError):  # no python-flint, or one without multivariate polynomials (< 0.7)
        disc = sp.Poly(discriminant(sp.Poly.from_dict(dict(terms), m, z).as_expr(), m, z), z)
        return [int(c) for c in reversed(disc.all_coeffs())]


def leading_coefficients(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[int] | None:
    r"""Integer coefficients of the leading coefficient of ``P`` in ``m`` (a polynomial in ``z`` whose real zeros
    are the :func:`pole_candidates`), in increasing powers of ``z``.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        Polynomial in ``m`` and ``z`` (a Poly must have the generators ``(m, z)``).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of int or None
        :math:`c_0, c_1, \dots`; None when ``P`` does not have integer coefficients.
    """
    terms = integer_terms(P, m, z)
    if terms is None:
        return None
    d = max(j for j, _ in terms)
    lead = {k: c for (j, k), c in terms.items() if j == d}
    return [lead.get(k, 0) for k in range(max(lead) + 1)]


def _real_roots(expr: sp.Expr, z: sp.Symbol) -> list[sp.Expr]:
    expr = sp.expand(expr)
    if not expr.has(z):
        return []
    poly = sp.Poly(expr, z)
    if poly.free_symbols - {z}:
        sols = sp.solve(expr, z)
        return sorted({sp.simplify(s) for s in sols if s.is_real is not False}, key=sp.default_sort_key)
    out = []
    for f, _mult in sp.factor_list(poly)[1]:
        if f.degree() <= 2:
            out.extend(r for r in sp.roots(f).keys() if r.is_real)
        else:
            out.extend(_exact_real_roots(f))
    return sorted(set(out), key=lambda r: float(r))


def _real_roots_integer(coeffs: list[int], z: sp.Symbol) -> list[sp.Expr]:
    """:func:`_real_roots` of an integer polynomial (increasing coefficients): FLINT factorises, linear factors give
    their rational root directly, the others go through sympy as there (same exact objects)."""
    try:
        import flint
    except ImportError:
        return _real_roots(sp.Poly(list(reversed(coeffs)), z).as_expr(), z)
    out = []
    for f, _mult in flint.fmpz_poly(coeffs).factor()[1]:
        c = [int(v) for v in f.coeffs()]
        if len(c) == 2:
            out.append(sp.Rational(-c[0], c[1]))
        elif len(c) > 2:
            fz = sp.Poly(list(reversed(c)), z)
            if fz.degree() <= 2:
                out.extend(r for r in sp.roots(fz).keys() if r.is_real)
            else:
                out.extend(_exact_real_roots(fz))
    return sorted(set(out), key=lambda r: float(r))


def edge_candidates(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[sp.Expr]:
    """Real zeros of the discriminant in ``m`` (exact: rationals, radicals or ``CRootOf``), sorted.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr
        Real roots, increasing.
    """
    coeffs = discriminant_coefficients(P, m, z)
    if coeffs is not None:  # an integer curve: FLINT's discriminant (same zeros)
        return _real_roots_integer(coeffs, z)
    return _real_roots(discriminant(P, m, z), z)


def pole_candidates(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[sp.Expr]:
    """Real zeros of the leading coefficient of ``P`` in ``m``: the only places m(z) can have a pole (atom).

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr
        Real roots, increasing.
    """
    lead = leading_coefficients(P, m, z)
    if lead is not None:  # an integer curve: its leading coefficient from the remembered terms
        return _real_roots_integer(lead, z)
    return _real_roots(sp.Poly(P, m).LC(), z)


def mass_candidates(P: sp.Expr, a: Any, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[sp.Expr]:
    r"""Possible masses of an atom at ``a``: the non-zero roots :math:`w` of the Newton-polygon edge of slope 1.

    Near an atom :math:`m(z) \approx -w/(z - a)`. Writing :math:`z = a + \varepsilon`, :math:`m = -w/\varepsilon`
    and keeping the lowest power of :math:`\varepsilon` in :math:`\varepsilon^d P` gives a polynomial in
    :math:`w` whose positive roots are the candidate masses (mass = minus the residue of m). The Taylor coefficients
    at ``a`` are exact rationals (rational a) or elements of the number field :math:`\mathbb{Q}(a)`
    (:mod:`freecalc.symbolic.algebraic_number_field`), so every zero test is exact; sympy's expression arithmetic
    is left the points it can decide (radicals, its own ``CRootOf``).

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z``.
    a : sympy.Expr or number
        Candidate atom location (a pole candidate).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr
        Candidate masses :math:`w \ne 0`.

    Raises
    ------
    ValueError
        If ``a`` contains a :class:`PrivateRootOf` but is not :math:`p\rho + q` (ρ a real root of an irreducible
        integer polynomial) on a curve with rational coefficients: its zero tests could not be exact.
    ArithmeticError
        If the Newton edge has irrational coefficients (outside a number field Q(a)) and no roots in radicals, or
        the sign of a non-zero number of Q(a) cannot be decided.
    """
    eps, wv = sp.Dummy("eps"), sp.Dummy("w")
    a = sp.sympify(a)
    exact = _integer_multiple(P, m, z)
    terms = exact if a.is_Rational else None
    if terms is not None:  # rational point of an integer curve: Taylor coefficients in exact rationals
        pts = _newton_points(terms, Fraction(int(a.p), int(a.q)))
    else:
        field = None if exact is None or a.is_Rational else field_newton_points(exact, a)
        if field is not None:  # an algebraic pole of an integer curve: exact arithmetic in Q(a)
            return _field_edge_roots(*field, a)
        if a.has(PrivateRootOf):
            # sympy's zero tests need a minimal polynomial, which it computes for its own CRootOf only
            raise ValueError(f"mass_candidates: a = {a} is not p*rho + q (p, q rational, rho a real root of an "
                             "irreducible integer polynomial) of an integer curve: its Taylor coefficients cannot "
                             "be tested for zero exactly")
        poly = sp.Poly(P, m)
        d = poly.degree()
        pts = {}
        for (j,), cj in poly.terms():
            cz = sp.Poly(sp.expand(cj.subs(z, a + eps)), eps)
            monoms = cz.monoms()
            v = min(e[0] for e in monoms)
            lead = cz.coeff_monomial(eps ** v)
            pts[j] = (v + d - j, lead)
    emin = min(e for e, _ in pts.values())
    on_edge = {j: lead for j, (e, lead) in pts.items() if e == emin}
    if terms is not None:
        rational = _rational_edge_roots(on_edge)
        if rational is not None:
            return rational
    edge = sp.Add(*[lead * (-wv) ** j for j, lead in on_edge.items()])
    if not edge.has(wv):
        return []
    poly = sp.Poly(edge, wv)
    found = sp.roots(poly)
    if sum(found.values()) < poly.degree() and not (poly.free_symbols - {wv}):
        if poly.domain not in (sp.ZZ, sp.QQ):
            raise ArithmeticError(f"mass_candidates: the Newton edge {edge} at a = {a} has no roots in radicals "
                                  "and irrational coefficients (no exact root objects for it)")
        found = {r: 1 for r in PrivateRootOf.all_roots(poly)}  # no radicals: exact CRootOf objects
    return [r for r in found.keys() if r != 0 and r.is_real is not False]


def _field_edge_roots(F: Any, pts: dict[int, tuple[int, Any]], a: Any) -> list[sp.Expr]:
    r"""Real non-zero roots of the slope-1 Newton edge :math:`E(w) = \sum_i c_i w^i` (w^lo divided out) whose
    coefficients :math:`c_i` lie in :math:`\mathbb{Q}(\rho)`, every step exact. Degree 1 or 2: in closed form
    (:func:`~freecalc.symbolic.algebraic_number_field.field_edge_roots`).

    Degree > 2:
    the norm :math:`N(w) = \mathrm{Res}_x(f(x), E_x(w))` (:math:`E_x` with ρ replaced by x) is rational and vanishes
    at every root of E. Per irreducible factor g of N, the gcd h of E and g in :math:`\mathbb{Q}(\rho)[w]` holds the
    roots they share: none (deg h = 0), all real roots of g (h = g, exact ``PrivateRootOf``), those of h itself
    when it is linear or quadratic (elements of Q(ρ) or their square roots), else the real roots of g whose
    isolating interval holds a root of h by Sturm's count over Q(ρ)
    (:func:`~freecalc.symbolic.algebraic_number_field.field_root_count`).
    """
    c = field_edge(F, pts)
    if c is None:
        return []  # lead (-w)^j alone: no non-zero root
    found = field_edge_roots(F, c)
    if found is not None:  # linear or quadratic in w
        return found
    xv, wv = sp.Dummy("x"), sp.Dummy("w")
    fx = sp.Poly(list(reversed(F.coeffs)), xv, domain=sp.QQ)
    Ex = sp.Poly(sp.Add(*[cf * xv ** k * wv ** i for i, e in enumerate(c) for k, cf in enumerate(F.rationals(e))]),
                 xv, wv, domain=sp.QQ)
    norm = sp.Poly(sp.resultant(fx, Ex, xv), wv, domain=sp.QQ)
    out: list[sp.Expr] = []
    for g, _mult in norm.factor_list()[1]:
        h = field_poly_gcd(F, c, [F.element([cf]) for cf in reversed(g.all_coeffs())])
        if len(h) == 1:
            continue
        if len(h) == len(g.all_coeffs()):  # every root of g is a root of E
            out.extend(_exact_real_roots(g))
        elif len(h) <= 3:  # a linear or quadratic factor of E over Q(ρ)
            out.extend(field_edge_roots(F, h))
        else:
            # the real roots of h are real roots of g: the one in g's isolating interval (rational ends, no root of
            # the irreducible g of degree > 1 there) is a root of h when Sturm's count of h there is 1
            for r, ((lo, hi), _m) in zip(_exact_real_roots(g), g.intervals(), strict=True):
                if field_root_count(F, h, sp.Rational(lo), sp.Rational(hi)):
                    out.append(r)
    return sorted(set(out), key=lambda r: float(r))


def _integer_multiple(P: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> dict[tuple[int, int], int] | None:
    """The integer terms of P, or of a positive integer multiple of P when its coefficients are rational (the same
    masses); None otherwise."""
    terms = integer_terms(P, m, z)
    if terms is not None:
        return terms
    try:
        poly = sp.Poly(P, m, z)
    except sp.polys.polyerrors.BasePolynomialError:  # m or z in a denominator or a radical
        return None
    if poly.domain != sp.QQ or poly.is_zero:
        return None
    return {jk: int(c) for jk, c in poly.clear_denoms(convert=True)[1].rep.to_dict().items()}


def _rational_edge_roots(on_edge: dict[int, sp.Rational]) -> list[sp.Rational] | None:
    r"""Non-zero roots of :math:`\sum_j \ell_j (-w)^j` (rational :math:`\ell_j`) when they are all rational (FLINT
    factorises it into linear factors), increasing; None otherwise (sympy's roots then)."""
    if len(on_edge) < 2:
        return []  # c (-w)^j: no root (j = 0) or only w = 0
    try:
        import flint
    except ImportError:
        return None
    lo = min(on_edge)
    den = math.lcm(*(int(v.q) for v in on_edge.values()))
    coeffs = [0] * (max(on_edge) - lo + 1)
    for j, v in on_edge.items():  # w^lo factored out: its roots are the excluded w = 0
        coeffs[j - lo] = int(v.p) * (den // int(v.q)) * (-1) ** j
    out = set()
    for f, _mult in flint.fmpz_poly(coeffs).factor()[1]:
        c = [int(x) for x in f.coeffs()]
        if len(c) != 2:
            return None
        out.add(sp.Rational(-c[0], c[1]))
    return sorted(r for r in out if r != 0)


def _newton_points(terms: dict[tuple[int, int], int], a: Fraction) -> dict[int, tuple[int, sp.Rational]]:
    r"""Per power j of m: (order in :math:`\varepsilon` of :math:`\varepsilon^d c_j(a + \varepsilon) m^j` with
    :math:`m = -w/\varepsilon`, and the lowest Taylor coefficient of :math:`c_j` at a), by repeated synthetic division
    by :math:`z - a`."""
    d = max(j for j, _ in terms)
    pts = {}
    for j in sorted({j for j, _ in terms}):
        coeffs = [Fraction(terms.get((j, k), 0)) for k in range(max(k for jj, k in terms if jj == j) + 1)]
        v = 0
        while True:
            # Horner: coeffs = (z - a) q(z) + r; r is the v-th Taylor coefficient at a
            acc, quo = Fraction(0), []
            for c in reversed(coeffs):
                acc = acc * a + c
                quo.append(acc)
            rem = quo.pop()
            if rem != 0:
                pts[j] = (v + d - j, sp.Rational(rem.numerator, rem.denominator))
                break
            coeffs, v = list(reversed(quo)), v + 1
    return pts
