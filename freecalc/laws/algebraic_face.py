r"""Symbolic face of an :class:`~freecalc.laws.algebraic.AlgebraicLaw`: its equation, exact moments and free
cumulants, R- and S-equations (closed forms when solvable in radicals), and the support and atoms with exact ends.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from freecalc._lazy import lazy_module
from freecalc.laws.symbolic_face import SymbolicFace

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

if TYPE_CHECKING:
    from freecalc.laws.algebraic import AlgebraicLaw

__all__ = ["AlgebraicSymbolicFace"]


class AlgebraicSymbolicFace(SymbolicFace):
    """Symbolic face of an :class:`AlgebraicLaw`: the equation, exact moments, cumulants, edges, atoms,
    and the R- and S-equations (closed forms of m, R, S exist only for low degree, so they are not offered).

    Parameters
    ----------
    law : AlgebraicLaw
        The law (the face is obtained as ``law.sym``).
    """

    law: AlgebraicLaw

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        m = T.m if m is None else m
        z = T.z if z is None else z
        return self.law.equation.subs({T.m: m, T.z: z}, simultaneous=True)

    def r_equation(self, R: Any = None, w: Any = None) -> sp.Expr:
        """Polynomial A(R, w) with A(R(w), w) = 0.

        Parameters
        ----------
        R, w : sympy.Symbol
            The variables of the equation.

        Returns
        -------
        sympy.Expr

        References
        ----------
        Rao & Edelman (2008), Found. Comput. Math. 8.
        """
        R = A.R_SYM if R is None else R
        w = T.w if w is None else w
        return A.r_equation(self.law.equation, T.m, T.z, R, w)

    def s_equation(self, S: Any = None, w: Any = None) -> sp.Expr:
        """Polynomial B(S, w) with B(S(w), w) = 0.

        Parameters
        ----------
        S, w : sympy.Symbol
            The variables of the equation.

        Returns
        -------
        sympy.Expr

        References
        ----------
        Rao & Edelman (2008), Found. Comput. Math. 8.
        """
        S = A.S_SYM if S is None else S
        w = T.w if w is None else w
        return A.s_equation(self.law.equation, T.m, T.z, S, w)

    def stieltjes(self, z: Any = None) -> sp.Expr:
        raise NotImplementedError("an AlgebraicLaw has no closed-form Stieltjes transform in general; use "
                                  "sym.equation(m, z) (its Stieltjes branch) or the numeric face")

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) in closed form when its equation A(R, w) = 0 is solvable in radicals (e.g. a free sum of laws with
        rational R-transforms, where R is their sum); the branch is the one analytic at 0 whose Taylor
        coefficients are the free cumulants κ₁, κ₂, κ₃.

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
            When no root of the R-equation is analytic at 0 with the law's free cumulants (use ``r_equation``).
        """
        w = T.w if w is None else w
        eq = self.r_equation(A.R_SYM, T.w)
        return self._series_branch(eq, A.R_SYM, self.free_cumulants(3), "R-transform").subs(T.w, w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w) in closed form when its equation B(S, w) = 0 is solvable in radicals (e.g. a free product of
        laws with rational S-transforms); the branch is the one analytic at 0 with the S-transform's Taylor
        coefficients, which follow from the moments.

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
            When no root is analytic at 0 with the right coefficients (use ``s_equation``).
        """
        w = T.w if w is None else w
        eq = self.s_equation(A.S_SYM, T.w)
        m1, m2, m3 = self.moments(3)
        # ψ(u) = m1 u + m2 u² + m3 u³ + …  inverts to χ(w) = w/m1 − m2 w²/m1³ + (2m2² − m1 m3) w³/m1⁵ + …,
        # and S(w) = χ(w)(1 + w)/w
        inner = [1 / m1, -m2 / m1 ** 3, (2 * m2 ** 2 - m1 * m3) / m1 ** 5]
        coeffs = [sp.simplify(v) for v in (inner[0], inner[0] + inner[1], inner[1] + inner[2])]
        return self._series_branch(eq, A.S_SYM, coeffs, "S-transform").subs(T.w, w)

    def _series_branch(self, eq: sp.Expr, unknown: sp.Symbol, coeffs: list[sp.Expr], what: str) -> sp.Expr:
        try:
            roots = sp.solve(eq, unknown)
        except NotImplementedError:
            roots = []
        for root in roots:
            try:
                ser = sp.series(root, T.w, 0, len(coeffs)).removeO()
            except (ValueError, NotImplementedError, TypeError):
                continue
            if sp.simplify(ser - sum(c * T.w ** k for k, c in enumerate(coeffs))) == 0:
                root = sp.simplify(root)
                if self._branch_holds_around_zero(eq, unknown, root, coeffs):
                    return root
        raise NotImplementedError(f"no closed-form {what} for {self.law!r}: its equation has no root in radicals "
                                  f"analytic at 0 with the law's coefficients; use the polynomial equation instead")

    @staticmethod
    def _branch_holds_around_zero(eq: sp.Expr, unknown: sp.Symbol, root: sp.Expr, coeffs: list[sp.Expr]) -> bool:
        """Whether the radical expression ``root`` is the series branch all around w = 0, not only on the positive
        axis where its series was matched: nested radicals with principal branches can jump to another root across
        a cut next to 0 (FussCatalan(4)'s quartic R gave −65 + 454i at w = 0.01 + 0.005i instead of 1.04 + 0.02i).
        Checked at eight points on a small circle against the root of the equation nearest to the series."""
        if root.free_symbols - {T.w} or any(c.free_symbols for c in map(sp.sympify, coeffs)):
            return True  # symbolic parameters: nothing numeric to check
        c = [complex(sp.N(v)) for v in coeffs]
        scale = max(1.0, *(abs(v) ** (1.0 / k) for k, v in enumerate(c) if k and v != 0))
        f = sp.lambdify(T.w, root, "mpmath")
        poly = sp.Poly(sp.expand(eq), unknown)
        for theta in np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False) + 0.3:
            w0 = 1e-3 / scale * complex(np.cos(theta), np.sin(theta))
            series = sum(v * w0 ** k for k, v in enumerate(c))
            coeff_w = [complex(sp.N(a.subs(T.w, w0))) for a in poly.all_coeffs()]
            roots = np.roots(coeff_w)
            if roots.size == 0:
                return False
            nearest = roots[np.argmin(np.abs(roots - series))]
            try:
                value = complex(f(mpmath.mpc(w0)))
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if abs(value - nearest) > 1e-7 * max(1.0, abs(nearest)):
                return False
        return True

    def _moment_list(self, K: int) -> list[sp.Expr]:
        return list(self.law.exact_moments(K))

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Support intervals with exact endpoints (rationals, radicals or ``CRootOf``)."""
        return self.law._exact_support

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Atoms (location, mass) with exact values."""
        return self.law._numeric.exact_atoms

    def edge_candidates(self) -> list[sp.Expr]:
        """Real zeros of the discriminant (exact), a superset of the support edges; works with parameters.

        Returns
        -------
        list of sympy.Expr
            Increasing.
        """
        return A.edge_candidates(self.law.equation, T.m, T.z)
