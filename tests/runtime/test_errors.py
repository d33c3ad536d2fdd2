"""Every failure an SDK call can meet comes out as one of the CodatError hierarchy."""

from __future__ import annotations

import asyncio
import email.utils
import json
from typing import Any

import httpx
import pytest
import respx
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Companies, ErrorMessage, ErrorValidation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    CodatError,
    ConflictError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    ResponseValidationError,
    ServiceUnavailableError,
    UnauthorizedError,
    UnavailableForLegalReasonsError,
    UnexpectedStatusError,
)
from codat_sdk._errors import parse_retry_after
from tests.conftest import API_KEY, BASE_URL, async_platform, companies_json, error_json, sync_platform

# One attempt per call: what a single failure raises (retries have their own tests).

DOCUMENTED: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, UnauthorizedError),
    (402, PaymentRequiredError),
    (403, ForbiddenError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitError),
    (451, UnavailableForLegalReasonsError),
    (500, InternalServerError),
    (503, ServiceUnavailableError),
]
UNDOCUMENTED = [300, 304, 405, 418, 422, 499, 501, 502, 504, 599]

LIST_COMPANIES = f"{BASE_URL}/companies"


def _list_sync(respx_mock: respx.MockRouter, response: httpx.Response) -> Companies:
    respx_mock.get(LIST_COMPANIES).mock(return_value=response)
    with CodatPlatform(api_key=API_KEY) as client:
        return client.companies.list()


async def _list_async(respx_mock: respx.MockRouter, response: httpx.Response) -> Companies:
    respx_mock.get(LIST_COMPANIES).mock(return_value=response)
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        return await client.companies.list()


def _assert_codat_error_fields(err: APIStatusError, status: int) -> None:
    body = error_json(status)
    assert err.status_code == status
    assert err.response.status_code == status
    assert err.headers["content-type"] == "application/json"
    assert json.loads(err.body) == body
    message = err.error_message
    assert isinstance(message, ErrorMessage)
    assert message.status_code == status
    assert message.service == "PublicApi"
    assert message.correlation_id == "bc997528a9d7abb9161ef45f05d38599"
    assert message.detailed_error_code == 0
    assert isinstance(message.validation, ErrorValidation)
    errors = message.validation.errors
    assert isinstance(errors, list)
    assert errors[0].message == "Name is required."
    assert err.correlation_id == "bc997528a9d7abb9161ef45f05d38599"
    assert err.detailed_error_code == 0
    assert err.can_be_retried is (True if status >= 500 else None)
    text = str(err)
    assert "Something about the request was wrong." in text
    assert "bc997528a9d7abb9161ef45f05d38599" in text
    assert f"-> {status}" in text


# -- status codes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "error_type"), DOCUMENTED)
def test_documented_status_maps_to_its_subclass(
    respx_mock: respx.MockRouter, status: int, error_type: type[APIStatusError]
) -> None:
    with pytest.raises(error_type) as info:
        _list_sync(respx_mock, httpx.Response(status, json=error_json(status)))
    assert type(info.value) is error_type
    assert isinstance(info.value, CodatError)
    _assert_codat_error_fields(info.value, status)


@pytest.mark.parametrize(("status", "error_type"), DOCUMENTED)
async def test_documented_status_maps_to_its_subclass_async(
    respx_mock: respx.MockRouter, status: int, error_type: type[APIStatusError]
) -> None:
    with pytest.raises(error_type) as info:
        await _list_async(respx_mock, httpx.Response(status, json=error_json(status)))
    assert type(info.value) is error_type
    _assert_codat_error_fields(info.value, status)


@pytest.mark.parametrize("status", UNDOCUMENTED)
def test_other_statuses_raise_unexpected_status_error(respx_mock: respx.MockRouter, status: int) -> None:
    with pytest.raises(UnexpectedStatusError) as info:
        _list_sync(respx_mock, httpx.Response(status, json=error_json(status)))
    assert type(info.value) is UnexpectedStatusError
    assert info.value.status_code == status
    assert isinstance(info.value.error_message, ErrorMessage)


@pytest.mark.parametrize("status", UNDOCUMENTED)
async def test_other_statuses_raise_unexpected_status_error_async(respx_mock: respx.MockRouter, status: int) -> None:
    with pytest.raises(UnexpectedStatusError) as info:
        await _list_async(respx_mock, httpx.Response(status, text="nope"))
    assert info.value.status_code == status
    assert info.value.body == "nope"
    assert info.value.error_message is None


