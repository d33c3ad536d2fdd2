"""The harness itself: the clients' response hook really collects request violations, both the
``sl-violations`` header (Prism's 400) and the problem body of Prism's own 422, sync and async.

Each test sends a request Prism must reject, checks the log, then clears it so the autouse check in
conftest.py does not fail the test for the violation it provoked on purpose.
"""

from __future__ import annotations

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import APIStatusError, BadRequestError, HookContext
from tests.conftest import COMPANY_ID
from tests.e2e.harness import ViolationLog

BAD_PAGE_SIZE = {"pageSize": "abc"}


def not_a_uuid_in_the_path(request: httpx.Request, context: HookContext) -> None:
    """Puts on the wire the id the SDK itself refuses before sending: a company id that is not a UUID."""
    request.url = request.url.copy_with(path=request.url.path.replace(str(COMPANY_ID), "not-a-uuid"))


def _locations(log: ViolationLog) -> list[list[str]]:
    return [v["location"] for seen in log.request_violations() for v in seen.violations]


def test_header_violation_is_collected_sync(platform_client: CodatPlatform, violation_log: ViolationLog) -> None:
    with pytest.raises(BadRequestError):
        platform_client.companies.list(extra_query=BAD_PAGE_SIZE)
    assert ["request", "query", "pagesize"] in _locations(violation_log)
    violation_log.clear()


async def test_header_violation_is_collected_async(
    async_platform_client: AsyncCodatPlatform, violation_log: ViolationLog
) -> None:
    with pytest.raises(BadRequestError):
        await async_platform_client.companies.list(extra_query=BAD_PAGE_SIZE)
    assert ["request", "query", "pagesize"] in _locations(violation_log)
    violation_log.clear()


def test_problem_body_violation_is_collected_sync(files_client: CodatFiles, violation_log: ViolationLog) -> None:
    files_client.hooks.before_request(not_a_uuid_in_the_path)
    with pytest.raises(APIStatusError) as caught:
        files_client.files.list_files(COMPANY_ID)
    assert caught.value.status_code == 422
    assert ["request", "path", "companyid"] in _locations(violation_log)
    violation_log.clear()


async def test_problem_body_violation_is_collected_async(
    async_files_client: AsyncCodatFiles, violation_log: ViolationLog
) -> None:
    async_files_client.hooks.before_request(not_a_uuid_in_the_path)
    with pytest.raises(APIStatusError) as caught:
        await async_files_client.files.list_files(COMPANY_ID)
    assert caught.value.status_code == 422
    assert ["request", "path", "companyid"] in _locations(violation_log)
    violation_log.clear()


def test_streamed_response_violation_is_collected(files_client: CodatFiles, violation_log: ViolationLog) -> None:
    """A download is streamed (the hook sees it before its body is read); download documents a 400."""
    files_client.hooks.before_request(not_a_uuid_in_the_path)
    with pytest.raises(BadRequestError):
        files_client.files.download_files(COMPANY_ID)
    assert ["request", "path", "companyid"] in _locations(violation_log)
    violation_log.clear()
