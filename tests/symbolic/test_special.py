"""Tests of freecalc.symbolic.special: Tricomi's U as a sympy function."""
from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from freecalc.symbolic import special
from freecalc.symbolic.special import TricomiU, lambdify

z = sp.Symbol("z")


def test_evalf_matches_mpmath_hard_coded():
    # mpmath.hyperu(1.5, -0.3, 2.0) and U(1, 1, 1) = e·E1(1), 30 digits computed once with mpmath 1.3
    assert abs(TricomiU(sp.Rational(3, 2), sp.Rational(-3, 10), 2).evalf(30)
               - sp.Float(mpmath.hyperu(1.5, -0.3, 2.0), 15)) < 1e-14
    val = TricomiU(1, 1, 1).evalf(30)
    ref = sp.E * sp.expint(1, 1)
    assert abs(val - ref.evalf(30)) < sp.Float("1e-28")


def test_principal_branch_on_the_cut():
    # on z < 0 sympy/mpmath return the value from above (arg z = +π); the conjugate is the value from below
    v = complex(TricomiU(sp.Rational(3, 2), sp.Rational(-3, 10), -sp.Rational(7, 10)).evalf(20))
    with mpmath.workdps(30):
        above = complex(mpmath.hyperu(1.5, -0.3, mpmath.mpc(-0.7, 1e-40)))
    assert abs(v - above) < 1e-15 and v.imag < 0


def test_derivative_and_closed_forms():
    a, b = sp.symbols("a b")
    assert sp.diff(TricomiU(a, b, z), z) == -a * TricomiU(a + 1, b + 1, z)
    assert TricomiU(0, b, z) == 1
    assert TricomiU(a, a + 1, z) == z ** (-a)
    # derivative numerically: central difference of mpmath vs the formula (h = 1e-6: error ~1e-12)
    f = TricomiU(sp.Rational(5, 4), sp.Rational(1, 3), z)
    d = complex(sp.diff(f, z).subs(z, sp.Rational(3, 2)).evalf(20))
    h = 1e-6
    fd = (complex(f.subs(z, 1.5 + h).evalf(20)) - complex(f.subs(z, 1.5 - h).evalf(20))) / (2 * h)
    assert abs(d - fd) < 1e-8


def test_latex():
    assert sp.latex(TricomiU(1, 3, z)) == r"U\left(1, 3, z\right)"  # (1, 2, z) would auto-evaluate to 1/z
    assert sp.latex(TricomiU(1, 3, z) ** 2) == r"U\left(1, 3, z\right)^{2}"


def test_lambdify_default_and_registered_agree():
    a, b = 1.5, -0.3
    zs = np.array([0.5 + 0.2j, -0.7 + 0.0j, 3.0 - 1.0j, -2.0 + 0.5j])
    expr = TricomiU(sp.Rational(3, 2), sp.Rational(-3, 10), z)
    with mpmath.workdps(30):
        ref = np.array([complex(mpmath.hyperu(a, b, mpmath.mpc(w.real, w.imag)))
                        for w in zs])
    # default mpmath element-wise implementation (before any law registers a float one)
    got_mp = np.array([special._mpmath_tricomi_u(a, b, w) for w in zs])
    assert np.allclose(got_mp, ref, rtol=1e-14, atol=0)
    import freecalc.laws.htmp  # noqa: F401  registers the float kernel for the HTMP family (a > 0, a - b + 1 > 0)
    f = lambdify(z, expr)
    assert np.allclose(f(zs), ref, rtol=1e-12, atol=0)  # float ODE route vs mpmath: ~1e-13 measured
    g = sp.lambdify(z, expr, modules=["numpy"])  # plain sympy.lambdify finds the implementation via _imp_
    assert np.allclose(g(zs), ref, rtol=1e-12, atol=0)


def test_lambdify_outside_float_family_falls_back():
    # a - b + 1 <= 0: the float route does not apply, the mpmath fallback is used
    import freecalc.laws.htmp  # noqa: F401
    expr = TricomiU(sp.Rational(1, 2), 3, z)
    f = lambdify(z, expr)
    with mpmath.workdps(30):
        ref = complex(mpmath.hyperu(0.5, 3, 1.3))
    assert abs(complex(f(1.3)) - ref) < 1e-14 * abs(ref)


def test_register_numeric_rejects_unknown():
    with pytest.raises(ValueError, match="unknown special function"):
        special.register_numeric("Foo", lambda *a: 0)


def test_lambdify_with_integers_beyond_int64():
    # Regression: exact parameters such as a = 0.6123456789012345 put sqrt(4684066452162474546764822495961) in
    # Wachter's closed-form m(z); numpy took the 31-digit integer as an object and np.sqrt raised TypeError
    import freecalc as fc
    from freecalc.symbolic import transforms as T

    law = fc.Wachter(0.6123456789012345, 2.3)
    expr = law.sym.stieltjes(T.z)
    z = np.array([1 + 1j, 0.3 + 0.01j, -2 + 0.5j, 5 + 3j])
    got = lambdify(T.z, expr)(z)
    # independent route: the same expression at 30 digits; double-precision evaluation loses a few digits
    ref = np.array([complex(expr.subs(T.z, sp.nsimplify(complex(v))).evalf(30)) for v in z])
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    np.testing.assert_allclose(got, law.stieltjes(z), rtol=1e-10)  # the numeric face agrees to ~1e-14
    # small exact numbers stay exact (printed as Python integers / fractions)
    assert lambdify(T.z, sp.Rational(1, 3) * T.z)(3.0) == 1.0
