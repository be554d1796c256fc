"""Free Meixner laws: conformance with 0, 1, 2 atoms, the talk's table (two mistakes), symbolic face, matrices."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples
from freecalc.testing.strategies import invalid_values, valid_params

A = sp.Symbol("a", real=True)
B, C = sp.symbols("b c", positive=True)


@pytest.mark.parametrize("a, b, c, n_atoms", [
    (0.5, 1.0, 0.5, 0),     # c < 1, |a| ≤ (2 − c)√b: no atom
    (0.5, 2.0, 1.0, 0),     # c = 1: shifted free Poisson without atom
    (0.0, 1.0, 1.0, 0),     # c = 1, a = 0: the semicircle of variance b
    (0.2, 1.0, 1.5, 0),     # free binomial type without atom (|a| ≤ (2 − c)√b = 0.5)
    (1.0, 1.0, 1.5, 1),     # free binomial type with one atom (a > 0.5)
    (1.0, 1.0, 3.0, 1),     # one atom (negative side: a > (2 − c)√b)
    (-3.0, 1.0, 0.5, 1),    # c < 1 with one large atom (mass 0.93)
    (-2.0, 1.0, 1.0, 1),    # c = 1 with an atom (free Poisson with rate < 1)
    (0.0, 1.0, 3.0, 2),     # two symmetric atoms of mass 1/4
    (0.3, 1.0, 2.5, 2),     # two atoms, asymmetric
])
def test_conformance_and_atom_count(a, b, c, n_atoms):
    law = fc.FreeMeixner(a, b, c)
    check_law(law).require_complete()
    assert len(law.atoms) == n_atoms
    # mean 0 and variance bc exactly (quadratic recursion in floating point: 1e-12 relative rounding)
    assert abs(law.mean()) < 1e-12 and abs(law.var() - b * c) < 1e-12 * b * c
    for loc, _ in law.atoms:  # atoms sit outside the support
        assert not (a - 2 * math.sqrt(b) < loc < a + 2 * math.sqrt(b))


def test_atom_values():
    # a = 0, b = 1, c = 3: s = √8, atoms ±2bc/s = ±3/√2 with mass (s² − 4b)/(2s²) = 1/4 (exact arithmetic in
    # double precision: 1e-15)
    atoms = fc.FreeMeixner(0, 1, 3).atoms
    assert np.allclose(atoms, [(-3 / math.sqrt(2), 0.25), (3 / math.sqrt(2), 0.25)], rtol=1e-15, atol=1e-15)
    # c = 1, a = −2: −(free Poisson of rate b/a² = 1/4, jump 2) + b/|a|: atom of mass 1 − 1/4 at b/|a| = 1/2
    assert np.allclose(fc.FreeMeixner(-2, 1, 1).atoms, [(0.5, 0.75)], rtol=1e-15)


def test_atoms_appear_at_threshold_with_zero_mass():
    # the positive atom exists iff a < (c − 2)√b and then reaches the edge a + 2√b with mass → 0
    b, c = 1.0, 3.0
    thr = (c - 2) * math.sqrt(b)
    below = fc.FreeMeixner(thr - 1e-6, b, c).atoms
    above = fc.FreeMeixner(thr + 1e-6, b, c).atoms
    assert len(below) == len(above) + 1
    loc, mass = below[-1]
    # mass is linear in the distance to the threshold: ~1e-6 here (factor 10 either side)
    assert 1e-7 < mass < 1e-5 and abs(loc - (thr + 2)) < 1e-5


def test_no_rounding_atom_at_the_threshold():
    # Wachter(a, 1) has no atom at 1 (mass (1 − b)₊ = 0) but a density edge diverging like |x − 1|^(−1/2); mapped to
    # free Meixner parameters in floats it sat on the threshold and the cancelling mass formula left an atom of mass
    # 2.5e-15 there, whose "jump" over one ulp the cdf check measured as 1.9e-8 (found by the thorough property run)
    law = fc.Wachter(3.9117462710222446, 1) * 1.0 + 1.0
    assert isinstance(law, fc.ShiftedFreeMeixner) and law.atoms == ()
    from freecalc.testing.invariants import check_cdf_ppf
    check_cdf_ppf(law, np.random.default_rng(1722))
    # an atom well above the rounding level is kept: 1e-12 from the threshold gives mass ~1e-12 (factor 10 either side)
    b, c = 1.0, 3.0
    atoms = fc.FreeMeixner((c - 2) * math.sqrt(b) - 1e-12, b, c).atoms
    assert len(atoms) == 2 and 1e-13 < atoms[-1][1] < 1e-11


def test_table_P_Q_mistake_and_our_convention():
    law = fc.FreeMeixner(A, B, C)
    P, Q = law.sym.P(), law.sym.Q()
    assert sp.expand(P - ((C - 2) * T.z - A * C)) == 0
    assert sp.expand(Q - ((1 - C) * T.z ** 2 + A * C * T.z + B * C ** 2)) == 0
    # the talk's entries are P/(−2) and Q/4: their quadratic is solved by −2m, not by m
    P_t, Q_t = (A * C - (C - 2) * T.z) / 2, ((1 - C) * T.z ** 2 + A * C * T.z + B * C ** 2) / 4
    assert sp.expand(P_t + P / 2) == 0 and sp.expand(Q_t - Q / 4) == 0
    num = fc.FreeMeixner(0.5, 1.0, 0.5)
    z0 = 0.3 + 0.7j
    m = num.stieltjes(z0)
    Pn, Qn = complex(P_t.subs({A: 0.5, B: 1, C: 0.5, T.z: z0})), complex(Q_t.subs({A: 0.5, B: 1, C: 0.5, T.z: z0}))
    # −2m solves the table's quadratic (1e-12: double rounding), m does not (residual O(1))
    assert abs(Qn * 4 * m * m + Pn * 2 * m + 1) < 1e-12
    assert abs(Qn * m * m - Pn * m + 1) > 0.1


def test_r_transform_and_table_sign_mistake():
    law = fc.FreeMeixner(A, B, C)
    R = law.sym.r_transform()
    root = sp.sqrt((1 - A * T.w) ** 2 - 4 * B * (1 - C) * T.w ** 2)
    R_minus = C / (1 - C) * (1 - A * T.w - root) / (2 * T.w)
    R_table = C / (1 - C) * (1 - A * T.w + root) / (2 * T.w)
    assert sp.simplify(R - R_minus) == 0
    # with the table's "+" the R-transform has a pole at w = 0 (R(0) would be infinite)
    assert sp.limit(T.w * R_table, T.w, 0) == C / (1 - C)
    # R against the moments of the quadratic (two independent routes)
    moms = T.moments_from_free_cumulants(T.cumulants_from_r(R, 5))
    assert all(sp.simplify(x - y) == 0 for x, y in zip(moms, law.sym.moments(5)))
    kap = law.sym.free_cumulants(4)
    assert [sp.factor(k) for k in kap[:3]] == [0, B * C, A * B * C]


def test_kesten_mckay_is_a_free_meixner_law():
    d = 3.0
    km, fm = fc.KestenMcKay(d), fc.FreeMeixner(0.0, d - 1, d / (d - 1))
    z = np.array([0.3 + 0.2j, -2 + 1e-3j, 5.0 + 0j])
    assert np.allclose(km.stieltjes(z), fm.stieltjes(z), rtol=1e-13)  # same closed form, rounding


def test_symbolic_equation_and_atoms():
    law = fc.FreeMeixner(A, B, C)
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    atoms = law.sym.atoms
    assert len(atoms) == 2 and all(isinstance(mass, sp.Piecewise) for _, mass in atoms)
    vals = {A: sp.Rational(3, 10), B: 1, C: sp.Rational(5, 2)}
    got = sorted((float(loc.subs(vals)), float(mass.subs(vals))) for loc, mass in atoms)
    assert np.allclose(got, fc.FreeMeixner(0.3, 1, 2.5).atoms, rtol=1e-14)  # same formulas, exact vs float
    # numeric parameters: only existing atoms, exact
    assert fc.FreeMeixner(0.5, 1, 0.5).sym.atoms == ()
    (loc, mass), = fc.FreeMeixner(1, 1, 3).sym.atoms
    assert sp.simplify(loc + sp.Rational(3, 2)) == 0 and sp.simplify(mass - sp.Rational(1, 2)) == 0


def test_symbolic_parameters_and_errors():
    law = fc.FreeMeixner(A, B, 3)
    assert law.sym.edges() == (A - 2 * sp.sqrt(B), A + 2 * sp.sqrt(B))
    with pytest.raises(fc.SymbolicParameterError):
        law.cdf(0.0)
    with pytest.raises(ValueError, match="mean"):
        law.sym.s_transform()
    with pytest.raises(ValueError, match="mean"):
        fc.FreeMeixner(0.5, 1, 2).s_transform(0.1)


@pytest.mark.parametrize("kw, exc, name", [
    ({"a": 0, "b": 0, "c": 1}, ValueError, "'b'"),
    ({"a": 0, "b": 1, "c": -1}, ValueError, "'c'"),
    ({"a": 0, "b": 1, "c": 0}, ValueError, "'c'"),
    ({"a": float("nan"), "b": 1, "c": 1}, ValueError, "'a'"),
    ({"a": float("inf"), "b": 1, "c": 1}, ValueError, "'a'"),
    ({"a": "0", "b": 1, "c": 1}, TypeError, "'a'"),
    ({"a": 0, "b": [1], "c": 1}, TypeError, "'b'"),
])
def test_bad_parameters(kw, exc, name):
    with pytest.raises(exc, match=name):
        fc.FreeMeixner(**kw)


@settings(max_examples=60, deadline=None)
@given(valid_params(fc.FreeMeixner, span=50.0, gap=1e-3))
def test_property_valid_domain(kw):
    law = fc.FreeMeixner(**kw)
    xs, ws = law.continuous_rule()
    total = ws.sum() + sum(m for _, m in law.atoms)
    # graded composite Gauss-Legendre (~1e-13) plus closed-form atoms; 1e-9 covers atoms at the edge
    assert abs(total - 1) < 1e-9
    for _, mass in law.atoms:
        assert 0 < mass <= 1
    a, b = law.a, law.b
    grid = np.linspace(a - 3 * math.sqrt(b), a + 3 * math.sqrt(b), 801)
    rho = law.pdf(grid)
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)


@settings(max_examples=30, deadline=None)
@given(st.floats(max_value=0.0) | st.just(float("nan")))
def test_property_invalid_c(c):
    with pytest.raises(ValueError, match="'c'"):
        fc.FreeMeixner(0.0, 1.0, c)


@pytest.mark.slow
@pytest.mark.parametrize("a, b, c", [(0.3, 1.0, 2.5), (-2.0, 1.0, 1.0), (2.0, 1.0, 0.5)])
def test_matrix_model(a, b, c):
    # genuine models: compression of a two-point matrix (c > 1), a shifted Wishart (c = 1), a compound free
    # Poisson matrix (c < 1, |a| > 2√(b(1−c)))
    out = check_samples(fc.FreeMeixner(a, b, c), 2000, rng=5)
    assert set(out) == {"rvs", "matrix"}


def test_matrix_model_small_all_regimes():
    # n = 300: first two moments of the ESD (mean 0, variance bc) within sampling error (~0.1 here)
    for a, b, c in [(0.3, 1.0, 2.5), (1.0, 1.0, 1.0), (0.0, 1.0, 1.0), (0.5, 1.0, 0.5)]:
        eig = np.linalg.eigvalsh(fc.FreeMeixner(a, b, c).matrix(300, rng=1))
        assert abs(eig.mean()) < 0.1 and abs(eig.var() - b * c) < 0.15 * b * c


def test_compound_poisson_model_rate_and_atom():
    from freecalc.laws.free_meixner import _compound_poisson_model
    # at the atom threshold |a| = (2 − c)√b the rate is exactly 1; below it (atom) λ < 1 with atom mass 1 − λ
    lam, kappa, _, _ = _compound_poisson_model(1.5, 1.0, 0.5)
    assert abs(lam - 1) < 1e-12  # closed form in double precision
    law = fc.FreeMeixner(-3.0, 1.0, 0.5)
    lam, kappa, _, _ = _compound_poisson_model(-3.0, 1.0, 0.5)
    (loc, mass), = law.atoms
    assert abs(mass - (1 - lam)) < 1e-12 and abs(loc + kappa) < 1e-12
    assert _compound_poisson_model(0.5, 1.0, 0.5) is None  # |a| ≤ r: quantile construction instead
    n = 200
    eig = np.linalg.eigvalsh(law.matrix(n, rng=0))
    # exactly n − round(λn) eigenvalues at −κ (rank of the jump sum), to round-off 1e-10
    assert np.sum(np.abs(eig - loc) < 1e-10) == n - round(lam * n)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_property_invalid_values_and_types(data):
    # every declared parameter: out-of-domain / NaN values → ValueError, wrong types → TypeError, both naming it
    valid = {"a": 0.5, "b": 1.0, "c": 2.0}
    p = data.draw(st.sampled_from(fc.FreeMeixner.parameters))
    bad = data.draw(invalid_values(p))
    with pytest.raises(ValueError, match=repr(p.name)):
        fc.FreeMeixner(**{**valid, p.name: bad})
    wrong = data.draw(st.text(max_size=3) | st.none() | st.lists(st.floats(), max_size=2) | st.booleans()
                      | st.complex_numbers(allow_nan=False).filter(lambda v: v.imag != 0))
    with pytest.raises(TypeError, match=repr(p.name)):
        fc.FreeMeixner(**{**valid, p.name: wrong})


@pytest.mark.parametrize("a, b, c", [
    (0.5, 1.0, 0.5),                          # complex zeros of Q
    (math.sqrt(2.0) * (1 + 1e-5), 1.0, 0.5),  # near a double zero of Q (a² = 4b(1 − c)): quadrature fallback
    (0.0, 1.0, 1.0),                          # semicircle
    (1.0, 1.0, 1.0),                          # c = 1 at the atom threshold: pole exactly at the edge
    (-2.0, 1.0, 1.0), (0.3, 1.0, 2.5), (0.0, 1.0, 1e-4),
])
def test_closed_form_cdf_matches_quadrature(a, b, c):
    from freecalc.laws.base import Law
    law = fc.FreeMeixner(a, b, c)
    lo, hi = law.support[0]
    x = np.linspace(lo - 0.5, hi + 0.5, 801)
    # graded Gauss-Legendre cdf is accurate to ~1e-13; measured max difference 7e-14 over 300 random laws
    assert np.max(np.abs(law.cdf(x) - Law._cdf(law, x))) < 1e-11


def _cdf_mp(a: float, b: float, c: float, x: np.ndarray) -> np.ndarray:
    """∫ρ from the lower edge to each of the increasing points x at 30 digits: θ-substitution x = a − 2√b cos θ,
    ρ dx = c h² sin²θ/(2π Q) dθ, split geometrically towards θ = 0 (a zero of Q just below the edge makes the
    integrand a spike there) and accumulated from point to point."""
    import mpmath as mp

    with mp.workdps(30):
        a_, b_, c_ = mp.mpf(a), mp.mpf(b), mp.mpf(c)
        h = 2 * mp.sqrt(b_)

        def f(t):
            y = a_ - h * mp.cos(t)
            q = (1 - c_) * y * y + a_ * c_ * y + b_ * c_ * c_
            return c_ * h * h * mp.sin(t) ** 2 / (2 * mp.pi * q)

        th = [mp.acos(min(max((a_ - mp.mpf(v)) / h, -1), 1)) for v in x]
        pts = [mp.mpf(0)] + [th[0] * mp.mpf(10) ** (-k) for k in range(12, 0, -1)] + th
        parts = [mp.quad(f, [p, q]) for p, q in zip(pts[:-1], pts[1:])]
        out, acc = [], mp.mpf(0)
        for k, part in enumerate(parts):
            acc += part
            if k >= 12:  # the pieces up to th[0] are the 12 geometric ones and [th[0]/10, th[0]]
                out.append(float(acc))
        return np.array(out)


@pytest.mark.parametrize("a, b, c", [
    (0.99999, 0.99999, 0.99999),   # a zero of Q 2.5e-11 below the lower edge: the raw cdf reached 1 + 5.6e-9
    (-0.99999, 0.99999, 0.99999),  # its mirror image above the upper edge
    (0.99999, 1.0, 1.00001),       # c > 1 next to the atom threshold (the closed form was 2e-7 off near the edge)
    (0.5, 1.0, 1 - 1e-10),         # c → 1: a zero of Q at −5e9 (the textbook root formula cancels)
    (0.0, 1.0, 1 - 1e-8),          # a complex pair of zeros at ±1e4 i
])
def test_cdf_with_a_zero_of_q_near_an_edge_or_far_away(a, b, c):
    from freecalc.testing.invariants import check_cdf_ppf

    law = fc.FreeMeixner(a, b, c)
    check_cdf_ppf(law, np.random.default_rng(680))  # the reproducer of the bug (raw cdf in [0, 1], monotone)
    lo, hi = law.support[0]
    x = lo + (hi - lo) * np.array([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 0.3, 0.7, 0.99, 1 - 1e-8])
    ref = _cdf_mp(a, b, c, x)
    # 1e-10: near a pole at the edge the cdf grows like √(x − lo), and the float edge lo is ~1e-16 off the exact
    # a − 2√b, which moves F by up to ~2e-11 at x − lo = 4e-12 (the closed form itself is good to ~1e-15)
    assert np.max(np.abs(law._cdf(x) - ref)) < 1e-10
    fine = np.concatenate([lo + (hi - lo) * np.logspace(-15, 0, 2000), np.linspace(lo, hi, 2001)])
    fine.sort()
    raw = law._cdf(fine)
    assert raw.max() <= 1.0 and raw.min() >= 0.0
    assert np.all(np.diff(raw) >= -1e-15), "cdf decreases"
