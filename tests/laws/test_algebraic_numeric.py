"""Numeric state of an AlgebraicLaw: the certified (FLINT/Arb) singular points agree with sympy's exact real roots."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws import algebraic_numeric as N


def _laws():
    E = fc.Method.EXACT
    return {
        "sc+mp": fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E),
        "mp*mp": fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E),
        "sc+atoms": fc.free_add(fc.Semicircle(0.5), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]), method=E),
        "mp(2)": fc.to_algebraic(fc.MarchenkoPastur(2.0)),  # an atom at 0 of mass 1/2
    }


@pytest.mark.parametrize("name", list(_laws()))
def test_certified_state_equals_exact_state(name, monkeypatch):
    law = _laws()[name]
    fast = N.numeric_state(law.equation)

    def no_flint(coeffs):
        raise ImportError("python-flint not installed")
    monkeypatch.setattr(N, "certified_real_roots", no_flint)
    exact = N.numeric_state(law.equation)
    # both are the same real numbers rounded to doubles: exact roots via float(CRootOf), certified balls' centres
    assert len(fast.candidates) == len(exact.candidates)
    assert np.allclose(fast.candidates, exact.candidates, rtol=1e-14, atol=1e-300)
    assert np.allclose(fast.support, exact.support, rtol=1e-14, atol=0) and len(fast.support) == len(exact.support)
    assert fast.atoms == exact.atoms and fast.exact_atoms == exact.exact_atoms


def test_known_supports_and_atoms():
    laws = _laws()
    # MP(2): support [(1 - sqrt 2)^2, (1 + sqrt 2)^2] and an atom of mass 1 - 1/c at 0
    (lo, hi), = laws["mp(2)"].support
    assert (lo, hi) == pytest.approx(((1 - 2 ** 0.5) ** 2, (1 + 2 ** 0.5) ** 2), rel=1e-14)
    assert laws["mp(2)"].atoms == ((0.0, 0.5),)
    # a semicircle of radius 0.5 around three well-separated atoms: three bumps, no atoms left
    assert len(laws["sc+atoms"].support) == 3 and laws["sc+atoms"].atoms == ()
    mass = float(np.sum(laws["sc+atoms"].continuous_rule()[1]))
    assert mass == pytest.approx(1.0, abs=1e-10)  # graded Gauss rule on square-root edges: ~1e-12


def test_exact_support_matches_the_numeric_support():
    law = _laws()["sc+mp"]
    exact = N.exact_support(law.equation, law.support)
    assert np.allclose([[float(a), float(b)] for a, b in exact], law.support, rtol=1e-15, atol=0)


def test_boundary_values_by_roots_equal_the_continuation():
    law = _laws()["sc+mp"]
    x = np.linspace(*law.support[0], 402)[1:-1]
    values, decided = N.boundary_values_by_roots(law._numeric, x)
    reference = law._evaluate(x, np.zeros(x.size))
    assert decided.all()  # one root of the cubic in the upper half plane throughout the bulk
    # both converge to rounding of m (|m| ~ 1); the continuation lands by Newton, the roots are polished by Newton
    assert np.max(np.abs(values - reference)) < 1e-13


def test_boundary_values_by_roots_leave_the_unclassifiable_points():
    law = _laws()["sc+mp"]
    lo, hi = law.support[0]
    # exactly at the edges the two roots meet on the axis; degree 13 is left to the continuation altogether
    _, decided = N.boundary_values_by_roots(law._numeric, np.array([lo, hi]))
    assert not decided.any()
    composite = fc.free_add(law, _laws()["sc+atoms"], method=fc.Method.EXACT)
    assert composite.degree[0] > N.ROOT_SELECTION_MAX_DEGREE
    x = np.linspace(*composite.support[0], 7)[1:-1]
    assert not N.boundary_values_by_roots(composite._numeric, x)[1].any()
