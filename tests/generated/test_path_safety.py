"""Path parameters reach the wire as exactly one segment each, or raise before anything is sent."""

from __future__ import annotations

import asyncio
from typing import Any, cast
from urllib.parse import unquote
from uuid import UUID

import httpx
import pytest
import respx
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    CONNECTION_ID,
    Recorder,
    async_platform,
    connection_json,
    sync_platform,
)

# One attempt per call: what a single failure raises (retries have their own tests).

UNSAFE = ["", ".", ".."]


def _id(value: str) -> UUID:
    """Path parameters are typed UUID; the SDK must still cope with whatever str a caller passes."""
    return cast(UUID, value)


def _segments(request: httpx.Request) -> list[str]:
    raw = request.url.raw_path.decode("ascii")
    assert "?" not in raw
    return raw.split("/")[1:]


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_connection_id_raises_and_sends_nothing(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(204)
        with CodatPlatform(api_key=API_KEY) as client, pytest.raises(ValueError, match="connection_id"):
            client.connections.delete(company_id=COMPANY_ID, connection_id=_id(value))
        assert not route.called
        assert router.calls.call_count == 0


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_company_id_raises_and_sends_nothing(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(204)
        with CodatPlatform(api_key=API_KEY) as client, pytest.raises(ValueError, match="company_id"):
            client.connections.delete(company_id=_id(value), connection_id=CONNECTION_ID)
        assert not route.called


@pytest.mark.parametrize("value", UNSAFE)
async def test_unsafe_ids_raise_and_send_nothing_async(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(204)
        async with AsyncCodatPlatform(api_key=API_KEY) as client:
            with pytest.raises(ValueError, match="connection_id"):
                await client.connections.delete(company_id=COMPANY_ID, connection_id=_id(value))
            with pytest.raises(ValueError, match="company_id"):
                await client.companies.get(_id(value))
        assert not route.called


def test_unsafe_id_through_the_raw_response_variant() -> None:
    recorder = Recorder(204)
    client = sync_platform(recorder)
    with pytest.raises(ValueError):
        client.connections.with_raw_response.delete(COMPANY_ID, _id(".."))
    assert recorder.requests == []


def test_slash_in_an_id_is_encoded_into_its_segment(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.delete(url__regex=r".*").respond(204)
    with CodatPlatform(api_key=API_KEY) as client:
        client.connections.delete(company_id=COMPANY_ID, connection_id=_id("a/b"))
    request = route.calls.last.request
    assert request.url.raw_path == f"/companies/{COMPANY_ID}/connections/a%2Fb".encode()


@pytest.mark.parametrize(
    ("value", "segment"),
    [("a?b", "a%3Fb"), ("a#b", "a%23b"), ("50%", "50%25"), ("a b", "a%20b"), ("é", "%C3%A9"), ("...", "...")],
)
def test_reserved_characters_in_an_id(value: str, segment: str) -> None:
    recorder = Recorder(204)
    sync_platform(recorder).connections.delete(COMPANY_ID, _id(value))
    assert recorder.last.url.raw_path == f"/companies/{COMPANY_ID}/connections/{segment}".encode()
    assert recorder.last.url.query == b""


_ids = st.text(min_size=0, max_size=40)


def _expect(value: str, sent: list[httpx.Request], expected_segments: list[str | None]) -> None:
    """One request was sent, with the expected segments (None marks where ``value`` goes)."""
    assert len(sent) == 1
    segments = _segments(sent[0])
    assert len(segments) == len(expected_segments)
    for segment, expected in zip(segments, expected_segments, strict=True):
        assert unquote(segment, errors="strict") == (value if expected is None else expected)


@settings(max_examples=200, deadline=None)
@given(value=_ids)
def test_any_connection_id_is_exactly_one_segment(value: str) -> None:
    recorder = Recorder(204)
    client = sync_platform(recorder)
    if value in UNSAFE:
        with pytest.raises(ValueError):
            client.connections.delete(COMPANY_ID, _id(value))
        assert recorder.requests == []
        return
    client.connections.delete(COMPANY_ID, _id(value))
    _expect(value, recorder.requests, ["companies", str(COMPANY_ID), "connections", None])


@settings(max_examples=200, deadline=None)
@given(value=_ids)
def test_any_company_id_is_exactly_one_segment_in_a_nested_path(value: str) -> None:
    recorder = Recorder(200, json=connection_json())
    client = sync_platform(recorder)
    if value in UNSAFE:
        with pytest.raises(ValueError):
            client.connections.update_authorization(_id(value), CONNECTION_ID, body=_authorization_body())
        assert recorder.requests == []
        return
    client.connections.update_authorization(_id(value), CONNECTION_ID, body=_authorization_body())
    _expect(value, recorder.requests, ["companies", None, "connections", str(CONNECTION_ID), "authorization"])


@settings(max_examples=100, deadline=None)
@given(value=_ids)
def test_any_connection_id_is_exactly_one_segment_async(value: str) -> None:
    async def scenario() -> list[httpx.Request]:
        recorder = Recorder(204)
        client = async_platform(recorder)
        if value in UNSAFE:
            with pytest.raises(ValueError):
                await client.connections.delete(COMPANY_ID, _id(value))
        else:
            await client.connections.delete(COMPANY_ID, _id(value))
        return recorder.requests

    sent = asyncio.run(scenario())
    if value in UNSAFE:
        assert sent == []
    else:
        _expect(value, sent, ["companies", str(COMPANY_ID), "connections", None])


def _authorization_body() -> Any:
    from codat_sdk_platform.models import UpdateConnectionAuthorizationBody

    return UpdateConnectionAuthorizationBody.from_dict({"token": "t"})
