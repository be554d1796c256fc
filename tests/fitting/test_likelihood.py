import math
from dataclasses import replace

import numpy as np
import pytest

import freecalc as fc
from freecalc.fitting.families import family_of, registered
from freecalc.fitting.likelihood import Likelihood, Model, tail_mass
from freecalc.fitting.options import ScaleOption

# (law, parameter points) for the law classes' own kernels, which the likelihood evaluates
FAST_CASES = [
    (fc.MarchenkoPastur, [dict(c=0.3, sigma2=1.7), dict(c=1.0, sigma2=0.5), dict(c=2.5, sigma2=1.2)]),
    (fc.Semicircle, [dict(r=0.7, center=-0.4), dict(r=3.0, center=2.0)]),
    (fc.KestenMcKay, [dict(d=2.3), dict(d=7.0)]),
    (fc.Wachter, [dict(a=0.5, b=3.0), dict(a=2.0, b=0.6), dict(a=1.5, b=2.5)]),
    (fc.HTMP, [dict(gamma=0.3, kappa=2.0), dict(gamma=0.6, kappa=0.7)]),
    (fc.InverseHTMP, [dict(gamma=0.3, kappa=2.0), dict(gamma=0.5, kappa=5.0)]),
    # no atom; one atom (c < 1, a > (2 − c)√b); two atoms (c > 2, |a| < (c − 2)√b); c > 1 without atoms
    (fc.FreeMeixner, [dict(a=0.5, b=1.0, c=0.7), dict(a=2.0, b=1.0, c=0.5), dict(a=0.3, b=1.0, c=3.0),
                      dict(a=-0.3, b=0.8, c=1.6)]),
]


