r"""The curve :math:`P(m, z) = 0` of an algebraic Stieltjes transform: canonical form, irreducible factors, and
the branch at infinity (exact moments by undetermined coefficients, the Stieltjes factor).

Pure sympy. Conventions (``docs/dev/contract.md``): :math:`m(z) = \int \frac{d\mu(x)}{x - z}` with
:math:`m(z) \sim -1/z` at infinity, Cauchy :math:`G = -m`.

All polynomials returned are expanded sympy expressions with integer (or parameter-polynomial) coefficients whose
content has been removed, so the result is canonical up to sign; the sign is fixed so that the leading
coefficient in ``m`` (at the highest power of ``z``) is positive.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from freecalc.symbolic.algebraic_flint import integer_terms, is_canonical, remember_terms, stieltjes_candidates
from freecalc.symbolic.transforms import free_cumulants_from_moments, m as _m, z as _z

__all__ = ["AlgebraicError", "as_polynomial", "canonical_poly", "stieltjes_factor", "select_stieltjes_factor",
           "moment_series", "free_cumulant_series"]


class AlgebraicError(ValueError):
    """Raised when a polynomial does not encode a probability measure the way the caller asked for."""


# ----------------------------------------------------------------------------------------------------------------
# canonical form
# ----------------------------------------------------------------------------------------------------------------
def as_polynomial(expr: Any, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr:
    """Numerator of ``expr`` as an expanded polynomial in ``m`` and ``z`` with content removed.

    Floats are converted to exact rationals (``nsimplify(rational=True)``) so that factorisation is exact.
    Factors that are pure powers of ``m`` or ``z`` are removed (they never carry a Stieltjes branch).

    Parameters
    ----------
    expr : sympy.Expr or number
        A rational expression in ``m`` and ``z`` (floats are made exact).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.
    """
    expr = sp.sympify(expr)
    if expr.has(sp.Float):
        expr = sp.nsimplify(expr, rational=True)
    fast = _rational_polynomial(expr, m, z)
    if fast is not None:
        return fast
    num, _ = sp.fraction(sp.together(expr))
    num = sp.expand(num)
    if num == 0:
        raise AlgebraicError("the polynomial is identically zero")
    poly = sp.Poly(num, m, z)
    # strip monomial factors m^a z^b, then the content (integers or polynomials in extra parameters)
    (_a, _b), poly = poly.terms_gcd()
    poly = sp.Poly(poly.as_expr(), m, z)
    _cont, poly = poly.primitive()
    num = sp.expand(poly.as_expr())
    if sp.Poly(num, m, z).LC().could_extract_minus_sign():
        num = -num
    return num


def _rational_polynomial(expr: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> sp.Expr | None:
    """The canonical form of a polynomial with rational coefficients, without building a common denominator
    (``together`` is most of the cost on large curves); None for anything else (the general route)."""
    known = integer_terms(expr, m, z)
    if known is not None and is_canonical(known):
        return expr  # already canonical (the output of an earlier step)
    try:
        poly = sp.Poly(expr, m, z)
    except sp.polys.polyerrors.BasePolynomialError:  # m or z in a denominator or a radical
        return None
    return canonical_poly(poly, m, z)


def canonical_poly(poly: sp.Poly, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr | None:
    """The canonical form (as :func:`as_polynomial`) of a Poly in ``(m, z)`` over the integers or rationals.

    Parameters
    ----------
    poly : sympy.Poly
        Generators ``(m, z)``.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr or None
        The canonical polynomial; None when the domain is neither ZZ nor QQ.

    Raises
    ------
    AlgebraicError
        If the polynomial is zero.
    """
    if poly.domain not in (sp.ZZ, sp.QQ):  # parameters, algebraic numbers
        return None
    if poly.is_zero:
        raise AlgebraicError("the polynomial is identically zero")
    _den, poly = poly.clear_denoms(convert=True)
    (_a, _b), poly = poly.terms_gcd()
    _cont, poly = poly.primitive()
    poly = -poly if poly.LC() < 0 else poly
    out = poly.as_expr()
    remember_terms(out, m, z, integer_terms(poly, m, z))
    return out


def _factors(P: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> list[sp.Expr]:
    """Distinct irreducible factors (over the rationals, parameters allowed) that involve ``m``."""
    _, facs = sp.factor_list(P, m, z)
    out = []
    for f, _mult in facs:
        if f.has(m):
            out.append(as_polynomial(f, m, z))
    return out


# ----------------------------------------------------------------------------------------------------------------
# the branch at infinity: moments by undetermined coefficients
# ----------------------------------------------------------------------------------------------------------------
def _mu_form(P: sp.Expr, m: sp.Symbol, z: sp.Symbol):
    r"""Coefficients of :math:`Q(\mu, t)` = numerator of :math:`P(-t\mu, 1/t)` with powers of t stripped.

    :math:`\mu(t) = 1 + m_1 t + m_2 t^2 + \dots` is the moment series; returns ``{(j, k): coeff}`` for
    :math:`\mu^j t^k`.
    """
    known = integer_terms(P, m, z)
    pairs = list(known.items()) if known is not None else sp.Poly(P, m, z).terms()
    kmax = max(k for (_, k), _c in pairs)
    terms: dict[tuple[int, int], Any] = {}
    for (j, k), c in pairs:
        key = (j, j - k + kmax)
        terms[key] = terms.get(key, 0) + (-1) ** j * c
    shift = min(k for _, k in terms)
    return {(j, k - shift): c for (j, k), c in terms.items() if c != 0}


def _q_eval(Q: dict, mu: Any, t0: int = 0) -> Any:
    return sp.expand(sum(c * mu ** j for (j, k), c in Q.items() if k == t0))


def _q_substitute(Q: dict, prefix: Any, order: int) -> dict:
    """Q(prefix + t^order nu, t) with powers of t stripped, as a {(j, k): c} dict in (nu, t)."""
    nu, t = sp.Dummy("nu"), sp.Dummy("t")
    expr = sp.expand(sum(c * (prefix + t ** order * nu) ** j * t ** k for (j, k), c in Q.items()))
    poly = sp.Poly(expr, nu, t)
    shift = min(k for _, k in poly.monoms())
    return {(j, k - shift): c for (j, k), c in poly.terms()}


def _series_regular(Q: dict, c0: Any, K: int, dom) -> list:
    r"""Power series :math:`\nu(t) = c_0 + c_1 t + \dots + c_K t^K` with :math:`Q(\nu, t) = 0`, given
    :math:`Q(c_0, 0) = 0 \ne Q_\nu(c_0, 0)` (implicit function theorem: each :math:`c_k` solves a linear equation
    :math:`Q_\nu(c_0, 0) c_k + [t^k] Q(\nu_{k-1}, t) = 0`)."""
    conv = dom.from_sympy
    jmax = max(j for j, _ in Q)
    kmax = max(k for _, k in Q)
    # coefficient arrays q[j][k] in the domain
    q = [[dom.zero] * (kmax + 1) for _ in range(jmax + 1)]
    for (j, k), c in Q.items():
        q[j][k] = conv(sp.sympify(c))
    c0d = conv(sp.sympify(c0))
    dq = dom.zero
    for j in range(1, jmax + 1):
        dq += j * q[j][0] * c0d ** (j - 1)
    coeffs = [c0d]
    for k in range(1, K + 1):
        # residual [t^k] Q(nu_{k-1}, t) by Horner in nu with series truncated at t^k
        n = k + 1
        nu = coeffs + [dom.zero]
        acc = [dom.zero] * n
        for j in range(jmax, -1, -1):
            # acc = acc * nu + q_j(t)
            new = [dom.zero] * n
            for a in range(n):
                if acc[a]:
                    for b in range(n - a):
                        if nu[b]:
                            new[a + b] += acc[a] * nu[b]
            for a in range(min(n, kmax + 1)):
                new[a] += q[j][a]
            acc = new
        coeffs.append(-acc[k] / dq)
    return [dom.to_sympy(c) for c in coeffs]


def _branches(Q: dict, K: int, hint: Sequence[Any] | None, max_depth: int = 12,
              rational_only: bool = False) -> list[list[Any]]:
    """All power-series branches nu = 1 + c_1 t + ... of Q(nu, t) = 0 up to t^K (pruned by ``hint``)."""
    def numeric_real(v):
        return v.is_real is not False

    results: list[list[Any]] = []

    def rec(Qc: dict, prefix_expr, coeffs: list, depth: int):
        k = len(coeffs)  # next coefficient index
        if k > K:
            results.append(coeffs)
            return
        c_target = [1] if k == 0 else None
        q0 = {j: c for (j, kk), c in Qc.items() if kk == 0}
        nu = sp.Dummy("nu")
        q0_expr = sp.Add(*[c * nu ** j for j, c in q0.items()])
        if c_target is not None:
            cands = [sp.Integer(1)] if sp.simplify(q0_expr.subs(nu, 1)) == 0 else []
        else:
            if not q0_expr.has(nu):
                return
            cands = [r for r in sp.roots(sp.Poly(q0_expr, nu)).keys()]
            if not cands:  # fall back to a generic solver
                cands = sp.solve(q0_expr, nu)
        if hint is not None and 1 <= k <= len(hint):
            cands = [c for c in cands if _matches(c, hint[k - 1])]
        cands = [c for c in cands if numeric_real(c)]
        if rational_only and any(not c.is_Rational for c in cands):
            raise AlgebraicError("the branch at infinity has irrational coefficients (exact series skipped)")
        for c in cands:
            d_expr = sp.simplify(sp.diff(q0_expr, nu).subs(nu, c))
            if d_expr != 0 or depth >= max_depth:
                if d_expr == 0:
                    continue
                # regular from here on: implicit function theorem
                dom = _domain_for(Qc, c)
                tail = _series_regular(Qc, c, K - k, dom)
                full = coeffs + tail
                if hint is None or all(_matches(a, b) for a, b in zip(full[1:], hint)):
                    results.append(full)
            else:
                rec(_q_substitute(Qc, c, 1), None, coeffs + [c], depth + 1)

    rec(Q, None, [], 0)
    return results


def _matches(value: Any, target: Any) -> bool:
    """Exact equality for exact targets; 1e-8 relative closeness for float targets (numeric hints)."""
    if isinstance(target, float) or (isinstance(target, sp.Basic) and target.is_Float):
        try:
            return abs(complex(sp.N(value, 20)) - float(target)) <= 1e-8 * (1.0 + abs(float(target)))
        except TypeError:  # symbolic value: cannot compare with a number
            return True
    return sp.simplify(value - target) == 0


def _domain_for(Q: dict, c0: Any):
    # an algebraic-number field QQ<alpha> when c0 is irrational (much faster than the generic EX domain)
    vals = [sp.sympify(v) for v in Q.values()] + [sp.sympify(c0)]
    try:
        dom, _vals = sp.polys.constructor.construct_domain(vals, field=True, extension=True)
    except (sp.polys.polyerrors.PolificationFailed, NotImplementedError, ValueError):
        dom, _vals = sp.polys.constructor.construct_domain(vals, field=True)
    return dom


def moment_series(P: sp.Expr, K: int, m: sp.Symbol = _m, z: sp.Symbol = _z,
                  hint: Sequence[Any] | None = None, rational_only: bool = False) -> list[Any]:
    r"""Moments :math:`m_1, \dots, m_K` of the branch :math:`m(z) = -\sum_k m_k z^{-k-1}` of :math:`P = 0`.

    Undetermined coefficients on :math:`Q(\mu, t) = P(-t\mu, 1/t)` (cleared), :math:`\mu = 1 + \sum m_k t^k`.
    Where several branches start with :math:`\mu(0) = 1` the known moments ``hint`` (a prefix) select one;
    an ambiguity that the hint does not resolve raises :class:`AlgebraicError`. ``rational_only`` raises
    :class:`AlgebraicError` instead of working in an algebraic-number field when a branching coefficient is
    irrational (callers that only need floats then use another route).

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments.
    hint : sequence, optional
        Known leading moments selecting the branch.
    rational_only : bool
        Refuse irrational branching coefficients (see above).

    Returns
    -------
    list
        :math:`m_1, \dots, m_K` (exact).

    Raises
    ------
    AlgebraicError
        If no branch, or several, start like :math:`-1/z`, or (``rational_only``) a coefficient is irrational.
    """
    integer = integer_terms(P, m, z) is not None
    Q = _mu_form(P if integer else sp.expand(P), m, z)
    if integer:
        # the usual case: one regular branch through mu(0) = 1 (Q(1, 0) = 0 != Q_mu(1, 0)), whose coefficients are
        # rationals given by the implicit function theorem; the general search below finds the same single branch
        q0 = {j: c for (j, k), c in Q.items() if k == 0}
        if sum(q0.values()) == 0 and sum(j * c for j, c in q0.items()) != 0:
            moments = _series_regular(Q, 1, K, sp.QQ)[1:]
            if hint is not None and not all(_matches(a, b) for a, b in zip(moments, hint)):
                raise AlgebraicError("the polynomial has no branch m(z) = -1/z + O(z^-2) at infinity matching the "
                                     "given moments")
            return moments
    br = _branches(Q, K, hint, rational_only=rational_only)
    if not br:
        raise AlgebraicError("the polynomial has no branch m(z) = -1/z + O(z^-2) at infinity"
                             + (" matching the given moments" if hint else ""))
    uniq = []
    for b in br:
        if not any(all(sp.simplify(x - y) == 0 for x, y in zip(b, u)) for u in uniq):  # exact comparison
            uniq.append(b)
    if len(uniq) > 1:
        raise AlgebraicError(f"{len(uniq)} branches of the polynomial start like -1/z; pass hint= moments "
                             "to select one")
    return [sp.simplify(c) if c.free_symbols else c for c in uniq[0][1:]]


def free_cumulant_series(P: sp.Expr, K: int, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[Any]:
    r"""Free cumulants :math:`\kappa_1..\kappa_K` of the Stieltjes branch of :math:`P`.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z``.
    K : int
        Number of free cumulants.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr
        :math:`\kappa_1, \dots, \kappa_K`.

    Raises
    ------
    AlgebraicError
        As :func:`moment_series`.
    """
    return [sp.simplify(k) for k in free_cumulants_from_moments(moment_series(P, K, m, z))]


def _has_stieltjes_branch(P: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> bool:
    Q = _mu_form(P, m, z)
    return sp.simplify(_q_eval(Q, 1)) == 0


def stieltjes_factor(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z, hint: Sequence[Any] | None = None,
                     factor: bool = True) -> sp.Expr:
    r"""The irreducible factor of ``P`` carrying the Stieltjes branch :math:`m \sim -1/z`.

    Factors with no branch :math:`\mu(0) = 1` are discarded; if several remain, the one whose series matches the
    moments ``hint`` is kept (distinct irreducible factors share no branch, so the choice is unambiguous).

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    hint : sequence or callable, optional
        Known leading moments (or a function computing them, called only when several factors qualify).
    factor : bool
        Factorise ``P`` first (False: take ``P`` as irreducible).

    Returns
    -------
    sympy.Expr
        The factor, canonical.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.
    """
    P = as_polynomial(P, m, z)
    cands = stieltjes_candidates(P, m, z) if factor else None  # FLINT on integer curves: the same factors
    if cands is None:
        cands = [f for f in (_factors(P, m, z) if factor else [P]) if _has_stieltjes_branch(f, m, z)]
    if not cands:
        raise AlgebraicError(f"no factor of {P} has a branch m(z) ~ -1/z at infinity")
    return select_stieltjes_factor(cands, m, z, hint)


def select_stieltjes_factor(cands: Sequence[sp.Expr], m: sp.Symbol = _m, z: sp.Symbol = _z,
                            hint: Sequence[Any] | None = None) -> sp.Expr:
    r"""The one of several irreducible factors, each with a branch :math:`m \sim -1/z`, whose moments match ``hint``.

    Parameters
    ----------
    cands : sequence of sympy.Expr
        Distinct irreducible canonical factors with a branch :math:`\mu(0) = 1` (at least one).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    hint : sequence or callable, optional
        Known leading moments (or a function computing them, called only when several factors qualify).

    Returns
    -------
    sympy.Expr
        The factor.

    Raises
    ------
    AlgebraicError
        If several factors qualify and the moments cannot choose.
    """
    if len(cands) == 1:
        return cands[0]
    if callable(hint):  # computed only when needed: several factors carry a branch ~ -1/z
        hint = hint()
    K = len(hint) if hint is not None else 6
    keep = []
    for f in cands:
        try:
            moment_series(f, K, m, z, hint=hint)
        except AlgebraicError:
            continue
        keep.append(f)
    if len(keep) != 1:
        raise AlgebraicError(f"{len(keep)} factors carry a branch ~ -1/z; pass hint= moments to select one")
    return keep[0]

