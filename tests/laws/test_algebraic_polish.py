"""Certification of algebraic boundary values on the exact curve (freecalc/laws/algebraic_polish.py) next to a pole
of other sheets: a zero of the leading coefficient in m, here inside the support; and the same certificate without
python-flint (mpmath roots proved by inclusion disks), against the Arb route. Reference: the roots of the exact
P(., x) at the double x, its coefficients computed in rationals and rooted by mpmath at 50 digits (no Arb)."""
from __future__ import annotations

import sys
import warnings
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws import algebraic_polish
from freecalc.laws.algebraic_polish import _arb_roots, _exact_roots, _mp_roots, exact_curve
from freecalc.symbolic.transforms import m, z

#: the certified root is a ball of radius <= 1e-17 relative; 1e-12 is the accuracy asked next to the pole (the
#: double-precision route alone is promised 1e-8)
RTOL = 1e-12

#: both routes certify each root within 1e-17 relative before rounding it to double: they agree to an ulp or two
ROUTE_RTOL = 1e-15


def _without_flint(monkeypatch) -> None:
    """``import flint`` raises ImportError from here on (python-flint not installed)."""
    monkeypatch.setitem(sys.modules, "flint", None)


def _counting_mp_roots(monkeypatch) -> list[complex]:
    """Record the points the mpmath route certifies (the test must exercise it)."""
    seen: list[complex] = []

    def spy(curve, zc):
        seen.append(zc)
        return _mp_roots(curve, zc)

    monkeypatch.setattr(algebraic_polish, "_mp_roots", spy)
    return seen


def _exact_coefficients(P: sp.Expr, x: float) -> list[Fraction]:
    """Coefficients of P(., x) in m (highest first), exact at the double x."""
    X = Fraction(x)
    cols: dict[int, Fraction] = {}
    for (j, k), c in sp.Poly(P, m, z).terms():
        cols[j] = cols.get(j, Fraction(0)) + Fraction(int(c.p), int(c.q)) * X**k
    return [cols.get(j, Fraction(0)) for j in range(max(cols), -1, -1)]


def _mp_reference_roots(P: sp.Expr, x: float) -> list[mp.mpc]:
    with mp.workdps(50):
        co = [mp.mpf(c.numerator) / c.denominator for c in _exact_coefficients(P, x)]
        return [mp.mpc(r) for r in mp.polyroots(co, maxsteps=400, extraprec=400)]


def _curve(P: sp.Expr):
    poly = sp.Poly(P, m, z)
    C = np.zeros((poly.degree(m) + 1, poly.degree(z) + 1))
    for (j, k), c in poly.terms():
        C[j, k] = float(c)
    return exact_curve(P, C)


def _arb(curve, zc):
    import flint  # here: the mpmath route's tests must also run where python-flint is missing

    return _arb_roots(flint, curve, zc)


@pytest.mark.parametrize("roots", [_arb, _mp_roots], ids=["arb", "mpmath"])
def test_exact_roots_next_to_a_pole_of_expanded_leading_coefficient(roots) -> None:
    # (7z - 11)^4 expanded: at 11/7 + 1e-12 the leading coefficient is ~2e-45 against terms ~1e4, below the
    # rounding of Arb's first working precision (128 bits); the roots are e^(±2πi/3) + O(1e-45) and one ~ -4e44
    P = sp.expand((7 * z - 11) ** 4) * m**3 + m**2 + m + 1
    curve = _curve(P)
    for x in (11 / 7 + 1e-12, 11 / 7 - 1e-12):
        mids = roots(curve, complex(x, 0.0))
        assert mids is not None and mids.size == 3
        for r in _mp_reference_roots(P, x):
            nearest = mids[np.argmin(np.abs(mids - complex(r)))]
            assert abs(nearest - complex(r)) <= 1e-15 * abs(complex(r))
    # exactly at a (dyadic) pole the degree drops: no simple root set to match
    assert roots(_curve(sp.expand((2 * z - 3) ** 4) * m**3 + m**2 + m + 1), complex(1.5, 0.0)) is None
    # at a (dyadic) kink two roots coincide: not isolated at any precision
    assert roots(_curve(sp.expand((m**2 + z * m + 1) * (m**3 + z * m**2 + 7))), complex(2.0, 0.0)) is None


def test_exact_roots_dispatch_to_mpmath_without_flint(monkeypatch) -> None:
    curve = _curve(m**2 + z * m + 1)  # semicircle: m = (-z ± sqrt(z^2 - 4)) / 2
    _without_flint(monkeypatch)
    seen = _counting_mp_roots(monkeypatch)
    mids = _exact_roots(curve, complex(1.0, 0.0))
    assert seen == [complex(1.0, 0.0)]
    assert mids is not None
    assert np.allclose(np.sort_complex(mids), [-0.5 - 0.75**0.5 * 1j, -0.5 + 0.75**0.5 * 1j], rtol=1e-15, atol=0)


