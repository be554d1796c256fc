"""Square-root edges of algebraic ⊞/⊠ results (freecalc/laws/algebraic_sqrt_edges.py): the density and m(x + i0)
down to 1e-14 from each end, against mpmath on the exact curve."""
from __future__ import annotations

import warnings
from typing import Any

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic_sqrt_edges import sqrt_edge_values
from freecalc.symbolic.transforms import m, z

E = fc.Method.EXACT

#: ⊞/⊠ results with square-root ends only (no atoms on an end); the first is the reproducer of issue 10, whose
#: density at 3.3e-12 below its upper end 3.34 was 2 % off (54 % at 3.3e-14) with no warning
PAIRS = {
    "ChiralBlock+FreeMeixner": lambda: fc.free_add(fc.ChiralBlock(1, 0, 0.5), fc.FreeMeixner(1.5, 0.3, 0.3)),
    "Semicircle+MP": lambda: fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E),
    "MPxMP": lambda: fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E),
    "FreeMeixner+Arcsine": lambda: fc.free_add(fc.FreeMeixner(1.5, 0.3, 0.3), fc.Arcsine(1.0), method=E),
    "KestenMcKay+Semicircle": lambda: fc.free_add(fc.KestenMcKay(3), fc.Semicircle(1.0), method=E),
    "MP+Arcsine": lambda: fc.free_add(fc.MarchenkoPastur(0.3), fc.Arcsine(0.7), method=E),
    # other singular points 1.2e-5 and 1.6e-4 below the lower end: the series' reach shrinks to 1.2e-7 there
    "FreeMeixner+FreeBessel": lambda: fc.free_add(fc.FreeMeixner(1.5, 0.3, 3), fc.FreeBessel(3, 0.8), method=E),
    # the generic evaluator returned density 0 1.6e-9 below the end 1.56 and is 1.4e-4 off 6.4e-5 below the end 6.42
    "ShiftedFreeMeixner*ChiralBlock": lambda: fc.free_mul(fc.ShiftedFreeMeixner(1, 1.5, 0.3, 0.3),
                                                          fc.ChiralBlock(1, 2, 2.5), method=E),
}

DISTANCES = (1e-6, 1e-9, 1e-12, 1e-14)


def _mp(c: sp.Expr, dps: int) -> mp.mpf:
    return mp.mpf(int(c)) if c.is_Integer else mp.mpf(sp.N(c, dps + 20))


def _reference(P: sp.Expr, e0: float, xs: Any, dps: int = 50) -> np.ndarray:
    """m(x + i0) at the points xs (floats or mpmath numbers) next to the end e0, at ``dps`` digits on the exact curve: the end is the
    zero of sympy's discriminant next to e0 (Newton), m_e the double root of P(., e) there, and m(x + i0) the root
    of P(., x) in the upper half plane nearest m_e (the colliding pair's; the other roots stay O(1) away)."""
    disc = sp.Poly(sp.discriminant(P, m), z).all_coeffs()
    rows = [sp.Poly(c, z).all_coeffs() for c in sp.Poly(P, m).all_coeffs()]
    with mp.workdps(dps + 10):
        dc = [_mp(c, dps) for c in disc]
        rc = [[_mp(c, dps) for c in row] for row in rows]
        e = mp.mpf(e0)
        for _ in range(60):
            f, df = mp.polyval(dc, e, derivative=True)
            e -= f / df
            if abs(f / df) < mp.mpf(10) ** (-dps - 5):
                break

        def roots(x: mp.mpf) -> list:
            return mp.polyroots([mp.polyval(r, x) for r in rc], maxsteps=200, extraprec=2 * dps)

        r0 = roots(e)
        pairs = [(abs(a - b), (a + b) / 2) for i, a in enumerate(r0) for b in r0[i + 1:]]
        m_e = min(pairs, key=lambda t: t[0])[1]
        out = []
        for x in xs:
            upper = sorted((v for v in roots(mp.mpf(x)) if mp.im(v) > 0), key=lambda v: abs(v - m_e))
            assert len(upper) == 1 or abs(upper[0] - m_e) < 0.5 * abs(upper[1] - m_e)  # a clear choice
            out.append(complex(upper[0]))
    return np.array(out)


@pytest.fixture(scope="module", params=sorted(PAIRS))
def pair(request) -> fc.AlgebraicLaw:
    return PAIRS[request.param]()


def test_density_and_boundary_value_next_to_each_end(pair) -> None:
    law = pair
    assert not {e for ab in law.support for e in ab} & {a for a, _ in law.atoms}
    for a, b in law.support:
        for e, side in ((a, 1), (b, -1)):
            xs = np.array([e + side * d * max(1.0, abs(e)) for d in DISTANCES])
            ref = _reference(law.equation, e, xs)
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # no ConvergenceWarning (nor any other)
                dens = law.pdf(xs)
                mv = law.stieltjes(xs + 0j)
            # the Puiseux series at the 40-digit double point is truncated below 1e-14 of its first term and its
            # coefficients are rounded once, so only rounding remains (measured <= 4.4e-16); 1e-6 is the required
            # accuracy (the generic evaluator's error δe/2d grows to 1e-2 at d = 1e-12 on the reproducer)
            np.testing.assert_allclose(dens, ref.imag / np.pi, rtol=1e-6, atol=0)
            np.testing.assert_allclose(mv, ref, rtol=1e-6, atol=0)


