"""Hypothesis strategies built from a law's declared parameters (needs the ``test`` extra: hypothesis).

The declarations in ``Law.parameters`` are the single source: ``typical_params`` draws from the typical ranges,
``valid_params`` from the whole domain (edges included), ``invalid_values`` produces values a law must reject
(outside the domain, NaN, infinities where not allowed, wrong types).
"""
from __future__ import annotations

import itertools
import math
from types import ModuleType
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from freecalc._params import Parameter
from freecalc.laws.base import Law

__all__ = ["typical_params", "valid_params", "invalid_values", "laws", "exported_law_classes", "parameter_grid",
           "scaled_examples"]


def _floats_in(p: Parameter, lo: float, hi: float) -> st.SearchStrategy[float]:
    d = p.domain
    lo, hi = max(lo, d.lo), min(hi, d.hi)
    if d.integer:
        return st.integers(int(math.ceil(lo)), int(math.floor(hi))).map(float)
    excl_lo = not d.lo_closed and lo == d.lo
    excl_hi = not d.hi_closed and hi == d.hi
    return st.floats(lo, hi, exclude_min=excl_lo, exclude_max=excl_hi, allow_nan=False, allow_infinity=False)


def typical_params(law_cls: type[Law]) -> st.SearchStrategy[dict[str, float]]:
    """Parameter dicts drawn from each parameter's typical range.

    Parameters
    ----------
    law_cls : type
        A :class:`~freecalc.Law` subclass with declared parameters.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ``{name: value}`` dicts.
    """
    return st.fixed_dictionaries({p.name: _floats_in(p, *p.typical) for p in law_cls.parameters})


def valid_params(law_cls: type[Law], span: float = 1e3, gap: float = 1e-6) -> st.SearchStrategy[dict[str, float]]:
    """Parameter dicts drawn from the whole domain clipped to ±span, edges included where closed.

    Near an open finite end values come down to ``gap`` from it (not to the smallest float: a law's arithmetic
    with σ² = 1e-161 underflows, which is not a property of the law).

    Parameters
    ----------
    law_cls : type
        A :class:`~freecalc.Law` subclass with declared parameters.
    span : float
        Bound replacing infinite ends.
    gap : float
        Closest approach to an open finite end.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ``{name: value}`` dicts.
    """
    def bounds(p: Parameter) -> tuple[float, float]:
        d = p.domain
        lo = d.lo + gap if (math.isfinite(d.lo) and not d.lo_closed) else -span
        hi = d.hi - gap if (math.isfinite(d.hi) and not d.hi_closed) else span
        return lo, hi

    return st.fixed_dictionaries({p.name: _floats_in(p, *bounds(p)) for p in law_cls.parameters})


def invalid_values(p: Parameter) -> st.SearchStrategy[Any]:
    """Values the parameter must reject with ValueError (numbers) — NaN and points outside the domain.

    Parameters
    ----------
    p : Parameter
        The declared parameter.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of floats.
    """
    d = p.domain
    outs: list[st.SearchStrategy[Any]] = [st.just(float("nan"))]
    if math.isfinite(d.lo):
        # a step of at least |end| (not only 1e6): for an end such as 1e100, end ± 1e6 rounds back to the end
        below = st.floats(max(d.lo - max(1e6, abs(d.lo)), -1e300), d.lo, exclude_max=d.lo_closed, allow_nan=False)
        outs.append(below)
    if math.isfinite(d.hi):
        outs.append(st.floats(d.hi, min(d.hi + max(1e6, abs(d.hi)), 1e300), exclude_min=d.hi_closed,
                              allow_nan=False))
    if d.integer:
        outs.append(st.floats(max(d.lo, -1e6), min(d.hi, 1e6)).filter(lambda v: not float(v).is_integer()))
    return st.one_of(outs)


def laws(law_cls: type[Law], typical: bool = True) -> st.SearchStrategy[Law]:
    """Law instances (typical parameters by default); draws violating cross-parameter constraints are skipped.

    Parameters
    ----------
    law_cls : type
        A :class:`~freecalc.Law` subclass with declared parameters.
    typical : bool
        Draw from the typical ranges (else from the whole domains).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of law instances.
    """
    strat = typical_params(law_cls) if typical else valid_params(law_cls)

    def build(kw: dict[str, float]) -> Law | None:
        try:
            return law_cls(**kw)
        except ValueError:
            return None

    return strat.map(build).filter(lambda law: law is not None)


def exported_law_classes(package: ModuleType) -> list[type[Law]]:
    """Classes named in ``package.__all__`` that subclass :class:`Law` and declare parameters, in that order.

    Passing the package (``freecalc``) keeps this module free of imports from the layers above the laws; a law
    added to the public API is then drawn by every property test without further registration.

    Parameters
    ----------
    package : module
        The package whose ``__all__`` is read.

    Returns
    -------
    list of type
    """
    out = []
    for name in package.__all__:
        obj = getattr(package, name)
        if isinstance(obj, type) and issubclass(obj, Law) and obj.parameters:
            out.append(obj)
    return out


def parameter_grid(law_cls: type[Law], points: int = 3) -> list[Law]:
    """Laws on a small grid: each parameter at ``points`` evenly spaced values of its typical range.

    A cheap, finite operand set for expensive operations (free convolutions): the same operands recur across
    examples, so results can be cached. Combinations violating a cross-parameter constraint are dropped.

    Parameters
    ----------
    law_cls : type
        A :class:`~freecalc.Law` subclass with declared parameters.
    points : int
        Values per parameter.

    Returns
    -------
    list of Law
    """
    axes = []
    for p in law_cls.parameters:
        lo, hi = p.typical
        vals = [lo + (hi - lo) * k / (points - 1) for k in range(points)] if points > 1 else [0.5 * (lo + hi)]
        axes.append([float(round(v)) if p.domain.integer else v for v in vals])
    out = []
    for combo in itertools.product(*axes):
        try:
            out.append(law_cls(*combo))
        except ValueError:
            continue
    return out


def scaled_examples(n: int) -> int:
    """``n`` examples under the default profile (max_examples = 100), proportionally more under a larger one.

    Property tests pass this to ``settings(max_examples=...)``, which would otherwise pin the count and make the
    ``thorough`` profile (tests/conftest.py) ineffective.

    Parameters
    ----------
    n : int
        Examples under the default profile.

    Returns
    -------
    int
    """
    return max(1, round(n * settings.default.max_examples / 100))
