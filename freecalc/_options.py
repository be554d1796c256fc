"""Options are ``enum.Enum`` members; this turns a user's value (a member or its value, e.g. ``"newton"``) into the
member, with one clear error naming the option and the allowed values."""
from __future__ import annotations

import enum
from typing import Any, TypeVar

__all__ = ["coerce_enum"]

E = TypeVar("E", bound=enum.Enum)


def coerce_enum(value: Any, enum_cls: type[E], name: str, hint: str = "") -> E:
    """Return ``enum_cls(value)`` (members pass through), or raise ValueError listing the allowed values."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = [m.value for m in enum_cls]
        extra = f" ({hint})" if hint else ""
        raise ValueError(f"{name}={value!r} is not one of {allowed}{extra}") from None
