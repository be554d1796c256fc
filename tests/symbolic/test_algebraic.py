"""Exact polynomial-method tools (freecalc.symbolic.algebraic): every identity is checked as polynomial equality."""
import pytest
import sympy as sp

from freecalc.symbolic import algebraic as A
from freecalc.symbolic.transforms import m, z

c = sp.Symbol("c", positive=True)
half, quarter = sp.Rational(1, 2), sp.Rational(1, 4)
SC = m ** 2 + z * m + 1  # semicircle radius 2: m = (-z + sqrt(z^2 - 4))/2


def mp(ratio, s2=1):
    """MP(ratio, sigma2): c s2 z m^2 - (s2 (1 - c) - z) m + 1 = 0."""
    return A.as_polynomial(ratio * s2 * z * m ** 2 - (s2 * (1 - ratio) - z) * m + 1)


def same(P, Q):
    """Equal up to a non-zero constant factor (canonical forms are primitive with positive leading term)."""
    return sp.expand(A.as_polynomial(P) - A.as_polynomial(Q)) == 0


def test_as_polynomial_clears_denominators_floats_and_monomials():
    P = A.as_polynomial(0.5 * z ** 2 * m * (m ** 2 + z * m + 1) / z)
    assert P == sp.expand(m ** 2 + z * m + 1)
    with pytest.raises(ValueError):
        A.as_polynomial(sp.Integer(0))


def test_moment_series_semicircle_catalan_and_mp_narayana():
    assert A.moment_series(SC, 8) == [0, 1, 0, 2, 0, 5, 0, 14]
    # MP(c): moments are Narayana polynomials
    assert [sp.expand(v) for v in A.moment_series(mp(c), 4)] == [
        1, c + 1, c ** 2 + 3 * c + 1, c ** 3 + 6 * c ** 2 + 6 * c + 1]


def test_free_cumulants_of_mp_are_powers_of_c():
    assert [sp.expand(k) for k in A.free_cumulant_series(mp(c), 4)] == [1, c, c ** 2, c ** 3]


def test_stieltjes_factor_discards_spurious_factors():
    spurious = A.as_polynomial(m * z - 3)  # m = 3/z: no branch ~ -1/z
    assert A.stieltjes_factor(sp.expand(SC * spurious)) == SC
    # two factors with a -1/z branch: the moments decide
    both = sp.expand(SC * mp(half))
    assert A.stieltjes_factor(both, hint=[0, 1]) == SC
    assert A.stieltjes_factor(both, hint=[1, sp.Rational(3, 2)]) == mp(half)
    with pytest.raises(A.AlgebraicError):
        A.stieltjes_factor(both)
    with pytest.raises(A.AlgebraicError):
        A.stieltjes_factor(spurious)


def test_semicircle_plus_symbolic_mp_is_the_hand_cubic():
    # By hand: R_SC(w) = w, R_MP(w) = 1/(1 - c w); z = R(G) + 1/G with G = -m:
    # z = -m + 1/(1 + c m) - 1/m; times m(1 + cm): c m^3 + c m^2 z + c m + m^2 + m z - m + 1 = 0
    cubic = c * m ** 3 + c * m ** 2 * z + c * m + m ** 2 + m * z - m + 1
    assert same(A.add_equations(SC, mp(c)), cubic)
    # the moments are the sums of free cumulants: kappa = (c? no) SC: (0, 1), MP: (1, c, c^2)
    assert [sp.expand(v) for v in A.moment_series(cubic, 3)] == [1, c + 2, c ** 2 + 3 * c + 4]


def test_mp_plus_mp_is_dilated_mp_exactly():
    # kappa_k(MP(c)) = c^(k-1); twice that equals 2^k (c/2)^(k-1) = kappa_k(2 * MP(c/2))
    assert same(A.add_equations(mp(c), mp(c)), A.dilate_equation(mp(c / 2), 2))
    assert same(A.dilate_equation(mp(c / 2), 2), mp(c / 2, 2))


