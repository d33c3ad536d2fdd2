"""Delivering the sandbox's webhook events, signed as Codat signs them (Standard Webhooks, ``codat_sdk``'s
``WebhookVerifier.sign``), to the consumers registered through the API and to test callbacks."""

from __future__ import annotations

import inspect
import ipaddress
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from codat_sdk import WebhookVerifier

from ._clock import Clock
from ._ids import IdGenerator
from ._state import PendingEvent, Record

WebhookCallback = Callable[[bytes, dict[str, str]], object]
"""Called with a delivery's raw body and headers, as a receiver gets them (``construct_event`` takes both)."""

DELIVERY_TIMEOUT = 10.0  # seconds; a receiver in a test answers at once or is broken


@dataclass(frozen=True)
class Outgoing:
    """One signed event on its way to one target."""

    event: Record
    body: bytes
    headers: Mapping[str, str]
    url: str | None = None
    callback: WebhookCallback | None = None

    @property
    def target(self) -> str:
        if self.url is not None:
            return self.url
        return getattr(self.callback, "__qualname__", repr(self.callback))


@dataclass(frozen=True)
class Delivery:
    """A delivery attempt and how it went: ``status`` is the receiver's HTTP status (a URL), ``error`` why
    it failed (a refused connection, a callback's exception, a URL off this machine, never posted to)."""

    event_type: str
    webhook_id: str
    target: str
    body: bytes
    headers: Mapping[str, str]
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and (self.status is None or 200 <= self.status < 300)


@dataclass(frozen=True)
class _Subscription:
    callback: WebhookCallback
    event_types: frozenset[str] | None


def _matches(event_type: str, wanted: Iterable[str] | None) -> bool:
    if not wanted:
        return True
    return event_type.lower() in {name.lower() for name in wanted}


def _tags_match(company: Record | None, company_tags: list[str] | None) -> bool:
    if not company_tags:
        return True
    tags = (company or {}).get("tags") or {}
    return any(f"{key}:{value}" in company_tags for key, value in tags.items())


