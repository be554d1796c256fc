r"""Special functions sympy lacks, as ordinary sympy ``Function`` subclasses.

:class:`TricomiU` is Tricomi's confluent hypergeometric function :math:`U(a, b, z)` (DLMF 13.2.6), the solution
of Kummer's equation :math:`z w'' + (b - z) w' - a w = 0` with :math:`U \sim z^{-a}` at infinity. It is needed by
the symbolic face of the high-temperature Marchenko–Pastur law. It evaluates through ``mpmath.hyperu``
(principal branch: on the cut :math:`z < 0` the value from above, :math:`\arg z = +\pi`), differentiates in z by
:math:`dU/dz = -a\,U(a+1, b+1, z)` (DLMF 13.3.22), prints as :math:`U\left(a, b, z\right)`.

:func:`lambdify` is ``sympy.lambdify`` with numeric implementations of these functions added. The default
numeric :math:`U` is ``mpmath.hyperu`` element by element (correct, slow); a faster float implementation can be
registered by a higher layer (the HTMP law registers a numba kernel) with :func:`register_numeric`, so this
module imports nothing above the symbolic layer.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy as sp

__all__ = ["TricomiU", "lambdify", "register_numeric", "numeric_modules"]


class TricomiU(sp.Function):
    r"""Tricomi's confluent hypergeometric function :math:`U(a, b, z)`.

    Examples
    --------
    >>> from sympy import Symbol, diff
    >>> z = Symbol('z')
    >>> diff(TricomiU(1, 2, z), z)
    -TricomiU(2, 3, z)
    >>> TricomiU(1, 1, 1).evalf(15)
    0.596347362323194
    """

    nargs = 3

    @classmethod
    def eval(cls, a: sp.Expr, b: sp.Expr, z: sp.Expr) -> sp.Expr | None:
        # closed forms that are exact for every z: U(0, b, z) = 1 and U(a, a + 1, z) = z^{-a} (DLMF 13.6.4)
        if a.is_zero:
            return sp.Integer(1)
        if (b - a - 1).is_zero:
            return z ** (-a)
        return None

    def fdiff(self, argindex: int = 3) -> sp.Expr:
        if argindex != 3:
            raise sp.ArgumentIndexError(self, argindex)
        a, b, z = self.args
        return -a * TricomiU(a + 1, b + 1, z)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        a, b, z = (arg.evalf(prec) for arg in self.args)
        if not all(arg.is_number for arg in (a, b, z)):
            return None
        dps = mpmath.libmp.prec_to_dps(prec)
        with mpmath.workdps(dps + 10):
            val = mpmath.hyperu(_to_mp(a), _to_mp(b), _to_mp(z))
        return sp.Expr._from_mpmath(val, prec)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        a, b, z = (printer._print(arg) for arg in self.args)
        base = rf"U\left({a}, {b}, {z}\right)"
        return rf"{base}^{{{exp}}}" if exp is not None else base  # the printer passes exp already printed

    def _eval_conjugate(self) -> sp.Expr | None:
        # real parameters: U(a, b, conj z) = conj U(a, b, z) off the cut
        a, b, z = self.args
        if a.is_extended_real and b.is_extended_real and (z.is_extended_real is False or z.is_positive):
            return TricomiU(a, b, sp.conjugate(z))
        return None


def _to_mp(x: sp.Expr) -> Any:
    c = complex(x)
    return mpmath.mpf(c.real) if c.imag == 0 else mpmath.mpc(c.real, c.imag)


def _mpmath_tricomi_u(a: Any, b: Any, z: Any) -> Any:
    """Element-wise mpmath.hyperu at double precision (the default numeric implementation)."""
    a, b, z = np.broadcast_arrays(np.asarray(a), np.asarray(b), np.asarray(z))
    out = np.empty(a.shape, dtype=complex)
    with mpmath.workdps(20):
        for idx in np.ndindex(a.shape):
            out[idx] = complex(mpmath.hyperu(complex(a[idx]).real, complex(b[idx]).real, complex(z[idx])))
    if not np.any(out.imag):
        out = out.real
    return out[()] if out.ndim == 0 else out


_NUMERIC: dict[str, Callable[..., Any]] = {"TricomiU": _mpmath_tricomi_u}


def register_numeric(name: str, func: Callable[..., Any]) -> None:
    """Register a vectorised numeric implementation of a special function of this module (by class name)."""
    if name not in {"TricomiU"}:
        raise ValueError(f"unknown special function {name!r}; known: TricomiU")
    _NUMERIC[name] = func


def numeric_modules() -> list[Any]:
    """``modules`` argument for ``sympy.lambdify``: these functions, then numpy and scipy."""
    return [dict(_NUMERIC), "numpy", "scipy"]


def lambdify(args: Any, expr: Any, modules: Any = None, **kwargs: Any) -> Callable[..., Any]:
    """``sympy.lambdify`` that also knows the special functions of this module.

    Parameters are as for ``sympy.lambdify``; extra ``modules`` are searched after the special functions.
    """
    mods = numeric_modules()
    if modules is not None:
        mods = [dict(_NUMERIC)] + (list(modules) if isinstance(modules, (list, tuple)) else [modules])
    return sp.lambdify(args, expr, modules=mods, **kwargs)


def _tricomi_u_numeric(a: Any, b: Any, z: Any) -> Any:
    return _NUMERIC["TricomiU"](a, b, z)


# sympy.lambdify picks up ``_imp_`` whatever ``modules`` it is given, so plain sympy.lambdify works too
TricomiU._imp_ = staticmethod(_tricomi_u_numeric)
