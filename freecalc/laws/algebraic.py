r"""``AlgebraicLaw``: a law known through a polynomial :math:`P(m, z)` with :math:`P(m(z), z) = 0`.

Everything is derived from P alone:

* the Stieltjes factor (irreducible, with a branch :math:`m \sim -1/z`) and exact moments/free cumulants by
  undetermined coefficients (:mod:`freecalc.symbolic.algebraic`);
* support edges and atoms from the real zeros of the discriminant and of the leading coefficient in m, certified
  (:mod:`freecalc.laws.algebraic_numeric`); exact ends (rationals, radicals or ``CRootOf``) on the symbolic face
  (:mod:`freecalc.laws.algebraic_face`);
* numeric Stieltjes transform by vertical continuation from the moment series at :math:`x + iY`
  (:mod:`freecalc.kernels.branches`), boundary values on the real axis included; density, graded quadrature with
  the Puiseux exponent of each edge (numerical monodromy), cdf and R-transform from it.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import warnings
from functools import cached_property, singledispatch
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc._params import SymbolicParameterError
from freecalc.laws.algebraic_face import AlgebraicSymbolicFace
from freecalc.laws.algebraic_far import FarChart, far_branch, far_chart
from freecalc.laws.algebraic_edges import PowerEdge, edge_boundary_values, end_chart_index
from freecalc.laws.algebraic_pieces import chart_ends, graded_pieces, piece_ends, power_edges, support_pieces
from freecalc.laws.algebraic_polish import checked_boundary_values
from freecalc.laws.algebraic_rule import GradedHalf, adaptive_halves, antiderivative, rule_arrays
from freecalc.laws.algebraic_numeric import (NumericState, boundary_values_by_roots, branch_status,
                                             deflated_state, exact_support, local_state, numeric_state)
from freecalc.laws.algebraic_sqrt_edges import SqrtEdgeCharts
from freecalc.laws.algebraic_transforms import AlgebraicTransforms
from freecalc.laws.base import Law
from freecalc.numerics.quadrature import PowerEdgeAntiderivative
from freecalc.numerics.solvers import ConvergenceWarning, SolverStatus, handle_failures

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
FL = lazy_module("freecalc.symbolic.algebraic_flint")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["AlgebraicLaw", "AlgebraicSymbolicFace", "to_algebraic"]

MASS_CHECK_TOL = 1e-8
"""Largest accepted defect of the total mass (density by the default graded rule, plus the atoms); beyond it the
law's integrals are flagged with a ConvergenceWarning."""

ATOM_CHART_RADIUS = 0.5
"""Points within this fraction of |a| of an atom a != 0 are evaluated on the curve in the local variable z - a:
there the expanded coefficients have lost log10(|a|/|z - a|) digits that the local ones keep."""

ENTROPY_PANELS = 128
"""Panels of the rule behind :meth:`AlgebraicLaw.entropy` (as for every law's entropy: log ρ is less smooth than ρ)."""


