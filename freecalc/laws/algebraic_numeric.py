r"""The numeric state of an algebraic law :math:`P(m, z) = 0`: float coefficients, seed moments, support and atoms.

* Singular points on the real axis: the real zeros of the discriminant of P in m (edges and kinks) and of its
  leading coefficient in m (poles, i.e. atom candidates). With python-flint the discriminant's integer coefficients
  come from FLINT and its real zeros from Arb's certified isolation
  (:func:`freecalc.numerics.real_roots.certified_real_roots`): every real zero is found, none is invented, each to a
  few ulps. Without it (or for a polynomial with non-integer coefficients) the zeros are sympy's exact real roots.
* Support: between two consecutive singular points the boundary value :math:`m(x + i0)` is either real throughout or
  not (it can only meet its conjugate at a discriminant zero), so one evaluation per gap decides the support.
* Atoms: at a real pole candidate a, the mass is the exact Newton-polygon candidate w
  (:func:`~freecalc.symbolic.algebraic.mass_candidates`, or 0) whose removal :math:`m - w/(a - z)` leaves no pole at
  a, tested on the deflated curve; a pole no candidate explains is refused.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.kernels.branches import BRANCH_OK, stieltjes_branch_status
from freecalc.laws.algebraic_deflation import deflated_coefficients
from freecalc.laws.algebraic_gaps import pole_gap_values
from freecalc.numerics.real_roots import certified_real_roots
from freecalc.numerics.solvers import SolverStatus, handle_failures

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")
NF = lazy_module("freecalc.symbolic.algebraic_number_field")
IC = lazy_module("freecalc.symbolic.integer_curve")

__all__ = ["SEED_MOMENTS", "ROOT_SELECTION_MAX_DEGREE", "ROOT_IMAG_RTOL", "NumericState", "numeric_state",
           "deflated_state", "local_state", "exact_support", "float_coefficients",
           "integer_float_coefficients", "branch", "branch_status",
           "boundary_values_by_roots"]

#: moments used to seed the continuation at x + iY (|z| > 2B there, so 8 terms give ~3 digits; Newton polishes)
SEED_MOMENTS = 8

#: singular points closer than this (relative to the support's scale) are one point: the two certified copies of a
#: zero shared by the discriminant and the leading coefficient differ by a few ulps
MERGE_RELATIVE = 1e-14


#: degree in m up to which the boundary value on the real axis is first read off the roots of P(., x) (companion
#: eigenvalues, O(d^3) per point, ~1 µs at d = 3) instead of continuing every point down from x + iY; at higher
#: degree several roots usually lie in the upper half plane and the continuation decides anyway
ROOT_SELECTION_MAX_DEGREE = 4

#: a root counts as non-real when |Im| exceeds this fraction of max(1, |root|); a root nearer the axis (a nearly
#: double real root, whose eigenvalue is only good to ~sqrt(eps)) leaves its point to the continuation
ROOT_IMAG_RTOL = 1e-7

#: Newton steps polishing the selected eigenvalue (each kept only if it lowers |P|)
ROOT_POLISH_STEPS = 2

#: exact mass candidates up to this are no atom: a mass within a few ulps of the total mass 1 changes no cdf value,
#: and next to a continuous part the residue test cannot resolve it (a hard edge leaves |eta m_c| ~ sqrt(eta));
#: compress(decompress(MP(1), f), 1/f) with float f and 1/f has a pole at 0 of residue 1 - 1/(f * (1/f)) ~ 1e-17
ATOM_MASS_FLOOR = 1e-14


class NumericState(NamedTuple):
    """Everything the numeric face of an algebraic law needs (built once per law)."""

    C: np.ndarray  # C[j, k] = coefficient of m^j z^k, divided by the largest one
    mom: np.ndarray  # m_0..m_K
    Y: float  # start height, > 2 * bound of the support
    bound: float
    support: tuple[tuple[float, float], ...]
    atoms: tuple[tuple[float, float], ...]
    exact_atoms: tuple[tuple[sp.Expr, sp.Expr], ...]
    candidates: tuple[float, ...] = ()  # real discriminant zeros and poles: edges, kinks, atoms


def float_coefficients(P: sp.Expr | sp.Poly) -> np.ndarray:
    """C[j, k] = coefficient of m^j z^k of P, divided by the largest one.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        Polynomial in ``m`` and ``z`` with numeric coefficients (a Poly must have the generators ``(m, z)``).

    Returns
    -------
    numpy.ndarray
        Shape (deg_m + 1, deg_z + 1).

    Raises
    ------
    ValueError
        If a coefficient is not real.
    """
    known = None if is_sympy(P, "Poly") else A.integer_terms(P, T.m, T.z)
    if known is not None:  # an integer curve (remembered terms)
        return integer_float_coefficients(known)
    poly = P if is_sympy(P, "Poly") else sp.Poly(P, T.m, T.z)
    d, e = poly.degree(T.m), poly.degree(T.z)
    C = np.zeros((d + 1, e + 1))
    # divided by the largest coefficient before rounding: exact rationals with long denominators (a shift by 1e-308
    # written exactly) clear to integers beyond the double range
    if poly.domain in (sp.ZZ, sp.QQ):
        terms = [(jk, Fraction(int(c.numerator), int(c.denominator))) for jk, c in poly.rep.to_dict().items()]
        big = max(abs(v) for _, v in terms)
        for (j, k), v in terms:
            C[j, k] = float(v / big)  # exact quotient, rounded once
        return C
    terms = [((j, k), c, sp.N(c, 30)) for (j, k), c in poly.terms()]
    big = max(abs(v) for _, _, v in terms)
    for (j, k), c, v in terms:
        cc = complex(v / big)
        if abs(cc.imag) > 1e-14:  # relative to the largest coefficient
            raise ValueError(f"P has non-real coefficient {c}; AlgebraicLaw needs a real polynomial")
        C[j, k] = cc.real
    return C


def integer_float_coefficients(terms: dict[tuple[int, int], int]) -> np.ndarray:
    """C[j, k] = t_jk / max |t|: the exact quotients of integer terms, each rounded once (scaling the terms by a
    positive integer changes no entry).

    Parameters
    ----------
    terms : dict
        ``{(j, k): integer coefficient of m^j z^k}``, not all zero.

    Returns
    -------
    numpy.ndarray
        Shape (max j + 1, max k + 1).
    """
    terms = {(int(j), int(k)): int(c) for (j, k), c in terms.items()}  # FLINT's fmpz divide only exactly
    C = np.zeros((max(j for j, _ in terms) + 1, max(k for _, k in terms) + 1))
    big = max(abs(c) for c in terms.values())
    for (j, k), c in terms.items():
        C[j, k] = c / big  # int / int: correctly rounded, also for integers beyond the double range
    return C


def branch_status(n: NumericState, xr: np.ndarray, yi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """m(x + iy) on the Stieltjes branch by vertical continuation, with a per-point success flag.

    Parameters
    ----------
    n : NumericState
        The law's numeric state.
    xr, yi : numpy.ndarray
        Real and imaginary parts of the points (1-d, same length).

    Returns
    -------
    values : numpy.ndarray
        Complex values.
    ok : numpy.ndarray
        Boolean, True where the continuation converged.
    """
    out = np.empty(xr.shape[0], dtype=np.complex128)
    status = np.empty(xr.shape[0], dtype=np.int64)
    stieltjes_branch_status(n.C, np.ascontiguousarray(xr, dtype=float), np.ascontiguousarray(yi, dtype=float),
                            float(n.Y), n.mom, out, status)
    return out, status == BRANCH_OK


def branch(n: NumericState, xr: np.ndarray, yi: np.ndarray, checked: bool = True) -> np.ndarray:
    """:func:`branch_status` with the failure policy applied (``checked``) or the raw estimates returned.

    Parameters
    ----------
    n : NumericState
        The law's numeric state.
    xr, yi : numpy.ndarray
        Real and imaginary parts of the points.
    checked : bool
        Apply :func:`~freecalc.numerics.solvers.handle_failures` to points that did not converge.

    Returns
    -------
    numpy.ndarray
        Complex values.
    """
    out, ok = branch_status(n, xr, yi)
    if checked:
        handle_failures(SolverStatus.from_flags(ok), "Stieltjes branch continuation", points=xr + 1j * yi,
                        stacklevel=4)
    return out


def _singular_points(P: sp.Expr) -> tuple[np.ndarray, list[sp.Expr]]:
    """Real zeros of the discriminant and of the leading coefficient (floats), and the exact poles."""
    try:
        import flint  # noqa: F401  (Arb's certified isolation below)
    except ImportError:
        disc = lead = None  # the exact route computes the discriminant itself: not twice (sympy's costs most there)
    else:
        disc, lead = A.discriminant_coefficients(P, T.m, T.z), A.leading_coefficients(P, T.m, T.z)
    if disc is not None and lead is not None:
        try:
            edges, poles = certified_real_roots(disc), certified_real_roots(lead)
        except (ImportError, ArithmeticError):
            pass  # no python-flint (or an unresolved root): exact roots below
        else:
            # exact pole locations only where there is a pole: the atom masses are snapped to exact values
            exact_poles = A.pole_candidates(P, T.m, T.z) if poles.size else []
            return np.concatenate((edges, poles)), exact_poles
    edges, exact_poles = A.edge_candidates(P, T.m, T.z), A.pole_candidates(P, T.m, T.z)
    return np.array([float(p) for p in [*edges, *exact_poles]]), exact_poles


def _merge(points: np.ndarray) -> np.ndarray:
    pts = np.sort(points)
    if pts.size < 2:
        return pts
    scale = max(float(np.max(np.abs(pts))), 1e-12)
    keep = np.concatenate(([True], np.diff(pts) > MERGE_RELATIVE * scale))
    return pts[keep]


#: Fractions of a gap between consecutive candidate points at which its boundary value is tried, in order: the
#: midpoint first, then other interior points when the continuation cannot land there (a point where two
#: non-Stieltjes sheets collide: SFM(1, -1.5, 2, 0.3) ⊞ SFM(-1, -1.5, 2, 3) at its midpoint -1.5).
GAP_TEST_FRACTIONS = (0.5, 0.3, 0.7, 0.15, 0.85)


def _gap_values(raw: NumericState, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Boundary value m(x + i0) at an interior point of each gap (lo, hi); the failures of the last try warn."""
    vals = np.empty(lo.size, complex)
    todo = np.arange(lo.size)
    for k, t in enumerate(GAP_TEST_FRACTIONS):
        x = lo[todo] + t * (hi[todo] - lo[todo])
        last = k == len(GAP_TEST_FRACTIONS) - 1
        if last:
            vals[todo] = branch(raw, x, np.zeros(todo.size))
            break
        out, ok = branch_status(raw, x, np.zeros(todo.size))
        vals[todo[ok]] = out[ok]
        todo = todo[~ok]
        if todo.size == 0:
            break
    return vals


