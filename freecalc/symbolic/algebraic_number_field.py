r"""Atom mass candidates of an integer curve at an irrational pole, computed exactly in the number field
:math:`\mathbb{Q}(a) = \mathbb{Q}(\rho) = \mathbb{Q}[x]/(f)` of the pole :math:`a = p\rho + q` (p, q rational, ρ a
real ``CRootOf`` of an irreducible integer polynomial f, as sympy writes the roots of a non-primitive polynomial,
or a square root √r of an integer, f = x² − r).

Near an atom :math:`m \approx -w/(z - a)`; with :math:`z = a + \varepsilon` the Newton polygon of
:math:`\varepsilon^d P(-w/\varepsilon, a + \varepsilon)` needs, per power j of m, the first non-zero Taylor coefficient
of :math:`c_j(z)` at a (see :func:`freecalc.symbolic.algebraic_support.mass_candidates`). Over sympy's expression
domain each zero test of such a coefficient is a minimal-polynomial computation (~0.5 s for a quartic a) and the
edge's linear root is simplified (~1 s); and sympy computes minimal polynomials only of its own ``CRootOf``, not of
the :class:`~freecalc.symbolic.algebraic_support.PrivateRootOf` freecalc makes, so there a zero coefficient is not
recognised at all (an atom lost). Here an element of :math:`\mathbb{Q}(\rho)` is its remainder modulo f (FLINT's
``fmpq_poly``, or sympy's ``Poly`` over QQ when python-flint is missing): since f is irreducible of degree n, an
element is zero exactly when its remainder, of degree < n, is the zero polynomial, and a non-zero element is inverted
by the extended Euclidean algorithm. The candidate mass comes out as a polynomial in ρ with rational coefficients (or,
for an edge quadratic in w, with the square root of one).

The same arithmetic writes the curve in the local variable :math:`\zeta = z - a` (:func:`field_shift`) with every
coefficient reduced modulo f: the coefficient of :math:`m^d` vanishes at :math:`\zeta = 0`, and sympy's expansion
leaves that zero as an unreduced sum of powers of the ``CRootOf`` that only a minimal polynomial proves zero (a
rational a is integer arithmetic: :func:`freecalc.symbolic.integer_curve.shift_terms`).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import math
from typing import Any

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

__all__ = ["field_newton_points", "field_mass_candidates", "field_shift"]


class _Field:
    r""":math:`\mathbb{Q}(\rho) = \mathbb{Q}[x]/(f)`, f irreducible of degree n: an element is a polynomial in x of
    degree < n with rational coefficients, FLINT's ``fmpq_poly`` when python-flint is installed, else sympy's
    ``Poly`` over QQ (the same exact remainders, so the same results)."""

    def __init__(self, coeffs: list[int], rho: Any, flint: Any) -> None:
        self.rho, self._flint = rho, flint
        if flint is not None:
            self.f = flint.fmpq_poly(coeffs)
        else:
            self._x = sp.Dummy("x")
            self.f = self.element(coeffs)
        self.one = self.element([1])

    def element(self, coeffs: list[Any]) -> Any:
        r"""The element :math:`\sum_i c_i x^i` (increasing rational coefficients, ints or sympy Rationals)."""
        if self._flint is not None:
            return self._flint.fmpq_poly([self._flint.fmpq(int(sp.Rational(c).p), int(sp.Rational(c).q))
                                          for c in coeffs])
        return sp.Poly(list(reversed(coeffs)), self._x, domain=sp.QQ)

    def is_zero(self, e: Any) -> bool:
        """Exact: a remainder modulo the irreducible f is zero in Q(ρ) only as the zero polynomial."""
        e = e % self.f
        return e.is_zero() if self._flint is not None else e.is_zero

    def inverse(self, e: Any) -> Any:
        """:math:`e^{-1}` for e ≠ 0, by the extended Euclidean algorithm (:math:`s e + t f = g`, g constant)."""
        if self._flint is not None:
            g, s, _t = (e % self.f).xgcd(self.f)
            return s * (1 / g.coeffs()[0]) % self.f
        s, _t, g = (e % self.f).gcdex(self.f)
        return s.quo_ground(g.LC()) % self.f

    def rationals(self, e: Any) -> list[sp.Rational]:
        """The coefficients of the remainder of e, increasing powers of ρ."""
        e = e % self.f
        if self._flint is not None:
            return [sp.Rational(int(c.p), int(c.q)) for c in e.coeffs()]
        return list(reversed(e.all_coeffs())) if not e.is_zero else []

    def expr(self, e: Any) -> sp.Expr:
        """e as a sympy expression: a polynomial in ρ of degree < n with rational coefficients."""
        return sp.Add(*[c * self.rho ** i for i, c in enumerate(self.rationals(e)) if c != 0])


def _field(a: Any) -> tuple[_Field, Any] | None:
    """(the field Q(ρ), the element a of it) for a = p ρ + q with rational p ≠ 0, q and ρ a real ``CRootOf`` of
    the irreducible integer polynomial f (sympy writes a root of f(x/p) so) or ρ = √r (f = x² − r); None when a is
    not of that form (a rational a included)."""
    a = sp.sympify(a)
    if a.is_Rational:  # no field to work in (integer arithmetic: freecalc.symbolic.integer_curve)
        return None
    q, rest = a.as_coeff_Add()
    p, rho = rest.as_coeff_Mul()
    if not (q.is_Rational and p.is_Rational and p != 0):
        return None
    if isinstance(rho, sp.CRootOf) and rho.is_real:
        coeffs = rho.poly.all_coeffs()[::-1]
    elif rho.is_Pow and rho.exp == sp.S.Half and rho.base.is_Integer and rho.base > 0:
        # ρ = √r: f = x² − r, irreducible (sympy takes the square factors out of r)
        coeffs = [-rho.base, sp.S.Zero, sp.S.One]
    else:
        return None
    if not all(c.is_Integer for c in coeffs):
        return None
    coeffs = [int(c) for c in coeffs]
    try:
        import flint
    except ImportError:
        flint = None
    if flint is not None:
        _content, factors = flint.fmpz_poly(coeffs).factor()
        degrees = [(int(g.degree()), int(e)) for g, e in factors]
    else:
        _content, factors = sp.Poly(list(reversed(coeffs)), sp.Dummy("x"), domain=sp.ZZ).factor_list()
        degrees = [(g.degree(), e) for g, e in factors]
    if degrees != [(len(coeffs) - 1, 1)]:  # f reducible: Q[x]/(f) is no field
        return None
    F = _Field(coeffs, rho, flint)
    return F, F.element([q, p])


def field_newton_points(terms: dict[tuple[int, int], int],
                        a: Any) -> tuple[_Field, dict[int, tuple[int, Any]]] | None:
    r"""Per power j of m: the order in :math:`\varepsilon` of :math:`\varepsilon^d c_j(a + \varepsilon) m^j` with
    :math:`m = -w/\varepsilon`, and the first non-zero Taylor coefficient of :math:`c_j` at a (an element of Q(a)),
    by repeated synthetic division by :math:`z - a` with every zero test exact in Q(a).

    Parameters
    ----------
    terms : dict
        ``{(j, k): integer coefficient of m^j z^k}`` (non-zero entries).
    a : sympy.Expr
        A real root of the leading coefficient in m (p ρ + q, ρ a ``CRootOf`` or √r).

    Returns
    -------
    tuple or None
        (the field, ``{j: (order, coefficient)}``), or None when a is not of that form.
    """
    field = _field(a)
    if field is None:
        return None
    F, x = field
    d = max(j for j, _ in terms)
    pts = {}
    for j in sorted({j for j, _ in terms}):
        coeffs = [terms.get((j, k), 0) * F.one for k in range(max(k for jj, k in terms if jj == j) + 1)]
        v = 0
        while True:
            # Horner in Q(a): coeffs = (z - a) q(z) + r, r the v-th Taylor coefficient of c_j at a
            acc, quo = 0 * F.one, []
            for c in reversed(coeffs):
                acc = (acc * x + c) % F.f
                quo.append(acc)
            rem = quo.pop()
            if not F.is_zero(rem):
                pts[j] = (v + d - j, rem)
                break
            coeffs, v = list(reversed(quo)), v + 1
    return F, pts


def field_mass_candidates(terms: dict[tuple[int, int], int], a: Any) -> list[sp.Expr] | None:
    r"""Non-zero real mass candidates :math:`w` of an atom at the irrational pole a of the integer curve
    :math:`\sum_{j,k} t_{jk} m^j z^k`, the roots of the slope-1 Newton edge, computed in Q(a).

    The edge is :math:`(-w)^{lo} \sum_j \ell_j (-w)^{j - lo}` with :math:`\ell_j \in \mathbb{Q}(a)` exact. Linear:
    :math:`w = \ell_{lo}/\ell_{lo+1}`. Quadratic :math:`\alpha w^2 + \beta w + \gamma`: the discriminant
    :math:`D = \beta^2 - 4\alpha\gamma` is computed in Q(a); D = 0 gives the double root :math:`-\beta/(2\alpha)`,
    else the roots :math:`(-\beta \pm \sqrt{D})/(2\alpha)` are real exactly when the non-zero number D is positive
    (its sign from sympy's evaluation to a guaranteed relative accuracy, ``strict=True``, which a non-zero number
    cannot get wrong).

    Parameters
    ----------
    terms : dict
        ``{(j, k): integer coefficient of m^j z^k}`` (non-zero entries).
    a : sympy.Expr
        A real root of the leading coefficient in m (p ρ + q, ρ a ``CRootOf`` or √r, for this route).

    Returns
    -------
    list of sympy.Expr or None
        The real candidates (expressions in ρ with rational coefficients; empty when the edge has no non-zero real
        root), or None when this route does not apply (a not p ρ + q with ρ √r or a real CRootOf of an irreducible
        integer polynomial, or an edge of degree > 2 in w after its factor :math:`w^{lo}`): the caller then takes
        sympy's general route.

    Raises
    ------
    ArithmeticError
        If the sign of a quadratic edge's non-zero discriminant cannot be decided.
    """
    found = field_newton_points(terms, a)
    if found is None:
        return None
    F, pts = found
    emin = min(e for e, _ in pts.values())
    on_edge = {j: lead for j, (e, lead) in pts.items() if e == emin}
    if len(on_edge) < 2:
        return []  # lead (-w)^j alone: no non-zero root
    lo, hi = min(on_edge), max(on_edge)
    zero = 0 * F.one
    # the edge without its factor (-w)^lo, in powers of w: coefficient of w^i is (-1)^i l_{lo+i}
    c = [(-1) ** i * on_edge.get(lo + i, zero) for i in range(hi - lo + 1)]
    if hi - lo == 1:
        return [F.expr(-c[0] * F.inverse(c[1]))]
    if hi - lo != 2:
        return None
    half = F.element([sp.Rational(1, 2)])
    alpha_inv = F.inverse(c[2])
    disc = (c[1] * c[1] - 4 * c[2] * c[0]) % F.f
    if F.is_zero(disc):
        return [F.expr(-c[1] * alpha_inv * half)]
    D = F.expr(disc)
    try:  # D ≠ 0 exactly: an evaluation to a guaranteed relative accuracy has its sign
        positive = bool(D.evalf(30, strict=True) > 0)
    except PrecisionExhausted as exc:
        raise ArithmeticError(f"the sign of the edge discriminant {D} at the pole a = {a} could not be "
                              "decided") from exc
    if not positive:
        return []
    mid, scale = F.expr(-c[1] * alpha_inv * half), F.expr(alpha_inv * half)
    return [mid - scale * sp.sqrt(D), mid + scale * sp.sqrt(D)]


def field_shift(terms: dict[tuple[int, int], int], a: Any, m: sp.Symbol, z: sp.Symbol) -> sp.Expr | None:
    r""":math:`P(m, z + a)` expanded, each coefficient a polynomial in ρ of degree < n with rational coefficients
    (reduced modulo the irreducible polynomial f of a; exact zeros dropped).

    :math:`P(m, z + a) = \sum_{j,l} m^j z^l \sum_{k \ge l} t_{jk} \binom{k}{l} a^{k-l}`.

    Parameters
    ----------
    terms : dict
        ``{(j, k): integer coefficient of m^j z^k}`` of P.
    a : sympy.Expr
        The shift (p ρ + q, ρ a ``CRootOf`` or √r, for this route).
    m, z : sympy.Symbol
        The generators.

    Returns
    -------
    sympy.Expr or None
        The shifted polynomial, or None when the route does not apply (as :func:`field_mass_candidates`).
    """
    field = _field(a)
    if field is None:
        return None
    F, x = field
    kmax = max(k for _, k in terms)
    apow = [F.one]
    for _ in range(kmax):
        apow.append(apow[-1] * x % F.f)
    out = {}
    for (j, k), t in terms.items():
        for l in range(k + 1):
            out[(j, l)] = out.get((j, l), 0 * F.one) + (t * math.comb(k, l)) * apow[k - l]
    return sp.Add(*[F.expr(e) * m ** j * z ** l for (j, l), e in out.items() if not F.is_zero(e)])
