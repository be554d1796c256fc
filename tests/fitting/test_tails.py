import math

import numpy as np
import pytest

from freecalc.fitting.kernels import powerlaw_scan
from freecalc.fitting.options import TailOptions, XminRule
from freecalc.fitting.tails import fit_power_law_tail


def _naive(x, min_tail):
    """CSN by brute force: every distinct xmin, MLE and two-sided KS with numpy (the kernel's independent route)."""
    x = np.sort(x)
    best = None
    for j in range(x.size - min_tail + 1):
        if j and x[j] == x[j - 1]:
            continue
        t = x[j:]
        a = 1 + t.size / np.sum(np.log(t / x[j]))
        P = 1 - (t / x[j]) ** (1 - a)
        k = np.arange(t.size)
        d = max(np.max((k + 1) / t.size - P), np.max(P - k / t.size))
        if best is None or d < best[2]:
            best = (a, x[j], d, t.size)
    return best


def test_kernel_matches_brute_force():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(0.1, 1.0, 150), (1 - rng.random(100)) ** (-1 / 1.7)])
    fit = fit_power_law_tail(x, TailOptions(min_tail=5))
    a, xmin, d, nt = _naive(x, 5)
    # same arithmetic up to summation order: 1e-10 relative
    assert fit.alpha == pytest.approx(a, rel=1e-10) and fit.xmin == xmin and fit.n_tail == nt
    assert fit.ks == pytest.approx(d, rel=1e-10)


@pytest.mark.parametrize("alpha", [2.5, 4.0, 12.0])
def test_recovers_pareto_exponent_without_cap(alpha):
    # pure Pareto with density exponent alpha from xmin = 1: the MLE is unbiased up to O(1/n); 3 sigma band.
    # alpha = 12 checks there is no cap at 3 (powerlaw's default) or anywhere else
    rng = np.random.default_rng(int(alpha * 10))
    x = (1 - rng.random(4000)) ** (-1 / (alpha - 1))
    fit = fit_power_law_tail(x)
    assert abs(fit.alpha - alpha) < 3 * fit.alpha_sigma
    assert fit.alpha_sigma == pytest.approx((fit.alpha - 1) / math.sqrt(fit.n_tail))


def test_xmin_found_at_the_start_of_the_tail():
    # uniform body on [0, 1] plus a Pareto tail from 2: xmin must land near 2 (within the tail's first points)
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(0, 1, 2000), 2 * (1 - rng.random(1000)) ** (-1 / 2.0)])
    fit = fit_power_law_tail(x)
    assert 1.9 < fit.xmin < 2.6  # the KS minimum may skip a few tail points; it must not enter the body
    assert abs(fit.alpha - 3.0) < 3 * fit.alpha_sigma


def test_too_few_or_degenerate_gives_none():
    assert fit_power_law_tail(np.arange(1.0, 6.0)) is None  # fewer positive points than min_tail = 10
    assert fit_power_law_tail(np.ones(50)) is None  # one repeated value: no spread, no exponent
    assert fit_power_law_tail(-np.arange(1.0, 60.0)) is None


def test_nan_is_an_error():
    with pytest.raises(ValueError, match="NaN"):
        fit_power_law_tail(np.array([1.0, np.nan, 2.0]))


def test_candidate_thinning_keeps_answer_close():
    rng = np.random.default_rng(4)
    x = (1 - rng.random(6000)) ** (-1 / 2.0)
    full = fit_power_law_tail(x, TailOptions(max_candidates=10000))
    thin = fit_power_law_tail(x, TailOptions(max_candidates=300))
    # thinning 6000 candidates to 300 moves xmin by at most ~20 order statistics: alpha within one sigma
    assert abs(full.alpha - thin.alpha) < full.alpha_sigma + thin.alpha_sigma


def test_htmp_exponent_hook_matches_the_law():
    from freecalc.laws.inverse_htmp import InverseHTMP

    for g, k in [(0.25, 1.0), (0.5, 3.0), (0.7, 10.0)]:
        alpha, grad = InverseHTMP.fit_tail_exponent({"gamma": g, "kappa": k})
        assert alpha == pytest.approx(1.0 + k * (1.0 - g) / (2.0 * g), rel=1e-14)
        # the gradient against central differences (step 1e-6: truncation ~1e-12, rounding ~1e-10)
        h = 1e-6
        dg = (InverseHTMP(g + h, k).tail_exponent - InverseHTMP(g - h, k).tail_exponent) / (2 * h)
        dk = (InverseHTMP(g, k + h).tail_exponent - InverseHTMP(g, k - h).tail_exponent) / (2 * h)
        assert grad["gamma"] == pytest.approx(dg, rel=1e-7) and grad["kappa"] == pytest.approx(dk, rel=1e-7)


