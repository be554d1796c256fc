"""Enum options from user values (freecalc/_options.py)."""
import enum

import pytest

from freecalc._options import coerce_enum


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_members_and_values_are_accepted():
    assert coerce_enum(Color.RED, Color, "color") is Color.RED
    assert coerce_enum("blue", Color, "color") is Color.BLUE


def test_unknown_value_names_option_and_allowed_values():
    with pytest.raises(ValueError, match=r"color='green' is not one of \['red', 'blue'\] \(see Color\)"):
        coerce_enum("green", Color, "color", hint="see Color")
