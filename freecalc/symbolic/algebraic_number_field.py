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
for an edge quadratic in w, with the square root of one); for edges of higher degree the same arithmetic gives gcds
(:func:`field_poly_gcd`) and Sturm counts (:func:`field_root_count`) over Q(ρ), the sign of a non-zero element being
that of its value (:func:`field_sign`).

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

__all__ = ["field_newton_points", "field_edge", "field_edge_roots", "field_poly_gcd", "field_sign", "field_root_count",
           "field_mass_candidates", "field_shift"]


class _Field:
    r""":math:`\mathbb{Q}(\rho) = \mathbb{Q}[x]/(f)`, f irreducible of degree n: an element is a polynomial in x of
    degree < n with rational coefficients, FLINT's ``fmpq_poly`` when python-flint is installed, else sympy's
    ``Poly`` over QQ (the same exact remainders, so the same results)."""

    def __init__(self, coeffs: list[int], rho: Any, flint: Any) -> None:
        self.rho, self.coeffs, self._flint = rho, coeffs, flint
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


def _strip(F: _Field, p: list[Any]) -> list[Any]:
    """Coefficients reduced modulo f, exact zeros at the top removed."""
    p = [c % F.f for c in p]
    while p and F.is_zero(p[-1]):
        p.pop()
    return p


def _poly_rem(F: _Field, A: list[Any], B: list[Any]) -> list[Any]:
    """Remainder of A by B ≠ 0 in Q(ρ)[w] (stripped coefficient lists, constant first)."""
    inv = F.inverse(B[-1])
    while len(A) >= len(B):
        q, shift = A[-1] * inv % F.f, len(A) - len(B)
        # the top coefficient cancels exactly: dropped
        A = _strip(F, [c - q * B[i - shift] if i >= shift else c for i, c in enumerate(A)][:-1])
    return A


def field_poly_gcd(F: _Field, A: list[Any], B: list[Any]) -> list[Any]:
    r"""Monic greatest common divisor of two polynomials over :math:`\mathbb{Q}(\rho)` (coefficient lists, constant
    first), by Euclid's algorithm with every zero test exact in the field.

    Parameters
    ----------
    F : _Field
        The field (from :func:`field_newton_points`).
    A, B : list
        Coefficients (elements of F), increasing powers; not both zero.

    Returns
    -------
    list
        The coefficients of the gcd (leading one 1), increasing powers.
    """
    A, B = _strip(F, A), _strip(F, B)
    while B:
        A, B = B, _poly_rem(F, A, B)
    inv = F.inverse(A[-1])
    return [c * inv % F.f for c in A]


def field_sign(F: _Field, e: Any) -> int:
    """Sign of the element e of Q(ρ) (ρ real): 0 exactly when its remainder is zero, else the sign of its value to
    a guaranteed relative accuracy (sympy's ``evalf(strict=True)``), which a non-zero number cannot get wrong.

    Parameters
    ----------
    F : _Field
        The field.
    e : element of F
        The number.

    Returns
    -------
    int
        -1, 0 or 1.

    Raises
    ------
    ArithmeticError
        If the evaluation cannot reach a guaranteed accuracy.
    """
    if F.is_zero(e):
        return 0
    v = F.expr(e)
    try:
        return 1 if v.evalf(30, strict=True) > 0 else -1
    except PrecisionExhausted as exc:
        raise ArithmeticError(f"the sign of the non-zero number {v} could not be decided") from exc