class Webhooks:
    """``sandbox.webhooks``: the endpoint ``secret``, test callbacks (``on``), and what was sent.

    ``events`` holds every event raised (its JSON), whether or not anything received it; ``deliveries``
    every attempt, in order. Deliveries happen before the call that raised the event returns, and are
    not retried. Consumer URLs get a POST only on a loopback host (127.0.0.0/8, ``::1``, ``localhost``):
    any other delivery is recorded as not sent, so a test never reaches the network.
    """

    def __init__(self, secret: str, ids: IdGenerator, clock: Clock, signing_clock: Callable[[], float]) -> None:
        self._signer = WebhookVerifier(secret, clock=signing_clock)  # checks the secret's format, too
        self.secret = secret
        self._ids = ids
        self._clock = clock
        self._lock = threading.Lock()
        self._subscriptions: list[_Subscription] = []
        self.events: list[Record] = []
        self.deliveries: list[Delivery] = []

    def __repr__(self) -> str:
        return f"Webhooks(events={len(self.events)}, deliveries={len(self.deliveries)})"

    def on(self, callback: WebhookCallback, *, event_types: Iterable[str] | None = None) -> WebhookCallback:
        """Deliver events (those of ``event_types``, or all) to ``callback(body, headers)``; usable as a decorator.

        A callback may be ``async def`` when the sandbox is called through its async transport.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        wanted = None if event_types is None else frozenset(event_types)
        with self._lock:
            self._subscriptions.append(_Subscription(callback, wanted))
        return callback

    def of_type(self, event_type: str) -> list[Record]:
        """The events raised of ``event_type`` (their JSON), oldest first."""
        return [event for event in self.events if event["eventType"] == event_type]

    def prepare(self, pending: list[PendingEvent], consumers: Iterable[Record]) -> list[Outgoing]:
        """Sign each event once per target that wants it (the consumers and callbacks of the moment)."""
        consumers = list(consumers)
        outgoing = []
        for raised in pending:
            event_id = self._ids()
            event: Record = {
                "id": event_id,
                "eventType": raised.event_type,
                "generatedDate": self._clock.stamp(),
                "payload": raised.payload,
            }
            body = json.dumps(event, separators=(",", ":")).encode()
            headers = self._signer.sign(body, webhook_id=f"msg_{event_id.replace('-', '')}")
            with self._lock:
                self.events.append(event)
                subscriptions = list(self._subscriptions)
            for consumer in consumers:
                if (
                    consumer.get("url")
                    and not consumer.get("disabled")
                    and _matches(raised.event_type, consumer.get("eventTypes"))
                    and _tags_match(raised.company, consumer.get("companyTags"))
                ):
                    outgoing.append(Outgoing(event, body, headers, url=consumer["url"]))
            for subscription in subscriptions:
                if _matches(raised.event_type, subscription.event_types):
                    outgoing.append(Outgoing(event, body, headers, callback=subscription.callback))
        return outgoing

    def _record(self, item: Outgoing, status: int | None = None, error: str | None = None) -> None:
        delivery = Delivery(
            event_type=item.event["eventType"],
            webhook_id=item.headers["webhook-id"],
            target=item.target,
            body=item.body,
            headers=dict(item.headers),
            status=status,
            error=error,
        )
        with self._lock:
            self.deliveries.append(delivery)

    def _offline(self, item: Outgoing) -> bool:
        """Record ``item`` as not sent, and say so, when its URL would leave this machine."""
        assert item.url is not None
        host = _host(item.url)
        if host is not None and _is_loopback(host):
            return False
        where = "the URL has no host" if host is None else f"{host} is not a loopback address"
        self._record(
            item, error=f"not sent: {where} (the sandbox posts only to {LOOPBACK_HOSTS}, so tests stay offline)"
        )
        return True

    def deliver(self, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            if item.callback is not None:
                self._call(item)
                continue
            assert item.url is not None
            if self._offline(item):
                continue
            try:
                response = httpx.post(
                    item.url, content=item.body, headers=_post_headers(item), timeout=DELIVERY_TIMEOUT
                )
            except httpx.HTTPError as exc:
                self._record(item, error=f"{type(exc).__name__}: {exc}")
            else:
                self._record(item, status=response.status_code)

    async def adeliver(self, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            if item.callback is not None:
                result = self._call(item, allow_awaitable=True)
                if inspect.isawaitable(result):
                    await self._await(item, result)
                continue
            assert item.url is not None
            if self._offline(item):
                continue
            try:
                async with httpx.AsyncClient(timeout=DELIVERY_TIMEOUT) as http:
                    response = await http.post(item.url, content=item.body, headers=_post_headers(item))
            except httpx.HTTPError as exc:
                self._record(item, error=f"{type(exc).__name__}: {exc}")
            else:
                self._record(item, status=response.status_code)

    def _call(self, item: Outgoing, *, allow_awaitable: bool = False) -> object:
        assert item.callback is not None
        try:
            result = item.callback(item.body, dict(item.headers))
        except Exception as exc:  # noqa: BLE001 - a receiver's failure is recorded, as Codat records a failed delivery
            self._record(item, error=f"{type(exc).__name__}: {exc}")
            return None
        if inspect.isawaitable(result):
            if allow_awaitable:
                return result
            _close(result)
            self._record(item, error="the callback is async: call the sandbox through its async transport")
            return None
        self._record(item)
        return None

    async def _await(self, item: Outgoing, result: Awaitable[Any]) -> None:
        try:
            await result
        except Exception as exc:  # noqa: BLE001 - as in _call
            self._record(item, error=f"{type(exc).__name__}: {exc}")
        else:
            self._record(item)


LOOPBACK_HOSTS = "127.0.0.0/8, ::1 or localhost"


def _host(url: str) -> str | None:
    try:
        return httpx.URL(url).host or None
    except httpx.InvalidURL:
        return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: resolving it could already reach the network
        return False


def _post_headers(item: Outgoing) -> dict[str, str]:
    return {**item.headers, "content-type": "application/json"}


def _close(awaitable: object) -> None:
    close = getattr(awaitable, "close", None)  # a coroutine never awaited: close it, with no warning
    if callable(close):
        close()


def real_time() -> float:
    return time.time()
