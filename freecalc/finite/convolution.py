r"""Finite free convolutions ⊞_d, ⊠_d and finite free compression (derivatives) of real-rooted polynomials.

For monic :math:`p(x) = \sum_k (-1)^k e_k(a) x^{d-k}` and :math:`q(x) = \sum_k (-1)^k e_k(b) x^{d-k}`
(Marcus–Spielman–Srivastava 2022, Definitions 1.1 and 1.4):

.. math::

    p \boxplus_d q = \sum_{k=0}^d (-1)^k x^{d-k} \sum_{i+j=k} \frac{(d-i)!\,(d-j)!}{d!\,(d-k)!}\, e_i(a) e_j(b),
    \qquad
    p \boxtimes_d q = \sum_{k=0}^d (-1)^k x^{d-k} \frac{e_k(a)\, e_k(b)}{\binom dk}.

Equivalently :math:`p \boxplus_d q = \hat Q(\partial) p` with :math:`\hat Q(\partial) x^d = q`, and both are the
expected characteristic polynomials of :math:`A + U B U^*` and :math:`A U B U^*` over Haar U for
:math:`A, B` with characteristic polynomials p, q. They preserve real-rootedness (⊠_d when one factor has
nonnegative roots). Finite free *compression* is the derivative: :math:`\frac{(d-j)!}{d!} p^{(j)}` is the expected
characteristic polynomial of a k×k compression (k = d − j) of A, and its root measure converges to the free
compression :math:`D_t(\mu^{\boxplus 1/t})`, t = k/d (Hoskins–Kabluchko 2021; Marcus 2021, §5).

Numerics: the coefficients are formed exactly in ball arithmetic from the (exact, float) roots, after an exact
shift and power-of-two scaling, and the roots of the result are extracted and *certified*. Up to degree
:data:`~freecalc.finite._interlace.CHAIN_DEGREE` by :func:`freecalc.finite._arb.certified_roots` (precision
≈ 1.3 d bits, Sturm chain → Jacobi matrix → sign-change certificate, O(d²) operations at O(d) bits); above it by
:func:`freecalc.finite._interlace.interlaced_roots` (ball values at d + 1 nodes interlacing a guess, whose sign
alternation proves the d real roots; a secular equation in double precision locates them, certified with a
rigorous rounding bound), the guess being the same operation on the inputs resampled to half the size
(:func:`freecalc.finite._interlace.multilevel_guess`). Every returned root carries a proved error bound
(``radius``); a result that cannot be certified raises :class:`CertificationError`.

References: A. W. Marcus, D. A. Spielman, N. Srivastava, *Finite free convolutions of polynomials*, Probab. Theory
Relat. Fields 182 (2022); A. W. Marcus, *Polynomial convolutions and (finite) free probability*, arXiv:2108.07054;
J. Hoskins, Z. Kabluchko, *Dynamics of zeroes under repeated differentiation*, Exp. Math. (2021).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from freecalc.finite._arb import flint_module
from freecalc.finite._interlace import multilevel_guess, resample, roots_with_guess
from freecalc.finite.polynomial import RealRootedPolynomial, as_polynomial

__all__ = ["free_add", "free_mul", "compress"]

_EPS = float(np.finfo(float).eps)


def _same_degree(p: RealRootedPolynomial, q: RealRootedPolynomial, op: str) -> int:
    if p.degree != q.degree:
        raise ValueError(f"degree mismatch: p has degree {p.degree} and q has degree {q.degree}; "
                         f"{op} is defined for two polynomials of the same degree d")
    return p.degree


def _pow2_exponent(roots: np.ndarray) -> int:
    """e with max|roots| · 2^-e in [½, 1) (0 for all-zero roots): an exact rescaling."""
    m = float(np.max(np.abs(roots)))
    return math.frexp(m)[1] if m > 0 else 0


def _normalized_ball_roots(roots: np.ndarray, shift: float, e: int) -> list[Any]:
    """(roots − shift)·2^-e as exact balls at the current precision."""
    flint = flint_module()
    s = flint.arb(shift)
    scale = flint.arb(2) ** (-e)
    return [(flint.arb(float(v)) - s) * scale for v in roots]


def _resampled(roots: np.ndarray, m: int) -> np.ndarray:
    """The roots themselves (m = d), or their quantile function resampled to m roots (the guess recursion)."""
    return roots if m == roots.size else resample(roots, m)


def _factorials(d: int) -> list[int]:
    fact = [1] * (d + 1)
    for k in range(1, d + 1):
        fact[k] = fact[k - 1] * k
    return fact


def _add_builder(a: np.ndarray, b: np.ndarray, ca: float, cb: float, e: int) -> Any:
    """Ball coefficients of the monic (a-polynomial ⊞_d b-polynomial) in y = (x − ca − cb)·2^-e (MSS formula).

    With P̂, Q̂ the reversed coefficient vectors weighted by factorials, the product gives
    e_k = Σ_{i+j=k} (d−i)!(d−j)!/(d!(d−k)!) e_i e_j exactly in ball arithmetic.
    """
    flint = flint_module()
    d = a.size
    fact = _factorials(d)
    same = ca == cb and np.array_equal(a, b)  # p ⊞_d p: one product of linear factors, and a square

    def build() -> Any:
        pa = flint.arb_poly.from_roots(_normalized_ball_roots(a, ca, e)).coeffs()
        facts = [flint.arb(f) for f in fact]
        ha = flint.arb_poly([pa[d - i] * facts[d - i] for i in range(d + 1)])
        if same:
            hb = ha
        else:
            pb = flint.arb_poly.from_roots(_normalized_ball_roots(b, cb, e)).coeffs()
            hb = flint.arb_poly([pb[d - i] * facts[d - i] for i in range(d + 1)])
        c = (ha * hb).coeffs()
        c += [flint.arb(0)] * (d + 1 - len(c))
        return flint.arb_poly([c[k] / (facts[d] * facts[d - k]) for k in range(d, -1, -1)])

    return build


def _mul_builder(a: np.ndarray, b: np.ndarray, ea: int, eb: int) -> Any:
    """Ball coefficients of (a-polynomial ⊠_d b-polynomial)/x^z in y = x·2^-(ea+eb), z = exact zero roots (MSS)."""
    flint = flint_module()
    d = a.size
    n = d - max(int(np.sum(a == 0)), int(np.sum(b == 0)))
    binom = [1] * (d + 1)
    for k in range(1, d + 1):
        binom[k] = binom[k - 1] * (d - k + 1) // k

    def build() -> Any:
        pa = flint.arb_poly.from_roots(_normalized_ball_roots(a, 0.0, ea)).coeffs()
        pb = flint.arb_poly.from_roots(_normalized_ball_roots(b, 0.0, eb)).coeffs()
        # coefficient of x^(d−k) is (−1)^k e_k(a) e_k(b) / C(d, k) = pa[d−k]·pb[d−k]·(−1)^k / C(d, k)
        c = [pa[d - k] * pb[d - k] * ((-1) ** k) / flint.arb(binom[k]) for k in range(n + 1)]
        return flint.arb_poly(c[::-1])

    return build


def _derivative_builder(a: np.ndarray, j: int, c: float, e: int, kept: list) -> Any:
    """Ball coefficients of the monic j-th derivative of the a-polynomial in y = (x − c)·2^-e, with the factor
    Π (y − v)^m of the roots ``kept`` (value, multiplicity) that survive the derivatives divided out exactly."""
    flint = flint_module()
    d = a.size
    # monic p^(j) / (d!/(d−j)!): the coefficient of x^(i−j) is pa[i] · [i!/(i−j)!] / [d!/(d−j)!]
    ff = [0] * (d + 1)
    ff[j] = math.factorial(j)
    for i in range(j + 1, d + 1):
        ff[i] = ff[i - 1] * i // (i - j)

    def build() -> Any:
        pa = flint.arb_poly.from_roots(_normalized_ball_roots(a, c, e)).coeffs()
        top = flint.arb(ff[d])
        deriv = flint.arb_poly([pa[i] * flint.arb(ff[i]) / top for i in range(j, d + 1)])
        if not kept:
            return deriv
        factor = flint.arb_poly.from_roots(
            [r for v, m in kept for r in _normalized_ball_roots(np.full(m, v), c, e)])
        return divmod(deriv, factor)[0]

    return build


def _finish(y: np.ndarray, radius: float, e: int, shift: float) -> RealRootedPolynomial:
    x = np.ldexp(y, e) + shift
    # the final affine map rounds once more (relative eps of the larger of |x| and |shift|)
    rad = math.ldexp(radius, e) + 2 * _EPS * float(np.max(np.abs(x)) + abs(shift))
    return RealRootedPolynomial(x, rad)


def free_add(p: Any, q: Any) -> RealRootedPolynomial:
    r"""Finite free additive convolution :math:`p \boxplus_d q` (Marcus–Spielman–Srivastava), certified roots.

    Parameters
    ----------
    p, q : RealRootedPolynomial or array_like
        Real-rooted polynomials of the same degree d ≥ 1 (or their real roots).

    Returns
    -------
    RealRootedPolynomial
        The d roots of :math:`p \boxplus_d q` (real and simple unless p or q has a single repeated root) and the
        proved bound ``radius`` on their error. Root mean and variance add exactly; as d → ∞ the root measure
        tends to the free convolution of the root measures (:func:`freecalc.free_add`).

    Raises
    ------
    ValueError
        ``p`` or ``q`` not real-rooted (complex, NaN, infinite roots), or degree mismatch.
    CertificationError
        The result could not be certified (not expected for valid input; reported rather than guessed).

    Examples
    --------
    >>> import freecalc as fc
    >>> r = fc.finite.free_add([-1.0, 1.0], [-1.0, 1.0])
    >>> [round(float(v), 12) for v in r.roots]
    [-1.414213562373, 1.414213562373]
    """
    p, q = as_polynomial(p, "p"), as_polynomial(q, "q")
    d = _same_degree(p, q, "free_add (⊞_d)")
    # (x − c)^d is the identity up to translation: p ⊞_d (x − c)^d = p(x − c)
    for one, other in ((p, q), (q, p)):
        if one.roots[0] == one.roots[-1]:
            c = float(one.roots[0])
            x = other.roots + c
            return RealRootedPolynomial(x, other.radius + one.radius + _EPS * float(np.max(np.abs(x))))
    cp, cq = float(np.mean(p.roots)), float(np.mean(q.roots))
    e = max(_pow2_exponent(p.roots - cp), _pow2_exponent(q.roots - cq))

    def make(m: int) -> tuple[Any, int]:
        return _add_builder(_resampled(p.roots, m), _resampled(q.roots, m), cp, cq, e), m

    build, _ = make(d)
    guess = multilevel_guess(make, d, d)
    y, radius = roots_with_guess(build, d, "p ⊞_d q", guess)
    out = _finish(y, radius, e, cp + cq)
    return RealRootedPolynomial(out.roots, out.radius + p.radius + q.radius)


def free_mul(p: Any, q: Any) -> RealRootedPolynomial:
    r"""Finite free multiplicative convolution :math:`p \boxtimes_d q` (Marcus–Spielman–Srivastava), certified.

    Parameters
    ----------
    p, q : RealRootedPolynomial or array_like
        Real-rooted polynomials of the same degree d ≥ 1, at least one with all roots ≥ 0 (the hypothesis under
        which ⊠_d preserves real-rootedness).

    Returns
    -------
    RealRootedPolynomial
        The d roots of :math:`p \boxtimes_d q` with their proved error bound. Exact zeros: the result has
        :math:`x^m` with m the larger number of zero roots of p and q. As d → ∞ the root measure tends to the
        free multiplicative convolution (:func:`freecalc.free_mul`).

    Raises
    ------
    ValueError
        Bad roots, degree mismatch, or neither p nor q has nonnegative roots.
    CertificationError
        The result could not be certified (e.g. repeated nonzero roots in the result).

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.finite.free_mul([1.0, 3.0], [2.0, 2.0]).roots.tolist()
    [2.0, 6.0]
    """
    p, q = as_polynomial(p, "p"), as_polynomial(q, "q")
    d = _same_degree(p, q, "free_mul (⊠_d)")
    if p.roots[0] < 0 and q.roots[0] < 0:
        raise ValueError(f"free_mul needs p or q with all roots ≥ 0 (⊠_d preserves real roots only then); "
                         f"p has root {float(p.roots[0])!r} and q has root {float(q.roots[0])!r}")
    # (x − c)^d acts as the dilation by c: p ⊠_d (x − c)^d = c^d p(x / c)
    for one, other in ((p, q), (q, p)):
        if one.roots[0] == one.roots[-1]:
            c = float(one.roots[0])
            x = other.roots * c
            return RealRootedPolynomial(
                x, abs(c) * other.radius + one.radius * float(np.max(np.abs(other.roots)))
                + _EPS * float(np.max(np.abs(x))))
    zeros = max(int(np.sum(p.roots == 0)), int(np.sum(q.roots == 0)))
    ep, eq = _pow2_exponent(p.roots), _pow2_exponent(q.roots)
    n = d - zeros

    def make(m: int) -> tuple[Any, int]:
        a, b = _resampled(p.roots, m), _resampled(q.roots, m)
        return _mul_builder(a, b, ep, eq), m - max(int(np.sum(a == 0)), int(np.sum(b == 0)))

    build, _ = make(d)
    guess = multilevel_guess(make, d, n) if n > 0 else None
    y, radius = (np.empty(0), 0.0) if n == 0 else roots_with_guess(build, n, "p ⊠_d q", guess)
    x = np.concatenate([np.zeros(zeros), np.ldexp(y, ep + eq)])
    rad = math.ldexp(radius, ep + eq) + 2 * _EPS * float(np.max(np.abs(x)))
    # input errors propagate with the (unknown, bounded) sensitivity; report them added on the result's scale
    rad += (p.radius * float(np.max(np.abs(q.roots))) + q.radius * float(np.max(np.abs(p.roots))))
    return RealRootedPolynomial(x, rad)


def compress(p: Any, k: int) -> RealRootedPolynomial:
    r"""Finite free compression: the roots of :math:`p^{(d-k)}`, the expected char. polynomial of a k×k compression.

    For a d×d matrix A with characteristic polynomial p and Haar U, the k×k principal submatrix of
    :math:`U A U^*` has expected characteristic polynomial :math:`\frac{k!}{d!} p^{(d-k)}` (Marcus 2021, §5). Its
    root measure tends to the free compression :math:`D_t(\mu^{\boxplus 1/t})`, t = k/d (the law of the
    compressed matrix; :func:`freecalc.compress`); multiplying the roots by d/k gives the finite free
    convolution power :math:`\mu^{\boxplus d/k}`.

    Parameters
    ----------
    p : RealRootedPolynomial or array_like
        Real-rooted polynomial of degree d ≥ 1 (or its roots).
    k : int
        Size of the compression, 1 ≤ k ≤ d.

    Returns
    -------
    RealRootedPolynomial
        The k roots (a root of p of multiplicity m > d − k stays with multiplicity m − (d − k)), certified.

    Raises
    ------
    ValueError
        Bad roots, or ``k`` not an integer in [1, d].
    CertificationError
        The derivative could not be certified.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.finite.compress([0.0, 1.0, 2.0], 1).roots.tolist()
    [1.0]
    """
    p = as_polynomial(p, "p")
    d = p.degree
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= d:
        raise ValueError(f"k = {k!r} must be an integer in [1, d] = [1, {d}]")
    k = int(k)
    j = d - k
    if j == 0:
        return p
    values, counts = np.unique(p.roots, return_counts=True)
    kept = [(float(v), int(m - j)) for v, m in zip(values, counts) if m > j]
    n = k - sum(m for _, m in kept)
    c = float(np.mean(p.roots))
    e = _pow2_exponent(p.roots - c)

    def make(m: int) -> tuple[Any, int]:
        km = min(m, max(1, round(k * m / d)))
        return _derivative_builder(_resampled(p.roots, m), m - km, c, e, kept if m == d else []), km

    build, _ = make(d)
    # repeated roots that survive the derivatives are divided out exactly; the guess recursion does not model them
    guess = multilevel_guess(make, d, n) if not kept and n > 0 else None
    if n > 0:
        y, radius = roots_with_guess(build, n, f"the {j}-th derivative of p", guess)
        out = _finish(y, radius, e, c)
        simple, rad = out.roots, out.radius
    else:
        simple, rad = np.empty(0), 0.0
    repeated = np.concatenate([np.full(m, v) for v, m in kept]) if kept else np.empty(0)
    return RealRootedPolynomial(np.concatenate([simple, repeated]), rad + p.radius)
