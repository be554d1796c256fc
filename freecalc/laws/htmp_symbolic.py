r"""The symbolic face of HTMP(γ, κ): its density and Stieltjes transform through sympy's Tricomi U, the Riccati
equation of m(z) and the exact moments (recursion of :mod:`freecalc.laws.htmp`'s docstring), plus the
double-precision Tricomi U that lambdified expressions evaluate.

With :math:`b = \kappa/(2\gamma)`, :math:`B = \kappa/2`, :math:`A = b - B - 1`:
:math:`m(z) = b\,U(B+1, 1-A, -bz)/U(B, -A, -bz)` and :math:`z\,m' = -Bz\,m^2 + (A - bz)\,m - b`.

Reference: L. Hodgkinson, Z. Wang, M. W. Mahoney, *Models of heavy-tailed mechanistic universality*,
arXiv:2506.03470 (2025).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.kernels import htmp as K
from freecalc.kernels import htmp_transforms as KT
from freecalc.laws.base import SymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["HTMPSymbolicFace", "exact_moments", "htmp_symbols"]

# ------------------------------------------------------------------------------------------ numeric U for lambdify
def _tricomi_u_float(a: Any, c: Any, w: Any) -> Any:
    """U(a, c, w) in double precision for real a > 0 and a − c + 1 > 0 (the HTMP family), else mpmath.

    Uses u(z) = U(B, −A, −bz) with B = a, A = −c, b = a − c + 1, z = −w/b, continued by the kernel's ODE
    route; on the cut w < 0 it returns the principal value (arg w = +π, as mpmath), the conjugate of the
    kernel's boundary value.
    """
    a_, c_, w_ = np.broadcast_arrays(np.asarray(a), np.asarray(c), np.asarray(w, dtype=complex))
    out = np.empty(w_.shape, dtype=complex)
    for idx in np.ndindex(w_.shape):
        ar, cr, wv = complex(a_[idx]), complex(c_[idx]), complex(w_[idx])
        if ar.imag or cr.imag or not (ar.real > 0 and ar.real - cr.real + 1 > 0) or wv == 0:
            out[idx] = special._mpmath_tricomi_u(ar.real if not ar.imag else ar, cr.real if not cr.imag else cr,
                                                 wv)
            continue
        B, A, b = ar.real, -cr.real, ar.real - cr.real + 1.0
        z = -wv / b
        flip = z.imag < 0 or (z.imag == 0 and z.real > 0)  # w in the upper half plane or on the cut
        zq = complex(z.real, -z.imag) if z.imag < 0 else z
        L, _ = K.htmp_log_u(A, B, b, zq)
        val = np.exp(L)
        out[idx] = np.conj(val) if flip else val
    if not np.any(out.imag):
        return out.real[()] if out.ndim == 0 else out.real
    return out[()] if out.ndim == 0 else out


# lambdify evaluates TricomiU with the kernel above once the symbolic module is loaded (by the symbolic face)
special = lazy_module("freecalc.symbolic.special",
                      on_import=lambda module: module.register_numeric("TricomiU", _tricomi_u_float))


# ------------------------------------------------------------------------------------------ symbolic face
def htmp_symbols(params: dict[str, sp.Expr]) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    g, k = params["gamma"], params["kappa"]
    b = k / (2 * g)
    B = k / 2
    return b - B - 1, B, b


def exact_moments(gamma: Any, kappa: Any, K_: int) -> list[Any]:
    """Moments m_1..m_K of HTMP(γ, κ) exactly (sympy in, sympy out; floats in, floats out)."""
    if is_sympy(gamma) or is_sympy(kappa):
        A, B, b = htmp_symbols({"gamma": sp.sympify(gamma), "kappa": sp.sympify(kappa)})
        m: list[Any] = [sp.Integer(1)]
        for k in range(K_):
            conv = sum(m[i] * m[k - i] for i in range(k + 1))
            m.append(sp.factor(sp.cancel(((k + 1 + A) * m[k] + B * conv) / b)))
        return m[1:]
    return list(KT.htmp_moments(float(gamma), float(kappa), K_)[1:])


class HTMPSymbolicFace(SymbolicFace):
    """Symbolic face of HTMP: density and Stieltjes transform through :class:`TricomiU`, exact moments."""

    def _abB(self) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        return htmp_symbols(self.params)

    def stieltjes(self, z: Any = None) -> sp.Expr:
        """m(z) = b U(B+1, 1−A, −bz)/U(B, −A, −bz) (Im z > 0; on the real axis sympy's principal branch of U
        gives m(x − i0), the conjugate of the boundary value)."""
        z = T.z if z is None else z
        A, B, b = self._abB()
        return b * special.TricomiU(B + 1, 1 - A, -b * z) / special.TricomiU(B, -A, -b * z)

    def density(self, x: Any = None) -> sp.Expr:
        """ρ(x) = b y^A e^{−y}/(Γ(B+1)Γ(b)|U(B, −A, −y)|²), y = bx, for x > 0 (0 otherwise)."""
        x = T.x if x is None else x
        A, B, b = self._abB()
        y = b * x
        rho = b * y ** A * sp.exp(-y) / (sp.gamma(B + 1) * sp.gamma(b) * sp.Abs(special.TricomiU(B, -A, -y)) ** 2)
        return sp.Piecewise((rho, x > 0), (0, True))

    def riccati(self, m: Any = None, z: Any = None) -> sp.Expr:
        """The expression z m' + Bz m² − (A − bz) m + b (zero along m(z)); m is taken as a function m(z)."""
        m = T.m if m is None else m
        z = T.z if z is None else z
        A, B, b = self._abB()
        mf = sp.Function(str(m))(z) if is_sympy(m, "Symbol") else m
        return z * sp.diff(mf, z) + B * z * mf ** 2 - (A - b * z) * mf + b

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        raise TypeError("HTMP is not an algebraic law: its Stieltjes transform is a ratio of Tricomi U functions "
                        "and satisfies no polynomial equation P(m, z) = 0 (it solves the Riccati ODE "
                        "z m' = -B z m^2 + (A - b z) m - b, see law.sym.riccati())")

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        return ((sp.Integer(0), sp.oo),)

    def _moment_list(self, K_: int) -> list[sp.Expr]:
        return exact_moments(self.params["gamma"], self.params["kappa"], K_)
