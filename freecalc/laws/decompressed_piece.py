r"""One piece of a numerically decompressed law: a source bulk pushed along the characteristics by a factor f.

The source's Cauchy transform is a :class:`~freecalc.continuation.pade.RationalCauchy` :math:`G_0` on the Joukowski
plane of its support; with :math:`Z(u) = z_0(u) + (f-1)/G_0(u)` (:mod:`freecalc.kernels.characteristics`) the
piece's support is ``[Z(u₋), Z(u₊)]`` from the real critical points of Z, its density at x is
:math:`-\Im G_0(u)/(\pi f)` at the preimage u of x on the curve :math:`\Im Z = 0` (found as :class:`Solver` says),
and its Stieltjes transform :math:`-G_0(u)/f` with :math:`Z(u) = z` solved from far above the real axis. Every
evaluation returns a failure mask with its values: :class:`~freecalc.laws.decompressed.DecompressedLaw`, the
equal-weight mixture of pieces, turns failures into NaN with a warning.
"""
from __future__ import annotations

import enum
import math

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.continuation.pade import RationalCauchy
from freecalc.kernels import characteristics as K

T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Solver", "DecompressedPiece", "NEWTON_TOL"]

NEWTON_TOL = 1e-13
"""Relative residual |Z(u) − x|/max(|x|, h) at which Newton stops."""

_TABLE = 512       # points of the traced curve kept per piece (initial guesses for Newton)
_SCAN = 1500       # radii scanned per ray when bracketing the curve


class Solver(enum.Enum):
    """How the preimage of a target point is found (see :mod:`freecalc.kernels.characteristics`)."""

    NEWTON = "newton"
    """Damped Newton on Z(u) = x from a guess interpolated on the traced curve (default: 1.8e-14 max error on
    MP(1/50) 1000 → 32000 with the exact second sheet, against 7.5e-13 for tracing + interpolation)."""
    TRACE = "trace"
    """The curve traced on a fine θ grid (bracketed root in r per ray, no Newton in u) and the density
    interpolated (monotone cubic) in x."""


def _r_max(f: float) -> float:
    # the preimage curve of a law decompressed by f lies near |u| ≈ √f (semicircle: exactly √f); generous margin
    return 20.0 * math.sqrt(f) + 20.0


