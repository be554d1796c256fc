r"""Tools on algebraic Stieltjes transforms: a polynomial :math:`P(m, z)` with :math:`P(m(z), z) = 0`.

Pure sympy. Conventions (``docs/dev/contract.md``): :math:`m(z) = \int \frac{d\mu(x)}{x - z}` with
:math:`m(z) \sim -1/z` at infinity, Cauchy :math:`G = -m`, :math:`R(G(z)) + 1/G(z) = z`,
:math:`S(w)\,R(wS(w)) = 1`.

The *polynomial method* (Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8, 2008):

* R-equation: substitute :math:`m = -w`, :math:`z = R + 1/w` (so :math:`w = G(z)`);
* S-equation: substitute :math:`m = -wS`, :math:`z = (1+w)/(wS)` (from :math:`\psi = -1 - zm`);
* :math:`\boxplus`: R-transforms add, so eliminate :math:`R_1` from :math:`A(R_1, w)` and :math:`B(R - R_1, w)`
  with a resultant; :math:`\boxtimes`: S-transforms multiply, eliminate :math:`S_1` from :math:`A(S_1, w)` and
  :math:`S_1^{\deg} B(S/S_1, w)`;
* the resultant has spurious factors; the *Stieltjes factor* is the irreducible factor with a branch
  :math:`m = -1/z - m_1/z^2 - \dots` at infinity whose moments match the ones known from the operation.

All polynomials returned are expanded sympy expressions with integer (or parameter-polynomial) coefficients whose
content has been removed, so the result is canonical up to sign; the sign is fixed so that the leading
coefficient in ``m`` (at the highest power of ``z``) is positive.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from freecalc.symbolic.transforms import (free_cumulants_from_moments, m as _m, moments_from_free_cumulants,
                                          w as _w, z as _z)

__all__ = [
    "as_polynomial", "stieltjes_factor", "moment_series", "free_cumulant_series", "discriminant", "edge_candidates",
    "pole_candidates", "mass_candidates", "r_equation", "from_r_equation", "s_equation", "from_s_equation",
    "shift_equation", "dilate_equation", "add_equations", "mul_equations", "power_equation", "compress_equation",
    "inverse_equation", "wishart_equation", "atoms_equation", "product_moments", "AlgebraicError",
]

R_SYM, S_SYM = sp.symbols("R S")


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
    poly = sp.Poly(P, m, z)
    kmax = max(k for _, k in poly.monoms())
    terms: dict[tuple[int, int], Any] = {}
    for (j, k), c in poly.terms():
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
    Q = _mu_form(sp.expand(P), m, z)
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
    facs = _factors(P, m, z) if factor else [P]
    cands = [f for f in facs if _has_stieltjes_branch(f, m, z)]
    if not cands:
        raise AlgebraicError(f"no factor of {P} has a branch m(z) ~ -1/z at infinity")
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


# ----------------------------------------------------------------------------------------------------------------
# edges, poles, atoms
# ----------------------------------------------------------------------------------------------------------------
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
            out.extend(sp.real_roots(f))
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
    return _real_roots(sp.Poly(P, m).LC(), z)


def mass_candidates(P: sp.Expr, a: Any, m: sp.Symbol = _m, z: sp.Symbol = _z) -> list[sp.Expr]:
    r"""Possible masses of an atom at ``a``: the non-zero roots :math:`w` of the Newton-polygon edge of slope 1.

    Near an atom :math:`m(z) \approx -w/(z - a)`. Writing :math:`z = a + \varepsilon`, :math:`m = -w/\varepsilon`
    and keeping the lowest power of :math:`\varepsilon` in :math:`\varepsilon^d P` gives a polynomial in
    :math:`w` whose positive roots are the candidate masses (mass = minus the residue of m).

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
    """
    eps, wv = sp.Dummy("eps"), sp.Dummy("w")
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
    edge = sp.Add(*[lead * (-wv) ** j for j, (e, lead) in pts.items() if e == emin])
    if not edge.has(wv):
        return []
    poly = sp.Poly(edge, wv)
    found = sp.roots(poly)
    if sum(found.values()) < poly.degree() and not (poly.free_symbols - {wv}):
        found = {r: 1 for r in poly.all_roots()}  # no radicals: exact CRootOf objects
    return [r for r in found.keys() if r != 0 and r.is_real is not False]


# ----------------------------------------------------------------------------------------------------------------
# R- and S-equations
# ----------------------------------------------------------------------------------------------------------------
def _clear_and_strip(expr: sp.Expr, a: sp.Symbol, b: sp.Symbol) -> sp.Expr:
    return as_polynomial(expr, a, b)


def r_equation(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z, R: sp.Symbol = R_SYM,
               w: sp.Symbol = _w) -> sp.Expr:
    r"""Equation :math:`A(R, w) = 0` of the R-transform: substitute :math:`m = -w`, :math:`z = R + 1/w`.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    R, w : sympy.Symbol
        The variables of the R-equation.

    Returns
    -------
    sympy.Expr
        :math:`A(R, w)`, denominators cleared, content removed.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    return _clear_and_strip(P.subs({m: -w, z: R + 1 / w}, simultaneous=True), R, w)