class AlgebraicLaw(AlgebraicTransforms, Law):
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

    def __init__(self, P: Any, m: sp.Symbol = None, z: sp.Symbol = None, *, size: Any = None,
                 reduce: bool = True, hint: Any = None) -> None:
        m = T.m if m is None else m
        z = T.z if z is None else z
        if isinstance(P, Law):
            raise TypeError(f"AlgebraicLaw takes a polynomial P(m, z); use to_algebraic({P!r}) to convert a law")
        if not is_sympy(m, "Symbol") or not is_sympy(z, "Symbol") or m == z:
            raise TypeError(f"m and z must be two distinct sympy Symbols, got m={m!r}, z={z!r}")
        try:
            expr = sp.sympify(P)
        except (sp.SympifyError, TypeError) as exc:
            raise TypeError(f"P must be a polynomial in m and z, got {P!r}") from exc
        if not is_sympy(expr, "Expr") or not expr.has(m):
            raise ValueError(f"P must involve m = {m}: got P = {expr}")
        # canonical symbols so that equal laws compare equal whatever symbols the user chose
        if (m, z) != (T.m, T.z):
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
        return f"AlgebraicLaw({self._equation_str}{size})"

    @cached_property
    def _equation_str(self) -> str:
        # printing a degree-13 curve takes sympy tens of ms, and every evaluation names the law in its failure report
        return str(self._P)

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
    def _numeric(self) -> NumericState:
        self._require_numeric("the numeric face")
        return numeric_state(self._P, self._hint)

    @cached_property
    def _exact_support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        # exact ends only when asked for (sym.support): matching them costs exact real roots of the discriminant
        return exact_support(self._P, self._numeric.support)

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
    def _far_chart(self) -> FarChart | None:
        return far_chart(self._P, self._numeric)

    @cached_property
    def _atom_charts(self) -> tuple[tuple[float, float, NumericState, NumericState], ...]:
        # per atom a != 0: the local curve P(m, zeta + a) and its deflated form (the exact shift keeps the digits
        # of (z - a)^k that the expanded P loses next to a)
        n = self._numeric
        out = []
        for a, w in n.exact_atoms:
            if float(a) != 0.0:
                Ps, loc = local_state(self._P, n, a)
                out.append((float(a), float(w), loc, deflated_state(Ps, loc, sp.Integer(0), w)))
        return tuple(out)

    @cached_property
    def _deflated(self) -> tuple[tuple[float, float, NumericState], ...]:
        # per atom (a, w): the curve of m_c = m − w/(a − z), the transform of the law without that atom. Next to an
        # atom the sheets of P share its pole and differ only by the continuous part, which double precision cannot
        # separate from |m| ~ w/|z − a|; on the deflated curve that part is the whole value.
        n = self._numeric
        out = []
        for a, w in n.exact_atoms:
            out.append((float(a), float(w), deflated_state(self._P, n, a, w)))
        return tuple(out)

    def _evaluate(self, xr: np.ndarray, yi: np.ndarray) -> np.ndarray:
        """m(x + iy) on the Stieltjes branch; points the continuation cannot resolve are retried on the deflated
        curve of each atom, and what is left is reported (the solver contract). Far from the support, where several
        sheets ~ -1/z crowd together, the reciprocal chart (:mod:`freecalc.laws.algebraic_far`) decides."""
        # next to a square-root end: its Puiseux series at the exact double point (laws/algebraic_sqrt_edges.py)
        out, ok = self._sqrt_edges.evaluate(xr, yi)
        far = self._far_chart
        if far is not None:
            idx = np.flatnonzero(np.hypot(xr, yi) >= far.radius)
            if idx.size:
                out[idx], ok[idx] = far_branch(far, xr[idx] + 1j * yi[idx])
        tried = ok.copy()
        # next to an atom a != 0: the curve in the local variable z - a (laws/algebraic_numeric.py: local_state)
        for a, w, loc, dloc in self._atom_charts:
            idx = np.flatnonzero(~tried & (np.hypot(xr - a, yi) < ATOM_CHART_RADIUS * abs(a)))
            if idx.size == 0:
                continue
            tried[idx] = True
            zeta, eta = xr[idx] - a, yi[idx]
            mv, okl = branch_status(loc, zeta, eta)
            bad = np.flatnonzero(~okl)
            if bad.size:  # the sheets share the atom's pole: its continuous part on the deflated curve
                mc, okc = branch_status(dloc, zeta[bad], eta[bad])
                with np.errstate(divide="ignore", invalid="ignore"):
                    full = w / -(zeta[bad] + 1j * eta[bad]) + mc
                mv[bad], okl[bad] = full, okc & np.isfinite(full)
            out[idx[okl]], ok[idx[okl]] = mv[okl], True
        # next to a support end or kink e != 0: the curve in the local variable z - e (the same digits as at an atom;
        # the density's rise from an end whose other singular points cluster within 1e-5 of it lost them all)
        near, ends = end_chart_index(self._chart_ends, xr, yi, ATOM_CHART_RADIUS), self._chart_ends
        for i in np.unique(near[(near >= 0) & ~tried]):
            idx = np.flatnonzero((near == i) & ~tried)
            mv, okl = branch_status(self._end_chart(ends[i]), xr[idx] - ends[i], yi[idx])
            out[idx[okl]], ok[idx[okl]] = mv[okl], True
        # the other points, and those no chart could certify, are continued from x + iY
        rest = np.flatnonzero(~ok)
        if rest.size:
            out[rest], ok[rest] = branch_status(self._numeric, xr[rest], yi[rest])
        return self._retry_deflated(xr, yi, out, ok)

    def _retry_deflated(self, xr: np.ndarray, yi: np.ndarray, out: np.ndarray, ok: np.ndarray) -> np.ndarray:
        if not np.all(ok):
            for a, w, dn in self._deflated:
                bad = np.flatnonzero(~ok)
                if bad.size == 0:
                    break
                mc, okc = branch_status(dn, xr[bad], yi[bad])
                z = xr[bad] + 1j * yi[bad]
                with np.errstate(divide="ignore", invalid="ignore"):
                    full = w / (a - z) + mc
                good = okc & np.isfinite(full)
                out[bad[good]] = full[good]
                ok[bad[good]] = True
        if not np.all(ok):  # the message names the law: printed only when there is something to report
            handle_failures(SolverStatus.from_flags(ok), f"Stieltjes branch continuation of {self!r}",
                            points=xr + 1j * yi, stacklevel=6)
        return out

    @cached_property
    def _chart_ends(self) -> np.ndarray:
        # the ends alone: the density needs no Puiseux cycle lengths (they are for the quadrature rule)
        return chart_ends(piece_ends(self), self._numeric.atoms)

    def _end_chart(self, e: float) -> NumericState:
        """The curve in the local variable z - e of a chart end (built once per end, on first use)."""
        cache = self.__dict__.setdefault("_end_chart_cache", {})
        if e not in cache:
            cache[e] = local_state(self._P, self._numeric, sp.Rational(e), expression=False)[1]
        return cache[e]

    @cached_property
    def _sqrt_edges(self) -> SqrtEdgeCharts:
        # the support ends that are no atoms; power-law ends are refused by their (missing) double point
        n = self._numeric
        atoms = {a for a, _ in n.atoms}
        ends = [(e, side) for a, b in n.support for e, side in ((a, 1), (b, -1)) if e not in atoms]
        return SqrtEdgeCharts(self._P, ends, n.candidates, max(n.bound, 1e-12), self._end_boundary_status)

    def _end_boundary_status(self, e: float, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """m(e + delta + i0) by the continuation (on the end's local curve when e is a chart end), with flags."""
        if e in self._chart_ends:
            return branch_status(self._end_chart(e), delta, np.zeros(delta.size))
        return branch_status(self._numeric, e + delta, np.zeros(delta.size))

    def _end_values(self, e: float, delta: np.ndarray) -> np.ndarray:
        """m(e + delta + i0) from the exact offsets delta from the chart end e (quadrature nodes next to e, whose
        rounded x = e + delta has lost them); points the chart cannot certify are continued from x + iY."""
        mv, ok = branch_status(self._end_chart(e), delta, np.zeros(delta.size))
        bad = np.flatnonzero(~ok)
        if bad.size:
            mv[bad] = self._evaluate(e + delta[bad], np.zeros(bad.size))
        return mv

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        zf = np.ascontiguousarray(z, dtype=complex).ravel()
        out = self._evaluate(zf.real.copy(), zf.imag.copy())
        real = np.flatnonzero(zf.imag == 0)
        if real.size:  # boundary values m(x + i0): the density's conditioning check (laws/algebraic_polish.py)
            out[real] = checked_boundary_values(self, zf.real[real], out[real])
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
            xs = xi[~at_atom]
            mv, done = self._sqrt_edges.evaluate(xs, np.zeros(xs.size))
            todo = ~done
            # next to a power-law edge: the tracked root of the rescaled curve (laws/algebraic_edges.py)
            for edge in self._power_edges.values():
                near = np.flatnonzero(todo & (edge.side * (xs - edge.e) > 0)
                                      & (edge.side * (xs - edge.e) <= edge.reach))
                if near.size:
                    mv[near] = self._edge_values(edge, xs[near] - edge.e)
                    todo[near] = False
            idx = np.flatnonzero(todo)
            mv[idx] = checked_boundary_values(self, xs[idx], self._boundary_values(xs[idx]))
            vals[~at_atom] = mv.imag / np.pi
            for a, _ in n.atoms:
                hit = xi == a
                if np.any(hit):
                    h = 1e-7 * max(1.0, n.bound)
                    side = self._evaluate(np.array([a - h, a + h]), np.zeros(2)).imag / np.pi
                    vals[hit] = 0.5 * (side[0] + side[1])
            out[inside] = np.maximum(np.nan_to_num(vals, nan=0.0), 0.0)
        return out.reshape(np.shape(x))

    def _boundary_values(self, x: np.ndarray) -> np.ndarray:
        """m(x + i0) at real points: where it is the only root of P(., x) in the upper half plane it is read off the
        roots, the other points are continued from x + iY."""
        mv, decided = boundary_values_by_roots(self._numeric, x)
        near, ends = end_chart_index(self._chart_ends, x, np.zeros(x.size), ATOM_CHART_RADIUS), self._chart_ends
        for i in np.unique(near[decided & (near >= 0)]):
            # the roots of the expanded P lose the digits of x - e next to a chart end: those of the local curve
            idx = np.flatnonzero(decided & (near == i))
            mv[idx], decided[idx] = boundary_values_by_roots(self._end_chart(ends[i]), x[idx] - ends[i])
        for a, _w, _loc, _dloc in self._atom_charts:
            # the roots of the expanded P are no better than its coefficients next to a: the local chart decides
            decided &= np.abs(x - a) >= ATOM_CHART_RADIUS * abs(a)
        rest = np.flatnonzero(~decided)
        if rest.size:
            mv[rest] = self._evaluate(x[rest], np.zeros(rest.size))
        return mv

    def _edge_values(self, edge: PowerEdge, delta: np.ndarray) -> np.ndarray:
        mv, ok = edge_boundary_values(edge, delta)
        if not np.all(ok):
            handle_failures(SolverStatus.from_flags(ok), f"boundary value of {self!r} next to its power-law edge "
                            f"at {edge.e:g} (tracked root of the rescaled curve)", points=edge.e + delta,
                            stacklevel=6)
        return mv

    @cached_property
    def _power_edges(self) -> dict[tuple[float, int], PowerEdge]:
        return power_edges(self)

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Graded composite Gauss–Legendre rule on each support interval, weighted by the density.

        Each support interval is cut at the real discriminant zeros inside it (kinks of the density), and each piece
        gets a :class:`~freecalc.numerics.quadrature.PowerEdgeRule` whose exponent at an end is the length r of the
        Puiseux cycle of the Stieltjes branch there: the density is a series in :math:`(x - e)^{1/r}` (r = 2 for
        square-root edges and square-root kinks, r = 3 for the :math:`x^{-2/3}` edge of a free product of
        Marchenko–Pastur laws), which the substitution :math:`x = e + h u^r` makes analytic. Panels the density is not
        resolved on (nearly kinked next to complex branch points close to the support) are halved until each panel's
        error estimate is below 1e-10 (:mod:`freecalc.laws.algebraic_rule`).

        Parameters
        ----------
        panels, order : int
            Accuracy hints of the generic rule (uniform panels per piece to start from and Gauss–Legendre points per
            panel).

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights: :math:`\sum_i w_i f(x_i) \approx \int f\,\rho\,dx` over the continuous part (the weights
            sum to its mass).
        """
        x, w = self._rule(panels, order)
        self._check_mass()
        return x, w

    def _rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        x, w, dens = self._rule_parts(panels, order)
        return x, w * dens

    def _rule_parts(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nodes, plain weights (of ∫f dx) and the density at each node (cached: every moment and expectation by
        quadrature reads the same rule, and its density costs one continuation per node)."""
        x, w, d = self._graded(panels, order)[2]
        return x.copy(), w.copy(), d.copy()

    def _graded(self, panels: int = 64, order: int = 16) -> tuple[tuple[GradedHalf, ...], float, tuple]:
        """The adaptive graded rule (:mod:`freecalc.laws.algebraic_rule`) started from ``panels`` uniform panels per
        piece: its halves, the error estimate it left unresolved, and its nodes, plain weights and densities."""
        cache = self.__dict__.setdefault("_rule_cache", {})
        if (panels, order) not in cache:
            pieces = graded_pieces(self._pieces, self._power_edges, self._piece_density)
            halves, unresolved = adaptive_halves(pieces, max(panels // 2, 1), order)
            cache[(panels, order)] = (halves, unresolved, rule_arrays(halves, order))
        return cache[(panels, order)]

    def _piece_density(self, x: np.ndarray, delta: np.ndarray, at_b: Any, ea: PowerEdge | None,
                       eb: PowerEdge | None) -> np.ndarray:
        """The density at the nodes of a graded piece: next to a power-law end from the exact offsets delta."""
        at_b = np.broadcast_to(at_b, x.shape)
        dens = np.full(x.shape, np.nan)
        rest = np.ones(x.shape, dtype=bool)
        for edge, half in ((ea, ~at_b), (eb, at_b)):
            if edge is not None:
                near = np.flatnonzero(half & (np.abs(delta) <= edge.reach) & (delta != 0))
                dens[near] = np.maximum(self._edge_values(edge, delta[near]).imag / np.pi, 0.0)
                rest[near] = False
        dens[rest] = self._pdf(x[rest])
        return np.nan_to_num(dens, nan=0.0)

    def entropy(self) -> float:
        r"""Differential entropy :math:`h = -\int\rho\log\rho\,dx` (``-inf`` with atoms).

        With the generic rule the density at each node comes from the rule itself: next to a power-law edge
        :math:`e \ne 0` the node's exact offset from e decides it, which the node x (rounded) has lost; laws with a
        rule of their own use it (:meth:`Law.entropy <freecalc.laws.base.Law.entropy>`).

        Returns
        -------
        float
        """
        if self.atoms or type(self).continuous_rule is not AlgebraicLaw.continuous_rule:
            return super().entropy()
        self._check_mass()
        _, w, dens = self._rule_parts(ENTROPY_PANELS)
        keep = dens > 0
        return float(-np.sum(w[keep] * dens[keep] * np.log(dens[keep])))

    @cached_property
    def _mass_defect(self) -> float:
        # 1 minus the total mass of the default rule and the atoms: the graded rule reaches ~1e-12 on Puiseux edges,
        # so a larger defect means the density or the edge exponents were not resolved
        _, w = self._rule()
        return 1.0 - float(np.sum(w)) - sum(mass for _, mass in self.atoms)

    def _check_mass(self) -> None:
        unresolved = self._graded()[1]
        if unresolved > MASS_CHECK_TOL:
            warnings.warn(f"the adaptive quadrature of the density of {self!r} reached its cap of panel splits with "
                          f"an estimated error {unresolved:.2g} > {MASS_CHECK_TOL:g} left: its integrals (cdf, moments, "
                          f"expectations) cannot be trusted", ConvergenceWarning, stacklevel=4)
        elif abs(self._mass_defect) > MASS_CHECK_TOL:
            warnings.warn(f"quadrature of the density of {self!r} gives total mass {1.0 - self._mass_defect:.12g} "
                          f"(off by {abs(self._mass_defect):.2g} > {MASS_CHECK_TOL:g}): its integrals (cdf, moments, "
                          f"expectations) cannot be trusted", ConvergenceWarning, stacklevel=4)

    def _moment(self, k: int) -> float:
        # the exact series fails at the first irrational coefficient, and from there on for every higher k: the
        # first failure is remembered (the symbolic attempt costs ~0.6 s per call on a degree-7 inverse curve)
        failed = self.__dict__.setdefault("_series_failed_from", None)
        if failed is None or k < failed:
            try:
                if self._hint is not None:
                    return float(A.moment_series(self._P, k, T.m, T.z, hint=self._hint, rational_only=True)[k - 1])
                return float(self.exact_moments(k)[k - 1])
            except A.AlgebraicError:
                self.__dict__["_series_failed_from"] = k if failed is None else min(k, failed)
        return super()._moment(k)  # irrational branch coefficients: quadrature of the density and atoms

    @cached_property
    def _pieces(self) -> tuple[tuple[float, float, int, int], ...]:
        # support intervals cut at the interior discriminant zeros, each end with its Puiseux cycle length
        return support_pieces(self)

    @cached_property
    def _cdf_tables(self) -> tuple[PowerEdgeAntiderivative, ...]:
        # per piece, the Legendre antiderivatives of the default rule's panel interpolants: cdf(x) is O(order) per
        # point, with no density evaluation beyond the rule's
        halves = self._graded()[0]
        return tuple(antiderivative(left, right, 16) for left, right in zip(halves[::2], halves[1::2]))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        self._check_mass()
        # next to a square-root end: the mass up to the end plus the integrated Puiseux series (the tables'
        # interpolants are good to the rounding of the piece's mass, not relative to the (x - e)^(3/2) there)
        flat = np.asarray(x, dtype=float).ravel()
        ends, near = self._sqrt_edges.integrals(flat)
        x = np.where(np.isnan(ends), flat, ends).reshape(np.shape(x))
        out = near.reshape(np.shape(x))
        for table in self._cdf_tables:
            out = out + table(x)
        for loc, mass in self.atoms:
            out = out + mass * (x >= loc)
        return out


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
    terms = getattr(law, "stieltjes_terms", None)  # a law that knows its canonical Stieltjes factor's integer terms
    if terms is not None:
        return AlgebraicLaw(FL.terms_expr(terms, T.m, T.z), T.m, T.z, size=law.size, reduce=False)
    eq = law.sym.equation(T.m, T.z)
    return AlgebraicLaw(eq, T.m, T.z, size=law.size)


@to_algebraic.register
def _(law: AlgebraicLaw) -> AlgebraicLaw:
    return law
