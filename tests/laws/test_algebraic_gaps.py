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


# FreeBessel(3, 1/4) ⊠ ChiralBlock(0, 1/2, 3/2): an atom 3/4 at 0 (max of the factors' masses 3/4 and 1/5) between two
# gaps, (-1.2e-7, 0) and (0, 9.3e-4), bounded by collisions of other sheets; the expanded curve's continuation
# converged at none of their test points (ConvergenceWarning, the gaps taken as support unchecked)
ATOM_GAPS = (-1.1820943962669416e-07, 0.0, 0.0009272164836183359)


@pytest.fixture(scope="module")
def atom_law():
    law = fc.free_mul(fc.FreeBessel(3, 0.25), fc.ChiralBlock(0, 0.5, 1.5), method=fc.Method.EXACT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        law.atoms  # noqa: B018 -- builds the numeric state: no warning
    return law


def _tracked(P, law, x, ratio=2.0):
    """m(x + i0) on the Stieltjes sheet of the exact curve at 30 digits, independently of the law's continuation:
    from x + 100i (the law's moment series there) down to the axis, each step taking the root of P(., x + iy)
    nearest the previous one moved by the pole -3/4 / z that the sheets through the atom share (without it those
    sheets, all ~ -3/4 / z, are not told apart); the nearest root must be clearly nearer than the next."""
    co = [sp.lambdify(z, c, "mpmath") for c in sp.Poly(P, m).all_coeffs()]
    with mp.workdps(30):
        x, y = mp.mpf(float(x)), mp.mpf(100)
        zz = mp.mpc(x, y)
        prev = -sum(mp.mpf(float(c)) / zz ** (k + 1) for k, c in enumerate([1.0, *law.moments(8)]))
        while True:
            y = y / ratio if y > mp.mpf("1e-25") else mp.mpf(0)
            zo, zz = zz, mp.mpc(x, y)
            prev -= mp.mpf(3) / 4 * (1 / zz - 1 / zo)
            roots = mp.polyroots([f(zz) for f in co], maxsteps=200, extraprec=100)
            dist = sorted(abs(r - prev) for r in roots)
            assert dist[0] < 0.5 * dist[1]
            prev = min(roots, key=lambda r: abs(r - prev))
            if y == 0:
                return complex(prev)


@pytest.mark.slow  # two 30-digit continuations of a degree-11 curve over 25 decades of height: ~20 s
def test_gaps_beside_an_atom_at_zero_are_decided_on_the_deflated_curve(atom_law):
    P = atom_law.equation
    assert atom_law.atoms == ((0.0, 0.75),)
    edges = sorted(float(e) for e in S.edge_candidates(P, m, z))
    i = edges.index(0.0)
    assert np.allclose(edges[i - 1:i + 2], ATOM_GAPS, rtol=1e-14, atol=0)  # the gaps: consecutive singular points
    for a, b in zip(ATOM_GAPS[:-1], ATOM_GAPS[1:]):
        # independent check: in each gap the Stieltjes sheet is non-real (Im m ≈ 1.07, support): a gap is one sign
        # throughout, so its midpoint decides
        x = (a + b) / 2
        mx = _tracked(P, atom_law, x)
        assert 1.07 < mx.imag < 1.08
        # and the law's m there is that root: measured equal to 1e-16 relative (|m| ~ 1e7 and 1.6e3)
        assert abs(atom_law.stieltjes(np.array([x + 0j]))[0] - mx) <= 1e-12 * abs(mx)
    # one interval through the atom, between the outermost singular points (certified and exact copies: a few ulps)
    assert len(atom_law.support) == 1
    assert np.allclose(atom_law.support[0], (edges[0], edges[-1]), rtol=1e-14, atol=0)
    assert [float(lo) for lo, _ in atom_law.sym.support] == pytest.approx([edges[0]], rel=1e-14)


def test_density_and_mass_beside_an_atom_at_zero(atom_law):
    from scipy.integrate import quad

    P = atom_law.equation
    a, b, c = ATOM_GAPS
    x = np.array([a - 1e-4, a + 0.5 * (b - a), -1e-8, 1e-8, 0.5 * c, c + 1e-4])
    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        d = atom_law.pdf(x)
    mv = atom_law.stieltjes(x + 0j)
    for xv, mval, dv in zip(x, mv, d):
        # the law's m is a root of the exact curve (50-digit roots; |m| up to 7.5e7 here) and the density its
        # Im / π; measured ≤ 2e-16 relative, 1e-12 leaves room for another platform's rounding
        nearest = min(_roots(P, xv), key=lambda r: abs(r - mval))
        assert abs(nearest - mval) <= 1e-12 * abs(nearest)
        assert 0.34 < nearest.imag / np.pi < 0.35
        assert abs(dv - nearest.imag / np.pi) <= 1e-12 * abs(nearest)
    # the mass: the atom plus the density integrated by adaptive quadrature (an independent route) between the
    # singular points; measured 1.1e-14 from 1, 1e-10 leaves room for the quadrature's tolerance
    pts = sorted({*[float(e) for e in S.edge_candidates(P, m, z)], 0.0})
    pts = [p for p in pts if atom_law.support[0][0] <= p <= atom_law.support[0][1]]
    dens = lambda s: float(atom_law.pdf(np.array([s]))[0])  # noqa: E731
    mass = sum(quad(dens, p, q, limit=200, epsabs=1e-13, epsrel=1e-12)[0] for p, q in zip(pts[:-1], pts[1:]))
    assert abs(mass + 0.75 - 1.0) <= 1e-10


def test_deflated_curve_only_for_undecided_gaps_beside_an_atom():
    lo, hi = np.array([-1.0, 0.0, 1.0, 1.5, 3.0]), np.array([0.0, 1.0, 1.5, 3.0, 4.0])
    seen = []

    def status(x):  # the expanded curve converges nowhere
        return x + 0j, np.zeros(x.size, bool)

    def local(a, zeta):  # the chart centred at 3/2 converges in (3/2, 3) only
        return zeta + 5j, zeta > 0

    def deflated(a, w, zeta):
        seen.append((a, w, zeta.copy()))
        return zeta + 1j, np.ones(zeta.size, bool)

    generic = lambda gl, gh: (gl + gh) / 2 + 0j  # noqa: E731
    poles = [sp.Integer(0), sp.Rational(3, 2)]
    atoms = {sp.Integer(0): sp.Rational(1, 4), sp.Rational(3, 2): sp.Rational(1, 2)}
    vals = pole_gap_values(lo, hi, poles, 4.0, (0.5,), status, local, generic, atoms, deflated)
    # the atom at 0: both its gaps, zeta = x; at 3/2: (1, 3/2) only ((3/2, 3) was decided in the chart at 3/2), zeta
    # from the shifted ends; (3, 4) ends at no pole: the generic test
    assert [(a, w) for a, w, _ in seen] == [(0, sp.Rational(1, 4)), (sp.Rational(3, 2), sp.Rational(1, 2))]
    assert np.allclose(seen[0][2], [-0.5, 0.5]) and np.allclose(seen[1][2], [-0.25])
    assert vals[0] == -0.5 + 1j and vals[1] == 0.5 + 1j and vals[2] == -0.25 + 1j
    assert vals[3] == 0.75 + 5j and vals[4] == 3.5