def numeric_state(P: sp.Expr, hint: Any = None, atoms: Any = None) -> NumericState:
    """Coefficients, seed moments, support and atoms of the law of the Stieltjes branch of ``P``.

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor (numeric coefficients).
    hint : tuple, optional
        First moments selecting the branch when several start like -1/z.
    atoms : mapping, optional
        Exact pole -> exact mass (0 for none) of a law whose atoms are known in closed form: those poles skip the
        residue test of :func:`_atom_mass`, which cannot separate a tiny mass from 0 where the continuous density
        diverges at the same point (ChiralBlock(1, 0.04, 0.99999): mass 5e-6 on an inverse-square-root edge).

    Returns
    -------
    NumericState

    Raises
    ------
    ArithmeticError
        If no exact mass candidate (nor 0) at a pole leaves a pole-free remainder.
    """
    C = float_coefficients(P)
    points, exact_poles = _singular_points(P)
    fpts = _merge(points)
    bound = max([float(np.max(np.abs(fpts))) if fpts.size else 0.0, 1e-300])
    try:
        exact = A.moment_series(P, SEED_MOMENTS, T.m, T.z, hint=hint, rational_only=True)
        mom = np.array([1.0] + [float(v) for v in exact])
        Y = 2.0 * bound + max(bound, 1e-12)
    except A.AlgebraicError:
        if hint is None:
            raise
        # several sheets start like -1/z and differ at order 1/z^2: seed with the hinted moments and start
        # higher, where the truncation error O(z^-(len(hint)+2)) is far below the sheets' separation
        mom = np.array([1.0] + [float(v) for v in hint])
        Y = 16.0 * (bound + max(abs(mom[1]), 1.0))
    scale = max(bound, 1e-12)
    raw = NumericState(C, mom, Y, bound, (), (), ())
    # atoms: the exact Newton-polygon candidate whose removal leaves no pole (_atom_mass); before the support,
    # whose gaps beside an atom are tested on its deflated curve
    known = dict(atoms or {})
    atoms, exact_atoms = [], []
    for a in exact_poles:
        if a in known:
            if known[a] != 0:
                atoms.append((float(a), float(known[a])))
                exact_atoms.append((a, sp.sympify(known[a])))
            continue
        # an atom of a probability law has positive mass: a non-positive residue is another sheet's pole (MP(c)
        # with c -> 1-: residue -(1 - c)/c)
        cands = [w for w in A.mass_candidates(P, a, T.m, T.z) if complex(w).real > ATOM_MASS_FLOOR]
        if not cands:
            continue
        best = _atom_mass(P, raw, a, cands, scale)
        if best is not None:
            atoms.append((float(a), float(best)))
            exact_atoms.append((a, best))
    # support: test the boundary value in every gap between consecutive candidates (one batched continuation)
    lo, hi = fpts[:-1], fpts[1:]
    gaps = hi - lo > 1e-14 * scale
    support: list[list[float]] = []
    if np.any(gaps):
        # a gap that ends at a pole also in the chart centred there, beside an atom on the deflated curve (in the
        # chart centred at the atom when it is not 0) (laws/algebraic_gaps.py)
        vals = pole_gap_values(lo[gaps], hi[gaps], exact_poles, scale, GAP_TEST_FRACTIONS,
                               lambda x: branch_status(raw, x, np.zeros(x.size)),
                               lambda a, zeta: branch_status(local_state(P, raw, a)[1], zeta, np.zeros(zeta.size)),
                               lambda gap_lo, gap_hi: _gap_values(raw, gap_lo, gap_hi), dict(exact_atoms),
                               lambda a, w, zeta: branch_status(
                                   deflated_state(P, raw, a, w) if float(a) == 0.0
                                   else deflated_state(*local_state(P, raw, a), sp.Integer(0), w),
                                   zeta, np.zeros(zeta.size)))
        for a, b, val in zip(lo[gaps], hi[gaps], vals):
            if val.imag > 1e-9 * max(1.0, abs(val)):
                if support and support[-1][1] == a:
                    support[-1][1] = b
                else:
                    support.append([a, b])
    return NumericState(C, mom, Y, bound, tuple((float(a), float(b)) for a, b in support), tuple(atoms),
                        tuple(exact_atoms), tuple(float(p) for p in fpts))


