"""Credentials: how they are sent, how bad ones are refused, and that they never show up anywhere."""

from __future__ import annotations

import base64
import logging
import pickle
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import (
    API_KEY_ENV_VAR,
    APIConnectionError,
    APITimeoutError,
    CodatError,
    ResponseValidationError,
    Secret,
    UnauthorizedError,
)
from tests.conftest import API_KEY, BASE_URL, COMPANY_ID, Recorder, companies_json, error_json
from tests.runtime.faultserver import Received, Reply, serving

# One attempt per call: what a single failure raises (retries have their own tests).

BASIC = "Basic " + base64.b64encode(API_KEY.encode()).decode()
LEAKS = (API_KEY, BASIC, base64.b64encode(API_KEY.encode()).decode())


def _assert_no_leak(text: str) -> None:
    for secret in LEAKS:
        assert secret not in text


def _client(recorder: Recorder, **kwargs: Any) -> CodatPlatform:
    return CodatPlatform(client=httpx.Client(transport=httpx.MockTransport(recorder)), **kwargs)


# -- how credentials are sent -------------------------------------------------------------------------------


def test_api_key_is_sent_as_basic_auth_of_the_key() -> None:
    recorder = Recorder(json=companies_json())
    _client(recorder, api_key=API_KEY).companies.list()
    assert recorder.last.headers["authorization"] == BASIC


def test_auth_header_is_sent_verbatim() -> None:
    recorder = Recorder(json=companies_json())
    _client(recorder, auth_header="Basic already-encoded==").companies.list()
    assert recorder.last.headers["authorization"] == "Basic already-encoded=="


def test_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_KEY_ENV_VAR, API_KEY)
    recorder = Recorder(json=companies_json())
    _client(recorder).companies.list()
    assert recorder.last.headers["authorization"] == BASIC


def test_explicit_api_key_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_KEY_ENV_VAR, "from-env")
    recorder = Recorder(json=companies_json())
    _client(recorder, api_key=API_KEY).companies.list()
    assert recorder.last.headers["authorization"] == BASIC


def test_extra_headers_cannot_override_the_credentials() -> None:
    recorder = Recorder(json=companies_json())
    _client(recorder, api_key=API_KEY).companies.list(extra_headers={"Authorization": "Basic other"})
    assert recorder.last.headers.get_list("authorization") == [BASIC]


async def test_async_client_sends_the_same_header(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/companies").respond(200, json=companies_json())
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        await client.companies.list()
    assert route.calls.last.request.headers["authorization"] == BASIC


# -- refused credentials ------------------------------------------------------------------------------------

ALL_CLIENTS = [CodatPlatform, AsyncCodatPlatform, CodatFiles, AsyncCodatFiles]


@pytest.mark.parametrize("client_type", ALL_CLIENTS)
def test_both_api_key_and_auth_header_is_an_error(client_type: type[Any]) -> None:
    with pytest.raises(ValueError, match="not both"):
        client_type(api_key=API_KEY, auth_header="Basic x")


@pytest.mark.parametrize("client_type", ALL_CLIENTS)
def test_no_credentials_is_an_error(client_type: type[Any]) -> None:
    with pytest.raises(ValueError, match=API_KEY_ENV_VAR):
        client_type()


def test_empty_credentials_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        CodatPlatform(api_key="")
    monkeypatch.setenv(API_KEY_ENV_VAR, "")
    with pytest.raises(ValueError):
        CodatPlatform()


@pytest.mark.parametrize("client_type", ALL_CLIENTS)
def test_an_empty_auth_header_is_an_error_as_an_empty_api_key_is(client_type: type[Any]) -> None:
    """Before, ``auth_header=""`` was accepted and every call sent an empty Authorization header (401)."""
    with pytest.raises(ValueError, match="auth_header= is empty"):
        client_type(auth_header="")


@pytest.mark.parametrize(
    "header", ["Basic abc\r\nX-Injected: 1", "Basic abc\n", "Basic\rabc", "Basic \x00", "Basic clé", "Basic\tabc"]
)
def test_auth_header_that_would_break_the_header_is_an_error(header: str) -> None:
    with pytest.raises(ValueError) as info:
        CodatPlatform(auth_header=header)
    assert header not in str(info.value)


def test_api_key_with_line_breaks_cannot_inject_headers() -> None:
    recorder = Recorder(json=companies_json())
    with pytest.raises(ValueError, match="api_key= has a line break") as info:
        _client(recorder, api_key="key\r\nX-Injected: 1")
    assert "X-Injected" not in str(info.value)
    assert not recorder.requests


# -- never shown --------------------------------------------------------------------------------------------


def test_key_is_not_in_the_clients_repr() -> None:
    for client in (CodatPlatform(api_key=API_KEY), AsyncCodatPlatform(api_key=API_KEY), CodatFiles(api_key=API_KEY)):
        _assert_no_leak(repr(client))
        _assert_no_leak(str(client))
    client = CodatPlatform(auth_header=BASIC)
    _assert_no_leak(repr(client))
    _assert_no_leak(repr(vars(client)))


def test_secret_hides_its_value() -> None:
    secret = Secret(API_KEY)
    _assert_no_leak(repr(secret))
    _assert_no_leak(str(secret))
    _assert_no_leak(f"{secret}")
    assert secret.reveal() == API_KEY
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def _assert_error_does_not_leak(err: BaseException) -> None:
    _assert_no_leak(str(err))
    _assert_no_leak(repr(err))
    _assert_no_leak(repr(err.args))
    _assert_no_leak("".join(traceback.format_exception(err)))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401, json=error_json(401)),
        httpx.Response(500, text="<html>oops</html>"),
        httpx.Response(200, json={"results": "x"}),
    ],
    ids=["status", "html-status", "validation"],
)
def test_errors_from_responses_do_not_show_the_key(respx_mock: respx.MockRouter, response: httpx.Response) -> None:
    respx_mock.get(f"{BASE_URL}/companies").mock(return_value=response)
    with CodatPlatform(api_key=API_KEY) as client, pytest.raises(CodatError) as info:
        client.companies.list()
    assert isinstance(info.value, (UnauthorizedError, ResponseValidationError, CodatError))
    _assert_error_does_not_leak(info.value)


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("connection refused"), httpx.ReadTimeout("timed out")],
    ids=lambda e: type(e).__name__,
)
def test_connection_errors_do_not_show_the_key(respx_mock: respx.MockRouter, exc: httpx.TransportError) -> None:
    respx_mock.get(f"{BASE_URL}/companies").mock(side_effect=exc)
    with CodatPlatform(api_key=API_KEY) as client, pytest.raises(APIConnectionError) as info:
        client.companies.list()
    _assert_error_does_not_leak(info.value)


