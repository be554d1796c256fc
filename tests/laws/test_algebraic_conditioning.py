"""Conditioning check of algebraic boundary values (freecalc/laws/algebraic_polish.py): densities of ⊞/⊠ results
where singular points of the curve cluster near a support end, against mpmath on the exact curve."""
from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws import algebraic_polish as AP
from freecalc.laws.algebraic_polish import (POLISH_RTOL, ExactCurve, _exact_root, checked_boundary_values,
                                            density_condition, exact_curve, polish_boundary_values)
from freecalc.numerics.solvers import ConvergenceWarning
from freecalc.symbolic.transforms import m, z

E = fc.Method.EXACT

#: the density is promised to ~1e-8 relative: the exact-curve root is good to ~1e-16, and the double-precision
#: route is trusted only where its first-order error estimate is below POLISH_RTOL = 1e-10
RTOL = 1e-8


def _reproducer() -> fc.AlgebraicLaw:
    # issue 10: the next singular point is 3.4e-3 above the upper end e = 6.4214; the double-precision density was
    # 8.6e-5 off 7e-4 below e, 1.4e-5 at 1e-3, with no warning
    return fc.free_mul(fc.ShiftedFreeMeixner(1, 1.5, 0.3, 0.3), fc.ChiralBlock(1, 2, 2.5), method=E)


def _exact_density(law: fc.AlgebraicLaw, x: float, guess: complex) -> float:
    """Im of the root of the exact P(., x) nearest ``guess`` over pi, by mpmath at 50 digits (no Arb)."""
    with mp.workdps(50):
        coeffs: dict[int, mp.mpf] = {}
        for (j, k), c in sp.Poly(law._P, m, z).terms():
            cm = mp.mpf(c.p) / c.q if c.is_Rational else mp.mpf(str(sp.N(c, 70)))
            coeffs[j] = coeffs.get(j, mp.mpf(0)) + cm * mp.mpf(x) ** k
        d = max(coeffs)
        roots = mp.polyroots([coeffs.get(j, 0) for j in range(d, -1, -1)], maxsteps=400, extraprec=300)
        r = min(roots, key=lambda r: abs(complex(r) - guess))
        return float(mp.im(r) / mp.pi)


@pytest.mark.filterwarnings("error")
def test_reproducer_density_near_clustered_end() -> None:
    law = _reproducer()
    supp = law._numeric.support
    e = supp[-1][1]
    assert 6.42 < e < 6.43
    near = [e - 1e-2, e - 3e-3, e - 1e-3, e - 7e-4, e - 3e-4]
    # elsewhere: 1e-3 inside every end and each piece's midpoint
    elsewhere = [v for a, b in supp for v in (a + 1e-3, 0.5 * (a + b), b - 1e-3)]
    x = np.array(near + elsewhere)
    pdf = law.pdf(x)
    guess = law._boundary_values(x)
    ref = np.array([_exact_density(law, xi, g) for xi, g in zip(x, guess)])
    assert np.all(ref > 0)
    err = np.abs(pdf - ref) / ref
    assert np.max(err) < RTOL, dict(zip(x.round(6), err))
    # the points next to e are the ill-conditioned ones: the estimate flags them (the route is taken there)
    C = law._numeric.C
    cond = density_condition(ExactCurve((), np.abs(C)), C, x[:4], guess[:4])
    assert np.all(cond > POLISH_RTOL)


@pytest.mark.filterwarnings("error")
def test_well_conditioned_law_is_not_touched() -> None:
    law = fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E)
    (a, b), = law._numeric.support
    x = np.linspace(a, b, 401)[1:-1]
    mv = law._boundary_values(x)
    C = law._numeric.C
    cond = density_condition(ExactCurve((), np.abs(C)), C, x, mv)
    # upper bound: no point needs the exact curve; lower bound: the estimate is an error bound, not 0 (it exceeds
    # the double rounding of Im m itself)
    assert np.all(cond <= POLISH_RTOL)
    assert np.all(cond >= 1e-16)
    out = checked_boundary_values(law, x, mv)
    assert out is mv
    assert "_exact_curve" not in law.__dict__ or not law.__dict__["_exact_curve"].cols  # never built