@pytest.mark.parametrize("cls,points", FAST_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_kernels_agree_with_the_laws(cls, points):
    fam = family_of(cls)
    assert cls.kernels is not None
    for p in points:
        law, fast = cls(**p), fam.kernel_law(p)
        a, b = law.support[0]
        hi = b if math.isfinite(b) else law.ppf(0.999)
        x = np.linspace(a - 0.1 * abs(a) - 0.1, hi + 0.1, 701)
        # same closed forms evaluated in a different order: 1e-12 relative, plus 1e-300 for exact zeros
        np.testing.assert_allclose(fast.pdf(x), law.pdf(x), rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(np.array(fast.support), np.array(law.support), rtol=1e-12)
        assert len(fast.atoms) == len(law.atoms)
        for (la, lm), (fa, fm) in zip(law.atoms, fast.atoms):
            assert fa == pytest.approx(la, abs=1e-12) and fm == pytest.approx(lm, rel=1e-12)


@pytest.mark.parametrize("cls,points", FAST_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_kernels_broadcast_over_parameters(cls, points):
    # numba-stats convention: pdf(x, *params) with array parameters equals the scalar calls point by point
    x = np.array([0.3, 0.9, 1.7])
    names = [p.name for p in cls.parameters]
    cols = [np.array([pt[n] for pt in points])[:, None] for n in names]
    both = cls.kernels.pdf(x[None, :], *cols)
    assert both.shape == (len(points), x.size)
    for row, pt in zip(both, points):
        np.testing.assert_array_equal(row, cls.kernels.pdf(x, *(pt[n] for n in names)))


def test_kernel_law_rejects_parameters_out_of_domain():
    with pytest.raises(ValueError, match="'c' = -1"):
        family_of(fc.MarchenkoPastur).kernel_law({"c": -1.0, "sigma2": 1.0})
    with pytest.raises(ValueError, match="a \\+ b > 1"):
        family_of(fc.Wachter).kernel_law({"a": 0.3, "b": 0.5})


def test_every_named_law_is_registered():
    names = {f.name for f in registered()}
    assert {"MarchenkoPastur", "Semicircle", "KestenMcKay", "Wachter", "FreeMeixner", "HTMP",
            "InverseHTMP"} <= names


def test_atom_points_count_against_the_atom_not_the_density():
    law = fc.MarchenkoPastur(2.0, 1.0)  # atom 1/2 at 0
    rng = np.random.default_rng(1)
    cont = np.sort(law.ppf(0.5 + 0.5 * rng.random(200)))
    x = np.concatenate([np.zeros(200), cont])
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    lik = Likelihood(model, x, zero_tol=1e-12)
    expected = 200 * math.log(0.5) + np.sum(np.log(law.pdf(cont)))
    assert lik.loglik_theta({"c": 2.0, "sigma2": 1.0}) == pytest.approx(expected, rel=1e-12)
    # a law without the atom cannot explain exact zeros: -inf, never NaN
    assert lik.loglik_theta({"c": 0.5, "sigma2": 1.0}) == -math.inf


def test_added_scale_and_location_enter_as_affine_map():
    model = Model.build(family_of(fc.KestenMcKay), ScaleOption.AUTO, None)
    assert model.free == ("d", "scale", "loc")
    x = np.sort(fc.KestenMcKay(3.0).rvs(100, rng=2) * 2.0 + 1.0)
    lik = Likelihood(model, x, zero_tol=1e-12)
    direct = np.sum(np.log(fc.KestenMcKay(3.0).pdf((x - 1.0) / 2.0) / 2.0))
    assert lik.loglik_theta({"d": 3.0, "scale": 2.0, "loc": 1.0}) == pytest.approx(direct, rel=1e-12)


def test_tail_mass_matches_cdf():
    law = fc.MarchenkoPastur(0.4, 1.3)
    for u in (0.5, 1.5, 2.9, law.support[0][1] - 1e-3):
        # 48-node Gauss–Legendre after the edge substitution vs the law's composite cdf: 1e-9
        assert tail_mass(law, u) == pytest.approx(1.0 - law.cdf(u), abs=1e-9)
    assert tail_mass(law, 100.0) == 0.0


def test_exact_zeros_need_an_atom_and_atoms_need_positive_mass():
    class _Law:  # a continuous law with a density peak at 0 and an optional atom
        def __init__(self, atoms):
            self.atoms = atoms
            self.support = ((0.0, 10.0),)

        def pdf(self, x):
            return np.where((x >= 0) & (x < 10), 0.1, 0.0)

    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.NONE, {"sigma2": 1.0})
    x = np.concatenate([np.zeros(5), np.linspace(1, 9, 20)])
    lik = Likelihood(model, x, zero_tol=1e-12)
    assert lik._atom_hits(_Law(()), 1.0, 0.0) is None  # 5 exact zeros, no atom: probability 0
    assert lik._atom_hits(_Law(((0.0, -1e-8),)), 1.0, 0.0) is None  # negative mass: not a law
    assert lik._atom_hits(_Law(((0.0, 0.2),)), 1.0, 0.0) == [(0, 5, 0.2)]
    floored = replace(model, floor=0.0)
    law = _Law(((0.0, 0.2),))
    law.support = ((-0.5, 10.0),)
    assert Likelihood(floored, x, zero_tol=1e-12)._atom_hits(law, 1.0, 0.0) is None  # support below the floor


def test_binned_likelihood_close_to_exact():
    from freecalc.fitting.likelihood import BIN_THRESHOLD

    model = Model.build(family_of(fc.HTMP), ScaleOption.AUTO, None)
    x = np.sort(fc.HTMP(0.5, 2.0).rvs(BIN_THRESHOLD + 10_000, rng=5))
    lik = Likelihood(model, x, zero_tol=1e-300)
    assert lik.binned
    for th in ({"gamma": 0.5, "kappa": 2.0, "scale": 1.0}, {"gamma": 0.4, "kappa": 3.0, "scale": 1.1}):
        # interpolation error of log ρ between ~6000 nodes: measured 0.01–0.03 log-likelihood units at 2e5 points
        assert abs(lik.loglik_theta(th) - lik.exact().loglik_theta(th)) < 0.1


def test_coarse_likelihood_is_a_close_binned_copy():
    from freecalc.fitting.likelihood import COARSE_MIN_POINTS

    model = Model.build(family_of(fc.InverseHTMP), ScaleOption.AUTO, None)
    x = np.sort(2.0 * fc.InverseHTMP(0.3, 2.0).rvs(600, rng=3))
    lik = Likelihood(model, x, zero_tol=1e-300)
    coarse = lik.coarse()
    assert coarse is not None and coarse.binned and not lik.binned
    for th in ({"gamma": 0.3, "kappa": 2.0, "scale": 2.0}, {"gamma": 0.25, "kappa": 2.5, "scale": 2.2}):
        # it only has to guide the coarse simplex into Newton's basin: log L within 1 % (measured 0.2–0.4 %)
        exact = lik.loglik_theta(th)
        assert abs(coarse.loglik_theta(th) - exact) < 0.01 * abs(exact)
    # a censored likelihood (the spike-robust first pass of a law with a finite edge) keeps its censored term:
    # binned + the same exact tail term
    mp = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    y = np.sort(fc.MarchenkoPastur(0.3).rvs(600, rng=4))
    cens = Likelihood(mp, y, 1e-300, censor=5)
    th = {"c": 0.3, "sigma2": 1.02}
    full = cens.loglik_theta(th)
    assert math.isfinite(full) and abs(cens.coarse().loglik_theta(th) - full) < 0.01 * abs(full)
    # not for small or zero-containing data
    assert Likelihood(model, x[: COARSE_MIN_POINTS - 1], 1e-300).coarse() is None
    assert Likelihood(model, np.concatenate([[0.0], x]), 1e-300).coarse() is None


def test_free_meixner_kernels_are_the_law_bit_for_bit():
    # the closed-form kernel repeats the law's floating-point operations: pdf, support and atoms are identical, so
    # the fit's numbers do not depend on which of the two the likelihood evaluates
    rng = np.random.default_rng(1)
    for _ in range(60):
        a, b, c = rng.normal() * 2, math.exp(rng.normal()), math.exp(1.5 * rng.normal())
        law, fast = fc.FreeMeixner(a, b, c), fc.FreeMeixner.kernel_law(a, b, c)
        lo, hi = law.support[0]
        x = np.concatenate([np.linspace(lo - 1, hi + 1, 101), rng.uniform(lo, hi, 30)])
        np.testing.assert_array_equal(fast.pdf(x), law.pdf(x))
        with np.errstate(divide="ignore"):
            np.testing.assert_array_equal(fast.logpdf(x), np.log(law.pdf(x)))
        assert fast.support == law.support and fast.atoms == law.atoms


def test_free_meixner_kernel_rejects_exactly_what_the_law_rejects():
    # parameters next to an atom threshold a = ±(2 − c)√b, where the law refuses a pole within round-off of an
    # edge (and a sample of extreme b): the kernel's cheap check must neither let one through nor refuse more
    rng = np.random.default_rng(2)
    refused = 0
    for _ in range(400):
        b, c = math.exp(rng.normal()), math.exp(3 * rng.normal())
        a = rng.choice([-1, 1]) * (2 - c) * math.sqrt(b) * (1 + rng.choice([0, 1, -1]) * 10 ** rng.uniform(-17, -3))
        if rng.random() < 0.1:
            b = 10 ** rng.uniform(-30, 30)
        try:
            fc.FreeMeixner(a, b, c)
            law_ok = True
        except ValueError:
            law_ok = False
        try:
            fc.FreeMeixner.kernel_law(a, b, c)
            kernel_ok = True
        except ValueError:
            kernel_ok = False
        assert kernel_ok == law_ok, (a, b, c)
        refused += not law_ok
    assert refused > 10  # the sample does reach the refused region


def test_free_meixner_likelihood_equals_the_law_likelihood(monkeypatch):
    # log L through the kernels equals log L through a law object built per evaluation (the path without kernels)
    rng = np.random.default_rng(3)
    x = np.sort(fc.FreeMeixner(0.5, 1.0, 0.7).rvs(400, rng=rng)) + 2.0
    model = Model.build(family_of(fc.FreeMeixner), ScaleOption.AUTO, None)
    thetas = [dict(a=0.5, b=1.0, c=0.7, loc=2.0), dict(a=0.4, b=1.2, c=0.9, loc=2.05),
              dict(a=0.1, b=0.3, c=0.7, loc=2.0), dict(a=2.5, b=1.0, c=0.5, loc=1.0)]
    fast = [Likelihood(model, x, 1e-12).loglik_theta(t) for t in thetas]
    monkeypatch.setattr(fc.FreeMeixner, "kernels", None)
    slow = [Likelihood(model, x, 1e-12).loglik_theta(t) for t in thetas]
    assert fast == slow
    assert math.isfinite(fast[0]) and fast[2] == -math.inf  # a support too narrow for the data: −∞ on both paths
