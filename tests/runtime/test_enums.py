"""Open enums: a value the SDK does not know yet parses as a pseudo-member that keeps the raw value."""

from __future__ import annotations

import json
import pickle
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codat_sdk import OpenIntEnum, OpenStrEnum


class Colour(OpenStrEnum):
    RED = "Red"
    GREEN = "Green"


class Level(OpenIntEnum):
    LOW = 1
    HIGH = 2


def test_known_string_value_is_the_member() -> None:
    assert Colour("Red") is Colour.RED
    assert Colour.RED.is_known
    assert str(Colour.RED) == "Red"


def test_unknown_string_value_is_a_pseudo_member() -> None:
    mauve = Colour("Mauve")
    assert isinstance(mauve, Colour)
    assert isinstance(mauve, str)
    assert mauve.value == "Mauve"
    assert mauve.name == "UNKNOWN"
    assert not mauve.is_known
    assert mauve == "Mauve"
    assert str(mauve) == "Mauve"
    assert f"{mauve}" == "Mauve"
    assert json.dumps(mauve) == '"Mauve"'
    assert Colour(mauve.value) == mauve
    assert "Mauve" not in Colour.__members__
    assert list(Colour) == [Colour.RED, Colour.GREEN], "unknown values must not become members"


def test_values_differing_only_in_case_are_unknown() -> None:
    red = Colour("red")
    assert not red.is_known
    assert red.value == "red"


@pytest.mark.parametrize("value", [1, None, 1.5, b"Red", ["Red"]])
def test_non_string_values_are_rejected(value: object) -> None:
    with pytest.raises(ValueError):
        Colour(cast(Any, value))


def test_known_int_value_is_the_member() -> None:
    assert Level(1) is Level.LOW
    assert Level.LOW.is_known


def test_unknown_int_value_is_a_pseudo_member() -> None:
    level = Level(99)
    assert isinstance(level, Level)
    assert level == 99
    assert level.value == 99
    assert level.name == "UNKNOWN"
    assert not level.is_known
    assert json.dumps(level) == "99"


@pytest.mark.parametrize("value", [False, "1", 3.0, None])
def test_int_enum_rejects_unknown_non_int_values(value: object) -> None:
    # (True and 1.0 equal 1, so Enum finds LOW by value before _missing_ runs, as for any IntEnum.)
    with pytest.raises(ValueError):
        Level(cast(Any, value))


def test_known_members_pickle() -> None:
    assert pickle.loads(pickle.dumps(Colour.GREEN)) is Colour.GREEN


@given(st.text())
def test_any_text_round_trips(value: str) -> None:
    member = Colour(value)
    assert member.value == value
    assert member.is_known == (value in ("Red", "Green"))
    assert json.loads(json.dumps(member)) == value


@given(st.integers())
def test_any_int_round_trips(value: int) -> None:
    member = Level(value)
    assert member.value == value
    assert member.is_known == (value in (1, 2))
