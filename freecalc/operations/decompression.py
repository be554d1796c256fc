r"""Free decompression: the law of an n×n matrix from the law of its random n_s×n_s principal submatrices.

Let :math:`f = n/n_s \ge 1` (the *factor*, :math:`f = e^t`) and :math:`\alpha = 1/f`. Free compression
(Nica & Speicher 2006, Lecture 14) says the law of a random :math:`\alpha`-fraction principal submatrix has
R-transform :math:`R_s(w) = R_n(\alpha w)`, i.e. free cumulants :math:`\kappa_k^{(s)} = \alpha^{k-1}\kappa_k^{(n)}`.
Decompression inverts it:

.. math:: R_n(w) = R_s(f w), \qquad \mu_n = D_f\bigl(\mu_s^{\boxplus 1/f}\bigr),

a dilation of a free convolution power :math:`1/f < 1`, which is **not always a probability measure**. Equivalently
:math:`m(t, z)` solves :math:`\partial_t m = -m + m^{-1}\partial_z m` (characteristics :math:`m = m_0 e^{-t}`,
:math:`z = z_0 - (e^t - 1)/m_0`); Ameli, van der Heide, Hodgkinson & Mahoney (2025), arXiv:2506.11994.

Routes (:class:`Route`)
-----------------------
* **exact** — a closed-form rule registered for the law's class
  (:func:`~freecalc.operations.decompression_core.register_exact_rule`), the quadratic formula for free Meixner
  laws :math:`Q m^2 - P m + 1 = 0` (semicircle r → r√f, MP(c) → MP(cf), Wachter(a, b) → Wachter(a/f, b/f), …;
  valid up to the factor :math:`1 - 1/q_2` when :math:`q_2 < 0`), else the algebraic equation with a positivity
  check: :mod:`freecalc.operations.exact_decompression` (the formulas and their derivation).
* **numeric** — :func:`freecalc.operations.numeric_decompression.decompress_numeric` (characteristics through the
  analytically continued Stieltjes transform), for data-derived laws and laws with no equation.
* **parametric** — data only: :mod:`freecalc.operations.parametric_decompression` fits the shifted free Meixner
  family (which holds all five quadratic laws) to the eigenvalues and decompresses the fitted law exactly.
* **auto** — the registered route with the smallest priority that handles the law
  (:func:`~freecalc.operations.decompression_core.auto_strategy`): PARAMETRIC for data
  (:class:`~freecalc.laws.empirical.Empirical`), EXACT for laws with a rule or an equation, NUMERIC for any other
  law. On data the parametric route keeps the free Meixner fit when it passes its goodness-of-fit rule (KS
  distance, calibrated threshold) and its decompression respects the floor, and runs the numeric route otherwise.
  When the parametric prediction's ``spread`` exceeds :data:`SPREAD_MAX`, AUTO uses the numeric route instead and
  flags the result (:class:`DecompressionWarning`; why: see :data:`SPREAD_MAX`). The result's
  ``decompression_report`` (:class:`DecompressionReport`) says which route ran and why. Options are checked per
  route before any work (unknown ones raise ``TypeError`` naming them and listing the valid ones); they never
  switch the AUTO route.

Floor (PSD input and ridges)
----------------------------
Principal submatrices of a PSD matrix are PSD, and the decompression of the law of a PSD matrix's compression
is that PSD matrix's law: it lives on [0, ∞). More generally, if A = K + σI with K PSD (a ridge), every eigenvalue
of A and of its submatrices is ≥ σ. ``floor=`` (:func:`resolve_floor`) states that bound: by default 0 when the
source is PSD (:func:`source_floor`: eigenvalues ≥ −round-off, or a law on [0, ∞)), none otherwise; a ridge must
be passed (``floor=σ``: a ridge cannot be told from data, whose smallest eigenvalue is only an upper bound of σ);
``floor=-math.inf`` lifts it (a shifted Wigner matrix may have positive submatrices). No route returns a law below
the floor: the exact route raises :class:`DecompressionError` (with the largest factor that respects the floor for
quadratic laws), the parametric route falls back to the numeric one under AUTO and raises when forced, and the
numeric route decompresses the data translated by −σ (free decompression commutes with translations:
R(w) + a → R(fw) + a) and rejects candidate fits reaching below the floor.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from freecalc._lazy import is_sympy, lazy_module
from freecalc._options import coerce_enum
from freecalc._params import check_count
from freecalc.laws.base import Law, register_operation
from freecalc.laws.empirical import Empirical
from freecalc.operations.decompression_checks import (
    PSD_ROUNDOFF,
    below_floor,
    check_options,
    resolve_floor,
    source_floor,
)
from freecalc.operations.decompression_core import (
    LAW_ROUTES,
    DecompressionError,
    DecompressionReport,
    DecompressionWarning,
    Route,
    RouteCall,
    auto_strategy,
    register_exact_rule,
    register_route,
    with_report,
)
from freecalc.operations.exact_decompression import (
    decompressed_quadratic,
    exact_decompression,
    exact_reason,
    floor_factor,
    has_closed_form,
    has_exact,
    is_sym,
    max_valid_factor,
    quadratic_max_factor,
)
from freecalc.operations.numeric_decompression import decompress_numeric
from freecalc.operations.parametric_decompression import decompression_spread, fit_free_meixner

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")

__all__ = [
    "Route",
    "DecompressionReport",
    "DecompressionError",
    "decompress",
    "register_exact_rule",
    "decompressed_quadratic",
    "quadratic_max_factor",
    "max_valid_factor",
    "resolve_floor",
    "source_floor",
    "SPREAD_MAX",
    "PSD_ROUNDOFF",
    "DecompressionWarning",
]

SPREAD_MAX = 0.05
r"""Parametric route: when the fit's ``spread`` (TV between the decompressions of the fitted law with c moved by ±
its sampling sd, :func:`~freecalc.operations.parametric_decompression.decompression_spread`) exceeds this, the
factor is too large for the data to pin the parametric prediction down: AUTO then uses the numeric route (which
assumes no family), a forced ``route=PARAMETRIC`` keeps the fit, and both flag the result with a
:class:`DecompressionWarning`; the report says so.

