"""Pieces shared by the command line (:mod:`freecalc.cli`), its demo (:mod:`freecalc._demo`) and its file reader
(:mod:`freecalc._data_files`): exit statuses, the one-line user error (and the first line of an exception's message),
and the plain-text description of a law. Kept apart so that the demo needs nothing from the CLI module (imports point
down: cli → _demo → _frontend)."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["EXIT_OK", "EXIT_FAILURE", "EXIT_USAGE", "CLIError", "describe_law"]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CLIError(Exception):
    """A one-line message for the user and the exit status that goes with it.

    Parameters
    ----------
    message : str
        The message (one line, naming the offending input).
    status : int
        Exit status: ``EXIT_USAGE`` (2) for bad input, ``EXIT_FAILURE`` (1) for a computation that failed.
    """

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def _fmt(value: Any, digits: int = 6) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, complex):
        return f"{value.real:.{digits}g}{value.imag:+.{digits}g}i"
    return f"{float(value):.{digits}g}"


def _fmt_point(z: complex) -> str:
    """A complex point as typed: 'i', '2i', '1+0.5i', '3'."""
    re_, im_ = z.real, z.imag
    if im_ == 0:
        return _fmt(re_, 4)
    imag = "i" if im_ == 1 else f"{_fmt(im_, 4)}i"
    if re_ == 0:
        return imag
    return f"{_fmt(re_, 4)}{'+' if im_ > 0 else ''}{imag}"


def _fmt_intervals(intervals: Sequence[tuple[float, float]]) -> str:
    return " ∪ ".join(f"[{_fmt(a)}, {_fmt(b)}]" for a, b in intervals) or "(none: purely atomic)"


def _fmt_atoms(atoms: Sequence[tuple[float, float]]) -> str:
    return ", ".join(f"{_fmt(x)} (mass {_fmt(w)})" for x, w in atoms) or "none"


def _first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type name when the message is empty), for a one-line error."""
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


def _try(func: Callable[[], Any]) -> Any:
    """A quantity a law may not provide (NotImplementedError) or cannot give for these parameters: None."""
    try:
        return func()
    except (NotImplementedError, ValueError, ArithmeticError):
        return None


def describe_law(law: Any, *, z: complex = 1j, moments: int = 4) -> dict[str, Any]:
    """A dictionary describing a numeric law: repr, size, support, atoms, mean, variance, moments, m(z).

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    z : complex
        Point at which m(z) is reported.
    moments : int
        Number of moments reported.

    Returns
    -------
    dict
        JSON-able values; a quantity the law cannot provide is None.

    Raises
    ------
    CLIError
        If ``law`` is not a law, has symbolic parameters, or a computed quantity is not finite.
    """
    from freecalc.laws.base import Law

    if not isinstance(law, Law):
        raise CLIError(f"the expression gives {type(law).__name__}, not a law")
    if law.is_symbolic:
        raise CLIError(f"{law!r} has symbolic parameters; the command line needs numbers")
    info: dict[str, Any] = {"law": repr(law), "size": law.size}
    info["support"] = [list(ab) for ab in law.support]
    info["atoms"] = [list(a) for a in law.atoms]
    info["mean"] = _try(law.mean)
    info["variance"] = _try(law.var)
    info["moments"] = _try(lambda: [float(v) for v in law.moments(moments)])
    info["z"] = complex(z)
    info["stieltjes"] = _try(lambda: complex(law.stieltjes(complex(z))))
    _refuse_non_finite(law, info)
    return info


def _refuse_non_finite(law: Any, info: dict[str, Any]) -> None:
    """A NaN (or an infinite moment/transform) is a computation that failed, never a value to print."""
    checks = [("mean", info["mean"]), ("variance", info["variance"]), ("m(z)", info["stieltjes"])]
    checks += [(f"moment {k}", v) for k, v in enumerate(info["moments"] or (), start=1)]
    checks += [("atom", v) for atom in info["atoms"] for v in atom]
    checks += [("support end", v) for ab in info["support"] for v in ab if not math.isinf(v)]
    for what, value in checks:
        if value is None:
            continue
        parts = (value.real, value.imag) if isinstance(value, complex) else (value,)
        if not all(math.isfinite(v) for v in parts):
            raise CLIError(f"the {what} of {law!r} came out as {value}: the numerics failed for these parameters",
                           EXIT_FAILURE)


def _print_description(info: dict[str, Any], indent: str = "  ") -> None:
    print(f"{info['law']}")
    print(f"{indent}support      {_fmt_intervals(info['support'])}")
    print(f"{indent}atoms        {_fmt_atoms(info['atoms'])}")
    print(f"{indent}mean, var    {_fmt(info['mean'])}, {_fmt(info['variance'])}")
    if info["moments"] is not None:
        print(f"{indent}moments      {', '.join(_fmt(v) for v in info['moments'])}")
    print(f"{indent}{'m(' + _fmt_point(info['z']) + ')':<12} {_fmt(info['stieltjes'])}")
