"""Nonlinear shrinkage: Frobenius loss against the sample covariance and linear shrinkage, PRIAL band, p > n."""
from __future__ import annotations

import numpy as np
import pytest

import freecalc as fc


def _two_point(p, n, seed, centered=False):
    rng = np.random.default_rng(seed)
    tau = np.r_[np.ones(p // 2), 3.0 * np.ones(p - p // 2)]
    X = rng.standard_normal((n, p)) * np.sqrt(tau)
    return X, np.diag(tau)




def _prial(Sig, S, E):
    return 1.0 - np.linalg.norm(E - Sig) ** 2 / np.linalg.norm(S - Sig) ** 2


def _lw_linear(X):
    n, p = X.shape
    S = X.T @ X / n
    mu = np.trace(S) / p
    d2 = np.linalg.norm(S - mu * np.eye(p)) ** 2
    b2 = min(sum(np.linalg.norm(np.outer(x, x) - S) ** 2 for x in X) / n**2, d2)
    return (b2 / d2) * mu * np.eye(p) + (1 - b2 / d2) * S


@pytest.mark.parametrize("method", list(fc.ShrinkageMethod))
def test_beats_sample_and_linear_two_point(method):
    X, Sig = _two_point(120, 240, seed=3)
    S = X.T @ X / 240
    E = fc.shrink_covariance(X, centered=False, method=method)
    L = _lw_linear(X)
    loss = np.linalg.norm(E - Sig)
    assert loss < np.linalg.norm(L - Sig) < np.linalg.norm(S - Sig)
    # PRIAL band: the finite-sample oracle is ~0.7 here; shrinkage gets most of it, never more than the oracle
    lam, U = np.linalg.eigh(S)
    oracle = (U * np.einsum("ij,i,ij->j", U, np.diag(Sig), U)) @ U.T
    assert 0.55 < _prial(Sig, S, E) <= _prial(Sig, S, oracle) + 1e-12


@pytest.mark.parametrize("method", list(fc.ShrinkageMethod))
def test_p_greater_than_n(method):
    X, Sig = _two_point(100, 50, seed=4)
    E = fc.shrink_covariance(X, centered=False, method=method)
    d = np.linalg.eigvalsh(E)
    assert np.all(d > 0)  # the p - n null directions get a positive eigenvalue
    S = X.T @ X / 50
    assert 0.5 < _prial(Sig, S, E) < 1.0


def test_centered_uses_n_minus_one():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 30)) + 10.0  # large mean: uncentred data would be far off
    E = fc.shrink_covariance(X)  # centred, dof 59
    Xc = X - X.mean(axis=0)
    lam, U = np.linalg.eigh(Xc.T @ Xc / 59)
    expected = (U * fc.shrunk_eigenvalues(lam, n=59)) @ U.T
    np.testing.assert_allclose(E, expected, rtol=1e-10)  # same route, exact agreement up to rounding
    # p = n with centring: rank n - 1 < p, the null eigenvalue is handled by the p > n branch
    E2 = fc.shrink_covariance(rng.standard_normal((30, 30)))
    assert np.all(np.linalg.eigvalsh(E2) > 0)


@pytest.mark.parametrize("c", [0.5, 2.0])
def test_analytic_close_to_limit_formula_with_true_population(c):
    # independent route: Ledoit–Péché with the TRUE population spectrum, solved from the Silverstein equation
    from freecalc.covariance._validate import check_spectrum
    from freecalc.covariance.shrinkage import oracle_from_population

    p = 400
    n = int(p / c)
    X, _ = _two_point(p, n, seed=6)
    lam = np.linalg.eigvalsh(X.T @ X / n)
    d = fc.shrunk_eigenvalues(lam, c=c)
    d_true = oracle_from_population(check_spectrum(lam, c), np.array([1.0, 3.0]), np.array([0.5, 0.5]))
    rel = np.sqrt(np.mean((d / d_true - 1) ** 2))
    assert rel < 0.1  # kernel bandwidth n^(-1/3) smooths the density: a few percent at p = 400
    assert abs(d.mean() / lam.mean() - 1) < 0.05  # trace nearly preserved


@pytest.mark.parametrize("kwargs, match", [
    (dict(sample_eigs=[1.0, np.nan, 2.0], c=0.5), "sample_eigs"),
    (dict(sample_eigs=[1.0, 2.0, 3.0], c=0.0), "c=0.0"),
    (dict(sample_eigs=[1.0, 2.0, 3.0], c=-1.0), "c=-1.0"),
    (dict(sample_eigs=[1.0, -2.0, 3.0], c=0.5), "sample_eigs"),
    (dict(sample_eigs=[1.0, 2.0, 3.0, 4.0], c=2.0), "nonzero eigenvalues"),
    (dict(sample_eigs=[1.0, 2.0, 3.0], n=1), "n=1"),
    (dict(sample_eigs=[0.0, 2.0, 3.0], c=0.5), "zero eigenvalue"),  # rank deficient although p < n
    (dict(sample_eigs=[0.0, 0.0, 2.0, 3.0], n=3), "zero eigenvalue"),  # centred data with n instead of n - 1
    (dict(sample_eigs=[1.0, 2.0, 3.0]), "c = p/n"),
    (dict(sample_eigs=[1.0, 2.0], c=0.5, method="bogus"), "method='bogus'"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fc.shrunk_eigenvalues(**kwargs)


def test_bad_data():
    with pytest.raises(ValueError, match="at least 2 samples"):
        fc.shrink_covariance(np.ones((1, 5)))
    with pytest.raises(ValueError, match="finite"):
        fc.shrink_covariance(np.full((10, 3), np.nan))
    with pytest.raises(ValueError, match="symmetric"):
        fc.shrink_covariance(np.arange(9.0).reshape(3, 3), n=10)
