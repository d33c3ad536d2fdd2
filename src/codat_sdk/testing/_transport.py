"""The sandbox as httpx transports: the clients' ``client=httpx.Client(transport=...)``, no socket."""

from __future__ import annotations

import httpx

from ._app import App, Outcome, split_target

DROPPED = "Server disconnected without sending a response."  # httpx's words for a closed connection


def _call(app: App, request: httpx.Request, body: bytes) -> Outcome:
    path, query = split_target(request.url.raw_path.decode("ascii"))
    return app.handle(request.method, path, query, dict(request.headers.items()), body)


def _response(outcome: Outcome, request: httpx.Request) -> httpx.Response:
    if outcome.dropped:
        raise httpx.RemoteProtocolError(DROPPED, request=request)
    return httpx.Response(outcome.status, headers=outcome.headers, content=outcome.content, request=request)


class SandboxTransport(httpx.BaseTransport):
    """Answers every request from the sandbox; webhook deliveries are made before the answer returns."""

    def __init__(self, app: App) -> None:
        self._app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        outcome = _call(self._app, request, request.read())
        self._app.webhooks.deliver(outcome.deliveries)
        return _response(outcome, request)


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """``SandboxTransport`` for ``httpx.AsyncClient``; webhooks go out with an ``httpx.AsyncClient``."""

    def __init__(self, app: App) -> None:
        self._app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        outcome = _call(self._app, request, await request.aread())
        await self._app.webhooks.adeliver(outcome.deliveries)
        return _response(outcome, request)
