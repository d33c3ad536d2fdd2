"""path_segment: one value is exactly one percent-encoded URL path segment."""

from __future__ import annotations

import enum
from urllib.parse import unquote
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codat_sdk._generated import path_segment


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_segments_that_would_change_the_resource_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="connection_id"):
        path_segment("connection_id", value)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("../etc", "..%2Fetc"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a#b", "a%23b"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("a b", "a%20b"),
        ("a+b", "a%2Bb"),
        ("a;b", "a%3Bb"),
        ("a\\b", "a%5Cb"),
        ("\r\n", "%0D%0A"),
        ("café", "caf%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("🙂", "%F0%9F%99%82"),
        ("...", "..."),
        (". ", ".%20"),
        ("-._~", "-._~"),
        ("abcXYZ019", "abcXYZ019"),
    ],
)
def test_reserved_and_unicode_characters_stay_inside_one_segment(value: str, encoded: str) -> None:
    assert path_segment("p", value) == encoded


def test_uuid_enum_and_int_values() -> None:
    class Kind(enum.Enum):
        A = "a/b"

    uuid = UUID("8a210b68-6988-11ed-a1eb-0242ac120002")
    assert path_segment("p", uuid) == str(uuid)
    assert path_segment("p", Kind.A) == "a%2Fb"
    assert path_segment("p", 42) == "42"


def test_an_enum_whose_value_is_dot_dot_is_rejected() -> None:
    class Kind(enum.Enum):
        UP = ".."

    with pytest.raises(ValueError, match="p="):
        path_segment("p", Kind.UP)


@given(st.text())
def test_any_text_is_one_segment_that_decodes_back(value: str) -> None:
    if value in ("", ".", ".."):
        with pytest.raises(ValueError):
            path_segment("p", value)
        return
    encoded = path_segment("p", value)
    assert encoded.isascii()
    assert not set(encoded) & set("/?#[]@!$&'()*+,;= \\\"<>{}|^`")
    assert unquote(encoded, errors="strict") == value
    assert encoded not in ("", ".", "..")
