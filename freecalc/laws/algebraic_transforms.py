r"""The S- and R-transforms of an algebraic law on the real axis (mixin of
:class:`~freecalc.laws.algebraic.AlgebraicLaw`): the real root of :math:`P(-(1 + w)u, 1/u) = 0` on the Stieltjes branch
for S, Newton on :math:`m(z) = -w` with the exact derivative :math:`dm/dz = -P_z/P_m` for R.

Reference: Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from freecalc.numerics.solvers import NEWTON_MAXITER, NEWTON_STALL_TOL, SolverStatus, handle_failures

__all__ = ["AlgebraicTransforms", "R_NEWTON_TOL"]

R_NEWTON_TOL = 1e-15
"""Relative step at which the R-transform's Newton inversion (exact derivative dm/dz = −P_z/P_m, quadratic
convergence) stops: a few ulps, one step past the last significant correction."""


class AlgebraicTransforms:
    """S- and R-transforms from the curve (needs ``_numeric``, ``_evaluate``, ``support`` and ``atoms``)."""

    @cached_property
    def _s_real_domain(self) -> tuple[float, float] | None:
        r"""The real w where S is reached through the Stieltjes branch, for a law on one side of 0: ψ(u) = −1 −
        m(1/u)/u increases from −(1 − μ{0}) (u → −∞) to −1 − e m(e) (u = 1/e, e the support's far end; +∞ with an
        atom at e) on the real u with 1/u outside the support. Beyond it χ = ψ⁻¹ lies on another sheet of the curve.
        None when the support straddles 0 (ψ is not monotone there)."""
        pts = [p for iv in self.support for p in iv] + [a for a, _ in self.atoms]
        if not pts or (min(pts) < 0 < max(pts)):
            return None
        e = max(pts) if max(pts) > 0 else min(pts)
        lo = -(1.0 - sum(w for a, w in self.atoms if a == 0.0))
        if any(a == e for a, _ in self.atoms):
            return lo, np.inf
        x = e * (1.0 + 1e-12)  # just outside the support: m is real and finite at a square-root edge
        mx = self._evaluate(np.array([x]), np.zeros(1))[0]
        hi = -1.0 - x * mx.real
        return lo, (hi if np.isfinite(hi) else np.inf)

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # real w: χ(w) is a real root u of P(-(1 + w)u, 1/u) = 0 (ψ(u) = w means m(1/u) = -(1 + w)u), the one on the
        # Stieltjes branch; ψ increases on the real u with 1/u off the support, so at most one root qualifies there.
        # A generic Newton on ψ steps past the square-root branch point at u = 1/e and stalls on another sheet
        dom = self._s_real_domain
        if dom is None or not np.all(w.imag == 0):
            return super()._s_transform(w)
        lo, hi = dom
        wr = w.real
        # hi comes from m just outside a square-root edge (relative offset 1e-12): low by O(1e-6); points in that
        # margin go to the root solve, which finds their χ or flags them
        bad = (wr <= lo) | (wr > hi + 1e-5 * max(1.0, abs(hi)))
        if np.any(bad):
            raise ValueError(f"S-transform of {self!r}: w = {wr[bad][0]:g} is outside its real domain "
                             f"({lo:g}, {hi:g}] (the values of ψ(u) = -1 - m(1/u)/u for real u with 1/u off the "
                             f"support; beyond it the inverse χ lies on another sheet of the curve)")
        C = self._numeric.C
        K = C.shape[1] - 1
        chi = np.full(wr.shape, np.nan)
        ok = np.zeros(wr.shape, dtype=bool)
        res = np.full(wr.shape, np.inf)
        for i, wi in enumerate(wr):
            coef = np.zeros(C.shape[0] + K)  # u^K P(-(1 + w)u, 1/u): m^j z^k -> (-(1 + w))^j u^(j - k + K)
            for j in range(C.shape[0]):
                for k in range(C.shape[1]):
                    coef[j - k + K] += C[j, k] * (-(1.0 + wi)) ** j
            roots = np.polynomial.polynomial.polyroots(np.trim_zeros(coef, "b"))
            u = roots.real[(np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))) & (roots.real != 0)]
            u = u[(u < 0) if wi < 0 else (u > 0)]
            if u.size == 0:
                continue
            # the Stieltjes branch at 1/u decides; u is real with 1/u off the support, where m is real
            mv = self._evaluate(1.0 / u, np.zeros(u.size)).real
            err = np.abs(mv + (1.0 + wi) * u) / np.maximum(1.0, np.abs((1.0 + wi) * u))
            best = int(np.argmin(err))
            chi[i], res[i], ok[i] = u[best], err[best], err[best] <= 1e-8
        handle_failures(SolverStatus(ok, np.ones(wr.shape, dtype=np.int64), res),
                        f"S-transform of {self!r} (root of P(-(1 + w)u, 1/u) on the Stieltjes branch)", points=w,
                        stacklevel=5)
        return chi * (1 + wr) / wr + 0j

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
        if not np.all(conv):  # the message names the law: printed only when there is something to report
            handle_failures(SolverStatus(conv.ravel(), its.ravel(), rel.ravel()),
                            f"R-transform of {self!r} (Newton inversion of m)", points=w, stacklevel=5)
        return zc - 1.0 / w
