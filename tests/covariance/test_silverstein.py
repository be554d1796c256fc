"""The Silverstein equation of H ⊠ MP(c) equals the algebraic equation that fc.free_mul derives."""
from __future__ import annotations

import pytest
import sympy as sp

import freecalc as fc


@pytest.mark.parametrize("H", [fc.Atoms([1, 3], [sp.Rational(1, 2), sp.Rational(1, 2)]),
                               fc.MarchenkoPastur(sp.Rational(1, 3), 2)], ids=["atoms", "mp"])
def test_equals_free_mul_equation(H):
    c = sp.Rational(1, 2)
    Q = fc.silverstein_equation(H, c)
    P = fc.free_mul(H, fc.MarchenkoPastur(c, 1)).sym.equation()
    ratio = sp.cancel(Q / P)
    assert ratio.is_number and ratio != 0


def test_bad_c():
    with pytest.raises(ValueError, match="c=0"):
        fc.silverstein_equation(fc.Atoms([1, 2]), 0)
