r"""The result of numeric free decompression: a law evaluated through the characteristics.

A :class:`DecompressedLaw` is an equal-weight mixture of *pieces* (one per repeat; usually one). A piece is the
decompression by a factor :math:`f` of a source bulk whose Cauchy transform is a
:class:`~freecalc.continuation.pade.RationalCauchy` :math:`G_0` on the Joukowski plane of its support, plus atoms
already moved to their target positions. With :math:`Z(u) = z_0(u) + (f-1)/G_0(u)`
(:mod:`freecalc.kernels.characteristics`):

* **support** ``[Z(u₋), Z(u₊)]`` from the real critical points :math:`u_\pm` of Z (where the preimage curve leaves
  the real u axis);
* **pdf** :math:`w\,(-\Im G_0(u))/(\pi f)` at the preimage u of x on the curve :math:`\Im Z = 0`, found by
  :class:`Solver` (Newton from a traced-curve guess by default); points that do not converge come back as NaN with a
  :class:`~freecalc.laws.numeric.ConvergenceWarning` naming them — never silently;
* **stieltjes** :math:`m(z) = -w\,G_0(u)/f + \text{atoms}` with :math:`Z(u) = z` solved on demand (homotopy from
  far above the real axis, so the branch is the physical one);
* **moments** from the exact rule :math:`\kappa_k^{(n)} = f^{k-1}\kappa_k^{(s)}` for free cumulants (the source's by
  Gauss quadrature of the fitted density); the tests check them against the integrated density;
* **converged**: a :class:`ConvergenceReport` from a check grid of 512 points per piece, made at construction.

A piece (:class:`~freecalc.laws.decompressed_piece.DecompressedPiece`) evaluates one decompression and returns
failure masks; the law turns them into NaN and warnings. With repeats, :meth:`DecompressedLaw.pdf_band` gives
pointwise bands and :attr:`DecompressedLaw.repeats` the per-repeat laws (for functionals' intervals).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.kernels import characteristics as K
from freecalc.laws.base import Law, _validate_size
# Solver, DecompressedPiece and NEWTON_TOL are re-exported (in __all__): the decompression builds laws from here
from freecalc.laws.decompressed_piece import NEWTON_TOL, DecompressedPiece, Solver
from freecalc.laws.numeric import ConvergenceWarning
from freecalc.numerics.quadrature import IntervalRule

T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Solver", "ConvergenceReport", "DecompressedPiece", "DecompressedLaw", "NEWTON_TOL"]


@dataclass(frozen=True)
class ConvergenceReport:
    """Convergence of the characteristic solver on a check grid (and of the curve tracing).

    Parameters
    ----------
    points : int
        Number of check points.
    failed : int
        How many did not converge.
    failed_x : tuple of float
        Where.
    trace_failed : int
        Rays of the traced preimage curve that found no preimage.
    """

    points: int
    failed: int
    failed_x: tuple[float, ...]
    trace_failed: int

    @property
    def ok(self) -> bool:
        """Whether every check point and every traced ray converged."""
        return self.failed == 0 and self.trace_failed == 0

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return f"all {self.points} check points converged"
        shown = ", ".join(f"{v:.6g}" for v in self.failed_x[:5])
        return (f"{self.failed} of {self.points} check points did not converge ({shown}); "
                f"{self.trace_failed} rays of the traced curve found no preimage")


class DecompressedLaw(Law):
    """Law of the decompressed spectrum (an equal-weight mixture over repeats; see the module docstring).

    Built by :func:`freecalc.operations.numeric_decompression.decompress_numeric`.
    """

    parameters = ()
    latex_name = r"\mathrm{FD}"

    def __init__(self, pieces: tuple[DecompressedPiece, ...], *, factor: float, size: Any = None,
                 sources: tuple[Law, ...] = (), check_points: int = 512) -> None:
        super().__init__(size=size)
        if not pieces:
            raise ValueError("a DecompressedLaw needs at least one piece")
        self._set("_pieces", tuple(pieces))
        self._set("_check_points", int(check_points))
        self._set("factor", float(factor))
        self._set("sources", tuple(sources))
        failed_x: list[float] = []
        pts = 0
        for pc in pieces:
            n, bad = pc.check(check_points)
            pts += n
            failed_x.extend(float(v) for v in bad)
        self._set("converged", ConvergenceReport(pts, len(failed_x), tuple(failed_x),
                                                 sum(pc.trace_failed for pc in pieces)))

    # -- identity ------------------------------------------------------------------------------------------------
    def _identity(self) -> tuple[Any, ...]:
        return (id(self._pieces),)

    def replace(self, **changes: Any) -> DecompressedLaw:
        """A copy with another ``size`` (DecompressedLaw has no declared parameters to change).

        Parameters
        ----------
        **changes
            Only ``size`` (int or None) is accepted.

        Returns
        -------
        DecompressedLaw

        Raises
        ------
        TypeError
            If any other name is given.
        """
        unknown = set(changes) - {"size"}
        if unknown:
            raise TypeError(f"DecompressedLaw has no parameters to replace ({sorted(unknown)}); only size=")
        return DecompressedLaw(self._pieces, factor=self.factor, size=_validate_size(changes.get("size", self.size)),
                               sources=self.sources, check_points=self._check_points)

    def __repr__(self) -> str:
        lo, hi = self._support()[0]
        reps = f", repeats={len(self._pieces)}" if len(self._pieces) > 1 else ""
        return f"DecompressedLaw(factor={self.factor:g}, support=[{lo:.4g}, {hi:.4g}]{reps}, size={self.size})"

    @property
    def pieces(self) -> tuple[DecompressedPiece, ...]:
        """The per-repeat decompressions (solver state, source models)."""
        return self._pieces

    @property
    def repeats(self) -> tuple[DecompressedLaw, ...]:
        """One law per repeat (a single-repeat law returns itself)."""
        if len(self._pieces) == 1:
            return (self,)
        return tuple(DecompressedLaw((pc,), factor=self.factor, size=self.size) for pc in self._pieces)

    # -- numeric face --------------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        # union of the pieces' supports (merged when they overlap, as they do for repeats)
        ivs = sorted(pc.support for pc in self._pieces)
        out = [list(ivs[0])]
        for a, b in ivs[1:]:
            if a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return tuple((a, b) for a, b in out)

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        R = len(self._pieces)
        return tuple((loc, w / R) for pc in self._pieces for loc, w in pc.atoms)

    def _warn(self, what: str, x: np.ndarray) -> None:
        shown = ", ".join(f"{complex(v):.6g}" if np.iscomplexobj(x) else f"{float(v):.6g}" for v in x[:5])
        more = f" and {x.size - 5} more" if x.size > 5 else ""
        warnings.warn(f"{self!r}: {what}: the characteristic solver did not converge at {x.size} point(s): "
                      f"{shown}{more} (returned as NaN)", ConvergenceWarning, stacklevel=4)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        # the pieces work on 1-D arrays; the base class turns 0-d results back into scalars
        flat = np.asarray(x, dtype=float).ravel()
        total = np.zeros(flat.shape)
        failed = np.zeros(flat.shape, bool)
        for pc in self._pieces:
            d, bad = pc.density(flat)
            total += d
            failed |= bad
        total /= len(self._pieces)
        if np.any(failed):
            self._warn("pdf", flat[failed])
        return total.reshape(np.shape(x))

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        flat = np.asarray(z, dtype=complex).ravel()
        flat = flat.real + 1j * np.maximum(flat.imag, 0.0)
        total = np.zeros(flat.shape, complex)
        failed = np.zeros(flat.shape, bool)
        for pc in self._pieces:
            m, bad = pc.stieltjes(flat)
            total += m
            failed |= bad
        total /= len(self._pieces)
        if np.any(failed):
            self._warn("stieltjes", flat[failed])
            total[failed] = np.nan
        return total.reshape(np.shape(z))

    # -- quadrature: in log x for pieces fitted in log λ (their mass spans decades), in x otherwise ---------------
    def _piece_rule(self, pc: DecompressedPiece, panels: int, order: int) -> tuple[IntervalRule, bool]:
        lo, hi = pc.support
        if pc.args[0] == K.LOG and lo > 0:
            return IntervalRule(math.log(lo), math.log(hi), panels, order), True
        return IntervalRule(lo, hi, panels, order), False

    def _piece_density(self, pc: DecompressedPiece, logscale: bool):
        R = len(self._pieces)

        def g(t: np.ndarray) -> np.ndarray:
            x = np.exp(t) if logscale else t
            d, bad = pc.density(x)
            if np.any(bad):
                self._warn("pdf", x[bad])
            return d * (x if logscale else 1.0) / R
        return g

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Quadrature of the continuous part (θ-substitution per piece; in log x for log-λ pieces).

        Parameters
        ----------
        panels, order : int
            Accuracy hints of the generic rule (panels and Gauss–Legendre points per panel); passed to each piece's
            rule.

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights: :math:`\sum_i w_i f(x_i) \approx \int f\,\rho\,dx` over the continuous part (the weights
            sum to its mass).
        """
        xs, ws = [], []
        for pc in self._pieces:
            rule, logscale = self._piece_rule(pc, panels, order)
            t, w = rule.nodes_weights()
            xs.append(np.exp(t) if logscale else t)
            ws.append(w * self._piece_density(pc, logscale)(t))
        return np.concatenate(xs), np.concatenate(ws)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        shape = np.shape(x)
        x = np.asarray(x, dtype=float).ravel()
        out = np.zeros(x.shape)
        cache = self.__dict__.setdefault("_rules", {})
        for i, pc in enumerate(self._pieces):
            if i not in cache:
                cache[i] = self._piece_rule(pc, 128, 16)
            rule, logscale = cache[i]
            g = self._piece_density(pc, logscale)
            lo, hi = pc.support
            inside = (x > lo) & (x < hi)
            out[x >= hi] += rule.integrate(g)
            if np.any(inside):
                t = np.log(x[inside]) if logscale else x[inside]
                out[inside] += rule.cumulative(g, t)
        for loc, mass in self.atoms:
            out[x >= loc] += mass
        return out.reshape(shape)

    def _moment(self, k: int) -> float:
        R = len(self._pieces)
        out = 0.0
        for pc in self._pieces:
            bulk = pc.bulk_moments(k)[k - 1]
            out += pc.w * bulk + sum(w * a ** k for a, w in pc.atoms)
        return out / R

    # -- uncertainty ---------------------------------------------------------------------------------------------
    def pdf_band(self, x: Any, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise band of the density over the repeats: the (1 ± level)/2 quantiles of the per-repeat pdfs.

        Parameters
        ----------
        x : float or array_like
            Points.
        level : float
            Probability content of the band, in (0, 1).

        Returns
        -------
        lo, hi : numpy.ndarray
            Lower and upper band, shaped like ``x``.

        Raises
        ------
        ValueError
            If ``level`` is outside (0, 1) or the law has a single repeat.
        """
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        if len(self._pieces) < 2:
            raise ValueError("pdf_band needs repeats: decompress several submatrices (repeats=R or a list of laws)")
        xa = np.asarray(x, dtype=float)
        vals = np.array([r.pdf(xa) for r in self.repeats])
        lo = np.quantile(vals, (1 - level) / 2, axis=0)
        hi = np.quantile(vals, (1 + level) / 2, axis=0)
        return lo, hi