def field_root_count(F: _Field, h: list[Any], lo: sp.Rational, hi: sp.Rational) -> int:
    r"""Number of distinct real roots in (lo, hi) of the polynomial h over :math:`\mathbb{Q}(\rho)`, neither end a
    root, by Sturm's theorem (the sign changes of the Sturm sequence :math:`h, h', -\mathrm{rem}(\cdot, \cdot),
    \dots` at lo minus those at hi), every sign exact (:func:`field_sign`).

    Parameters
    ----------
    F : _Field
        The field.
    h : list
        Coefficients (elements of F), increasing powers, of positive degree.
    lo, hi : sympy.Rational
        The ends, lo < hi.

    Returns
    -------
    int
        The count.

    References
    ----------
    Basu, Pollack & Roy, "Algorithms in Real Algebraic Geometry", Springer (2006), Theorem 2.50.
    """
    seq = [_strip(F, h)]
    seq.append(_strip(F, [i * c for i, c in enumerate(seq[0])][1:]))
    while seq[-1]:
        seq.append([-c for c in _poly_rem(F, seq[-2], seq[-1])])
    seq.pop()

    def changes(t: sp.Rational) -> int:
        tv, signs = F.element([t]), []
        for p in seq:
            acc = 0 * F.one
            for c in reversed(p):
                acc = (acc * tv + c) % F.f
            sgn = field_sign(F, acc)
            if sgn:
                signs.append(sgn)
        return sum(1 for u, v in zip(signs, signs[1:]) if u != v)
    return changes(lo) - changes(hi)


def field_mass_candidates(terms: dict[tuple[int, int], int], a: Any) -> list[sp.Expr] | None:
    r"""Non-zero real mass candidates :math:`w` of an atom at the irrational pole a of the integer curve
    :math:`\sum_{j,k} t_{jk} m^j z^k`, the roots of the slope-1 Newton edge, computed in Q(a).

    The Newton points come from :func:`field_newton_points`, the edge from :func:`field_edge`, its roots (linear or
    quadratic in w) from :func:`field_edge_roots`.

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
    c = field_edge(F, pts)
    return [] if c is None else field_edge_roots(F, c)


def field_edge(F: _Field, pts: dict[int, tuple[int, Any]]) -> list[Any] | None:
    r"""The slope-1 Newton edge :math:`\sum_j \ell_j (-w)^j` divided by :math:`(-w)^{lo}`, as coefficients
    :math:`c_i = (-1)^i \ell_{lo+i}` of :math:`w^i` in Q(ρ) (:math:`c_0 \ne 0`).

    Parameters
    ----------
    F : _Field
        The field.
    pts : dict
        The Newton points of :func:`field_newton_points`.

    Returns
    -------
    list or None
        The coefficients, increasing powers; None when the edge is a single point (no non-zero root).
    """
    emin = min(e for e, _ in pts.values())
    on_edge = {j: lead for j, (e, lead) in pts.items() if e == emin}
    if len(on_edge) < 2:
        return None
    lo, hi = min(on_edge), max(on_edge)
    zero = 0 * F.one
    return [(-1) ** i * on_edge.get(lo + i, zero) for i in range(hi - lo + 1)]


def field_edge_roots(F: _Field, c: list[Any]) -> list[sp.Expr] | None:
    r"""Real roots of :math:`\sum_i c_i w^i` over Q(ρ) of degree 1 or 2 (:math:`c_0 \ne 0`), exactly.

    Linear: :math:`w = -c_0/c_1`. Quadratic: the discriminant :math:`D = c_1^2 - 4 c_2 c_0` is computed in Q(ρ);
    D = 0 gives the double root :math:`-c_1/(2 c_2)`, else the roots :math:`(-c_1 \pm \sqrt{D})/(2 c_2)` are real
    exactly when the non-zero number D is positive (:func:`field_sign`).

    Parameters
    ----------
    F : _Field
        The field.
    c : list
        Coefficients (elements of F), increasing powers, the last one non-zero.

    Returns
    -------
    list of sympy.Expr or None
        The real roots (expressions in ρ), None for degree > 2.

    Raises
    ------
    ArithmeticError
        If the sign of a non-zero discriminant cannot be decided.
    """
    if len(c) == 2:
        return [F.expr(-c[0] * F.inverse(c[1]))]
    if len(c) != 3:
        return None
    half = F.element([sp.Rational(1, 2)])
    alpha_inv = F.inverse(c[2])
    disc = (c[1] * c[1] - 4 * c[2] * c[0]) % F.f
    if F.is_zero(disc):
        return [F.expr(-c[1] * alpha_inv * half)]
    if field_sign(F, disc) < 0:
        return []
    D = F.expr(disc)
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