#: heights (relative to the support's scale) at which the residue test of :func:`_atom_mass` looks at the curve
ATOM_TEST_HEIGHTS = (1e-3, 1e-6, 1e-9, 1e-12)


def deflated_state(P: sp.Expr, n: NumericState, a: Any, w: Any) -> NumericState:
    r"""The numeric state of :math:`m_c = m - w/(a - z)`: the curve :math:`P(m_c + w/(a - z), z) = 0` (numerator),
    seeded with the moments of m minus those of :math:`w\,\delta_a`.

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    n : NumericState
        The state of P (its start height and moments are reused).
    a, w : sympy.Expr
        Exact atom location and mass.

    Returns
    -------
    NumericState
        Same height and bound, the deflated coefficients and moments.
    """
    mom = n.mom - float(w) * float(a) ** np.arange(n.mom.size)
    a, w = sp.sympify(a), sp.sympify(w)
    if a.is_Rational and w.is_Rational:
        terms = A.integer_terms(P, T.m, T.z)
        if terms is None:
            poly = sp.Poly(P, T.m, T.z)
            if poly.domain in (sp.ZZ, sp.QQ):  # rational coefficients (a shifted curve): a positive integer multiple
                terms = {jk: int(c) for jk, c in poly.clear_denoms(convert=True)[1].rep.to_dict().items()}
        if terms is not None:
            # the numerator of P(m + w/(a - z), z) in integer arithmetic: the same doubles as sympy's together
            C = integer_float_coefficients(IC.deflate_terms(terms, Fraction(int(a.p), int(a.q)),
                                                            Fraction(int(w.p), int(w.q))))
            return n._replace(C=C, mom=mom)
    # irrational atom data: the exact expansion works over sympy's expression domain (a minimal polynomial per zero
    # test, ~1 min for an atom at a root of a quartic); only the doubles are needed
    return n._replace(C=deflated_coefficients(P, a, w), mom=mom)


