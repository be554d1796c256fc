import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.fitting.families import family_of
from freecalc.fitting.likelihood import Model
from freecalc.fitting.options import ScaleOption
from freecalc.fitting.spikes import edge_and_tw_scale


@pytest.mark.parametrize("c,sigma2,M", [(0.25, 1.0, 1024), (0.7, 2.5, 300), (2.0, 0.5, 500)])
def test_tw_scale_of_mp_is_johnstones(c, sigma2, M):
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    edge, _, tw = edge_and_tw_scale(model, {"c": c, "sigma2": sigma2}, M)
    N = M / c
    johnstone = sigma2 * (1 + math.sqrt(c)) * (1 + 1 / math.sqrt(c)) ** (1 / 3) * N ** (-2 / 3)
    assert edge == pytest.approx(sigma2 * (1 + math.sqrt(c)) ** 2, rel=1e-12)
    # the density-based scale uses ρ at 1e-7 of the width below the edge: 1e-6 relative
    assert tw == pytest.approx(johnstone, rel=1e-6)


def test_tw_scale_of_semicircle_is_tracy_widoms():
    model = Model.build(family_of(fc.Semicircle), ScaleOption.AUTO, None)
    _, _, tw = edge_and_tw_scale(model, {"r": 2.0, "center": 0.0}, 1000)
    assert tw == pytest.approx(1000 ** (-2 / 3), rel=1e-6)  # GOE normalised to edge 2: n^{-2/3}


def _spiked(rng, N, M, strengths):
    W = rng.standard_normal((N, M))
    for th in strengths:
        a = rng.standard_normal(N)
        b = rng.standard_normal(M)
        W += math.sqrt(N) * th * np.outer(a / np.linalg.norm(a), b / np.linalg.norm(b))
    return W


@pytest.mark.parametrize("k", [1, 3, 8])
def test_planted_rank_k_signal_gives_k_spikes(k):
    rng = np.random.default_rng(100 + k)
    # strengths 2..4 are far above the BBP threshold c^{1/4} = 0.71 (c = 1/4): outliers at
    # (1 + θ²)(c + θ²)/θ² ≥ 5.3, against the edge 2.25
    W = _spiked(rng, 1600, 400, np.linspace(2.0, 4.0, k))
    r = fc.fit(W, fc.MarchenkoPastur)
    assert r.num_spikes == k
    assert len(r.spikes) == k and all(s > r.bulk_edge for s in r.spikes)
    # the bulk fit is not dragged by the spikes: sigma2 = 1 and c = 1/4 within 3 standard errors
    assert abs(r.params["sigma2"] - 1.0) < 3 * r.stderr["sigma2"]
    assert abs(r.params["c"] - 0.25) < 3 * r.stderr["c"]


def test_pure_noise_has_no_spikes():
    rng = np.random.default_rng(5)
    # false-alarm level 1e-3 per test: P(a spike in pure noise) ~ 1e-3
    for N, M in [(1600, 400), (400, 400), (300, 600)]:
        assert fc.fit(rng.standard_normal((N, M)), fc.MarchenkoPastur).num_spikes == 0


def test_spikes_off_fits_everything():
    rng = np.random.default_rng(3)
    W = _spiked(rng, 800, 200, [3.0])
    r = fc.fit(W, fc.MarchenkoPastur, options=fc.FitOptions(spikes=fc.SpikeOptions(enabled=False)))
    assert r.num_spikes == 0 and r.n_fit == 200 and r.phase is None


