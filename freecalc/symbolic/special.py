r"""Special functions sympy lacks, as ordinary sympy ``Function`` subclasses.

:class:`TricomiU` is Tricomi's confluent hypergeometric function :math:`U(a, b, z)` (DLMF 13.2.6), the solution
of Kummer's equation :math:`z w'' + (b - z) w' - a w = 0` with :math:`U \sim z^{-a}` at infinity. It is needed by
the symbolic face of the high-temperature Marchenko–Pastur law. It evaluates through :func:`hyperu`
(principal branch: on the cut :math:`z < 0` the value from above, :math:`\arg z = +\pi`), differentiates in z by
:math:`dU/dz = -a\,U(a+1, b+1, z)` (DLMF 13.3.22), prints as :math:`U\left(a, b, z\right)`.

:func:`lambdify` is ``sympy.lambdify`` with numeric implementations of these functions added. The default
numeric :math:`U` is :func:`hyperu` (mpmath) element by element (correct, slow); a faster float implementation can be
registered by a higher layer (the HTMP law registers a numba kernel) with :func:`register_numeric`, so this
module imports nothing above the symbolic layer.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy as sp

__all__ = ["TricomiU", "hyperu", "lambdify", "register_numeric", "numeric_modules"]


#: Largest cancellation (bits) :func:`hyperu` accepts in the Kummer-function combination: beyond it (|z| of
#: several thousand, with large parameters) the series would need minutes; it raises instead of guessing.
MAX_LOST_BITS = 20000


def hyperu(a: Any, b: Any, z: Any) -> Any:
    r"""Tricomi's :math:`U(a, b, z)` at the current mpmath precision, principal branch (as ``mpmath.hyperu``).

    ``mpmath.hyperu`` (1.3) is unreliable when :math:`|a(1+a-b)| \gg |z|` or b is large and negative: it
    accepts its asymptotic series :math:`z^{-a}\,{}_2F_0(a, 1+a-b;; -1/z)` although the series diverges from its
    first term, and its Kummer-function combination loses every digit to a cancellation it does not detect
    (:math:`U(1/2, -997/2, 140.45-55.2i)`, needed by the Stieltjes transform of HTMP(0.001, 1), came out as
    :math:`-5.0\cdot10^{16}+1.6\cdot10^{16}i` at 20 and at 50 digits; the value is :math:`0.03942+0.00170i`).
    Here:

    * the asymptotic series is used only for :math:`|\arg z| \le \pi/2`, summed while its terms decrease, and
      accepted only when the last term is below the working precision (20 guard bits): the remainder is then
      bounded by the first neglected term (DLMF 13.7(ii));
    * otherwise :math:`U = \frac{\Gamma(1-b)}{\Gamma(a-b+1)}M(a,b,z)
      + \frac{\Gamma(b-1)}{\Gamma(a)}z^{1-b}M(a-b+1,2-b,z)` (DLMF 13.2.42, principal :math:`z^{1-b}`), both
      Kummer series summed here while recording the largest term: the bits lost to cancellation,
      :math:`\log_2(\max|\text{term}|/|U|)`, are measured and the sum is redone with that many more bits until the
      result carries the working precision. An integer b is moved by :math:`\max(1,|b|)\,2^{-p-20}`
      (p the working precision):
      U is analytic in b, so that changes it by a relative :math:`O(2^{-p-20})`, and the :math:`2^{p+20}`-sized
      gamma factors it creates are part of the measured cancellation.

    Parameters
    ----------
    a, b, z : number
        Anything mpmath converts (z complex; a, b real or complex).

    Returns
    -------
    mpf or mpc

    Raises
    ------
    ArithmeticError
        When the cancellation exceeds :data:`MAX_LOST_BITS` (very large |z| with large parameters).
    """
    ctx = mpmath.mp
    a, b, z = ctx.convert(a), ctx.convert(b), ctx.convert(z)
    if not z or (ctx.re(a) <= 0 and ctx.isint(a)):
        return ctx.hyperu(a, b, z)  # U(a, b, 0) and the polynomial case a = 0, -1, -2, ...
    target = ctx.prec
    with ctx.extraprec(20):
        val = _hyperu_asymptotic(ctx, a, b, z)
    if val is None:
        val = _hyperu_kummer(ctx, a, b, z, target)
    if ctx.im(z) == 0 and ctx.re(z) > 0 and ctx.im(a) == 0 and ctx.im(b) == 0:
        return +ctx.re(val)
    return +val


def _hyperu_asymptotic(ctx: Any, a: Any, b: Any, z: Any) -> Any:
    """z^{-a} 2F0(a, 1+a-b;; -1/z) by optimal truncation, or None when it cannot reach the working precision."""
    if abs(ctx.arg(z)) > ctx.pi / 2:
        return None
    tol = ctx.ldexp(1, -ctx.prec)
    bb = 1 + a - b
    w = -1 / z
    term, total = ctx.mpf(1), ctx.mpf(1)
    for k in range(20 * ctx.prec):
        nxt = term * (a + k) * (bb + k) / (k + 1) * w
        if abs(nxt) <= tol * abs(total):
            return total / z ** a
        if abs(nxt) >= abs(term):
            return None  # the terms grow before reaching the precision: the series is no use at this z
        total += nxt
        term = nxt
    return None


def _kummer_m(ctx: Any, a: Any, b: Any, z: Any) -> tuple[Any, Any, int]:
    """(M(a, b, z), largest |term|, number of terms) by the power series at the working precision."""
    tol = ctx.ldexp(1, -ctx.prec - 10)
    term = ctx.mpf(1)
    total = ctx.mpf(1)
    big = ctx.mpf(1)
    k = 0
    past = 2 * abs(z) + abs(a) + abs(b) + 2  # beyond this index the term ratio is below ~1/2
    while True:
        term = term * (a + k) / ((b + k) * (k + 1)) * z
        total += term
        k += 1
        at = abs(term)
        if at > big:
            big = at
        if (k > past and at <= tol * big) or not term:
            return total, big, k


def _hyperu_kummer(ctx: Any, a: Any, b: Any, z: Any, target: int) -> Any:
    """DLMF 13.2.42 with measured cancellation (see :func:`hyperu`); the result carries ``target`` bits."""
    nudge = ctx.isint(b)
    extra = 30
    for _ in range(12):
        with ctx.workprec(target + extra):
            if nudge:
                b = b + max(1, abs(b)) * ctx.ldexp(1, -target - 20) if ctx.isint(b) else b
            m1, big1, n1 = _kummer_m(ctx, a, b, z)
            m2, big2, n2 = _kummer_m(ctx, a - b + 1, 2 - b, z)
            g1 = ctx.gamma(1 - b) * ctx.rgamma(a - b + 1)
            g2 = ctx.gamma(b - 1) * ctx.rgamma(a) * z ** (1 - b)
            val = g1 * m1 + g2 * m2
            scale = max(abs(g1) * big1, abs(g2) * big2)
            lost = int(ctx.ceil(ctx.log(scale / abs(val), 2))) if val else extra + target
            need = max(lost, 0) + int(math.log2(n1 + n2)) + 30
            if need <= extra:
                return val
            if need > MAX_LOST_BITS:
                raise ArithmeticError(f"TricomiU({ctx.nstr(a, 8)}, {ctx.nstr(b, 8)}, {ctx.nstr(z, 8)}): the Kummer "
                                      f"series lose ~{need} bits to cancellation (limit {MAX_LOST_BITS}); "
                                      f"this argument is too large for an arbitrary-precision evaluation")
            extra = max(need + 10, 2 * extra)  # a garbage val understates the loss: grow at least geometrically
    raise ArithmeticError(f"TricomiU({ctx.nstr(a, 8)}, {ctx.nstr(b, 8)}, {ctx.nstr(z, 8)}): no stable value")


class TricomiU(sp.Function):
    r"""Tricomi's confluent hypergeometric function :math:`U(a, b, z)`.

    The solution of Kummer's equation :math:`zw'' + (b - z)w' - aw = 0` with :math:`U \sim z^{-a}` as
    :math:`z \to \infty` (DLMF 13.2.6); numeric evaluation goes through :func:`hyperu`.

    Parameters
    ----------
    a, b, z : sympy.Expr or number
        The parameters and the argument.

    References
    ----------
    NIST Digital Library of Mathematical Functions, chapter 13 (https://dlmf.nist.gov/13).

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
        """Automatic simplification on construction (sympy's ``Function.eval`` hook).

        Parameters
        ----------
        a, b, z : sympy.Expr
            The arguments.

        Returns
        -------
        sympy.Expr or None
            A closed form exact for every z, or None to keep ``TricomiU(a, b, z)`` unevaluated.
        """
        # closed forms that are exact for every z: U(0, b, z) = 1 and U(a, a + 1, z) = z^{-a} (DLMF 13.6.4)
        if a.is_zero:
            return sp.Integer(1)
        if (b - a - 1).is_zero:
            return z ** (-a)
        return None

    def fdiff(self, argindex: int = 3) -> sp.Expr:
        """Derivative in z: :math:`\\partial_z U(a, b, z) = -a\\,U(a + 1, b + 1, z)` (DLMF 13.3.22).

        Parameters
        ----------
        argindex : int
            1-based index of the argument; only z (3) is supported.

        Returns
        -------
        sympy.Expr

        Raises
        ------
        sympy.ArgumentIndexError
            For a derivative in a or b.
        """
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
            val = hyperu(_to_mp(a), _to_mp(b), _to_mp(z))
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
    """Element-wise :func:`hyperu` at 20 digits (the default numeric implementation)."""
    a, b, z = np.broadcast_arrays(np.asarray(a), np.asarray(b), np.asarray(z))
    out = np.empty(a.shape, dtype=complex)
    with mpmath.workdps(20):
        for idx in np.ndindex(a.shape):
            out[idx] = complex(hyperu(complex(a[idx]).real, complex(b[idx]).real, complex(z[idx])))
    if not np.any(out.imag):
        out = out.real
    return out[()] if out.ndim == 0 else out


_NUMERIC: dict[str, Callable[..., Any]] = {"TricomiU": _mpmath_tricomi_u}


def register_numeric(name: str, func: Callable[..., Any]) -> None:
    """Register a vectorised numeric implementation of a special function of this module (by class name).

    Used by :func:`lambdify` (and plain ``sympy.lambdify``) in place of the default mpmath loop, e.g. a faster
    vectorised implementation.

    Parameters
    ----------
    name : str
        The function's class name (``"TricomiU"``).
    func : callable
        ``func(a, b, z)`` broadcasting over numpy arrays.

    Raises
    ------
    ValueError
        If ``name`` is not a special function of this module.
    """
    if name not in {"TricomiU"}:
        raise ValueError(f"unknown special function {name!r}; known: TricomiU")
    _NUMERIC[name] = func


def numeric_modules() -> list[Any]:
    """``modules`` argument for ``sympy.lambdify``: these functions, then numpy and scipy.

    Returns
    -------
    list
        ``[{name: implementation}, "numpy", "scipy"]``.
    """
    return [dict(_NUMERIC), "numpy", "scipy"]


def lambdify(args: Any, expr: Any, modules: Any = None, **kwargs: Any) -> Callable[..., Any]:
    """``sympy.lambdify`` that also knows the special functions of this module.

    Integers and rationals too large for int64 are replaced by 30-digit floats first (numpy cannot hold them).

    Parameters
    ----------
    args : sympy.Symbol or sequence of sympy.Symbol
        The arguments of the generated function.
    expr : sympy.Expr or sequence of sympy.Expr
        The expression(s) to evaluate.
    modules : optional
        Extra modules, searched after the special functions (default: numpy, then scipy).
    **kwargs
        Passed to ``sympy.lambdify``.

    Returns
    -------
    callable
        A numpy function of ``args``.
    """
    mods = numeric_modules()
    if modules is not None:
        mods = [dict(_NUMERIC)] + (list(modules) if isinstance(modules, (list, tuple)) else [modules])
    return sp.lambdify(args, _floats_for_big_numbers(expr), modules=mods, **kwargs)


#: Largest integer numpy takes as a machine integer (int64); beyond it a Python int becomes an object array that
#: ufuncs such as sqrt reject (exact parameters such as 0.6123456789012345 square to 31-digit integers)
_INT64_MAX = 2 ** 63 - 1


def _floats_for_big_numbers(expr: Any) -> Any:
    """``expr`` with every integer or rational whose numerator or denominator exceeds int64 replaced by a
    30-digit Float (evaluated once, exactly rounded to double by the printer); smaller ones stay exact."""
    if isinstance(expr, (list, tuple)):
        return type(expr)(_floats_for_big_numbers(e) for e in expr)
    if not isinstance(expr, sp.Basic):
        return expr
    reps = {r: sp.Float(r, 30) for r in expr.atoms(sp.Rational) if abs(r.p) > _INT64_MAX or r.q > _INT64_MAX}
    return expr.xreplace(reps) if reps else expr


def _tricomi_u_numeric(a: Any, b: Any, z: Any) -> Any:
    return _NUMERIC["TricomiU"](a, b, z)


# sympy.lambdify picks up ``_imp_`` whatever ``modules`` it is given, so plain sympy.lambdify works too
TricomiU._imp_ = staticmethod(_tricomi_u_numeric)
