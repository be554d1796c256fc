"""free_add / free_mul: closed forms, exact polynomial route, Monte Carlo, agreement with subordination, errors."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.symbolic import algebraic as A
from freecalc.symbolic.transforms import m, z
from freecalc.testing import ks_distance
from freecalc.testing.conformance import snap_to_atoms

c = sp.Symbol("c", positive=True)


def test_semicircle_sum_is_semicircle():
    out = fc.free_add(fc.Semicircle(1.0, center=1.0), fc.Semicircle(2.0, center=-0.5))
    assert out == fc.Semicircle(np.sqrt(5.0), center=0.5)


def test_mp_plus_mp_is_twice_mp_half_exactly():
    out = fc.free_add(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.5))
    assert out == 2 * fc.MarchenkoPastur(0.25)
    sym = fc.free_add(fc.MarchenkoPastur(c), fc.MarchenkoPastur(c))
    assert sym.sym.equation(m, z) == fc.MarchenkoPastur(c / 2, sigma2=2).sym.equation(m, z)
    # the resultant route reaches the same polynomial (no shortcut involved)
    mp = fc.MarchenkoPastur(c).sym.equation(m, z)
    assert A.add_equations(mp, mp) == A.as_polynomial(fc.MarchenkoPastur(c / 2, sigma2=2).sym.equation(m, z))
    # MP with different slopes c*sigma2 is not MP: the exact route answers
    other = fc.free_add(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25))
    assert isinstance(other, AlgebraicLaw)


def test_semicircle_plus_symbolic_mp_cubic():
    out = fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(c))
    assert isinstance(out, AlgebraicLaw)
    # hand derivation in tests/symbolic/test_algebraic.py
    assert out.equation == sp.expand(c * m ** 3 + c * m ** 2 * z + c * m + m ** 2 + m * z - m + 1)


def test_point_mass_identities():
    a = fc.MarchenkoPastur(0.5)
    assert fc.free_add(a, fc.PointMass(2.0)) == a + 2.0
    assert fc.free_mul(fc.PointMass(3.0), a) == 3 * a
    assert fc.free_add(fc.Semicircle(1.0), fc.Semicircle(1.0), fc.PointMass(1.0)) == \
        fc.Semicircle(np.sqrt(2.0), center=1.0)


# ------------------------------------------------------------------------------------------------------------------
# Monte Carlo: n = 2000 eigenvalues of the matrix realisation, two seeds
# ------------------------------------------------------------------------------------------------------------------
def _sq_singular_values(Y, n):
    """Eigenvalues of Y Y^T (n x n) for a thin n x N matrix Y: those of the N x N Gram matrix Y^T Y (same
    non-zero spectrum, about half the cost of the n x n problem), padded with n - N zeros."""
    s2 = np.linalg.eigvalsh(Y.T @ Y)
    return np.concatenate([s2, np.zeros(n - s2.size)])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_free_add_matches_monte_carlo(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    # MP(2) ⊞ MP(4): slopes c*sigma2 differ, so no closed form; the exact route gives an atom 1/4 at 0
    law = fc.free_add(fc.MarchenkoPastur(2.0), fc.MarchenkoPastur(4.0))
    assert isinstance(law, AlgebraicLaw) and law.atoms == ((0.0, 0.25),)
    # independent Wishart matrices are asymptotically free (orthogonal invariance):
    # X1 X1^T/N1 + X2 X2^T/N2 = Y Y^T with Y = [X1/sqrt(N1), X2/sqrt(N2)], N1 = n/2, N2 = n/4
    n1, n2 = n // 2, n // 4
    Y = np.hstack([rng.standard_normal((n, n1)) / np.sqrt(n1), rng.standard_normal((n, n2)) / np.sqrt(n2)])
    ev = snap_to_atoms(_sq_singular_values(Y, n), law, rtol=1e-9)
    # 0.02: KS fluctuations of spectra at n = 2000 are O(log n / n) (rigidity), edge bias ~1e-3
    assert ks_distance(ev, law) < 0.02


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_free_mul_matches_monte_carlo(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    a, b = fc.MarchenkoPastur(2.0), fc.MarchenkoPastur(0.25)
    law = fc.free_mul(a, b)
    assert law.atoms == ((0.0, 0.5),)
    # A = X X^T/N (N = n/2, law MP(2)); B = diag of the quantiles of MP(1/4). A is orthogonally invariant, so
    # it is asymptotically free from B; B^(1/2) A B^(1/2) = Y Y^T with Y = B^(1/2) X / sqrt(N)
    N = n // 2
    t = b.ppf((np.arange(n) + 0.5) / n)
    Y = np.sqrt(t)[:, None] * rng.standard_normal((n, N)) / np.sqrt(N)
    ev = snap_to_atoms(_sq_singular_values(Y, n), law, rtol=1e-9)
    # 0.02 as above; the atom at 0 (n/2 zero eigenvalues) is matched exactly
    assert ks_distance(ev, law) < 0.02


# ------------------------------------------------------------------------------------------------------------------
# cases where the polynomial method with naive root selection fails (rmtool)
# ------------------------------------------------------------------------------------------------------------------
def test_mp_half_times_mp_quarter_has_no_phantom_mass():
    law = fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25))
    x = np.linspace(-10, 10, 4001)
    rho = law.pdf(x)
    assert np.all(rho >= 0) and np.all(rho[x <= 0] == 0)
    assert law.atoms == ()
    _, ws = law.continuous_rule()
    assert abs(ws.sum() - 1) < 1e-8  # brief: mass 1 to 1e-8 (theta-Gauss rule is ~1e-14 here)
    assert law.moment(1) == 1.0 and law.moment(2) == pytest.approx(1 + 0.5 + 0.25, rel=1e-15)


def test_sum_then_product():
    law = fc.free_mul(fc.free_add(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.5)), fc.MarchenkoPastur(0.25))
    _, ws = law.continuous_rule()
    assert abs(ws.sum() + sum(w for _, w in law.atoms) - 1) < 1e-8
    x = np.linspace(-20, 40, 3001)
    rho = law.pdf(x)
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)
    # E[(AB)] = E[A]E[B] for free A, B: mean 2 * 1
    assert law.moment(1) == pytest.approx(2.0, rel=1e-15)


def test_mp2_atom_survives_product():
    law = fc.free_mul(fc.MarchenkoPastur(2.0), fc.MarchenkoPastur(0.25))
    assert law.atoms == ((0.0, 0.5),)
    _, ws = law.continuous_rule()
    assert abs(ws.sum() + 0.5 - 1) < 1e-8


def test_degree_above_ten_composite():
    left = fc.free_add(fc.Semicircle(2.0), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]))
    right = fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25))
    law = fc.free_add(left, right)
    assert law.degree[0] > 10
    _, ws = law.continuous_rule()
    assert abs(ws.sum() + sum(w for _, w in law.atoms) - 1) < 1e-8
    x = np.linspace(-100, 100, 8001)
    rho = law.pdf(x)
    assert np.all(np.isfinite(rho)) and np.all(rho >= 0)
    assert np.all(rho[~law._inside(x)] == 0)
    # free cumulants add exactly
    k = [float(v) for v in law.sym.free_cumulants(4)]
    assert k == pytest.approx([left.free_cumulant(j) + right.free_cumulant(j) for j in range(1, 5)], rel=1e-12)


# ------------------------------------------------------------------------------------------------------------------
# exact route vs numeric route (subordination)
# ------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["add", "mul"])
def test_exact_agrees_with_subordination(case):
    if case == "add":
        a, b = fc.Semicircle(2.0), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25])
        op = fc.free_add
    else:
        a, b = fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25)
        op = fc.free_mul
    exact = op(a, b, method=fc.Method.EXACT)
    numeric = op(a, b, method=fc.Method.NUMERIC)
    assert isinstance(exact, AlgebraicLaw) and not isinstance(numeric, AlgebraicLaw)
    x = np.concatenate([np.linspace(lo, hi, 22)[1:-1] for lo, hi in exact.support])
    # 1e-6: the brief's agreement level; both routes are exact up to their solvers' tolerances (~1e-12 seen)
    assert np.max(np.abs(exact.pdf(x) - numeric.pdf(x))) < 1e-6
    zs = x + 0.05j
    assert np.max(np.abs(exact.stieltjes(zs) - numeric.stieltjes(zs))) < 1e-6


# ------------------------------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------------------------------
def test_bad_input():
    a = fc.MarchenkoPastur(0.5)
    with pytest.raises(TypeError, match="Law"):
        fc.free_add(a, 3.0)
    with pytest.raises(TypeError, match="Law"):
        fc.free_mul("x", a)
    with pytest.raises(ValueError, match="method"):
        fc.free_add(a, a, method="fast")
    with pytest.raises(ValueError, match="negative half-line"):
        fc.free_mul(-a, -1 * fc.MarchenkoPastur(0.25))
    with pytest.raises(ValueError, match="mean 0"):
        fc.free_mul(fc.Semicircle(1.0), a)
    with pytest.raises(TypeError, match="EXACT"):
        numeric = fc.free_add(a, fc.Semicircle(1.0), method=fc.Method.NUMERIC)
        fc.free_add(numeric, a, method=fc.Method.EXACT)
    with pytest.raises(TypeError, match="free_add"):
        a + a


def test_free_mul_of_atomic_law_does_not_depend_on_argument_order():
    # Regression: with the atomic law first, the ⊠ solver stalled against the real axis at Im λ > 0 and reported
    # the stall as converged: a spurious support gap near 0.5 and total mass 0.967.
    rng = np.random.default_rng(0)
    vals = rng.standard_normal(300) ** 2 + 0.5
    e, mp = fc.Empirical(vals), fc.MarchenkoPastur(0.3)
    ab, ba = fc.free_mul(e, mp), fc.free_mul(mp, e)
    assert len(ab.support) == len(ba.support) == 3
    np.testing.assert_allclose(np.array(ab.support), np.array(ba.support), rtol=1e-9)  # edges by bisection
    assert ab.support[0][1] > 8.0  # one interval from ~0.16 to ~8.07 (the two gaps beyond are outliers' bumps)
    assert ab.cdf(np.inf) == pytest.approx(1.0, abs=1e-9) and ba.cdf(np.inf) == pytest.approx(1.0, abs=1e-9)
    x = np.linspace(0.1, 12.0, 120)
    # the same m from either subordination function: agreement to solver accuracy
    np.testing.assert_allclose(ab.pdf(x), ba.pdf(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ab.cdf(x), ba.cdf(x), atol=1e-9)
    # Monte Carlo of the matrix model diag(a)^½ W diag(a)^½, W = XXᵀ/p Wishart (Haar-invariant, so free of the
    # diagonal), c = N/p = 0.3, each value of the empirical law repeated k = 4 times (N = 1200)
    g = np.random.default_rng(1)
    k = 4
    n = 300 * k
    p = int(round(n / 0.3))
    y = np.sqrt(np.repeat(vals, k))[:, None] * g.standard_normal((n, p))
    ev = np.sort(np.linalg.eigvalsh(y @ y.T / p))
    q = np.quantile(ev, np.linspace(0.02, 0.98, 25))
    emp = np.searchsorted(ev, q, side="right") / n
    # eigenvalue ESD fluctuations and finite-size corrections are O(1/N) ≈ 1e-3 (seen: 1.5e-3); the defect was 0.03
    assert np.max(np.abs(ab.cdf(q) - emp)) < 0.006
    assert np.max(np.abs(ba.cdf(q) - emp)) < 0.006


def test_exact_sum_keeps_its_sheet_where_two_sheets_pass_close():
    # Regression: the branch continuation estimated the distance to the nearest other root by 2|P_m/P_mm|, which
    # for this degree-4 curve said 0.58 where another upper-half-plane root was 0.13 away; a long step from
    # -2.4 + 2.9i to -2.4 + 0.56i landed on that sheet, and the density on (-2.55, -2.2) was a third of the
    # true one: total mass 0.9807, returned silently.
    a, b = fc.FreeMeixner(-1.5, 0.3, 3), fc.FreeMeixner(1.5, 2, 0.3)
    exact = fc.free_add(a, b)
    assert isinstance(exact, AlgebraicLaw)
    _, w = exact.continuous_rule()
    # no atom (0.77 + 0 < 1); the quadrature rule is exact to ~1e-12 on these square-root edges
    assert exact.atoms == ()
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert exact.cdf(np.array([10.0]))[0] == pytest.approx(1.0, abs=1e-9)
    # independent route: subordination (numeric); both solve to ~1e-10
    numeric = fc.free_add(a, b, method="numeric")
    x = np.linspace(-2.85, 4.4, 300)
    np.testing.assert_allclose(exact.pdf(x), numeric.pdf(x), rtol=1e-7, atol=1e-9)
    zs = x[::10] + 1j * np.array([0.3, 0.05])[:, None]
    np.testing.assert_allclose(exact.stieltjes(zs), numeric.stieltjes(zs), rtol=1e-8)


# ----------------------------------------------------------------------------------------------------------------
# the route table and registered closed forms
# ----------------------------------------------------------------------------------------------------------------
def test_method_route_table():
    from freecalc.operations import convolution as C

    names = {k: [r.__name__ for r in v] for k, v in C.METHOD_ROUTES.items()}
    assert names == {C.Method.AUTO: ["_closed_form", "_algebraic", "_numeric"],
                     C.Method.EXACT: ["_closed_form", "_algebraic"], C.Method.NUMERIC: ["_numeric"]}
    assert not hasattr(C, "check_law")  # the argument check is law_argument (no clash with freecalc.testing)
    with pytest.raises(TypeError, match="free_add: b must be a freecalc Law"):
        C.law_argument(3, "b", "free_add")


class _Wide(fc.Semicircle):
    """A user's law class with its own closed form for ⊞ (registered next to the class)."""


def test_registered_identity_of_a_user_class_is_used_in_both_orders():
    from freecalc.operations.convolution import register_add_identity

    @register_add_identity(_Wide, fc.MarchenkoPastur)
    def _wide_mp(a, b):
        return fc.PointMass(42.0)  # a marker: only the registry can produce it

    assert fc.free_add(_Wide(1.0), fc.MarchenkoPastur(0.5)) == fc.PointMass(42.0)
    assert fc.free_add(fc.MarchenkoPastur(0.5), _Wide(1.0)) == fc.PointMass(42.0)
    # the numeric method never runs closed forms
    out = fc.free_add(_Wide(1.0), fc.MarchenkoPastur(0.5), method=fc.Method.NUMERIC)
    assert isinstance(out, fc.NumericLaw)
