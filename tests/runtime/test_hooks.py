"""Hooks: registered publicly, run in order on every attempt, able to change requests; failures named."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import (
    APIConnectionError,
    BackoffStrategy,
    CodatError,
    HookContext,
    HookError,
    Hooks,
    NotFoundError,
    RetryConfig,
    ServiceUnavailableError,
)
from tests.conftest import API_KEY, Recorder, async_platform, companies_json, error_json, sync_platform
from tests.runtime.faultserver import FaultServer, Reply, unused_port

# Retries after ~1 ms waits, so hooks can be seen running once per attempt.
QUICK_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), max_attempts=3)


def test_hooks_run_in_registration_order_and_can_add_a_header(server: FaultServer) -> None:
    server.script(Reply(200, companies_json()))
    calls: list[str] = []
    client = CodatPlatform(api_key=API_KEY, server_url=server.url)

    @client.hooks.before_request
    def first(request: httpx.Request, context: HookContext) -> None:
        calls.append(f"first {context.operation.id} {context.attempt}")
        request.headers["X-Trace"] = "one"

    def second(request: httpx.Request, context: HookContext) -> httpx.Request:
        calls.append("second sees " + request.headers["X-Trace"])
        request.headers["X-Trace"] += ",two"
        return request

    client.hooks.before_request(second)
    client.hooks.after_response(lambda response, context: calls.append(f"after {response.status_code}"))
    client.companies.list()
    client.close()
    assert calls == ["first list-companies 1", "second sees one", "after 200"]
    assert server.requests[-1].headers["x-trace"] == "one,two"


async def test_async_client_takes_async_and_sync_hooks_in_order(server: FaultServer) -> None:
    server.script(Reply(200, companies_json()))
    calls: list[str] = []

    async def async_hook(request: httpx.Request, context: HookContext) -> None:
        await asyncio.sleep(0)
        calls.append("async")
        request.headers["X-Trace"] = "async"

    def sync_hook(request: httpx.Request, context: HookContext) -> None:
        calls.append("sync")
        request.headers["X-Trace"] += ",sync"

    async def after(response: httpx.Response, context: HookContext) -> None:
        calls.append(f"after {response.status_code}")

    hooks = Hooks(before_request=[async_hook, sync_hook], after_response=[after])
    async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, hooks=hooks) as client:
        await client.companies.list()
    assert calls == ["async", "sync", "after 200"]
    assert server.requests[-1].headers["x-trace"] == "async,sync"


def test_before_request_may_replace_the_request() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder)
    client.hooks.before_request(
        lambda request, context: httpx.Request(
            request.method, request.url.copy_set_param("page", "7"), headers=request.headers
        )
    )
    client.companies.list()
    assert recorder.last.url.params["page"] == "7"


def test_a_replacement_response_without_a_request_still_raises_the_right_error() -> None:
    client = sync_platform(Recorder(json=companies_json()))
    client.hooks.after_response(lambda response, context: httpx.Response(404, json=error_json(404)))
    with pytest.raises(NotFoundError, match="GET /companies -> 404"):
        client.companies.list()


def test_after_response_may_replace_the_response() -> None:
    recorder = Recorder(404, json=error_json(404))
    client = sync_platform(recorder)
    client.hooks.after_response(
        lambda response, context: httpx.Response(200, json=companies_json(page_number=9), request=response.request)
    )
    assert client.companies.list().page_number == 9


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_hooks_run_on_every_attempt_and_see_each_error(mode: str, server: FaultServer) -> None:
    server.script(Reply(503, error_json(503)), Reply(503, error_json(503)), Reply(200, companies_json()))
    seen: list[tuple[str, int, Any]] = []
    hooks = Hooks()
    hooks.before_request(lambda request, context: seen.append(("before", context.attempt, None)))
    hooks.after_response(lambda response, context: seen.append(("after", context.attempt, response.status_code)))
    hooks.on_error(lambda error, context: seen.append(("error", context.attempt, type(error))))
    kwargs: dict[str, Any] = {"api_key": API_KEY, "server_url": server.url, "hooks": hooks}
    if mode == "sync":
        with CodatPlatform(**kwargs) as client:
            client.companies.list(retries=QUICK_RETRIES)
    else:
        async with AsyncCodatPlatform(**kwargs) as aclient:
            await aclient.companies.list(retries=QUICK_RETRIES)
    assert seen == [
        ("before", 1, None),
        ("after", 1, 503),
        ("error", 1, ServiceUnavailableError),
        ("before", 2, None),
        ("after", 2, 503),
        ("error", 2, ServiceUnavailableError),
        ("before", 3, None),
        ("after", 3, 200),
    ]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_on_error_sees_connection_errors(mode: str) -> None:
    errors: list[CodatError] = []
    hooks = Hooks(on_error=[lambda error, context: errors.append(error)])
    url = f"http://127.0.0.1:{unused_port()}"
    with pytest.raises(APIConnectionError):
        if mode == "sync":
            with CodatPlatform(api_key=API_KEY, server_url=url, hooks=hooks) as client:
                client.companies.list()
        else:
            async with AsyncCodatPlatform(api_key=API_KEY, server_url=url, hooks=hooks) as aclient:
                await aclient.companies.list()
    assert len(errors) == 1
    assert isinstance(errors[0], APIConnectionError)
    assert isinstance(errors[0].__cause__, httpx.ConnectError)


# -- a failing hook ------------------------------------------------------------------------------------------


def broken_hook(subject: Any, context: HookContext) -> None:
    raise ValueError("hook bug")


async def async_broken_hook(subject: Any, context: HookContext) -> None:
    raise ValueError("hook bug")


def _hooks_at(stage: str, hook: Any) -> Hooks:
    hooks = Hooks()
    getattr(hooks, stage)(hook)
    return hooks


@pytest.mark.parametrize("stage", ["before_request", "after_response", "on_error"])
def test_a_raising_hook_surfaces_as_hook_error_naming_it(stage: str) -> None:
    recorder = Recorder(404, json=error_json(404))
    client = sync_platform(recorder, hooks=_hooks_at(stage, broken_hook))
    with pytest.raises(HookError) as caught:
        client.companies.list()
    error = caught.value
    assert isinstance(error, CodatError)
    assert error.stage == stage
    assert error.hook is broken_hook
    assert error.hook_name == f"{__name__}.broken_hook"
    assert f"{stage} hook {__name__}.broken_hook raised ValueError: hook bug" in str(error)
    assert isinstance(error.__cause__, ValueError)
    if stage == "before_request":
        assert recorder.requests == [], "nothing is sent after a failing before_request hook"
    if stage == "on_error":
        assert isinstance(error.error, NotFoundError), "the error the hook was handed is kept"


@pytest.mark.parametrize("stage", ["before_request", "after_response", "on_error"])
async def test_a_raising_async_hook_surfaces_as_hook_error_naming_it(stage: str) -> None:
    recorder = Recorder(404, json=error_json(404))
    client = async_platform(recorder, hooks=_hooks_at(stage, async_broken_hook))
    with pytest.raises(HookError, match=f"{stage} hook .*async_broken_hook raised ValueError") as caught:
        await client.companies.list()
    assert isinstance(caught.value.__cause__, ValueError)


def test_a_hook_error_is_not_retried(server: FaultServer) -> None:
    server.script(Reply(503, error_json(503)), Reply(200, companies_json()))
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url, hooks=Hooks(on_error=[broken_hook])) as client,
        pytest.raises(HookError),
    ):
        client.companies.list(retries=QUICK_RETRIES)
    assert len(server.requests) == 1


def test_an_async_hook_on_a_sync_client_is_a_clear_error() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, hooks=Hooks(before_request=[async_broken_hook]))
    with pytest.raises(HookError, match="is async: a sync client needs sync hooks"):
        client.companies.list()
    assert recorder.requests == []


def test_a_hook_returning_the_wrong_type_is_a_clear_error() -> None:
    client = sync_platform(Recorder(json=companies_json()))
    client.hooks.before_request(lambda request, context: "not a request")  # type: ignore[type-var]
    with pytest.raises(HookError, match=r"returned str, not an httpx\.Request or None"):
        client.companies.list()


def test_hooks_must_be_callable_and_of_the_right_type() -> None:
    with pytest.raises(TypeError, match="callable"):
        Hooks().before_request("nope")  # type: ignore[type-var]
    with pytest.raises(TypeError, match=r"hooks= must be a codat_sdk\.Hooks"):
        CodatPlatform(api_key=API_KEY, hooks=[broken_hook])  # type: ignore[arg-type]


def test_hooks_copy_is_independent() -> None:
    hooks = Hooks(before_request=[broken_hook])
    copy = hooks.copy()
    copy.on_error(broken_hook)
    assert repr(hooks) == "Hooks(before_request=1, after_response=0, on_error=0)"
    assert repr(copy) == "Hooks(before_request=1, after_response=0, on_error=1)"
    assert not Hooks()
    assert hooks


def _quote_credentials(subject: Any, context: Any = None) -> None:
    if isinstance(subject, httpx.Request):
        request = subject
    else:
        request = (subject if isinstance(subject, httpx.Response) else subject.response).request
    raise ValueError(f"cannot parse {request.headers['Authorization']!r}")


@pytest.mark.parametrize("stage", ["before_request", "after_response", "on_error", "on_retry"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_hook_error_never_quotes_the_credentials(stage: str, mode: str) -> None:
    """A hook whose own exception quotes the Authorization header (it parsed it, say): the HookError's
    text and its pickle show it redacted, as every other error does. Before, it was quoted whole."""
    import base64
    import pickle

    recorder = Recorder(503, json=error_json(503))
    kwargs: dict[str, Any] = {"retry_config": QUICK_RETRIES}
    if stage == "on_retry":
        kwargs["on_retry"] = lambda event: _quote_credentials(event.error)
    else:
        kwargs["hooks"] = _hooks_at(stage, _quote_credentials)
    with pytest.raises(HookError) as caught:
        if mode == "async":
            await async_platform(recorder, **kwargs).companies.list()
        else:
            sync_platform(recorder, **kwargs).companies.list()
    encoded = base64.b64encode(API_KEY.encode()).decode()
    text = str(caught.value)
    assert "raised ValueError: cannot parse" in text
    assert encoded not in text and "[REDACTED]" in text
    assert encoded.encode() not in pickle.dumps(caught.value)
