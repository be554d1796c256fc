r"""The symbolic face of a law: plain sympy expressions for its transforms, density, moments and free cumulants.

A subclass implements :meth:`SymbolicFace.stieltjes` and either :meth:`SymbolicFace.r_transform` or
``_moment_list``; moments ↔ free cumulants are derived through :mod:`freecalc.symbolic.transforms`. Every law
exposes its face as ``law.sym``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from freecalc._lazy import lazy_module

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")


if TYPE_CHECKING:  # pragma: no cover
    from freecalc.laws.base import Law

__all__ = ["SymbolicFace", "check_order"]


def check_order(k: Any) -> int:
    """The order k of a moment or cumulant as an int.

    Parameters
    ----------
    k : int
        The order (a non-negative integer; ``bool`` is refused).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``k`` is negative, not an integer, or a bool.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"moment/cumulant order must be a non-negative integer, got {k!r}")
    return int(k)


class SymbolicFace:
    """Symbolic face of a law: plain sympy expressions.

    Subclasses implement :meth:`stieltjes` and either :meth:`r_transform` or :meth:`_moment_list`; the rest is
    derived here (moments ↔ free cumulants through :mod:`freecalc.symbolic.transforms`). The declared parameters
    are available as attributes (``law.sym.c``) and in ``params``, as exact sympy values.

    Parameters
    ----------
    law : Law
        The law whose face this is (obtained as ``law.sym``, not constructed directly).
    """

    def __init__(self, law: Law) -> None:
        self.law = law
        self.params: dict[str, sp.Expr] = {p.name: e for p, e in zip(law.parameters, law._exact)}

    def __getattr__(self, name: str) -> Any:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"<symbolic face of {self.law!r}>"

    def _unsupported(self, what: str) -> NotImplementedError:
        return NotImplementedError(f"{type(self.law).__name__} has no symbolic {what}")

    def stieltjes(self, z: Any = None) -> sp.Expr:
        r"""Stieltjes transform :math:`m(z) = \int \frac{d\mu(x)}{x - z}` as a sympy expression.

        The principal branch: :math:`\operatorname{Im} m > 0` for :math:`\operatorname{Im} z > 0`,
        :math:`m(z) \sim -1/z` at infinity.

        Parameters
        ----------
        z : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            If the family has no closed-form Stieltjes transform.
        """
        raise self._unsupported("Stieltjes transform")

    def cauchy(self, z: Any = None) -> sp.Expr:
        r"""Cauchy transform :math:`G(z) = -m(z) = \int \frac{d\mu(x)}{z - x}`.

        Parameters
        ----------
        z : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
        """
        z = T.z if z is None else z
        return -self.stieltjes(z)

    def density(self, x: Any = None) -> sp.Expr:
        """Density of the continuous part (a Piecewise that vanishes off the support).

        Parameters
        ----------
        x : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            If the family has no closed-form density.
        """
        raise self._unsupported("density")

    def r_transform(self, w: Any = None) -> sp.Expr:
        r"""Voiculescu's R-transform, :math:`R(G(z)) + 1/G(z) = z`, i.e. :math:`R(w) = \sum_k \kappa_k w^{k-1}`.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            If the family has no closed-form R-transform.

        References
        ----------
        Voiculescu (1986), *Addition of certain non-commuting random variables*, J. Funct. Anal. 66.
        """
        raise self._unsupported("R-transform")

    def s_transform(self, w: Any = None) -> sp.Expr:
        r"""Voiculescu's S-transform :math:`S(w) = \chi(w)(1 + w)/w`, :math:`\chi = \psi^{-1}`,
        :math:`\psi(u) = \sum_{k\ge1} m_k u^k`.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            If the family has no closed-form S-transform.
        ValueError
            If the mean is 0 (the S-transform is undefined).

        References
        ----------
        Voiculescu (1987), *Multiplication of certain non-commuting random variables*, J. Operator Theory 18.
        """
        raise self._unsupported("S-transform")

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        """Polynomial :math:`P(m, z)` with :math:`P(m(z), z) = 0` (algebraic laws only).

        Parameters
        ----------
        m, z : sympy.Expr or number
            The Stieltjes-transform variable and the spectral variable (symbols by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        TypeError
            If the law is not algebraic.
        """
        raise TypeError(f"{type(self.law).__name__} is not an algebraic law: its Stieltjes transform satisfies "
                        f"no polynomial equation")

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Intervals ``((a, b), ...)`` of the continuous part's support, as exact expressions."""
        raise self._unsupported("support")

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Point masses ``((location, weight), ...)`` as exact expressions (empty for a continuous law)."""
        return ()

    def _moment_list(self, K: int) -> list[sp.Expr]:
        try:
            r = self.r_transform(T.w)
        except NotImplementedError:
            return [sp.simplify(v) for v in T.moments_from_stieltjes(self.stieltjes(T.z), K)]
        return [sp.simplify(v) for v in T.moments_from_free_cumulants(T.cumulants_from_r(r, K))]

    def moments(self, K: int) -> list[sp.Expr]:
        r"""Exact moments :math:`m_1, \dots, m_K`, :math:`m_k = \int x^k d\mu`.

        Parameters
        ----------
        K : int
            Number of moments (non-negative).

        Returns
        -------
        list of sympy.Expr

        Raises
        ------
        ValueError
            If ``K`` is not a non-negative integer.
        """
        return self._moment_list(check_order(K))

    def moment(self, k: int) -> sp.Expr:
        r"""Exact k-th moment :math:`m_k = \int x^k d\mu` (:math:`m_0 = 1`).

        Parameters
        ----------
        k : int
            The order (non-negative).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        ValueError
            If ``k`` is not a non-negative integer.
        """
        k = check_order(k)
        return sp.Integer(1) if k == 0 else self.moments(k)[-1]

    def mean(self) -> sp.Expr:
        """Exact mean (first moment).

        Returns
        -------
        sympy.Expr
        """
        return self.moment(1)

    def variance(self) -> sp.Expr:
        r"""Exact variance :math:`m_2 - m_1^2` (= the second free cumulant :math:`\kappa_2`).

        Returns
        -------
        sympy.Expr
        """
        m1, m2 = self.moments(2)
        return sp.simplify(m2 - m1 ** 2)

    def cdf(self, x: Any = None) -> sp.Expr:
        """Cumulative distribution function as a sympy expression, for laws whose cdf has a closed form.

        Parameters
        ----------
        x : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
            Usually a Piecewise: 0 left of the support, 1 right of it.

        Raises
        ------
        NotImplementedError
            When no closed form is known for the family (the numeric ``law.cdf`` is exact to quadrature accuracy).
        """
        raise NotImplementedError(f"no closed-form cdf is known for {type(self.law).__name__}; use the numeric "
                                  f"face law.cdf(x), or integrate law.sym.density(x)")

    def free_cumulants(self, K: int) -> list[sp.Expr]:
        r"""Exact free cumulants :math:`\kappa_1, \dots, \kappa_K` (from the moments, Nica & Speicher Lecture 16).

        Parameters
        ----------
        K : int
            Number of free cumulants (non-negative).

        Returns
        -------
        list of sympy.Expr

        Raises
        ------
        ValueError
            If ``K`` is not a non-negative integer.
        """
        return [sp.simplify(v) for v in T.free_cumulants_from_moments(self.moments(check_order(K)))]

    def free_cumulant(self, k: int) -> sp.Expr:
        r"""Exact k-th free cumulant :math:`\kappa_k`.

        Parameters
        ----------
        k : int
            The order (:math:`k \ge 1`).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        ValueError
            If ``k`` is not a positive integer.
        """
        k = check_order(k)
        if k == 0:
            raise ValueError("free cumulants start at k = 1")
        return self.free_cumulants(k)[-1]
