r"""What the input of free decompression allows: the floor of the spectrum and the options of each route.

* **floor** — principal submatrices of a PSD matrix are PSD, and the decompression of a PSD matrix's compression is
  that PSD matrix's law, on [0, ∞); a ridge σ (A = K + σI, K PSD) bounds every eigenvalue of A and of its
  submatrices below by σ. :func:`source_floor` says when the input is PSD, :func:`resolve_floor` validates a
  given floor, :func:`below_floor` tests a candidate result (used by
  :func:`freecalc.operations.decompression.decompress` and the numeric route).
* **options** — :func:`check_options` refuses, before any work, the options the chosen route does not take,
  naming them and listing the valid ones.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from freecalc.laws.base import Law
from freecalc.operations.decompression_core import DecompressionError

__all__ = ["PSD_ROUNDOFF", "source_floor", "resolve_floor", "below_floor", "check_options",
           "NUMERIC_DATA_OPTIONS", "NUMERIC_LAW_OPTIONS", "PARAMETRIC_OPTIONS"]


PSD_ROUNDOFF = 64.0
r"""Eigenvalues count as PSD when :math:`\lambda_{\min} \ge -` PSD_ROUNDOFF · n · eps · max|λ| (the round-off of a
symmetric eigensolver on an n×n PSD matrix)."""


def _lowest(law: Law) -> tuple[float, float] | None:
    """(lowest point of the source, round-off tolerance), None when unknown (symbolic or no support)."""
    if not isinstance(law, Law):
        return None
    from freecalc.laws.empirical import Empirical  # data: the eigenvalues themselves

    if isinstance(law, Empirical):
        ev = law.eigenvalues
        return float(ev[0]), PSD_ROUNDOFF * ev.size * np.finfo(float).eps * float(np.max(np.abs(ev)))
    try:
        if law.is_symbolic:
            return None
        pts = [float(a) for a, _ in law.support] + [float(b) for _, b in law.support] + [float(x) for x, _ in
                                                                                           law.atoms]
    except (ValueError, TypeError, ArithmeticError, NotImplementedError):
        return None
    finite = [v for v in pts if math.isfinite(v)]
    if not pts or not finite:
        return None
    low = min(pts)
    width = max(finite) - min(finite)
    # laws whose edges are computed numerically (e.g. an algebraic law starting at 0) carry round-off
    return low, 1e-10 * max(width, abs(low), 1e-300)


def source_floor(law: Law) -> float | None:
    """0.0 when ``law`` is the spectral law of a PSD matrix as far as its own values say, None otherwise.

    Data (:class:`~freecalc.laws.empirical.Empirical`): every eigenvalue ≥ −(round-off, :data:`PSD_ROUNDOFF`).
    Other laws: support and atoms in [0, ∞) (to relative round-off). Principal submatrices of a PSD matrix are
    PSD, and free decompression of a law of a PSD matrix's compression must be PSD again; a law on [0, ∞) is
    therefore decompressed under the floor 0 (pass ``floor=-math.inf`` to lift it, e.g. for a shifted Wigner
    matrix whose submatrices happen to be positive).

    Parameters
    ----------
    law : Law
        The source law.

    Returns
    -------
    float or None
    """
    got = _lowest(law)
    if got is None:
        return None
    low, tol = got
    return 0.0 if low >= -tol else None


def resolve_floor(law: Law, floor: Any) -> float | None:
    """The lower bound the decompressed law must respect, or None (no bound).

    ``floor=None``: :func:`source_floor` (0 for PSD input). ``floor=-inf``: no bound. A finite floor σ (a ridge,
    A = K + σI with K PSD) must not exceed the source's lowest eigenvalue: the principal submatrices of A are ≥ σ
    too.

    Parameters
    ----------
    law : Law
        The source law.
    floor : float or None
        The floor as given (None, a real number or ``-math.inf``).

    Returns
    -------
    float or None
        The bound, or None for no bound.

    Raises
    ------
    TypeError
        ``floor`` is not a real number.
    ValueError
        ``floor`` is NaN or +inf, or above the source's smallest eigenvalue (lower support edge).
    """
    if floor is None:
        return source_floor(law)
    if isinstance(floor, bool) or not isinstance(floor, numbers.Real):
        raise TypeError(f"floor must be a real number (a lower bound of the eigenvalues, e.g. a ridge σ in "
                        f"A = K + σI), None (0 for PSD input) or -math.inf (no bound), got {floor!r}")
    value = float(floor)
    if math.isnan(value) or value == math.inf:
        raise ValueError(f"floor must be a finite number or -math.inf, got {floor!r}")
    if value == -math.inf:
        return None
    got = _lowest(law)
    if got is not None:
        low, tol = got
        if value > low + tol:
            raise ValueError(
                f"floor={value:g} is above the smallest eigenvalue {low:.6g} of {law!r}: a matrix A = K + floor·I "
                f"(K PSD) and all its principal submatrices have every eigenvalue ≥ floor; pass floor <= {low:.6g}")
    return value


def below_floor(out: Law, floor: float | None) -> float | None:
    """The lowest point of ``out`` when it reaches below ``floor`` (beyond round-off), else None.

    Parameters
    ----------
    out : Law
        A candidate result.
    floor : float or None
        The bound (None: no bound).

    Returns
    -------
    float or None
    """
    if floor is None or _is_sym_law(out):
        return None
    got = _lowest(out)
    if got is None:
        return None
    low, tol = got
    return low if low < floor - tol else None


def _is_sym_law(law: Law) -> bool:
    try:
        return bool(law.is_symbolic)
    except AttributeError:
        return False


NUMERIC_DATA_OPTIONS = ("degree", "grid", "matrix", "n_eff", "outliers", "repeats", "rng", "solver", "support",
                         "variable")
"""Options of the numeric route on data (:func:`~freecalc.operations.numeric_decompression.decompress_numeric`,
:meth:`~freecalc.laws.empirical.Empirical.smooth`)."""
NUMERIC_LAW_OPTIONS = ("degree", "grid", "matrix", "n_eff", "repeats", "rng", "solver", "support")
"""Options of the numeric route on a law (fitted from its quadrature rule: no outliers, no variable choice)."""
PARAMETRIC_OPTIONS = ("bootstrap", "method", "rng", "snap", "threshold")
"""Options of the parametric route (:func:`~freecalc.operations.parametric_decompression.fit_free_meixner`)."""


def check_options(opts: dict[str, Any], *, route: str, data: bool, exact: bool, law_name: str) -> None:
    """Refuse options the chosen route does not take, naming them and the valid ones, before any work is done.

    ``route`` is the requested route's value ("auto", "exact", "numeric", "parametric"), ``data`` whether the
    source is eigenvalues (Empirical), ``exact`` whether the law has an exact rule (AUTO then takes it).

    Parameters
    ----------
    opts : dict
        The options given.
    route : str
        The requested route's value.
    data : bool
        Whether the source is eigenvalues.
    exact : bool
        Whether the law has an exact rule or an equation.
    law_name : str
        For the message.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        An option the route does not take (the message names it, lists the valid ones and, when the option belongs
        to another route, says which ``route=`` to pass).
    """
    if not opts:
        return
    numeric = NUMERIC_DATA_OPTIONS if data else NUMERIC_LAW_OPTIONS
    exact = exact and not data
    if route == "numeric":
        valid, name = numeric, "route=NUMERIC"
    elif route == "parametric":
        valid, name = PARAMETRIC_OPTIONS, "route=PARAMETRIC"
    elif route == "exact" or exact:
        valid, name = (), f"the exact route ({law_name} is decompressed exactly)"
    elif data:  # AUTO on data: the parametric fit decides, so only its options can be honoured
        valid, name = PARAMETRIC_OPTIONS, "route=AUTO on data"
    else:
        valid, name = numeric, "route=AUTO (numeric for this law)"
    bad = sorted(set(opts) - set(valid))
    if not bad:
        return
    hints = []
    if "to" in bad:
        hints.append("the target size is the second argument, law.decompress(n) (the CLI's --to)")
    others = [(r, v) for r, v in (("numeric", numeric), ("parametric", PARAMETRIC_OPTIONS)) if set(bad) <= set(v)]
    if others:
        kind = others[0][0]
        hints.append(f"{', '.join(map(repr, bad))} {'belongs' if len(bad) == 1 else 'belong'} to the {kind} route: "
                     f"pass route=Route.{kind.upper()} to use {'it' if len(bad) == 1 else 'them'}")
    listed = ", ".join(valid) if valid else "none besides n, factor, route and floor"
    raise TypeError(f"decompress got unexpected option(s) {', '.join(map(repr, bad))} for {name}; valid options: "
                    f"{listed}" + ("" if not hints else " (" + "; ".join(hints) + ")"))
