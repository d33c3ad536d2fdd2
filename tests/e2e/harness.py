"""Clients wired to Prism: every response passes through an httpx event hook that collects the
violations Prism reports (``devtools.prism.violations``), so a test can fail on any request we sent
that breaks the spec.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import RetryConfig
from devtools.prism import INSTALL_HINT, Violation, find_prism, is_request_violation, violations
from tests.e2e.spec_support import NO_SOURCE, has_source

# Prism only checks that an Authorization header is present; the value is never a real key.
API_KEY = "not-a-real-key"
_PROBLEM_JSON = "application/problem+json"


def ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_prism_and_specs() -> None:
    """Skip when the specs or Prism are missing; on CI a missing Prism fails instead of skipping."""
    if not has_source():
        pytest.skip(NO_SOURCE)
    if find_prism() is None:
        message = f"Prism is not installed; run: {INSTALL_HINT}"
        if ci():
            pytest.fail(f"{message} (CI is set: a missing Prism must not silently skip the e2e suite)")
        pytest.skip(message)


@dataclass(frozen=True)
class Seen:
    """One response that came with violations."""

    method: str
    url: str
    status: int
    violations: list[Violation]

    def describe(self, only_request: bool = True) -> str:
        shown = [v for v in self.violations if is_request_violation(v) or not only_request]
        lines = [f"{self.method} {self.url} -> {self.status}"]
        lines += [f"    {'/'.join(map(str, v['location']))}: {v['message']} ({v['code']})" for v in shown]
        return "\n".join(lines)


@dataclass
class ViolationLog:
    """What Prism said about every response the hooked clients received."""

    seen: list[Seen] = field(default_factory=list)

    def clear(self) -> None:
        self.seen.clear()

    def _record(self, response: httpx.Response) -> None:
        found = violations(response)  # a truncated header still says which side(s) violated
        if found:
            request = response.request
            self.seen.append(Seen(request.method, str(request.url), response.status_code, found))

    def sync_hook(self, response: httpx.Response) -> None:
        # Prism's own 422 carries the violations in its body; responses may be streamed (downloads).
        if response.headers.get("content-type", "").startswith(_PROBLEM_JSON):
            response.read()
        self._record(response)

    async def async_hook(self, response: httpx.Response) -> None:
        if response.headers.get("content-type", "").startswith(_PROBLEM_JSON):
            await response.aread()
        self._record(response)

    def request_violations(self) -> list[Seen]:
        return [s for s in self.seen if any(is_request_violation(v) for v in s.violations)]

    def response_violations(self) -> list[Seen]:
        return [s for s in self.seen if any(not is_request_violation(v) for v in s.violations)]

    def report(self) -> str:
        return "\n".join(s.describe() for s in self.request_violations())


# One log for the session: the autouse check in conftest.py clears it before each test.
VIOLATIONS = ViolationLog()


def sync_http(log: ViolationLog) -> httpx.Client:
    # trust_env=False: an HTTP(S)_PROXY in the environment must not intercept 127.0.0.1.
    return httpx.Client(trust_env=False, event_hooks={"response": [log.sync_hook]})


def async_http(log: ViolationLog) -> httpx.AsyncClient:
    return httpx.AsyncClient(trust_env=False, event_hooks={"response": [log.async_hook]})


# One call is one request: the specs' retry policy would wait (up to an hour) on Prism's 429/500/503.
NO_RETRIES = RetryConfig("none")


def platform_client(url: str, http: httpx.Client) -> CodatPlatform:
    return CodatPlatform(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)


def files_client(url: str, http: httpx.Client) -> CodatFiles:
    return CodatFiles(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)


def async_platform_client(url: str, http: httpx.AsyncClient) -> AsyncCodatPlatform:
    return AsyncCodatPlatform(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)


def async_files_client(url: str, http: httpx.AsyncClient) -> AsyncCodatFiles:
    return AsyncCodatFiles(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)
