r"""The evaluator contract behind :class:`~freecalc.laws.numeric.NumericLaw`: what a numeric operation supplies.

An :class:`Evaluator` computes the Stieltjes transform at spectral points with :math:`\Im\lambda \ge 0` (for
instance by solving a subordination equation), reports per point whether it converged (:class:`Solution`), and
states a bracket of the support, a window to scan, a scale and, when it knows them exactly, atoms, moments and the
R/S transforms. Numeric free convolution, decompression and the heavy-tail routes implement it;
:class:`~freecalc.laws.numeric.NumericLaw` derives everything else (support, pdf, cdf, ppf) once.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from freecalc.numerics.solvers import SolverStatus

__all__ = ["Evaluator", "Solution"]


@dataclass(frozen=True)
class Solution:
    """Result of an evaluator at spectral points ``z`` (all arrays have the shape of ``z``; its fields are
    attributes).

    Parameters
    ----------
    z : complex ndarray
        Spectral points (Im z ≥ 0).
    m : complex ndarray
        Stieltjes transform m(z) (the last iterate where not converged).
    omega : complex ndarray
        Subordination function ω_a(z) (a warm start for nearby points).
    converged : bool ndarray
        Whether each point converged.
    iterations : int ndarray
        Residual evaluations per point.
    residual : float ndarray
        Final residual of the fixed-point equation.
    """

    z: np.ndarray
    m: np.ndarray
    omega: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray

    @property
    def status(self) -> SolverStatus:
        """The solver contract's view of this solution (:class:`~freecalc.numerics.solvers.SolverStatus`)."""
        return SolverStatus(np.asarray(self.converged, bool).ravel(), np.asarray(self.iterations).ravel(),
                            np.asarray(self.residual, float).ravel())

    @property
    def failed(self) -> np.ndarray:
        """Points that did not converge."""
        return self.z[~self.converged]

    def report(self, limit: int = 5) -> str:
        """A one-line account of the non-converged points.

        Parameters
        ----------
        limit : int
            How many failed points are listed.

        Returns
        -------
        str
        """
        bad = np.flatnonzero(~self.converged)
        if bad.size == 0:
            return f"all {self.z.size} points converged"
        shown = ", ".join(f"{complex(self.z[i]):.6g} (residual {self.residual[i]:.2g})" for i in bad[:limit])
        more = f" and {bad.size - limit} more" if bad.size > limit else ""
        return f"{bad.size} of {self.z.size} points did not converge: {shown}{more}"


class Evaluator(ABC):
    """What a :class:`NumericLaw` needs to know about its measure."""

    @abstractmethod
    def solve(self, z: np.ndarray, start: np.ndarray | None = None,
              start_kind: np.ndarray | None = None) -> Solution:
        """m(z) at a 1-D array of points with Im z ≥ 0 (real z: boundary value m(x + i0)).

        ``start`` optionally holds warm starts for ω, ``start_kind`` per point 0 (none), 1 (accept only a
        non-real solution from there: it is unique in the upper half-plane) or 2 (also accept a real solution
        close to the start). Rejected starts fall back to a start-free solve.

        Parameters
        ----------
        z : numpy.ndarray of complex
            1-D array of points, Im z ≥ 0.
        start : numpy.ndarray of complex, optional
            Warm starts for ω.
        start_kind : numpy.ndarray of int, optional
            Per point: 0, 1 or 2 as above.

        Returns
        -------
        Solution
        """

    @abstractmethod
    def bracket(self) -> tuple[float, float]:
        """A closed interval (ends may be infinite) that contains the support and the atoms.

        Returns
        -------
        (lo, hi) : tuple of float
        """

    @abstractmethod
    def window(self) -> tuple[float, float]:
        """A finite interval to scan for the support (holds all of it when the bracket is finite).

        Returns
        -------
        (lo, hi) : tuple of float
        """

    @property
    @abstractmethod
    def scale(self) -> float:
        """A typical width of the law (used for step sizes and tolerances)."""

    def core(self) -> tuple[float, float]:
        """Centre c and length s of the bulk, for the logarithmic quadrature maps of an unbounded support
        (:class:`~freecalc.numerics.interval_map.LogMap`: x = c + s sinh v): s should be a fraction of the bulk's
        width (a smaller s costs a few panels, a larger one under-resolves the bulk).

        Returns
        -------
        (c, s) : tuple of float
            By default the window's centre and :attr:`scale`.
        """
        lo, hi = self.window()
        return 0.5 * (lo + hi), self.scale

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """Atoms (location, mass).

        Returns
        -------
        tuple of (float, float)
            Empty by default.
        """
        return ()

    def moment(self, k: int) -> float:
        """Exact k-th moment, when the evaluator knows it.

        Parameters
        ----------
        k : int
            The order.

        Returns
        -------
        float

        Raises
        ------
        NotImplementedError
            By default (the law then integrates its density with its quadrature rule).
        """
        raise NotImplementedError

    def r_transform(self, w: np.ndarray) -> np.ndarray:
        """R-transform, when the evaluator knows it in closed form from its inputs.

        Parameters
        ----------
        w : numpy.ndarray
            Points.

        Returns
        -------
        numpy.ndarray

        Raises
        ------
        NotImplementedError
            By default (the law then inverts its Stieltjes transform).
        """
        raise NotImplementedError

    def s_transform(self, w: np.ndarray) -> np.ndarray:
        """S-transform, when the evaluator knows it in closed form from its inputs.

        Parameters
        ----------
        w : numpy.ndarray
            Points.

        Returns
        -------
        numpy.ndarray

        Raises
        ------
        NotImplementedError
            By default (the law then solves ψ(χ) = w by Newton on its Stieltjes transform).
        """
        raise NotImplementedError

    def describe(self) -> str:
        """Short description for repr.

        Returns
        -------
        str
        """
        return type(self).__name__
