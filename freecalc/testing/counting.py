"""Count the examples property tests really run.

Hypothesis reports its statistics (``--hypothesis-show-statistics``) only for a test function that pytest sees
decorated with ``@given``. A property parametrised over law classes builds its strategy from the parameter, so its
``@given`` function is defined inside the test and Hypothesis' statistics never reach pytest; the count would then
be known only as ``max_examples × tests``, which over-states it whenever Hypothesis stops early (a strategy
exhausted, a filter rejecting draws, a failure). Decorating the body with :func:`counted` records each call under the
running test; the session hooks in ``tests/conftest.py`` print the counts per test family and can write them to a
JSON file (``--example-counts=PATH``), under pytest-xdist as well.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["counted", "record_example", "counting_for", "examples_run", "family_of"]

F = TypeVar("F", bound=Callable[..., Any])

_COUNTS: dict[str, int] = {}
_CURRENT: list[str] = []


def _current_key() -> str:
    if _CURRENT:
        return _CURRENT[-1]
    # outside the hooks (e.g. a plain pytest run without tests/conftest.py): pytest's own variable names the test
    return os.environ.get("PYTEST_CURRENT_TEST", "<no test>").rsplit(" (", 1)[0]


def record_example(key: str | None = None) -> None:
    """Count one example for ``key`` (default: the running test).

    Parameters
    ----------
    key : str, optional
        The test's node id; the running test's when omitted.
    """
    k = _current_key() if key is None else key
    _COUNTS[k] = _COUNTS.get(k, 0) + 1


def counted(fn: F) -> F:
    """Decorator for the body of a property: each call counts one example of the running test.

    Put it under ``@given`` (the signature is kept, so Hypothesis sees the wrapped function's arguments). The
    count is taken before the body runs: a failing example counts too.

    Parameters
    ----------
    fn : callable
        The property body.

    Returns
    -------
    callable
        ``fn`` wrapped.
    """
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        record_example()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def counting_for(key: str) -> Iterator[None]:
    """Attribute the examples counted inside the block to ``key`` (a test's node id).

    Parameters
    ----------
    key : str
        The node id.

    Yields
    ------
    None
    """
    _CURRENT.append(key)
    try:
        yield
    finally:
        _CURRENT.pop()


def examples_run(key: str) -> int:
    """Examples counted so far for ``key``.

    Parameters
    ----------
    key : str
        A test's node id.

    Returns
    -------
    int
    """
    return _COUNTS.get(key, 0)


def family_of(nodeid: str) -> str:
    """The test family of a node id: file and function, without the parametrisation.

    Parameters
    ----------
    nodeid : str
        E.g. ``tests/properties/test_law_properties.py::test_shift_and_scale[HTMP]``.

    Returns
    -------
    str
        E.g. ``test_law_properties.py::test_shift_and_scale``.
    """
    path, _, name = nodeid.partition("::")
    return f"{os.path.basename(path)}::{name.split('[', 1)[0]}"
