"""Declared parameters of spectral laws.

A law declares each parameter once, as a :class:`Parameter` with a name, a LaTeX symbol, a :class:`Domain` and a
typical range. The declaration is used for validation (with error messages naming the parameter, the value and the
allowed domain), for ``repr`` and LaTeX printing, and by the test-suite to draw valid, edge and invalid values.

Validation follows sympy.stats: a symbolic value is rejected only when it is *provably* outside the domain, so
``MarchenkoPastur(Symbol('c', positive=True))`` is accepted while ``MarchenkoPastur(-1)`` is not.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module

sp = lazy_module("sympy")

__all__ = ["LOCATION", "LOCATION_MAX", "POSITIVE", "REAL", "SCALE", "SCALE_MAX", "SCALE_MIN", "Domain", "Parameter",
           "SymbolicParameterError", "as_number", "check_count", "is_symbolic_value"]


class SymbolicParameterError(ValueError):
    """A numeric method was called on a law whose parameters are symbolic."""


@dataclass(frozen=True)
class Domain:
    """A real interval, optionally restricted to integers.

    Parameters
    ----------
    lo, hi : float
        Endpoints; ``-inf``/``inf`` for unbounded sides.
    lo_closed, hi_closed : bool
        Whether each endpoint belongs to the domain (ignored for infinite endpoints).
    integer : bool
        Whether only integer values are allowed.
    """

    lo: float = -math.inf
    hi: float = math.inf
    lo_closed: bool = True
    hi_closed: bool = True
    integer: bool = False

    def contains(self, value: float) -> bool:
        """Whether a real number lies in the domain.

        Parameters
        ----------
        value : float

        Returns
        -------
        bool
            False for NaN and for non-integers of an integer domain.
        """
        if math.isnan(value):
            return False
        if self.integer and value != math.floor(value):
            return False
        above = value > self.lo or (self.lo_closed and value == self.lo and math.isfinite(self.lo))
        below = value < self.hi or (self.hi_closed and value == self.hi and math.isfinite(self.hi))
        return above and below

    def provably_outside(self, expr: sp.Expr) -> bool:
        """Whether a sympy expression is provably outside the domain (unknown counts as inside).

        Parameters
        ----------
        expr : sympy.Expr

        Returns
        -------
        bool
        """
        checks = []
        if math.isfinite(self.lo):
            checks.append(sp.Lt(expr, self.lo) if self.lo_closed else sp.Le(expr, self.lo))
        if math.isfinite(self.hi):
            checks.append(sp.Gt(expr, self.hi) if self.hi_closed else sp.Ge(expr, self.hi))
        if expr.is_real is False:
            return True
        return any(c == sp.true for c in checks)

    def sample_inside(self, typical: tuple[float, float]) -> float:
        """The midpoint of the typical range (a convenient valid value), rounded down for an integer domain.

        Parameters
        ----------
        typical : tuple of float

        Returns
        -------
        float
        """
        mid = 0.5 * (typical[0] + typical[1])
        return float(math.floor(mid)) if self.integer else mid

    def __str__(self) -> str:
        left = "[" if self.lo_closed and math.isfinite(self.lo) else "("
        right = "]" if self.hi_closed and math.isfinite(self.hi) else ")"
        lo = "-∞" if self.lo == -math.inf else f"{self.lo:g}"
        hi = "∞" if self.hi == math.inf else f"{self.hi:g}"
        kind = "integers in " if self.integer else ""
        return f"{kind}{left}{lo}, {hi}{right}"


#: (0, ∞): a positive parameter (``fc.POSITIVE``).
POSITIVE = Domain(0.0, math.inf, lo_closed=False)
#: The real line (``fc.REAL``), the default domain of a :class:`Parameter`.
REAL = Domain()

#: Representable ranges of the closed-form laws' parameters. Support edges, mean and second moment of these laws
#: are products of at most three parameter values (Marchenko–Pastur: m₂ = σ⁴(1 + c), edges σ²(1 ± √c)²;
#: semicircle: Q = r²/4; Kesten–McKay: q₀ = d²/(d − 1); free Meixner: variance bc, edges a ± 2√b). With each
#: positive scale or shape parameter in (1e-100, 1e100] and each location in [−1e100, 1e100] these stay finite,
#: normal doubles (1e300 < 1.8e308 and 1e-300 > 2.2e-308); beyond, the formulas overflow to inf/nan or underflow
#: to 0 and divide by it. The lower end of SCALE is open so that the test strategies' ``gap`` (distance kept from
#: an open end) keeps draws at ordinary magnitudes.
SCALE_MIN, SCALE_MAX = 1e-100, 1e100
LOCATION_MAX = 1e100
SCALE = Domain(SCALE_MIN, SCALE_MAX, lo_closed=False)
LOCATION = Domain(-LOCATION_MAX, LOCATION_MAX)


@dataclass(frozen=True)
class Parameter:
    """A declared parameter of a law.

    Parameters
    ----------
    name : str
        Python name (keyword argument and attribute).
    latex : str
        LaTeX symbol used when printing.
    domain : Domain
        Allowed values.
    typical : tuple of float
        A range of typical values (used by tests and examples).
    default : float or None
        Default value; ``None`` means the parameter is required.
    """

    name: str
    latex: str
    domain: Domain = REAL
    typical: tuple[float, float] = (0.5, 2.0)
    default: Any = None

    @property
    def required(self) -> bool:
        """Whether the parameter has no default (must be given)."""
        return self.default is None

    def validate(self, value: Any, law: str = "law") -> float | sp.Expr:
        """Return the value as a float (or a sympy expression when symbolic), or raise a clear error.

        Parameters
        ----------
        value : object
            A real number, a 0-d array or a sympy expression.
        law : str
            Name of the law, for the message.

        Returns
        -------
        float or sympy.Expr

        Raises
        ------
        TypeError
            Not a real number or sympy expression (a bool, a string, None, an array, a complex number).
        ValueError
            NaN, or outside the domain (provably outside, for a symbolic value); the message names the parameter,
            the value and the domain.
        """
        where = f"{law} parameter {self.name!r}"
        if isinstance(value, bool) or value is None or isinstance(value, str):
            raise TypeError(f"{where} must be a real number or a sympy expression, got {value!r} "
                            f"({type(value).__name__}); allowed domain {self.domain}")
        if is_sympy(value):
            if not is_sympy(value, "Expr"):
                raise TypeError(f"{where} must be a sympy expression, got {value!r}")
            if not value.free_symbols:
                if value.is_real is False or value.has(sp.nan, sp.zoo):
                    raise ValueError(f"{where} = {value} is not a real number; allowed domain {self.domain}")
                return self.validate(float(value), law)
            if self.domain.provably_outside(value):
                raise ValueError(f"{where} = {value} is outside the allowed domain {self.domain}")
            return value
        if isinstance(value, np.ndarray):
            if value.ndim != 0:
                raise TypeError(f"{where} must be a scalar, got an array of shape {value.shape}")
            value = value.item()
        if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
            if value.imag != 0:
                raise TypeError(f"{where} must be real, got {value!r}; allowed domain {self.domain}")
            value = value.real
        if not isinstance(value, numbers.Real):
            raise TypeError(f"{where} must be a real number or a sympy expression, got {value!r} "
                            f"({type(value).__name__}); allowed domain {self.domain}")
        x = float(value)
        if math.isnan(x):
            raise ValueError(f"{where} is NaN; allowed domain {self.domain}")
        if not self.domain.contains(x):
            raise ValueError(f"{where} = {x:g} is outside the allowed domain {self.domain}")
        return x

    def symbol(self) -> sp.Symbol:
        """A sympy symbol for this parameter with the domain's sign assumptions.

        Returns
        -------
        sympy.Symbol
        """
        d = self.domain
        positive = d.lo >= 0 and not (d.lo == 0 and d.lo_closed)
        nonneg = d.lo >= 0
        return sp.Symbol(self.name, real=True, positive=positive or None, nonnegative=nonneg or None)


def is_symbolic_value(value: Any) -> bool:
    """Whether a parameter value is a sympy expression with free symbols.

    Parameters
    ----------
    value : object

    Returns
    -------
    bool
    """
    return is_sympy(value) and bool(value.free_symbols)


def as_number(value: Any) -> float:
    """Convert a validated numeric parameter value to float.

    Parameters
    ----------
    value : object

    Returns
    -------
    float
    """
    return float(value)


def check_count(name: str, value: Any, minimum: int = 1, maximum: int | None = None) -> int:
    """Validate a size or count (a matrix dimension, a number of samples) and return it as an ``int``.

    The rule, shared by every size and count in the package: a value is accepted when it is an integral value — a
    Python ``int``, a numpy integer, or a float (or 0-d array) holding an integer such as ``100.0`` or ``4e3`` —
    and ``minimum <= value <= maximum``.  Floats are accepted because sizes are often computed (``n * 0.25``) or
    written in scientific notation; a float that is not an integer is rejected rather than rounded, since rounding
    would silently change the matrix model.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : object
        The value to check.
    minimum : int
        Smallest allowed value (default 1).
    maximum : int, optional
        Largest allowed value (default: unbounded).

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If the value is a bool, not a real number (a string, ``None``, a complex number), or an array with
        ``ndim > 0``.
    ValueError
        If the value is NaN, infinite, not an integer, or outside ``[minimum, maximum]``.
    """
    hi = "∞)" if maximum is None else f"{maximum}]"
    rule = f"an integer in [{minimum}, {hi} (int, numpy integer, or an integer-valued float such as 4e3)"
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise TypeError(f"{name} must be {rule}, got an array of shape {value.shape}")
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {rule}, got {value!r} of type {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise ValueError(f"{name} must be {rule}, got {value!r}")
        out = int(x)
    if out < minimum or (maximum is not None and out > maximum):
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return out