def test_real_connection_error_does_not_show_the_key() -> None:
    # Nothing listens on port 9 of localhost: a genuine httpcore ConnectError, not a mocked one.
    with (
        CodatPlatform(api_key=API_KEY, server_url="http://127.0.0.1:9", timeout=5) as client,
        pytest.raises(APIConnectionError) as info,
    ):
        client.companies.list()
    assert not isinstance(info.value, APITimeoutError) or "Timeout" in str(info.value)
    _assert_error_does_not_leak(info.value)


def test_value_errors_do_not_show_the_key() -> None:
    with pytest.raises(ValueError) as info:
        CodatPlatform(api_key=API_KEY, auth_header=BASIC)
    _assert_error_does_not_leak(info.value)
    with pytest.raises(ValueError) as info:
        CodatPlatform(api_key=API_KEY, server_url="ftp://nope")
    _assert_error_does_not_leak(info.value)


# -- logs ---------------------------------------------------------------------------------------------------


def _answer(request: Received) -> Reply:
    if request.path.startswith("/companies/"):
        return Reply(401, error_json(401))
    return Reply(200, companies_json())


@pytest.fixture
def local_server() -> Iterator[str]:
    """A real HTTP server, so httpx and httpcore go through their full (logged) send path."""
    with serving(responder=_answer) as server:
        yield server.url


def _assert_records_do_not_leak(records: list[logging.LogRecord]) -> None:
    for record in records:
        _assert_no_leak(record.getMessage())
        _assert_no_leak(repr(record.args))
        _assert_no_leak(repr(record.__dict__))


def test_debug_logs_of_httpx_and_httpcore_do_not_show_the_key(
    caplog: pytest.LogCaptureFixture, local_server: str
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    with (
        httpx.Client(trust_env=False) as http,
        CodatPlatform(api_key=API_KEY, server_url=local_server, client=http) as client,
    ):
        client.companies.list()
        with pytest.raises(UnauthorizedError):
            client.companies.get(COMPANY_ID)
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore"} <= loggers, "the test must see httpx's and httpcore's own logging"
    assert any("send_request_headers" in record.getMessage() for record in caplog.records)
    _assert_records_do_not_leak(caplog.records)


async def test_debug_logs_do_not_show_the_key_async(caplog: pytest.LogCaptureFixture, local_server: str) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        httpx.AsyncClient(trust_env=False) as http,
        AsyncCodatPlatform(api_key=API_KEY, server_url=local_server, client=http) as client,
    ):
        await client.companies.list()
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    _assert_records_do_not_leak(caplog.records)
