"""Debug logging: what each attempt logs, and that no credential or secret-named value ever reaches a log."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import CreateApiKey

import codat_sdk._client
from codat_sdk import (
    LOGGER_NAME,
    MAX_LOGGED_BODY,
    APIConnectionError,
    BackoffStrategy,
    RetryConfig,
    UnauthorizedError,
)
from tests.conftest import API_KEY, Recorder, companies_json, company_json, error_json, sync_platform
from tests.runtime.faultserver import FaultServer, Reply, unused_port

QUICK_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), max_attempts=3)

# Every value below must be absent from every log line; their names are what marks them secret.
SECRETS = {
    "api_key": API_KEY,
    "basic": base64.b64encode(API_KEY.encode()).decode(),
    "request_body": "request-body-client-secret-1",
    "query": "query-token-2",
    "header": "header-api-key-3",
    "response_key": "response-api-key-4",
    "response_nested": "response-nested-password-5",
    "cookie": "cookie-session-6",
    "error_field": "error-field-token-7",
}


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    return caplog


def _script_every_kind_of_exchange(server: FaultServer) -> None:
    server.script(
        # a retried error, then a success carrying secrets in its body and headers
        Reply(503, error_json(503), {"Retry-After": "0"}),
        Reply(
            200,
            {
                "id": "e288a972",
                "name": "ci",
                "apiKey": SECRETS["response_key"],
                "meta": {"owner": {"password": SECRETS["response_nested"]}},
            },
            {"Set-Cookie": f"session={SECRETS['cookie']}"},
        ),
        # an error response whose body names a secret
        Reply(401, error_json(401, error="invalid", accessToken=SECRETS["error_field"])),
    )


def _request_body() -> CreateApiKey:
    body = CreateApiKey(name="ci")
    body["clientSecret"] = SECRETS["request_body"]
    return body


CALL_OPTIONS: dict[str, Any] = {
    "extra_query": {"token": SECRETS["query"]},
    "extra_headers": {"X-Api-Key": SECRETS["header"]},
}


def _assert_nothing_secret(caplog: pytest.LogCaptureFixture) -> None:
    text = "\n".join(record.getMessage() for record in caplog.records)
    for name, value in SECRETS.items():
        assert value not in text, f"{name} leaked into the debug log"
    assert "[REDACTED]" in text


def _assert_logged_exchange(caplog: pytest.LogCaptureFixture, url: str) -> None:
    messages = [record.getMessage() for record in caplog.records]
    text = "\n".join(messages)
    retry = "create-api-key (POST /apiKeys): attempt 1 failed (503); retrying in"
    assert all(
        record.levelno == (logging.INFO if retry in record.getMessage() else logging.DEBUG) for record in caplog.records
    )
    assert f"create-api-key: request POST {url}/apiKeys?token=%5BREDACTED%5D (attempt 1)" in text
    assert "create-api-key: response 503 Service Unavailable to POST" in text
    assert retry in text
    assert "(attempt 2) in " in text
    assert " ms headers=" in text
    assert "'authorization': '[REDACTED]'" in text
    assert "'x-api-key': '[REDACTED]'" in text
    assert "'set-cookie': '[REDACTED]'" in text
    assert '"clientSecret": "[REDACTED]"' in text
    assert '"apiKey": "[REDACTED]"' in text
    assert '"password": "[REDACTED]"' in text
    assert "response 401 Unauthorized" in text
    assert "failed (attempt 1) after" in text
    assert "UnauthorizedError: POST /apiKeys -> 401 Unauthorized: invalid" in text


def test_sync_debug_log_has_the_exchange_and_no_secrets(
    debug_log: pytest.LogCaptureFixture, server: FaultServer
) -> None:
    _script_every_kind_of_exchange(server)
    with CodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        created = client.settings.create_api_key(body=_request_body(), retries=QUICK_RETRIES, **CALL_OPTIONS)
        assert created.api_key == SECRETS["response_key"]  # the caller still gets the value
        with pytest.raises(UnauthorizedError):
            client.settings.create_api_key(body=_request_body(), **CALL_OPTIONS)
    _assert_logged_exchange(debug_log, server.url)
    _assert_nothing_secret(debug_log)


async def test_async_debug_log_has_the_exchange_and_no_secrets(
    debug_log: pytest.LogCaptureFixture, server: FaultServer
) -> None:
    _script_every_kind_of_exchange(server)
    async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        await client.settings.create_api_key(body=_request_body(), retries=QUICK_RETRIES, **CALL_OPTIONS)
        with pytest.raises(UnauthorizedError):
            await client.settings.create_api_key(body=_request_body(), **CALL_OPTIONS)
    _assert_logged_exchange(debug_log, server.url)
    _assert_nothing_secret(debug_log)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_connection_errors_are_logged_without_secrets(mode: str, debug_log: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    with pytest.raises(APIConnectionError):
        if mode == "sync":
            with CodatPlatform(api_key=API_KEY, server_url=url) as client:
                client.companies.list(**CALL_OPTIONS)
        else:
            async with AsyncCodatPlatform(api_key=API_KEY, server_url=url) as aclient:
                await aclient.companies.list(**CALL_OPTIONS)
    text = debug_log.text
    assert "list-companies: GET" in text
    assert "failed (attempt 1) after" in text
    assert "APIConnectionError: GET /companies: ConnectError" in text
    for value in (API_KEY, SECRETS["basic"], SECRETS["query"], SECRETS["header"]):
        assert value not in text


def test_debug_logger_receives_the_records(caplog: pytest.LogCaptureFixture) -> None:
    mine = logging.getLogger("my_app.codat")
    caplog.set_level(logging.DEBUG, logger="my_app.codat")
    client = sync_platform(Recorder(json=companies_json()), debug_logger=mine)
    client.companies.list()
    names = {record.name for record in caplog.records}
    assert names == {"my_app.codat"}
    assert client.debug_logger is mine
    assert API_KEY not in caplog.text


def test_bodies_are_cut_to_a_bounded_size(debug_log: pytest.LogCaptureFixture) -> None:
    huge = companies_json(results=[company_json(name="x" * 200) for _ in range(200)])
    sync_platform(Recorder(json=huge)).companies.list()
    response_line = next(r.getMessage() for r in debug_log.records if "response 200" in r.getMessage())
    assert len(response_line) < MAX_LOGGED_BODY + 1000
    assert "bytes)" in response_line


def test_binary_bodies_are_not_dumped(debug_log: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\x00" * 4096, headers={"Content-Type": "application/octet-stream"})

    from codat_sdk_files import CodatFiles

    client = CodatFiles(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with client.files.download_files("8a210b68-6988-11ed-a1eb-0242ac120002") as download:
        download.read()
    response_line = next(r.getMessage() for r in debug_log.records if "response 200" in r.getMessage())
    # A mock transport hands over the body already read; a network download is logged as <streamed>.
    assert response_line.endswith(("body=<4096 bytes of application/octet-stream>", "body=<streamed>"))
    assert "\x00" not in debug_log.text


def test_nothing_is_formatted_when_debug_is_off(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    def must_not_run(*args: object) -> float:
        raise AssertionError("log formatting ran with DEBUG off")

    monkeypatch.setattr(codat_sdk._client, "log_request", must_not_run)
    monkeypatch.setattr(codat_sdk._client, "log_response", must_not_run)
    monkeypatch.setattr(codat_sdk._client, "log_error", must_not_run)
    client = sync_platform(Recorder(404, json=error_json(404)))
    with pytest.raises(Exception, match="404"):
        client.companies.list()
    assert caplog.records == []


def test_debug_logger_must_be_a_logger() -> None:
    with pytest.raises(TypeError, match=r"debug_logger= must be a logging\.Logger"):
        CodatPlatform(api_key=API_KEY, debug_logger="codat")  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_streamed_download_is_not_read_for_the_log(
    mode: str, debug_log: pytest.LogCaptureFixture, server: FaultServer
) -> None:
    from codat_sdk_files import AsyncCodatFiles, CodatFiles

    server.script(Reply(200, b"PK\x03\x04" + b"\x00" * 100_000, {"Content-Type": "application/octet-stream"}))
    company = "8a210b68-6988-11ed-a1eb-0242ac120002"
    if mode == "sync":
        with (
            CodatFiles(api_key=API_KEY, server_url=server.url) as client,
            client.files.download_files(company) as download,
        ):
            assert len(download.read()) == 100_004
    else:
        async with (
            AsyncCodatFiles(api_key=API_KEY, server_url=server.url) as aclient,
            await aclient.files.download_files(company) as adownload,
        ):
            assert len(await adownload.read()) == 100_004
    response_line = next(r.getMessage() for r in debug_log.records if "response 200" in r.getMessage())
    assert response_line.endswith("body=<streamed>")


def test_an_echoed_credential_in_the_reason_phrase_is_not_logged(debug_log: pytest.LogCaptureFixture) -> None:
    """The response line is logged through the redactor, as the exception quoting it already was.

    Before, the reason phrase went into the response's log line as the server sent it.
    """
    encoded = base64.b64encode(API_KEY.encode()).decode()

    def echo(request: httpx.Request) -> httpx.Response:
        reason = f"Bad key {request.headers['Authorization']}".encode()
        return httpx.Response(401, json=error_json(401), extensions={"reason_phrase": reason})

    with pytest.raises(UnauthorizedError) as caught:
        sync_platform(echo).companies.list()
    assert encoded not in str(caught.value)
    assert any("response 401" in record.getMessage() for record in debug_log.records)
    _assert_nothing_secret(debug_log)
