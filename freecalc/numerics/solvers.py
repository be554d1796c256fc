r"""The solver contract: every iterative solver in freecalc reports a status, and one policy handles failures.

Every iterative solver (the generic Newton inversions of :mod:`freecalc.laws.base`, the Stieltjes-branch
continuation of :mod:`freecalc.kernels.branches`, the subordination solvers of
:mod:`freecalc.kernels.subordination` / :mod:`freecalc.operations.subordination_solver`, the characteristics
solver of :mod:`freecalc.kernels.characteristics`) returns, next to its values, a per-point status: whether the
point converged, how many iterations it took and the final residual (:class:`SolverStatus`). numba kernels return
status arrays; their Python wrapper turns them into a :class:`SolverStatus` and calls :func:`handle_failures`,
which applies the :class:`FailurePolicy`:

* ``FailurePolicy.WARN`` (default): a :class:`ConvergenceWarning` naming how many points failed and where;
* ``FailurePolicy.RAISE``: a :class:`ConvergenceError` with the same message.

A non-converged point is therefore never returned silently as a number. Each solver takes ``tol`` and
``maxiter`` (or documents the named constants it uses) with a comment saying why the default is what it is.
"""
from __future__ import annotations

import enum
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ConvergenceWarning",
    "ConvergenceError",
    "FailurePolicy",
    "SolverStatus",
    "handle_failures",
    "coerce_policy",
    "newton_fd",
    "NEWTON_TOL",
    "NEWTON_MAXITER",
    "NEWTON_FD_STEP",
    "NEWTON_STALL_TOL",
]

NEWTON_TOL = 1e-14
"""Relative step size at which :func:`newton_fd` stops: ~45 ulp. The derivative is a central difference with
relative error ~1e-9 (:data:`NEWTON_FD_STEP`), so Newton converges linearly with ratio ~1e-9 near the root and
reaches this in one step after the quadratic phase; a tighter value would only chase rounding."""

NEWTON_MAXITER = 60
"""Iteration budget of :func:`newton_fd`. From a start inside the basin (the cumulant-series starts used by the
callers) Newton needs < 10 iterations; the slack covers starts far out along the real axis, where each step gains
a constant factor at first. A point still moving after 60 steps is not converging and is reported."""

NEWTON_STALL_TOL = 1e-8
"""Noise floor of :func:`newton_fd`: a point whose relative step stops shrinking (at least half the previous one)
while below this has reached the precision of F itself (numerically evaluated transforms, e.g. of HTMP laws, are
accurate to ~1e-10–1e-12, and Newton's steps then hover at that level instead of reaching :data:`NEWTON_TOL`); it
counts as converged, with its last step as the residual. Above 1e-8 a stalled step means a real failure."""

NEWTON_FD_STEP = 1e-7
"""Relative step of the central difference in :func:`newton_fd`: truncation error ~h², rounding ~eps/h; 1e-7 puts
both near 1e-14 relative for smooth analytic functions evaluated to full precision."""


class ConvergenceWarning(RuntimeWarning, UserWarning):
    """An iterative solver did not converge at some points (the message says how many and where).

    A :class:`UserWarning` (the user can act on it: other parameters, a finer grid, another route) and a
    :class:`RuntimeWarning` (a numeric event), so filters on either category catch it.
    """


class ConvergenceError(RuntimeError):
    """An iterative solver did not converge at some points (raised under ``FailurePolicy.RAISE``)."""


class FailurePolicy(enum.Enum):
    """What a solver's Python wrapper does with points that did not converge."""

    WARN = "warn"    #: keep going and emit a ConvergenceWarning naming the points (their values are flagged)
    RAISE = "raise"  #: raise ConvergenceError naming the points


def coerce_policy(policy: Any) -> FailurePolicy:
    """A :class:`FailurePolicy` from a member or its value.

    Parameters
    ----------
    policy : FailurePolicy or str
        ``FailurePolicy.WARN`` / ``"warn"`` or ``FailurePolicy.RAISE`` / ``"raise"``.

    Returns
    -------
    FailurePolicy

    Raises
    ------
    TypeError
        ``policy`` is neither a member nor a member's value.
    """
    if isinstance(policy, FailurePolicy):
        return policy
    try:
        return FailurePolicy(policy)
    except (ValueError, TypeError):
        allowed = ", ".join(f"FailurePolicy.{p.name}" for p in FailurePolicy)
        raise TypeError(f"policy must be one of {allowed}, got {policy!r}") from None


