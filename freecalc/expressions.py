r"""A safe parser for law expressions typed on the command line: ``"free_add(Semicircle(2), MarchenkoPastur(0.5))"``.

The text is parsed with :mod:`ast` and the tree is *walked*, never evaluated by Python: only these nodes are allowed

* numeric literals (int, float; not bool, complex or strings), tuples and lists of allowed expressions;
* the names ``pi`` and ``e`` (numbers) and calls of whitelisted freecalc names (laws and operations) with positional
  and keyword arguments (no ``*args``/``**kwargs``);
* unary ``+``/``-``, and ``+ - * /`` between numbers or between a law and a number (``2 * Semicircle(1) + 1``),
  ``**`` between numbers only.

Everything else (attributes, subscripts, lambdas, comprehensions, other names, ...) raises :class:`ExpressionError`
with the column of the offending piece. Used by :mod:`freecalc.cli`; compute code never imports it.

The law names are derived from the law classes :mod:`freecalc` exports: every exported Law subclass that declares
parameters (or sets ``in_expressions = True``), under its class name and its declared ``aliases``; a user's own law
classes are added with ``available_names(MyLaw)``.
"""
from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from freecalc.laws.base import Law

__all__ = ["ExpressionError", "OPERATION_NAMES", "available_names", "law_names", "parse_expression"]

#: Operations an expression may call.
OPERATION_NAMES = ("free_add", "free_mul", "inverse", "power", "compress", "wishart_of", "decompress")
_CONSTANTS = {"pi": math.pi, "e": math.e}
_MAX_LENGTH = 2000  # a typed expression longer than this is a mistake, not a law
_MAX_POWER = 1e6  # |a ** b| bound: keeps "10 ** 10 ** 10" from exhausting memory or time

_BINOPS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}


class ExpressionError(ValueError):
    """The expression is not valid freecalc syntax, or uses something that is not allowed."""


def _constructible(cls: type) -> bool:
    flag = getattr(cls, "in_expressions", None)
    return bool(cls.parameters) if flag is None else bool(flag)


def law_names(*extra: type) -> dict[str, type]:
    """Law names an expression may call: name or alias → class.

    Parameters
    ----------
    *extra : type
        Further Law subclasses (a user's own), under their class names and aliases.

    Returns
    -------
    dict
        Every Law subclass exported by :mod:`freecalc` that declares parameters (or sets ``in_expressions = True``),
        plus ``extra``.

    Raises
    ------
    TypeError
        An ``extra`` entry that is not a Law subclass.
    """
    import freecalc

    exported = [getattr(freecalc, n) for n in freecalc.__all__ if n != "analyze"]
    classes = [c for c in exported if isinstance(c, type) and issubclass(c, Law) and c is not Law and _constructible(c)]
    for cls in extra:
        if not (isinstance(cls, type) and issubclass(cls, Law)):
            raise TypeError(f"available_names: extra laws must be Law subclasses, got {cls!r}")
        classes.append(cls)
    out: dict[str, type] = {}
    for cls in classes:
        for name in (cls.__name__, *cls.aliases):
            out[name] = cls
    return out


def available_names(*extra: type) -> dict[str, Any]:
    """Whitelisted names: laws (see :func:`law_names`) and operations of :mod:`freecalc`, name → class or function.

    Parameters
    ----------
    *extra : type
        A user's own Law subclasses to allow as well.

    Returns
    -------
    dict
    """
    import freecalc

    out: dict[str, Any] = dict(law_names(*extra))
    out.update({name: getattr(freecalc, name) for name in OPERATION_NAMES})
    out["decompress"] = _decompress
    return out


def _decompress(law: Any, n: Any = None, **kwargs: Any) -> Any:
    # decompress(law, n) and decompress(law, factor=f) read like the method call law.decompress(...)
    return law.decompress(n, **kwargs)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_law(value: Any) -> bool:
    return isinstance(value, Law)


def _kind(value: Any) -> str:
    if _is_law(value):
        return "a law"
    if _is_number(value):
        return "a number"
    return f"a {type(value).__name__}"


