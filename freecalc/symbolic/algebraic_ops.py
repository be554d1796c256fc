r"""The polynomial method: R- and S-equations of an algebraic law and the curves of transformed laws
(shift, dilation, inverse, free sum, free product, free power, compression, Wishart, atoms).

Pure sympy. Conventions (``docs/dev/contract.md``): :math:`m(z) = \int \frac{d\mu(x)}{x - z}`, Cauchy
:math:`G = -m`, :math:`R(G(z)) + 1/G(z) = z`, :math:`S(w)\,R(wS(w)) = 1`.

* R-equation: substitute :math:`m = -w`, :math:`z = R + 1/w` (so :math:`w = G(z)`);
* S-equation: substitute :math:`m = -wS`, :math:`z = (1+w)/(wS)` (from :math:`\psi = -1 - zm`);
* :math:`\boxplus`: R-transforms add, so eliminate :math:`R_1` from :math:`A(R_1, w)` and :math:`B(R - R_1, w)`
  with a resultant; :math:`\boxtimes`: S-transforms multiply, eliminate :math:`S_1` from :math:`A(S_1, w)` and
  :math:`S_1^{\deg} B(S/S_1, w)`;
* the resultant has spurious factors; the *Stieltjes factor* is the irreducible factor with a branch
  :math:`m = -1/z - m_1/z^2 - \dots` at infinity whose moments match the ones known from the operation
  (:func:`freecalc.symbolic.algebraic_curve.stieltjes_factor`).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from freecalc.symbolic.algebraic_curve import (AlgebraicError, as_polynomial, canonical_poly, moment_series,
                                               select_stieltjes_factor, stieltjes_factor)
from freecalc.symbolic.algebraic_flint import add_candidates, integer_terms, mul_candidates, remember_terms
from freecalc.symbolic.integer_curve import inverse_terms
from freecalc.symbolic.transforms import (free_cumulants_from_moments, m as _m, moments_from_free_cumulants,
                                          w as _w, z as _z)

__all__ = [
    "R_SYM", "S_SYM", "r_equation", "from_r_equation", "s_equation", "from_s_equation", "shift_equation",
    "dilate_equation", "add_equations", "mul_equations", "power_equation", "compress_equation", "inverse_equation",
    "wishart_equation", "atoms_equation", "product_moments",
]

R_SYM, S_SYM = sp.symbols("R S")


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
    terms = integer_terms(P, m, z)
    if terms is not None:  # integer arithmetic on the coefficients: the same canonical polynomial, no expansion
        inv = inverse_terms(terms)
        out = sp.Poly.from_dict(inv, m, z).as_expr()
        remember_terms(out, m, z, inv)
        return out
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
    cands = add_candidates(P1, P2, m, z)  # FLINT on integer curves: the same candidate factors

    def hint():
        k1 = free_cumulants_from_moments(moment_series(P1, K, m, z))
        k2 = free_cumulants_from_moments(moment_series(P2, K, m, z))
        return [sp.expand(x) for x in moments_from_free_cumulants([a + b for a, b in zip(k1, k2)])]
    if cands:
        return select_stieltjes_factor(cands, m, z, hint=hint)
    A1, A2 = r_equation(P1, m, z, R, w), r_equation(P2, m, z, R, w)  # (no candidates: the general route's error)
    return stieltjes_factor(from_r_equation(_eliminate(A1, A2, R, w, "add"), R, w, m, z), m, z, hint=hint)


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
    cands = mul_candidates(P1, P2, m, z)  # FLINT on integer curves: the same candidate factors

    def hint():
        return product_moments(moment_series(P1, K, m, z), moment_series(P2, K, m, z))
    if cands:
        return select_stieltjes_factor(cands, m, z, hint=hint)
    B1, B2 = s_equation(P1, m, z, S, w), s_equation(P2, m, z, S, w)  # (no candidates: the general route's error)
    return stieltjes_factor(from_s_equation(_eliminate(B1, B2, S, w, "mul"), S, w, m, z), m, z, hint=hint)


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
    fast = _atoms_polynomial(locations, weights, m, z)
    if fast is not None:
        return fast
    expr = m - sp.Add(*[sp.sympify(wi) / (sp.sympify(ai) - z) for ai, wi in zip(locations, weights)])
    return as_polynomial(expr, m, z)


def _atoms_polynomial(locations: Sequence[Any], weights: Sequence[Any], m: sp.Symbol, z: sp.Symbol) -> sp.Expr | None:
    r""":math:`m\prod_i (a_i - z) - \sum_i w_i \prod_{j \ne i}(a_j - z)` built as a Poly, for rational (or float, made
    exact as in :func:`as_polynomial`) locations and masses; None otherwise. With distinct locations and non-zero
    masses it has no common factor, so it is the numerator ``together`` would build, without the expression algebra."""
    def exact(v: Any) -> Any:
        v = sp.sympify(v)
        return sp.nsimplify(v, rational=True) if isinstance(v, sp.Float) else v

    pairs = [(exact(a), exact(wt)) for a, wt in zip(locations, weights)]
    pairs = [(a, wt) for a, wt in pairs if wt != 0]  # 0/(a - z) vanishes from the sum
    if not pairs or not all(isinstance(v, sp.Rational) for pair in pairs for v in pair):
        return None
    if len({a for a, _ in pairs}) < len(pairs):  # repeated locations: together merges their denominators
        return None
    lin = [sp.Poly(a - z, m, z, domain=sp.QQ) for a, _ in pairs]
    den = sp.Poly(1, m, z, domain=sp.QQ)
    for f in lin:
        den = den * f
    num = sp.Poly(0, m, z, domain=sp.QQ)
    for i, (_a, wt) in enumerate(pairs):
        term = sp.Poly(wt, m, z, domain=sp.QQ)
        for j, f in enumerate(lin):
            if j != i:
                term = term * f
        num = num + term
    return canonical_poly(sp.Poly(m, m, z, domain=sp.QQ) * den - num, m, z)
