"""Options are ``enum.Enum`` members; this turns a user's value (a member or its value, e.g. ``"newton"``) into the
member, with one clear error naming the option and the allowed values."""
from __future__ import annotations

import enum
from typing import Any, TypeVar

__all__ = ["coerce_enum"]

E = TypeVar("E", bound=enum.Enum)


def coerce_enum(value: Any, enum_cls: type[E], name: str, hint: str = "") -> E:
    """Return ``enum_cls(value)`` (members pass through), or raise ValueError listing the allowed values.

    Parameters
    ----------
    value : Any
        A member of ``enum_cls`` or the value of one (e.g. ``"newton"``).
    enum_cls : type
        The ``enum.Enum`` subclass.
    name : str
        The option's name, for the error message.
    hint : str
        Appended to the error message in parentheses (e.g. where the enum is exported).

    Returns
    -------
    enum.Enum
        The member.

    Raises
    ------
    ValueError
        ``value`` is neither a member nor the value of one; the message names the option and the allowed values.
    """
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = [m.value for m in enum_cls]
        extra = f" ({hint})" if hint else ""
        raise ValueError(f"{name}={value!r} is not one of {allowed}{extra}") from None
