"""fc.finite._interlace: certified roots from values at interlacing nodes, against the Sturm-chain route and exact
references; bad guesses are corrected, complex roots refused, the rounding bound of ℓ'(m_k) holds."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.special import roots_hermitenorm

from freecalc import finite as ff
from freecalc.finite import _interlace as il
from freecalc.finite._arb import certified_roots, flint_module

RNG_SEED = 20261205
D = 300  # above CHAIN_DEGREE: the public functions take the interlacing route (the one test at this degree)
N = 120  # the other tests lower CHAIN_DEGREE to SMALL_CHAIN, so that the route runs at this degree
SMALL_CHAIN = 40


def _ball_poly(roots: np.ndarray, extra: list[float] | None = None):
    # exact monic polynomial with the given float roots, times the factor y^2 + c for each c in extra
    flint = flint_module()

    def build():
        poly = flint.arb_poly.from_roots([flint.arb(float(v)) for v in roots])
        for c in extra or []:
            poly = poly * flint.arb_poly([flint.arb(c), 0, 1])
        return poly

    return build


def _with_chain(fn, *args):
    old_degree = il.CHAIN_DEGREE
    try:
        il.CHAIN_DEGREE = 10 ** 9
        return fn(*args)
    finally:
        il.CHAIN_DEGREE = old_degree


@pytest.fixture
def small_route(monkeypatch):
    # the interlacing route (and its guess recursion) from degree SMALL_CHAIN on: keeps the tests small
    monkeypatch.setattr(il, "CHAIN_DEGREE", SMALL_CHAIN)


def test_route_is_taken_above_the_chain_degree():
    assert il.CHAIN_DEGREE < D <= il.CHAIN_FALLBACK_DEGREE


@pytest.mark.parametrize("op", ["add", "mul", "compress"])
def test_public_operations_agree_with_the_sturm_chain_route(op):
    # both routes are certified: the roots must agree within the sum of the two proved radii
    rng = np.random.default_rng(RNG_SEED)
    a, b = np.sort(rng.normal(size=D)), np.sort(rng.gamma(2.0, size=D))
    if op == "add":
        new = ff.free_add(a, b)
    elif op == "mul":
        new = ff.free_mul(a, b)
    else:
        new = ff.compress(a, 2 * D // 3)
    ref = _with_chain({"add": lambda: ff.free_add(a, b), "mul": lambda: ff.free_mul(a, b),
                       "compress": lambda: ff.compress(a, 2 * D // 3)}[op])  # Sturm chain at every degree
    diff = float(np.max(np.abs(new.roots - ref.roots)))
    assert diff <= new.radius + ref.radius
    assert diff < 1e-10  # the brief's agreement bound with the previous implementation
    assert new.radius < 1e-11  # the secular certificate is tight (≈ d·u·spacing)


@pytest.mark.parametrize("case", ["spiked ⊞ SC", "MP ⊠ MP", "compress spiked", "two atoms ⊞ two atoms"])
def test_hard_shapes_are_certified_tightly(case, small_route):
    # outliers (the half-size guess smears them), mass at a hard edge (MP near 0: node values need more precision
    # than 1.3 d bits) and atoms: certified, within the proved radii of the chain route, and still tight
    sc = np.sort(np.random.default_rng(RNG_SEED + 6).normal(size=N))
    spiked = sc.copy()
    spiked[-3:] = [6.0, 8.0, 10.0]
    mp = np.sort(np.random.default_rng(RNG_SEED + 7).gamma(0.7, size=N) * 0.5)
    atoms = np.concatenate([np.zeros(N // 2), np.ones(N - N // 2)])
    fn, args = {"spiked ⊞ SC": (ff.free_add, (spiked, sc)), "MP ⊠ MP": (ff.free_mul, (mp, mp)),
                "compress spiked": (ff.compress, (spiked, 80)),
                "two atoms ⊞ two atoms": (ff.free_add, (atoms, atoms))}[case]
    new, ref = fn(*args), _with_chain(fn, *args)
    assert float(np.max(np.abs(new.roots - ref.roots))) <= new.radius + ref.radius
    assert new.radius < 1e-10  # tight: the values were demanded to VALUE_BITS relative bits


def test_hermite_derivative_is_certified_on_the_new_route(small_route):
    # He_d^{(j)} ∝ He_{d−j}: independent closed form; k = 100 > SMALL_CHAIN
    h, _ = roots_hermitenorm(N)
    hk, _ = roots_hermitenorm(100)
    r = ff.compress(h, 100)
    np.testing.assert_allclose(r.roots, np.sort(hk), rtol=0, atol=1e-9)  # scipy's roots ~1e-12 relative
    assert r.radius < 1e-11


def test_a_guess_off_by_most_of_a_spacing_is_corrected():
    # the Aberth step on the exact Lagrange form repairs a guess whose nodes do not interlace the roots
    rng = np.random.default_rng(RNG_SEED + 1)
    x = np.sort(rng.uniform(-1.0, 1.0, size=N))
    build = _ball_poly(x)
    gaps = np.diff(x)
    shift = 0.45 * np.minimum(np.concatenate([[gaps[0]], gaps]), np.concatenate([gaps, [gaps[-1]]]))
    guess = x + shift * rng.choice([-1.0, 1.0], size=N)
    got = il.interlaced_roots(build, N, guess)
    assert got is not None
    roots, radius = got
    # the roots are the (exact, float) x: the proved radius must cover the actual error; uniform random roots
    # have gaps down to ~1e-6, where the bound u·Σ|terms|/|f'| is ~1e-11
    assert float(np.max(np.abs(roots - x))) <= radius < 1e-9


def test_coincident_guesses_are_separated_and_corrected():
    # a guess rounded to 2 digits has ties (33 here); they are split and the sweeps repair the nodes
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-1.0, 1.0, size=N))
    guess = np.round(x, 2)
    assert np.sum(np.diff(guess) == 0) > 0
    got = il.interlaced_roots(_ball_poly(x), N, guess)
    assert got is not None
    assert float(np.max(np.abs(got[0] - x))) <= got[1] < 1e-9  # proved radius covers the exact (float) roots


def test_complex_roots_are_refused_not_guessed(monkeypatch, small_route):
    # a complex pair ±0.001i among the real roots: no certificate, and an error naming the polynomial (the
    # Sturm-chain fallback is switched off here; it refuses such polynomials too, see test_polynomial.py)
    rng = np.random.default_rng(RNG_SEED + 2)
    x = np.sort(rng.uniform(-1.0, 1.0, size=N - 2))
    build = _ball_poly(x, extra=[1e-6])
    guess = np.sort(np.concatenate([x, [-1e-3, 1e-3]]))
    assert il.interlaced_roots(build, N, guess) is None
    monkeypatch.setattr(il, "CHAIN_FALLBACK_DEGREE", N - 1)
    with pytest.raises(ff.CertificationError, match=r"the test polynomial \(degree 120\) could not be certified"):
        il.roots_with_guess(build, N, "the test polynomial", guess)


def test_node_products_meet_their_rounding_bound():
    # ℓ'(m_k) = Π_{j≠k}(m_k − m_j) in exact rational arithmetic vs the mantissa·2^exponent product
    rng = np.random.default_rng(RNG_SEED + 3)
    nodes = np.sort(rng.uniform(-1.0, 1.0, size=600))
    mant, expo = il._node_products(nodes)
    bound = (2 * nodes.size) * 2.0 ** -53 * 1.01  # (1 + u)^(2n) − 1, the bound the certificate uses
    for k in (0, 1, 299, 599):
        exact = math.prod(Fraction(nodes[k]) - Fraction(nodes[j]) for j in range(nodes.size) if j != k)
        got = Fraction(float(mant[k])) * Fraction(2) ** int(expo[k])
        assert abs(got / exact - 1) <= bound


def test_resample_halves_a_quantile_grid_by_pair_averages():
    # the (j − ½)/(d/2) quantile lies midway (in t) between the (2j − 3/2)/d and (2j − ½)/d quantiles
    x = np.sort(np.random.default_rng(RNG_SEED + 4).normal(size=40))
    np.testing.assert_allclose(il.resample(x, 20), (x[0::2] + x[1::2]) / 2, rtol=0, atol=1e-15)
    assert il.resample(x, 40).tolist() == x.tolist()


def test_chain_route_is_unchanged_without_a_guess():
    rng = np.random.default_rng(RNG_SEED + 5)
    x = np.sort(rng.normal(size=50))
    assert il.multilevel_guess(lambda m: (None, m), 50, 50) is None  # below CHAIN_DEGREE: no recursion
    r1 = il.roots_with_guess(_ball_poly(x), 50, "p", None)
    r2 = certified_roots(_ball_poly(x), 50, "p")
    assert r1[0].tolist() == r2[0].tolist() and r1[1] == r2[1]