def _local_moments(n: NumericState, a: Any, height: float | None) -> tuple[np.ndarray, float, float]:
    """Moments of X − a, the shifted bound and the start height of the local chart at a."""
    fa = float(a)
    # E(X - a)^i = sum_j C(i, j) E X^j (-a)^(i - j)
    mom = np.array([sum(math.comb(i, j) * n.mom[j] * (-fa) ** (i - j) for j in range(i + 1))
                    for i in range(n.mom.size)])
    B = n.bound + abs(fa)
    # by default the start height grows with the bound as the law's own does (3B, more for a hinted branch)
    Y = (n.Y / max(n.bound, 1e-300) if height is None else height) * B
    return mom, B, Y


def _rational_shift(P: sp.Expr, a: Any) -> tuple[dict[tuple[int, int], int], int] | None:
    """Integer terms of q^K P(m, z + a) and q^K for an integer curve and a rational a = p/q (else None)."""
    a = sp.sympify(a)
    terms = A.integer_terms(P, T.m, T.z) if a.is_Rational else None
    return None if terms is None else IC.shift_terms(terms, Fraction(int(a.p), int(a.q)))


def local_state(P: sp.Expr, n: NumericState, a: Any, height: float | None = None,
                expression: bool = True) -> tuple[sp.Expr | None, NumericState]:
    r"""The curve in the local variable :math:`\zeta = z - a` and its numeric state (moments of X − a).

    The expanded coefficients of P lose the digits of :math:`(z - a)^k` to cancellation next to a ≠ 0 (a point
    1e-9 right of an edge 2e-4 above the atom 3/2 of FreeBessel(3, 0.8) + 3/2 came out with Im m = 7e-32 instead of
    0.67); those of :math:`P(m, \zeta + a)` keep them, and :math:`\zeta = x - a` is exact there (Sterbenz).
    For a rational a the shift is exact integer arithmetic (:func:`freecalc.symbolic.integer_curve.shift_terms`).

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    n : NumericState
        Its state (moments, start height and bound are carried over).
    a : sympy.Expr
        The exact centre.
    height : float, optional
        Start height of the continuation, as a multiple of the shifted bound (default: the law's own ratio).
    expression : bool
        Return the shifted curve as a sympy expression (False: None in its place when a is rational, where building
        the expression would cost more than the shift; callers that only continue on the chart need the state).

    Returns
    -------
    Ps : sympy.Expr or None
        :math:`P(m, \zeta + a)`, expanded.
    state : NumericState
        Its state (no support or atoms: only the continuation uses it).
    """
    mom, B, Y = _local_moments(n, a, height)
    shifted = _rational_shift(P, a)
    if shifted is not None:
        terms, scale = shifted
        Ps = (sp.Poly.from_dict({jk: sp.Rational(c, scale) for jk, c in terms.items()}, T.m, T.z).as_expr()
              if expression else None)
        # the integer multiple q^K of the shifted curve has the same normalised coefficients, rounded once each
        return Ps, NumericState(integer_float_coefficients(terms), mom, Y, B, (), (), ())
    terms = A.integer_terms(P, T.m, T.z)
    # an algebraic shift of an integer curve: coefficients reduced in Q(a), exact zeros gone (sympy's expansion
    # leaves them as sums of powers of a that only minimal polynomials prove zero)
    Ps = None if terms is None else NF.field_shift(terms, a, T.m, T.z)
    if Ps is None:
        Ps = sp.expand(P.subs(T.z, T.z + a))
    return Ps, NumericState(float_coefficients(Ps), mom, Y, B, (), (), ())