@pytest.mark.parametrize("law", [fc.MarchenkoPastur, fc.FreeMeixner])
def test_robust_bulk_fit_never_refits_the_same_points(law, monkeypatch):
    # the final fit is skipped when the last fit of the spike iteration already was on the final bulk, uncensored,
    # with the same optimiser options; that is harmless: restarted from its optimum, the optimiser stays there
    import freecalc.fitting.mle as mle
    import freecalc.fitting.spikes as spikes
    from freecalc.fitting.options import FitOptions

    rng = np.random.default_rng(7)
    x = np.sort(np.linalg.eigvalsh((lambda w: w.T @ w / 1600)(_spiked(rng, 1600, 400, [3.0, 4.0]))))
    model = Model.build(family_of(law), ScaleOption.AUTO, None)
    opts = FitOptions()
    seen = []

    def counting(lik, starts, options, warm=False):
        seen.append((lik.x.size, lik.censor))
        return mle.maximize(lik, starts, options, warm)

    monkeypatch.setattr(spikes, "maximize", counting)
    bf = spikes.robust_bulk_fit(model, x, 1e-12, x.size, spikes.summary_starts_for(model, 1e-12), opts.spikes,
                                opts.optimizer)
    assert bf.spikes.size == 2 and bf.likelihood.censor == 0 and bf.likelihood.x.size == bf.bulk.size
    assert len(seen) == len(set(seen))  # no fit repeated on identical data
    again = mle.maximize(bf.likelihood, [bf.mle.theta], opts.optimizer, warm=True)
    # the optimiser's own tolerance: the Newton decrement (1e-6) or the simplex's fatol (1e-7) in log L, and its
    # xatol 1e-6 in the transformed coordinates (relative 1e-4 leaves room for the flat direction of a wall fit)
    assert abs(again.loglik - bf.mle.loglik) <= 1e-5
    for name, v in bf.mle.theta.items():
        assert again.theta[name] == pytest.approx(v, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("law,theta", [(fc.FreeMeixner, {"a": 1.8, "b": 6.5, "c": 0.88, "loc": 4.36}),
                                       (fc.MarchenkoPastur, {"c": 0.28, "sigma2": 4.6}),
                                       (fc.KestenMcKay, None)])
def test_stretched_start_moves_the_upper_edge_only(law, theta):
    from freecalc.fitting.spikes import _edges, _stretched_start, summary_starts_for

    model = Model.build(family_of(law), ScaleOption.AUTO, None)
    if theta is None:  # a start of the family's own hook, for a law with an added scale and location
        x = np.sort(np.random.default_rng(0).uniform(1.0, 3.0, 400))
        theta = dict(summary_starts_for(model, 1e-12)(x)[0])
    lo, hi = _edges(model, model.phi(theta))
    target = hi + 0.02 * (hi - lo)
    moved = _stretched_start(model, theta, target)
    lo2, hi2 = _edges(model, model.phi(moved))
    # a linearised step of 2 % of the support: the ends land within a few 1e-4 of the support's width
    assert abs(hi2 - target) < 1e-3 * (hi - lo)
    assert abs(lo2 - lo) < 1e-3 * (hi - lo)


def test_refit_after_admitting_a_point_beyond_the_edge_starts_stretched(monkeypatch):
    # FreeMeixner on a Student-t(2.5) spectrum: the spike iteration admits back points lying beyond the edge of the
    # previous fit (the edge creeps outwards one point at a time), whose optimum has log L = -inf on the new bulk.
    # The refit then starts from that optimum stretched over the admitted point: the same fit (the optimiser's
    # certified optimum) in fewer likelihood evaluations than from the summary starts
    import freecalc.fitting.spikes as spikes
    from freecalc.fitting.options import FitOptions

    w = np.random.default_rng(1).standard_t(2.5, size=(1200, 300))
    x = np.linalg.eigvalsh(w.T @ w / 1200)
    model = Model.build(family_of(fc.FreeMeixner), ScaleOption.AUTO, None)
    opts = FitOptions()
    plain, stretch = spikes.plain_fit, spikes._stretched_start

    def run(with_stretch):
        evaluations, stretched = [0], []

        def counting(*a, **k):
            res, lik = plain(*a, **k)
            evaluations[0] += res.evaluations
            return res, lik

        def recording(model_, theta, upper):
            out = stretch(model_, theta, upper)
            stretched.append(out is not None)
            return out if with_stretch else None

        monkeypatch.setattr(spikes, "plain_fit", counting)
        monkeypatch.setattr(spikes, "_stretched_start", recording)
        bf = spikes.robust_bulk_fit(model, x, 1e-12, x.size, spikes.summary_starts_for(model, 1e-12), opts.spikes,
                                    opts.optimizer)
        return bf, evaluations[0], stretched

    bf, n_eval, stretched = run(True)
    ref, n_ref, _ = run(False)
    assert len(stretched) >= 2 and all(stretched)  # measured: 4 refits after admitting a point beyond the edge
    assert np.array_equal(bf.spikes, ref.spikes)
    for name, v in ref.mle.theta.items():
        # both certified by Newton from different starts: measured agreement 4e-11 relative
        assert bf.mle.theta[name] == pytest.approx(v, rel=1e-8)
    assert n_eval < n_ref  # measured 1163 against 1388
