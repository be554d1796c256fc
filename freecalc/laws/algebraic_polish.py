r"""A-posteriori check of boundary values :math:`m(x + i0)` of an algebraic law on its exact curve.

The numeric face continues the curve :math:`P(m, z) = 0` with double-precision coefficients. A simple root of
:math:`P(\cdot, x)` moves under a relative coefficient perturbation of size u by at most about

.. math:: |\delta m| \lesssim u\,\frac{\sum_j \sum_k |c_{jk}|\,|x|^k\,|m|^j}{|\partial_m P(m, x)|}

(the componentwise condition number of a polynomial root, Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., §5.3 and §26.3), so the density :math:`\mathrm{Im}\,m/\pi` has relative error about
:math:`|\delta m| / \mathrm{Im}\,m`. Where singular points of the curve cluster near a support end,
:math:`\partial_m P` is small over a whole neighbourhood and this bound exceeds 1e-10: there (and only there) the
root is recomputed from the exact integer (or rational, or 60-digit) coefficients with Arb's certified complex root
isolation (without python-flint: mpmath's Durand-Kerner roots, each proved within 1e-17 relative of its own root by
Smith's inclusion disks evaluated in exact integer arithmetic), the root nearest the double-precision value is taken
when that value lies well inside its basin (nearer to it than a quarter of its distance to any other root). Within
an ulp or so of a kink the double value can lie between two colliding sheets; the Stieltjes root is then followed
down the vertical :math:`x + i\eta` on the exact curve from a height where the double continuation is well
conditioned. Next to a pole of other sheets (a zero of the leading coefficient in m, possibly inside the support)
that coefficient is tiny against its expanded terms; Arb's working precision is raised until its ball excludes 0
(the exact integer route sees it exactly), and the far sheets' huge roots then separate from the Stieltjes root
like any others. A point where neither certifies is reported
(:class:`~freecalc.numerics.solvers.ConvergenceWarning`), never returned silently.

References: F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic", IEEE Trans.
Comput. 66 (2017) (``acb_poly_find_roots`` with ball certification); B. T. Smith, "Error bounds for zeros of a
polynomial based upon Gerschgorin's theorems", J. ACM 17 (1970).
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.algebraic_numeric import branch_status
from freecalc.numerics.solvers import SolverStatus, handle_failures

sp = lazy_module("sympy")
mpmath = lazy_module("mpmath")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["POLISH_RTOL", "COEFFICIENT_ROUNDING", "ExactCurve", "exact_curve", "density_condition",
           "polish_boundary_values", "checked_boundary_values"]

#: estimated relative density error above which a point is recomputed on the exact curve (100× below the 1e-8 the
#: numeric face promises: the estimate is a first-order bound, not a rigorous one)
POLISH_RTOL = 1e-10

#: relative perturbation of each coefficient assumed in the estimate: the rounding of the coefficient itself, of
#: :math:`x^k` and of the Horner sums (a few ulps; degree-dependent factors are absorbed in POLISH_RTOL's margin)
COEFFICIENT_ROUNDING = 4 * np.finfo(float).eps

#: working precision (bits) of the exact evaluation; Arb raises it up to ARB_MAXPREC when roots are not isolated
ARB_PREC = 128
ARB_MAXPREC = 2048

#: without python-flint (:func:`_mp_roots`): Durand-Kerner steps per precision (from the double roots it converges in
#: a few; clustered roots converge linearly and go to the next precision), guard bits beyond the root size, and the
#: relative shift of the double-precision starts off the real axis (:func:`_double_roots`)
MP_STEPS = 200
MP_GUARD_BITS = 32
MP_START_SHIFT = 1e-6

#: a double-precision root is matched to an exact root when it is nearer to it than this fraction of that root's
#: distance to every other root (inside the basin: no other sheet can be meant)
MATCH_FRACTION = 0.25

#: the vertical descent next to a kink (:func:`_exact_root`): start height relative to max(1, |x|), step factor and
#: the most steps (1.5^100 ~ 4e17: from 1e-3 down to far below an ulp of x)
DESCENT_START = 1e-3
DESCENT_FACTOR = 1.5
DESCENT_STEPS = 100


class ExactCurve(NamedTuple):
    """The exact coefficients of P per power of m (each a polynomial in z), and |C| for the condition estimate."""

    cols: tuple[tuple[Any, ...], ...]  # cols[j][k] = exact coefficient of m^j z^k (int, Fraction or 60-digit str)
    absC: np.ndarray  # |C[j, k]|, the law's normalised double coefficients


def exact_curve(P: Any, C: np.ndarray) -> ExactCurve:
    """The exact coefficients of ``P`` (remembered by the law, built once).

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor, a polynomial in ``m`` and ``z``.
    C : numpy.ndarray
        Its normalised double coefficients (:func:`freecalc.laws.algebraic_numeric.float_coefficients`).

    Returns
    -------
    ExactCurve
    """
    d, e = C.shape[0] - 1, C.shape[1] - 1
    cols: list[list[Any]] = [[0] * (e + 1) for _ in range(d + 1)]
    known = None if is_sympy(P, "Poly") else A.integer_terms(P, T.m, T.z)
    if known is not None:
        for (j, k), c in known.items():
            cols[j][k] = int(c)
    else:
        poly = P if is_sympy(P, "Poly") else sp.Poly(P, T.m, T.z)
        if poly.domain in (sp.ZZ, sp.QQ):
            for (j, k), c in poly.rep.to_dict().items():
                cols[j][k] = Fraction(int(c.numerator), int(c.denominator))
        else:  # algebraic or float coefficients: 60 digits, far beyond what the double coefficients carry
            for (j, k), c in poly.terms():
                cols[j][k] = str(sp.N(c, 60))
    return ExactCurve(tuple(tuple(col) for col in cols), np.abs(C))


def density_condition(curve: ExactCurve, C: np.ndarray, x: np.ndarray, mv: np.ndarray) -> np.ndarray:
    r"""First-order estimate of the relative error of :math:`\mathrm{Im}\,m(x + i0)` computed from the double
    coefficients: :math:`u \sum_{j,k} |c_{jk}||x|^k|m|^j / (|\partial_m P|\,\mathrm{Im}\,m)`.

    Parameters
    ----------
    curve : ExactCurve
    C : numpy.ndarray
        The normalised double coefficients, C[j, k] of :math:`m^j z^k`.
    x : numpy.ndarray
        Real points.
    mv : numpy.ndarray
        The boundary values found there.

    Returns
    -------
    numpy.ndarray
        The estimate (inf where :math:`\partial_m P = 0` or Im m = 0; NaN where mv is NaN).
    """
    dpdm = np.polynomial.polynomial.polyval(x, (C[1:] * np.arange(1, C.shape[0])[:, None]).T).T  # [i, j]
    am = np.abs(mv)
    pm = np.zeros(x.shape, complex)
    for j in range(dpdm.shape[1] - 1, -1, -1):
        pm = pm * mv + dpdm[:, j]
    size = np.polynomial.polynomial.polyval(np.abs(x), curve.absC.T).T  # [i, j]: sum_k |c_jk| |x|^k
    bound = np.polynomial.polynomial.polyval(am, size.T, tensor=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        return COEFFICIENT_ROUNDING * bound / (np.abs(pm) * np.abs(mv.imag))


def _exact_roots(curve: ExactCurve, zc: complex) -> np.ndarray | None:
    """Certified roots of the exact P(., zc) to 1e-17 relative (:func:`_arb_roots`, or :func:`_mp_roots` without
    python-flint); None where they cannot be certified (zc singular, or the degree drops at zc)."""
    try:
        import flint  # imported here to keep the law's import light
    except ImportError:  # python-flint missing: the same certificate from exact integers and mpmath
        return _mp_roots(curve, zc)
    return _arb_roots(flint, curve, zc)


def _arb_roots(flint: Any, curve: ExactCurve, zc: complex) -> np.ndarray | None:
    """Midpoints of Arb's certified roots of the exact P(., zc), each ball within 1e-17 relative; None if Arb cannot
    isolate them up to ARB_MAXPREC (a squareful P(., zc): zc is a singular point) or the degree drops at zc (the
    leading coefficient is exactly 0, or not separated from 0 at ARB_MAXPREC)."""
    old = flint.ctx.prec
    try:
        prec = ARB_PREC
        while prec <= ARB_MAXPREC:
            flint.ctx.prec = prec
            za = flint.acb(zc.real, zc.imag)  # doubles are exact in a ball
            coeffs = []
            for col in curve.cols:
                acc = flint.acb(0)
                for c in reversed(col):
                    if isinstance(c, Fraction):
                        c = flint.arb(flint.fmpq(c.numerator, c.denominator))
                    elif isinstance(c, str):
                        c = flint.arb(c)
                    acc = acc * za + c
                coeffs.append(acc)
            if coeffs[-1].contains(0):
                # next to a pole of other sheets (a zero of the leading coefficient, e.g. an interior real one) the
                # coefficient is tiny against the rounding of its expanded terms: more bits separate it from 0;
                # an exact zero (zc at the pole) has no simple root there to match
                if coeffs[-1].is_zero():
                    return None
                prec *= 2
                continue
            try:
                roots = flint.acb_poly(coeffs).roots(tol=1e-20, maxprec=ARB_MAXPREC)
            except ValueError:  # not isolated at this precision
                prec *= 2
                continue
            mids = np.array([complex(r.mid()) for r in roots])
            if all(float(r.rad()) <= 1e-17 * max(1.0, abs(v)) for r, v in zip(roots, mids)):
                return mids
            prec *= 2
        return None
    finally:
        flint.ctx.prec = old


@functools.lru_cache(maxsize=8)
def _integer_columns(cols: tuple[tuple[Any, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """The exact coefficients times their common denominator (60-digit strings read as exact decimals)."""
    exact = [[Fraction(c) for c in col] for col in cols]
    den = math.lcm(*(c.denominator for col in exact for c in col))
    return tuple(tuple(int(c * den) for c in col) for col in exact)


def _gaussian_coefficients(curve: ExactCurve, zc: complex) -> list[tuple[int, int]]:
    r"""Gaussian integers proportional to the coefficients of the exact P(., zc), constant term first.

    With the integer columns c_jk (:func:`_integer_columns`) and the dyadic zc = w / S (w a Gaussian integer, S a
    power of two), :math:`S^e \sum_k c_{jk} z_c^k = \sum_k c_{jk} w^k S^{e-k}`: a common factor, the roots are
    those of P(., zc).
    """
    cols = _integer_columns(curve.cols)
    re, im = Fraction(zc.real), Fraction(zc.imag)  # doubles are dyadic rationals
    S = max(re.denominator, im.denominator)
    w = (int(re * S), int(im * S))
    e = len(cols[0]) - 1
    out = []
    for col in cols:
        a, b = 0, 0
        for k in range(e, -1, -1):
            a, b = a * w[0] - b * w[1] + col[k] * S ** (e - k), a * w[1] + b * w[0]
        out.append((a, b))
    return out


def _signed_man_exp(v: Any) -> tuple[int, int]:
    """(man, exp) with v = man·2^exp exactly, for a finite mpmath mpf (its ``man_exp`` drops the sign)."""
    sign, man, exp, _ = v._mpf_
    return (-int(man) if sign else int(man)), int(exp)


def _disks_certified(A: list[tuple[int, int]], roots: list[Any]) -> np.ndarray | None:
    r"""The approximations ``roots`` of :math:`p = \sum_j A_j m^j` rounded to double when exact integer arithmetic
    proves that each lies within 1e-17·max(1, |z_i|) of its own root; None otherwise.

    Inclusion theorem (Smith 1970; Bini & Fiorentino, Numer. Algorithms 23 (2000), Thm. 9): the disks
    :math:`|m - z_i| \le r_i = n\,|p(z_i)| / (|A_n| \prod_{j \ne i} |z_i - z_j|)` contain all roots and a connected
    component of k disks contains exactly k of them; pairwise disjoint disks hold one root each. With the dyadic
    :math:`z_i = U_i / 2^t` every quantity is an integer: :math:`2^{tn} p(z_i) = \sum_j A_j U_i^j 2^{t(n-j)}`,
    :math:`2^{t(n-1)} \prod_{j \ne i}(z_i - z_j) = \prod_{j \ne i}(U_i - U_j)`.
    """
    n = len(A) - 1
    parts = []
    for r in roots:
        if not (mpmath.isfinite(r.real) and mpmath.isfinite(r.imag)):
            return None
        parts.append((_signed_man_exp(r.real), _signed_man_exp(r.imag)))
    t = max(0, -min(e for p in parts for _, e in p))
    U = [tuple(man << (e + t) for man, e in p) for p in parts]
    lead2 = A[-1][0] ** 2 + A[-1][1] ** 2
    big = 10**34  # (1e-17)^-2
    for i, (u, v) in enumerate(U):
        a, b = 0, 0
        for j in range(n, -1, -1):
            sh = t * (n - j)
            a, b = a * u - b * v + (A[j][0] << sh), a * v + b * u + (A[j][1] << sh)
        qa, qb = 1, 0
        for k, (x, y) in enumerate(U):
            if k != i:
                qa, qb = qa * (u - x) - qb * (v - y), qa * (v - y) + qb * (u - x)
        q2 = qa * qa + qb * qb
        if q2 == 0:
            return None
        # r_i^2 <= 1e-34 max(1, |z_i|^2), both sides times 2^(2t) |A_n|^2 |Q_i|^2 1e34
        if n * n * (a * a + b * b) * big > max(1 << (2 * t), u * u + v * v) * lead2 * q2:
            return None
    for i in range(n):  # disjoint: 2·max(R_i, R_j) < |z_i - z_j| with R_i = 1e-17 max(1, |z_i|) >= r_i
        for k in range(i + 1, n):
            d2 = (U[i][0] - U[k][0]) ** 2 + (U[i][1] - U[k][1]) ** 2
            s2 = max(1 << (2 * t), U[i][0] ** 2 + U[i][1] ** 2, U[k][0] ** 2 + U[k][1] ** 2)
            if 4 * s2 >= big * d2:
                return None
    return np.array([complex(r) for r in roots], dtype=complex)


def _mp_roots(curve: ExactCurve, zc: complex) -> np.ndarray | None:
    """The roots of the exact P(., zc) certified to 1e-17 relative without python-flint; None as :func:`_arb_roots`.

    mpmath's Durand-Kerner iteration (``polyroots``) at ARB_PREC bits, doubled up to ARB_MAXPREC, on the rounded
    Gaussian-integer coefficients (:func:`_gaussian_coefficients`); its error estimate is not a bound, so each set is
    accepted only when :func:`_disks_certified` proves it on the exact coefficients.
    """
    A = _gaussian_coefficients(curve, zc)
    if A[-1] == (0, 0):  # the degree drops at zc (a pole of other sheets): no simple root set to match
        return None
    n = len(A) - 1
    if n == 0:
        return np.empty(0, dtype=complex)
    # Cauchy's bound 1 + max|A_j / A_n| in bits: the iteration stops on an absolute step below 2^-prec, so the
    # largest root needs that many bits more
    size = [max(abs(a), abs(b)).bit_length() for a, b in A]
    extra = max(0, max(size[:-1]) - size[-1] + 2) + MP_GUARD_BITS
    init = None
    prec = ARB_PREC
    while prec <= ARB_MAXPREC:
        with mpmath.workprec(prec):
            co = [mpmath.mpc(mpmath.mpf(a), mpmath.mpf(b)) for a, b in reversed(A)]
            if init is None:
                init = _double_roots(co)
            try:
                roots = mpmath.polyroots(co, maxsteps=MP_STEPS, cleanup=False, extraprec=extra, roots_init=init)
            except mpmath.mp.NoConvergence:  # clustered roots converge linearly: more bits, or not isolated
                prec *= 2
                continue
        mids = _disks_certified(A, roots)
        if mids is not None:
            return mids
        init = roots
        prec *= 2
    return None


def _double_roots(co: list[Any]) -> list[complex] | None:
    """Starting values for the iteration: the roots of the coefficients rounded to double (None if they overflow),
    each moved by MP_START_SHIFT of its size in its own non-real direction: with real coefficients and real starts
    the iteration stays real, and a conjugate pair that rounding made real (next to a square-root end) is never
    found."""
    scale = max(abs(v) for v in co)  # the coefficients' size is arbitrary (a common factor): keep them in range
    with np.errstate(all="ignore"):
        c = np.array([complex(v / scale) for v in co])
        if not np.all(np.isfinite(c)) or c[0] == 0:
            return None
        r = np.roots(c)
    if r.size != len(co) - 1 or not np.all(np.isfinite(r)):
        return None
    turn = (0.4 + 0.9j) ** np.arange(1, r.size + 1)  # distinct directions, none real (mpmath's own starts)
    return list(r + MP_START_SHIFT * np.maximum(1.0, np.abs(r)) * turn)


def _match(mids: np.ndarray | None, guess: complex | None) -> complex | None:
    """The root in whose basin ``guess`` lies: nearer to it than MATCH_FRACTION of its distance to any other."""
    if mids is None or mids.size == 0 or guess is None:
        return None
    dist = np.abs(mids - guess)
    i = int(np.argmin(dist))
    others = np.abs(np.delete(mids, i) - mids[i])
    if others.size and dist[i] > MATCH_FRACTION * float(np.min(others)):
        return None
    return complex(mids[i])


def _exact_root(curve: ExactCurve, x: float, guess: complex,
                upper: Callable[[float, float], complex | None] | None = None) -> complex | None:
    r"""The root of the exact P(., x) in whose basin ``guess`` lies, to double precision; None if not certified.

    Next to a kink the sheets collide and the guess may lie between two of them. Then the Stieltjes root is followed
    down the vertical x + iη on the exact curve: matched at η0 = DESCENT_START·max(1, |x|) to ``upper(x, η0)``
    (the double continuation, well conditioned there), and carried down by η ← η/DESCENT_FACTOR (a square-root
    branch moves by 0.18 of its sheets' separation per step, inside the basin) until it lies in a basin at η = 0.
    """
    mids = _exact_roots(curve, complex(x, 0.0))
    r = _match(mids, guess)
    if r is not None or upper is None or mids is None:
        return r
    eta = DESCENT_START * max(1.0, abs(x))
    r = _match(_exact_roots(curve, complex(x, eta)), upper(x, eta))
    for _ in range(DESCENT_STEPS):
        if r is None:
            return None
        done = _match(mids, r)
        if done is not None:
            return done
        eta /= DESCENT_FACTOR
        r = _match(_exact_roots(curve, complex(x, eta)), r)
    return None


def polish_boundary_values(curve: ExactCurve, C: np.ndarray, x: np.ndarray, mv: np.ndarray,
                           upper: Callable[[float, float], complex | None] | None = None
                           ) -> tuple[np.ndarray, np.ndarray]:
    r"""Boundary values whose density the double coefficients cannot give to ~1e-10 (:func:`density_condition`)
    recomputed as the exact curve's root in whose basin they lie.

    Parameters
    ----------
    curve : ExactCurve
        The exact coefficients (:func:`exact_curve`).
    C : numpy.ndarray
        The normalised double coefficients.
    x : numpy.ndarray
        Real points inside the support (1-d).
    mv : numpy.ndarray
        Their boundary values :math:`m(x + i0)` from the double-precision route.
    upper : callable, optional
        ``upper(x, eta)``: m(x + i eta) by the double-precision continuation (None where it fails), the start of the
        descent next to a kink (:func:`_exact_root`); without it such points are not certified.

    Returns
    -------
    values : numpy.ndarray
        The values, recomputed where ill conditioned (a copy).
    ok : numpy.ndarray
        Boolean flags: False where an ill-conditioned value could not be certified on the exact curve (its double
        value is kept; the caller reports it).
    """
    out = np.array(mv, dtype=complex, copy=True)
    ok = np.ones(x.shape, dtype=bool)
    if x.size == 0:
        return out, ok
    cond = density_condition(curve, C, x, out)
    # NaN values (undecided points) and real ones (outside the support: density 0 by Im m = 0) are left to the caller
    flagged = np.flatnonzero(np.isfinite(out) & (out.imag > 0) & ~(cond <= POLISH_RTOL))
    for i in flagged:
        r = _exact_root(curve, float(x[i]), complex(out[i]), upper)
        if r is None:
            ok[i] = False
        else:
            out[i] = r
    return out, ok


def checked_boundary_values(law: Any, x: np.ndarray, mv: np.ndarray) -> np.ndarray:
    """:func:`polish_boundary_values` for an :class:`~freecalc.laws.algebraic.AlgebraicLaw` (its exact curve built
    once, on the first ill-conditioned point), the points it cannot certify reported.

    Parameters
    ----------
    law : AlgebraicLaw
        The law (its ``_P`` and numeric state).
    x : numpy.ndarray
        Real points inside the support (1-d).
    mv : numpy.ndarray
        Their boundary values from the double-precision route.

    Returns
    -------
    numpy.ndarray
        The values, recomputed on the exact curve where the double coefficients cannot give ~1e-10.

    Warns
    -----
    ConvergenceWarning
        Where an ill-conditioned value could not be certified on the exact curve.
    """
    C = law._numeric.C
    curve = law.__dict__.get("_exact_curve")
    if curve is None:
        curve = law.__dict__["_exact_curve"] = ExactCurve((), np.abs(C))  # enough for the estimate alone
    cond = density_condition(curve, C, x, mv)
    if not np.any(np.isfinite(mv) & (mv.imag > 0) & ~(cond <= POLISH_RTOL)):
        return mv
    if not curve.cols:
        curve = law.__dict__["_exact_curve"] = exact_curve(law._P, C)
    def upper(xi: float, eta: float) -> complex | None:
        val, good = branch_status(law._numeric, np.array([xi]), np.array([eta]))
        return complex(val[0]) if good[0] else None

    out, ok = polish_boundary_values(curve, C, x, mv, upper)
    handle_failures(SolverStatus.from_flags(ok), f"density of {law!r}: boundary value ill conditioned on the "
                    f"double-precision curve and not certified on the exact one", points=x, stacklevel=5)
    return out
