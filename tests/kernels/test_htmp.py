"""Tests of the HTMP real-axis kernels used by the likelihood: Laplace start, real-arithmetic march, log-density."""
from __future__ import annotations

import math

import numpy as np
import pytest

from freecalc.kernels import htmp as K
from freecalc.kernels.htmp_ode import htmp_params, laplace_start

# (gamma, kappa, w0, log U(B, -A, w0), b B U(B+1, 1-A, w0)/U(B, -A, w0)): mpmath.hyperu at 30 digits, pasted.
# The first, third and last cases take laplace_start's single sweep (the two integrands peak within two curvature
# scales of each other), the second (B = 0.0138: I_0's peak far left of I_1's) and fourth its two sweeps.
REFERENCE_LAPLACE = [
    (0.1466, 1.732, 1.65, -1.669285290230359252514984, 0.8199730009760988557676698),
    (0.005, 0.02756, 1.4586, -0.01883125927254787912840374, 0.01037666602491399886775158),
    (0.3, 10.0, 2.9654, -14.21205728989234283335776, 5.597516316378744584170014),
    (0.75, 0.1, 0.01, 0.200054521175056721540596, 0.2612760320621594638253155),
    (0.9, 0.5, 0.2778, 0.2139059834934885235843198, 0.1883263182950984561857266),
    (0.05, 50.0, 300.6, -166.8809968610508118510784, 15.93230680631806988615818),
]

# parameter sets: generic, the boundary of the fits' search box (γ = 0.005), A = 0 with integer Kummer parameters,
# a density diverging at 0 (A < 0), a gap below the bulk (split point e− > 1/b), large b
PARAMS = [(0.1466, 1.732), (0.005, 0.02756), (0.5, 2.0), (0.9, 0.5), (0.3, 10.0), (0.05, 50.0)]


@pytest.mark.parametrize("g,k,w0,L,v", REFERENCE_LAPLACE)
def test_laplace_start_matches_mpmath(g, k, w0, L, v):
    # measured <= 1.1e-15 (relative in v, absolute in log U); 1e-13 leaves room for platform exp/log differences
    # while catching a mis-weighted node or a range cut too early (those are >= 1e-9)
    A, B, b = htmp_params(g, k)
    L0, v0 = laplace_start(A, B, b, w0)
    assert abs(L0 - L) <= 1e-13 * max(1.0, abs(L))
    assert abs(v0 - v) <= 1e-13 * abs(v)


@pytest.mark.parametrize("g,k", PARAMS)
def test_real_anchor_is_the_anchor_start(g, k):
    A, B, b = htmp_params(g, k)
    assert K.htmp_real_anchor(A, B, b) == K.htmp_anchor(A, B, b)[:3]


@pytest.mark.parametrize("g,k", PARAMS)
def test_real_march_matches_complex_march(g, k):
    # the real-arithmetic march against the complex one (same steps, independent evaluation): log|u| to 1e-13
    # relative (measured <= 7e-16; rounding differences only, a wrong coefficient or step would be >= 1e-8)
    A, B, b = htmp_params(g, k)
    r0, Lr, vr = K.htmp_real_anchor(A, B, b)
    xs = np.sort(np.concatenate([np.geomspace(1e-6, 20.0, 400), np.random.default_rng(0).gamma(2.0, 0.5, 300)]))
    i0 = int(np.searchsorted(xs, r0))
    Ls = np.empty(xs.size, dtype=complex)
    vs = np.empty(xs.size, dtype=complex)
    K._march_from(A, B, b, r0, Lr, vr, xs, i0, Ls, vs)
    out = np.empty(xs.size)
    K._march_log_abs(A, B, b, r0, Lr, vr, xs, i0, out)
    assert np.all(np.abs(out - Ls.real) <= 1e-13 * np.maximum(1.0, np.abs(Ls.real)))


@pytest.mark.parametrize("g,k", PARAMS)
def test_logpdf_any_order_and_special_points(g, k):
    A, B, b = htmp_params(g, k)
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.gamma(2.0, 0.5, 500), np.geomspace(1e-300, 1e4, 60), [5e-324, 0.3e-250 / b]])
    xs = np.sort(x)
    up = K.htmp_logpdf(g, k, xs)
    assert np.array_equal(K.htmp_logpdf(g, k, xs[::-1]), up[::-1])  # descending (InverseHTMP's 1/x)
    perm = rng.permutation(x.size)
    assert np.array_equal(K.htmp_logpdf(g, k, xs[perm]), up[perm])  # any order
    assert np.all(np.isfinite(up[xs < 100.0]))
    # x <= 0 and NaN: −inf below 0 and for NaN; at 0 the limit of the x^A behaviour
    special = K.htmp_logpdf(g, k, np.array([np.nan, -1.0, 0.0, 1.0]))
    at0 = -np.inf if A > 0 else (math.log(b) if A == 0 else np.inf)
    assert special[0] == -np.inf and special[1] == -np.inf and special[2] == at0
    assert special[3] == up[0] or special[3] == K.htmp_logpdf(g, k, np.array([1.0]))[0]
    # the large-x series beyond the march and the x -> 0 asymptotics below bx = 1e-250 join the march: a point
    # evaluated alone equals the same point among others (one kernel, one rule per point)
    for v in (xs[0], xs[-1], xs[xs.size // 2]):
        assert K.htmp_logpdf(g, k, np.array([v]))[0] == pytest.approx(up[np.searchsorted(xs, v)], rel=1e-12)


def test_logpdf_integrates_to_one():
    # independent check of the whole route: the density exp(logpdf) integrates to 1 (Gauss-Legendre on log x)
    t, w = np.polynomial.legendre.leggauss(400)
    for g, k in PARAMS[:5]:
        lo, hi = math.log(1e-14), math.log(60.0)
        s = 0.5 * (hi - lo) * t + 0.5 * (hi + lo)
        x = np.exp(s)
        mass = 0.5 * (hi - lo) * float(np.sum(w * np.exp(K.htmp_logpdf(g, k, x)) * x))
        A = htmp_params(g, k)[0]
        if A > -0.5:  # measured |mass - 1| <= 1.2e-10 (quadrature); the x^A spike at 0 of A near -1 escapes it
            assert mass == pytest.approx(1.0, abs=1e-9)


def test_anchor_cache_returns_the_computed_values():
    g, k = 0.2, 3.0
    A, B, b = htmp_params(g, k)
    x = np.linspace(0.05, 5.0, 50)
    K._real_anchor_cached.cache_clear()
    first = K.htmp_logpdf(g, k, x)
    assert np.array_equal(K.htmp_logpdf(g, k, x), first)
    assert K._real_anchor_cached(A, B, b) == K.htmp_real_anchor(A, B, b)
