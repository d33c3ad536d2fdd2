"""SDK errors survive pickle and copy (so they cross process boundaries), and never carry credentials."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest
from codat_sdk_platform import CodatPlatform
from codat_sdk_platform.models import ErrorMessage

from codat_sdk import (
    APIConnectionError,
    APIStatusError,
    CodatError,
    HookError,
    InvalidRequestError,
    NotFoundError,
    ResponseTooLargeError,
    ResponseValidationError,
    RetryConfig,
)
from codat_sdk._errors import status_error
from tests.conftest import COMPANY_ID
from tests.runtime.faultserver import FaultServer, Reply

AUTH_HEADER = "Basic c2stcGlja2xlLXRlc3QtZG8tbm90LWxlYWs="  # a credential that must never be pickled
RESULT_TIMEOUT = 60  # seconds; a broken pool fails fast, this only bounds a hang


def _get_company(server_url: str) -> None:
    """Runs in the worker process: a real call that fails with a 404 (its request carries credentials)."""
    with CodatPlatform(auth_header=AUTH_HEADER, server_url=server_url, retry_config=RetryConfig("none")) as client:
        client.companies.get(company_id=COMPANY_ID)


def _response(status: int, body: bytes, *, auth: str = AUTH_HEADER) -> httpx.Response:
    request = httpx.Request("GET", "https://api.codat.io/companies/x?token=abc", headers={"Authorization": auth})
    return httpx.Response(status, content=body, request=request, headers={"content-type": "application/json"})


def _errors() -> list[CodatError]:
    body = b'{"statusCode": 404, "service": "PublicApi", "error": "no company", "correlationId": "c-1"}'

    status = status_error(_response(404, body), ErrorMessage.from_dict)
    status.attempts = 3
    validation = ResponseValidationError("get-company: bad body", response=_response(200, b'{"id": 1}'))
    connection = APIConnectionError("GET /companies: ConnectError: refused")
    hook = HookError("before_request", lambda request, context: None, "raised KeyError: 'x'")
    hook.error = status
    too_large = ResponseTooLargeError("GET /companies: too large", response=_response(200, b"[1, 2"), limit=5)
    refused = InvalidRequestError("GET /companies: LocalProtocolError: Illegal header value [REDACTED]")
    return [status, validation, connection, hook, too_large, refused]


@pytest.mark.parametrize("error", _errors(), ids=lambda error: type(error).__name__)
def test_errors_round_trip_through_pickle_and_copy_without_credentials(error: CodatError) -> None:
    data = pickle.dumps(error)
    assert AUTH_HEADER.encode() not in data
    assert b"c2stcGlja2xlLXRlc3QtZG8tbm90LWxlYWs" not in data
    for twin in (pickle.loads(data), copy.copy(error), copy.deepcopy(error)):
        assert type(twin) is type(error)
        assert str(twin) == str(error)
        assert twin.attempts == error.attempts
        if isinstance(error, APIStatusError):
            assert isinstance(twin, APIStatusError)
            assert (twin.status_code, twin.body, twin.correlation_id) == (404, error.body, "c-1")
            assert twin.headers == error.headers
            assert twin.response.status_code == 404
            assert twin.response.request.method == "GET"
        if isinstance(error, ResponseValidationError):
            assert isinstance(twin, ResponseValidationError)
            assert (twin.status_code, twin.body) == (200, error.body)
        if isinstance(error, ResponseTooLargeError):
            assert isinstance(twin, ResponseTooLargeError)
            assert twin.limit == 5
        if isinstance(error, HookError):
            assert isinstance(twin, HookError)
            assert (twin.stage, twin.hook_name) == (error.stage, error.hook_name)
            assert isinstance(twin.error, NotFoundError)
    assert AUTH_HEADER not in repr(pickle.loads(data).__dict__)


def test_an_error_raised_in_a_process_pool_worker_reaches_the_caller_and_the_pool_survives(
    server: FaultServer,
) -> None:
    # Before: the worker's NotFoundError pickled (Authorization header included) but could not be
    # unpickled in the parent, which broke the pool: this call and every later one got BrokenProcessPool.
    server.script(Reply(404, {"statusCode": 404, "error": "no such company", "correlationId": "c-9"}))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        with pytest.raises(NotFoundError) as caught:
            pool.submit(_get_company, server.url).result(timeout=RESULT_TIMEOUT)
        assert pool.submit(len, "abc").result(timeout=RESULT_TIMEOUT) == 3
    error = caught.value
    assert error.status_code == 404
    assert error.correlation_id == "c-9"
    assert "no such company" in str(error)
    assert AUTH_HEADER not in str(error.response.request.headers)
    assert server.requests[0].headers["authorization"] == AUTH_HEADER  # the call itself did send it