def test_r_and_s_equations_round_trip():
    for P in (SC, mp(c), A.atoms_equation([0, 1], [half, half])):
        assert same(A.from_r_equation(A.r_equation(P)), P)
    for P in (mp(c), mp(2), A.atoms_equation([1, 3], [half, half])):
        assert same(A.from_s_equation(A.s_equation(P)), P)


def test_s_equation_of_mp_is_its_s_transform():
    # S_MP(c)(w) = 1/(1 + c w)
    S, w = A.S_SYM, sp.Symbol("w")
    B = A.s_equation(mp(c), S=S, w=w)
    assert sp.simplify(B.subs(S, 1 / (1 + c * w))) == 0


def test_product_of_two_mp1_is_fuss_catalan():
    # MP(1) ⊠ MP(1) is the free Bessel law with Fuss-Catalan moments binom(3n, n)/(2n + 1)
    P = A.mul_equations(mp(1), mp(1))
    assert A.moment_series(P, 4) == [1, 3, 12, 55]
    assert A.product_moments([1, 2, 5, 14], [1, 2, 5, 14]) == [1, 3, 12, 55]


def test_power_and_compress_relations():
    P = A.add_equations(SC, A.atoms_equation([-1, 2], [quarter, 3 * quarter]))
    assert same(A.power_equation(SC, 2), A.dilate_equation(SC, sp.sqrt(2)))
    # compress by alpha == dilation by alpha of the power 1/alpha (R_alpha(w) = R(alpha w))
    alpha = sp.Rational(1, 3)
    assert same(A.compress_equation(P, alpha), A.dilate_equation(A.power_equation(P, 1 / alpha), alpha))
    # alpha > 1 is the exact decompression route: MP(1/4) -> MP(1/2) for alpha = 2
    assert same(A.compress_equation(mp(quarter), 2), mp(half))
    assert same(A.compress_equation(mp(half), half), mp(quarter))


def test_inverse_equation_moments_of_inverse_mp():
    # E[1/X] = 1/(1 - c), E[1/X^2] = 1/(1 - c)^3 for MP(c), c < 1
    Pinv = A.inverse_equation(mp(quarter))
    assert A.moment_series(Pinv, 2) == [sp.Rational(4, 3), sp.Rational(64, 27)]
    assert same(A.inverse_equation(Pinv), mp(quarter))


def test_wishart_equation_matches_free_product_with_mp():
    assert same(A.wishart_equation(A.atoms_equation([2], [1]), c), mp(c, 2))
    pop = A.atoms_equation([1, 3], [half, half])
    assert same(A.wishart_equation(pop, quarter), A.mul_equations(pop, mp(quarter)))


def test_shift_and_dilate():
    assert same(A.shift_equation(SC, 1), m ** 2 + (z - 1) * m + 1)
    assert same(A.dilate_equation(SC, -1), SC)  # symmetric law
    with pytest.raises(ValueError):
        A.dilate_equation(SC, 0)


def test_edges_poles_and_masses_are_exact():
    edges = A.edge_candidates(mp(half))
    assert [sp.simplify(e) for e in edges] == [sp.simplify((1 - 1 / sp.sqrt(2)) ** 2),
                                               sp.simplify((1 + 1 / sp.sqrt(2)) ** 2)]
    assert A.pole_candidates(mp(2)) == [0]
    assert A.mass_candidates(mp(2), 0) == [half]  # MP(2): atom 1 - 1/c = 1/2 at 0
    assert A.mass_candidates(mp(1), 0) == []  # MP(1): x^(-1/2) edge at 0, no atom
    P = A.atoms_equation([-1, 2], [quarter, 3 * quarter])
    assert sorted(A.mass_candidates(P, 2)) == [3 * quarter]


def test_composite_degree_above_ten():
    P1 = A.add_equations(SC, A.atoms_equation([-2, 0, 1], [quarter, half, quarter]))
    P2 = A.mul_equations(mp(half), mp(quarter))
    P = A.add_equations(P1, P2)
    assert sp.Poly(P, m, z).degree(m) > 10
    # moments of the sum: free cumulants add
    k1 = A.free_cumulant_series(P1, 4)
    k2 = A.free_cumulant_series(P2, 4)
    assert A.free_cumulant_series(P, 4) == [a + b for a, b in zip(k1, k2)]
