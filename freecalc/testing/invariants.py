r"""Invariants every numeric law must satisfy, for property-based tests (``tests/properties``).

Unlike :func:`freecalc.testing.check_law` (a fixed battery at tight tolerances for hand-picked laws), these checks
are meant for *randomly drawn* laws and results of operations, so each tolerance allows for the conditioning of
the quantity at hand and says why. Each function raises ``AssertionError`` naming the law and the discrepancy.

Invariants (:func:`check_invariants` runs them all):

* total mass 1, atoms included (quadrature rule of the continuous part + atom masses);
* pdf finite and ≥ 0 everywhere, 0 outside the support;
* the raw cdf (before the public clip to [0, 1]) is non-decreasing, lies in [0, 1] and jumps by the atom masses;
  ``ppf(cdf(x)) = x`` on the continuous part;
* mean and variance equal their quadratures and the first two free cumulants read off the R-transform
  (:math:`R(w) = \kappa_1 + \kappa_2 w + O(w^2)`, an independent route through Newton inversion of m);
* :math:`\Im m(z) > 0` for :math:`\Im z > 0`, :math:`m(\bar z) = \overline{m(z)}`, :math:`z\,m(z) \to -1`;
* the symbolic face agrees with the numeric one: the closed-form m(z) when there is one, else the algebraic
  equation :math:`P(m(z), z) = 0`;
* scalar, 0-d and n-d inputs give outputs of the matching shape and equal values.

Laws whose moments do not exist (heavy tails) are handled by the moment checks themselves: a moment the law
reports as +∞ is not compared with a quadrature that cannot converge, but a NaN is always an error. A moment is
compared with its quadrature only when the moment of twice its order is finite too: a density whose tail makes
x^k ρ(x) barely integrable (x^(-1-ε)) has no fixed-node quadrature accurate to 1e-7, for mathematical reasons.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp

from freecalc.laws.base import Law
from freecalc.symbolic import transforms as T
from freecalc.symbolic.special import lambdify

__all__ = ["check_invariants", "law_scale", "check_mass", "check_density", "check_cdf_ppf", "check_moments",
           "check_stieltjes", "check_symbolic", "check_shapes", "same_law", "upper_points", "check_large_kappa_regime"]


#: Tail levels for the extent of a law with an unbounded support: the first whose quantile is a finite double.
#: A law whose tail exponent is barely above 1 (InverseHTMP with κ(1−γ)/(2γ) ≲ 0.02) has more than 1e-6 of its
#: mass beyond the largest double; its 1e-6 quantile is then correctly +inf, and the checks use a coarser level.
TAIL_LEVELS = (1e-6, 1e-4, 1e-2)


def _finite_tail_quantile(law: Law, lower: bool) -> float:
    for q in TAIL_LEVELS:
        x = float(law.ppf(q if lower else 1 - q))
        if math.isfinite(x):
            return x
    return x


def law_scale(law: Law) -> tuple[float, float, float]:
    """(lo, hi, width): the extent of support and atoms; an infinite end is replaced by a 1e-6 tail quantile.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Returns
    -------
    (lo, hi, width) : tuple of float
    """
    ends: list[float] = []
    for a, b in law.support:
        ends.append(a if math.isfinite(a) else _finite_tail_quantile(law, lower=True))
        ends.append(b if math.isfinite(b) else _finite_tail_quantile(law, lower=False))
    ends += [x for x, _ in law.atoms]
    assert ends, f"{law!r} has neither support nor atoms"
    assert all(math.isfinite(e) for e in ends), f"{law!r}: non-finite support end or atom {ends}"
    lo, hi = min(ends), max(ends)
    return lo, hi, max(hi - lo, 1e-3 * max(1.0, abs(lo), abs(hi)))


def upper_points(law: Law, rng: np.random.Generator, n: int = 40) -> np.ndarray:
    """Points of the upper half plane around the law: across the support, from 1e-6 widths above it to far away.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.
    n : int
        Number of points.

    Returns
    -------
    numpy.ndarray of complex
    """
    lo, hi, w = law_scale(law)
    return rng.uniform(lo - w, hi + w, n) + 1j * w * 10.0 ** rng.uniform(-6, 1, n)


def check_mass(law: Law) -> None:
    """Total mass 1 (quadrature of the continuous part plus the atoms), atoms in (0, 1].

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    _, ws = law.continuous_rule()
    atoms = law.atoms
    total = float(np.sum(ws)) + sum(w for _, w in atoms)
    # 1e-8: the composite rules reach ~1e-12 on square-root edges; hard edges and heavy tails lose a few digits
    assert abs(total - 1.0) < 1e-8, f"{law!r}: total mass {total!r} (continuous {np.sum(ws)!r} + atoms)"
    assert np.all(ws >= 0), f"{law!r}: negative quadrature weight (density < 0 at a node)"
    for loc, w in atoms:
        assert math.isfinite(loc) and 0 < w <= 1 + 1e-12, f"{law!r}: atom ({loc}, {w}) invalid"


