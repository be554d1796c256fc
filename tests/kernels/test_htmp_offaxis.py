"""Tests of the certified off-axis Stieltjes kernel of HTMP (freecalc/kernels/htmp_offaxis.py)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from freecalc.kernels import htmp_offaxis as O
from freecalc.kernels.htmp import htmp_anchor, htmp_params
from freecalc.kernels.htmp_transforms import STIELTJES_TOL, htmp_stieltjes, htmp_stieltjes_from
from freecalc.kernels.htmp_ode import _NMAX

# parameter sets across the declared domain: the bulk, small κ (density pole at 0), large κ (near MP), small γ
PARAMS = [(0.5, 2.0), (0.25, 20.0), (0.75, 0.1), (0.9, 0.5), (0.3, 5.0), (0.01, 2.0), (0.1, 50.0)]


def _points(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 4.0, n) + 1j * 10.0 ** rng.uniform(-5.0, 0.7, n)


@pytest.mark.parametrize("g,k", PARAMS)
def test_every_route_agrees_with_the_laplace_arc_within_its_bound(g, k):
    # the Laplace-arc route (own start value at -|z|, arc of radius |z|) is an independent path to each point;
    # every route that certifies itself must agree with it within the two bounds (+ 1e-13 for the reference's
    # own start value, 4e-14 measured vs mpmath)
    A, B, b = htmp_params(g, k)
    r0, Lr, vr, xb, rl, Ll, vl = htmp_anchor(A, B, b)
    from freecalc.kernels.htmp import _real_axis

    d = np.empty(_NMAX, dtype=np.complex128)
    zs = _points(int(100 * g + k), 40)
    Ls, vs = _real_axis(A, B, b, np.abs(zs.real))
    checked = 0
    for z, L, v in zip(zs, Ls, vs):
        ref, eref = O._route_laplace(A, B, b, z, d, 1e-6)
        if not eref <= 1e-10:
            continue
        cands = [O._route_anchor(A, B, b, r0, 0.0, Lr, vr, z, d, STIELTJES_TOL) if z.real >= 0 else
                 O._route_anchor(A, B, b, rl, math.pi, Ll, vl, z, d, STIELTJES_TOL),
                 O._route_down(A, B, b, z, d, STIELTJES_TOL)]
        if z.real > 0:
            cands.append(O._route_up(A, B, b, L, v, z, d, STIELTJES_TOL))
            cands.append(O._route_fraction_down(A, B, b, z, d, STIELTJES_TOL))
        for m, e in cands:
            if e <= STIELTJES_TOL:
                checked += 1
                assert abs(m - ref) <= (e + eref + 1e-13) * abs(ref), (z, m, ref, e, eref)
    assert checked >= 20  # the comparison happened (most routes certify most points)


@pytest.mark.parametrize("g,k", PARAMS)
def test_im_positive_and_bounds_below_tolerance(g, k):
    A, B, b = htmp_params(g, k)
    zs = _points(int(10 * g + k) + 7, 200)
    m, err = htmp_stieltjes_from(A, B, b, *htmp_anchor(A, B, b), zs, STIELTJES_TOL)
    ok = err <= STIELTJES_TOL
    assert np.all(m.imag[ok] > 0)  # Im m > 0 in the upper half plane (positive measure)
    assert np.all(np.isnan(m[~ok]))  # an uncertified value is never returned as a number
    assert ok.mean() > 0.95  # these parameters are the kernel's home ground (b <= 250)


@pytest.mark.parametrize("g,k", PARAMS)
def test_large_z_behaves_like_minus_one_over_z(g, k):
    # m(z) = -1/z - 1/z² - E[X²]/z³ - ...: with mean 1 and E[X²] = 1 + γ + 2γ/κ, |z m + 1 + 1/z| ≈ E[X²]/|z|²
    zs = np.array([50.0 + 80j, -300.0 + 10j, 1e3j, 2e3 + 1e3j])
    m = htmp_stieltjes(g, k, zs)
    m2 = 1.0 + g + 2.0 * g / k
    rem = np.abs(zs * m + 1.0 + 1.0 / zs) * np.abs(zs) ** 2
    # two-sided: the next term is exactly E[X²]/z² in modulus up to O(E[X³]/|z|) relative
    assert np.all(rem > 0.5 * m2) and np.all(rem < 1.5 * m2)


def test_gap_point_at_large_b_every_taylor_path_refuses_and_the_fraction_certifies():
    # HTMP(0.001, 50), b = 25000, z = 0.39 + 0.01i lies in the gap below the bulk [0.94, 1.06]: the Kummer ODE
    # amplifies the other solution by ~e^8 along every Taylor path (an older kernel returned 1558 - 66i there), so
    # each must refuse; the continued fraction converges there (off the bulk) and must give the 30-digit value
    # 1.6434963 + 0.0270940i (mpmath) with a bound below the tolerance
    z = 0.39 + 0.01j
    A, B, b = htmp_params(0.001, 50.0)
    r0, Lr, vr, xb, rl, Ll, vl = htmp_anchor(A, B, b)
    d = np.empty(_NMAX, dtype=np.complex128)
    for _, e in [O._route_anchor(A, B, b, r0, 0.0, Lr, vr, z, d, STIELTJES_TOL),
                 O._route_laplace(A, B, b, z, d, STIELTJES_TOL), O._route_down(A, B, b, z, d, STIELTJES_TOL)]:
        assert e == np.inf
    m, err = htmp_stieltjes_from(A, B, b, r0, Lr, vr, xb, rl, Ll, vl, np.array([z]), STIELTJES_TOL)
    assert err[0] <= STIELTJES_TOL
    assert abs(m[0] - (1.6434963 + 0.0270940j)) < 1e-7  # the reference's 8 digits


def test_path_that_loses_the_solution_is_abandoned():
    # HTMP(0.25, 20) at 0.649 + 2.85i straight up from the axis: the error bound passes 1e-2 on the way (at
    # y ≈ 1) and the path then follows another solution (m = -3.80 - 1.31i, Im m < 0) with a small-looking final
    # bound; the walk must stop at the first step whose bound exceeds the tolerance
    A, B, b = htmp_params(0.25, 20.0)
    from freecalc.kernels.htmp import _real_axis

    z = 0.6494791624696792 + 2.85j
    Ls, vs = _real_axis(A, B, b, np.array([z.real]))
    d = np.empty(_NMAX, dtype=np.complex128)
    m, e = O._route_up(A, B, b, Ls[0], vs[0], z, d, STIELTJES_TOL)
    assert e == np.inf
    val = htmp_stieltjes(0.25, 20.0, np.array([z]))[0]
    assert val.imag > 0 and abs(val - (0.03789305 + 0.33595321j)) < 1e-7  # Laplace-arc value, 8 digits


@pytest.mark.parametrize("g,k", [(0.5, 2.0), (0.75, 0.1), (0.25, 20.0), (0.01, 2.0), (0.5, 1000.0)])
def test_anchor_cost_estimate_against_its_step_count(g, k):
    # the fraction's budget before the anchor route is that route's cost from a few step bounds (Simpson's rule);
    # against the step-by-step count of the same path (its chords, then the radius; _path_levels follows
    # walk_tracked's step rule) it measured 0.49-1.24 at 300 random points per law
    A, B, b = htmp_params(g, k)
    r0, _, _, _, rl, _, _ = htmp_anchor(A, B, b)
    rng = np.random.default_rng(4)
    for _ in range(60):
        z = rng.uniform(-1.0, 4.0) + 1j * 10.0 ** rng.uniform(-4.0, 0.7)
        r_a, th_a = (r0, 0.0) if z.real >= 0 else (rl, math.pi)
        th = math.atan2(z.imag, z.real)
        nseg = max(1, int(math.ceil(abs(th - th_a) / 0.25)))
        z0 = complex(r_a, 0.0) if th_a == 0.0 else complex(-r_a, 0.0)
        exact = 0.0
        for j in range(1, nseg + 1):
            z1 = r_a * np.exp(1j * (th_a + (th - th_a) * j / nseg))
            exact = O._path_levels(A, B, b, z0, z1, exact, 1e12)
            z0 = z1
        exact = O._path_levels(A, B, b, r_a * np.exp(1j * th), z, exact, 1e12)
        assert 0.4 <= O._anchor_levels(A, B, b, r_a, th_a, z) / exact <= 1.6, (z, exact)


def test_path_levels_counts_the_steps_of_the_walk():
    # one full step costs _LEVEL_STEP0 + _LEVEL_STEP1 levels, a partial one less; the count stops at the cap
    A, B, b = htmp_params(0.5, 1000.0)
    z0 = 1.5 + 0j
    H = O._step_bound(A, B, b, z0)
    full = O._LEVEL_STEP0 + O._LEVEL_STEP1
    assert O._path_levels(A, B, b, z0, z0 + 0.5j * H, 0.0, 1e9) == pytest.approx(O._LEVEL_STEP0 + 0.5 * O._LEVEL_STEP1)
    n = O._path_levels(A, B, b, z0, z0 + 0.5j, 0.0, 1e9) / full  # ~0.5/H steps (H shrinks little going up)
    assert 0.5 / H * 0.5 <= n <= 0.5 / H * 1.5
    assert O._path_levels(A, B, b, z0, z0 + 0.5j, 0.0, 1000.0) == 1000.0


def test_near_axis_bulk_point_at_large_b_goes_down_from_the_fraction():
    # HTMP(0.5, 1000) at 1.2 + 0.006i (bulk [0.086, 2.91]): the vertical path amplifies its start error by
    # ~e^7 (beyond the tolerance), the fraction needs more than 10000 levels there; the fraction at z + iδ and
    # Taylor steps down (which damp the start error) certify it. Reference: mpmath.hyperu at 50 digits
    A, B, b = htmp_params(0.5, 1000.0)
    z = 1.2 + 0.006j
    ref = -0.5788281283603761 + 1.1488743397252437j
    from freecalc.kernels.htmp import _real_axis
    from freecalc.kernels.htmp_cf import cf_stieltjes

    Ls, vs = _real_axis(A, B, b, np.array([z.real]))
    d = np.empty(_NMAX, dtype=np.complex128)
    assert O._route_up(A, B, b, Ls[0], vs[0], z, d, STIELTJES_TOL)[1] == np.inf
    assert cf_stieltjes(A, B, b, z, 20000)[2] > 10000
    m, e = O._route_fraction_down(A, B, b, z, d, STIELTJES_TOL)
    assert e <= STIELTJES_TOL
    assert abs(m - ref) <= max(e, 1e-15) * abs(ref) + 1e-16 * abs(ref), (m, e)  # 1e-16: ref rounded to double
    mk, ek = htmp_stieltjes_from(A, B, b, *htmp_anchor(A, B, b), np.array([z]), STIELTJES_TOL)
    assert ek[0] <= STIELTJES_TOL and abs(mk[0] - ref) <= 1e-10 * abs(ref)


_RANDOM = json.loads((Path(__file__).parent / "data" / "htmp_offaxis_random.json").read_text())


def test_random_reference_covers_the_declared_domain():
    # make_htmp_offaxis_random.py: random laws with b = κ/(2γ) from 0.03 to 2000 and points near the positive
    # axis (Im z down to 1e-12), anywhere (|z| from 1e-3 to 1e3) and large (|z| up to 1e4), mpmath.hyperu at 50
    # digits; points hyperu could not do within 4 s or whose value it got wrong are counted, not kept
    rows = _RANDOM["rows"]
    assert len(rows) >= 500
    z = np.array([complex(*r["z"]) for r in rows])
    b = np.array([r["kappa"] / (2.0 * r["gamma"]) for r in rows])
    assert z.imag.min() < 1e-11 and np.abs(z).max() > 5e3 and np.abs(z).min() < 1e-2
    assert b.min() < 0.1 and b.max() > 1000.0 and np.sum(b > 100.0) >= 50
    assert np.sum((z.imag < 1e-6) & (z.real > 0.0)) >= 50
    assert _RANDOM["skipped"] + _RANDOM["rejected"] + len(rows) == 640


def test_kernel_matches_50_digit_values_at_random_points():
    # every point certified, Im m > 0, relative error <= 1e-10 (the accuracy target; the kernel's own
    # bound is STIELTJES_TOL = 5e-11; measured worst 2.5e-12 at 607 points, near the axis 4.3e-13)
    worst = 0.0
    for r in _RANDOM["rows"]:
        A, B, b = htmp_params(r["gamma"], r["kappa"])
        z = complex(*r["z"])
        ref = complex(*r["m"])
        m, err = htmp_stieltjes_from(A, B, b, *htmp_anchor(A, B, b), np.array([z]), STIELTJES_TOL)
        assert err[0] <= STIELTJES_TOL, r
        assert m[0].imag > 0, r
        rel = abs(m[0] - ref) / abs(ref)
        assert rel <= 1e-10, (r, m[0], rel)
        worst = max(worst, rel)
    assert worst > 0.0  # the comparison happened
