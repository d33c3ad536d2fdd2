"""Faults for retry tests: 429 with Retry-After, 5xx and dropped connections, per operation, from a seed.

Checked with this SDK's own retries (quick backoff): idempotent calls are retried, a POST only where
Codat cannot have acted (429, 503, a refused connection), so a POST whose answer was lost is not repeated.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest
from codat_sdk_platform.models import CompanyRequestBody

from codat_sdk import (
    APIConnectionError,
    BackoffStrategy,
    InternalServerError,
    RateLimitError,
    RetryConfig,
    ServiceUnavailableError,
)
from codat_sdk.testing import Sandbox
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE
from tests.testing.sandbox_support import async_client, auth_headers, client

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)

QUICK = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 5_000))


def _statuses(sandbox: Sandbox, operation_id: str) -> list[int | None]:
    return [call.status for call in sandbox.calls if call.operation_id == operation_id]


def test_the_next_calls_answer_429_with_retry_after_and_the_client_retries() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(2, status=429, retry_after=0.01, operation="list-companies")
    with client(sandbox, retry_config=QUICK) as codat:
        codat.companies.create(body=CompanyRequestBody(name="not faulted"))
        assert codat.companies.list().total_results == 1
    assert _statuses(sandbox, "list-companies") == [429, 429, 200]
    assert _statuses(sandbox, "create-company") == [200]
    assert [injected.operation_id for injected in sandbox.faults.injected] == ["list-companies"] * 2


def test_a_429_past_the_retries_is_raised_with_its_retry_after() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(5, status=429, retry_after=2)
    with client(sandbox, retry_config=RetryConfig("none")) as codat, pytest.raises(RateLimitError) as raised:
        codat.companies.list()
    assert raised.value.retry_after == 2
    assert raised.value.error_message is not None and raised.value.error_message.status_code == 429


def test_a_post_answered_500_is_not_repeated() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(1, status=500, operation="create-company")
    with client(sandbox, retry_config=QUICK) as codat, pytest.raises(InternalServerError):
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    assert _statuses(sandbox, "create-company") == [500]
    assert sandbox.companies() == []


def test_a_post_answered_503_is_retried_and_acts_once() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(1, status=503, operation="create-company")
    with client(sandbox, retry_config=QUICK) as codat:
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    assert _statuses(sandbox, "create-company") == [503, 200]
    assert [company["name"] for company in sandbox.companies()] == ["Toft"]


def test_a_post_whose_answer_is_lost_is_not_repeated() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(1, drop=True, acted=True, operation="create-company")
    with client(sandbox, retry_config=QUICK) as codat, pytest.raises(APIConnectionError):
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    assert _statuses(sandbox, "create-company") == [None]
    assert [company["name"] for company in sandbox.companies()] == ["Toft"]  # Codat acted, once


def test_a_dropped_get_is_retried() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    sandbox.faults.next(2, drop=True, operation="get-company")
    with client(sandbox, retry_config=QUICK) as codat:
        assert codat.companies.get(company_id=company["id"]).name == "Toft"
    assert _statuses(sandbox, "get-company") == [None, None, 200]


def test_the_async_client_retries_the_same_way() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(1, status=503, operation="list-companies")
    sandbox.faults.next(1, drop=True, operation="list-companies")

    async def main() -> int | None:
        codat = async_client(sandbox, retry_config=QUICK)
        page = await codat.companies.list()
        return page.total_results

    assert asyncio.run(main()) == 0
    assert _statuses(sandbox, "list-companies") == [503, None, 200]


def _rate_run(seed: int) -> list[int | None]:
    sandbox = Sandbox(seed=seed)
    sandbox.faults.rate(0.5, status=503, operation="list-companies")
    with client(sandbox, retry_config=RetryConfig("none")) as codat:
        for _ in range(40):
            with contextlib.suppress(ServiceUnavailableError):
                codat.companies.list()
    return _statuses(sandbox, "list-companies")


def test_a_share_of_calls_fails_the_same_way_for_the_same_seed() -> None:
    first = _rate_run(1)
    assert first == _rate_run(1)
    assert first != _rate_run(2)
    assert 5 < first.count(503) < 35  # about half


def test_the_loopback_server_closes_the_socket_for_a_dropped_call() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(1, drop=True)
    sandbox.faults.next(1, status=429, retry_after=3)
    with sandbox.serve() as url, httpx.Client(base_url=url, headers=auth_headers(sandbox)) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/companies")
        limited = http.get("/companies")
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
        assert limited.json()["statusCode"] == 429
        assert http.get("/companies").status_code == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"status": 200}, "error status"),
        ({"operation": "no-such-operation"}, "not an operation id"),
        ({"drop": True, "retry_after": 1}, "retry_after"),
    ],
)
def test_a_fault_that_cannot_happen_is_refused_when_scheduled(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Sandbox().faults.next(1, **options)  # type: ignore[arg-type]


def test_clear_cancels_scheduled_faults() -> None:
    sandbox = Sandbox()
    sandbox.faults.next(3)
    sandbox.faults.rate(1.0)
    sandbox.faults.clear()
    with client(sandbox) as codat:
        codat.companies.list()
    assert sandbox.faults.injected == []
