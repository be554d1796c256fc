"""Free entropy and free Fisher information (freecalc/information.py): closed forms, identities, an independent
quadrature route."""
import math

import numpy as np
import pytest
from scipy import integrate

import freecalc as fc
from freecalc import information as I

LAWS = [fc.MarchenkoPastur(0.5), fc.Wachter(2, 3), fc.KestenMcKay(3), fc.FreeMeixner(1, 1, 0.5), fc.HTMP(0.5, 2),
        fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5))]


@pytest.mark.parametrize("r", [0.3, 2.0, 5.0])
def test_semicircle_maximises_entropy_at_its_variance(r):
    var = r * r / 4
    assert fc.free_entropy(fc.Semicircle(r)) == pytest.approx(0.5 * math.log(2 * math.pi * math.e * var), abs=1e-12)
    assert fc.free_fisher_information(fc.Semicircle(r)) == pytest.approx(1 / var, rel=1e-12)


@pytest.mark.parametrize("r", [0.3, 2.0, 5.0])
def test_generic_route_reproduces_the_semicircle_closed_form(r):
    # the Chebyshev-moment route knows nothing of the registered closed form
    law = fc.Semicircle(r)
    assert I.log_energy(law) + I.CHI_CONSTANT == pytest.approx(fc.free_entropy(law), abs=1e-10)


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_dilation_identities(law):
    for a in (3.0, 0.25):
        assert fc.free_entropy(a * law) == pytest.approx(fc.free_entropy(law) + math.log(a), abs=1e-8)
        assert fc.free_fisher_information(a * law) == pytest.approx(fc.free_fisher_information(law) / a ** 2,
                                                                    rel=1e-8)
    assert fc.free_entropy(law + 1.5) == pytest.approx(fc.free_entropy(law), abs=1e-8)  # translation invariant


@pytest.mark.slow  # a nested adaptive quadrature of scalar pdf calls: 5-15 s per law
@pytest.mark.parametrize("law", [fc.MarchenkoPastur(0.5), fc.Wachter(2, 3)], ids=repr)
def test_log_energy_against_nested_adaptive_quadrature(law):
    (a, b), = law.support

    def potential(x):
        left = integrate.quad(lambda t: math.log(abs(x - t)) * float(law.pdf(t)), a, x, limit=200, epsabs=1e-13)[0]
        right = integrate.quad(lambda t: math.log(abs(x - t)) * float(law.pdf(t)), x, b, limit=200, epsabs=1e-13)[0]
        return left + right

    ref = integrate.quad(lambda x: potential(x) * float(law.pdf(x)), a, b, limit=100, epsabs=1e-10)[0]
    assert I.log_energy(law) == pytest.approx(ref, abs=1e-9)


def test_marchenko_pastur_half_has_energy_minus_log_two():
    # found by the routes above and reproduced by both: ∬ log|s − t| dμ dμ = −log 2 for MP(1/2)
    assert I.log_energy(fc.MarchenkoPastur(0.5)) == pytest.approx(-math.log(2), abs=1e-10)


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_fisher_information_against_adaptive_quadrature(law):
    ref = sum(integrate.quad(lambda t: float(law.pdf(t)) ** 3, a, b if math.isfinite(b) else np.inf,
                             limit=400, epsabs=1e-13)[0] for a, b in law.support)
    assert fc.free_fisher_information(law) == pytest.approx(4 * math.pi ** 2 / 3 * ref, rel=1e-7)


def test_atoms_and_non_cube_integrable_densities():
    assert fc.free_entropy(fc.MarchenkoPastur(2.0)) == -math.inf
    assert fc.free_fisher_information(fc.MarchenkoPastur(2.0)) == math.inf
    # HTMP's density diverges like x^A at 0; A = κ/(2γ) − κ/2 − 1 = −0.9 for (γ, κ) = (0.5, 0.2): ρ ∉ L³
    assert fc.free_fisher_information(fc.HTMP(0.5, 0.2)) == math.inf


def test_semicircle_is_the_maximiser_at_fixed_variance():
    for law in LAWS:
        sc = fc.Semicircle(2 * math.sqrt(law.var()))
        assert fc.free_entropy(law) < fc.free_entropy(sc)
        assert fc.free_fisher_information(law) > fc.free_fisher_information(sc)


def test_bad_input():
    with pytest.raises(TypeError, match="Law"):
        fc.free_entropy(np.ones(3))
