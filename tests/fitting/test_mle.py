"""The optimiser: the coarse simplex + Newton polish finds the same maximum as the full-tolerance simplex with its
restart (the independent route, ``OptimizerOptions(polish=False)``) in fewer evaluations, holds box-boundary maxima
on the bound only when the first-order (KKT) test says so, and certifies maxima next to support walls."""
import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.fitting.families import family_of
from freecalc.fitting.likelihood import Likelihood, Model
from freecalc.fitting.mle import ON_BOUND, _newton_polish, maximize
from freecalc.fitting.options import OptimizerOptions, ScaleOption
from freecalc.fitting.spikes import summary_starts_for

FULL = OptimizerOptions(polish=False)


def _fit(law, x, options, fixed=None):
    model = Model.build(family_of(law), ScaleOption.AUTO, fixed)
    lik = Likelihood(model, np.sort(x), 1e-12)
    return maximize(lik, summary_starts_for(model, 1e-12)(np.sort(x)), options), lik


@pytest.mark.parametrize("law, sample", [
    (fc.InverseHTMP, lambda: 2.0 * fc.InverseHTMP(0.3, 2.0).rvs(600, rng=1)),   # interior, 3 parameters
    (fc.HTMP, lambda: 1.5 * fc.HTMP(0.5, 4.0).rvs(400, rng=2)),                 # interior, 3 parameters
    (fc.Semicircle, lambda: 0.5 + 2.0 * fc.Semicircle(1.0).rvs(300, rng=3)),     # a support edge, scale + loc
], ids=["InverseHTMP", "HTMP", "Semicircle"])
def test_polish_reaches_the_same_maximum_in_fewer_evaluations(law, sample):
    x = sample()
    fast, lik = _fit(law, x, OptimizerOptions())
    slow, _ = _fit(law, x, FULL)
    # both stop within ~1e-3 standard errors of the same maximum: log L within 1e-4 (a decrement of 1e-6 and the
    # simplex's fatol 1e-7, plus the flatness of the top), parameters within 2 % of a standard error
    assert fast.loglik >= slow.loglik - 1e-4
    assert abs(fast.loglik - slow.loglik) < 1e-4
    res = fc.fit(x, law)
    for name, v in fast.theta.items():
        se = res.stderr.get(name, math.nan)
        if math.isfinite(se) and se > 0:
            assert abs(v - slow.theta[name]) < 0.02 * se, (name, v, slow.theta[name], se)
    assert fast.evaluations < slow.evaluations


def test_newton_certifies_an_interior_maximum_by_its_decrement():
    x = np.sort(2.0 * fc.InverseHTMP(0.3, 2.0).rvs(500, rng=5))
    slow, lik = _fit(fc.InverseHTMP, x, FULL)
    f = lik.nll_phi
    opts = OptimizerOptions()
    # from a point a few standard errors away Newton returns a point at least as good as the simplex's optimum
    start = slow.phi + np.array([0.05, -0.05, 0.02])
    out = _newton_polish(f, start, f(start), lik.model.bounds, opts)
    assert out is not None
    assert out[0] <= f(slow.phi) + 1e-6
    # on a concave-down direction (a saddle made by negating the function) the Hessian test refuses to certify
    assert _newton_polish(lambda p: -f(p), slow.phi, -f(slow.phi), lik.model.bounds, opts) is None


def test_boundary_maximum_is_held_on_the_bound_and_checked():
    # Student-t(2.5) spectrum: InverseHTMP's likelihood rises as gamma -> its lower search limit (test_boundary.py)
    rng = np.random.default_rng(0)
    w = rng.standard_t(2.5, size=(600, 300))
    x = np.sort(np.linalg.eigvalsh(w.T @ w / 600))
    fast, lik = _fit(fc.InverseHTMP, x, OptimizerOptions())
    slow, _ = _fit(fc.InverseHTMP, x, FULL)
    lo = lik.model.bounds[0][0]
    # Newton holds gamma exactly on its bound; the simplex path ends within ON_BOUND of it (both flagged by fit)
    assert fast.phi[0] == lo and abs(slow.phi[0] - lo) < ON_BOUND
    assert abs(fast.loglik - slow.loglik) < 1e-4


def test_a_bound_below_an_interior_maximum_is_not_held():
    # the KKT test: a lower bound placed 0.5 below gamma's interior maximum (in phi), with the start on it, is
    # within Newton's active distance, but the likelihood rises into the box there, so it must not be certified
    x = np.sort(2.0 * fc.InverseHTMP(0.3, 2.0).rvs(500, rng=5))
    slow, lik = _fit(fc.InverseHTMP, x, FULL)
    f = lik.nll_phi
    bounds = list(lik.model.bounds)
    bounds[0] = (slow.phi[0] - 0.5, bounds[0][1])
    start = slow.phi.copy()
    start[0] = bounds[0][0]
    assert _newton_polish(f, start, f(start), tuple(bounds), OptimizerOptions()) is None
    # an upper bound at the same place is where the maximum over the box lies: held there and certified
    cut = slow.phi[0] - 0.5
    bounds[0] = (lik.model.bounds[0][0], cut)
    out = _newton_polish(f, start, f(start), tuple(bounds), OptimizerOptions())
    assert out is not None and out[1][0] == cut
    assert out[0] < f(start)  # the other coordinates re-optimised with gamma held


def test_support_wall_maximum_is_reached():
    # Marchenko-Pastur on its own sample: the maximum has the upper edge just beyond the largest point (a wall of
    # -inf there); the polished fit must reach the simplex's maximum
    x = np.sort(fc.MarchenkoPastur(0.3).rvs(400, rng=6))
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    lik = Likelihood(model, x, 1e-12)
    fast = maximize(lik, summary_starts_for(model, 1e-12)(x), OptimizerOptions())
    slow = maximize(lik, summary_starts_for(model, 1e-12)(x), FULL)
    assert abs(fast.loglik - slow.loglik) < 1e-4 and fast.converged


def test_newton_certifies_a_maximum_next_to_a_support_wall():
    # the same maximum lies next to the wall (the edge 1.2 % beyond the largest point): Newton's probes
    # (NEWTON_STEP) stay on its side, a step across it is shortened, and Newton certifies the maximum from a start
    # 1 % off in c and sigma2 (with probes of 1e-3 it returned None, leaving the fit to the simplex)
    x = np.sort(fc.MarchenkoPastur(0.3).rvs(400, rng=6))
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    lik = Likelihood(model, x, 1e-12)
    slow = maximize(lik, summary_starts_for(model, 1e-12)(x), FULL)
    f = lik.nll_phi
    law = model.make_law(slow.theta)
    gap = (law.support[-1][1] - x[-1]) / law.support[-1][1]
    assert 0 < gap < 0.02  # the maximum is next to the wall
    start = slow.phi + np.array([0.01, 0.01])
    out = _newton_polish(f, start, f(start), model.bounds, OptimizerOptions())
    assert out is not None
    assert out[0] <= f(slow.phi) + 1e-6


def test_polish_option_is_validated():
    with pytest.raises(TypeError, match="polish"):
        OptimizerOptions(polish=1)
    with pytest.raises(ValueError, match="decrement_tol"):
        OptimizerOptions(decrement_tol=0.0)
    with pytest.raises(ValueError, match="newton_maxiter"):
        OptimizerOptions(newton_maxiter=0)
