"""mixture: block-diagonal matrix model, exact curve against the components, bad input."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.operations.mixture import MixtureLaw
from freecalc.testing import check_law


def _ks(sample, law):
    x = np.sort(np.asarray(sample))
    i = np.arange(1, x.size + 1)
    F = law.cdf(x)
    return float(max(np.max(i / x.size - F), np.max(F - (i - 1) / x.size)))


def test_mixture_block_diagonal():
    parts = [fc.Semicircle(1.0), fc.MarchenkoPastur(0.5)]
    law = fc.mixture(parts, [0.25, 0.75])
    assert isinstance(law, MixtureLaw)
    eig = np.linalg.eigvalsh(law.matrix(1200, rng=5))
    assert _ks(eig, law) < 0.03  # blocks 300 and 900: rigid spectra, edge fluctuations
    assert abs(law.mean() - 0.75) < 1e-12
    assert fc.mixture([parts[0]], [1.0]) is parts[0]


def test_exact_curve_matches_components():
    law = fc.mixture([fc.Semicircle(1.0), fc.MarchenkoPastur(0.5)], [0.3, 0.7])
    check_law(law)
    alg = fc.to_algebraic(law)
    z = np.array([0.3 + 0.5j, -1.0 + 0.1j, 2.0 + 1e-3j, 10.0 + 1.0j])
    # the curve's branch continuation vs the components' closed forms: rounding and continuation (1e-10)
    assert np.allclose(alg.stieltjes(z), law.stieltjes(z), rtol=1e-10, atol=1e-12)
    x = np.linspace(-0.95, 2.9, 21)
    assert np.allclose(alg.pdf(x), law.pdf(x), rtol=1e-9, atol=1e-12)


def test_numeric_component():
    emp = fc.Empirical(np.array([0.0, 1.0, 2.0, 3.0]))
    law = fc.mixture([emp, fc.Semicircle(1.0)], [0.5, 0.5])
    assert not law.is_algebraic and abs(law.mean() - 0.75) < 1e-12
    assert abs(law.cdf(0.0) - (0.5 * 0.25 + 0.5 * 0.5)) < 1e-12


def test_bad_input():
    sc = fc.Semicircle(2.0)
    with pytest.raises(ValueError, match="sum to"):
        fc.mixture([sc, sc], [0.5, 0.6])
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        fc.mixture([sc, sc], [1.5, -0.5])
    with pytest.raises(ValueError, match="one weight per law"):
        fc.mixture([sc, sc], [1.0])
    with pytest.raises(TypeError, match=r"laws\[1\]"):
        fc.mixture([sc, 2.0], [0.5, 0.5])
