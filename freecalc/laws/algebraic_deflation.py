r"""Float coefficients of a deflated curve with irrational atom data, computed in multiprecision.

The curve of :math:`m_c = m - w/(a - z)` is the numerator

.. math:: Q(m, z) = (a - z)^d\, P\!\left(m + \frac{w}{a - z}, z\right)
          = \sum_{j,k} c_{jk} z^k \sum_{i \le j} \binom{j}{i} m^i w^{j-i} (a - z)^{d-j+i},

with :math:`d = \deg_m P`. When the atom a is a root of an irreducible quartic (``CRootOf``) and its mass w a rational
function of it, sympy's exact expansion of Q works over the expression domain, and every zero test of a coefficient
there is a minimal-polynomial computation: tens of seconds per curve. Only the double coefficients of Q are used
(the residue test and the continuation next to the atom), so they are computed here from a, w and the
coefficients of P at :data:`DPS` significant digits and rounded once: the sums above lose at most the digits of
their largest term, and a coefficient below :data:`ZERO_DIGITS` fewer digits than its terms is the exact zero
that cancellation left (an exact zero is what the exact route gives there; anything that small relative to its
terms is below double resolution relative to them as well).

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module

sp = lazy_module("sympy")
mp = lazy_module("mpmath")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["DPS", "ZERO_DIGITS", "deflated_coefficients"]

#: working precision (significant decimal digits) of the expansion
DPS = 60

#: a coefficient smaller than 10^-(DPS - ZERO_DIGITS) times the sum of its terms' moduli is an exact zero
ZERO_DIGITS = 10


def _mp_value(c: Any, name: str) -> Any:
    """A sympy number as an mpmath complex, correct to DPS + 10 digits (sympy's evalf raises the precision of sums
    that cancel until the result has the digits asked for)."""
    v = sp.N(c, DPS + 10)
    re, im = v.as_real_imag()
    if not (re.is_number and im.is_number):
        raise ValueError(f"{name} = {c} is not a number; deflated_coefficients needs numeric atom data")
    return mp.mpc(mp.mpf(str(re)), mp.mpf(str(im)))


def deflated_coefficients(P: Any, a: Any, w: Any) -> np.ndarray:
    r"""Normalised double coefficients of :math:`Q(m, z) = (a - z)^d P(m + w/(a - z), z)`.

    Parameters
    ----------
    P : sympy.Expr
        Polynomial in ``m`` and ``z`` with numeric (possibly irrational) coefficients, of degree d ≥ 1 in m.
    a, w : sympy.Expr
        Atom location and mass (exact numbers).

    Returns
    -------
    numpy.ndarray
        ``C[i, k]`` = coefficient of :math:`m^i z^k` of Q divided by the largest one in modulus, shape
        (d + 1, deg_z Q + 1).

    Raises
    ------
    ValueError
        If P is not a polynomial of positive degree in m, or a coefficient of Q is not real.
    """
    poly = sp.Poly(P, T.m, T.z)
    d = poly.degree(T.m)
    if d < 1:
        raise ValueError(f"P has degree {d} in m; deflated_coefficients needs degree >= 1")
    with mp.workdps(DPS):
        av, wv = _mp_value(a, "a"), _mp_value(w, "w")
        # u^p = (a - z)^p, coefficients of z^l
        upow = [[mp.binomial(p, l) * av ** (p - l) * (-1) ** l for l in range(p + 1)] for p in range(d + 1)]
        wpow = [wv ** q for q in range(d + 1)]
        terms = [((int(j), int(k)), _mp_value(c, "a coefficient of P")) for (j, k), c in poly.terms()]
        e = max(k for (_, k), _ in terms) + d
        val = [[mp.mpc(0) for _ in range(e + 1)] for _ in range(d + 1)]
        size = [[mp.mpf(0) for _ in range(e + 1)] for _ in range(d + 1)]
        for (j, k), c in terms:
            for i in range(j + 1):
                f = c * math.comb(j, i) * wpow[j - i]
                for l, u in enumerate(upow[d - j + i]):
                    t = f * u
                    val[i][k + l] += t
                    size[i][k + l] += abs(t)
        tiny = mp.mpf(10) ** (ZERO_DIGITS - DPS)
        vals = {(i, k): val[i][k] for i in range(d + 1) for k in range(e + 1)
                if abs(val[i][k]) > tiny * size[i][k]}
        big = max(abs(v) for v in vals.values())
        kmax = max(k for _, k in vals)
        C = np.zeros((d + 1, kmax + 1))
        for (i, k), v in vals.items():
            q = v / big
            if abs(q.imag) > 1e-14:  # relative to the largest coefficient
                raise ValueError(f"the deflated curve has a non-real coefficient {complex(q)} at m^{i} z^{k}; "
                                 f"a = {a} and w = {w} must be real")
            C[i, k] = float(q.real)
    return C
