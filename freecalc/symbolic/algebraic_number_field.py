r"""Atom mass candidates of an integer curve at an irrational pole, computed exactly in the number field
:math:`\mathbb{Q}(a) = \mathbb{Q}(\rho) = \mathbb{Q}[x]/(f)` of the pole :math:`a = p\rho + q` (p, q rational, ρ a
real ``CRootOf`` of an irreducible integer polynomial f, as sympy writes the roots of a non-primitive polynomial,
or a square root √r of an integer, f = x² − r).

Near an atom :math:`m \approx -w/(z - a)`; with :math:`z = a + \varepsilon` the Newton polygon of
:math:`\varepsilon^d P(-w/\varepsilon, a + \varepsilon)` needs, per power j of m, the first non-zero Taylor coefficient
of :math:`c_j(z)` at a (see :func:`freecalc.symbolic.algebraic_support.mass_candidates`). Over sympy's expression
domain each zero test of such a coefficient is a minimal-polynomial computation (~0.5 s for a quartic a) and the
edge's linear root is simplified (~1 s). Here an element of :math:`\mathbb{Q}(\rho)` is its remainder modulo f (FLINT's
``fmpq_poly``): since f is irreducible of degree n, an element is zero exactly when its remainder, of degree < n, is
the zero polynomial, and a non-zero element is inverted by the extended Euclidean algorithm. The candidate mass comes
out as a polynomial in ρ with rational coefficients.

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

__all__ = ["field_mass_candidates", "field_shift"]


def _field(a: Any) -> tuple[Any, Any, Any, Any] | None:
    """(f, the element a of Q[x]/(f), the CRootOf ρ that x stands for, the element 1) for a = p ρ + q with rational
    p ≠ 0, q and ρ a real ``CRootOf`` of the irreducible integer polynomial f (sympy writes a root of f(x/p) so) or
    ρ = √r (f = x² − r); None when a is not of that form (a rational a included) or python-flint is missing."""
    try:
        import flint
    except ImportError:
        return None
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
    fz = flint.fmpz_poly([int(c) for c in coeffs])
    _content, factors = fz.factor()
    if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != fz.degree():
        return None
    f = flint.fmpq_poly([int(c) for c in coeffs])
    elem = flint.fmpq_poly([flint.fmpq(int(q.p), int(q.q)), flint.fmpq(int(p.p), int(p.q))])
    return f, elem, rho, flint.fmpq_poly([1])


def _as_expr(e: Any, a: Any) -> sp.Expr:
    return sp.Add(*[sp.Rational(int(c.p), int(c.q)) * a ** i for i, c in enumerate(e.coeffs()) if c != 0])


def field_mass_candidates(terms: dict[tuple[int, int], int], a: Any) -> list[sp.Expr] | None:
    r"""Non-zero mass candidates :math:`w` of an atom at the irrational pole a of the integer curve
    :math:`\sum_{j,k} t_{jk} m^j z^k`, when the slope-1 Newton edge is linear in w.

    Parameters
    ----------
    terms : dict
        ``{(j, k): integer coefficient of m^j z^k}`` (non-zero entries).
    a : sympy.Expr
        A real root of the leading coefficient in m (p ρ + q, ρ a ``CRootOf`` or √r, for this route).

    Returns
    -------
    list of sympy.Expr or None
        The candidates (polynomials in ρ with rational coefficients; empty when the edge has no non-zero root), or
        None when this route does not apply (no python-flint, a not p ρ + q with ρ √r or a real CRootOf of an
        irreducible integer polynomial, or an edge of degree > 1 in w): the caller then takes sympy's general route.
    """
    field = _field(a)
    if field is None:
        return None
    f, x, rho, one = field
    d = max(j for j, _ in terms)
    pts = {}
    for j in sorted({j for j, _ in terms}):
        coeffs = [terms.get((j, k), 0) * one for k in range(max(k for jj, k in terms if jj == j) + 1)]
        v = 0
        while True:
            # Horner in Q(a): coeffs = (z - a) q(z) + r, r the v-th Taylor coefficient of c_j at a
            acc, quo = 0 * one, []
            for c in reversed(coeffs):
                acc = (acc * x + c) % f
                quo.append(acc)
            rem = quo.pop()
            if not rem.is_zero():
                pts[j] = (v + d - j, rem)
                break
            coeffs, v = list(reversed(quo)), v + 1
    emin = min(e for e, _ in pts.values())
    on_edge = {j: lead for j, (e, lead) in pts.items() if e == emin}
    if len(on_edge) < 2:
        return []  # lead (-w)^j alone: no non-zero root
    lo, hi = min(on_edge), max(on_edge)
    if len(on_edge) != 2 or hi - lo != 1:
        return None
    # (-w)^lo (lead_lo - lead_hi w) = 0: w = lead_lo / lead_hi, lead_hi inverted modulo f (g = s lead_hi + t f)
    g, s, _t = on_edge[hi].xgcd(f)
    w = (on_edge[lo] * s % f) * (1 / g.coeffs()[0])
    return [_as_expr(w, rho)]


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
    f, x, rho, one = field
    kmax = max(k for _, k in terms)
    apow = [one]
    for _ in range(kmax):
        apow.append(apow[-1] * x % f)
    out = {}
    for (j, k), t in terms.items():
        for l in range(k + 1):
            out[(j, l)] = out.get((j, l), 0 * one) + (t * math.comb(k, l)) * apow[k - l]
    return sp.Add(*[_as_expr(e % f, rho) * m ** j * z ** l for (j, l), e in out.items() if not (e % f).is_zero()])
