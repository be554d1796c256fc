r"""Certified real roots of a polynomial with integer coefficients, by ball arithmetic (Arb through python-flint).

Arb's root isolation (``arb_fmpz_poly_complex_roots``) works on the squarefree factors and returns every complex
root as a ball that provably contains exactly one root. The polynomial is real, so non-real roots come in conjugate
pairs: a ball that holds one root and meets its own mirror image holds a real root, and Arb returns those with an
imaginary part that is exactly zero. The *number* of real roots is therefore certified, not estimated. The balls'
radii are checked to be a few ulps of their centres, so the returned doubles are the roots to a few ulps.

python-flint is a core dependency; should it be missing :func:`certified_real_roots` raises ``ImportError`` and the
callers take their exact (sympy) route.

Reference: F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic", IEEE Trans.
Comput. 66 (2017); the isolation algorithm is documented with ``arb_fmpz_poly_complex_roots`` in the FLINT manual.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["ROOT_RELATIVE_RADIUS", "certified_real_roots"]

#: largest accepted ball radius of a root, relative to max(1, |root|): a few ulps of a double
ROOT_RELATIVE_RADIUS = 1e-14


def certified_real_roots(coeffs: Sequence[int]) -> np.ndarray:
    r"""Distinct real roots of :math:`\sum_k c_k x^k` (integer :math:`c_k`), increasing, as doubles.

    Parameters
    ----------
    coeffs : sequence of int
        Coefficients :math:`c_0, c_1, \dots` (increasing powers; Python ints of any size).

    Returns
    -------
    numpy.ndarray
        The real roots, each the centre of an isolating ball of relative radius at most
        :data:`ROOT_RELATIVE_RADIUS`; empty for a non-zero constant.

    Raises
    ------
    ImportError
        If python-flint (``pip install python-flint``) is not installed.
    ValueError
        If the polynomial is identically zero (every real number is a root).
    ArithmeticError
        If a real root could not be resolved to double precision (never observed; the caller then uses exact
        arithmetic).
    """
    import flint  # optional extra: the callers fall back to exact sympy roots without it

    ints = [int(c) for c in coeffs]
    if not any(ints):
        raise ValueError("certified_real_roots: the polynomial is identically zero, so every x is a root")
    poly = flint.fmpz_poly(ints)
    if poly.degree() < 1:
        return np.zeros(0)
    out = []
    for root, _mult in poly.complex_roots():
        if root.imag != 0:  # exactly zero for the roots proved real
            continue
        mid, rad = float(root.real.mid()), float(root.real.rad())
        if not rad <= ROOT_RELATIVE_RADIUS * max(1.0, abs(mid)):
            raise ArithmeticError(f"real root {root.real} not resolved to double precision")
        out.append(mid)
    return np.array(sorted(out))
