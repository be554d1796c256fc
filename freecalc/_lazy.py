"""Deferred imports: a module bound at the top of a file but imported on first attribute access.

The numeric face of a law must not pay for sympy (about 0.4 s to import) or for the symbolic modules built on it:
a law module binds ``sp = lazy_module("sympy")`` and keeps writing ``sp.Symbol(...)`` inside its symbolic-face
methods; sympy is imported by the first such call. Nothing may touch a deferred module at import time (a default
argument, a class attribute, a decorator); ``tests/test_lazy_import.py`` checks that the numeric face leaves sympy
unloaded.

:func:`is_sympy` is the type test for values that may be sympy objects (parameter values, arguments): when sympy has
not been imported, no value can be a sympy object, so the test never imports it.
"""
from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_module", "is_sympy"]


class _DeferredModule(types.ModuleType):
    """Stands for the module ``name`` until an attribute is read, then imports it and copies its namespace in (so
    later reads are ordinary attribute look-ups)."""

    def __init__(self, name: str, on_import: Callable[[types.ModuleType], None] | None) -> None:
        super().__init__(name)
        self.__dict__["_deferred"] = (name, on_import)

    def __getattr__(self, attr: str) -> Any:
        name, on_import = self.__dict__["_deferred"]
        module = importlib.import_module(name)
        self.__dict__.update({k: v for k, v in vars(module).items() if k not in ("__name__", "__spec__")})
        if on_import is not None:
            self.__dict__["_deferred"] = (name, None)
            on_import(module)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<deferred module {self.__dict__['_deferred'][0]!r}>"


def lazy_module(name: str, on_import: Callable[[types.ModuleType], None] | None = None) -> types.ModuleType:
    """A stand-in for ``importlib.import_module(name)`` that imports the module on first attribute access.

    Parameters
    ----------
    name : str
        Absolute module name (``"sympy"``, ``"freecalc.symbolic.transforms"``).
    on_import : callable, optional
        Called once with the module when it is imported through the stand-in (at once if it is already imported),
        e.g. to register a numeric implementation with a symbolic module.

    Returns
    -------
    types.ModuleType
        The module itself if it is already imported, else a deferred stand-in (not entered in ``sys.modules``).
    """
    module = sys.modules.get(name)
    if module is None:
        return _DeferredModule(name, on_import)
    if on_import is not None:
        on_import(module)
    return module


def is_sympy(value: Any, kind: str = "Basic") -> bool:
    """``isinstance(value, sympy.<kind>)`` without importing sympy.

    Parameters
    ----------
    value : object
    kind : str
        A sympy base class name: ``"Basic"`` (default), ``"Expr"``, ``"Symbol"``, ...

    Returns
    -------
    bool
        False whenever sympy has not been imported (no value can then be a sympy object).
    """
    sympy = sys.modules.get("sympy")
    return sympy is not None and hasattr(sympy, kind) and isinstance(value, getattr(sympy, kind))
