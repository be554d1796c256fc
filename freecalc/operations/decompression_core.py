r"""Free decompression's core: the routes, errors, report and the two registries every route plugs into.

Nothing here computes a decompression; :mod:`freecalc.operations.decompression` (``fc.decompress``),
:mod:`freecalc.operations.exact_decompression`, :mod:`freecalc.operations.parametric_decompression` and
:mod:`freecalc.operations.matrix_decompression` register into it.

* **Route registry** (:data:`LAW_ROUTES`, :func:`register_route`): one :class:`RouteStrategy` per :class:`Route`
  (EXACT, NUMERIC, PARAMETRIC). A forced route runs its strategy; **AUTO** runs the registered strategy with the
  smallest ``priority`` whose ``handles(law)`` is true (PARAMETRIC 10: data; EXACT 20: a closed-form rule or an
  algebraic equation; NUMERIC 100: any law with a numeric face). The chosen strategy may fall back to another
  route only by its documented rule (parametric fit rejected, below the floor, or too large a spread; an algebraic
  equation the exact route cannot process), and its report says so. Options never choose the route.
* **Exact rules** (:func:`register_exact_rule`): a closed-form decompression per law class, found along the
  law's MRO, so a law defined anywhere registers its rule next to its own class.
* **Matrix routes** (:class:`RouteRegistry`, used by :mod:`freecalc.operations.matrix_decompression`): the same
  registry type keyed by :class:`~freecalc.operations.matrix_decompression.MatrixRoute`.

A route returns the law with its :class:`DecompressionReport` attached by :func:`with_report`, which builds a new
frozen law carrying the report: no published law object is modified afterwards.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from freecalc.laws.base import Law
from freecalc.operations.model_check import NOT_RUN, ModelCheck

__all__ = [
    "Route",
    "DecompressionError",
    "DecompressionWarning",
    "DecompressionReport",
    "RouteCall",
    "RouteStrategy",
    "RouteRegistry",
    "LAW_ROUTES",
    "register_route",
    "auto_strategy",
    "ExactRule",
    "register_exact_rule",
    "exact_rule_for",
    "exact_rule_reason",
    "with_report",
]


class DecompressionError(ValueError):
    """Decompression by this factor gives no probability measure, or one below the floor.

    Parameters
    ----------
    message : str
    max_factor : float
        The largest valid factor (NaN when unknown, e.g. on the numeric route), kept as ``err.max_factor``.
    """

    def __init__(self, message: str, max_factor: float) -> None:
        super().__init__(message)
        self.max_factor = max_factor


class DecompressionWarning(UserWarning):
    """A decompressed law was returned although its own diagnostics predict a large error (see the report)."""


class Route(enum.Enum):
    """How :func:`freecalc.decompress` computes the decompressed law."""

    AUTO = "auto"
    """The registered route with the smallest priority that handles the law (module docstring)."""
    EXACT = "exact"
    """Closed form (named family) or algebraic equation; ``TypeError`` if the law has neither."""
    NUMERIC = "numeric"
    """Numeric characteristics solver (:mod:`freecalc.operations.numeric_decompression`)."""
    PARAMETRIC = "parametric"
    """Data only: fit the shifted free Meixner family (:mod:`freecalc.operations.parametric_decompression`) and
    decompress the fitted law exactly, whatever the goodness of fit."""


@dataclass(frozen=True)
class DecompressionReport:
    """Which route produced a decompressed law and why; attached to the result as ``law.decompression_report``.

    Attributes
    ----------
    route : Route
        The route actually used (EXACT, NUMERIC or PARAMETRIC; never AUTO).
    reason : str
        Why (for data: the free Meixner fit and its goodness-of-fit decision).
    fit : object or None
        The :class:`~freecalc.operations.parametric_decompression.FreeMeixnerFit` when one was made.
    spread : float or None
        Parametric route: TV between the decompressions of the fitted law with c moved by ± its sampling sd
        (:func:`~freecalc.operations.parametric_decompression.decompression_spread`), the error to expect from
        the fourth-cumulant noise of the data; large values (e.g. > 0.05) mean the factor is too large for the
        data to pin the prediction down. None on the other routes and when the fit used a submodel (c = 1 or
        Marchenko–Pastur), which is closed under decompression.
    model_check : ModelCheck
        The model self-check (:mod:`freecalc.operations.model_check`). From eigenvalues alone it cannot run
        (``passed is None``, :data:`~freecalc.operations.model_check.NOT_RUN`); :func:`freecalc.decompress_matrix`
        runs it on the sampled submatrix.
    repeats : tuple of Law
        :func:`freecalc.decompress_matrix`: the decompressions of all repeats (this law is one of them, the central
        one); empty otherwise.
    """

    route: Route
    reason: str
    fit: Any = None
    spread: float | None = None
    model_check: ModelCheck = NOT_RUN
    repeats: tuple[Law, ...] = ()


def with_report(out: Law, source: Law, report: DecompressionReport) -> Law:
    """``out`` carrying ``report`` as ``decompression_report`` (a new frozen law; ``out`` itself is unchanged).

    Parameters
    ----------
    out : Law
        The decompressed law.
    source : Law
        The law that was decompressed: when a route returns it unchanged (factor 1, a point mass), the caller's
        own object is returned as it is, without a report.
    report : DecompressionReport

    Returns
    -------
    Law
    """
    return source if out is source else out.with_report(report)


# --------------------------------------------------------------------------------------------------------------
# route registries
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RouteCall:
    """The checked arguments of one decompression, as a route strategy receives them.

    Attributes
    ----------
    law : Law
        The source law.
    factor : float or sympy expression
        f = n/n_s ≥ 1 (checked).
    size : int or None
        Target size n.
    floor : float or None
        The floor as the caller gave it (None: the default rule of
        :func:`~freecalc.operations.decompression_checks.resolve_floor`).
    auto : bool
        Whether AUTO chose the route (a forced route raises where AUTO falls back).
    options : dict
        Route options, already checked against the route.
    """

    law: Law
    factor: Any
    size: int | None
    floor: Any
    auto: bool
    options: dict[str, Any] = field(default_factory=dict)


K = TypeVar("K")
V = TypeVar("V")


class RouteRegistry(Mapping[K, V], Generic[K, V]):
    """An ordered mapping route key → implementation, filled by :meth:`register` (a decorator).

    Parameters
    ----------
    what : str
        What the routes compute (for error messages).
    """

    def __init__(self, what: str) -> None:
        self._what = what
        self._items: dict[K, V] = {}

    def register(self, key: K, value: V) -> V:
        """Register ``value`` under ``key`` (replacing an earlier registration of that key).

        Parameters
        ----------
        key : enum member
        value : object
            The implementation.

        Returns
        -------
        object
            ``value``, so this can be used as a decorator body.
        """
        self._items[key] = value
        return value

    def __getitem__(self, key: K) -> V:
        try:
            return self._items[key]
        except KeyError:
            known = ", ".join(str(getattr(k, "name", k)) for k in self._items)
            raise KeyError(f"no {self._what} route {key!r} is registered (registered: {known})") from None

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"RouteRegistry({self._what!r}, {list(self._items)})"


@dataclass(frozen=True)
class RouteStrategy:
    """One route of :func:`freecalc.decompress`.

    Attributes
    ----------
    route : Route
    run : callable
        ``run(call: RouteCall) -> Law``: the decompressed law with its report attached (:func:`with_report`).
    handles : callable
        ``handles(law) -> bool``: whether AUTO may choose this route for ``law``.
    priority : int
        AUTO tries the routes that handle the law in increasing priority.
    """

    route: Route
    run: Callable[[RouteCall], Law]
    handles: Callable[[Law], bool]
    priority: int


LAW_ROUTES: RouteRegistry[Route, RouteStrategy] = RouteRegistry("decompression")
"""The routes of :func:`freecalc.decompress` (EXACT, NUMERIC, PARAMETRIC once their modules are imported)."""


def register_route(route: Route, *, handles: Callable[[Law], bool],
                   priority: int) -> Callable[[Callable[[RouteCall], Law]], Callable[[RouteCall], Law]]:
    """Decorator: register ``run(call) -> Law`` as the strategy of ``route``.

    Parameters
    ----------
    route : Route
        Not ``Route.AUTO`` (AUTO is the rule over the registered routes).
    handles : callable
        ``handles(law) -> bool``: whether AUTO may choose this route for the law.
    priority : int
        AUTO picks, among the routes that handle the law, the one with the smallest priority.

    Returns
    -------
    callable
        The decorator (it returns the function unchanged).

    Raises
    ------
    ValueError
        ``route`` is ``Route.AUTO``.
    """
    if route is Route.AUTO:
        raise ValueError("Route.AUTO is the rule over the registered routes; register EXACT, NUMERIC or PARAMETRIC")

    def deco(run: Callable[[RouteCall], Law]) -> Callable[[RouteCall], Law]:
        LAW_ROUTES.register(route, RouteStrategy(route, run, handles, priority))
        return run

    return deco


def auto_strategy(law: Law) -> RouteStrategy:
    """The strategy AUTO uses for ``law``: the smallest priority among the registered routes that handle it.

    Parameters
    ----------
    law : Law

    Returns
    -------
    RouteStrategy

    Raises
    ------
    TypeError
        No registered route handles the law.
    """
    for strategy in sorted(LAW_ROUTES.values(), key=lambda s: s.priority):
        if strategy.handles(law):
            return strategy
    raise TypeError(f"no decompression route handles {type(law).__name__} "
                    f"(registered: {', '.join(r.name for r in LAW_ROUTES)})")


# --------------------------------------------------------------------------------------------------------------
# exact rules per law class
# --------------------------------------------------------------------------------------------------------------
ExactRule = Callable[[Law, Any], Law]
_EXACT_RULES: dict[type, tuple[ExactRule, str | None]] = {}


def register_exact_rule(cls: type, *, reason: str | None = None) -> Callable[[ExactRule], ExactRule]:
    """Register ``rule(law, factor) -> Law`` as the closed-form decompression of the family ``cls``.

    The rule is called only after validity has been checked, with ``factor`` a float or a sympy expression, and
    returns a law of the same or another named family (the caller sets the size). Subclasses of ``cls`` use the
    rule unless they register their own (the lookup walks the MRO).

    Parameters
    ----------
    cls : type
        The law class.
    reason : str, optional
        The report's reason for results of this rule (default ``"closed-form rule for <cls>"``).

    Returns
    -------
    callable
        The decorator (it returns the rule unchanged).
    """

    def deco(rule: ExactRule) -> ExactRule:
        _EXACT_RULES[cls] = (rule, reason)
        return rule

    return deco


def _entry(law: Law) -> tuple[ExactRule, str | None] | None:
    for klass in type(law).__mro__:
        if klass in _EXACT_RULES:
            return _EXACT_RULES[klass]
    return None


def exact_rule_for(law: Law) -> ExactRule | None:
    """The exact rule registered for the law's class or its nearest base class, or None.

    Parameters
    ----------
    law : Law

    Returns
    -------
    callable or None
    """
    entry = _entry(law)
    return None if entry is None else entry[0]


def exact_rule_reason(law: Law) -> str:
    """The report's reason for a result of the exact rule of ``law`` (registered, or the default).

    Parameters
    ----------
    law : Law

    Returns
    -------
    str
    """
    entry = _entry(law)
    return (entry[1] if entry is not None and entry[1] else None) or f"closed-form rule for {type(law).__name__}"
