"""Coverage of the standard errors on repeated samples, for every registered fittable family (slow, small).

For each family of the fitting registry a law is built at the geometric (or arithmetic, for ranges through 0)
mean of each parameter's ``typical`` range, R iid samples of N points are fitted, and for each free parameter we
count how often the nominal 95 % interval |θ̂ − θ| ≤ 1.96·se and the nominal 50 % interval
|θ̂ − θ| ≤ 0.674·se
contain the truth. With correct errors the counts are Binomial(R, 0.95) and Binomial(R, 0.5).

Band (two-sided, binomial): each count must lie between the 1e-4 and 1 − 1e-4 quantiles of its binomial law
(computed below with scipy.stats.binom), so with ~20 free parameters and two levels the whole test fails by
chance with probability < 1 %. With R = 40 the 95 % band is [0.80, 1] — its upper end cannot be informative,
since all 40 intervals cover with probability 0.95^40 = 0.13 — so the upper side is carried by the 50 % intervals,
whose band is [0.25, 0.75]: standard errors inflated by a factor 2 give 50 % coverage P(|Z| ≤ 1.35) = 0.82 and
fail; errors deflated by 2 give 95 % coverage P(|Z| ≤ 0.98) = 0.67 and fail.
"""
import math

import numpy as np
import pytest
from scipy.stats import binom

from freecalc.fitting.families import registered
from freecalc.fitting.likelihood import Likelihood, Model
from freecalc.fitting.mle import maximize, standard_errors
from freecalc.fitting.options import ErrorMethod, OptimizerOptions, ScaleOption
from freecalc.fitting.spikes import summary_starts_for

R, N = 40, 300
LEVELS = {0.95: 1.959964, 0.50: 0.674490}
TAIL = 1e-4


def _typical_law(family):
    params = {}
    for p in family.law.parameters:
        lo, hi = p.typical
        params[p.name] = math.sqrt(lo * hi) if lo > 0 else 0.5 * (lo + hi)
    return family.law(**params)


def _coverage(family, seed):
    law = _typical_law(family)
    rng = np.random.default_rng(seed)
    model = Model.build(family, ScaleOption.AUTO, None)
    truth = {**{k: float(v) for k, v in law.params.items()}, "scale": 1.0, "loc": 0.0}
    hits = {(k, lev): 0 for k in model.free for lev in LEVELS}
    for _ in range(R):
        x = np.sort(np.asarray(law.rvs(N, rng=rng), dtype=float))
        tol = 1e-12 * float(np.max(np.abs(x)))  # samples on an atom are exact (MP with c > 1, Wachter)
        lik = Likelihood(model, x, zero_tol=tol)
        res = maximize(lik, summary_starts_for(model, tol)(x), OptimizerOptions())
        se, ok = standard_errors(lik, res.phi, 1e-4, ErrorMethod.AUTO)
        assert ok, f"{family.name}: information matrix not positive definite"
        for k in model.free:
            for lev, zq in LEVELS.items():
                hits[(k, lev)] += abs(res.theta[k] - truth[k]) <= zq * se[k]
    return law, hits


@pytest.mark.slow
@pytest.mark.parametrize("family", registered(), ids=lambda f: f.name)
def test_standard_errors_cover_two_sided(family):
    seed = sum(map(ord, family.name))
    law, hits = _coverage(family, seed)
    for (k, lev), count in hits.items():
        lo, hi = binom.ppf(TAIL, R, lev), binom.ppf(1 - TAIL, R, lev)
        assert lo <= count <= hi, (f"{law!r}: {k} covered {count}/{R} times at nominal {lev:.0%} "
                                   f"(binomial band [{lo:g}, {hi:g}])")


def test_every_registered_family_is_covered():
    # the parametrisation above comes from the registry itself; this pins that it is not empty and that every
    # family has a constructible typical law
    fams = registered()
    assert len(fams) >= 7
    for fam in fams:
        _typical_law(fam)