def _atom_mass(P: sp.Expr, raw: NumericState, a: Any, cands: list[Any], scale: float, at: Any = None) -> Any:
    r"""The mass of the atom at the pole candidate a: the exact candidate w (or 0, no atom) for which
    :math:`\eta\,m_c(a + i\eta) \to 0`, with :math:`m_c = m - w/(a - z)`.

    For the true mass :math:`w_0` and a positive measure :math:`\mu_c` without atom at a,
    :math:`|\eta\, m_c(a + i\eta)| \le \int \eta/|x - a - i\eta|\,d\mu_c \to 0`; for any other candidate the
    limit is :math:`i(w_0 - w)`, at least the distance δ from w to the other candidates (0 included) in modulus
    (a spurious candidate of 1e-17 next to 0 does not tighten the test of the others). A candidate
    is accepted when :math:`|\eta\, m_c| \le δ/4` at the lowest height of :data:`ATOM_TEST_HEIGHTS` where the
    continuation converged (and at the lower ones by its unconverged estimates), which leaves the continuous part
    up to δ/4 even when its density is unbounded at a
    (:math:`O(\eta^{1/r})` for a Puiseux cycle of length r). The estimate :math:`\eta\,\mathrm{Im}\,m(a + i\eta)`
    of m itself is not used: it exceeds the mass by :math:`\int \eta^2/((x - a)^2 + \eta^2)\,d\mu_c`, which
    is not small when the continuous part reaches a (an edge at 1.5e-7 for FreeBessel(2, 0.99)), and the
    continuation of m stalls near a where the sheets share the pole; on the deflated curve the pole is gone.

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    raw : NumericState
        Its state (coefficients, moments, start height).
    a : sympy.Expr
        The exact pole candidate.
    cands : list of sympy.Expr
        The positive mass candidates at a.
    scale : float
        The support's scale (the test heights are relative to it).
    at : sympy.Expr, optional
        The atom's location named in the error (when a is a shifted copy).

    Returns
    -------
    sympy.Expr or None
        The exact mass, or None when there is no atom (w = 0 passes).

    Raises
    ------
    ArithmeticError
        If no candidate passes.
    """
    fa = float(a)
    if fa != 0.0 and sp.sympify(a).is_real:
        # test in the local variable z - a: the expanded coefficients of P lose the digits of (z - a)^k to
        # cancellation near a, and the continuation stalls there (FreeBessel(3, 0.8) + 3/2; an irrational a too:
        # SFM(-1, 1.5, 2, 3) ⊞ SFM(1, 1.5, 2, 3) has an atom at 9/4 - 3√73/4, 1e-3 below its support)
        # moments of X - a: E(X - a)^i = sum_j C(i, j) E X^j (-a)^(i - j)
        Ps, shifted = local_state(P, raw, a, height=3.0)
        return _atom_mass(Ps, shifted, sp.Integer(0), cands, scale, at=a)
    vals = np.array([0.0, *(complex(w).real for w in cands)])
    heights = np.array(ATOM_TEST_HEIGHTS) * scale
    xs = np.full(heights.size, fa)
    seen = []
    for i, w in enumerate([None, *cands]):
        # the separation from the other candidates: a wrong w leaves at least this residue
        delta = float(np.min(np.abs(np.delete(vals, i) - vals[i])))
        state = raw if w is None else deflated_state(P, raw, a, w)
        mv, ok = branch_status(state, xs, heights)
        if not np.any(ok):
            seen.append((w, None))
            continue
        k = int(np.flatnonzero(ok)[-1])
        r = np.abs(heights * mv)
        seen.append((w, float(r[k])))
        # below the lowest converged height the continuation's estimates (flagged for stalling at the precision of
        # the expanded coefficients when a != 0, still close) must not contradict the test
        below = r[k + 1:]
        if r[k] <= 0.25 * delta and np.all(below[np.isfinite(below)] <= 0.25 * delta):
            return w
    raise ArithmeticError(f"atom at {a if at is None else at}: no exact mass candidate in {cands} (or 0) leaves a "
                          f"pole-free remainder "
                          f"(|eta m_c(a + i eta)| per candidate, None = no convergence: {seen}; "
                          f"needs <= a quarter of the candidate's distance to the others)")