def test_series_coefficients_of_the_semicircle() -> None:
    # m(z) = (-z + sqrt(z^2 - 4)) / 2; at the upper end 2 with s^2 = 2 - z (s = sqrt(2 - x) on the support):
    # m = -1 + s^2/2 + i s sqrt(1 - s^2/4), a closed form independent of the curve's Newton and Taylor shift
    law = fc.AlgebraicLaw(m ** 2 + z * m + 1)
    edge = law._sqrt_edges.edge(1)
    assert (edge.e, edge.e_lo, edge.side, edge.m_e) == (2.0, 0.0, -1, -1.0)
    s = sp.Symbol("s")
    ser = sp.series(s ** 2 / 2 + sp.I * s * sp.sqrt(1 - s ** 2 / 4), s, 0, edge.c.size + 1).removeO()
    want = np.array([complex(ser.coeff(s, k)) for k in range(1, edge.c.size + 1)])
    np.testing.assert_allclose(edge.c, want, rtol=0, atol=1e-14)  # rounding of the recurrence only


def test_off_axis_and_outside_values_continue_the_generic_ones() -> None:
    law = PAIRS["ChiralBlock+FreeMeixner"]()
    top = law.support[-1][1]
    edge = law._sqrt_edges.edge(5)
    assert edge is not None and edge.e == top and edge.reach > 1e-6
    h = 1e-6  # within the series' reach; the generic evaluator is still good to ~1e-9 here (error δe/|z - e|)
    zs = np.array([top - h + 1j * h, top + h + 1j * h, top + h, top + 1e-13])
    got = sqrt_edge_values(edge, zs.real, zs.imag)
    law._sqrt_edges._built.clear()
    law._sqrt_edges._slots[:] = []  # the generic evaluator alone
    np.testing.assert_allclose(got[:3], law.stieltjes(zs[:3]), rtol=1e-8)
    # outside the support m is real: no density leaks out of the end
    assert np.all(got[2:].imag == 0.0)
    # m(conj z) = conj m(z)
    np.testing.assert_allclose(sqrt_edge_values(edge, zs.real, -zs.imag), np.conj(got), rtol=1e-15)


def test_power_law_ends_get_no_series() -> None:
    # the x^(-2/3) end at 0 of MP(1) ⊠ MP(1): m has a pole there, no double point of P = P_m = 0
    law = fc.AlgebraicLaw(m ** 3 * z ** 2 - m * z - 1)
    assert law._sqrt_edges.edge(0) is None
    # its square-root upper end 27/4 does
    assert law._sqrt_edges.edge(1) is not None


def test_cdf_next_to_the_lowest_end() -> None:
    law = PAIRS["ChiralBlock+FreeMeixner"]()
    e = law.support[0][0]
    xs = np.array([e + d for d in (1e-12, 1e-14)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = law.cdf(xs)
    # independent route: ∫_e^x ρ = ∫_0^√(x - e) 2s ρ(e + s²) ds, whose integrand is analytic in s (the Puiseux
    # variable), by 10-point Gauss–Legendre on the mpmath density (the end's next singular point is 1.2 away, so
    # the rule is exact to ~(√d / 1.2)^20); the end itself to 50 digits (as in _reference)
    t, w = np.polynomial.legendre.leggauss(10)
    P = law.equation
    disc = sp.Poly(sp.discriminant(P, m), z).all_coeffs()
    with mp.workdps(60):
        dc = [_mp(c, 50) for c in disc]
        es = mp.mpf(e)
        for _ in range(60):
            f, df = mp.polyval(dc, es, derivative=True)
            es -= f / df
        for x, g in zip(xs, got):
            h = mp.sqrt(mp.mpf(float(x)) - es)
            s = [h * (1 + mp.mpf(float(ti))) / 2 for ti in t]
            dens = _reference(P, e, [es + si ** 2 for si in s])
            ref = sum(float(wi) * float(h) / 2 * 2 * float(si) * di.imag / np.pi for wi, si, di in zip(w, s, dens))
            # the cdf's tables alone were 7e-5 (d = 1e-12) and 2.5e-3 (d = 1e-14) off, relative
            assert g == pytest.approx(ref, rel=1e-9)


def test_curve_shifted_by_a_denormal_is_quiet():
    # ChiralBlock(−0.369, 0, 0.5) + 1.1e-308 (found by the property suite): the shifted curve's coefficients at the
    # double point left the double range and the normalisation divided by 0 (a RuntimeWarning, an error here)
    base = fc.ChiralBlock(-0.3690832211225946, 0, 0.5)
    law = base + 1.1125369292536007e-308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs, ws = law.continuous_rule()
        x = np.linspace(base.support[0][0], base.support[-1][1], 9)[1:-1]
        dens = law.pdf(x)
    assert ws.sum() + sum(w for _, w in law.atoms) == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(dens, base.pdf(x), rtol=1e-12, atol=0)  # away from the ends both are exact to ~1e-15