Why switch: a spread above 0.05 means the free Meixner family's own ±1 sd moves the prediction by that much, so
the family assumption is doing the extrapolation, and off the family it extrapolates badly. Measured (n_s = 500,
factor 4, 2 seeds): a heavy-tailed covariance with a log-uniform population (``fc.example_matrix("covariance")``)
fits the family well (n·D 2.9–3.9, accepted) but has spread 0.26–0.29, parametric KS 0.15–0.17 against the true
spectrum, numeric 0.015–0.016; MarchenkoPastur(0.3) left unsnapped (spread 0.26): 0.18 vs 0.17; in-family laws
(semicircle, KM(80), Wachter(40, 60)) have spread 0.012–0.014 and keep the parametric route. The cost: far
beyond the data's resolution the family can be luckier: KM(80) from 1000 eigenvalues to 32000 (spread 0.11–0.28)
gave parametric TV 0.029–0.150 and numeric 0.207 — flagged either way."""


# --------------------------------------------------------------------------------------------------------------
# factor and sizes
# --------------------------------------------------------------------------------------------------------------
_is_sym = is_sym


def _check_n(n: Any) -> int:
    return check_count("n (the target matrix size)", n)


def _check_factor(factor: Any) -> Any:
    if _is_sym(factor):
        if (sp.sympify(factor) < 1) == sp.true:
            raise ValueError(f"factor={factor} is < 1: that is compression, not decompression; use fc.compress")
        return sp.sympify(factor)
    if isinstance(factor, bool) or not isinstance(factor, (numbers.Real, sp.Basic)):
        raise TypeError(f"factor must be a real number >= 1 (n / n_s), got {factor!r}")
    value = float(factor)
    if not math.isfinite(value):
        raise ValueError(f"factor must be a finite number >= 1 (n / n_s), got {factor!r}")
    if value < 1:
        raise ValueError(
            f"factor={value:g} < 1 would shrink the matrix: that is free compression, not decompression; "
            f"use fc.compress(law, {value:g}) for the law of a principal submatrix"
        )
    return factor if is_sympy(factor) else value


def _resolve(law: Law, n: Any, factor: Any) -> tuple[Any, int | None]:
    """(factor, target size) from the arguments; never guesses a missing size."""
    n_s = law.size
    if n is None and factor is None:
        raise ValueError(
            "decompress needs a target: give the target size n (with the source size known, e.g. "
            "MarchenkoPastur(0.1, size=1000).decompress(32000)) or factor=n/n_s, e.g. law.decompress(factor=32)"
        )
    if n is not None:
        n = _check_n(n)
    if factor is not None:
        factor = _check_factor(factor)
    if n is not None and factor is None:
        if n_s is None:
            raise ValueError(
                f"cannot decompress to n={n}: the source size of {law!r} is unknown. Give it with "
                f"law.with_size(n_s) (or size=n_s when constructing the law), or pass factor=n/n_s instead"
            )
        if n < n_s:
            raise ValueError(
                f"n={n} is smaller than the source size n_s={n_s}: that is free compression, not decompression; "
                f"use fc.compress(law, {n}/{n_s}) for the law of a principal submatrix"
            )
        return n / n_s, n
    if n is None:
        if n_s is None or _is_sym(factor):
            return factor, None
        target = n_s * float(factor)
        if abs(target - round(target)) > 1e-9 * target:
            raise ValueError(
                f"factor={float(factor):g} times the source size {n_s} is {target:g}, not a matrix size; "
                f"give the target size n instead"
            )
        return factor, int(round(target))
    # both n and factor
    if n_s is not None and not _is_sym(factor) and abs(n - n_s * float(factor)) > 1e-9 * n:
        raise ValueError(f"n={n} and factor={float(factor):g} disagree with the source size {n_s} (n = factor·n_s)")
    return factor, n


def _floor_error(law: Law, out_low: float, factor: Any, floor: float, given: bool, route: str) -> DecompressionError:
    where = (f"the floor {floor:g} you gave" if given else
             "0: the source lies in [0, ∞) and is taken for the law of a PSD matrix, whose decompression is PSD")
    fmax = floor_factor(law, float(factor), floor) if route == "exact" else math.nan
    largest = "" if math.isnan(fmax) else f"; the largest factor keeping it above the floor is {fmax:.6g}"
    return DecompressionError(
        f"the {route} decompression of {law!r} by factor {float(factor):g} puts eigenvalues at {out_low:.6g}, below "
        f"{where}. The law is then not the compression of such a matrix by this factor (a model of the wrong "
        f"shape for the data){largest}. Pass floor=-math.inf if the full matrix may go below the floor",
        fmax)


# --------------------------------------------------------------------------------------------------------------
# the routes (registered into decompression_core.LAW_ROUTES; AUTO is decompression_core.auto_strategy)
# --------------------------------------------------------------------------------------------------------------
def _is_data(law: Law) -> bool:
    return isinstance(law, Empirical)


def _report(out: Law, source: Law, route: Route, reason: str, fit: Any = None, spread: float | None = None) -> Law:
    return with_report(out, source, DecompressionReport(route, reason, fit, spread))


def _numeric(law: Law, factor: Any, size: int | None, floor: Any = None, **opts: Any) -> Law:
    if _is_sym(factor) or law.is_symbolic:
        raise TypeError("the numeric decompression route needs numeric parameters and a numeric factor")
    out = decompress_numeric(law, float(factor), floor=floor, **opts)
    return out if out.size == size else out.with_size(size)


@register_route(Route.NUMERIC, handles=lambda law: True, priority=100)
def _run_numeric(call: RouteCall) -> Law:
    """NUMERIC: the characteristics solver; AUTO chooses it for laws no other route handles."""
    why = f"{type(call.law).__name__} has no exact rule" if call.auto else "route=NUMERIC requested"
    return _report(_numeric(call.law, call.factor, call.size, call.floor, **call.options), call.law, Route.NUMERIC,
                   why)


@register_route(Route.EXACT, handles=lambda law: not _is_data(law) and has_exact(law), priority=20)
def _run_exact(call: RouteCall) -> Law:
    """EXACT: a closed-form rule or the algebraic equation; never below the floor.

    Under AUTO, a law with only an equation that the exact route cannot process (no Stieltjes factor found,
    unsupported symbolic face) goes to the numeric route; invalid factors (:class:`DecompressionError`) are not
    retried.
    """
    law, f, size = call.law, call.factor, call.size
    numeric_ok = not (_is_sym(f) or law.is_symbolic)
    if call.auto and not has_closed_form(law):
        try:
            out = exact_decompression(law, f, size)
        except (A.AlgebraicError, NotImplementedError) as exc:
            if not numeric_ok:
                raise
            return _report(_numeric(law, f, size, call.floor), law, Route.NUMERIC, f"exact route failed ({exc})")
    else:
        out = exact_decompression(law, f, size)
    lower = resolve_floor(law, call.floor)
    low = below_floor(out, lower) if numeric_ok else None
    if low is not None:
        raise _floor_error(law, low, f, lower, call.floor is not None, "exact")
    return _report(out, law, Route.EXACT, exact_reason(law))


@register_route(Route.PARAMETRIC, handles=_is_data, priority=10)
def _run_parametric(call: RouteCall) -> Law:
    """PARAMETRIC: fit the shifted free Meixner family to data and decompress the fit exactly (AUTO: numeric if
    rejected, if the fitted law's decompression goes below the floor, or if its spread exceeds :data:`SPREAD_MAX`)."""
    law, factor, size, floor, auto, opts = call.law, call.factor, call.size, call.floor, call.auto, call.options
    if _is_sym(factor):
        raise TypeError("the parametric decompression route needs a numeric factor")
    if not _is_data(law):
        raise TypeError(f"route=PARAMETRIC fits eigenvalues (fc.Empirical); {type(law).__name__} is a law: use "
                        f"route=Route.EXACT or Route.NUMERIC")
    lower = resolve_floor(law, floor)
    fit = fit_free_meixner(law, **opts)
    if fit.law is None or (auto and not fit.accepted):
        if not auto:
            raise ValueError(f"route=PARAMETRIC: cannot fit the free Meixner family to {law!r}: {fit.reason}")
        return _report(_numeric(law, factor, size, floor), law, Route.NUMERIC,
                       f"parametric fit rejected, numeric route used: {fit.reason}", fit)
    try:
        out = exact_decompression(fit.law, factor, size)
    except DecompressionError as exc:
        raise DecompressionError(f"{law!r} was fitted by the free Meixner family ({fit.reason}); {exc}",
                                 exc.max_factor) from None
    low = below_floor(out, lower)
    if low is not None:
        if not auto:
            raise _floor_error(fit.law, low, factor, lower, floor is not None, "parametric")
        return _report(_numeric(law, factor, size, floor), law, Route.NUMERIC,
                       f"the free Meixner fit decompresses to eigenvalues down to {low:.4g}, below the floor "
                       f"{lower:g}; numeric route used ({fit.reason})", fit)
    why = "route=PARAMETRIC requested" if not auto else "free Meixner fit accepted"
    if fit.submodel is None:
        spread = decompression_spread(fit.law, float(factor), len(law.eigenvalues))
        tail = f"; TV spread of the prediction from the data's fourth-cumulant noise {spread:.3g}"
    else:  # the submodel is exact under decompression: no c to be uncertain about within it
        spread, tail = None, ""
    if spread is not None and spread > SPREAD_MAX and auto:
        # the family does the extrapolation here (see SPREAD_MAX): prefer the route that assumes none, flagged
        try:
            numeric_out = _numeric(law, factor, size, floor)
        except (ValueError, ArithmeticError, NotImplementedError) as exc:
            why_not = f"; the numeric route failed ({exc}), so the parametric result is kept"
        else:
            warnings.warn(f"decompressing {law!r} by {float(factor):g}: the parametric prediction's spread "
                          f"{spread:.3g} exceeds {SPREAD_MAX:g} (the factor is too large for {len(law.eigenvalues)} "
                          f"eigenvalues to pin the free Meixner family down), so the numeric route was used; expect "
                          f"errors of that order (decompress repeated submatrices or use a smaller factor)",
                          DecompressionWarning, stacklevel=4)
            return _report(numeric_out, law, Route.NUMERIC,
                           f"parametric spread {spread:.3g} > {SPREAD_MAX:g} (SPREAD_MAX): numeric route used, "
                           f"flagged ({fit.reason})", fit, spread)
    else:
        why_not = ""
    if spread is not None and spread > SPREAD_MAX:
        warnings.warn(f"decompressing {law!r} by {float(factor):g}: the parametric prediction's spread {spread:.3g} "
                      f"exceeds {SPREAD_MAX:g}, so expect a TV error of that order: the factor is too large for "
                      f"{len(law.eigenvalues)} eigenvalues to pin the law down (decompress repeated submatrices or "
                      f"use a smaller factor)", DecompressionWarning, stacklevel=4)
        tail += f" > {SPREAD_MAX:g} (SPREAD_MAX): large expected error, flagged{why_not}"
    return _report(out, law, Route.PARAMETRIC, f"{why}: {fit.reason}{tail}", fit, spread)


def _as_route(route: Any) -> Route:
    return coerce_enum(route, Route, "route", hint="use freecalc.Route")


@register_operation("decompress")
def decompress(law: Law, n: int | None = None, *, factor: Any = None, route: Route | str = Route.AUTO,
               floor: float | None = None, **opts: Any) -> Law:
    r"""Free decompression: the law of the n×n matrix whose random n_s×n_s principal submatrices have law ``law``.

    Parameters
    ----------
    law : Law
        Law of the submatrix spectrum; ``law.size`` is the source size n_s (needed when ``n`` is given).
    n : int, optional
        Target size n ≥ n_s (an integral value: ``4000`` or ``4e3``).
    factor : float or sympy expression, optional
        f = n/n_s ≥ 1, instead of (or consistent with) ``n``.
    route : Route
        ``Route.AUTO`` (default), ``Route.EXACT``, ``Route.NUMERIC`` or ``Route.PARAMETRIC`` (data only; see the
        module docstring). The result's ``decompression_report`` records the route used and why.
    floor : float, optional
        Lower bound of the eigenvalues of the full matrix (:func:`resolve_floor`). None (default): 0 when the
        source is PSD (eigenvalues ≥ −round-off, or a law on [0, ∞)), no bound otherwise. A ridge σ
        (A = K + σI, K PSD): ``floor=σ``, which must not exceed the source's smallest eigenvalue. ``-math.inf``:
        no bound. A candidate reaching below the floor is never returned: AUTO falls back to another route, a
        forced route raises :class:`DecompressionError`. The floor is not detected from data: pass it.
    **opts
        Route options, checked up front (``TypeError`` naming unknown ones and listing the valid ones):
        ``Route.NUMERIC``: those of :func:`freecalc.operations.numeric_decompression.decompress_numeric`
        (``degree``, ``grid``, ``matrix``, ``n_eff``, ``outliers``, ``repeats``, ``rng``, ``solver``,
        ``support``, ``variable``); ``Route.PARAMETRIC`` and ``Route.AUTO`` on data: those of
        :func:`freecalc.operations.parametric_decompression.fit_free_meixner` (``bootstrap``, ``method``, ``rng``,
        ``snap``, ``threshold``). Numeric options never switch AUTO to the numeric route: pass
        ``route=Route.NUMERIC``.

    Returns
    -------
    Law
        The decompressed law, with ``size`` = n when known (a named law when the family is closed under
        decompression, an ``AlgebraicLaw`` otherwise, a numeric law on the numeric route).

    Raises
    ------
    TypeError
        Unknown or misplaced options, a non-integral n, a floor that is not a number.
    ValueError
        Missing target, n < n_s or factor < 1 (that is compression: ``fc.compress``), inconsistent n and factor, a
        floor above the source's smallest eigenvalue.
    DecompressionError
        (a ValueError) the factor is beyond the largest valid factor, which the message states and
        ``err.max_factor`` holds; or the decompression reaches below the floor.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.MarchenkoPastur(1/50, size=1000).decompress(32000)
    MarchenkoPastur(c=0.64, sigma2=1, size=32000)

    References
    ----------
    Nica & Speicher (2006), Lecture 14; Ameli, van der Heide, Hodgkinson, Mahoney (2025), arXiv:2506.11994.
    """
    if not isinstance(law, Law):
        raise TypeError(f"decompress needs a freecalc Law, got {type(law).__name__}; "
                        f"for eigenvalues use fc.Empirical(eigenvalues, size=n_s)")
    route = _as_route(route)
    check_options(opts, route=route.value, data=_is_data(law), exact=has_exact(law), law_name=type(law).__name__)
    f, size = _resolve(law, n, factor)
    resolve_floor(law, floor)  # validate the floor before any work, also when there is nothing to do
    if not _is_sym(f) and float(f) == 1.0:
        return law.with_size(size) if size != law.size else law
    strategy = auto_strategy(law) if route is Route.AUTO else LAW_ROUTES[route]
    return strategy.run(RouteCall(law, f, size, floor, route is Route.AUTO, dict(opts)))
