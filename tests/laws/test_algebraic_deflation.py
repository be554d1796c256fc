"""Multiprecision deflation of an algebraic curve at irrational atom data (freecalc/laws/algebraic_deflation.py)."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic_deflation import deflated_coefficients
from freecalc.laws.algebraic_numeric import float_coefficients
from freecalc.symbolic import transforms as T

m, z = T.m, T.z


def _exact(P, a, w):
    # the exact route: sympy's expansion of the numerator, rounded once; the overall sign is the larger entry's
    C = float_coefficients(sp.expand(sp.numer(sp.together(P.subs(m, m + w / (a - z))))))
    return C * np.sign(C.flat[np.argmax(np.abs(C))])


def _signed(C):
    return C * np.sign(C.flat[np.argmax(np.abs(C))])


@pytest.mark.parametrize("a, w", [(sp.sqrt(2), sp.sqrt(3) / 5), (sp.Rational(3, 7), sp.Rational(1, 3)),
                                  (1 - sp.sqrt(5), (3 + sp.sqrt(5)) / 11)])
def test_deflated_coefficients_match_the_exact_expansion(a, w):
    rng = np.random.default_rng(3)
    P = sum(int(rng.integers(-9, 10)) * m ** j * z ** k for j in range(4) for k in range(3)) + m ** 3 * z ** 3
    C = _signed(deflated_coefficients(P, a, w))
    E = _exact(P, a, w)
    assert C.shape == E.shape
    # both are the same real numbers rounded once to doubles (from >= 30 digits): a few ulps of the largest entry
    assert np.max(np.abs(C - E)) < 1e-15


def test_cancelled_coefficient_is_an_exact_zero():
    # P = (m (z - sqrt 2) - 1)(m - 2): removing w = -1 at a = sqrt 2 turns the branch m = 1/(z - sqrt 2) into m_c = 0,
    # so Q = m (...) has no m^0 terms: the multiprecision sums cancel there and must give exact zeros as sympy does
    s = sp.sqrt(2)
    P = sp.expand((m * (z - s) - 1) * (m - 2))
    C = deflated_coefficients(P, s, -1)
    E = _exact(P, s, sp.Integer(-1))
    assert np.array_equal(_signed(C) == 0, E == 0)
    assert np.max(np.abs(_signed(C) - E)) < 1e-15  # rounding of both routes, as above


def test_non_real_data_is_refused():
    P = m ** 2 * z - m + 1
    with pytest.raises(ValueError, match="non-real"):
        deflated_coefficients(P, sp.I, sp.Integer(1))
    with pytest.raises(ValueError, match="degree 0 in m"):
        deflated_coefficients(z ** 2 - 1, sp.Integer(0), sp.Integer(1))


def test_free_sum_with_an_atom_at_a_quartic_root():
    # the ⊞ of these two quadratic laws has an atom at a root of 400 z^4 + 3200 z^3 - 705 z^2 - 28420 z - 11411
    # (a CRootOf) with a mass rational in it; the exact expansion of its deflated curve took ~1 min
    a = fc.ShiftedFreeMeixner(-1, 1.5, 2, 3)
    b = fc.ShiftedFreeMeixner(-1, -1.5, 0.3, 3)
    r = fc.free_add(a, b)
    ref = fc.free_add(a, b, method=fc.Method.NUMERIC)  # subordination: an independent route
    x = np.linspace(-8, 8, 401)
    # both routes converge to ~1e-14 (measured 6e-15 on 1000 points)
    assert np.max(np.abs(r.pdf(x) - ref.pdf(x))) < 1e-10
    (loc, mass), = r.atoms
    (loc_ref, mass_ref), = ref.atoms
    assert abs(loc - loc_ref) < 1e-12 and abs(mass - mass_ref) < 1e-12  # measured 0 and 3e-17
    x0 = sp.Symbol("x")  # not z: sympy caches CRootOf by polynomial regardless of its variable
    a0 = sp.CRootOf(400 * x0 ** 4 + 3200 * x0 ** 3 - 705 * x0 ** 2 - 28420 * x0 - 11411, 1)
    assert abs(loc - float(a0)) < 1e-15
