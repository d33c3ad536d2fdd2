"""Path parameters reach the wire as exactly one segment each, or raise before anything is sent.

String parameters (``product_identifier``, ``platform_key``) are percent-encoded into one segment; the
ones the spec types uuid (``company_id``, ...) take a str or a UUID and raise on anything else.
"""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import unquote
from uuid import UUID

import httpx
import pytest
import respx
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import DataType
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    CONNECTION_ID,
    Recorder,
    async_platform,
    sync_platform,
)

# One attempt per call: what a single failure raises (retries have their own tests).

UNSAFE = ["", ".", ".."]


def _segments(request: httpx.Request) -> list[str]:
    raw = request.url.raw_path.decode("ascii")
    assert "?" not in raw
    return raw.split("/")[1:]


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_product_identifier_raises_and_sends_nothing(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(204)
        with CodatPlatform(api_key=API_KEY) as client, pytest.raises(ValueError, match="product_identifier"):
            client.companies.remove_product(COMPANY_ID, value)
        assert not route.called
        assert router.calls.call_count == 0


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_platform_key_raises_and_sends_nothing(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(200, json={})
        with CodatPlatform(api_key=API_KEY) as client, pytest.raises(ValueError, match="platform_key"):
            client.custom_data_type.get_configuration(value, "dynamicsPayments")
        assert not route.called


@pytest.mark.parametrize("value", UNSAFE)
async def test_unsafe_ids_raise_and_send_nothing_async(value: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(204)
        async with AsyncCodatPlatform(api_key=API_KEY) as client:
            with pytest.raises(ValueError, match="product_identifier"):
                await client.companies.remove_product(COMPANY_ID, value)
            with pytest.raises(ValueError, match="company_id"):
                await client.companies.get(value)
        assert not route.called


def test_unsafe_id_through_the_raw_response_variant() -> None:
    recorder = Recorder(204)
    client = sync_platform(recorder)
    with pytest.raises(ValueError):
        client.companies.with_raw_response.remove_product(COMPANY_ID, "..")
    assert recorder.requests == []


def test_slash_in_an_id_is_encoded_into_its_segment(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.delete(url__regex=r".*").respond(204)
    with CodatPlatform(api_key=API_KEY) as client:
        client.companies.remove_product(company_id=COMPANY_ID, product_identifier="a/b")
    request = route.calls.last.request
    assert request.url.raw_path == f"/companies/{COMPANY_ID}/products/a%2Fb".encode()


@pytest.mark.parametrize(
    ("value", "segment"),
    [("a?b", "a%3Fb"), ("a#b", "a%23b"), ("50%", "50%25"), ("a b", "a%20b"), ("é", "%C3%A9"), ("...", "...")],
)
def test_reserved_characters_in_an_id(value: str, segment: str) -> None:
    recorder = Recorder(204)
    sync_platform(recorder).companies.remove_product(COMPANY_ID, value)
    assert recorder.last.url.raw_path == f"/companies/{COMPANY_ID}/products/{segment}".encode()
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
def test_any_product_identifier_is_exactly_one_segment(value: str) -> None:
    recorder = Recorder(204)
    client = sync_platform(recorder)
    if value in UNSAFE:
        with pytest.raises(ValueError):
            client.companies.remove_product(COMPANY_ID, value)
        assert recorder.requests == []
        return
    client.companies.remove_product(COMPANY_ID, value)
    _expect(value, recorder.requests, ["companies", str(COMPANY_ID), "products", None])


@settings(max_examples=200, deadline=None)
@given(value=_ids)
def test_any_platform_key_is_exactly_one_segment_in_a_nested_path(value: str) -> None:
    recorder = Recorder(200, json={})
    client = sync_platform(recorder)
    if value in UNSAFE:
        with pytest.raises(ValueError):
            client.custom_data_type.get_configuration(value, "dynamicsPayments")
        assert recorder.requests == []
        return
    client.custom_data_type.get_configuration(value, "dynamicsPayments")
    _expect(value, recorder.requests, ["integrations", None, "dataTypes", "custom", "dynamicsPayments"])


@settings(max_examples=100, deadline=None)
@given(value=_ids)
def test_any_product_identifier_is_exactly_one_segment_async(value: str) -> None:
    async def scenario() -> list[httpx.Request]:
        recorder = Recorder(204)
        client = async_platform(recorder)
        if value in UNSAFE:
            with pytest.raises(ValueError):
                await client.companies.remove_product(COMPANY_ID, value)
        else:
            await client.companies.remove_product(COMPANY_ID, value)
        return recorder.requests

    sent = asyncio.run(scenario())
    if value in UNSAFE:
        assert sent == []
    else:
        _expect(value, sent, ["companies", str(COMPANY_ID), "products", None])


# --- parameters the spec types uuid ------------------------------------------------------------------


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(value=_ids.filter(lambda text: not _is_uuid(text)))
def test_a_uuid_parameter_refuses_any_other_string_and_sends_nothing(value: str) -> None:
    recorder = Recorder(204)
    with pytest.raises(ValueError, match=r"^connection_id=.* is not a UUID") as caught:
        sync_platform(recorder).connections.delete(COMPANY_ID, value)
    assert not isinstance(caught.value, TypeError)
    assert recorder.requests == []


@pytest.mark.parametrize("value", [CONNECTION_ID, str(CONNECTION_ID), str(CONNECTION_ID).upper()])
def test_a_uuid_parameter_takes_a_str_or_a_uuid_and_sends_it_canonical(value: UUID | str) -> None:
    recorder = Recorder(204)
    sync_platform(recorder).connections.delete(str(COMPANY_ID), value)
    assert recorder.last.url.raw_path == f"/companies/{COMPANY_ID}/connections/{CONNECTION_ID}".encode()


async def test_a_uuid_parameter_is_checked_before_sending_async() -> None:
    recorder = Recorder(204)
    client = async_platform(recorder)
    with pytest.raises(ValueError, match=r"company_id='not-an-id' is not a UUID.*nothing was sent"):
        await client.connections.delete("not-an-id", CONNECTION_ID)
    with pytest.raises(TypeError, match=r"company_id must be a str or a uuid\.UUID, not int"):
        await client.companies.get(42)  # type: ignore[arg-type]
    await client.connections.delete(str(uuid.UUID(int=7)), str(CONNECTION_ID))
    assert len(recorder.requests) == 1


def test_a_uuid_query_parameter_is_checked_too() -> None:
    """``refresh_data.by_data_type``'s ``connection_id`` is a query parameter the spec types uuid."""
    recorder = Recorder(200, json={})
    client = sync_platform(recorder)
    with pytest.raises(ValueError, match="connection_id='x' is not a UUID"):
        client.refresh_data.by_data_type(COMPANY_ID, DataType("invoices"), connection_id="x")
    assert recorder.requests == []
