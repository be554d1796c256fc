r"""The symbolic face of a law: plain sympy expressions for its transforms, density, moments and free cumulants.

A subclass implements :meth:`SymbolicFace.stieltjes` and either :meth:`SymbolicFace.r_transform` or
``_moment_list``; moments ↔ free cumulants are derived through :mod:`freecalc.symbolic.transforms`. Every law
exposes its face as ``law.sym``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from freecalc.symbolic import transforms as T

if TYPE_CHECKING:  # pragma: no cover
    from freecalc.laws.base import Law

__all__ = ["SymbolicFace", "check_order"]


def check_order(k: Any) -> int:
    """The order k of a moment or cumulant as an int (ValueError for negatives, floats, bools)."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"moment/cumulant order must be a non-negative integer, got {k!r}")
    return int(k)


class SymbolicFace:
    """Symbolic face of a law: plain sympy expressions.

    Subclasses implement :meth:`stieltjes` and either :meth:`r_transform` or :meth:`_moment_list`; the rest is
    derived here (moments ↔ free cumulants through :mod:`freecalc.symbolic.transforms`).
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

    def stieltjes(self, z: Any = T.z) -> sp.Expr:
        """m(z) = ∫ρ(x)/(x − z)dx as a sympy expression (principal branch: Im m > 0 for Im z > 0)."""
        raise self._unsupported("Stieltjes transform")

    def cauchy(self, z: Any = T.z) -> sp.Expr:
        """G(z) = −m(z)."""
        return -self.stieltjes(z)

    def density(self, x: Any = T.x) -> sp.Expr:
        """Density of the continuous part (a Piecewise that vanishes off the support)."""
        raise self._unsupported("density")

    def r_transform(self, w: Any = T.w) -> sp.Expr:
        """R-transform with R(G(z)) + 1/G(z) = z."""
        raise self._unsupported("R-transform")

    def s_transform(self, w: Any = T.w) -> sp.Expr:
        """S-transform."""
        raise self._unsupported("S-transform")

    def equation(self, m: Any = T.m, z: Any = T.z) -> sp.Expr:
        """Polynomial P(m, z) with P(m(z), z) = 0 (algebraic laws only)."""
        raise TypeError(f"{type(self.law).__name__} is not an algebraic law: its Stieltjes transform satisfies "
                        f"no polynomial equation")

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        raise self._unsupported("support")

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        return ()

    def _moment_list(self, K: int) -> list[sp.Expr]:
        try:
            r = self.r_transform(T.w)
        except NotImplementedError:
            return [sp.simplify(v) for v in T.moments_from_stieltjes(self.stieltjes(T.z), K)]
        return [sp.simplify(v) for v in T.moments_from_free_cumulants(T.cumulants_from_r(r, K))]

    def moments(self, K: int) -> list[sp.Expr]:
        """Exact moments m_1..m_K."""
        return self._moment_list(check_order(K))

    def moment(self, k: int) -> sp.Expr:
        """Exact k-th moment."""
        k = check_order(k)
        return sp.Integer(1) if k == 0 else self.moments(k)[-1]

    def mean(self) -> sp.Expr:
        """Exact mean (first moment)."""
        return self.moment(1)

    def variance(self) -> sp.Expr:
        """Exact variance m₂ − m₁² (= the second free cumulant κ₂)."""
        m1, m2 = self.moments(2)
        return sp.simplify(m2 - m1 ** 2)

    def cdf(self, x: Any = T.x) -> sp.Expr:
        """Cumulative distribution function as a sympy expression, for laws whose cdf has a closed form.

        Raises
        ------
        NotImplementedError
            When no closed form is known for the family (the numeric ``law.cdf`` is exact to quadrature accuracy).
        """
        raise NotImplementedError(f"no closed-form cdf is known for {type(self.law).__name__}; use the numeric "
                                  f"face law.cdf(x), or integrate law.sym.density(x)")

    def free_cumulants(self, K: int) -> list[sp.Expr]:
        """Exact free cumulants κ_1..κ_K."""
        return [sp.simplify(v) for v in T.free_cumulants_from_moments(self.moments(check_order(K)))]

    def free_cumulant(self, k: int) -> sp.Expr:
        """Exact k-th free cumulant."""
        k = check_order(k)
        if k == 0:
            raise ValueError("free cumulants start at k = 1")
        return self.free_cumulants(k)[-1]
