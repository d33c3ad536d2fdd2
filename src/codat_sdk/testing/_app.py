"""One request in, one outcome out: route, fault, check, handle (or answer from the schema), record.

Both transports and the loopback server go through ``App.handle``; it does no I/O. Webhook deliveries
come back with the outcome, for the caller to send once the state lock is released.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ._calls import Call, Problem, Reply
from ._delivery import Outgoing, Webhooks
from ._faults import Fault, Faults
from ._handlers import HANDLERS
from ._ids import IdGenerator
from ._refresh import complete
from ._routes import (
    MethodNotAllowed,
    RequestRejected,
    Route,
    RouteNotFound,
    RouteTable,
    check_request,
    error_response,
    schema_response,
)
from ._state import State

APIS = ("platform", "files")
JSON = "application/json"


@dataclass(frozen=True)
class Outcome:
    """What to answer: a status, headers and body, or (``dropped``) a connection closed without an answer."""

    status: int
    headers: list[tuple[str, str]]
    content: bytes
    dropped: bool = False
    deliveries: list[Outgoing] = field(default_factory=list)


@dataclass(frozen=True)
class Exchange:
    """A call the sandbox answered, for tests to inspect (``sandbox.calls``)."""

    method: str
    path: str
    operation_id: str | None
    """``None`` when no operation has the path."""
    status: int | None
    """``None`` when the connection was dropped."""
    fault: Fault | None = None


def tables() -> tuple[RouteTable, ...]:
    return tuple(RouteTable.for_api(api) for api in APIS)


def operation_ids() -> set[str]:
    return {route.operation_id for table in tables() for route in table}


def stateful_operations() -> list[str]:
    """The operation ids the sandbox keeps state for, in the specs' order."""
    return [route.operation_id for table in tables() for route in table if route.operation_id in HANDLERS]


def schema_answered_operations() -> list[str]:
    """The operation ids answered from their response schema (after checking the company and connection exist)."""
    return [route.operation_id for table in tables() for route in table if route.operation_id not in HANDLERS]


def _match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route across both APIs (they share Codat's host); 405 only when no API has the path for ``method``."""
    refusal: RequestRejected | None = None
    for table in tables():
        try:
            return table.match(method, path)
        except MethodNotAllowed as exc:
            refusal = exc
        except RouteNotFound as exc:
            refusal = refusal or exc
    assert refusal is not None
    raise refusal


def _answer(status: int, content_type: str, content: bytes) -> Outcome:
    return Outcome(status, [("content-type", content_type)] if content_type else [], content)


def _reply_outcome(reply: Reply) -> Outcome:
    headers = list(reply.headers.items())
    if reply.has_json:
        return Outcome(reply.status, [("content-type", JSON), *headers], json.dumps(reply.json).encode())
    if reply.content is not None:
        return Outcome(
            reply.status, [("content-type", reply.content_type or "application/octet-stream"), *headers], reply.content
        )
    return Outcome(reply.status, headers, b"")


def _fault_outcome(fault: Fault, correlation_id: str) -> Outcome:
    if fault.status is None:
        return Outcome(0, [], b"", dropped=True)
    outcome = _answer(
        *error_response(fault.status, f"injected fault: HTTP {fault.status}", correlation_id=correlation_id)
    )
    if fault.retry_after is not None:
        seconds = fault.retry_after
        outcome.headers.append(("retry-after", str(int(seconds)) if float(seconds).is_integer() else str(seconds)))
    return outcome


class App:
    def __init__(
        self,
        state: State,
        faults: Faults,
        webhooks: Webhooks,
        *,
        api_key: str | None,
        auto_complete: bool,
        correlation_ids: IdGenerator,
    ) -> None:
        self.state = state
        # A stream of its own: error answers leave the records' ids as they would be without them.
        self._correlation_ids = correlation_ids
        self.faults = faults
        self.webhooks = webhooks
        self.lock = threading.RLock()
        self.calls: list[Exchange] = []
        self._authorization = None if api_key is None else "Basic " + base64.b64encode(api_key.encode()).decode()
        self._auto_complete = auto_complete

    def handle(
        self, method: str, path: str, query: Iterable[tuple[str, str]], headers: Mapping[str, str], body: bytes
    ) -> Outcome:
        with self.lock:
            self.state.clock.tick()
            if self._auto_complete:  # pull operations queued by an earlier call have completed meanwhile
                complete(self.state)
            operation_id: str | None = None
            fault: Fault | None = None
            try:
                route, path_params = _match(method, path)
                operation_id = route.operation_id
                fault = self.faults.pick(operation_id)
                if fault is not None and not fault.acted:
                    outcome = _fault_outcome(fault, self.correlation_id())
                else:
                    outcome = self._handle(route, path, path_params, query, headers, body)
                    if fault is not None:
                        outcome = _fault_outcome(fault, self.correlation_id())
            except RequestRejected as exc:
                outcome = _answer(*exc.response(self.correlation_id()))
            deliveries = self.webhooks.prepare(self.state.take_events(), self.state.webhook_consumers.values())
            self.calls.append(Exchange(method, path, operation_id, None if outcome.dropped else outcome.status, fault))
        return Outcome(outcome.status, outcome.headers, outcome.content, outcome.dropped, deliveries)

    def _handle(
        self,
        route: Route,
        path: str,
        path_params: dict[str, str],
        query: Iterable[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Outcome:
        sent: dict[str, list[str]] = {}
        for name, value in query:
            sent.setdefault(name, []).append(value)
        # Codat authenticates before it validates: a wrong key is a 401 whatever else is wrong; no key at
        # all is check_request's 401.
        authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
        if self._authorization is not None and authorization.strip() and authorization != self._authorization:
            return self.error(401, "Unauthorized: the API key is not this sandbox's.")
        checked = check_request(route, path_params, sent, headers, body)
        call = Call(path, checked)
        try:
            handler = HANDLERS.get(route.operation_id)
            if handler is not None:
                return _reply_outcome(handler(self.state, call))
            self._check_references(call.path_params)
            return _answer(*schema_response(route))
        except Problem as problem:
            return self.error(problem.status, problem.message)

    def correlation_id(self) -> str:
        """The next error answer's ``correlationId``: 32 hex digits, as Codat's, drawn from the seed."""
        return self._correlation_ids.uuid().hex

    def error(self, status: int, message: str) -> Outcome:
        """Codat's ``ErrorMessage`` saying ``message``."""
        return _answer(*error_response(status, message, correlation_id=self.correlation_id()))

    def _check_references(self, path_params: Mapping[str, Any]) -> None:
        """A company or connection in the path must exist, even where the answer comes from the schema."""
        company_id = path_params.get("companyId")
        if company_id is None:
            return
        connection_id = path_params.get("connectionId")
        if connection_id is None:
            self.state.company(company_id)
        else:
            self.state.connection(company_id, connection_id)


def split_target(target: str) -> tuple[str, list[tuple[str, str]]]:
    """A request target's path (still percent-encoded: ``match`` decodes each parameter) and query pairs."""
    path, _, query = target.partition("?")
    return path, parse_qsl(query, keep_blank_values=True)