class DecompressedPiece:
    r"""One decompression: source model, factor, target bulk mass and target atoms; solver state.

    Parameters
    ----------
    model : RationalCauchy
        Model of the source bulk.
    factor : float
        Decompression factor :math:`f = n/n_s \ge 1`.
    bulk_mass : float
        Mass of the target bulk (the rest is in the atoms).
    atoms : tuple of (float, float)
        Target atoms ``(location, mass)``.
    solver : Solver
        How preimages are found.
    offset, scale : float
        The target bulk is the decompression mapped by :math:`x \mapsto \text{offset} + \text{scale}\cdot x`
        (scale > 0).

    Raises
    ------
    ValueError
        If offset/scale are not finite with scale > 0, or the characteristic map hits a pole of the model.
    """

    def __init__(self, model: RationalCauchy, factor: float, bulk_mass: float = 1.0,
                 atoms: tuple[tuple[float, float], ...] = (), solver: Solver = Solver.NEWTON,
                 offset: float = 0.0, scale: float = 1.0) -> None:
        self.model, self.f, self.w, self.solver = model, float(factor), float(bulk_mass), solver
        self.atoms = tuple(sorted(atoms))
        # the target bulk is the decompression of the model mapped by x → offset + scale·x (free decompression
        # commutes with affine maps: R(w) + a → R(fw) + a, s R(s w) → s R(s f w)); atoms are at their final positions
        self.offset, self.scale = float(offset), float(scale)
        if not (math.isfinite(self.offset) and math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"offset must be finite and scale finite and > 0, got {offset!r}, {scale!r}")
        self.args = model.kernel_args()
        self.h = self.args[4]
        try:
            self._build()
        except ZeroDivisionError:
            raise ValueError(f"decompression by {self.f:g}: the characteristic map hit a pole of the fitted source "
                             f"model (the model is unsuitable; try another degree=)") from None

    def _build(self) -> None:
        rmax = _r_max(self.f)
        solver = self.solver
        uc = K.critical_points(*self.args, self.f, rmax, 4 * _SCAN, 1e-15)
        if not np.all(np.isfinite(uc)):
            raise ValueError(f"decompression by {self.f:g}: the characteristic map has no real critical point on "
                             f"{'the right' if not np.isfinite(uc[0]) else 'the left'} of the source support, so "
                             f"the target support has no edge there (the fitted source model is unsuitable)")
        self.u_edges = uc
        x_hi = K.char_map(*self.args, self.f, complex(uc[0], 0.0))[0].real
        x_lo = K.char_map(*self.args, self.f, complex(uc[1], 0.0))[0].real
        if not x_lo < x_hi:
            raise ValueError(f"decompression by {self.f:g}: the target support edges are not ordered "
                             f"({x_lo:.6g} ≥ {x_hi:.6g})")
        self.support = (self.offset + self.scale * float(x_lo), self.offset + self.scale * float(x_hi))
        n_tab = _TABLE if solver is Solver.NEWTON else 8 * _TABLE
        # θ clustered at both ends (x(θ) − edge ∝ θ²), so the table resolves the square-root edges
        s = (np.arange(n_tab) + 0.5) / n_tab
        theta = math.pi * (s - np.sin(2 * math.pi * s) / (2 * math.pi))
        u, st = K.trace_preimage(*self.args, self.f, theta, rmax, _SCAN, 1e-15, 80)
        self.trace_failed = int(np.sum(st != K.OK))
        ok = st == K.OK
        if ok.sum() < 8:
            raise ValueError(f"decompression by {self.f:g}: the preimage curve of the target support was not found "
                             f"({self.trace_failed} of {n_tab} rays failed)")
        u = u[ok]
        Zs, m0 = self._eval(u)
        x = self.offset + self.scale * Zs.real
        dens = m0.imag / (math.pi * self.f * self.scale)
        self.min_density = float(dens.min())
        order = np.argsort(x)
        self.tab_x, self.tab_u, self.tab_rho = x[order], u[order], dens[order]
        # mass carried by the traced curve (normalised bulk: should be 1); crude trapezoid on the clustered table
        self.table_mass = float(np.trapezoid(self.tab_rho, self.tab_x))
        # x(θ) decreases from the right edge to the left one (ties at rounding level next to the edges allowed)
        self.monotone = bool(np.all(np.diff(x) < 1e-12 * (np.ptp(x) + abs(x).max())))

    def translate(self, delta: float) -> None:
        """Move the target bulk by ``delta`` in place (the atoms stay): used before the piece is shared.

        Parameters
        ----------
        delta : float
            The shift.
        """
        self.offset += float(delta)
        self.support = (self.support[0] + delta, self.support[1] + delta)
        self.tab_x = self.tab_x + delta

    def dilate(self, s: float, about: float) -> None:
        """Map the target bulk by x → about + s(x − about) in place (the atoms stay); s > 0.

        Parameters
        ----------
        s : float
            Factor (> 0).
        about : float
            Fixed point.
        """
        s, about = float(s), float(about)
        if not (math.isfinite(s) and s > 0):
            raise ValueError(f"dilation factor must be finite and > 0, got {s!r}")
        self.offset = about + s * (self.offset - about)
        self.scale *= s
        self.support = (about + s * (self.support[0] - about), about + s * (self.support[1] - about))
        self.tab_x = about + s * (self.tab_x - about)
        self.tab_rho = self.tab_rho / s

    # -- evaluation ----------------------------------------------------------------------------------------------
    def _eval(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Z(u) and m₀(u) at source points u."""
        flat = np.ascontiguousarray(np.ravel(u), dtype=complex)
        Z, m0 = K.char_map_many(*self.args, self.f, flat)
        return Z.reshape(np.shape(u)), m0.reshape(np.shape(u))

    def preimages(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Preimages u of target points strictly inside the support, and status codes.

        Parameters
        ----------
        x : numpy.ndarray
            Target points inside the support.

        Returns
        -------
        u : numpy.ndarray of complex
            Preimages on the curve :math:`\operatorname{Im} Z(u) = 0`.
        status : numpy.ndarray of int
            Solver status per point (0: converged).
        """
        x = np.ascontiguousarray(x, dtype=float)
        u0 = (np.interp(x, self.tab_x, self.tab_u.real) + 1j * np.interp(x, self.tab_x, self.tab_u.imag))
        x = np.ascontiguousarray((x - self.offset) / self.scale)  # the characteristic map's own frame
        # keep the guess on the second sheet's lower half
        bad = (np.abs(u0) <= 1.0) | (u0.imag >= 0)
        if self.args[0] == K.LOG:
            bad |= (self.args[4] * (u0 + 1.0 / u0)).imag <= -math.pi
        if np.any(bad):
            j = np.clip(np.searchsorted(self.tab_x, self.offset + self.scale * x[bad]), 0, self.tab_x.size - 1)
            u0[bad] = self.tab_u[j]
        u0 = np.ascontiguousarray(u0)
        u, _, st = K.newton_preimage(*self.args, self.f, x, u0, False, NEWTON_TOL, 60)
        return u, st

    def density(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Bulk density (including the mass factor) and a boolean 'failed' mask.

        Parameters
        ----------
        x : numpy.ndarray
            Real points.

        Returns
        -------
        density : numpy.ndarray
            :math:`w(-\operatorname{Im} G_0(u))/(\pi f)`, 0 off the support, NaN where the solver failed.
        failed : numpy.ndarray of bool
        """
        x = np.asarray(x, dtype=float)
        out = np.zeros(x.shape)
        failed = np.zeros(x.shape, bool)
        lo, hi = self.support
        inside = (x > lo) & (x < hi)
        if not np.any(inside):
            return out, failed
        xi = x[inside]
        if self.solver is Solver.TRACE:
            from scipy.interpolate import PchipInterpolator

            # the traced table can tie or step back by rounding next to the edges: keep its interior points that
            # lie strictly beyond every point kept before them (a running maximum, not the next neighbour)
            inner = (self.tab_x > lo) & (self.tab_x < hi)
            xt = np.concatenate([[lo], self.tab_x[inner], [hi]])
            yt = np.concatenate([[0.0], self.tab_rho[inner], [0.0]])
            keep = np.concatenate([[True], xt[1:] > np.maximum.accumulate(xt)[:-1]])
            rho = PchipInterpolator(xt[keep], yt[keep])(xi)
            out[inside] = self.w * np.maximum(rho, 0.0)
            return out, failed
        u, st = self.preimages(xi)
        _, m0 = self._eval(u)
        rho = np.imag(m0) / (math.pi * self.f * self.scale)
        bad = st != K.OK
        # within a relative 1e-9 of an edge Newton meets the double root of Z − x; the density is √-small there
        # and the traced table is accurate: use it instead of reporting a failure
        near = bad & ((xi - lo < 1e-6 * (hi - lo)) | (hi - xi < 1e-6 * (hi - lo)))
        rho[near] = np.interp(xi[near], self.tab_x, self.tab_rho)
        bad &= ~near
        rho[bad] = np.nan
        vals = self.w * np.where(np.isnan(rho), np.nan, np.maximum(rho, 0.0))
        out[inside] = vals
        failed[np.flatnonzero(inside)[bad]] = True
        return out, failed

    def stieltjes(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """m(z) for Im z ≥ 0 (bulk part times its mass, plus the atoms) and a 'failed' mask.

        Parameters
        ----------
        z : numpy.ndarray of complex
            Points with Im z ≥ 0.

        Returns
        -------
        m : numpy.ndarray of complex
        failed : numpy.ndarray of bool
        """
        z = np.ascontiguousarray(z, dtype=complex).ravel()
        lo, hi = self.support
        scale = hi - lo
        zs = np.ascontiguousarray((z - self.offset) / self.scale)
        y_start = 10.0 * scale / self.scale + float(np.max(np.abs(zs), initial=0.0))
        try:
            u, st = K.solve_target(*self.args, self.f, zs, y_start, 40, 1e-14, 50)
        except ZeroDivisionError:
            # a Newton step met dZ/du = 0 or a pole of the model: solve point by point, flag the failures
            u = np.full(zs.shape, np.nan + 0j)
            st = np.full(zs.shape, K.MAX_ITER, dtype=np.int64)
            for i in range(zs.size):
                try:
                    u[i:i + 1], st[i:i + 1] = K.solve_target(*self.args, self.f, zs[i:i + 1], y_start, 40, 1e-14, 50)
                except ZeroDivisionError:
                    continue
        _, m0 = self._eval(u)
        m = self.w * m0 / (self.f * self.scale)
        # on the real axis inside the support the boundary value is the curve's (homotopy ends there)
        on_axis = (z.imag == 0) & (z.real > lo) & (z.real < hi)
        if np.any(on_axis):
            uu, st2 = self.preimages(z.real[on_axis])
            m[on_axis] = self.w * self._eval(uu)[1] / (self.f * self.scale)
            st[on_axis] = st2
        with np.errstate(divide="ignore", invalid="ignore"):
            for loc, mass in self.atoms:
                m = m + mass / (loc - z)
        return m, st != K.OK

    def bulk_moments(self, K_max: int) -> np.ndarray:
        r"""Moments 1..K of the *normalised* target bulk from the free-cumulant rule κ_k → f^{k−1}κ_k.

        Parameters
        ----------
        K_max : int
            Highest order.

        Returns
        -------
        numpy.ndarray
            :math:`m_1, \dots, m_{K}` of the normalised target bulk.
        """
        x, wq = self.model.quadrature(max(128, 4 * K_max + 32))
        mass = wq.sum()
        src = [float(np.sum(wq * x ** k) / mass) for k in range(1, K_max + 1)]
        kap = T.free_cumulants_from_moments(src)
        # x → offset + scale·x multiplies κ_k by scale^k and adds offset to κ_1
        kap_t = [float(kv) * self.f ** k * self.scale ** (k + 1) for k, kv in enumerate(kap)]
        kap_t[0] += self.offset
        return np.array([float(v) for v in T.moments_from_free_cumulants(kap_t)])

    def check(self, n: int = 512) -> tuple[int, np.ndarray]:
        """Solve the density on a Chebyshev grid of the support; report where it failed.

        Parameters
        ----------
        n : int
            Number of Chebyshev points on the support.

        Returns
        -------
        points : int
            ``n``.
        failed_x : numpy.ndarray
            The points where the solver did not converge.
        """
        lo, hi = self.support
        x = lo + (hi - lo) * 0.5 * (1 - np.cos(math.pi * (np.arange(n) + 0.5) / n))
        _, failed = self.density(x)
        return n, x[failed]
