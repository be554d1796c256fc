r"""Generic transforms between moments, free cumulants and the R-, S- and Stieltjes transforms.

All functions work on plain sympy objects (or on Python/NumPy numbers, where noted), so a user can mix them into
any sympy session.

Conventions (see ``docs/dev/contract.md``):

* moments :math:`m_k = \int x^k\,d\mu`, with :math:`m_0 = 1`;
* Stieltjes :math:`m(z) = \int \frac{d\mu(x)}{x - z} = -\sum_{k\ge 0} m_k z^{-k-1}`, Cauchy :math:`G = -m`;
* free cumulants :math:`\kappa_k` with :math:`R(w) = \sum_{k\ge1} \kappa_k w^{k-1}` and :math:`R(G(z)) + 1/G(z) = z`;
* moment series :math:`M(u) = 1 + \sum_{k\ge1} m_k u^k` and :math:`C(u) = 1 + \sum_{k\ge1}\kappa_k u^k` satisfy
  :math:`M(u) = C(u\,M(u))` (Nica & Speicher, *Lectures on the Combinatorics of Free Probability*, Lecture 16).

The S-transform: :math:`\psi(u) = M(u) - 1`, :math:`\chi = \psi^{-1}`, :math:`S(w) = \chi(w)(1+w)/w`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

__all__ = [
    "z", "w", "x", "m", "u",
    "free_cumulants_from_moments", "moments_from_free_cumulants",
    "r_series_from_cumulants", "cumulants_from_r", "moments_from_stieltjes",
    "s_series_from_moments", "stieltjes_series_from_moments",
]

#: Default symbols used by the symbolic faces of laws.
z, w, x, m, u = sp.symbols("z w x m u")


def _simplify(value: Any) -> Any:
    return sp.expand(value) if isinstance(value, sp.Basic) else value


def moments_from_free_cumulants(kappas: Sequence[Any]) -> list[Any]:
    r"""Moments :math:`m_1..m_K` from free cumulants :math:`\kappa_1..\kappa_K`.

    Uses the recursion from the functional relation :math:`M(u) = C(uM(u))`:
    :math:`m_n = \sum_{s=1}^{n} \kappa_s \,[u^{n-s}]\, M(u)^s`.
    Works for numbers and sympy expressions alike.

    Parameters
    ----------
    kappas : sequence of number or sympy.Expr
        Free cumulants :math:`\kappa_1, \dots, \kappa_K`.

    Returns
    -------
    list
        Moments :math:`m_1, \dots, m_K` (same kind as the input: numbers or expanded sympy expressions).

    References
    ----------
    Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Lecture 16.

    Examples
    --------
    >>> moments_from_free_cumulants([0, 1, 0, 0])   # semicircle of variance 1: Catalan numbers
    [0, 1, 0, 2]
    """
    K = len(kappas)
    mom = [1] + [0] * K  # m_0..m_K
    for n in range(1, K + 1):
        # powers[s][j] = [u^j] M(u)^s for j <= n - s, computed with the moments known so far (j < n).
        total = 0
        power = [1] + [0] * n  # M^0
        for s in range(1, n + 1):
            power = [_simplify(sum(power[i] * mom[j - i] for i in range(j + 1))) for j in range(n + 1)]
            total += kappas[s - 1] * power[n - s]
        mom[n] = _simplify(total)
    return mom[1:]


def free_cumulants_from_moments(moments: Sequence[Any]) -> list[Any]:
    r"""Free cumulants :math:`\kappa_1..\kappa_K` from moments :math:`m_1..m_K` (inverse of
    :func:`moments_from_free_cumulants`; the relation is triangular with unit diagonal).

    Parameters
    ----------
    moments : sequence of number or sympy.Expr
        Moments :math:`m_1, \dots, m_K` (:math:`m_0 = 1` is implied).

    Returns
    -------
    list
        Free cumulants :math:`\kappa_1, \dots, \kappa_K`.

    Examples
    --------
    >>> free_cumulants_from_moments([1, 2, 5, 14])   # Marchenko-Pastur(1): all free cumulants are 1
    [1, 1, 1, 1]
    """
    K = len(moments)
    kappas: list[Any] = []
    for n in range(1, K + 1):
        trial = moments_from_free_cumulants(kappas + [0])
        kappas.append(_simplify(moments[n - 1] - trial[n - 1]))
    return kappas


def r_series_from_cumulants(kappas: Sequence[Any], var: sp.Symbol = w) -> sp.Expr:
    r"""Truncated R-transform :math:`R(w) = \sum_{k=1}^{K} \kappa_k w^{k-1}`.

    Parameters
    ----------
    kappas : sequence of number or sympy.Expr
        Free cumulants :math:`\kappa_1, \dots, \kappa_K`.
    var : sympy.Symbol
        The variable :math:`w`.

    Returns
    -------
    sympy.Expr
        The polynomial of degree :math:`K - 1` in ``var``.
    """
    return sp.Add(*[k * var ** i for i, k in enumerate(kappas)])


def cumulants_from_r(r_expr: sp.Expr, order: int, var: sp.Symbol = w) -> list[sp.Expr]:
    r"""Free cumulants :math:`\kappa_1..\kappa_{order}` from the Taylor series of an R-transform at 0.

    :math:`\kappa_{k+1} = [w^k]\,R(w)`.

    Parameters
    ----------
    r_expr : sympy.Expr
        The R-transform, analytic at ``var = 0``.
    order : int
        Number of free cumulants returned.
    var : sympy.Symbol
        The variable of ``r_expr``.

    Returns
    -------
    list of sympy.Expr
        :math:`\kappa_1, \dots, \kappa_{order}` (simplified).
    """
    ser = sp.series(r_expr, var, 0, order).removeO()
    return [sp.simplify(ser.coeff(var, k)) if k else sp.simplify(ser.subs(var, 0)) for k in range(order)]


def moments_from_stieltjes(m_expr: sp.Expr, order: int, var: sp.Symbol = z) -> list[sp.Expr]:
    r"""Moments :math:`m_1..m_{order}` from the expansion :math:`m(z) = -\sum_k m_k z^{-k-1}` at infinity.

    Parameters
    ----------
    m_expr : sympy.Expr
        The Stieltjes transform :math:`m(z) = \int d\mu(x)/(x - z)` (the branch with :math:`m \sim -1/z`).
    order : int
        Number of moments returned.
    var : sympy.Symbol
        The variable of ``m_expr``.

    Returns
    -------
    list of sympy.Expr
        :math:`m_1, \dots, m_{order}` (simplified).
    """
    t = sp.Dummy("t", positive=True)
    expr = (-m_expr.subs(var, 1 / t) / t)
    ser = sp.series(expr, t, 0, order + 1).removeO()
    return [sp.simplify(ser.coeff(t, k)) for k in range(1, order + 1)]


def stieltjes_series_from_moments(moments: Sequence[Any], var: sp.Symbol = z) -> sp.Expr:
    r"""Truncated expansion :math:`-\sum_{k=0}^{K} m_k z^{-k-1}` (with :math:`m_0 = 1`).

    Parameters
    ----------
    moments : sequence of number or sympy.Expr
        Moments :math:`m_1, \dots, m_K`.
    var : sympy.Symbol
        The variable :math:`z`.

    Returns
    -------
    sympy.Expr
        The Stieltjes transform at infinity up to :math:`O(z^{-K-2})`.
    """
    return -sp.Add(*[mk * var ** (-k - 1) for k, mk in enumerate([1, *moments])])


def s_series_from_moments(moments: Sequence[Any], var: sp.Symbol = w) -> sp.Expr:
    r"""Truncated S-transform series at 0 from moments :math:`m_1..m_K` (requires :math:`m_1 \ne 0`).

    :math:`\psi(u) = \sum_k m_k u^k`, :math:`\chi = \psi^{-1}` by series reversion, :math:`S(w) = \chi(w)(1+w)/w`;
    the result is correct up to :math:`O(w^{K-1})`.

    Parameters
    ----------
    moments : sequence of number or sympy.Expr
        Moments :math:`m_1, \dots, m_K`, :math:`K \ge 1`.
    var : sympy.Symbol
        The variable :math:`w`.

    Returns
    -------
    sympy.Expr
        The polynomial truncation of :math:`S(w)` of degree :math:`K - 2`.

    Raises
    ------
    ValueError
        If no moment is given or :math:`m_1 = 0` (the S-transform is undefined).

    References
    ----------
    Voiculescu (1987), *Multiplication of certain non-commuting random variables*, J. Operator Theory 18;
    Nica & Speicher (2006), Lecture 18.
    """
    K = len(moments)
    if K == 0:
        raise ValueError("need at least one moment")
    if sp.sympify(moments[0]) == 0:
        raise ValueError("the S-transform needs a non-zero mean (m_1 = 0 here)")
    # series reversion by undetermined coefficients: chi(w) = sum_{j>=1} c_j w^j with psi(chi(w)) = w
    cs = sp.symbols(f"c1:{K + 1}")
    chi = sp.Add(*[c * var ** (j + 1) for j, c in enumerate(cs)])
    psi = sp.Add(*[mk * chi ** (k + 1) for k, mk in enumerate(moments)])
    poly = sp.Poly(sp.expand(psi), var)
    sol: dict[sp.Symbol, Any] = {}
    for j in range(1, K + 1):
        coeff = sp.expand(poly.coeff_monomial(var ** j).subs(sol))
        target = 1 if j == 1 else 0
        sol[cs[j - 1]] = sp.simplify(sp.solve(sp.Eq(coeff, target), cs[j - 1])[0])
    chi_s = chi.subs(sol)
    return sp.expand(sp.series(chi_s * (1 + var) / var, var, 0, K - 1).removeO())
