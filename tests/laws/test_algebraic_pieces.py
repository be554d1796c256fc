"""Support pieces and Puiseux cycle lengths at their ends (freecalc/laws/algebraic_pieces.py): the local rule of
freecalc/numerics/monodromy.py against the numerical monodromy on the ends of derived curves, and the fallback where
the rule cannot decide."""
import warnings

import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.algebraic_pieces import (end_cycle_length, local_end_cycle_length, monodromy_end_cycle_length,
                                           piece_ends)

E = fc.Method.EXACT


def _ends(law):
    n = law._numeric
    cuts = np.array(n.candidates)
    ends = sorted({float(e) for a, b in n.support for e in [a, b, *[c for c in cuts if a < c < b]]})
    return ends, cuts, max(n.bound, 1e-12)


def _benchmark_laws():
    # the three cases of benchmarks/bench_algebra.py
    left = fc.free_add(fc.Semicircle(2.0), fc.Atoms([-2.0, 0.0, 1.0], [0.25, 0.5, 0.25]), method=E)
    right = fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25), method=E)
    return [fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=E), right,
            fc.free_add(left, right, method=E)]


def _compare(law):
    """(ends decided locally, ends left to the monodromy); fails on any disagreement."""
    ends, cuts, scale = _ends(law)
    decided = undecided = 0
    for e in ends:
        r = local_end_cycle_length(law, e, cuts, scale)
        mono = monodromy_end_cycle_length(law, e, cuts, scale)
        if r is None:
            undecided += 1
        else:
            assert r == mono, (law, e, r, mono)
            decided += 1
        assert end_cycle_length(law, e, cuts, scale) == mono
    return decided, undecided


def test_local_rule_decides_every_end_of_the_benchmark_cases():
    # square-root edges (2-cycles) and the composite's kinks where the Stieltjes sheet is analytic (1-cycles): all
    # eight ends are smooth double points or simple roots, so none needs the monodromy
    counts = [_compare(law) for law in _benchmark_laws()]
    assert counts == [(2, 0), (2, 0), (4, 0)]


@pytest.mark.parametrize("make", [
    lambda: fc.free_mul(fc.FreeBessel(2, 0.25), fc.Semicircle(2.5, 0.75), method=E),
    lambda: fc.free_add(fc.FreeMeixner(1.25, 0.5, 1.25), fc.FreeMeixner(-1, 1, 2.5), method=E),
    lambda: fc.free_add(fc.Semicircle(2.25), fc.ChiralBlock(0.75, 0, 2.25), method=E),
    lambda: fc.free_add(fc.Atoms([1.0, 1.5], [0.5, 0.5]), fc.MarchenkoPastur(2.5, 1.25), method=E),
    lambda: fc.free_mul(fc.FussCatalan(2), fc.MarchenkoPastur(0.25, 1.75), method=E),
])
def test_local_rule_agrees_with_monodromy(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        law = make()
    decided, _ = _compare(law)
    assert decided >= 2  # both outer edges at least


@pytest.mark.slow
def test_local_rule_agrees_with_monodromy_on_random_pairs():
    # ~30 seeded ⊞/⊠ pairs of named laws: every end the rule decides has the monodromy's cycle length
    rng = np.random.default_rng(1)
    names = ["Semicircle", "MarchenkoPastur", "FreeMeixner", "ShiftedFreeMeixner", "Arcsine", "ChiralBlock",
             "FussCatalan", "FreeBessel", "Atoms"]

    def named(name):
        if name == "Atoms":
            loc = sorted({float(v) for v in rng.integers(-4, 5, size=rng.integers(1, 3)) / 2})
            return fc.Atoms(loc, [1.0 / len(loc)] * len(loc))
        cls = getattr(fc, name)
        args = []
        for p in cls.parameters:
            lo, hi = p.typical
            integer = name == "FussCatalan" or (name == "FreeBessel" and p.name == "s")
            args.append(float(rng.integers(int(np.ceil(lo)), int(hi) + 1)) if integer
                        else round(float(rng.uniform(lo, hi)) * 4) / 4)
        return cls(*args)

    decided = laws = 0
    for _ in range(30):
        a, b = named(names[rng.integers(len(names))]), named(names[rng.integers(len(names))])
        op = fc.free_add if rng.random() < 0.6 else fc.free_mul
        # the derivation and the continuation of some pairs warn (flagged points of their own); the cycle lengths
        # are compared all the same
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                law = op(a, b, method=E)
            except ValueError:  # ⊠ of a law that is not on [0, inf) or has mean 0
                continue
            if not isinstance(law, fc.AlgebraicLaw):  # two semicircles add in closed form
                continue
            laws += 1
            decided += _compare(law)[0]
    assert laws >= 20 and decided >= 70  # 25 laws, 78 of their 92 ends decided locally with this seed


def test_fallback_at_atoms_and_power_law_ends():
    # an atom inside the support (its continuous part's end, on the deflated curve), and the power-law ends of
    # MP(1) + 2 (x^(-1/2)) and of FussCatalan(2) ⊠ MP (x^(-2/3)), where m has a pole: the rule leaves all three to the
    # monodromy
    atom = fc.free_mul(fc.FreeBessel(3, 0.25), fc.ChiralBlock(0.5, 1.0, 1.0), method=E)
    assert (0.0, pytest.approx(0.75)) in [(a, w) for a, w in atom.atoms]
    shifted = fc.free_add(fc.FussCatalan(1), fc.Atoms([2.0], [1.0]), method=E)
    power = fc.free_mul(fc.FussCatalan(2), fc.MarchenkoPastur(0.25, 1.75), method=E)
    for law, e, r in ((atom, 0.0, 1), (shifted, 2.0, 2), (power, 0.0, 3)):
        ends, cuts, scale = _ends(law)
        assert e in ends
        assert local_end_cycle_length(law, e, cuts, scale) is None
        assert end_cycle_length(law, e, cuts, scale) == r


def test_power_edges_need_no_cycle_lengths():
    # the piece ends alone decide where power-law edges are looked for: the cycle lengths (wanted by the quadrature
    # rule only) are not computed on the way
    law = fc.free_mul(fc.FussCatalan(2), fc.MarchenkoPastur(0.25, 1.75), method=E)
    assert set(law._power_edges) == {(0.0, 1)}
    assert "_pieces" not in law.__dict__
    assert [p[:2] for p in law._pieces] == list(piece_ends(law))
    assert law._pieces[0][2] == 3  # the x^(-2/3) end
