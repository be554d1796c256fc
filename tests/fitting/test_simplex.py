"""freecalc.fitting.simplex: the same iterates as SciPy's Nelder–Mead, bit for bit."""
import math

import numpy as np
import pytest
from scipy.optimize import minimize

from freecalc.fitting.simplex import nelder_mead


def _rosenbrock(x):
    return float(sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def _walled(x):
    # a log-likelihood-like objective: +inf beyond a wall (a support edge missing a data point), steep next to it
    if x[0] + x[1] >= 1.0:
        return math.inf
    return float((x[0] - 0.3) ** 2 + 3.0 * (x[1] + 0.2) ** 2 - 0.01 * math.log(1.0 - x[0] - x[1]))


def _flat(x):
    # ties: a plateau where several vertices share a value
    return float(np.floor(4.0 * np.abs(x).sum()))


CASES = [(_rosenbrock, 2), (_rosenbrock, 3), (_rosenbrock, 4), (_walled, 2), (_flat, 3)]


def _scipy(f, sim, maxiter, maxfev, xatol, fatol, adaptive):
    calls = []

    def g(x):
        calls.append(x.copy())
        return f(x)

    res = minimize(g, sim[0], method="Nelder-Mead",
                   options=dict(initial_simplex=sim, maxiter=maxiter, maxfev=maxfev, xatol=xatol, fatol=fatol,
                                adaptive=adaptive))
    return res, calls


@pytest.mark.parametrize("f,n", CASES)
@pytest.mark.parametrize("adaptive", [False, True])
@pytest.mark.parametrize("caps", [(4000, 8000), (7, 10000), (4000, 23)], ids=["tolerance", "maxiter", "maxfev"])
def test_iterates_equal_scipys_bit_for_bit(f, n, adaptive, caps):
    rng = np.random.default_rng(n)
    x0 = rng.uniform(-0.5, 0.2, n)
    sim = np.vstack([x0, x0 + 0.1 * np.eye(n)])
    if f is _walled:
        sim[1] = [0.6, 0.45]  # an infeasible vertex (+inf) from the start
    maxiter, maxfev = caps
    ref, ref_calls = _scipy(f, sim, maxiter, maxfev, 1e-8, 1e-10, adaptive)
    calls = []

    def g(x):
        calls.append(x.copy())
        return f(x)

    out = nelder_mead(g, sim, maxiter, maxfev, 1e-8, 1e-10, adaptive)
    assert out.nfev == ref.nfev == len(calls) == len(ref_calls)
    assert all(np.array_equal(a, b) for a, b in zip(calls, ref_calls))  # every point evaluated, in order
    assert np.array_equal(out.x, ref.x) and out.fun == ref.fun and out.success == ref.success
    if caps == (4000, 8000):
        assert out.success
    else:
        assert not out.success
