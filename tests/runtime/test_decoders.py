"""The decoders generated models use: same results as the standard library, only faster."""

from __future__ import annotations

import gc
import pickle
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codat_sdk._generated import decode_with_gc_paused, parse_uuid


@given(st.uuids())
def test_parse_uuid_matches_uuid_for_every_canonical_form(expected: UUID) -> None:
    for text in (str(expected), expected.hex, str(expected).upper(), f"{{{expected}}}", expected.urn):
        parsed = parse_uuid(text)
        assert parsed == expected
        assert (str(parsed), hash(parsed), parsed.version, parsed.is_safe) == (
            str(expected),
            hash(expected),
            expected.version,
            UUID(text).is_safe,
        )
        assert pickle.loads(pickle.dumps(parsed)) == expected


def _agrees_with_uuid(text: str) -> None:
    try:
        expected = UUID(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_uuid(text)
    else:
        assert parse_uuid(text) == expected


@given(st.text(max_size=40))
def test_parse_uuid_accepts_and_rejects_exactly_what_uuid_does(text: str) -> None:
    _agrees_with_uuid(text)


# Near-uuids: hex digits and dashes mixed with what int(..., 16) or UUID take and unhexlify does not
# (a 0x prefix, underscores, signs, spaces, braces, other scripts' digits, a full-width letter).
near_uuids = st.text(
    st.sampled_from([*"0123456789abcdefABCDEF", *"-_+ x{}", "\u0663", "\uff21"]), min_size=30, max_size=38
)


@given(near_uuids)
def test_parse_uuid_of_a_near_uuid_agrees_with_uuid(text: str) -> None:
    _agrees_with_uuid(text)


@pytest.mark.parametrize("text", ["0x" + "a" * 30, "\u0663" * 32, "{" + "b" * 32 + "}", "c" * 31 + "_"])
def test_parse_uuid_hands_what_only_int_or_uuid_reads_to_uuid(text: str) -> None:
    _agrees_with_uuid(text)


@pytest.mark.parametrize("value", [None, 5, ["8a210b68-6988-11ed-a1eb-0242ac120002"]])
def test_parse_uuid_of_a_non_string_raises_like_uuid(value: object) -> None:
    with pytest.raises((AttributeError, TypeError)):
        parse_uuid(value)  # type: ignore[arg-type]


def test_parse_uuid_values_stay_immutable() -> None:
    parsed = parse_uuid("8a210b68-6988-11ed-a1eb-0242ac120002")
    with pytest.raises(TypeError):
        parsed.int = 5  # type: ignore[misc]


def test_decode_with_gc_paused_pauses_and_restores_the_collector() -> None:
    assert gc.isenabled()
    assert decode_with_gc_paused(lambda data: (data, gc.isenabled()), 1) == (1, False)
    assert gc.isenabled()


def test_decode_with_gc_paused_restores_the_collector_when_decoding_fails() -> None:
    def fail(data: object) -> None:
        raise KeyError("id")

    with pytest.raises(KeyError):
        decode_with_gc_paused(fail, {})
    assert gc.isenabled()


def test_decode_with_gc_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        assert decode_with_gc_paused(lambda data: gc.isenabled(), None) is False
        assert not gc.isenabled()
    finally:
        gc.enable()
