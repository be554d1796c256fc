"""The vectorised secant solver of the numpy route (freecalc/operations/subordination_solver.py)."""
import numpy as np

from freecalc.operations.subordination_solver import _newton_step_small, _polish_imag, project_upper, solve_vectorised


def _m_sc2(w):
    # semicircle of radius 2, principal branch
    return (-w + np.sqrt(w - 2 + 0j) * np.sqrt(w + 2 + 0j)) / 2


def _residual(lam, w):
    # SC(2) ⊞ SC(2): by symmetry ω_a = ω_b = ω with 2ω = z + 1/G_a(ω), G = −m
    m = _m_sc2(w)
    return w - 0.5 * (lam - 1.0 / m), m


def test_solves_semicircle_sum_against_closed_form():
    lam = np.linspace(-3.5, 3.5, 57) + 0.3j
    sol = solve_vectorised(_residual, lambda L: L.imag, lambda L: L, lam, eta0=2.0, etamin=1e-3, tol=1e-13,
                           maxiter=200)
    exact = (-lam + np.sqrt(lam - np.sqrt(8) + 0j) * np.sqrt(lam + np.sqrt(8) + 0j)) / 4  # SC(2√2)
    assert sol.converged.all()
    # 1e-10: the secant iteration stops at a step of tol·(1 + |ω|); the map is a contraction here
    assert np.max(np.abs(sol.m - exact)) < 1e-10


def test_project_upper_keeps_the_floor():
    w = np.array([1 - 1e-17j, 2 + 3j])
    out = project_upper(w, np.array([0.0, 1.0]))
    assert out[0].imag == 0.0 and out[1] == 2 + 3j


def _noisy(f):
    # adds noise of ~300 ulps of |ω| (as far in a heavy tail, where the residual adds terms of size |ω| computed from
    # an input with its own rounding); sin of ~1e21 takes a different value at every representable ω
    def res(lam, w):
        return f(lam, w) + 300 * np.finfo(float).eps * np.abs(w) * np.sin(1e7 * (w.real + w.imag)), -1.0 / w
    return res


def test_newton_step_certifies_a_root_at_the_noise_floor():
    root = np.array([1e14 + 3e7j, -2e12 + 5e5j, 7e9 + 40j])
    lam = root.real + 0j

    def at(lam):  # the root belonging to each λ (the certification evaluates the residual at stacked copies)
        return np.tile(root, lam.size // root.size)

    simple = _noisy(lambda lam, w: w - at(lam))
    # at the root (residual = the noise, above the 16-ulp rounding test) and 1e-13|ω| away: certified
    for w in (root, root * (1 + 1e-13)):
        f, _ = simple(lam, w)
        ok, evals = _newton_step_small(simple, lam, w, f, 1e-12)
        assert ok.all() and np.all(evals == 2)
    # 1e-10|ω| away the Newton step is 1e-10|ω| > tol·|ω|: not converged
    w = root * (1 + 1e-10)
    f, _ = simple(lam, w)
    assert not _newton_step_small(simple, lam, w, f, 1e-12)[0].any()
    # next to a double root (f = (ω − ω*)²/|ω*|, an edge) 1e-7|ω| away, the residual ~1e-14|ω| is small but the
    # finite-difference slopes disagree (δ is not small against the distance): not certified
    double = _noisy(lambda lam, w: (w - at(lam)) ** 2 / np.abs(at(lam)))
    w = root + 1e-7 * np.abs(root)
    f, _ = double(lam, w)
    assert not _newton_step_small(double, lam, w, f, 1e-12)[0].any()


def _floor0(lam):
    return np.zeros(lam.shape)


def test_polish_resolves_a_tiny_imaginary_part_far_out():
    # far in a heavy tail the root's Im ω ~ |ω|^{1−α} is 1e-20..1e-80 of |ω|: the secant's point (Im ω 1e-17|ω| off, within
    # its tolerance) leaves it unresolved; Im f is exact here and the noise (300 ulps of |ω|) sits in Re f only
    lam = np.array([1e14, -3e20, 5e50]) + 0j
    tiny = np.array([1e-20, 1e-40, 1e-80]) * np.abs(lam)
    res = _noisy(lambda lam, w: w - (lam + 1j * np.tile(tiny, w.size // 3)))
    w0 = lam + 1j * (tiny + 1e-17 * np.abs(lam))
    w, m, conv = _polish_imag(res, _floor0, lam, w0, -1.0 / w0, np.ones(3, dtype=bool), 1e-12)
    assert conv.all()
    # Newton with Re f' from the imaginary direction: Im ω to rounding of itself (1e-8 is the polish's criterion)
    np.testing.assert_allclose(w.imag, tiny, rtol=1e-8)


def _noisy_imag(root_im, amplitude, seed):
    # Im f carries an input's own noise (as m of a numeric law just outside its support), Re f rounding noise
    rng = np.random.default_rng(seed)

    def res(lam, w):
        f = w - (lam + 1j * root_im) + 1j * amplitude * rng.standard_normal(w.shape)
        return f, -1.0 / w
    return res


def test_polish_keeps_a_point_it_cannot_improve_and_flags_one_it_moves():
    # root Im ω = 1e-18 with Im f noise 1e-20: the polish wanders by ~1 % of Im ω and never settles (1e-8)
    lam = np.array([3.0 + 0j, 3.0 + 0j])
    res = _noisy_imag(1e-18, 1e-20, 7)
    # the secant's point within its tolerance (1e-12(1 + |ω|)) of the polish: kept as it was, converged
    w0 = np.array([3.0 + 1.0e-18j, 3.0 + 1.3e-18j])
    w, m, conv = _polish_imag(res, _floor0, lam, w0, -1.0 / w0, np.ones(2, dtype=bool), 1e-12)
    assert conv.all() and np.array_equal(w, w0) and np.array_equal(m, -1.0 / w0)
    # a secant point 1e-9 off in Im ω (beyond the tolerance): the polish moves it and cannot settle it: flagged
    w0 = np.array([3.0 + 1e-9j, 3.0 + 2e-9j])
    w, m, conv = _polish_imag(res, _floor0, lam, w0, -1.0 / w0, np.ones(2, dtype=bool), 1e-12)
    assert not conv.any()
