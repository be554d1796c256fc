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
> 0`; for :math:`A \le 0` (:math:`\kappa \le 2\gamma/(1-\gamma)`) the map sends :math:`w \to 0` to
:math:`z \to 0` only logarithmically slowly (A = 0) or through the power singularity :math:`w^A`, the solver's
paths wind around the branch point and disagree, and the rule refuses (``NotImplementedError`` naming κ and the
range). For the inverse law :math:`E[\Lambda^{-1}] = E[X] = 1`: edge :math:`-(f-1)`.

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
from freecalc.kernels import htmp_decompression as KD
from freecalc.laws.htmp import HTMP, InverseHTMP
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


class HeavyTailDecompression(Evaluator):
    """Evaluator of :math:`m_f` for the decompression of ``source`` (HTMP or InverseHTMP) by ``factor``.

    Parameters
    ----------
    source : HTMP or InverseHTMP
        Numeric parameters; HTMP needs :math:`A > 0`.
    factor : float
        f > 1.
    """

    def __init__(self, source: HTMP | InverseHTMP, factor: float) -> None:
        self.source = source
        self.factor = float(factor)
        self.kind = KD.KIND_INVERSE if isinstance(source, InverseHTMP) else KD.KIND_HTMP
        self.A, self.B, self.b = KH.htmp_params(source.gamma, source.kappa)
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
            moms = KH.htmp_moments(source.gamma, source.kappa, _SERIES_TERMS)
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
        if todo.size:
            wt, mt, st, nt = KD.characteristic_solve(self.kind, self.A, self.B, self.b, f, w0[todo], m0[todo],
                                                      z0[todo], za[todo], RTOL)
            w[todo], m[todo], steps[todo] = wt, mt, nt
            status[todo] = np.where(newton_ok[todo], st, KD.NO_CONVERGENCE)
        # exactly at the lower edge the preimage is w = 0, where the Riccati equation is singular: m_f there is
        # the limit m(0⁻)/f = E[X⁻¹]/f (real: the density vanishes at the edge)
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
        mp = KD.riccati_slopes(self.kind, self.A, self.B, self.b, sol.omega, m)
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
    f = float(factor)
    if isinstance(law, HTMP):
        A = law.A
        if not A > 0:
            raise NotImplementedError(
                f"decompression of {law!r}: implemented for kappa > 2*gamma/(1-gamma) = "
                f"{2 * law.gamma / (1 - law.gamma):.6g} (A = kappa(1-gamma)/(2 gamma) - 1 > 0, finite E[1/X]); "
                f"got kappa={law.kappa:g} (A = {A:.6g}). For A <= 0 the characteristics reach the branch point 0 "
                f"of the Stieltjes transform and their continuations disagree")
    return f


#: Real points of the window at which a new result is probed for Im m_f > 0 along the paths (validity check).
_PROBE_POINTS = 200
#: Mass defect of the density beyond which the result is refused (the transform itself is then in doubt: seen at
#: InverseHTMP(0.5, 6) by 10, mass 0.917), and beyond which it is returned with a DecompressionWarning (a
#: quadrature error: HTMP(0.75, 10) by 3, 2.6e-6). The conformance tolerance for exact laws is 1e-10.
_MASS_REFUSE = 1e-3
_MASS_WARN = 1e-8


def decompress_heavy_tail(law: HTMP | InverseHTMP, factor: Any) -> HeavyTailDecompressedLaw:
    r"""Free decompression of HTMP(γ, κ) (κ > 2γ/(1−γ)) or of InverseHTMP(γ, κ) by ``factor``.

    Parameters
    ----------
    law : HTMP or InverseHTMP
        Numeric parameters.
    factor : float
        f ≥ 1.

    Returns
    -------
    HeavyTailDecompressedLaw
        The law with :math:`R_f(w) = R(fw)`, support :math:`[-(f-1)/E[X^{-1}], \infty)`, evaluated through
        :class:`HeavyTailDecompression`; the size is left to the caller.

    Raises
    ------
    TypeError
        Symbolic parameters or factor.
    NotImplementedError
        HTMP with κ ≤ 2γ/(1−γ) (A ≤ 0): the message names κ and the range.
    DecompressionError
        :math:`\Im m_f \le 0` met in the upper half plane while probing the result (not a probability law), the
        characteristics did not converge there or in the support scan, or the density's mass differs from 1 by
        more than 1e-3.

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
    lo, hi = ev.window()
    # probe on the real axis and on a line just above it (the paths there pass closest to the singular point w = 0)
    probe = np.linspace(lo, hi, _PROBE_POINTS)[1:]
    probe = np.concatenate([probe + 0j, probe + 0.05j * ev.scale])
    sol, status = ev.solve_with_status(probe)
    negative = status == KD.NEGATIVE
    if np.any(negative) or not np.all(sol.converged):
        bad = probe[negative] if np.any(negative) else probe[~sol.converged]
        what = ("Im m_f <= 0 in the upper half plane above" if np.any(negative)
                else "the characteristics did not converge at")
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} is not a probability law that "
                                 f"can be certified: {what} z = {', '.join(f'{z:.4g}' for z in bad[:4])}",
                                 math.nan)
    out = HeavyTailDecompressedLaw(ev)
    with warnings.catch_warnings(record=True) as caught:  # the support scan and the quadrature, computed once here
        warnings.simplefilter("always", ConvergenceWarning)
        mass = float(np.sum(out.continuous_rule()[1]))
    failed = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    if failed:
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} cannot be certified: "
                                 f"{failed[0].message}", math.nan)
    for w in caught:  # anything else is passed on unchanged
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if abs(mass - 1.0) > _MASS_REFUSE:
        raise DecompressionError(f"the decompression of {law!r} by factor {f:g} cannot be certified: its density "
                                 f"integrates to {mass:.6g}, not 1 (the characteristics pass the singular point "
                                 f"w = 0 of the source's transform too closely); use a smaller factor", math.nan)
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