class _Walker:
    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        col = getattr(node, "col_offset", None)
        where = f" (at column {col + 1})" if col is not None else ""
        return ExpressionError(f"{message}{where}")

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(node, f"{_describe(node)} is not allowed in a law expression")
        return method(node)

    def visit_Expression(self, node: ast.Expression) -> Any:
        return self.visit(node.body)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if not _is_number(node.value):
            raise self.fail(node, f"the literal {node.value!r} is not allowed (only numbers)")
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in self.names:
            raise self.fail(node, f"{node.id} must be called, e.g. {node.id}(...)")
        raise self.fail(node, f"unknown name {node.id!r}; allowed: {', '.join(sorted(self.names))}, pi, e")

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.visit(e) for e in node.elts)

    def visit_List(self, node: ast.List) -> Any:
        return [self.visit(e) for e in node.elts]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.USub) and (_is_number(value) or _is_law(value)):
            return -value
        if isinstance(node.op, ast.UAdd) and (_is_number(value) or _is_law(value)):
            return value
        raise self.fail(node, f"unary {type(node.op).__name__} of {_kind(value)} is not allowed")

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        if type(node.op) not in _BINOPS:
            raise self.fail(node, f"the operator {type(node.op).__name__} is not allowed (use + - * / **)")
        symbol, func = _BINOPS[type(node.op)]
        left, right = self.visit(node.left), self.visit(node.right)
        if _is_number(left) and _is_number(right):
            if symbol == "**":
                return self._power(node, left, right)
            try:
                return func(left, right)
            except ZeroDivisionError:
                raise self.fail(node, "division by zero") from None
        if symbol == "**":
            raise self.fail(node, "** is only allowed between numbers (use power(law, p) for a law)")
        if _is_law(left) and _is_number(right) or _is_number(left) and _is_law(right) and symbol in "+-*":
            return func(left, right)
        if _is_law(left) and _is_law(right):
            hint = {"+": "free_add(a, b)", "*": "free_mul(a, b)"}.get(symbol, "free_add / free_mul")
            raise self.fail(node, f"law {symbol} law is ambiguous: use {hint} for free convolution")
        if _is_number(left) and _is_law(right) and symbol == "/":
            raise self.fail(node, "number / law is not defined: use inverse(law) for the law of the inverse matrix")
        raise self.fail(node, f"{_kind(left)} {symbol} {_kind(right)} is not allowed")

    def _power(self, node: ast.AST, base: Any, exponent: Any) -> float:
        try:
            value = float(base) ** float(exponent)
        except (OverflowError, ZeroDivisionError):
            raise self.fail(node, f"{base} ** {exponent} is out of range") from None
        if isinstance(value, complex) or not math.isfinite(value) or abs(value) > _MAX_POWER:
            raise self.fail(node, f"{base} ** {exponent} is out of range (|result| must be ≤ {_MAX_POWER:g})")
        return value

    def visit_Call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, f"only calls of plain names are allowed, not {_describe(node.func)}")
        name = node.func.id
        if name not in self.names:
            raise self.fail(node, f"unknown name {name!r}; allowed: {', '.join(sorted(self.names))}")
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.fail(a, "*args is not allowed")
            args.append(self.visit(a))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.fail(kw.value, "**kwargs is not allowed")
            if kw.arg in kwargs:
                # Python's compiler rejects this, but ast.parse accepts it; a silent "last one wins" would
                # describe a different law than the one typed
                raise self.fail(kw.value, f"keyword argument {kw.arg!r} is given twice in the call of {name}")
            kwargs[kw.arg] = self.visit(kw.value)
        return self.names[name](*args, **kwargs)


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node Python can parse
        text = type(node).__name__
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(node).__name__.lower()} {text!r}"


def parse_expression(text: str, names: Mapping[str, Any] | None = None) -> Any:
    """Evaluate a law expression safely (see the module docstring) and return its value.

    Parameters
    ----------
    text : str
        E.g. ``"free_add(Semicircle(2), MarchenkoPastur(0.5))"`` or ``"2 * Semicircle(1) + 1"``.
    names : mapping, optional
        Callables allowed by name; default :func:`available_names` (pass ``available_names(MyLaw)`` to allow a
        law class of your own).

    Returns
    -------
    object
        The value of the expression: a Law, or a number.

    Raises
    ------
    ExpressionError
        Syntax error, or a construct, name or operand type that is not allowed (with its column).
    ValueError, TypeError
        Raised by the law or operation itself (invalid parameter values, wrong argument count).
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ExpressionError("empty expression")
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; at most {_MAX_LENGTH} are accepted")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        col = f" at column {err.offset}" if err.offset else ""
        raise ExpressionError(f"syntax error{col}: {err.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is nested too deeply") from None
    walker = _Walker(available_names() if names is None else names)
    try:
        return walker.visit(tree)
    except RecursionError:
        raise ExpressionError("expression is nested too deeply") from None
