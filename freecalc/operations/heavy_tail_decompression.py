r"""Free decompression of the laws on :math:`(0, \infty)` with unbounded support: HTMP(γ, κ) and its inverse.

Decompression by :math:`f \ge 1` multiplies the k-th free cumulant by :math:`f^{k-1}` (:math:`R_f(w) = R(fw)`);
the Stieltjes transform follows the characteristics

.. math:: m_f(z) = m(w)/f, \qquad z = w - \frac{f-1}{m(w)}.

For each spectral point z the evaluator (:class:`HeavyTailDecompression`) solves this for w by Newton's method on
the principal sheet at :math:`z_0 = \Re z + iY` (high enough that w stays in the upper half plane), then follows
the segment from :math:`z_0` down to z by integrating the ODE of the characteristic map with the source's Riccati
equation (:mod:`freecalc.kernels.htmp_decompression`): that continues m across its support onto the second sheet.
Every accepted step checks :math:`\Im m_f > 0`.

Lower edge (exact). On :math:`w < 0` the map :math:`z(w)` increases (:math:`dz/dw = 1 + (f-1)m'/m^2 > 1`) and
reaches :math:`z(0^-) = -(f-1)/E[X^{-1}]`, so the decompressed law lives on
:math:`[-(f-1)/E[X^{-1}], \infty)`, which reaches **below 0** whenever :math:`E[X^{-1}] < \infty`: a law touching 0
without a gap is not the compression of a positive semi-definite matrix's law. Hence with the default floor 0
(the source lies in :math:`[0, \infty)`) ``decompress`` raises a ``DecompressionError``; pass ``floor=-math.inf``
for the decompressed law itself. For HTMP :math:`E[X^{-1}] = b/A` needs :math:`A = \kappa(1-\gamma)/(2\gamma) - 1
> 0`. For the inverse law :math:`E[\Lambda^{-1}] = E[X] = 1`: edge :math:`-(f-1)`.

Infinite :math:`E[X^{-1}]` (HTMP with :math:`A \le 0`, i.e. :math:`\kappa \le 2\gamma/(1-\gamma)`). Now
:math:`m(w) \to +\infty` as :math:`w \to 0^-` (:math:`m \sim w^{A}`, or :math:`-b\log w` at A = 0), so
:math:`z(w) \to 0^-` and :math:`m_f(z) = (f-1)/(f(w - z)) \sim -(f-1)/(fz)`: whenever the decompression is a law,
it has the **atom** :math:`(f-1)/f` at 0 (rank :math:`n` in dimension :math:`fn`, as Marchenko–Pastur with ratio
1 decompresses to ratio f) and its continuous part, of mass :math:`1/f`, lies in :math:`(0, \infty)`. The
characteristics of points next to 0 wind around the branch point :math:`w = 0` of m (once per :math:`2\pi` of
:math:`\arg w`, about :math:`1/(2|A|)` times), so they are integrated in :math:`(\log w, 1/m)`, where the equations
are entire (``KIND_HTMP_LOG`` of :mod:`freecalc.kernels.htmp_decompression`); the branch is the one continued
from the principal sheet at :math:`z_0` along the segment, and :math:`m_f = (f-1)/(f(w - z))` there. Whether a law
results depends on A: for :math:`A \le -1/2` the paths end on the second sheet (a gap above 0 at
:math:`A = -1/2`, e.g. HTMP(0.5, 1) by 4: continuous part from 0.70778; a density diverging at 0 for
:math:`A < -1/2`), and the results pass every check (mass, first two moments; γ = 0.25, 0.5, 0.75 with f = 1.5
to 10). The boundary is sharp in the cases tried: A = −0.475 (HTMP(0.5, 1.05)) is refused already at f = 1.5.
For :math:`-1/2 < A \le 0` they must wind further, and what comes back is not a Stieltjes transform: a negative
density, a jump between
neighbouring paths (a branch point of the inverse map in the upper half plane) or the mass off by 5–12 %
(HTMP(0.5, 1.5) by 1.1, 1.5, 2; HTMP(0.5, 2) by 1.2 and 4). Independently, the moments of HTMP(0.5, 2) decompressed
by 2, 3, 4 fail the Stieltjes moment test (a shifted Hankel determinant of order 14, 10, 8 is negative in exact
rational arithmetic): no law on :math:`[0, \infty)` has HTMP(0.5, 2) as its free compression by 1/f. Such
requests are refused with a ``DecompressionError`` saying so.

Heavy tail. The inverse law's density :math:`\sim C\lambda^{-\alpha}` keeps its exponent: free convolution powers
of a regularly varying law have the same tail index with the constant multiplied by the power, so
:math:`\rho_f(x) \sim C f^{\alpha-2} x^{-\alpha}` (dilation by f of :math:`\mu^{\boxplus 1/f}`).

References: Nica & Speicher, *Lectures on the Combinatorics of Free Probability* (2006), Lecture 14;
Ameli, van der Heide, Hodgkinson, Mahoney, arXiv:2506.11994 (2025); Bercovici & Pata, Ann. Math. 149 (1999) 1023
(tails of free convolutions); Hodgkinson, Wang, Mahoney, arXiv:2506.03470 (2025) (HTMP).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.kernels import htmp as KH
from freecalc.kernels import htmp_transforms as KT
from freecalc.kernels import htmp_decompression as KD
from freecalc.laws.htmp import HTMP
from freecalc.laws.inverse_htmp import InverseHTMP
from freecalc.laws.numeric import ConvergenceWarning, Evaluator, NumericLaw, Solution
from freecalc.operations.decompression_core import DecompressionError, DecompressionWarning, register_exact_rule

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["HeavyTailDecompression", "HeavyTailDecompressedLaw", "decompress_heavy_tail", "REASON", "RTOL"]

REASON = "HTMP characteristic map with the continued transform"

#: Local relative error tolerance of the characteristic ODE steps. The same characteristic ODE with a
#: Dormand–Prince pair at 1e-12 reproduced MP(0.5) → MP(2) (exact answer known) to 1e-13 in the density; here the
#: law's checks (mass 1e-10, Stieltjes vs quadrature 1e-8) pass with it.
RTOL = 1e-12

_NEWTON_ITERATIONS = 60
#: A local minimum of |dz/dw| along the support below this fraction of its median marks a branch point of m_f on or
#: just below the real axis (|dz/dw| ~ distance^{1/2} there, O(1) elsewhere). HTMP(0.5, 4) decompressed by 4: minimum
#: 0.089 at x = 0.2165 against 0.5–0.74 at ±0.05, where the density turns within ~1e-3 (cost 2e-4 of the mass to
#: the quadrature before the split).
_KINK_LEVEL = 0.2
_SERIES_TERMS = 40
#: Decades of panel ends graded towards the power singularity x^{1/|A| − 2} at 0 (A < −1/2), down to 1e-3 scale.
#: Mass defect of HTMP(0.5, 0.8) by 4 (x^{-1/3}): 5e-7 without, 3e-10 with 3 decades (8 give the same at 2.5 times
#: the cost: every panel end adds a full panel set of winding paths); HTMP(0.5, 0.5) (x^{-2/3}): 2e-4 → 5e-6.
_LADDER_DECADES = 3


class HeavyTailDecompression(Evaluator):
    r"""Evaluator of :math:`m_f` for the decompression of ``source`` (HTMP or InverseHTMP) by ``factor``.

    Parameters
    ----------
    source : HTMP or InverseHTMP
        Numeric parameters (HTMP with :math:`A \le 0` runs in the log variable and has the atom (f − 1)/f at 0).
    factor : float
        f > 1.
    """

    def __init__(self, source: HTMP | InverseHTMP, factor: float) -> None:
        self.source = source
        self.factor = float(factor)
        self.kind = KD.KIND_INVERSE if isinstance(source, InverseHTMP) else KD.KIND_HTMP
        self.A, self.B, self.b = KH.htmp_params(source.gamma, source.kappa)
        # E[1/X] = ∞ (HTMP with A ≤ 0): the characteristics run in (log w, 1/m), the law has the atom (f − 1)/f at 0
        self.log_route = self.kind == KD.KIND_HTMP and not self.A > 0
        if self.log_route:
            self._inv_mean = math.inf
            self.lower_edge = 0.0
        else:
            self._inv_mean = source.inverse_moment(1) if self.kind == KD.KIND_HTMP else 1.0  # m(0⁻) = E[1/X]
            self.lower_edge = -(self.factor - 1.0) / self._inv_mean
        if self.kind == KD.KIND_HTMP:  # R_f(w) = R(fw): the variance is multiplied by f
            self._scale = math.sqrt(self.factor * (source.moment(2) - 1.0))
        else:  # the variance may be infinite (tail exponent ≤ 3) or dominated by the tail: the bulk's width
            q1, q3 = np.asarray(source.ppf([0.25, 0.75]), dtype=float)
            self._scale = self.factor * float(q3 - q1)
        self._height = 2.0 * self._scale + 1.0
        # HTMP's tail ~ e^{−bx} becomes ~ e^{−bx/f} after the dilation by f: beyond 1 + 20 sd + 50 f/b the density
        # is below e^{−50} of its scale, under the ODE's rounding floor (|Im m| ~ 1e-16 |m|), so the law is cut
        # there (the support scan then ends it where Im m(x + i0) > 1e-10 |m| stops holding; mass lost < 1e-11)
        self._upper = 1.0 + 20.0 * self._scale + 50.0 * self.factor / self.b if self.kind == KD.KIND_HTMP \
            else math.inf
        self._series = None
        if self.kind == KD.KIND_HTMP:
            # m(w) = −Σ m_k w^{−k−1}: asymptotic (m_k ~ k!/b^k), with the first omitted term below 1e-16 relative
            # once |w| ≥ (m_K 1e16)^{1/K}; used there instead of the ODE route of the source's transform, whose
            # cost grows with |w|
            moms = KT.htmp_moments(source.gamma, source.kappa, _SERIES_TERMS)
            self._series = (moms[:-1], (moms[-1] * 1e16) ** (1.0 / _SERIES_TERMS))

    # -- Evaluator interface ------------------------------------------------------------------------------------
    @property
    def scale(self) -> float:
        return self._scale

    def bracket(self) -> tuple[float, float]:
        return (self.lower_edge, self._upper)

    def window(self) -> tuple[float, float]:
        if self.kind == KD.KIND_HTMP:
            return (self.lower_edge, self._upper)
        return (self.lower_edge, 1.0 + 10.0 * self._scale)

    def moment(self, k: int) -> float:
        """Moments from the free cumulants :math:`\\kappa_j f^{j-1}` (``inf`` from the first infinite one)."""
        kap = np.asarray(self.source.free_cumulants(int(k)), dtype=float)
        if not np.all(np.isfinite(kap)):
            return math.inf
        scaled = [float(c) * self.factor ** j for j, c in enumerate(kap)]
        return float(T.moments_from_free_cumulants(scaled)[int(k) - 1])

    def atoms(self) -> tuple[tuple[float, float], ...]:
        r"""The atom :math:`(f-1)/f` at 0 when :math:`E[X^{-1}] = \infty` (none otherwise)."""
        return ((0.0, (self.factor - 1.0) / self.factor),) if self.log_route else ()

    def describe(self) -> str:
        return f"decompress({self.source!r}, factor={self.factor:g})"

    def solve(self, z: np.ndarray, start: np.ndarray | None = None,
              start_kind: np.ndarray | None = None) -> Solution:
        """m_f at points with Im z ≥ 0 (real z: boundary value from above); ``start`` is not needed (unused)."""
        return self.solve_with_status(z)[0]

    def solve_with_status(self, z: np.ndarray) -> tuple[Solution, np.ndarray]:
        """The :class:`Solution` and the kernel's status per point.

        Parameters
        ----------
        z : complex ndarray
            Points with Im z ≥ 0.

        Returns
        -------
        Solution
            ``m`` is :math:`m_f`, ``omega`` the preimage w.
        ndarray of int
            ``OK``, ``NEGATIVE`` or ``NO_CONVERGENCE`` of :mod:`freecalc.kernels.htmp_decompression`.
        """
        za = np.ascontiguousarray(z, dtype=complex).ravel()
        f = self.factor
        z0 = za.real + 1j * np.maximum(za.imag, self._height)
        w0, m0, newton_ok = self._principal_preimage(z0)
        todo = np.flatnonzero(za.imag < self._height)
        w, m = w0.copy(), m0.copy()
        status = np.where(newton_ok, KD.OK, KD.NO_CONVERGENCE)
        steps = np.zeros(za.size, dtype=np.int64)
        if todo.size and self.log_route:
            # principal sheet at the start: Im w0 > 0, so Im log w0 ∈ (0, π); the sheet reached at the end is
            # the one the path's continuous Im log w says (no branch is chosen anywhere else)
            st_, qt, stt, nt = KD.characteristic_solve(KD.KIND_HTMP_LOG, self.A, self.B, self.b, f,
                                                        np.log(w0[todo]), 1.0 / m0[todo], z0[todo], za[todo],
                                                        RTOL)
            with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                wt = np.exp(st_)
                # m(w) = (f − 1)/(w − z) is the same number as 1/q, but next to the atom (|w| ≪ |z|) it carries
                # only the absolute error of w (tiny there), where 1/q carries a relative error of the pole
                # −(f − 1)/z (~1e-8 after the long winding path, far above the density of the gap next to 0)
                near = np.abs(wt) < (f - 1.0) * np.abs(qt)
                mt = np.where(near, (f - 1.0) / (wt - za[todo]), 1.0 / qt)
                w[todo], m[todo], steps[todo] = wt, mt, nt
            status[todo] = np.where(newton_ok[todo], stt, KD.NO_CONVERGENCE)
        elif todo.size:
            wt, mt, st, nt = KD.characteristic_solve(self.kind, self.A, self.B, self.b, f, w0[todo], m0[todo],
                                                      z0[todo], za[todo], RTOL)
            w[todo], m[todo], steps[todo] = wt, mt, nt
            status[todo] = np.where(newton_ok[todo], st, KD.NO_CONVERGENCE)
        if not self.log_route:
            # exactly at the lower edge the preimage is w = 0, where the Riccati equation is singular: m_f there
            # is the limit m(0⁻)/f = E[X⁻¹]/f (real: the density vanishes at the edge)
            edge = (za.imag == 0) & (np.abs(za.real - self.lower_edge) <= 1e-13 * max(1.0, abs(self.lower_edge)))
            w[edge], m[edge], status[edge] = 0.0, self._inv_mean, KD.OK
        ok = status == KD.OK
        residual = np.where(ok, 0.0, np.inf)  # no fixed-point residual: the path either converged or not
        return Solution(za, m / f, w, ok, steps, residual), status

    # -- helpers ------------------------------------------------------------------------------------------------
    def _principal_preimage(self, z0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Newton for w − (f − 1)/m(w) = z0 with w in the upper half plane (m on its principal sheet)."""
        f = self.factor
        w = z0 / f  # m ~ −1/w at large |w|: z ≈ f w
        done = np.zeros(z0.size, dtype=bool)
        m = self._source_stieltjes(w)
        for _ in range(_NEWTON_ITERATIONS):
            act = np.flatnonzero(~done)
            if act.size == 0:
                break
            wa, ma = w[act], m[act]
            F = wa - (f - 1.0) / ma - z0[act]
            dF = 1.0 + (f - 1.0) * KD.riccati_slopes(self.kind, self.A, self.B, self.b, wa, ma) / (ma * ma)
            step = F / dF
            wn = wa - step
            # stay in the upper half plane (the principal sheet): halve the step until Im w > 0
            for _ in range(30):
                bad = wn.imag <= 0
                if not np.any(bad):
                    break
                step = np.where(bad, 0.5 * step, step)
                wn = wa - step
            w[act] = wn
            m[act] = self._source_stieltjes(wn)
            done[act] = np.abs(step) <= 1e-14 * np.abs(wn)
        # the residual decides (a step can stall at a few ulps above 1e-14 |w| without the root being in doubt)
        F = w - (f - 1.0) / m - z0
        return w, m, np.abs(F) <= 1e-11 * np.abs(z0)

    def slope(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """|dz/dw| = |1 + (f − 1) m'(w)/m(w)²| at the real points x (and the solver's success flags).

        It vanishes at the branch points of :math:`m_f`; where one lies on or just below the real axis inside the
        support, the density changes on the scale of the distance (a square-root onset, or a near-kink), and the
        law uses the point as a panel end.

        Parameters
        ----------
        x : float ndarray
            Real points.

        Returns
        -------
        float ndarray
            |dz/dw|.
        bool ndarray
            Whether the characteristics converged at each point.
        """
        sol, status = self.solve_with_status(np.asarray(x, dtype=float) + 0j)
        m = sol.m * self.factor
        mp = KD.riccati_slopes(self.kind, self.A, self.B, self.b, sol.omega, m)  # natural variables for both kinds
        return np.abs(1.0 + (self.factor - 1.0) * mp / (m * m)), status == KD.OK

    def interior_branch_points(self, lo: float, hi: float, grid: int = 1024) -> list[float]:
        """Branch points of :math:`m_f` on or next to (lo, hi): local minima of |dz/dw| on a grid that fall below
        :data:`_KINK_LEVEL` times its median, refined by golden-section search (60 steps).

        Parameters
        ----------
        lo, hi : float
            The interval (finite).
        grid : int
            Scan points.

        Returns
        -------
        list of float
        """
        x = np.linspace(lo, hi, grid)[1:-1]
        g, ok = self.slope(x)
        level = _KINK_LEVEL * np.median(g[ok]) if np.any(ok) else 0.0
        idx = [i for i in range(1, x.size - 1)
               if ok[i] and g[i] <= g[i - 1] and g[i] <= g[i + 1] and g[i] < level]
        out = []
        r = (math.sqrt(5.0) - 1.0) / 2.0
        for i in idx:
            a, b = x[i - 1], x[i + 1]
            for _ in range(60):
                c, d = b - r * (b - a), a + r * (b - a)
                gc, gd = self.slope(np.array([c, d]))[0]
                if gc < gd:
                    b = d
                else:
                    a = c
            out.append(0.5 * (a + b))
        return out

    def _source_stieltjes(self, w: np.ndarray) -> np.ndarray:
        """The source's m(w) on the principal sheet: the moment series far out, the law's own transform elsewhere."""
        out = np.empty(w.shape, dtype=complex)
        far = np.zeros(w.shape, dtype=bool) if self._series is None else np.abs(w) >= self._series[1]
        if np.any(far):
            moms = self._series[0]
            inv = 1.0 / w[far]
            acc = np.zeros(inv.shape, dtype=complex)
            for mk in moms[::-1]:  # Horner in 1/w
                acc = acc * inv + mk
            out[far] = -acc * inv
        if not np.all(far):
            out[~far] = np.asarray(self.source.stieltjes(w[~far]), dtype=complex)
        return out


class HeavyTailDecompressedLaw(NumericLaw):
    """The decompressed law: a :class:`NumericLaw` whose support intervals are split at the branch points of
    :math:`m_f` on or next to the real axis (:meth:`HeavyTailDecompression.interior_branch_points`), so that its
    quadrature (Gauss–Legendre panels clustered at interval ends) takes the sharp turn of the density there as an end
    point: without the split the turn at x ≈ 0.2165 of HTMP(0.5, 4) decompressed by 4 cost 2e-4 of the mass.

    Parameters
    ----------
    evaluator : HeavyTailDecompression
    size : int, optional
    """

    def __init__(self, evaluator: HeavyTailDecompression, *, size: Any = None, **kwargs: Any) -> None:
        super().__init__(evaluator, size=size, **kwargs)

    def replace(self, **changes: Any) -> HeavyTailDecompressedLaw:
        """A copy with another ``size`` (or ``policy``, ``grid``), as :meth:`NumericLaw.replace`."""
        base = super().replace(**changes)
        return HeavyTailDecompressedLaw(self.evaluator, size=base.size, policy=base._policy, grid=base._grid)

    def _support(self) -> tuple[tuple[float, float], ...]:
        cache = self.__dict__.get("_split_support")
        if cache is None:
            pieces: list[tuple[float, float]] = []
            for a, b in super()._support():
                hi = b if math.isfinite(b) else self.evaluator.window()[1]
                cuts = [c for c in self.evaluator.interior_branch_points(a, hi) if a < c < b]
                ends = [a, *cuts, b]
                pieces.extend(zip(ends[:-1], ends[1:]))
            ev = self.evaluator
            if ev.log_route and ev.A < -0.5 and pieces and 0.0 < pieces[0][0] < 1e-3 * ev.scale:
                # for A < −1/2 the density of the continuous part is ~ x^{1/|A| − 2} at 0 (preimages on the second
                # sheet at arg(−w) = −π/|A|): the support starts at 0 itself, below where the scan's threshold
                # (Im m > 1e-10 |m| against the atom's pole) sees it. Panel ends graded geometrically towards 0
                # (ratio 10) leave each panel a smooth piece of the power but the first, whose end clustering takes
                # the rest (see _LADDER_DECADES)
                b0 = pieces[0][1]
                ladder = [c for c in ev.scale * 10.0 ** -np.arange(_LADDER_DECADES, 0, -1) if c < 0.5 * b0]
                ends = [0.0, *ladder, b0]
                pieces[:1] = list(zip(ends[:-1], ends[1:]))
            cache = tuple((float(a), float(b)) for a, b in pieces)
            self.__dict__["_split_support"] = cache
            self.__dict__["_cuts"] = np.array([b for (_, b), (a, _) in zip(cache[:-1], cache[1:]) if a == b])
        return cache

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        # NumericLaw's quantiles stop at its cdf table's last finite point (~3e4 scales out); a power-law tail puts
        # upper quantiles far beyond it (1 - 1e-12 of InverseHTMP(0.5, 2) by 4 lies near 2e12): there, bisection in
        # log x on the cdf (cached panel interpolants, no new solves)
        out = super()._ppf(q)
        xt, Ft = self._cdf_table
        far = np.flatnonzero((q > Ft[-1]) & (q < 1.0))
        if far.size == 0 or math.isfinite(self.support[-1][1]):
            return out
        qf = q[far]
        lo = np.full(far.size, xt[-1])
        hi = lo.copy()
        for _ in range(1100):  # doubling up to the largest double
            short = self._cdf(hi) < qf
            if not np.any(short) or np.any(hi > 1e300):
                break
            lo = np.where(short, hi, lo)
            hi = np.where(short, 2.0 * hi, hi)
        for _ in range(80):
            mid = np.sqrt(lo * hi)
            below = self._cdf(mid) < qf
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        out[far] = hi
        return out

    def _inside(self, x: np.ndarray) -> np.ndarray:
        # the panel ends added inside an interval are interior points of the support
        self._support()
        return super()._inside(x) | np.isin(x, self.__dict__["_cuts"])


def _check_source(law: HTMP | InverseHTMP, factor: Any) -> float:
    if law.is_symbolic or (is_sympy(factor) and not factor.is_number):
        raise TypeError(f"the exact decompression of {type(law).__name__} is numeric: it needs numeric parameters "
                        f"and a numeric factor, got {law!r} and factor={factor}")
    return float(factor)


#: Real points of the window at which a new result is probed for Im m_f > 0 along the paths (validity check).
_PROBE_POINTS = 200
#: Mass defect of the density beyond which the result is refused (the transform itself is then in doubt: seen at
#: InverseHTMP(0.5, 6) by 10, mass 0.917), and beyond which it is returned with a DecompressionWarning (a
#: quadrature error: HTMP(0.75, 10) by 3, 2.6e-6). The conformance tolerance for exact laws is 1e-10.
_MASS_REFUSE = 1e-3
_MASS_WARN = 1e-8


def _no_law_note(ev: HeavyTailDecompression, f: float) -> str:
    """Why a refusal of the log route is expected (the measured existence range), for the error messages."""
    if not ev.log_route:
        return "; use a smaller factor"
    return (f". For A = {ev.A:.4g} <= 0 a PSD decompression carries the atom (f-1)/f at 0; it was found to exist for "
            f"A <= -1/2 (kappa <= gamma/(1-gamma)) and to fail for -1/2 < A <= 0 (for HTMP(0.5, 2) by 4 the moments "
            f"fail the Stieltjes positivity test: no law on [0, inf) has this one as its free compression by "
            f"1/{f:g})")


def _stieltjes_jumps(x: np.ndarray, m: np.ndarray, y: float) -> np.ndarray:
    r"""Where neighbouring values of a would-be Stieltjes transform on the line :math:`\Im z = y` differ by more than
    any probability law's can: :math:`|m'(z)| = |\int \rho(t)(t - z)^{-2} dt| \le y^{-2}`, so
    :math:`|m(x_{i+1} + iy) - m(x_i + iy)| \le (x_{i+1} - x_i)/y^2`.

    Parameters
    ----------
    x : float ndarray
        Increasing real parts.
    m : complex ndarray
        The values at x + iy.
    y : float
        The height, > 0.

    Returns
    -------
    bool ndarray
        One flag per neighbouring pair (slack 1e-6 relative and 1e-12 absolute for rounding).
    """
    return np.abs(np.diff(m)) > np.diff(x) / y ** 2 * (1.0 + 1e-6) + 1e-12


def _certify_paths(ev: HeavyTailDecompression, law: HTMP | InverseHTMP, f: float) -> None:
    r"""Probe :math:`m_f` on the real axis and on the line :math:`\Im z = y = 0.05\,`scale above it (the paths there
    pass closest to the singular point w = 0): every path converged, :math:`\Im m_f \ge 0`, and along the line
    the Lipschitz bound :math:`|m_f(z_1) - m_f(z_2)| \le |z_1 - z_2|/y^2` that every Stieltjes transform of a
    probability law obeys (:math:`|m'(z)| \le 1/(\Im z)^2`) holds between neighbours: a jump between two probes
    means that their paths passed a branch point on different sides (not one analytic function).

    Raises
    ------
    DecompressionError
        Any of the three fails.
    """
    lo, hi = ev.window()
    real = np.linspace(lo, hi, _PROBE_POINTS)[1:]
    if ev.log_route:  # next to the atom at 0 the paths wind around w = 0: probe there on a log scale too
        real = np.concatenate([ev.scale * np.logspace(-6.0, -1.0, _PROBE_POINTS // 4), real])
    y = 0.05 * ev.scale
    probe = np.concatenate([real + 0j, real + 1j * y])
    sol, status = ev.solve_with_status(probe)
    # a negative density on the real axis is the same failure (Im m_f(x + i0) < 0 beyond rounding)
    negative = (status == KD.NEGATIVE) | (sol.converged & (sol.m.imag < -1e-9 * np.abs(sol.m)))
    jumps = _stieltjes_jumps(real, sol.m[real.size:], y)
    problem = ""
    if np.any(negative):
        problem = ("Im m_f < 0 (a negative density) at or above z = "
                   + ", ".join(f"{z:.4g}" for z in probe[negative][:4]))
    elif not np.all(sol.converged):
        problem = "the characteristics did not converge at z = " + ", ".join(f"{z:.4g}" for z in
                                                                           probe[~sol.converged][:4])
    elif np.any(jumps):
        i = int(np.flatnonzero(jumps)[0])
        problem = (f"m_f jumps between z = {real[i] + 1j * y:.4g} and {real[i + 1] + 1j * y:.4g} by more than a "
                   f"Stieltjes transform can (|dm/dz| <= 1/(Im z)^2)")
    if problem:
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} is not a probability law that "
                                 f"can be certified: {problem}{_no_law_note(ev, f)}", math.nan)


def decompress_heavy_tail(law: HTMP | InverseHTMP, factor: Any) -> HeavyTailDecompressedLaw:
    r"""Free decompression of HTMP(γ, κ) or of InverseHTMP(γ, κ) by ``factor``.

    Parameters
    ----------
    law : HTMP or InverseHTMP
        Numeric parameters.
    factor : float
        f ≥ 1.

    Returns
    -------
    HeavyTailDecompressedLaw
        The law with :math:`R_f(w) = R(fw)`, support :math:`[-(f-1)/E[X^{-1}], \infty)` when
        :math:`E[X^{-1}] < \infty`, else the atom :math:`(f-1)/f` at 0 and a continuous part on
        :math:`(0, \infty)`; evaluated through :class:`HeavyTailDecompression`; the size is left to the caller.

    Raises
    ------
    TypeError
        Symbolic parameters or factor.
    DecompressionError
        :math:`\Im m_f < 0` met while probing the result, a jump of :math:`m_f` along the probe line larger than a
        Stieltjes transform allows (not a probability law: e.g. HTMP with :math:`-1/2 < A \le 0`), the
        characteristics did not converge there or in the support scan, or the density's mass (with the atom) or,
        for HTMP, its first two moments differ from the exact ones by more than 1e-3 (relative).

    Warns
    -----
    DecompressionWarning
        The density's mass differs from 1 by more than 1e-8 (quadrature-based values carry that error).

    References
    ----------
    Nica & Speicher (2006), Lecture 14; Ameli et al., arXiv:2506.11994 (2025).
    """
    f = _check_source(law, factor)
    if f == 1.0:
        return law
    ev = HeavyTailDecompression(law, f)
    _certify_paths(ev, law, f)
    out = HeavyTailDecompressedLaw(ev)
    with warnings.catch_warnings(record=True) as caught:  # the support scan and the quadrature, computed once here
        warnings.simplefilter("always", ConvergenceWarning)
        x, wts = out.continuous_rule()
    failed = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    if failed:
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} cannot be certified: "
                                 f"{failed[0].message}{_no_law_note(ev, f)}", math.nan)
    for w in caught:  # anything else is passed on unchanged
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    mass = float(np.sum(wts)) + sum(p for _, p in ev.atoms())
    if abs(mass - 1.0) > _MASS_REFUSE:
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} cannot be certified: its density "
                                 f"integrates to {mass:.6g}, not 1 (the characteristics pass the singular point "
                                 f"w = 0 of the source's transform too closely){_no_law_note(ev, f)}", math.nan)
    if ev.kind == KD.KIND_HTMP:
        # exponential tail: the quadrature's first two moments must be the exact ones (free cumulants κ_j f^{j−1});
        # a transform continued onto a wrong sheet somewhere (a branch point in the upper half plane between two
        # probe paths) integrates to other moments
        for k in (1, 2):
            exact = ev.moment(k)
            quad = float(np.sum(wts * x ** k))  # the atom, if any, sits at 0
            if abs(quad - exact) > _MASS_REFUSE * exact:
                raise DecompressionError(
                    f"the decompression of {law!r} by factor {f:g} cannot be certified: its density's moment "
                    f"{k} is {quad:.8g}, the exact one {exact:.8g}{_no_law_note(ev, f)}", math.nan)
    if abs(mass - 1.0) > _MASS_WARN:
        warnings.warn(f"the decompression of {law!r} by factor {f:g}: its density integrates to {mass:.12g}, so "
                      f"cdf, quantiles and moments by quadrature carry errors of about {abs(mass - 1):.2g} (a sharp "
                      f"feature of the density the quadrature does not resolve); pdf and Stieltjes transform are not "
                      f"affected", DecompressionWarning, stacklevel=2)
    return out


@register_exact_rule(HTMP, reason=REASON)
def _htmp_rule(law: HTMP, factor: Any) -> HeavyTailDecompressedLaw:
    return decompress_heavy_tail(law, factor)


@register_exact_rule(InverseHTMP, reason=REASON)
def _inverse_htmp_rule(law: InverseHTMP, factor: Any) -> HeavyTailDecompressedLaw:
    return decompress_heavy_tail(law, factor)
