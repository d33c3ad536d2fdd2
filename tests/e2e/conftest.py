"""End-to-end fixtures: one Prism per API for the session, and SDK clients whose httpx client reports
every request violation Prism finds. Any request violation fails the test that caused it.

Prerequisites: the pinned specs (``$CODAT_SPEC_SOURCE`` or ``../shared/openapi/``; tests skip without
them) and Prism (``python -m devtools.prism --install``; tests skip without it, or fail when ``CI`` is
set). The recorded-flow tests replay a cassette and need neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator

import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from devtools.prism import serve
from tests.e2e import harness
from tests.e2e.harness import VIOLATIONS, ViolationLog, require_prism_and_specs


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)


# --- Prism servers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def platform_url() -> Iterator[str]:
    """Base URL of Prism serving the pinned Platform spec (started once per session, ~2 s)."""
    require_prism_and_specs()
    with serve("platform") as url:
        yield url


@pytest.fixture(scope="session")
def files_url() -> Iterator[str]:
    """Base URL of Prism serving the pinned Files spec."""
    require_prism_and_specs()
    with serve("files") as url:
        yield url


# --- clients -------------------------------------------------------------------------------------


@pytest.fixture
def violation_log() -> ViolationLog:
    return VIOLATIONS


@pytest.fixture
def platform_client(platform_url: str) -> Iterator[CodatPlatform]:
    with harness.sync_http(VIOLATIONS) as http:
        yield harness.platform_client(platform_url, http)


@pytest.fixture
def files_client(files_url: str) -> Iterator[CodatFiles]:
    with harness.sync_http(VIOLATIONS) as http:
        yield harness.files_client(files_url, http)


@pytest.fixture
async def async_platform_client(platform_url: str) -> AsyncIterator[AsyncCodatPlatform]:
    async with harness.async_http(VIOLATIONS) as http, harness.async_platform_client(platform_url, http) as client:
        yield client


@pytest.fixture
async def async_files_client(files_url: str) -> AsyncIterator[AsyncCodatFiles]:
    async with harness.async_http(VIOLATIONS) as http, harness.async_files_client(files_url, http) as client:
        yield client


# --- the request-violation check -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_request_violations() -> Iterator[None]:
    """Starts each test with an empty log; fails on violations that arrive after the test body
    (the test body's own are reported as a test failure by ``pytest_runtest_call`` below)."""
    VIOLATIONS.clear()
    yield
    late = VIOLATIONS.report()
    VIOLATIONS.clear()
    if late:
        pytest.fail(f"Prism reported request violations (our bugs):\n{late}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    result = yield
    report = VIOLATIONS.report()
    if report:
        VIOLATIONS.clear()
        raise AssertionError(f"Prism reported request violations (our bugs):\n{report}")
    return result
