r"""The Silverstein (Marchenko–Pastur) equation of :math:`F = H\boxtimes\mathrm{MP}(c)` in closed form.

For a population law H with algebraic Stieltjes equation :math:`P_H(m_H, z) = 0`, the sample law's transform
satisfies (Silverstein 1995)

.. math::
    m(z) = \int\frac{dH(t)}{t(1 - c - czm(z)) - z} = \frac{1}{a}\,m_H\!\Big(\frac{z}{a}\Big),\qquad a = 1 - c - czm,

so :math:`P_H(a\,m, z/a) = 0`; clearing denominators gives a polynomial equation in (m, z), which is the
equation of ``fc.free_mul(H, fc.MarchenkoPastur(c))`` up to a constant factor (and, for some laws, extra factors
that the branch selection discards).

Reference: J. W. Silverstein, "Strong convergence of the empirical distribution of eigenvalues of large
dimensional random matrices", J. Multivariate Anal. 55 (1995) 331–339.
"""
from __future__ import annotations

from freecalc._lazy import lazy_module
from freecalc.laws.base import Law

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["silverstein_equation"]


def silverstein_equation(H_law: Law, c, m=None, z=None) -> sp.Expr:
    r"""The polynomial :math:`Q(m, z)` with :math:`Q(m_F(z), z) = 0` for :math:`F = H\boxtimes\mathrm{MP}(c)`.

    Parameters
    ----------
    H_law : Law
        Population law with a symbolic face (``H_law.sym.equation``), e.g. ``fc.Atoms`` or ``fc.MarchenkoPastur``.
    c : number or sympy expression
        Aspect ratio p/n > 0 (a symbol is allowed).
    m, z : sympy symbols
        Names of the Stieltjes transform and of the spectral variable.

    Returns
    -------
    sympy.Expr
        Expanded polynomial in m and z (the equation is ``expr = 0``).

    Raises
    ------
    ValueError
        If c is a number ≤ 0.
    TypeError
        If ``H_law`` has no symbolic equation.
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    c = sp.sympify(c)
    if c.is_number and not bool(c > 0):
        raise ValueError(f"c={c} must be an aspect ratio p/n > 0")
    face = getattr(H_law, "sym", None)
    if face is None or not hasattr(face, "equation"):
        raise TypeError(f"H_law={H_law!r} has no symbolic face with an algebraic equation")
    a = 1 - c - c * z * m
    mh, zh = sp.Dummy("m_H"), sp.Dummy("z_H")
    # substitute into H's own equation (its builders expect plain symbols)
    expr = sp.together(face.equation(m=mh, z=zh).subs({mh: a * m, zh: z / a}, simultaneous=True))
    num, _ = sp.fraction(expr)
    return sp.expand(num)
