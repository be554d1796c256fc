"""Population spectrum: W1 to the truth on a two-point population; family fit by moments with bootstrap errors."""
from __future__ import annotations

import numpy as np
from scipy.stats import wasserstein_distance

import freecalc as fc
from freecalc.covariance.moments import sample_moments_from_population


def test_grid_two_point_w1():
    p, n = 400, 800
    rng = np.random.default_rng(0)
    tau = np.r_[np.ones(p // 2), 3.0 * np.ones(p // 2)]
    X = rng.standard_normal((n, p)) * np.sqrt(tau)
    est = fc.population_spectrum(np.linalg.eigvalsh(X.T @ X / n), c=0.5)
    assert isinstance(est.law, fc.Atoms)
    t, w = np.array(est.law.locations, float), np.array(est.law.weights, float)
    w1 = wasserstein_distance(t, tau, w)
    assert 0.0 < w1 < 0.1  # 0.02 at this size; the sample spectrum with W1 1.2 would fail
    assert wasserstein_distance(np.linalg.eigvalsh(X.T @ X / n), tau) > 0.3


def test_moment_relations_match_free_mul():
    H = fc.Atoms([1.0, 2.0, 5.0], [0.2, 0.5, 0.3])
    c = 0.7
    F = fc.free_mul(H, fc.MarchenkoPastur(c, 1.0))
    h = [float(H.moment(k)) for k in range(1, 5)]
    expected = [float(F.moment(k)) for k in range(1, 5)]
    np.testing.assert_allclose(sample_moments_from_population(h, c), expected, rtol=1e-8)  # exact vs series


def test_family_fit_with_bootstrap():
    # population: MarchenkoPastur(0.3, 2) as a (shape, scale) family
    true = fc.MarchenkoPastur(0.3, 2.0)
    p, n = 300, 600
    rng = np.random.default_rng(1)
    tau = np.asarray(true.ppf((np.arange(p) + 0.5) / p), float)
    X = rng.standard_normal((n, p)) * np.sqrt(tau)
    est = fc.population_spectrum(np.linalg.eigvalsh(X.T @ X / n), c=p / n, family=fc.MarchenkoPastur,
                                 bootstrap=8, rng=2)
    assert est.method is fc.PopulationMethod.FAMILY
    (shape, scale), (se_shape, se_scale) = est.params, est.stderr
    assert 0 < se_shape < 0.1 and 0 < se_scale < 0.1  # one draw of p = 300: errors ~0.01-0.03
    assert abs(shape - 0.3) < 4 * se_shape + 0.02 and abs(scale - 2.0) < 4 * se_scale + 0.02