def test_scan_returns_nan_for_no_spread():
    alpha, ks = powerlaw_scan(np.zeros(5), np.arange(3, dtype=np.int64))
    assert np.all(np.isnan(alpha)) and np.all(np.isnan(ks))


def test_long_tail_ks_is_evaluated_on_a_stride_within_its_bound():
    from freecalc.fitting.kernels import KS_POINTS, powerlaw_scan

    rng = np.random.default_rng(7)
    x = np.sort((1.0 - rng.random(3 * KS_POINTS)) ** (-1.0 / 2.5))  # Pareto, alpha = 3.5
    logx = np.log(x)
    alpha, ks = powerlaw_scan(logx, np.array([0], dtype=np.int64))
    nt = x.size
    p = 1.0 - np.exp((1.0 - alpha[0]) * (logx - logx[0]))
    k = np.arange(nt)
    full = max(np.max((k + 1) / nt - p), np.max(p - k / nt))  # every order statistic
    assert abs(ks[0] - full) <= (nt // KS_POINTS) / nt


def _wwfit(data):
    """WeightWatcher 0.7.7's WWFit (weightwatcher/WW_powerlaw.py) transcribed line by line in numpy: every index
    as xmin, one-sided |P_k - k/n|, argmin; the small-sample branch below 20 points. The kernel's independent
    route."""
    data = np.sort(data)
    N = data.size
    log_data = np.log(data)
    if N < 20:
        best = None
        for i in range(N - 1):
            n = N - i
            if n < 8:
                continue
            s = np.sum(log_data[i:]) - n * log_data[i]
            a = 1.0 + (n - 1.0) / s
            D = np.max(np.abs(np.arange(n) / n - (1.0 - (data[i:] / data[i]) ** (1.0 - a))))
            J = D - 0.868 / np.sqrt(n)
            if best is None or J < best[0]:
                best = (J, a, data[i], n)
        return best[1:]
    alphas = np.zeros(N - 1)
    Ds = np.ones(N - 1)
    for i, xmin in enumerate(data[:-1]):
        n = float(N - i)
        alphas[i] = 1 + n / (np.sum(log_data[i:]) - n * log_data[i])
        Ds[i] = np.max(np.abs(1 - (data[i:] / xmin) ** (-alphas[i] + 1) - np.arange(n) / n))
    i = int(np.argmin(Ds))
    return alphas[i], data[i], N - i


@pytest.mark.parametrize("seed, n", [(0, 384), (1, 1024), (2, 15)])
def test_weightwatcher_rule_reproduces_wwfit(seed, n):
    # a Student-t Gram spectrum (the weight-matrix case) and a 15-point one (WWFit's small-sample branch)
    rng = np.random.default_rng(seed)
    w = rng.standard_t(3.0, size=(3 * n, n))
    x = np.linalg.eigvalsh(w.T @ w / (3 * n))
    fit = fit_power_law_tail(x, TailOptions(xmin_rule=XminRule.WEIGHTWATCHER))
    a, xmin, nt = _wwfit(x)
    # same arithmetic up to summation order: 1e-10 relative; the same xmin exactly
    assert fit.alpha == pytest.approx(a, rel=1e-10) and fit.xmin == xmin and fit.n_tail == nt
    assert fit.alpha_sigma == pytest.approx((a - 1) / math.sqrt(nt), rel=1e-10)


def test_weightwatcher_rule_may_choose_a_short_tail_the_clauset_rule_excludes():
    # Student-t(4) 200×200 (seed 12): WWFit's one-sided statistic is smallest on a 6-point tail (α 21.6), which the
    # Clauset rule (two-sided distance, min_tail = 10) cannot choose: it takes a 23-point tail (α 5.8)
    rng = np.random.default_rng(12)
    w = rng.standard_t(4.0, size=(200, 200))
    x = np.linalg.eigvalsh(w.T @ w / 200)
    ww = fit_power_law_tail(x, TailOptions(xmin_rule=XminRule.WEIGHTWATCHER))
    cl = fit_power_law_tail(x)
    a, xmin, nt = _wwfit(x)
    assert ww.xmin == xmin and ww.n_tail == nt == 6
    assert cl.n_tail >= 10 and abs(cl.alpha - ww.alpha) > 10


def test_xmin_rule_must_be_an_enum_member():
    with pytest.raises(TypeError, match="xmin_rule"):
        TailOptions(xmin_rule="weightwatcher")