def from_r_equation(A: sp.Expr, R: sp.Symbol = R_SYM, w: sp.Symbol = _w, m: sp.Symbol = _m,
                    z: sp.Symbol = _z) -> sp.Expr:
    r"""Inverse of :func:`r_equation`: substitute :math:`w = -m`, :math:`R = z + 1/m`.

    Parameters
    ----------
    A : sympy.Expr
        Polynomial :math:`A(R, w)` with :math:`A(R(w), w) = 0`.
    R, w : sympy.Symbol
        Its variables.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    return as_polynomial(A.subs({w: -m, R: z + 1 / m}, simultaneous=True), m, z)


def s_equation(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z, S: sp.Symbol = S_SYM,
               w: sp.Symbol = _w) -> sp.Expr:
    r"""Equation :math:`B(S, w) = 0` of the S-transform: :math:`m = -wS`, :math:`z = (1+w)/(wS)`.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with :math:`P(m(z), z) = 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    S, w : sympy.Symbol
        The variables of the S-equation.

    Returns
    -------
    sympy.Expr
        :math:`B(S, w)`, denominators cleared, content removed.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    return _clear_and_strip(P.subs({m: -w * S, z: (1 + w) / (w * S)}, simultaneous=True), S, w)


def from_s_equation(B: sp.Expr, S: sp.Symbol = S_SYM, w: sp.Symbol = _w, m: sp.Symbol = _m,
                    z: sp.Symbol = _z) -> sp.Expr:
    r"""Inverse of :func:`s_equation`: :math:`w = -1 - zm`, :math:`S = m/(1 + zm)`.

    Parameters
    ----------
    B : sympy.Expr
        Polynomial :math:`B(S, w)` with :math:`B(S(w), w) = 0`.
    S, w : sympy.Symbol
        Its variables.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    P = as_polynomial(B.subs({w: -1 - z * m, S: m / (1 + z * m)}, simultaneous=True), m, z)
    # clearing the denominators (1 + zm)^k can leave spurious factors 1 + zm (the equation of delta_0)
    unit = 1 + z * m
    while True:
        q, r = sp.div(P, unit, m, z)
        if r != 0 or not q.has(m):
            return P
        P = as_polynomial(q, m, z)


# ----------------------------------------------------------------------------------------------------------------
# transformations (each returns the Stieltjes factor)
# ----------------------------------------------------------------------------------------------------------------
def shift_equation(P: sp.Expr, c: Any, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr:
    r"""Law of :math:`X + c`: :math:`m_{X+c}(z) = m_X(z - c)`.

    Parameters
    ----------
    P : sympy.Expr
        Equation of the law of X.
    c : sympy.Expr or number
        The shift.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.
    """
    return as_polynomial(P.subs(z, z - sp.sympify(c)), m, z)


def dilate_equation(P: sp.Expr, a: Any, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr:
    r"""Law of :math:`aX` (:math:`a \ne 0`): :math:`m_{aX}(z) = m_X(z/a)/a`.

    Parameters
    ----------
    P : sympy.Expr
        Equation of the law of X.
    a : sympy.Expr or number
        The non-zero factor.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    ValueError
        If ``a`` is 0.
    """
    a = sp.sympify(a)
    if a == 0:
        raise ValueError("dilation factor a must be non-zero, got a = 0")
    return as_polynomial(P.subs({m: a * m, z: z / a}, simultaneous=True), m, z)


def inverse_equation(P: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z) -> sp.Expr:
    r"""Law of :math:`1/X` (no mass near 0): :math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2`,
    i.e. substitute :math:`m \to -z^2 m - z`, :math:`z \to 1/z` (a birational change of variables, so the
    Stieltjes factor stays irreducible).

    Parameters
    ----------
    P : sympy.Expr
        Equation of the law of X.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.
    """
    return as_polynomial(P.subs({m: -z ** 2 * m - z, z: 1 / z}, simultaneous=True), m, z)


def _eliminate(A: sp.Expr, B: sp.Expr, var: sp.Symbol, other: sp.Symbol, mode: str) -> sp.Expr:
    y = sp.Dummy("y")
    A1 = sp.Poly(A.subs(var, y), y)
    if mode == "add":
        B1 = sp.expand(B.subs(var, var - y))
    else:  # multiplicative: B(var / y) * y^deg
        dB = sp.Poly(B, var).degree()
        B1 = sp.expand(sp.cancel(B.subs(var, var / y) * y ** dB))
    res = sp.resultant(A1.as_expr(), B1, y)
    return sp.expand(res)


def add_equations(P1: sp.Expr, P2: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z, K: int = 6) -> sp.Expr:
    r"""Equation of :math:`\mu_1 \boxplus \mu_2`: eliminate :math:`R_1` from :math:`A_1(R_1, w)` and
    :math:`A_2(R - R_1, w)` (the R-transforms add), then keep the factor whose moments match the free
    cumulants :math:`\kappa_k(\mu_1) + \kappa_k(\mu_2)`.

    Parameters
    ----------
    P1, P2 : sympy.Expr
        Equations of :math:`\mu_1` and :math:`\mu_2`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments used to select the Stieltjes factor among those of the resultant.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    R, w = R_SYM, _w
    A1, A2 = r_equation(P1, m, z, R, w), r_equation(P2, m, z, R, w)
    C = _eliminate(A1, A2, R, w, "add")

    def hint():
        k1 = free_cumulants_from_moments(moment_series(P1, K, m, z))
        k2 = free_cumulants_from_moments(moment_series(P2, K, m, z))
        return [sp.expand(x) for x in moments_from_free_cumulants([a + b for a, b in zip(k1, k2)])]
    return stieltjes_factor(from_r_equation(C, R, w, m, z), m, z, hint=hint)


