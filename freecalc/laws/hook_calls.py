"""Calling a law's array hooks: 1-d contiguous input for the hook, the caller's shape (or scalar) back.

The public methods of :class:`freecalc.laws.base.Law` accept scalars and arrays of any shape; the underscore hooks a
law implements (``_pdf``, ``_stieltjes``, ``_r_transform``, ...) only ever see 1-d arrays.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["flat_call", "scalar_out"]


def scalar_out(like: Any, out: np.ndarray) -> Any:
    """``out`` as a numpy scalar when the argument ``like`` was a scalar (0-d), else ``out`` unchanged.

    Parameters
    ----------
    like : scalar or array_like
        The argument the caller was given.
    out : numpy.ndarray
        The result, with the shape of ``like``.

    Returns
    -------
    scalar or numpy.ndarray
        ``out[()]`` for a 0-d ``like``, else ``out``.
    """
    return out[()] if np.ndim(like) == 0 else out


def flat_call(hook: Callable[[np.ndarray], Any], arr: np.ndarray, dtype: Any) -> np.ndarray:
    """Call a hook on a 1-d contiguous copy of ``arr`` and give the result ``arr``'s shape back.

    Hooks therefore only ever see 1-d arrays: a 0-d array (a Python scalar) would turn into a numpy scalar under
    arithmetic and break item assignment inside the hook, and n-d arrays would break hooks that index by position.

    Parameters
    ----------
    hook : callable
        Maps a 1-d array to an array of the same length.
    arr : numpy.ndarray
        The argument, of any shape.
    dtype : numpy dtype
        The dtype of both the hook's input and its result.

    Returns
    -------
    numpy.ndarray
        ``hook`` applied elementwise, with the shape of ``arr``.
    """
    flat = np.ascontiguousarray(arr, dtype=dtype).reshape(-1)
    return np.asarray(hook(flat), dtype=dtype).reshape(np.shape(arr))
