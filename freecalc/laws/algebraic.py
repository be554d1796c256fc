r"""``AlgebraicLaw``: a law known through a polynomial :math:`P(m, z)` with :math:`P(m(z), z) = 0`.

Everything is derived from P alone:

* the Stieltjes factor (irreducible, with a branch :math:`m \sim -1/z`) and exact moments/free cumulants by
  undetermined coefficients (:mod:`freecalc.symbolic.algebraic`);
* support edges: exact real zeros of the discriminant in m (rationals, radicals or ``CRootOf``); between two
  consecutive candidates the boundary value :math:`m(x + i0)` is either real throughout or not (it can only meet its
  conjugate at a discriminant zero), so one evaluation per gap decides the support;
* atoms: real zeros of the leading coefficient in m, mass = minus the residue, chosen exactly among the
  Newton-polygon candidates (:func:`~freecalc.symbolic.algebraic.mass_candidates`) by a numeric evaluation;
* numeric Stieltjes transform by vertical continuation from the moment series at :math:`x + iY`
  (:mod:`freecalc.kernels.branches`), boundary values on the real axis included.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

from functools import cached_property, singledispatch
from typing import Any, NamedTuple

import mpmath
import numpy as np
import sympy as sp

from freecalc._params import SymbolicParameterError
from freecalc.kernels.branches import BRANCH_OK, stieltjes_branch_status
from freecalc.numerics.solvers import NEWTON_MAXITER, NEWTON_STALL_TOL, SolverStatus, handle_failures
from freecalc.laws.base import Law, SymbolicFace
from freecalc.numerics.monodromy import cycle_length
from freecalc.numerics.quadrature import PowerEdgeAntiderivative, PowerEdgeRule
from freecalc.symbolic import algebraic as A
from freecalc.symbolic import transforms as T

__all__ = ["AlgebraicLaw", "AlgebraicSymbolicFace", "to_algebraic"]

#: moments used to seed the continuation at x + iY (|z| > 2B there, so 8 terms give ~3 digits; Newton polishes)
_SEED_MOMENTS = 8

R_NEWTON_TOL = 1e-15
"""Relative step at which the R-transform's Newton inversion (exact derivative dm/dz = −P_z/P_m, quadratic
convergence) stops: a few ulps, one step past the last significant correction."""


class _Numeric(NamedTuple):
    C: np.ndarray  # C[j, k] = coefficient of m^j z^k
    mom: np.ndarray  # m_0..m_K
    Y: float  # start height, > 2 * bound of the support
    bound: float
    support: tuple[tuple[float, float], ...]
    atoms: tuple[tuple[float, float], ...]
    exact_support: tuple[tuple[sp.Expr, sp.Expr], ...]
    exact_atoms: tuple[tuple[sp.Expr, sp.Expr], ...]
    candidates: tuple[float, ...] = ()  # real discriminant zeros and poles: edges, kinks, atoms


class AlgebraicLaw(Law):
    r"""The law whose Stieltjes transform is the branch :math:`m \sim -1/z` of :math:`P(m, z) = 0`.

    Parameters
    ----------
    P : sympy expression or anything sympify accepts
        A polynomial (or rational expression: its numerator is used) in ``m`` and ``z``; other symbols are
        parameters (the numeric face then raises :class:`~freecalc.SymbolicParameterError`).
    m, z : sympy.Symbol, optional
        The symbols of P (default: ``freecalc.symbolic.transforms.m`` and ``z``).
    size : int, optional
        Matrix dimension n.
    reduce : bool, default True
        Factor P and keep the Stieltjes factor (operations that already did so pass ``False``).
    hint : sequence, optional
        First moments (exact, or floats matched to 1e-8) selecting the branch when several branches of P start
        like :math:`-1/z` (e.g. the law of 1/X, whose sheets all do).

    Examples
    --------
    >>> import sympy as sp
    >>> from freecalc.symbolic.transforms import m, z
    >>> law = AlgebraicLaw(m**2 + z*m + 1, m, z)   # semicircle of radius 2
    >>> law.support
    ((-2.0, 2.0),)
    """

    is_algebraic = True

    def __init__(self, P: Any, m: sp.Symbol = T.m, z: sp.Symbol = T.z, *, size: Any = None,
                 reduce: bool = True, hint: Any = None) -> None:
        if isinstance(P, Law):
            raise TypeError(f"AlgebraicLaw takes a polynomial P(m, z); use to_algebraic({P!r}) to convert a law")
        if not isinstance(m, sp.Symbol) or not isinstance(z, sp.Symbol) or m == z:
            raise TypeError(f"m and z must be two distinct sympy Symbols, got m={m!r}, z={z!r}")
        try:
            expr = sp.sympify(P)
        except (sp.SympifyError, TypeError) as exc:
            raise TypeError(f"P must be a polynomial in m and z, got {P!r}") from exc
        if not isinstance(expr, sp.Expr) or not expr.has(m):
            raise ValueError(f"P must involve m = {m}: got P = {expr}")
        # canonical symbols so that equal laws compare equal whatever symbols the user chose
        expr = expr.subs({m: T.m, z: T.z}, simultaneous=True)
        hint = None if hint is None else tuple(hint)
        poly = A.stieltjes_factor(expr, T.m, T.z, hint=hint) if reduce else A.as_polynomial(expr, T.m, T.z)
        super().__init__(size=size)
        self._set("_P", poly)
        self._set("_hint", hint)

    # -- identity ---------------------------------------------------------------------------------------------
    @property
    def equation(self) -> sp.Expr:
        """The canonical polynomial P(m, z) (Stieltjes factor, integer content removed)."""
        return self._P

    def _identity(self) -> tuple[Any, ...]:
        return (sp.srepr(self._P),)

    @property
    def is_symbolic(self) -> bool:
        """Whether the equation has symbols other than m and z (parameters)."""
        return bool(self._P.free_symbols - {T.m, T.z})

    def _require_numeric(self, what: str) -> None:
        if self.is_symbolic:
            syms = sorted(str(s) for s in self._P.free_symbols - {T.m, T.z})
            raise SymbolicParameterError(f"{what} of {self!r} needs numbers for the symbols {syms}; "
                                         f"use law.subs({{...}}) or the symbolic face law.sym")

    def subs(self, values: dict) -> AlgebraicLaw:
        """The law with parameter symbols replaced by values (exact rationals are used for floats).

        Parameters
        ----------
        values : dict
            Symbol → value (number or sympy expression).

        Returns
        -------
        AlgebraicLaw
            The law of the substituted equation, with the same ``size``.
        """
        vals = {k: sp.nsimplify(v, rational=True) if isinstance(v, float) else v for k, v in values.items()}
        return AlgebraicLaw(self._P.subs(vals), size=self.size)

    def replace(self, **changes: Any) -> AlgebraicLaw:
        """A copy with another ``size`` (AlgebraicLaw has no declared parameters: use :meth:`subs`).

        Parameters
        ----------
        **changes
            Only ``size`` (int or None) is accepted.

        Returns
        -------
        AlgebraicLaw

        Raises
        ------
        TypeError
            If any other name is given.
        """
        unknown = set(changes) - {"size"}
        if unknown:
            raise TypeError(f"AlgebraicLaw has no parameters to replace ({sorted(unknown)}); use subs()")
        return AlgebraicLaw(self._P, size=changes.get("size", self.size), reduce=False, hint=self._hint)

    def __repr__(self) -> str:
        size = f", size={self.size}" if self.size is not None else ""
        return f"AlgebraicLaw({self._P}{size})"

    def _latex(self, printer: Any = None) -> str:
        return rf"\mathrm{{Alg}}\left[{sp.latex(self._P)} = 0\right]"

    @property
    def degree(self) -> tuple[int, int]:
        """Degrees of P in m and in z."""
        p = sp.Poly(self._P, T.m, T.z)
        return p.degree(T.m), p.degree(T.z)

    # -- exact data ------------------------------------------------------------------------------------------
    def exact_moments(self, K: int) -> list[sp.Expr]:
        r"""Exact moments :math:`m_1, \dots, m_K` (cached; computed by undetermined coefficients).

        The expansion :math:`m(z) = -\sum_{k\ge0} m_k z^{-k-1}` is substituted into :math:`P(m, z) = 0` and solved
        order by order.

        Parameters
        ----------
        K : int
            Number of moments.

        Returns
        -------
        list of sympy.Expr
        """
        cache = self.__dict__.setdefault("_moment_cache", [])
        if len(cache) < K:
            cache[:] = A.moment_series(self._P, K, T.m, T.z, hint=self._hint)
        return cache[:K]

    # -- numeric state ---------------------------------------------------------------------------------------
    @cached_property
    def _numeric(self) -> _Numeric:
        self._require_numeric("the numeric face")
        C = _float_coefficients(self._P)
        edges = A.edge_candidates(self._P, T.m, T.z)
        poles = A.pole_candidates(self._P, T.m, T.z)
        pts = sorted({*edges, *poles}, key=lambda r: float(r))
        fpts = [float(p) for p in pts]
        bound = max([abs(p) for p in fpts] + [1e-300])
        try:
            exact = A.moment_series(self._P, _SEED_MOMENTS, T.m, T.z, hint=self._hint, rational_only=True)
            mom = np.array([1.0] + [float(v) for v in exact])
            Y = 2.0 * bound + max(bound, 1e-12)
        except A.AlgebraicError:
            if self._hint is None:
                raise
            # several sheets start like -1/z and differ at order 1/z^2: seed with the hinted moments and start
            # higher, where the truncation error O(z^-(len(hint)+2)) is far below the sheets' separation
            mom = np.array([1.0] + [float(v) for v in self._hint])
            Y = 16.0 * (bound + max(abs(mom[1]), 1.0))
        scale = max(bound, 1e-12)
        raw = _Numeric(C, mom, Y, bound, (), (), (), ())
        # support: test the boundary value in every gap between consecutive candidates
        exact_iv: list[list[sp.Expr]] = []
        for lo, hi, flo, fhi in zip(pts[:-1], pts[1:], fpts[:-1], fpts[1:]):
            if fhi - flo <= 1e-14 * scale:
                continue
            mid = np.array([0.5 * (flo + fhi)])
            val = _branch(raw, mid, np.zeros(1))[0]
            if val.imag > 1e-9 * max(1.0, abs(val)):
                if exact_iv and exact_iv[-1][1] == lo:
                    exact_iv[-1][1] = hi
                else:
                    exact_iv.append([lo, hi])
        support = tuple((float(a), float(b)) for a, b in exact_iv)
        # atoms: mass = lim eta Im m(a + i eta), snapped to the exact Newton-polygon candidate
        atoms, exact_atoms = [], []
        for a in poles:
            fa = float(a)
            # an atom of a probability law has positive mass: a non-positive residue is another sheet's pole (MP(c)
            # with c -> 1-: residue -(1 - c)/c, within the estimate's O(sqrt(eta)) error of 0)
            cands = [w for w in A.mass_candidates(self._P, a, T.m, T.z) if complex(w).real > 0]
            if not cands:
                continue
            # eta Im m(a + i eta) -> mass; a continuous part adds O(sqrt(eta)) at worst (x^(-1/2) edges). Not
            # smaller: sheets sharing the pole (same residue) become inseparable in double precision
            eta = 1e-7 * scale
            # an estimate only: it is snapped to an exact candidate (or refused) below, so the continuation's
            # status (often a stall between sheets sharing the pole, extrapolated) is not a failure here
            val = _branch(raw, np.array([fa]), np.array([eta]), checked=False)[0]
            est = eta * val.imag
            best = min(cands, key=lambda w: abs(complex(w) - est))
            if abs(complex(best) - est) > 1e-3:
                if abs(est) < 1e-3:
                    continue  # no atom: the branch through this pole candidate is another sheet
                raise ArithmeticError(f"atom at {a}: numeric mass {est} matches no exact candidate {cands}")
            atoms.append((fa, float(best)))
            exact_atoms.append((a, best))
        return _Numeric(C, mom, Y, bound, support, tuple(atoms), tuple((a, b) for a, b in exact_iv),
                        tuple(exact_atoms), tuple(fpts))

    def kernel_args(self) -> tuple[np.ndarray, float, np.ndarray]:
        """(C, Y, moments) for :func:`freecalc.kernels.branches.stieltjes_branch` (user ``@njit`` code).

        Returns
        -------
        C : numpy.ndarray
            Coefficients of :math:`P(m, z)` (``C[i, j]`` multiplies :math:`m^i z^j`), scaled.
        Y : float
            Height above which the branch is continued from the moment series.
        moments : numpy.ndarray
            Moments used for the series at large ``|z|``.
        """
        n = self._numeric
        return n.C, n.Y, n.mom

    # -- hooks ----------------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        return self._numeric.support

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return self._numeric.atoms

    @cached_property
    def _deflated(self) -> tuple[tuple[float, float, _Numeric], ...]:
        # per atom (a, w): the curve of m_c = m − w/(a − z), the transform of the law without that atom. Next to an
        # atom the sheets of P share its pole and differ only by the continuous part, which double precision cannot
        # separate from |m| ~ w/|z − a|; on the deflated curve that part is the whole value.
        n = self._numeric
        out = []
        for a, w in n.exact_atoms:
            Q = sp.numer(sp.together(self._P.subs(T.m, T.m + w / (a - T.z))))
            fa, fw = float(a), float(w)
            mom = n.mom - fw * fa ** np.arange(n.mom.size)
            out.append((fa, fw, n._replace(C=_float_coefficients(sp.expand(Q)), mom=mom)))
        return tuple(out)

    def _evaluate(self, xr: np.ndarray, yi: np.ndarray) -> np.ndarray:
        """m(x + iy) on the Stieltjes branch; points the continuation cannot resolve are retried on the deflated
        curve of each atom, and what is left is reported (the solver contract)."""
        out, ok = _branch_status(self._numeric, xr, yi)
        if not np.all(ok):
            for a, w, dn in self._deflated:
                bad = np.flatnonzero(~ok)
                if bad.size == 0:
                    break
                mc, okc = _branch_status(dn, xr[bad], yi[bad])
                z = xr[bad] + 1j * yi[bad]
                with np.errstate(divide="ignore", invalid="ignore"):
                    full = w / (a - z) + mc
                good = okc & np.isfinite(full)
                out[bad[good]] = full[good]
                ok[bad[good]] = True
        handle_failures(SolverStatus.from_flags(ok), f"Stieltjes branch continuation of {self!r}",
                        points=xr + 1j * yi, stacklevel=5)
        return out

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        zf = np.ascontiguousarray(z, dtype=complex).ravel()
        out = self._evaluate(zf.real.copy(), zf.imag.copy())
        return out.reshape(np.shape(z))

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        n = self._numeric
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        out = np.zeros(flat.shape)
        inside = self._inside(flat)
        if np.any(inside):
            xi = flat[inside]
            # exactly at an atom the boundary value is infinite: there the density is the mean of both sides; next
            # to it the deflated curve (_evaluate) resolves the continuous part
            at_atom = np.isin(xi, [a for a, _ in n.atoms])
            vals = np.zeros(xi.shape)
            vals[~at_atom] = self._evaluate(xi[~at_atom], np.zeros(int(np.count_nonzero(~at_atom)))).imag / np.pi
            for a, _ in n.atoms:
                hit = xi == a
                if np.any(hit):
                    h = 1e-7 * max(1.0, n.bound)
                    side = self._evaluate(np.array([a - h, a + h]), np.zeros(2)).imag / np.pi
                    vals[hit] = 0.5 * (side[0] + side[1])
            out[inside] = np.maximum(np.nan_to_num(vals, nan=0.0), 0.0)
        return out.reshape(np.shape(x))

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Graded composite Gauss–Legendre rule on each support interval, weighted by the density.

        Each support interval is cut at the real discriminant zeros inside it (kinks of the density), and each piece
        gets a :class:`~freecalc.numerics.quadrature.PowerEdgeRule` whose exponent at an end is the length r of the
        Puiseux cycle of the Stieltjes branch there: the density is a series in :math:`(x - e)^{1/r}` (r = 2 for
        square-root edges and square-root kinks, r = 3 for the :math:`x^{-2/3}` edge of a free product of
        Marchenko–Pastur laws), which the substitution :math:`x = e + h u^r` makes analytic.

        Parameters
        ----------
        panels, order : int
            Accuracy hints of the generic rule (panels per piece and Gauss–Legendre points per panel).

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights: :math:`\sum_i w_i f(x_i) \approx \int f\,\rho\,dx` over the continuous part (the weights
            sum to its mass).
        """
        xs, ws = [], []
        for a, b, ka, kb in self._pieces:
            xn, wn = PowerEdgeRule(a, b, ka, kb, max(panels // 2, 1), order).nodes_weights()
            xs.append(xn)
            ws.append(wn * self._pdf(xn))
        if not xs:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(xs), np.concatenate(ws)

    def _moment(self, k: int) -> float:
        try:
            if self._hint is not None:
                return float(A.moment_series(self._P, k, T.m, T.z, hint=self._hint, rational_only=True)[k - 1])
            return float(self.exact_moments(k)[k - 1])
        except A.AlgebraicError:
            return super()._moment(k)  # irrational branch coefficients: quadrature of the density and atoms

    @cached_property
    def _pieces(self) -> tuple[tuple[float, float, int, int], ...]:
        # support intervals cut at the interior discriminant zeros, each end with its Puiseux cycle length
        n = self._numeric
        cuts = np.array(n.candidates)
        scale = max(n.bound, 1e-12)
        out = []
        for a, b in n.support:
            inner = cuts[(cuts > a + 1e-14 * scale) & (cuts < b - 1e-14 * scale)]
            pts = np.concatenate(([a], inner, [b]))
            r = [self._cycle_length(float(e), cuts, scale) for e in pts]
            out.extend((float(p), float(q), rp, rq) for p, q, rp, rq in zip(pts[:-1], pts[1:], r[:-1], r[1:]))
        return tuple(out)

    def _cycle_length(self, e: float, cuts: np.ndarray, scale: float) -> int:
        """Length of the Puiseux cycle of the Stieltjes branch at the real point e (monodromy: follow the root of
        P(., z) that is m(e + i eps) once more around |z - e| = eps until it returns)."""
        n = self._numeric
        others = np.abs(cuts - e)
        others = others[others > 1e-14 * scale]
        eps = 1e-2 * min(float(others.min()) if others.size else scale, scale)
        # only the nearest root of P(., e + i eps) is needed, so the continuation's estimate is enough even where it
        # cannot polish (next to a pole of m)
        m0 = _branch(n, np.array([e]), np.array([eps]), checked=False)[0]
        return cycle_length(n.C, e, eps, m0)

    @cached_property
    def _cdf_tables(self) -> tuple[PowerEdgeAntiderivative, ...]:
        # per piece, the Legendre antiderivatives of the panel interpolants: cdf(x) is O(order) per point after one
        # density evaluation per node
        return tuple(PowerEdgeRule(a, b, ka, kb).antiderivative(self._pdf) for a, b, ka, kb in self._pieces)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(np.shape(x))
        for table in self._cdf_tables:
            out = out + table(x)
        for loc, mass in self.atoms:
            out = out + mass * (x >= loc)
        return out

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        # Newton on m(z) = -w with the exact derivative dm/dz = -P_z / P_m, from the cumulant series
        n = self._numeric
        k1 = n.mom[1]
        k2 = n.mom[2] - n.mom[1] ** 2
        zc = 1.0 / w + k1 + k2 * w
        # P_z and P_m from the normalised float coefficients (the exact ones can exceed the double range)
        P = np.polynomial.polynomial
        cz = n.C.T  # cz[k, j]: coefficient of z^k m^j
        conv = np.zeros(np.shape(zc), dtype=bool)
        rel = np.full(np.shape(zc), np.inf)
        its = np.zeros(np.shape(zc), dtype=np.int64)
        for _ in range(NEWTON_MAXITER):
            mv = self._stieltjes_any(zc)
            a = P.polyval(zc, cz)  # a[j]: coefficient of m^j at each zc
            dm = -P.polyval(mv, P.polyval(zc, P.polyder(cz, axis=0)), tensor=False) / P.polyval(
                mv, P.polyder(a, axis=0), tensor=False)
            step = (mv + w) / dm
            zc = zc - step
            its += ~conv
            new = np.abs(step) / np.maximum(1.0, np.abs(zc))
            # exact derivative: quadratic convergence to rounding (R_NEWTON_TOL), or a step that stalls at the
            # precision of m itself (the solver contract's noise floor)
            conv |= (new <= R_NEWTON_TOL) | ((new <= NEWTON_STALL_TOL) & (new >= 0.5 * rel))
            rel = new
            if np.all(conv):
                break
        handle_failures(SolverStatus(conv.ravel(), its.ravel(), rel.ravel()),
                        f"R-transform of {self!r} (Newton inversion of m)", points=w, stacklevel=5)
        return zc - 1.0 / w


def _float_coefficients(P: sp.Expr) -> np.ndarray:
    """C[j, k] = coefficient of m^j z^k of P, divided by the largest one."""
    poly = sp.Poly(P, T.m, T.z)
    d, e = poly.degree(T.m), poly.degree(T.z)
    C = np.zeros((d + 1, e + 1))
    # divided by the largest coefficient (in sympy's unbounded exponent range): exact rationals with long
    # denominators (a shift by 1e-308 written exactly) clear to integers beyond the double range
    terms = [((j, k), c, sp.N(c, 30)) for (j, k), c in poly.terms()]
    big = max(abs(v) for _, _, v in terms)
    for (j, k), c, v in terms:
        cc = complex(v / big)
        if abs(cc.imag) > 1e-14:  # relative to the largest coefficient
            raise ValueError(f"P has non-real coefficient {c}; AlgebraicLaw needs a real polynomial")
        C[j, k] = cc.real
    return C


def _branch_status(n: _Numeric, xr: np.ndarray, yi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out = np.empty(xr.shape[0], dtype=np.complex128)
    status = np.empty(xr.shape[0], dtype=np.int64)
    stieltjes_branch_status(n.C, np.ascontiguousarray(xr, dtype=float), np.ascontiguousarray(yi, dtype=float),
                            float(n.Y), n.mom, out, status)
    return out, status == BRANCH_OK


def _branch(n: _Numeric, xr: np.ndarray, yi: np.ndarray, checked: bool = True) -> np.ndarray:
    out, ok = _branch_status(n, xr, yi)
    if checked:
        handle_failures(SolverStatus.from_flags(ok), "Stieltjes branch continuation", points=xr + 1j * yi,
                        stacklevel=4)
    return out


class AlgebraicSymbolicFace(SymbolicFace):
    """Symbolic face of an :class:`AlgebraicLaw`: the equation, exact moments, cumulants, edges, atoms,
    and the R- and S-equations (closed forms of m, R, S exist only for low degree, so they are not offered).

    Parameters
    ----------
    law : AlgebraicLaw
        The law (the face is obtained as ``law.sym``).
    """

    law: AlgebraicLaw

    def equation(self, m: Any = T.m, z: Any = T.z) -> sp.Expr:
        return self.law.equation.subs({T.m: m, T.z: z}, simultaneous=True)

    def r_equation(self, R: Any = A.R_SYM, w: Any = T.w) -> sp.Expr:
        """Polynomial A(R, w) with A(R(w), w) = 0.

        Parameters
        ----------
        R, w : sympy.Symbol
            The variables of the equation.

        Returns
        -------
        sympy.Expr

        References
        ----------
        Rao & Edelman (2008), Found. Comput. Math. 8.
        """
        return A.r_equation(self.law.equation, T.m, T.z, R, w)

    def s_equation(self, S: Any = A.S_SYM, w: Any = T.w) -> sp.Expr:
        """Polynomial B(S, w) with B(S(w), w) = 0.

        Parameters
        ----------
        S, w : sympy.Symbol
            The variables of the equation.

        Returns
        -------
        sympy.Expr

        References
        ----------
        Rao & Edelman (2008), Found. Comput. Math. 8.
        """
        return A.s_equation(self.law.equation, T.m, T.z, S, w)

    def stieltjes(self, z: Any = T.z) -> sp.Expr:
        raise NotImplementedError("an AlgebraicLaw has no closed-form Stieltjes transform in general; use "
                                  "sym.equation(m, z) (its Stieltjes branch) or the numeric face")

    def r_transform(self, w: Any = T.w) -> sp.Expr:
        """R(w) in closed form when its equation A(R, w) = 0 is solvable in radicals (e.g. a free sum of laws with
        rational R-transforms, where R is their sum); the branch is the one analytic at 0 whose Taylor
        coefficients are the free cumulants κ₁, κ₂, κ₃.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            When no root of the R-equation is analytic at 0 with the law's free cumulants (use ``r_equation``).
        """
        eq = self.r_equation(A.R_SYM, T.w)
        return self._series_branch(eq, A.R_SYM, self.free_cumulants(3), "R-transform").subs(T.w, w)

    def s_transform(self, w: Any = T.w) -> sp.Expr:
        """S(w) in closed form when its equation B(S, w) = 0 is solvable in radicals (e.g. a free product of
        laws with rational S-transforms); the branch is the one analytic at 0 with the S-transform's Taylor
        coefficients, which follow from the moments.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            When no root is analytic at 0 with the right coefficients (use ``s_equation``).
        """
        eq = self.s_equation(A.S_SYM, T.w)
        m1, m2, m3 = self.moments(3)
        # ψ(u) = m1 u + m2 u² + m3 u³ + …  inverts to χ(w) = w/m1 − m2 w²/m1³ + (2m2² − m1 m3) w³/m1⁵ + …,
        # and S(w) = χ(w)(1 + w)/w
        inner = [1 / m1, -m2 / m1 ** 3, (2 * m2 ** 2 - m1 * m3) / m1 ** 5]
        coeffs = [sp.simplify(v) for v in (inner[0], inner[0] + inner[1], inner[1] + inner[2])]
        return self._series_branch(eq, A.S_SYM, coeffs, "S-transform").subs(T.w, w)

    def _series_branch(self, eq: sp.Expr, unknown: sp.Symbol, coeffs: list[sp.Expr], what: str) -> sp.Expr:
        try:
            roots = sp.solve(eq, unknown)
        except NotImplementedError:
            roots = []
        for root in roots:
            try:
                ser = sp.series(root, T.w, 0, len(coeffs)).removeO()
            except (ValueError, NotImplementedError, TypeError):
                continue
            if sp.simplify(ser - sum(c * T.w ** k for k, c in enumerate(coeffs))) == 0:
                root = sp.simplify(root)
                if self._branch_holds_around_zero(eq, unknown, root, coeffs):
                    return root
        raise NotImplementedError(f"no closed-form {what} for {self.law!r}: its equation has no root in radicals "
                                  f"analytic at 0 with the law's coefficients; use the polynomial equation instead")

    @staticmethod
    def _branch_holds_around_zero(eq: sp.Expr, unknown: sp.Symbol, root: sp.Expr, coeffs: list[sp.Expr]) -> bool:
        """Whether the radical expression ``root`` is the series branch all around w = 0, not only on the positive
        axis where its series was matched: nested radicals with principal branches can jump to another root across
        a cut next to 0 (FussCatalan(4)'s quartic R gave −65 + 454i at w = 0.01 + 0.005i instead of 1.04 + 0.02i).
        Checked at eight points on a small circle against the root of the equation nearest to the series."""
        if root.free_symbols - {T.w} or any(c.free_symbols for c in map(sp.sympify, coeffs)):
            return True  # symbolic parameters: nothing numeric to check
        c = [complex(sp.N(v)) for v in coeffs]
        scale = max(1.0, *(abs(v) ** (1.0 / k) for k, v in enumerate(c) if k and v != 0))
        f = sp.lambdify(T.w, root, "mpmath")
        poly = sp.Poly(sp.expand(eq), unknown)
        for theta in np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False) + 0.3:
            w0 = 1e-3 / scale * complex(np.cos(theta), np.sin(theta))
            series = sum(v * w0 ** k for k, v in enumerate(c))
            coeff_w = [complex(sp.N(a.subs(T.w, w0))) for a in poly.all_coeffs()]
            roots = np.roots(coeff_w)
            if roots.size == 0:
                return False
            nearest = roots[np.argmin(np.abs(roots - series))]
            try:
                value = complex(f(mpmath.mpc(w0)))
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if abs(value - nearest) > 1e-7 * max(1.0, abs(nearest)):
                return False
        return True

    def _moment_list(self, K: int) -> list[sp.Expr]:
        return list(self.law.exact_moments(K))

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Support intervals with exact endpoints (rationals, radicals or ``CRootOf``)."""
        return self.law._numeric.exact_support

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Atoms (location, mass) with exact values."""
        return self.law._numeric.exact_atoms

    def edge_candidates(self) -> list[sp.Expr]:
        """Real zeros of the discriminant (exact), a superset of the support edges; works with parameters.

        Returns
        -------
        list of sympy.Expr
            Increasing.
        """
        return A.edge_candidates(self.law.equation, T.m, T.z)


AlgebraicLaw.symbolic_face_class = AlgebraicSymbolicFace


@singledispatch
def to_algebraic(law: Any) -> AlgebraicLaw:
    """The :class:`AlgebraicLaw` of an algebraic law (any law with ``is_algebraic`` and ``sym.equation``).

    Parameters
    ----------
    law : Law
        An algebraic law (Semicircle, Marchenko–Pastur, ..., or an AlgebraicLaw, returned unchanged).

    Returns
    -------
    AlgebraicLaw
        The law of the equation :math:`P(m, z) = 0` given by ``law.sym.equation``, with the same ``size``.

    Raises
    ------
    TypeError
        If ``law`` is not a Law, or its Stieltjes transform satisfies no polynomial equation.
    """
    if not isinstance(law, Law):
        raise TypeError(f"to_algebraic needs a freecalc Law, got {type(law).__name__}")
    if not getattr(law, "is_algebraic", False):
        raise TypeError(f"{law!r} is not algebraic (its Stieltjes transform satisfies no polynomial equation)")
    eq = law.sym.equation(T.m, T.z)
    return AlgebraicLaw(eq, T.m, T.z, size=law.size)


@to_algebraic.register
def _(law: AlgebraicLaw) -> AlgebraicLaw:
    return law