def product_moments(mom1: Sequence[Any], mom2: Sequence[Any]) -> list[Any]:
    r"""Moments of :math:`\mu_1 \boxtimes \mu_2` from moments of the factors: the free-multiplicative moment formula
    :math:`m_n(ab) = \sum_{\pi \in NC(n)} \kappa_\pi(a)\, m_{K(\pi)}(b)` in its generating-function form
    :math:`\psi_{ab}^{-1}(w) = \psi_a^{-1}(w)\psi_b^{-1}(w)(1+w)/w` (series reversion, exact arithmetic).

    Parameters
    ----------
    mom1, mom2 : sequence
        Moments :math:`m_1, \dots, m_K` of :math:`\mu_1` and :math:`\mu_2` (numbers or sympy expressions;
        the means must be non-zero).

    Returns
    -------
    list
        :math:`m_1, \dots, m_K` of :math:`\mu_1 \boxtimes \mu_2`.

    References
    ----------
    Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Lectures 14 and 18.
    """
    K = len(mom1)
    t = sp.Dummy("t")

    def revert(mom):  # chi with psi(chi(w)) = w, psi(u) = sum m_k u^k
        if sp.sympify(mom[0]) == 0:
            raise AlgebraicError("the S-transform needs a non-zero mean")
        chi = t / mom[0]
        for n in range(2, K + 1):
            psi = sum(mk * chi ** (k + 1) for k, mk in enumerate(mom))
            err = sp.expand(sp.series(psi, t, 0, n + 1).removeO()).coeff(t, n)
            chi = chi - err / mom[0] * t ** n
        return sp.expand(chi)

    chi = sp.expand(sp.series(revert(mom1) * revert(mom2) * (1 + t) / t, t, 0, K + 1).removeO())
    # invert chi back to psi
    psi = t / chi.coeff(t, 1)
    for n in range(2, K + 1):
        comp = sp.expand(sp.series(chi.subs(t, psi), t, 0, n + 1).removeO()).coeff(t, n)
        psi = psi - comp / chi.coeff(t, 1) * t ** n
    psi = sp.expand(psi)
    return [sp.simplify(psi.coeff(t, k)) for k in range(1, K + 1)]