@dataclass(frozen=True)
class SolverStatus:
    """Per-point outcome of an iterative solver (all arrays have one entry per point).

    Attributes
    ----------
    converged : bool ndarray
        Whether the point met the solver's stopping rule.
    iterations : int ndarray
        Iterations (or residual evaluations) spent on the point.
    residual : float ndarray
        Final residual or last relative step, in the solver's own measure (NaN when the solver has none).
    """

    converged: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray

    @classmethod
    def from_flags(cls, converged: Any, iterations: Any = None, residual: Any = None) -> SolverStatus:
        """A status from a boolean array (iterations 0 and residual NaN where not given).

        Parameters
        ----------
        converged : array_like of bool
        iterations, residual : array_like, optional
            Broadcast to the shape of ``converged``.

        Returns
        -------
        SolverStatus
        """
        conv = np.asarray(converged, dtype=bool).ravel()
        its = np.zeros(conv.shape, np.int64) if iterations is None else np.broadcast_to(
            np.asarray(iterations, dtype=np.int64).ravel(), conv.shape).copy()
        res = np.full(conv.shape, np.nan) if residual is None else np.broadcast_to(
            np.asarray(residual, dtype=float).ravel(), conv.shape).copy()
        return cls(conv, its, res)

    @property
    def all_converged(self) -> bool:
        """Whether every point converged."""
        return bool(np.all(self.converged))

    @property
    def n_failed(self) -> int:
        """Number of points that did not converge."""
        return int(np.count_nonzero(~self.converged))

    def describe(self, points: Any = None, limit: int = 5) -> str:
        """One line naming how many points failed and where.

        Parameters
        ----------
        points : array_like, optional
            The solver's points (one per status entry), used to say where; indices otherwise.
        limit : int
            How many failed points to list.

        Returns
        -------
        str
        """
        bad = np.flatnonzero(~self.converged)
        total = self.converged.size
        if bad.size == 0:
            return f"all {total} points converged"
        where = np.asarray(points).ravel() if points is not None else None
        shown = ", ".join(
            (f"{_fmt(where[i])}" if where is not None else f"#{i}")
            + (f" (residual {self.residual[i]:.2g})" if np.isfinite(self.residual[i]) else "")
            for i in bad[:limit])
        more = f" and {bad.size - limit} more" if bad.size > limit else ""
        return f"{bad.size} of {total} points did not converge: {shown}{more}"


def _fmt(value: Any) -> str:
    v = complex(value)
    return f"{v.real:.6g}" if v.imag == 0 else f"{v:.6g}"


def handle_failures(status: SolverStatus, what: str, *, points: Any = None,
                    policy: FailurePolicy = FailurePolicy.WARN, stacklevel: int = 3) -> None:
    """Apply the failure policy to a solver's status: nothing when all points converged.

    Parameters
    ----------
    status : SolverStatus
    what : str
        What was being solved (the start of the message, e.g. ``"R-transform of MarchenkoPastur(c=0.5)"``).
    points : array_like, optional
        The points, to say where the failures are.
    policy : FailurePolicy
        WARN (default) or RAISE.
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Returns
    -------
    None

    Raises
    ------
    ConvergenceError
        Under ``FailurePolicy.RAISE`` when some point did not converge.

    Warns
    -----
    ConvergenceWarning
        Under ``FailurePolicy.WARN`` when some point did not converge.
    """
    if status.all_converged:
        return
    msg = f"{what}: {status.describe(points)}"
    if coerce_policy(policy) is FailurePolicy.RAISE:
        raise ConvergenceError(msg)
    warnings.warn(msg, ConvergenceWarning, stacklevel=stacklevel)


def newton_fd(func: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, tol: float = NEWTON_TOL,
              maxiter: int = NEWTON_MAXITER, step: float = NEWTON_FD_STEP,
              scale_floor: float = 1.0, stall_tol: float = NEWTON_STALL_TOL) -> tuple[np.ndarray, SolverStatus]:
    r"""Vectorised Newton iteration for :math:`F(x) = 0` with a central-difference derivative (complex x).

    Each point iterates :math:`x \leftarrow x - F(x)/F'(x)`, :math:`F'(x) \approx (F(x+h) - F(x-h))/(2h)` with
    :math:`h = \text{step}\cdot\max(\text{scale\_floor}, |x|)`, until its step is at most
    :math:`\text{tol}\cdot\max(\text{scale\_floor}, |x|)`, or until its relative step stalls below
    ``stall_tol`` (the precision of F is reached, :data:`NEWTON_STALL_TOL`); converged points stop moving (their neighbours'
    iterations do not change them). ``func`` is always called with arrays of the shape of ``x0``.

    Parameters
    ----------
    func : callable
        Vectorised :math:`F`, complex ndarray → complex ndarray of the same shape.
    x0 : complex ndarray
        Starts (one per point).
    tol : float
        Relative step at which a point has converged (:data:`NEWTON_TOL`).
    maxiter : int
        Iteration budget (:data:`NEWTON_MAXITER`).
    step : float
        Relative difference step (:data:`NEWTON_FD_STEP`).
    scale_floor : float
        Lower bound of the scale of x (absolute tolerances near 0).
    stall_tol : float
        Relative step below which a step that no longer shrinks means convergence to F's precision
        (:data:`NEWTON_STALL_TOL`).

    Returns
    -------
    x : complex ndarray
        The last iterates (meaningful only where ``status.converged``).
    status : SolverStatus
        Converged flags, iterations, and the last relative step as residual.

    Raises
    ------
    ValueError
        ``tol`` not positive or ``maxiter`` < 1.
    """
    if not tol > 0:
        raise ValueError(f"tol must be > 0, got {tol!r}")
    if int(maxiter) < 1:
        raise ValueError(f"maxiter must be >= 1, got {maxiter!r}")
    x = np.array(x0, dtype=complex)
    conv = np.zeros(x.shape, dtype=bool)
    its = np.zeros(x.shape, dtype=np.int64)
    res = np.full(x.shape, np.inf)
    with np.errstate(all="ignore"):
        for _ in range(int(maxiter)):
            if conv.all():
                break
            # F is evaluated at every point (callers' F may close over per-point data of the full shape);
            # converged points keep their value
            h = step * np.maximum(scale_floor, np.abs(x))
            delta = func(x) / ((func(x + h) - func(x - h)) / (2 * h))
            new = x - delta
            act = ~conv
            x = np.where(act, new, x)
            its += act
            rel = np.abs(delta) / np.maximum(scale_floor, np.abs(new))
            stalled = (rel <= stall_tol) & (rel >= 0.5 * res)
            res = np.where(act, rel, res)
            conv = conv | (act & np.isfinite(new) & ((rel <= tol) | stalled))
    return x, SolverStatus(conv.ravel(), its.ravel(), res.ravel())