def exact_support(P: sp.Expr, support: tuple[tuple[float, float], ...]) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
    """The support intervals with exact endpoints: each float edge matched to the nearest exact real zero of the
    discriminant or of the leading coefficient (rationals, radicals or ``CRootOf``).

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    support : tuple of (float, float)
        The support found by :func:`numeric_state`.

    Returns
    -------
    tuple of (sympy.Expr, sympy.Expr)
    """
    if not support:
        return ()
    exact = [*A.edge_candidates(P, T.m, T.z), *A.pole_candidates(P, T.m, T.z)]
    fl = np.array([float(e) for e in exact])

    def nearest(x: float) -> sp.Expr:
        return exact[int(np.argmin(np.abs(fl - x)))]
    return tuple((nearest(a), nearest(b)) for a, b in support)


def _horner(a: np.ndarray, mv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(m) and P_m(m) per point, a[i, j] = coefficient of m^j at point i."""
    p = a[:, -1].astype(complex)
    dp = np.zeros_like(p)
    for j in range(a.shape[1] - 2, -1, -1):
        dp = dp * mv + p
        p = p * mv + a[:, j]
    return p, dp


def boundary_values_by_roots(n: NumericState, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`m(x + i0)` at the points where it is the only root of :math:`P(\cdot, x)` in the upper half plane.

    Inside the support :math:`m(x + i0)` is a root of :math:`P(\cdot, x)` (where the leading coefficient does not
    vanish) with :math:`\mathrm{Im}\,m > 0`; P is real, so its non-real roots come in conjugate pairs, and a point
    with exactly one root in the upper half plane has found its boundary value without continuation. The roots are
    the companion matrix's eigenvalues, polished by Newton; points with a root too near the axis to be classified
    (:data:`ROOT_IMAG_RTOL`), with several upper roots, or with a vanishing leading coefficient are left undecided.

    Parameters
    ----------
    n : NumericState
        The law's numeric state.
    x : numpy.ndarray
        Real points inside the support (1-d).

    Returns
    -------
    values : numpy.ndarray
        Complex boundary values (NaN where undecided).
    decided : numpy.ndarray
        Boolean flags.
    """
    out = np.full(x.shape, complex(np.nan, np.nan))
    decided = np.zeros(x.shape, dtype=bool)
    d = n.C.shape[0] - 1
    if d < 2 or d > ROOT_SELECTION_MAX_DEGREE or x.size == 0:
        return out, decided
    a = np.polynomial.polynomial.polyval(x, n.C.T).T  # a[i, j]: coefficient of m^j at x_i
    usable = np.abs(a[:, -1]) > 1e-12 * np.max(np.abs(a), axis=1)  # the degree in m does not drop (no pole there)
    idx = np.flatnonzero(usable)
    if idx.size == 0:
        return out, decided
    a = a[idx]
    comp = np.zeros((idx.size, d, d))
    comp[:, 1:, :-1] = np.eye(d - 1)
    comp[:, :, -1] = -a[:, :-1] / a[:, -1:]
    roots = np.linalg.eigvals(comp)  # real eigenvalues come back with an imaginary part of exactly 0
    tol = ROOT_IMAG_RTOL * np.maximum(1.0, np.abs(roots))
    upper = roots.imag > tol
    unsure = (roots.imag != 0) & (np.abs(roots.imag) <= tol)
    single = (np.count_nonzero(upper, axis=1) == 1) & ~np.any(unsure, axis=1)
    mv = roots[np.arange(idx.size), np.argmax(upper, axis=1)]
    # a step may divide by P_m = 0 (a double root) or overflow: such candidates are non-finite and rejected
    with np.errstate(all="ignore"):
        res, dres = _horner(a, mv)
        for _ in range(ROOT_POLISH_STEPS):
            cand = mv - res / dres
            cres, cdres = _horner(a, cand)
            better = np.isfinite(cand) & np.isfinite(cres) & (np.abs(cres) < np.abs(res))
            mv, res, dres = np.where(better, cand, mv), np.where(better, cres, res), np.where(better, cdres, dres)
    ok = single & np.isfinite(mv) & (mv.imag > ROOT_IMAG_RTOL * np.maximum(1.0, np.abs(mv)))
    out[idx[ok]] = mv[ok]
    decided[idx[ok]] = True
    return out, decided