def mul_equations(P1: sp.Expr, P2: sp.Expr, m: sp.Symbol = _m, z: sp.Symbol = _z, K: int = 5) -> sp.Expr:
    r"""Equation of :math:`\mu_1 \boxtimes \mu_2` (both means non-zero): eliminate :math:`S_1` from
    :math:`B_1(S_1, w)` and :math:`S_1^{d} B_2(S/S_1, w)` (the S-transforms multiply), then keep the factor whose
    moments match the free multiplicative convolution of the moment sequences.

    Parameters
    ----------
    P1, P2 : sympy.Expr
        Equations of :math:`\mu_1` and :math:`\mu_2`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments used to select the Stieltjes factor among those of the resultant.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    S, w = S_SYM, _w
    B1, B2 = s_equation(P1, m, z, S, w), s_equation(P2, m, z, S, w)
    C = _eliminate(B1, B2, S, w, "mul")
    def hint():
        return product_moments(moment_series(P1, K, m, z), moment_series(P2, K, m, z))
    return stieltjes_factor(from_s_equation(C, S, w, m, z), m, z, hint=hint)


def power_equation(P: sp.Expr, s: Any, m: sp.Symbol = _m, z: sp.Symbol = _z, K: int = 6) -> sp.Expr:
    r"""Equation of :math:`\mu^{\boxplus s}`: :math:`R \to sR`, i.e. :math:`A(R/s, w)`.

    Parameters
    ----------
    P : sympy.Expr
        Equation of :math:`\mu`.
    s : sympy.Expr or number
        The power (:math:`s \ge 1` for a probability measure).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments used to select the Stieltjes factor among those of the resultant.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.
    """
    s = sp.sympify(s)
    R, w = R_SYM, _w
    A = r_equation(P, m, z, R, w)
    def hint():
        kap = free_cumulants_from_moments(moment_series(P, K, m, z))
        return [sp.expand(h) for h in moments_from_free_cumulants([s * k for k in kap])]
    return stieltjes_factor(from_r_equation(A.subs(R, R / s), R, w, m, z), m, z, hint=hint)


def compress_equation(P: sp.Expr, alpha: Any, m: sp.Symbol = _m, z: sp.Symbol = _z, K: int = 6) -> sp.Expr:
    r"""Equation of the compression :math:`D_\alpha(\mu^{\boxplus 1/\alpha})`, whose R-transform is
    :math:`R(\alpha w)` (Nica–Speicher). Valid as an equation for every :math:`\alpha > 0` (``alpha > 1`` is the
    exact decompression route; whether the result is a probability measure is the caller's question).

    Parameters
    ----------
    P : sympy.Expr
        Equation of :math:`\mu`.
    alpha : sympy.Expr or number
        The factor :math:`\alpha > 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments used to select the Stieltjes factor among those of the resultant.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.

    References
    ----------
    Nica & Speicher (2006), Lecture 14 (compression by a free projection).
    """
    alpha = sp.sympify(alpha)
    R, w = R_SYM, _w
    A = r_equation(P, m, z, R, w)
    def hint():
        kap = free_cumulants_from_moments(moment_series(P, K, m, z))
        return [sp.expand(h) for h in moments_from_free_cumulants([k * alpha ** i for i, k in enumerate(kap)])]
    return stieltjes_factor(from_r_equation(A.subs(w, alpha * w), R, w, m, z), m, z, hint=hint)


def wishart_equation(P: sp.Expr, c: Any, m: sp.Symbol = _m, z: sp.Symbol = _z, K: int = 5) -> sp.Expr:
    r"""Equation of the limiting spectral law of :math:`\frac1N T^{1/2} X X^\top T^{1/2}` (:math:`p/N \to c`,
    population law :math:`H` with equation ``P``), i.e. :math:`H \boxtimes \mathrm{MP}(c)`.

    Marchenko–Pastur / Silverstein: :math:`m(z) = \int \frac{dH(t)}{t(1 - c - czm) - z}`, i.e. with
    :math:`u = 1 - c - czm`: :math:`u\,m(z) = m_H(z/u)`; substitute :math:`m \to um`, :math:`z \to z/u` in ``P``.

    Parameters
    ----------
    P : sympy.Expr
        Equation of the population law H.
    c : sympy.Expr or number
        Aspect ratio :math:`p/N > 0`.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    K : int
        Number of moments used to select the Stieltjes factor among those of the resultant.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.

    Raises
    ------
    AlgebraicError
        If no factor of the result carries the Stieltjes branch, or several do and the moments cannot choose.

    References
    ----------
    Silverstein & Bai (1995), J. Multivariate Anal. 54.
    """
    c = sp.sympify(c)
    u = 1 - c - c * z * m
    expr = P.subs({m: m * u, z: z / u}, simultaneous=True)
    def hint():
        mp_moments = moment_series(m * (1 - c - c * m * z - z) - 1, K, m, z)
        return product_moments(moment_series(P, K, m, z), mp_moments)
    return stieltjes_factor(expr, m, z, hint=hint)


def atoms_equation(locations: Sequence[Any], weights: Sequence[Any], m: sp.Symbol = _m,
                   z: sp.Symbol = _z) -> sp.Expr:
    r"""Equation of :math:`\sum_i w_i \delta_{a_i}`: :math:`m = \sum_i w_i/(a_i - z)`, cleared.

    Parameters
    ----------
    locations, weights : sequence
        Atom locations :math:`a_i` and masses :math:`w_i` (numbers or sympy expressions).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial (expanded, content removed, sign fixed) of the result, in ``m`` and ``z``.
    """
    expr = m - sp.Add(*[sp.sympify(wi) / (sp.sympify(ai) - z) for ai, wi in zip(locations, weights)])
    return as_polynomial(expr, m, z)
