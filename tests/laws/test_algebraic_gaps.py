"""A gap between singular points that ends at a pole of the curve is decided in the chart centred at the pole."""
import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic_gaps import pole_gap_values
from freecalc.symbolic import algebraic_support as S
from freecalc.symbolic.transforms import m, z

# the pole 37/28 - 3√141/140 of the curve of FC(4) ⊞ SFM(1, -1.5, 0.3, 0.3) and the square-root end of its second
# support interval 4.9e-8 above it: between them the other sheets are ~1e5 and the expanded curve's continuation
# converged at none of the gap's test points (the gap was taken as support, with a ConvergenceWarning)
POLE = sp.Rational(37, 28) - 3 * sp.sqrt(141) / 140


@pytest.fixture(scope="module")
def law():
    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        law = fc.free_add(fc.FussCatalan(4), fc.ShiftedFreeMeixner(1, -1.5, 0.3, 0.3))
        law.support  # noqa: B018 -- builds the numeric state: no warning
    return law


def _roots(P, x):
    """All roots of P(., x) to 50 digits (the exact curve at the double x)."""
    with mp.workdps(50):
        coeffs = [sp.lambdify(z, c, "mpmath")(mp.mpf(float(x))) for c in sp.Poly(P, m).all_coeffs()]
        return [complex(r) for r in mp.polyroots(coeffs, maxsteps=400, extraprec=400)]


def test_support_starts_at_the_end_above_the_pole(law):
    edges = [float(e) for e in S.edge_candidates(law.equation, m, z)]
    e1, e2 = float(POLE), edges[edges.index(float(POLE)) + 1]
    assert 4.8e-8 < e2 - e1 < 5e-8
    assert [lo for lo, _ in law.support] == [edges[0], e2]  # the gap (e1, e2) is no support
    assert [float(lo) for lo, _ in law.sym.support] == [edges[0], e2]  # and the exact ends agree
    assert law.atoms == ()


def test_density_in_and_around_the_gap(law):
    P = law.equation
    e1 = float(POLE)
    e2 = law.support[1][0]
    gap = e1 + np.array([0.15, 0.5, 0.85]) * (e2 - e1)
    x = np.concatenate(([e1 - 1e-7], gap, e2 + np.array([1e-10, 1e-8, 1e-6, 1e-4])))
    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        d = law.pdf(x)
        mv = law.stieltjes(x + 0j)
    assert np.all(d[:4] == 0.0)
    # subordination (free_add(..., method=NUMERIC)), an independent route, picks the sheet: measured agreement
    # 8.6e-7 relative at 1e-10 above the end (the subordination's own error there), ≤ 1.2e-10 further up
    ref = fc.free_add(fc.FussCatalan(4), fc.ShiftedFreeMeixner(1, -1.5, 0.3, 0.3), method=fc.Method.NUMERIC).pdf(x)
    assert np.all(ref[:4] == 0.0)
    assert np.allclose(d[4:], ref[4:], rtol=2e-6, atol=0)
    for xv, mval, dv in zip(x, mv, d):
        # the law's m is a root of the exact curve: measured ≤ 1.3e-16 relative to the nearest of the 10 roots
        # (|m| ~ 1e5 here); 1e-12 leaves room for another platform's rounding
        roots = _roots(P, xv)
        nearest = min(roots, key=lambda r: abs(r - mval))
        assert abs(nearest - mval) <= 1e-12 * abs(nearest)
        assert abs(nearest.imag / np.pi - dv) <= 1e-12 * abs(nearest)  # the density: Im m / π
        if dv == 0.0:  # outside the support the boundary value is one of the real roots
            assert abs(nearest.imag) <= 1e-20 * abs(nearest)


def test_local_chart_only_where_the_expanded_curve_fails_next_to_a_pole():
    lo, hi = np.array([0.0, 1.0, 2.5, 3.0]), np.array([1.0, 2.5, 3.0, 4.0])
    seen = []

    def status(x):  # the expanded curve converges in (0, 1) only
        return x + 0j, x < 1.0

    def local(a, zeta):
        seen.append((a, zeta.copy()))
        # at 1 no fraction converges, at 5/2 the second one (0.3) in both of its gaps
        ok = np.zeros(zeta.size, bool) if a == 1 else np.isclose(zeta, -1.05) | np.isclose(zeta, 0.15)
        return zeta + 10j, ok

    generic = lambda gl, gh: (gl + gh) / 2 + 0j  # noqa: E731
    poles = [sp.Integer(0), sp.Integer(1), sp.Rational(5, 2)]
    vals = pole_gap_values(lo, hi, poles, 4.0, (0.5, 0.3), status, local, generic)
    # 0: its gap decided on the expanded curve (and the chart at 0 would be that curve); 1: the gap (1, 5/2) left
    # undecided, one zeta per fraction; 5/2: that gap again and (5/2, 3), each zeta = x - 5/2 from the shifted ends
    assert [a for a, _ in seen] == [1, 1, sp.Rational(5, 2), sp.Rational(5, 2)]
    assert np.allclose(seen[0][1], [0.75]) and np.allclose(seen[1][1], [0.45])
    assert np.allclose(seen[2][1], [-0.75, 0.25]) and np.allclose(seen[3][1], [-1.05, 0.15])
    assert vals[0] == 0.5 and vals[1] == -1.05 + 10j and vals[2] == 0.15 + 10j
    assert vals[3] == 3.5  # no pole at its ends: the generic test (which warns)