def test_value_between_two_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    law = _reproducer()
    e = law._numeric.support[-1][1]
    x = np.array([e - 7e-4])
    good = law._boundary_values(x)
    ref = _exact_density(law, x[0], good[0])
    # a value as near the conjugate root as the Stieltjes one: no exact root's basin holds it
    bad = np.array([complex(good[0].real, 1e-300)])
    C = law._numeric.C
    out, ok = polish_boundary_values(exact_curve(law._P, C), C, x, bad)  # no continuation to descend from
    assert not ok[0] and out[0] == bad[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fixed = checked_boundary_values(law, x, bad)  # the descent from x + 1e-3 i on the exact curve finds it
    assert abs(fixed[0].imag / np.pi - ref) <= 1e-14 * ref  # the exact root, to double rounding
    # and where the continuation fails too, the point is reported, never returned silently
    monkeypatch.setattr(AP, "branch_status", lambda n, xr, yi: (np.zeros(xr.size, complex), np.zeros(xr.size, bool)))
    with pytest.warns(ConvergenceWarning, match="not certified on the exact"):
        kept = checked_boundary_values(law, x, bad)
    assert kept[0] == bad[0]


@pytest.mark.filterwarnings("error")
def test_kink_one_ulp_inside() -> None:
    # 0.3 Semicircle(1) + 0.7 MP(1/2): the kink a = (1 - 1/sqrt 2)^2 is an MP end inside the support. Next to it
    # (3e-17 above) the two colliding sheets differ by 2.4e-7 in Im and the double value lay between them (no
    # basin): the descent on the exact curve picks the Stieltjes one. Reference: closed-form densities, 50 digits
    mix = fc.mixture([fc.Semicircle(1.0), fc.MarchenkoPastur(0.5)], [0.3, 0.7])
    law = fc.to_algebraic(mix)
    with mp.workdps(50):
        a, b = (1 - mp.sqrt(mp.mpf(1) / 2)) ** 2, (1 + mp.sqrt(mp.mpf(1) / 2)) ** 2
    # the first is a node of the law's quadrature rule (tests/laws/test_algebraic_quadrature.py)
    x = np.array([0.08578643762690498, np.nextafter(0.08578643762690498, 1.0), float(a) + 1e-12, float(a) + 1e-9])
    with mp.workdps(50):

        def dens(v: float) -> float:
            t = mp.mpf(v)
            sc = 2 / mp.pi * mp.sqrt(1 - t**2)
            mpd = mp.sqrt((t - a) * (b - t)) / (2 * mp.pi * mp.mpf(0.5) * t) if t > a else 0
            return float(mp.mpf(3) / 10 * sc + mp.mpf(7) / 10 * mpd)

        ref = np.array([dens(v) for v in x])
    assert abs(dens(0.5) - mix.pdf(0.5)) <= 1e-14  # the formula is the mixture's (closed-form laws, double)
    assert all(mp.mpf(v) > a for v in x)  # inside the MP part
    err = np.abs(law.pdf(x) - ref) / ref
    assert np.max(err) < RTOL, err


@pytest.mark.parametrize("scale", [sp.Rational(1, 3), sp.sqrt(2), sp.Float(0.7, 30)],
                         ids=["rational", "algebraic", "float"])
def test_exact_root_coefficient_kinds(scale: sp.Expr) -> None:
    # the semicircle's curve m^2 + z m + 1 = 0 times a non-integer factor: at x = 1 the Stieltjes root is
    # (-1 + i sqrt 3)/2 whatever the factor
    P = sp.expand(scale * (m**2 + z * m + 1))
    C = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    curve = exact_curve(P, C)
    want = complex(-0.5, np.sqrt(3) / 2)
    got = _exact_root(curve, 1.0, want + 1e-3)
    assert got is not None and abs(got - want) <= 4e-16


@pytest.mark.filterwarnings("error")
def test_boundary_values_of_the_stieltjes_transform_are_checked_too() -> None:
    # m(x + i0) on the real axis goes through the same check as the density: its imaginary part is π ρ(x)
    law = _reproducer()
    e = law._numeric.support[-1][1]
    x = np.array([e - 1e-3, e - 7e-4])
    guess = law._boundary_values(x)
    ref = np.array([_exact_density(law, xi, g) for xi, g in zip(x, guess)])
    mv = law.stieltjes(x + 0j)
    assert np.max(np.abs(mv.imag / np.pi - ref) / ref) < RTOL