@pytest.mark.parametrize("law_name", ["pole", "bessel", "meixner_arcsine"])
def test_mpmath_roots_equal_arb_roots(law_name, pole_law) -> None:
    if law_name == "meixner_arcsine":
        # 2.8e-14 below the upper square-root end the conjugate pair -0.411 ± 6.9e-9i rounds to two real double
        # roots; started there, the iteration stayed real and never converged (not certified)
        law = fc.free_add(fc.FreeMeixner(1.5, 0.3, 0.3), fc.Arcsine(1.0), method=fc.Method.EXACT)
        e = law.support[-1][1]
        assert abs(e - 2.793003591710517) < 1e-12
        zs = [complex(e - d * e, 0.0) for d in (1e-6, 1e-9, 1e-12, 1e-14)]
    elif law_name == "pole":
        law, pole = pole_law
        x = pole + np.array([s * 10.0**-e for e in range(3, 13) for s in (-1, 1)])
        zs = [complex(v, 0.0) for v in x] + [complex(pole, 1e-6), complex(pole + 1e-9, 1e-12)]
    else:
        law = fc.FreeBessel(3, 0.8) + 1.5
        lo, hi = law.support[0][0], law.support[-1][1]
        zs = [complex(v, 0.0) for v in np.linspace(lo, hi, 25)] + [complex(lo + 1e-14, 0.0), complex(lo, 1e-8)]
    curve = exact_curve(law._P, law._numeric.C)
    for zc in zs:
        a, b = _arb(curve, zc), _mp_roots(curve, zc)
        assert a is not None and b is not None, zc
        assert a.size == b.size == len(curve.cols) - 1
        for r in a:
            assert np.min(np.abs(b - r)) <= ROUTE_RTOL * max(1.0, abs(r)), (zc, r)


@pytest.fixture(scope="module")
def pole_law():
    # the leading coefficient in m is (700 z^2 - 1850 z + 1177)^4: its larger zero lies inside the support
    law = fc.free_add(fc.FussCatalan(4), fc.ShiftedFreeMeixner(1, -1.5, 0.3, 0.3))
    assert sp.factor(sp.Poly(law._P, m).LC()) == (700 * z**2 - 1850 * z + 1177) ** 4
    with mp.workdps(30):
        pole = float((1850 + mp.sqrt(1850**2 - 4 * 700 * 1177)) / 1400)
    return law, pole


@pytest.mark.filterwarnings("error")  # the value was right but flagged "not certified on the exact one"
@pytest.mark.parametrize("flint_installed", [True, False], ids=["arb", "mpmath"])
def test_density_next_to_interior_pole(pole_law, flint_installed, monkeypatch) -> None:
    law, pole = pole_law
    if not flint_installed:
        _without_flint(monkeypatch)
        seen = _counting_mp_roots(monkeypatch)
    assert abs(pole - 1.5758787590079553) < 1e-15
    assert any(a + 0.1 < pole < b - 0.1 for a, b in law._numeric.support)
    x = pole + np.array([s * 10.0**-e for e in range(3, 13) for s in (-1, 1)])
    pdf = law.pdf(x)
    for xi, p in zip(x, pdf):
        roots = _mp_reference_roots(law._P, float(xi))
        upper = [r for r in roots if r.imag > 0]
        r = min(upper, key=lambda r: abs(float(r.imag) / np.pi - p))
        ref = float(r.imag) / np.pi
        assert min(abs(complex(q - r)) for q in roots if q is not r) > 1.0  # the other sheets are far
        assert abs(p - ref) <= RTOL * ref, (xi - pole, p, ref)
    if not flint_installed:
        assert len(seen) >= x.size  # every point certified on the exact curve, by mpmath


@pytest.mark.slow  # the distribution function integrates a rule of ~670 points, ~4000 of them certified on Arb
@pytest.mark.filterwarnings("error")
def test_cdf_across_interior_pole(pole_law) -> None:
    law, _ = pole_law
    assert abs(law.cdf(14.0) - 1.0) <= 1e-12  # beyond the support: the mass, to the rule's accuracy


def test_density_without_flint_equals_arb_route(monkeypatch) -> None:
    # the certified recompute imported flint unconditionally: ModuleNotFoundError without python-flint
    law = fc.FreeBessel(3, 0.8) + 1.5
    lo, hi = law.support[0][0], law.support[-1][1]
    x = np.linspace(lo - 0.8, hi + 0.8, 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither route may flag a point
        ref = law.pdf(x)
        _without_flint(monkeypatch)
        seen = _counting_mp_roots(monkeypatch)
        fresh = fc.FreeBessel(3, 0.8) + 1.5
        pdf = fresh.pdf(x)
    assert seen  # points next to the lower edge are ill conditioned in double and recomputed
    assert np.all(np.abs(pdf - ref) <= ROUTE_RTOL * ref)
    assert np.count_nonzero(ref) > 500