def _grid(law: Law, rng: np.random.Generator, n: int = 600) -> np.ndarray:
    lo, hi, w = law_scale(law)
    ends = [e for ab in law.support for e in ab if math.isfinite(e)]
    atoms = [x for x, _ in law.atoms]
    pts = [np.linspace(lo - w, hi + w, n), rng.uniform(lo, hi, n // 2), np.array(ends + atoms)]
    for e in ends + atoms:  # just inside and outside every edge and atom
        pts.append(e + w * np.array([-1e-9, -1e-6, 1e-6, 1e-9]))
    return np.sort(np.concatenate(pts))


def check_density(law: Law, rng: np.random.Generator) -> None:
    """pdf finite and ≥ 0 everywhere, exactly 0 outside the support.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    x = _grid(law, rng)
    rho = np.asarray(law.pdf(x), dtype=float)
    bad = ~np.isfinite(rho)
    assert not bad.any(), f"{law!r}: pdf not finite at x = {x[bad][:4]}"
    assert np.all(rho >= 0), f"{law!r}: pdf < 0 at x = {x[rho < 0][:4]} (values {rho[rho < 0][:4]})"
    inside = np.zeros(x.shape, dtype=bool)
    for a, b in law.support:
        inside |= (x >= a) & (x <= b)
    assert np.all(rho[~inside] == 0), f"{law!r}: pdf ≠ 0 outside the support at {x[~inside & (rho != 0)][:4]}"


def _check_atom_jump(law: Law, loc: float, mass: float) -> None:
    """The cdf jumps by the atom's mass across the last float below it.

    When a support edge lies within a few ulps of the atom (ChiralBlock with c → 1 puts its inverse-square-root
    edge there) the continuous part also has mass in that last ulp, which floating point cannot separate from the
    atom: the jump may then exceed the mass, but by no more than the continuous mass of the 2²⁰ ulps below (for a
    density ~|x − loc|^(−1/2) that window holds ~1000× the last ulp's share).
    """
    below = np.nextafter(loc, -np.inf)
    jump = float(law.cdf(loc) - law.cdf(below))
    if abs(jump - mass) < 1e-8:
        return
    ulp = loc - below
    edge_at_atom = any(abs(e - loc) <= 4 * ulp for ab in law.support for e in ab if math.isfinite(e))
    window = float(law.cdf(below) - law.cdf(loc - 2.0**20 * ulp))
    assert edge_at_atom and mass - 1e-8 < jump < mass + 1e-8 + window, (
        f"{law!r}: cdf jumps by {jump} at the atom {loc} of mass {mass}")


def check_cdf_ppf(law: Law, rng: np.random.Generator) -> None:
    """The raw cdf is non-decreasing in [0, 1] and jumps by the atom masses; ppf(cdf(x)) = x on the continuous part.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    lo, hi, w = law_scale(law)
    x = _grid(law, rng)
    raw = np.asarray(law._cdf(x), dtype=float)  # before the public clip, which would hide F > 1
    assert np.all(np.isfinite(raw)), f"{law!r}: cdf not finite at {x[~np.isfinite(raw)][:4]}"
    # 1e-9: cumulative quadrature of the density; a larger excursion is a wrong normalisation, not round-off
    assert raw.min() >= -1e-9 and raw.max() <= 1 + 1e-9, f"{law!r}: raw cdf leaves [0, 1]: [{raw.min()}, {raw.max()}]"
    F = np.asarray(law.cdf(x), dtype=float)
    drops = np.diff(F) < -1e-10
    assert not drops.any(), f"{law!r}: cdf decreases after x = {x[:-1][drops][:4]}"
    finite_ends = [e for ab in law.support for e in ab]
    if all(math.isfinite(e) for e in finite_ends):
        F_lo, F_hi = law.cdf(np.array([lo - 0.5 * w, hi + 0.5 * w]))
        assert F_lo < 1e-10 and abs(F_hi - 1) < 1e-9, f"{law!r}: cdf limits {F_lo}, {F_hi}"
    for loc, mass in law.atoms:
        _check_atom_jump(law, loc, mass)

    # ppf(cdf(x)) = x where the density is not tiny (there the inverse is ill-conditioned: δx ≈ δF / ρ)
    pts = []
    for a, b in law.support:
        a_, b_ = (a if math.isfinite(a) else lo), (b if math.isfinite(b) else hi)
        pts.append(a_ + (b_ - a_) * rng.uniform(0.02, 0.98, 30))
    if not pts:
        return
    xs = np.concatenate(pts)
    xs = xs[[all(abs(v - loc) > 1e-6 * w for loc, _ in law.atoms) for v in xs]]
    rho = np.asarray(law.pdf(xs), dtype=float)
    keep = rho > 1e-3 / w
    xs, rho = xs[keep], rho[keep]
    if xs.size == 0:
        return
    back = np.asarray(law.ppf(law.cdf(xs)), dtype=float)
    tol = 1e-8 * w + 1e-10 / rho  # cdf accurate to ~1e-12 ⇒ δx ≲ 1e-12/ρ; margin 100
    err = np.abs(back - xs)
    assert np.all(err <= tol), (f"{law!r}: ppf(cdf(x)) ≠ x at x = {xs[err > tol][:3]} "
                                f"(got {back[err > tol][:3]})")


def _finite_or_inf(value: float, what: str, law: Law) -> bool:
    """True when finite; False when +inf (a moment that does not exist); NaN is an error."""
    assert not math.isnan(value), f"{law!r}: {what} is NaN (should be a number, or +inf when it does not exist)"
    return math.isfinite(value)


def check_moments(law: Law) -> None:
    """Mean and variance equal their quadratures and the free cumulants read off the R-transform (infinite moments
    allowed).

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    xs, ws = law.continuous_rule()
    atoms = law.atoms
    lo, hi, w = law_scale(law)
    size = max(abs(lo), abs(hi), w)
    mean, var = law.mean(), law.var()
    has_mean = _finite_or_inf(mean, "mean", law)
    has_var = _finite_or_inf(var, "variance", law)
    # the quadrature converges only with a tail margin (module docstring): E X^2 (resp. E X^4) finite
    mean_quad_ok = has_mean and math.isfinite(law.moment(2))
    var_quad_ok = has_var and math.isfinite(law.moment(4))
    if mean_quad_ok:
        q1 = float(np.sum(ws * xs) + sum(p * a for a, p in atoms))
        # 1e-7 relative to the law's extent: quadrature of x ρ(x) (heavy right tails converge slowest)
        assert abs(mean - q1) <= 1e-7 * size, f"{law!r}: mean {mean!r} vs quadrature {q1!r}"
    if has_mean and has_var:
        assert var >= 0, f"{law!r}: negative variance {var!r}"
        if var_quad_ok:
            q2 = float(np.sum(ws * (xs - mean) ** 2) + sum(p * (a - mean) ** 2 for a, p in atoms))
            assert abs(var - q2) <= 1e-7 * size ** 2, f"{law!r}: variance {var!r} vs quadrature {q2!r}"
        k1, k2 = law.free_cumulants(2)
        assert abs(k1 - mean) <= 1e-12 * max(1.0, abs(mean)), f"{law!r}: κ1 = {k1!r} ≠ mean {mean!r}"
        assert abs(k2 - var) <= 1e-10 * max(1.0, size ** 2), f"{law!r}: κ2 = {k2!r} ≠ variance {var!r}"
        if var > 1e-12 * size ** 2 and var_quad_ok:  # the O(h²) remainder needs κ3, κ4 finite
            _check_r_cumulants(law, mean, var)
    elif not has_var:
        try:
            law.r_transform(np.array([1e-3j]))
        except NotImplementedError:
            pass  # no R-transform expansion at 0 without a variance: the honest answer


def _check_r_cumulants(law: Law, mean: float, var: float) -> None:
    # R(w) = κ1 + κ2 w + κ3 w² + …: the even/odd parts at ±h give κ1 + κ3 h² + O(h⁴) and κ2 + κ4 h² + O(h⁴);
    # Richardson with h and 2h removes the h² terms. With h = 1e-3/σ the remainder is ~(κ6/σ⁶)·1e-12 relative
    # (laws with large standardised cumulants included), Newton's round-off ~1e-11 σ in R, 1e-8 σ² in κ2
    sd = math.sqrt(var)
    # a law whose standardised cumulants are huge (an atom of mass 0.8 next to a thin continuous part) keeps an
    # O(h⁴) remainder above the tolerance at h = 1e-3/σ (7.5e-4 relative seen): the check is repeated at h/8,
    # where that remainder is 4096 times smaller and round-off still ~1e-7 relative
    for h in (1e-3 / sd, 1.25e-4 / sd):
        Rp, Rm, R2p, R2m = law.r_transform(np.array([h, -h, 2 * h, -2 * h]))
        k1 = (4 * 0.5 * (Rp + Rm) - 0.5 * (R2p + R2m)) / 3
        k2 = (4 * (Rp - Rm) / (2 * h) - (R2p - R2m) / (4 * h)) / 3
        if abs(k1 - mean) <= 1e-4 * sd + 1e-10 * abs(mean) and abs(k2 - var) <= 1e-4 * var:
            return
    assert abs(k1 - mean) <= 1e-4 * sd + 1e-10 * abs(mean), f"{law!r}: R(0) = {k1} but the mean is {mean}"
    assert abs(k2 - var) <= 1e-4 * var, f"{law!r}: R'(0) = {k2} but the variance is {var}"


def check_stieltjes(law: Law, rng: np.random.Generator) -> None:
    """Im m > 0 above the axis, m(conj z) = conj m(z), z m(z) → −1 at infinity.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    z = upper_points(law, rng)
    m = np.asarray(law.stieltjes(z))
    assert np.all(np.isfinite(m)), f"{law!r}: m(z) not finite at {z[~np.isfinite(m)][:3]}"
    assert np.all(m.imag > 0), f"{law!r}: Im m(z) ≤ 0 at z = {z[m.imag <= 0][:3]} (m = {m[m.imag <= 0][:3]})"
    mc = np.asarray(law.stieltjes(np.conj(z)))
    assert np.allclose(mc, np.conj(m), rtol=1e-12, atol=0), f"{law!r}: m(z̄) ≠ conj m(z)"
    lo, hi, w = law_scale(law)
    R = 1e6 * max(w, abs(lo), abs(hi))
    big = R * np.exp(1j * np.array([0.5, math.pi / 2, math.pi - 0.5]))
    err = np.abs(big * np.asarray(law.stieltjes(big)) + 1)
    mean = law.mean()
    # z m(z) + 1 = -m1/z + O(z^-2); without a mean the decay is slower (tail exponent): only demand it be small
    bound = 10 * (abs(mean) + w) / R + 1e-9 if math.isfinite(mean) else 1e-2
    assert np.all(err < bound), f"{law!r}: |z m(z) + 1| = {err} at |z| = {R:.3g} (bound {bound:.3g})"


def _lambdified_stieltjes(law: Law):
    try:
        expr = law.sym.stieltjes(T.z)
    except NotImplementedError:
        return None
    return lambdify(T.z, expr)


def check_symbolic(law: Law, rng: np.random.Generator) -> str:
    """Symbolic vs numeric at random points of the upper half plane; returns which route was compared.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Returns
    -------
    str
        Which route was compared: the closed form or the algebraic equation.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    z = upper_points(law, rng, 12)
    z = z[z.imag > 1e-3 * law_scale(law)[2]]  # the closed form's branch cuts are exact; stay off the axis
    num = np.asarray(law.stieltjes(z), dtype=complex)
    f = _lambdified_stieltjes(law)
    if f is not None:
        try:
            with np.errstate(all="ignore"):
                sym = np.asarray(f(z), dtype=complex) * np.ones_like(z)
        except (TypeError, AttributeError, ValueError) as err:
            raise AssertionError(f"{law!r}: the lambdified symbolic m(z) cannot be evaluated on a numpy array: "
                                 f"{type(err).__name__}: {err}") from None
        err = np.abs(sym - num) / np.maximum(1.0, np.abs(num))
        # 1e-9: both are closed forms in double precision; Kummer/hypergeometric forms lose a few digits
        assert np.all(err < 1e-9), f"{law!r}: symbolic m(z) ≠ numeric at z = {z[err >= 1e-9][:3]} (err {err.max():.3g})"
        return "closed form"
    try:
        P = law.sym.equation(T.m, T.z)
    except (NotImplementedError, TypeError):  # TypeError: not an algebraic law (SymbolicFace.equation)
        return "none"
    poly = sp.Poly(sp.expand(P), T.m, T.z)
    # divided by the largest coefficient (the residual is relative): exact coefficients can exceed the double
    # range (a shift by 1e-231 written exactly clears to integers ~1e600)
    exact = [(sp.N(c, 30), i, j) for (i, j), c in poly.terms()]
    big = max(abs(c) for c, _, _ in exact)
    terms = [(complex(c / big), i, j) for c, i, j in exact]
    vals = np.array([[c * mm ** i * zz ** j for c, i, j in terms] for mm, zz in zip(num, z)])
    resid = np.abs(vals.sum(axis=1)) / np.abs(vals).sum(axis=1)
    # 1e-9 relative to the sum of |terms|: m(z) is accurate to ~1e-13, the polynomial amplifies by its degree
    assert np.all(resid < 1e-9), f"{law!r}: P(m(z), z) ≠ 0 at z = {z[resid >= 1e-9][:3]} (residual {resid.max():.3g})"
    return "equation"


def check_shapes(law: Law, rng: np.random.Generator) -> None:
    """Scalar, 0-d and n-d inputs give outputs of matching shape and equal values.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    lo, hi, w = law_scale(law)
    x = rng.uniform(lo - 0.2 * w, hi + 0.2 * w, (2, 3))
    q = rng.uniform(0.05, 0.95, (2, 3))
    z = x + 1j * w * rng.uniform(0.01, 1.0, (2, 3))
    for name, arr in (("pdf", x), ("cdf", x), ("ppf", q), ("stieltjes", z)):
        f = getattr(law, name)
        full = np.asarray(f(arr))
        assert full.shape == arr.shape, f"{law!r}.{name}: shape {full.shape} for input {arr.shape}"
        s = f(arr[0, 1].item())
        s0 = f(np.asarray(arr[0, 1]))
        assert np.ndim(s) == 0 and np.ndim(s0) == 0, f"{law!r}.{name}: scalar in, shape {np.shape(s)} out"
        empty = np.asarray(f(arr[:0, :1].ravel()))
        assert empty.shape == (0,), f"{law!r}.{name}: empty input gives shape {empty.shape}"
        # a scalar evaluation is the same computation as the vectorised one (round-off only)
        assert np.allclose(complex(s), complex(full[0, 1]), rtol=1e-10, atol=1e-13), \
            f"{law!r}.{name}: scalar {s} vs element of the array {full[0, 1]}"
        assert np.array_equal(np.asarray(s0), np.asarray(s), equal_nan=True), f"{law!r}.{name}: 0-d ≠ scalar"


def check_invariants(law: Law, rng: Any = 0, *, symbolic: bool = True) -> None:
    """Run every invariant on a numeric law (see the module docstring).

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    rng : seed or Generator
        Randomness for the evaluation points (deterministic by default).
    symbolic : bool
        Also compare the symbolic face with the numeric one (slow for some algebraic laws).

    Raises
    ------
    AssertionError
        Naming the law, the invariant and the discrepancy.
    """
    gen = np.random.default_rng(rng)
    check_mass(law)
    check_density(law, gen)
    check_cdf_ppf(law, gen)
    check_moments(law)
    check_stieltjes(law, gen)
    if symbolic:
        check_symbolic(law, gen)
    check_shapes(law, gen)


def same_law(a: Law, b: Law, rng: Any = 0, rtol: float = 1e-8) -> None:
    r"""Assert two laws are the same measure: equal atoms and equal m(z) at points of the upper half plane.

    Parameters
    ----------
    a, b : Law
        Numeric laws.
    rng : seed or Generator
        Randomness for the 20 evaluation points.
    rtol : float
        Largest accepted :math:`|m_a - m_b| / \max(1/w, |m_a|)`, w the width of ``a``'s support.

    Raises
    ------
    AssertionError
        If the atoms or the Stieltjes transforms differ.
    """
    gen = np.random.default_rng(rng)
    ma, mb = a.atoms, b.atoms
    lo, hi, w = law_scale(a)
    assert len(ma) == len(mb) and all(abs(x - y) <= 1e-8 * max(1.0, w) and abs(p - q) <= 1e-8
                                      for (x, p), (y, q) in zip(ma, mb)), f"atoms differ: {ma} vs {mb}"
    z = gen.uniform(lo - w, hi + w, 20) + 1j * w * gen.uniform(0.05, 2.0, 20)
    sa, sb = np.asarray(a.stieltjes(z)), np.asarray(b.stieltjes(z))
    err = np.abs(sa - sb) / np.maximum(1.0 / w, np.abs(sa))
    assert np.all(err < rtol), f"{a!r} and {b!r} differ: max relative |Δm| = {err.max():.3g}"


def check_large_kappa_regime(law: Law, rng: np.random.Generator) -> None:
    r"""The contract of HTMP's large-κ regime (``law.mp_limit``; :mod:`freecalc.laws.htmp_mp_regime`) in place of
    the general invariants, which it does not promise inside the edge layers (width ~ε^{2/3}, ε = 2γ/κ).

    Exact moments (mean 1, second moment 1 + γ + 2γ/κ); the density finite and ≥ 0, or NaN with an
    :class:`~freecalc.laws.htmp_mp_regime.MPLimitWarning`, and 0 at x ≤ 0; the cdf in [0, 1] and non-decreasing
    where served, 1 within 1e-6 beyond the upper edge; m(z) above the axis, away from the edges, in the upper half
    plane, conjugate-symmetric and ~ −1/z at infinity.

    Parameters
    ----------
    law : HTMP
        A law with ``law.mp_limit`` true.
    rng : numpy.random.Generator
        Randomness for the evaluation points.

    Raises
    ------
    AssertionError
        Naming the law and the discrepancy.
    """
    import warnings

    from freecalc.laws.htmp_mp_regime import MPLimitWarning

    g, k = law.gamma, law.kappa
    assert law.mp_limit, f"{law!r} is not in the large-kappa regime"
    assert abs(law.mean() - 1.0) < 1e-12 and abs(law.moment(2) - (1 + g + 2 * g / k)) < 1e-12 * (1 + g)
    lo, hi = (1 - math.sqrt(g)) ** 2, (1 + math.sqrt(g)) ** 2
    w = hi - lo
    x = np.sort(np.concatenate([np.linspace(-0.5 * w, hi + 0.5 * w, 200), rng.uniform(lo, hi, 100)]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rho = np.asarray(law.pdf(x), dtype=float)
        F = np.asarray(law.cdf(x), dtype=float)
    flagged = any(issubclass(c.category, MPLimitWarning) for c in caught)
    nan = np.isnan(rho) | np.isnan(F)
    assert flagged or not nan.any(), f"{law!r}: NaN density or cdf without an MPLimitWarning at {x[nan][:4]}"
    assert np.all(rho[~np.isnan(rho)] >= 0) and np.all(rho[x <= 0] == 0), f"{law!r}: density < 0 or ≠ 0 at x ≤ 0"
    Fs = F[~np.isnan(F)]
    assert Fs.min() >= 0 and Fs.max() <= 1 and np.all(np.diff(Fs) >= -1e-12), f"{law!r}: cdf not a cdf: {Fs}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MPLimitWarning)
        assert abs(float(law.cdf(hi + 0.5 * w)) - 1.0) < 1e-6, f"{law!r}: cdf beyond the upper edge is not 1"
        # away from the edges by a quarter of the support's width (far outside the ε^{2/3} layers)
        z = (lo + w * rng.uniform(-1, 2, 40)) + 1j * w * 10.0 ** rng.uniform(-1, 1, 40)
        m = np.asarray(law.stieltjes(z))
        assert np.all(np.isfinite(m)) and np.all(m.imag > 0), f"{law!r}: m(z) not in the upper half plane"
        assert np.allclose(law.stieltjes(np.conj(z)), np.conj(m), rtol=1e-12, atol=0), f"{law!r}: m(z̄) ≠ conj m(z)"
        big = 1e6 * hi * np.exp(1j * np.array([0.5, math.pi / 2, math.pi - 0.5]))
        assert np.all(np.abs(big * np.asarray(law.stieltjes(big)) + 1) < 1e-5), f"{law!r}: z m(z) does not tend to -1"
