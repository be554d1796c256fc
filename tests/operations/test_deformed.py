"""Deformed Wigner and deformed Marchenko–Pastur: the operations they stand for, matrix models, any base law."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.distances import ks_distance
from freecalc.laws.numeric import NumericLaw
from freecalc.operations.deformed import deformed_marchenko_pastur, deformed_wigner

N = 2000


def _goe(n, rng):
    g = rng.standard_normal((n, n))
    return (g + g.T) / np.sqrt(2 * n)   # off-diagonal variance 1/n: semicircle on [−2, 2]


def _quantile_diag(law, n):
    # a deterministic population with the law's exact proportions (no multinomial noise in the check)
    return np.asarray(law.ppf((np.arange(n) + 0.5) / n), dtype=float)


def test_closed_forms():
    assert deformed_wigner(fc.Semicircle(2.0), 1.0) == fc.Semicircle(2 * np.sqrt(2.0))   # radii add in quadrature
    assert deformed_wigner(fc.PointMass(3.0), 0.5) == fc.Semicircle(1.0, center=3.0)
    assert deformed_marchenko_pastur(fc.PointMass(2.0), 0.5) == fc.MarchenkoPastur(0.5, sigma2=2.0)


def test_wigner_is_free_add():
    base = fc.MarchenkoPastur(0.3)
    law = deformed_wigner(base, 0.7)
    ref = fc.free_add(base, fc.Semicircle(1.4))
    assert law.equation == ref.equation
    # R-transforms add: variance σ² on top of the base's
    assert law.var() == pytest.approx(base.var() + 0.49, rel=1e-10)


@pytest.mark.parametrize("kind", ["named", "algebraic", "empirical"])
def test_wigner_matrix_model(kind):
    rng = np.random.default_rng({"named": 1, "algebraic": 2, "empirical": 3}[kind])
    base = {"named": fc.MarchenkoPastur(0.3),
            "algebraic": fc.Atoms([-1.0, 1.0], [0.5, 0.5]),
            "empirical": fc.Empirical(fc.Wachter(2.0, 3.0).rvs(500, rng=rng))}[kind]
    law = deformed_wigner(base, 0.5)
    if kind == "empirical":
        assert isinstance(law, NumericLaw)   # subordination route
    diag = np.resize(base.eigenvalues, N) if kind == "empirical" else _quantile_diag(base, N)
    ev = np.linalg.eigvalsh(np.diag(diag) + 0.5 * _goe(N, rng))
    # n = 2000 (the bound 0.02); measured 0.0016–0.0020 over seeds 0..4 (named, atoms), 0.0017 (empirical)
    assert ks_distance(ev, law) < 0.02


@pytest.mark.parametrize("c", [0.5, 2.0])
@pytest.mark.parametrize("kind", ["named", "empirical"])
def test_marchenko_pastur_matrix_model(c, kind):
    rng = np.random.default_rng(int(10 * c) + (kind == "empirical"))
    base = fc.MarchenkoPastur(0.25) if kind == "named" else fc.Empirical(1.0 + rng.exponential(size=400))
    law = deformed_marchenko_pastur(base, c)
    p = N
    n = int(round(p / c))
    T = np.resize(base.eigenvalues, p) if kind == "empirical" else _quantile_diag(base, p)
    X = rng.standard_normal((p, n))
    Y = np.sqrt(T)[:, None] * X
    ev = np.linalg.eigvalsh(Y @ Y.T / n)
    # c > 1: the atom 1 − 1/c at 0 (p − n zero eigenvalues, rounding ~1e-12 moved onto it)
    atom = dict(law.atoms).get(0.0, 0.0)
    assert atom == pytest.approx(max(0.0, 1 - 1 / c), abs=1e-12)
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02   # as above; measured 0.0014–0.0027 over seeds 0..4 (named)


def test_marchenko_pastur_is_free_mul():
    base = fc.Wachter(2.0, 3.0)
    law = deformed_marchenko_pastur(base, 0.4)
    ref = fc.free_mul(base, fc.MarchenkoPastur(0.4))
    assert law.equation == ref.equation
    assert law.mean() == pytest.approx(base.mean(), rel=1e-10)                       # S(0) multiplies: mean kept
    # second moment E T² + c (E T)² (one crossing pairing more): variance Var T + c (E T)²
    assert law.var() == pytest.approx(base.var() + 0.4 * base.mean() ** 2, rel=1e-8)


def test_arrays_are_eigenvalues():
    x = np.array([1.0, 2.0, 4.0])
    assert isinstance(deformed_wigner(x, 1.0), NumericLaw)
    assert deformed_marchenko_pastur(x, 0.5).mean() == pytest.approx(7.0 / 3.0, rel=1e-10)


def test_bad_input():
    with pytest.raises(ValueError, match="sigma"):
        deformed_wigner(fc.Semicircle(1.0), 0.0)
    with pytest.raises(TypeError, match="sigma"):
        deformed_wigner(fc.Semicircle(1.0), "1")
    with pytest.raises(ValueError, match="'c'|c must"):
        deformed_marchenko_pastur(fc.MarchenkoPastur(0.5), -1.0)
    with pytest.raises(TypeError, match="base"):
        deformed_wigner({"x": 1}, 1.0)
    with pytest.raises(ValueError, match="negative half-line|mean 0"):
        deformed_marchenko_pastur(fc.Semicircle(1.0), 0.5)
