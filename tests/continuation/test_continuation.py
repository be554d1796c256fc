"""Joukowski map, second-sheet rule (sign checked against the exact MP law), rational fits, pole repair."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.continuation import Joukowski, RationalCauchy, fit_rational, second_sheet, split_outliers
from freecalc.continuation.logmodel import LogRationalCauchy
from freecalc.continuation.pade import POLE_MARGIN, _repair, chebyshev_u_moments, taylor_coefficients

LAM = 0.02
A0, B0 = (1 - LAM ** 0.5) ** 2, (1 + LAM ** 0.5) ** 2


def mp_exact_second_sheet(z):
    """Other root of the MP quadratic λ z m² − (1 − λ − z) m + 1 = 0 (i.e. not the Stieltjes branch)."""
    m1 = fc.MarchenkoPastur(LAM).stieltjes(z)
    # product of the roots is 1/(λ z)
    return 1.0 / (LAM * z * m1)


def mp_density_continued(z):
    # ρ(x) = √((b − x)(x − a))/(2πλx), continued from the support into Im z < 0 with the branch that is positive
    # on the support: √((b − z)(z − a)) = i·√(z − a)√(z − b) for Im z < 0 just below the cut
    return 1j * np.sqrt(z - A0) * np.sqrt(z - B0) / (2 * np.pi * LAM * z)


def test_joukowski_roundtrip():
    J = Joukowski(-1.0, 3.0)
    z = np.array([5 + 0j, -3, 1 + 1j, 1 - 1j, 2.0, 1e7 + 1j])
    u = J.u(z)
    assert np.all(np.abs(u) <= 1 + 1e-15)
    # physical upper half plane ↔ Im u < 0; real points inside the support read as z + i0
    assert u[2].imag < 0 and u[3].imag > 0 and u[4].imag < 0
    assert np.allclose(J.z(u), z, rtol=1e-13, atol=1e-12)
    with pytest.raises(ValueError):
        Joukowski(1.0, 1.0)


def test_second_sheet_sign_against_exact_mp():
    z = np.array([1.0 - 0.05j, 0.8 - 0.3j, 1.25 - 0.01j, 0.5 - 0.2j])
    m1 = np.conj(fc.MarchenkoPastur(LAM).stieltjes(np.conj(z)))
    rule = second_sheet(lambda w: m1, mp_density_continued, z)
    # the exact second sheet and the rule m_II = m_I + 2πiρ̂ agree to rounding (with '−' they would not)
    assert np.allclose(rule, mp_exact_second_sheet(z), rtol=1e-12)
    assert not np.allclose(m1 - 2j * np.pi * mp_density_continued(z), mp_exact_second_sheet(z), rtol=1e-3)
    with pytest.raises(ValueError, match="below the support"):
        second_sheet(lambda w: w, lambda w: w, np.array([1 + 1j]))


def test_rational_model_is_exact_for_mp():
    # MP(λ) in the Joukowski variable: G = u/(h(1 + √λ u)), i.e. P/Q = 1/(1 + √λ u)
    model = RationalCauchy(A0, B0, np.array([1.0]), np.array([1.0, LAM ** 0.5]))
    z = np.array([1.0 + 0.1j, 0.3 + 0.0j, 2.0 + 1j])
    assert np.allclose(model.stieltjes_first(z), fc.MarchenkoPastur(LAM).stieltjes(z), rtol=1e-13)
    zl = np.array([1.0 - 0.05j, 0.8 - 0.3j])
    assert np.allclose(model.stieltjes_second(zl), mp_exact_second_sheet(zl), rtol=1e-12)
    x = np.linspace(A0, B0, 7)[1:-1]
    assert np.allclose(model.density(x), fc.MarchenkoPastur(LAM).pdf(x), rtol=1e-12)
    assert np.all(np.abs(model.poles()) > 1)  # the pole −1/√λ lies on the second sheet


def test_fit_recovers_mp_from_quadrature():
    law = fc.MarchenkoPastur(LAM)
    x, w = law.continuous_rule()
    model, rep = fit_rational(x, weights=w / w.sum(), support=law.support[0], n_eff=1e8)
    assert rep.degree == (0, 1)
    # quadrature of the exact density: coefficients exact to ~1e-12
    assert model.q[1] == pytest.approx(LAM ** 0.5, rel=1e-9)
    assert model.p[0] == pytest.approx(1.0, abs=1e-12)


def test_chebyshev_moments_are_taylor_coefficients():
    # c_k of a point mass at x are U_k(x̃); the Taylor coefficients of h G(u)/u are those of 1/(1 − 2x̃u + u²)
    c = chebyshev_u_moments(np.array([0.3]), -1.0, 1.0, 6)
    t = taylor_coefficients(np.array([1.0]), np.array([1.0, -0.6, 1.0]), 6)
    assert np.allclose(c, t, rtol=1e-13)


def test_pole_repair_moves_poles_off_the_disc():
    cs = taylor_coefficients(np.array([1.0]), np.array([1.0, 0.3]), 12)
    q_bad = np.poly([0.5, 4.0])[::-1]  # a pole at u = 0.5: on the physical sheet
    q_bad = q_bad / q_bad[0]
    w = 1000.0 / (np.arange(13) + 1.0)
    p, q = _repair(cs, np.array([1.0, 0.0]), q_bad, 1, w, 1.0)
    assert np.all(np.abs(np.roots(q[::-1])) >= 1 + POLE_MARGIN - 1e-12)
    assert p[0] == 1.0


def test_fit_rejects_impossible_models():
    # two well-separated clumps: a single-interval square-root model with a non-negative density cannot fit
    x = np.concatenate([np.linspace(0, 1, 200), np.linspace(10, 11, 200)])
    with pytest.raises(ValueError, match="no rational model"):
        fit_rational(x, degree=(3, 3))


def test_log_model_sheets():
    inner = RationalCauchy(-3.0, 1.0, np.array([1.0]), np.array([1.0, 0.3]))
    L = LogRationalCauchy(inner)
    th = np.linspace(0, np.pi, 200001)[1:-1]
    s = inner.map.c + 2 * inner.map.h * np.cos(th)
    ds = inner.density(s) * 2 * inner.map.h * np.sin(th) * (th[1] - th[0])
    z = np.array([0.5 + 0.3j, 2 + 1j, 0.05 + 0.01j])
    direct = np.array([np.sum(ds / (np.exp(s) - zz)) for zz in z])
    # singularity-subtracted quadrature vs a brute-force 2e5-point sum (accurate to ~1e-9 at these distances)
    assert np.allclose(L.stieltjes_first(z), direct, rtol=1e-8)
    zl = np.array([0.5 - 0.1j, 1.2 - 0.3j])
    rho_hat = inner.density_continued(np.log(zl)) / zl
    m1 = np.conj(L.stieltjes_first(np.conj(zl)))
    assert np.allclose(L.stieltjes_second(zl), m1 + 2j * np.pi * rho_hat, rtol=1e-12)


def test_split_outliers_rule():
    x = np.concatenate([np.linspace(0, 1, 100), [5.0, -4.0]])
    bulk, out = split_outliers(x)
    assert sorted(out) == [-4.0, 5.0] and bulk.size == 100
    assert split_outliers(x, 0)[1].size == 0
    with pytest.raises(ValueError):
        split_outliers(x, -1)


def test_log_model_edge_beyond_float_range_is_inf_without_warning():
    # a wild log-variable fit (edge s_b > log(max float)) is reported with b = inf by its caller, never an overflow
    import warnings

    from freecalc.continuation import logmodel

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert logmodel._exp_edge(800.0) == float("inf")
        assert logmodel._exp_edge(2.0) == pytest.approx(7.38905609893065, rel=1e-15)