def test_can_be_retried_is_codats_verdict(respx_mock: respx.MockRouter) -> None:
    # The spec types canBeRetried as a string ("True"/"False"/"Unknown"); its examples carry booleans.
    cases: list[tuple[Any, bool | None]] = [
        ("true", True),
        (" False ", False),
        ("Unknown", None),
        (True, True),
        (False, False),
        (1, None),
        (None, None),
    ]
    for raw, expected in cases:
        respx_mock.get(LIST_COMPANIES).mock(return_value=httpx.Response(503, json=error_json(503, canBeRetried=raw)))
        with CodatPlatform(api_key=API_KEY) as client, pytest.raises(ServiceUnavailableError) as info:
            client.companies.list()
        assert info.value.can_be_retried is expected


# -- odd error bodies ---------------------------------------------------------------------------------------

ODD_BODIES: list[tuple[str, bytes, str | None]] = [
    ("html", b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    ("empty", b"", None),
    ("plain text", b"upstream connect error or disconnect/reset before headers", "text/plain"),
    ("json array", b'[{"error": "x"}]', "application/json"),
    ("json string", b'"oops"', "application/json"),
    ("json null", b"null", "application/json"),
    ("truncated json", b'{"statusCode": 500, "error": "cut', "application/json"),
    ("invalid utf-8", b'\xff\xfe\xfa{"error": "\xc3\x28"}', "application/json"),
    ("invalid utf-8, latin-1 declared", b"\xff\xfe caf\xe9", "text/plain; charset=latin-1"),
]


@pytest.mark.parametrize(("body", "content_type"), [pytest.param(b, c, id=i) for i, b, c in ODD_BODIES])
def test_odd_error_bodies_raise_inside_the_hierarchy(
    respx_mock: respx.MockRouter, body: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    with pytest.raises(InternalServerError) as info:
        _list_sync(respx_mock, httpx.Response(500, content=body, headers=headers))
    err = info.value
    assert err.error_message is None
    assert err.status_code == 500
    assert err.response.content == body
    assert isinstance(err.body, str)
    assert err.correlation_id is None
    assert err.can_be_retried is None
    assert err.detailed_error_code is None
    assert "500" in str(err)
    repr(err)


@pytest.mark.parametrize(("body", "content_type"), [pytest.param(b, c, id=i) for i, b, c in ODD_BODIES])
async def test_odd_error_bodies_raise_inside_the_hierarchy_async(
    respx_mock: respx.MockRouter, body: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    with pytest.raises(InternalServerError) as info:
        await _list_async(respx_mock, httpx.Response(500, content=body, headers=headers))
    assert info.value.error_message is None


def test_html_body_is_kept_and_quoted_in_the_message(respx_mock: respx.MockRouter) -> None:
    html = "<html><body>Service temporarily down</body></html>"
    with pytest.raises(InternalServerError) as info:
        _list_sync(respx_mock, httpx.Response(500, text=html, headers={"content-type": "text/html"}))
    assert info.value.body == html
    assert html in str(info.value)


def test_long_bodies_are_cut_in_the_message(respx_mock: respx.MockRouter) -> None:
    with pytest.raises(BadRequestError) as info:
        _list_sync(respx_mock, httpx.Response(400, text="x" * 10_000))
    assert info.value.body == "x" * 10_000
    assert len(str(info.value)) < 1_000


def test_error_json_with_wrong_field_types(respx_mock: respx.MockRouter) -> None:
    body: dict[str, Any] = {
        "statusCode": "five hundred",
        "service": 7,
        "error": ["not", "a", "string"],
        "correlationId": 12345,
        "canBeRetried": 1,
        "detailedErrorCode": "E42",
        "validation": "should be an object",
    }
    with pytest.raises(InternalServerError) as info:
        _list_sync(respx_mock, httpx.Response(500, json=body))
    err = info.value
    # Whatever the model made of it, the typed accessors never hand back a value of the wrong type.
    assert err.correlation_id is None
    assert err.can_be_retried is None
    assert err.detailed_error_code is None
    assert "500" in str(err)


def test_error_json_with_extra_fields_keeps_them(respx_mock: respx.MockRouter) -> None:
    with pytest.raises(NotFoundError) as info:
        _list_sync(respx_mock, httpx.Response(404, json=error_json(404, traceId="abc")))
    message = info.value.error_message
    assert isinstance(message, ErrorMessage)
    assert message.additional_properties == {"traceId": "abc"}


# -- no response --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadError("connection reset by peer"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        httpx.ProxyError("proxy said no"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_network_failure_is_api_connection_error(respx_mock: respx.MockRouter, exc: httpx.TransportError) -> None:
    respx_mock.get(LIST_COMPANIES).mock(side_effect=exc)
    with CodatPlatform(api_key=API_KEY) as client, pytest.raises(APIConnectionError) as info:
        client.companies.list()
    assert type(info.value) is APIConnectionError
    assert info.value.__cause__ is exc
    assert "GET /companies" in str(info.value)


async def test_network_failure_is_api_connection_error_async(respx_mock: respx.MockRouter) -> None:
    exc = httpx.ConnectError("connection refused")
    respx_mock.get(LIST_COMPANIES).mock(side_effect=exc)
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.companies.list()
    assert type(info.value) is APIConnectionError
    assert info.value.__cause__ is exc


@pytest.mark.parametrize(
    "exc",
    [httpx.ReadTimeout("read timed out"), httpx.ConnectTimeout("connect timed out"), httpx.PoolTimeout("pool")],
    ids=lambda e: type(e).__name__,
)
def test_timeout_is_api_timeout_error(respx_mock: respx.MockRouter, exc: httpx.TimeoutException) -> None:
    respx_mock.get(LIST_COMPANIES).mock(side_effect=exc)
    with CodatPlatform(api_key=API_KEY) as client, pytest.raises(APITimeoutError) as info:
        client.companies.list()
    assert isinstance(info.value, APIConnectionError)
    assert info.value.__cause__ is exc


async def test_timeout_is_api_timeout_error_async(respx_mock: respx.MockRouter) -> None:
    exc = httpx.ReadTimeout("read timed out")
    respx_mock.get(LIST_COMPANIES).mock(side_effect=exc)
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.companies.list()
    assert info.value.__cause__ is exc


# -- 2xx bodies that do not fit -----------------------------------------------------------------------------

BAD_SUCCESS_BODIES = [
    pytest.param(b'{"results": "x"}', id="results-not-a-list"),
    pytest.param(json.dumps(companies_json(results="x")).encode(), id="full-page-results-string"),
    pytest.param(json.dumps(companies_json(results=[{"name": "no id"}])).encode(), id="company-missing-id"),
    pytest.param(json.dumps(companies_json(results=[{"id": "not-a-uuid", "name": "n", "redirect": "r"}])).encode()),
    pytest.param(b"not json{", id="invalid-json"),
    pytest.param(b"", id="empty"),
    pytest.param(b"[]", id="array"),
    pytest.param(b"null", id="null"),
    pytest.param(b"\xff\xfe\x00", id="invalid-utf8"),
]


@pytest.mark.parametrize("body", BAD_SUCCESS_BODIES)
def test_success_body_not_matching_schema_is_response_validation_error(
    respx_mock: respx.MockRouter, body: bytes
) -> None:
    with pytest.raises(ResponseValidationError) as info:
        _list_sync(respx_mock, httpx.Response(200, content=body, headers={"content-type": "application/json"}))
    err = info.value
    assert err.status_code == 200
    assert err.response.content == body
    assert err.body == err.response.text
    assert "list-companies" in str(err)
    assert err.__cause__ is not None


@pytest.mark.parametrize("body", BAD_SUCCESS_BODIES)
async def test_success_body_not_matching_schema_is_response_validation_error_async(
    respx_mock: respx.MockRouter, body: bytes
) -> None:
    with pytest.raises(ResponseValidationError) as info:
        await _list_async(respx_mock, httpx.Response(200, content=body))
    assert info.value.response.content == body


def test_response_validation_error_carries_the_raw_body(respx_mock: respx.MockRouter) -> None:
    with pytest.raises(ResponseValidationError) as info:
        _list_sync(respx_mock, httpx.Response(200, json={"results": "x"}))
    assert json.loads(info.value.body) == {"results": "x"}
    assert '"results"' in str(info.value)


# -- bodies httpx itself cannot decode, or that exhaust the JSON parser ----------------------------------------


@pytest.mark.parametrize("status", [200, 500])
def test_deeply_nested_json_raises_inside_the_hierarchy(status: int) -> None:
    client = sync_platform(lambda request: httpx.Response(status, content=b"[" * 100_000))
    with pytest.raises(CodatError):
        client.companies.list()


@pytest.mark.parametrize("status", [200, 500])
def test_undecodable_content_encoding_raises_inside_the_hierarchy(status: int) -> None:
    client = sync_platform(
        lambda request: httpx.Response(status, content=b"not gzip", headers={"content-encoding": "gzip"})
    )
    with pytest.raises(CodatError):
        client.companies.list()


@pytest.mark.parametrize("charset", ["rot13", "base64"])
@pytest.mark.parametrize("status", [200, 500])
def test_non_text_charset_raises_inside_the_hierarchy(status: int, charset: str) -> None:
    client = sync_platform(
        lambda request: httpx.Response(
            status, content=b'{"a": 1}', headers={"content-type": f"application/json; charset={charset}"}
        )
    )
    with pytest.raises(CodatError):
        client.companies.list()


# -- Retry-After --------------------------------------------------------------------------------------------

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3.5 ", 3.5),
        ("0", 0.0),
        ("-5", 0.0),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ("Tue, 14 Nov 2023 22:13:50 GMT", 30.0),  # NOW + 30 s
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("Wed, 99 Foo 2023 99:99:99 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize("value", ["inf", "1e999", "Infinity"])
def test_parse_retry_after_rejects_infinite_waits(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_rate_limit_error_exposes_retry_after(respx_mock: respx.MockRouter) -> None:
    response = httpx.Response(429, json=error_json(429), headers={"Retry-After": "7"})
    with pytest.raises(RateLimitError) as info:
        _list_sync(respx_mock, response)
    assert info.value.retry_after == 7.0


def test_rate_limit_error_without_retry_after(respx_mock: respx.MockRouter) -> None:
    with pytest.raises(RateLimitError) as info:
        _list_sync(respx_mock, httpx.Response(429))
    assert info.value.retry_after is None


# -- fuzzing ------------------------------------------------------------------------------------------------

_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
_json_values = st.recursive(
    _json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
_near_pages = st.fixed_dictionaries(
    {},
    optional={
        "results": _json_values | st.lists(st.dictionaries(st.sampled_from(["id", "name", "redirect"]), _json_values)),
        "pageNumber": _json_values,
        "pageSize": _json_values,
        "totalResults": _json_values,
        "_links": _json_values,
    },
)
_bodies = (
    st.binary(max_size=512)
    | _json_values.map(lambda v: json.dumps(v).encode())
    | _near_pages.map(lambda v: json.dumps(v).encode())
    | st.just(json.dumps(companies_json()).encode())
    | st.sampled_from([json.dumps(error_json(s)).encode() for s in (400, 500)])
)
_statuses = st.integers(min_value=100, max_value=599)
_content_types = st.sampled_from(
    [None, "application/json", "application/json; charset=utf-8", "text/html", "text/plain; charset=latin-1"]
)


def _response(status: int, body: bytes, content_type: str | None) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return httpx.Response(status, content=body, headers=headers)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=_statuses, body=_bodies, content_type=_content_types)
def test_fuzzed_responses_raise_only_codat_errors(status: int, body: bytes, content_type: str | None) -> None:
    client = sync_platform(lambda request: _response(status, body, content_type))
    try:
        result = client.companies.list()
    except APIStatusError as err:
        assert not 200 <= status < 300
        assert err.status_code == status
    except ResponseValidationError as err:
        assert 200 <= status < 300
        assert err.response.content == body
    else:
        assert 200 <= status < 300
        assert isinstance(result, Companies)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=_statuses, body=_bodies, content_type=_content_types)
def test_fuzzed_responses_raise_only_codat_errors_async(status: int, body: bytes, content_type: str | None) -> None:
    async def scenario() -> None:
        client = async_platform(lambda request: _response(status, body, content_type))
        try:
            result = await client.companies.list()
        except APIStatusError as err:
            assert err.status_code == status
        except ResponseValidationError:
            assert 200 <= status < 300
        else:
            assert isinstance(result, Companies)

    asyncio.run(scenario())
