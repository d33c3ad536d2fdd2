"""Client configuration against Prism: a hook's header, the default unlink body and the debug log pass
Prism's request validation (the autouse check in conftest.py fails on any violation), sync and async."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Connection

from codat_sdk import LOGGER_NAME, HookContext
from tests.conftest import COMPANY_ID, CONNECTION_ID
from tests.e2e.harness import API_KEY

BASIC = base64.b64encode(API_KEY.encode()).decode()


def _tag(request: httpx.Request, context: HookContext) -> None:
    request.headers["X-Correlation"] = f"{context.operation.id}-{context.attempt}"


def test_unlink_without_a_body_and_hooks_sync(platform_client: CodatPlatform, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    seen: list[int] = []
    platform_client.hooks.before_request(_tag)
    platform_client.hooks.after_response(lambda response, context: seen.append(response.status_code))
    unlinked = platform_client.connections.unlink(company_id=COMPANY_ID, connection_id=CONNECTION_ID)
    assert isinstance(unlinked, Connection)
    assert seen == [200]
    assert "'x-correlation': 'unlink-connection-1'" in caplog.text
    assert 'body={"status": "Unlinked"}' in caplog.text
    assert API_KEY not in caplog.text and BASIC not in caplog.text


async def test_unlink_without_a_body_and_hooks_async(
    async_platform_client: AsyncCodatPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    seen: list[int] = []

    async def after(response: httpx.Response, context: HookContext) -> None:
        seen.append(response.status_code)

    async_platform_client.hooks.before_request(_tag)
    async_platform_client.hooks.after_response(after)
    unlinked = await async_platform_client.connections.unlink(company_id=COMPANY_ID, connection_id=CONNECTION_ID)
    assert isinstance(unlinked, Connection)
    assert seen == [200]
    assert 'body={"status": "Unlinked"}' in caplog.text
    assert API_KEY not in caplog.text and BASIC not in caplog.text
