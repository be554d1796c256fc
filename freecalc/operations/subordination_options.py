"""Options of the numeric free convolutions by subordination (:mod:`freecalc.operations.subordination`): the
route that evaluates the inputs' transforms, the solver's tolerance and iteration budget, the failure policy and
the discretisation of inputs without a closed form, checked once in a frozen dataclass."""
from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from freecalc.laws.numeric import FailurePolicy

__all__ = ["Route", "SubordinationOptions", "SUBORDINATION_TOL", "SUBORDINATION_MAXITER"]


class Route(enum.Enum):
    """How the inputs' transforms are evaluated inside the solver (see the module docstring)."""

    AUTO = "auto"
    KERNEL = "kernel"
    LAW = "law"


SUBORDINATION_TOL = 1e-12
"""Default step tolerance of the subordination solvers, relative to 1 + |ω|: m is then accurate to ~1e-12 relative
(the map ω → m is Lipschitz with constant ~1 away from edges), four digits above rounding so that the secant
route (no analytic derivative, steps noisy at ~1e-14) still meets it."""

SUBORDINATION_MAXITER = 200
"""Default iteration budget per continuation stage and point: Newton/secant from a warm start needs < 10; the
fixed-point fallback contracts at a rate that tends to 1 near the real axis, and 200 steps cover the stages the
continuation schedule hands it (a stage that needs more is retried with a smaller step in Im λ)."""


@dataclass(frozen=True)
class SubordinationOptions:
    """Options of the numeric free convolutions.

    Parameters
    ----------
    route : Route or its value
        ``Route.AUTO`` (default), ``Route.KERNEL`` or ``Route.LAW``.
    tol : float
        Newton/secant step tolerance, relative to 1 + |ω| (default :data:`SUBORDINATION_TOL`).
    maxiter : int
        Iteration budget per continuation stage and point (default :data:`SUBORDINATION_MAXITER`).
    policy : FailurePolicy or its value
        What the resulting law does with non-converged points.
    grid : int
        Points of the support scan of the result.
    panels, order : int
        Discretisation of inputs without a closed form on ``Route.KERNEL`` (composite Gauss–Legendre).
    """

    route: Route = Route.AUTO
    tol: float = SUBORDINATION_TOL
    maxiter: int = SUBORDINATION_MAXITER
    policy: FailurePolicy = FailurePolicy.WARN
    grid: int = 512
    panels: int = 64
    order: int = 16

    def __post_init__(self) -> None:
        for name, enum_cls in (("route", Route), ("policy", FailurePolicy)):
            val = getattr(self, name)
            if not isinstance(val, enum_cls):
                try:
                    object.__setattr__(self, name, enum_cls(val))
                except ValueError:
                    allowed = ", ".join(repr(e.value) for e in enum_cls)
                    raise ValueError(f"{name} must be one of {allowed} (or a {enum_cls.__name__} member), "
                                     f"got {val!r}") from None
        if not (isinstance(self.tol, (int, float)) and 0 < self.tol < 1e-2):
            raise ValueError(f"tol must be a float in (0, 1e-2), got {self.tol!r}")
        for name, low in (("maxiter", 1), ("grid", 16), ("panels", 1), ("order", 2)):
            val = getattr(self, name)
            if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {val!r}")

    @classmethod
    def from_kwargs(cls, where: str, opts: dict[str, Any]) -> SubordinationOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(opts) - known)
        if unknown:
            raise TypeError(f"{where} got unknown option(s) {unknown}; allowed: {sorted(known)}")
        return cls(**opts)
