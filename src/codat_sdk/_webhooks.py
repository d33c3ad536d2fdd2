"""Receiving Codat's webhooks: signature verification (Standard Webhooks, as Svix signs), events, routing.

Codat signs each delivery with HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{body}``, keyed by the
endpoint's ``whsec_`` secret. Nothing here parses a body before its signature and timestamp check out:
``parse`` takes only the ``VerifiedWebhook`` that ``verify_webhook`` returns.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import inspect
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar

DEFAULT_WEBHOOK_TOLERANCE: Final = 300.0
"""Seconds a delivery's timestamp may differ from the clock, either way (replay protection)."""

_SECRET_PREFIX = "whsec_"  # noqa: S105 - the format marker, not a secret
_HEADER_PREFIXES = ("webhook-", "svix-")  # Standard Webhooks names; Svix's own names are the same with svix-
_MAX_SIGNATURES = 64  # a rotation sends a handful; more is garbage, and each costs a comparison
_TIMESTAMP = re.compile(r"[0-9]{1,15}")


class WebhookVerificationError(ValueError):
    """A delivery did not verify: answer 400 or 401 and do not process it. Subclasses say why."""


class WebhookHeaderError(WebhookVerificationError):
    """A signature header is duplicated or malformed (the message names the header, never its value)."""


class WebhookMissingHeaderError(WebhookHeaderError):
    """A signature header (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``) is missing."""


class WebhookSignatureError(WebhookVerificationError):
    """No signature in the ``webhook-signature`` header matches the body: wrong secret or altered bytes."""


class WebhookTimestampError(WebhookVerificationError):
    """The delivery's timestamp is outside the tolerance."""


class WebhookTimestampTooOldError(WebhookTimestampError):
    """The delivery is older than the tolerance allows: possibly a replay."""


class WebhookTimestampTooNewError(WebhookTimestampError):
    """The delivery's timestamp is further in the future than the tolerance allows."""


class WebhookSecretError(WebhookVerificationError):
    """The endpoint secret is malformed: not ``whsec_`` followed by base64 (the message never shows it)."""


class WebhookPayloadError(ValueError):
    """A verified body is not a JSON object, or does not fit its event's model."""


class HeadersLike(Protocol):
    """Any header collection: a dict, ``httpx.Headers``, Starlette's or Werkzeug's (Flask's) headers."""

    def items(self) -> Iterable[tuple[str, str]]: ...


@dataclass(frozen=True, slots=True)
class VerifiedWebhook:
    """A delivery whose signature and timestamp checked out; ``parse_event`` takes only this."""

    id: str
    """The ``webhook-id``: the same for every retry of one delivery, so the key to de-duplicate on."""
    timestamp: datetime
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body)
        except ValueError as exc:  # UnicodeDecodeError included
            raise WebhookPayloadError(f"webhook {self.id}: the body is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise WebhookPayloadError(f"webhook {self.id}: the body is JSON but not an object")
        return data


def _secret_key(secret: object) -> bytes:
    if not isinstance(secret, str):
        raise WebhookSecretError(f"the webhook secret must be a str, not {type(secret).__name__}")
    encoded = secret.removeprefix(_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSecretError("the webhook secret is malformed: expected whsec_ followed by base64") from None
    if not key:
        raise WebhookSecretError("the webhook secret is empty")
    return key


def _all_items(headers: HeadersLike) -> Iterable[tuple[str, str]]:
    # httpx.Headers.items() joins repeated headers; multi_items() shows each one.
    multi_items = getattr(headers, "multi_items", None)
    return multi_items() if callable(multi_items) else headers.items()


def _signature_headers(headers: HeadersLike) -> tuple[str, str, str]:
    """``(id, timestamp, signature)``, all three under one prefix, each exactly once, any name case."""
    found: dict[str, list[str]] = {}
    for name, value in _all_items(headers):
        found.setdefault(str(name).lower(), []).append(value)
    prefix = next((p for p in _HEADER_PREFIXES if p + "id" in found), _HEADER_PREFIXES[0])
    values = []
    for part in ("id", "timestamp", "signature"):
        name = prefix + part
        given = found.get(name)
        if not given:
            raise WebhookMissingHeaderError(f"the {name} header is missing")
        if len(given) > 1:
            raise WebhookHeaderError(f"the {name} header is given {len(given)} times")
        if not isinstance(given[0], str) or not given[0].strip():
            raise WebhookHeaderError(f"the {name} header is empty or not text")
        values.append(given[0].strip())
    return values[0], values[1], values[2]


def _signatures(header: str) -> list[bytes]:
    """The ``v1`` signatures of a ``webhook-signature`` header; other versions and undecodable ones skipped."""
    tokens = header.split()
    if len(tokens) > _MAX_SIGNATURES:
        raise WebhookHeaderError(f"the signature header holds {len(tokens)} signatures (at most {_MAX_SIGNATURES})")
    found = []
    for token in tokens:
        version, _, encoded = token.partition(",")
        if version != "v1":
            continue
        try:
            found.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


class WebhookVerifier:
    """Verifies deliveries to one endpoint; build it once, at start-up, so a malformed secret fails early.

    ``tolerance`` is in seconds (default 5 minutes); ``clock`` returns the time in POSIX seconds.
    """

    __slots__ = ("_clock", "_key", "_tolerance")

    def __init__(
        self,
        secret: str,
        *,
        tolerance: float = DEFAULT_WEBHOOK_TOLERANCE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not tolerance >= 0:
            raise ValueError(f"tolerance must be a number of seconds >= 0, not {tolerance!r}")
        self._key = _secret_key(secret)
        self._tolerance = float(tolerance)
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookVerifier(secret='**********', tolerance={self._tolerance})"

    def __reduce__(self) -> str | tuple[object, ...]:  # pickling would write the key out in clear
        raise TypeError("a WebhookVerifier cannot be pickled: it holds the endpoint secret")

    def verify(self, body: bytes, headers: HeadersLike) -> VerifiedWebhook:
        """The delivery, verified; raises a ``WebhookVerificationError`` subclass naming the reason."""
        if not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError(f"body must be the raw request bytes, not {type(body).__name__}")
        webhook_id, timestamp, signature_header = _signature_headers(headers)
        if not _TIMESTAMP.fullmatch(timestamp):
            raise WebhookHeaderError("the timestamp header is not a whole number of seconds")
        sent = int(timestamp)
        now = self._clock()
        if sent < now - self._tolerance:
            raise WebhookTimestampTooOldError(f"the delivery is {now - sent:.0f} s old (tolerance {self._tolerance} s)")
        if sent > now + self._tolerance:
            raise WebhookTimestampTooNewError(
                f"the delivery is {sent - now:.0f} s in the future (tolerance {self._tolerance} s)"
            )
        expected = _digest(self._key, webhook_id, timestamp, bytes(body))
        # Every candidate is compared in constant time; which one matched is not observable from the result.
        if not any([hmac.compare_digest(expected, candidate) for candidate in _signatures(signature_header)]):
            raise WebhookSignatureError("no signature in the signature header matches the body and the secret")
        return VerifiedWebhook(id=webhook_id, timestamp=datetime.fromtimestamp(sent, UTC), body=bytes(body))

    def sign(self, body: bytes, *, webhook_id: str, timestamp: int | None = None) -> dict[str, str]:
        """The headers Codat would send with ``body``: for testing your endpoint with signed deliveries."""
        sent = str(int(self._clock()) if timestamp is None else timestamp)
        signature = base64.b64encode(_digest(self._key, webhook_id, sent, bytes(body))).decode("ascii")
        return {"webhook-id": webhook_id, "webhook-timestamp": sent, "webhook-signature": f"v1,{signature}"}


def _digest(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def verify_webhook(
    body: bytes,
    headers: HeadersLike,
    secret: str,
    *,
    tolerance: float = DEFAULT_WEBHOOK_TOLERANCE,
    clock: Callable[[], float] = time.time,
) -> VerifiedWebhook:
    """Check a delivery's signature (constant time) and timestamp; ``body`` is the raw request bytes.

    Raises ``WebhookMissingHeaderError``, ``WebhookHeaderError``, ``WebhookSignatureError``,
    ``WebhookTimestampTooOldError`` / ``WebhookTimestampTooNewError`` or ``WebhookSecretError``: all are
    ``WebhookVerificationError``. Messages never contain the secret or a signature.
    """
    return WebhookVerifier(secret, tolerance=tolerance, clock=clock).verify(body, headers)


DataT = TypeVar("DataT")


@dataclass(frozen=True, slots=True)
class WebhookEvent(Generic[DataT]):
    """One verified delivery, parsed. Each API's ``webhooks`` module has a subclass per declared event."""

    EVENT_TYPE: ClassVar[str] = ""
    """The event type as the spec declares it; ``{placeholders}`` stand for one dot-free segment."""

    type: str
    """The event type the delivery names."""
    data: DataT
    """The body, as the event's model (``to_dict()`` gives back the JSON)."""
    webhook_id: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class UnknownWebhookEvent(WebhookEvent[dict[str, Any]]):
    """An event type the spec did not declare when this SDK was generated: ``data`` is the JSON as sent.

    ``type`` is the type the body names, or ``""`` when it names none.
    """


EventT = TypeVar("EventT", bound=WebhookEvent[Any])


def _matcher(event_type: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^{}]*\}", event_type)
    return re.compile("[^.]+".join(re.escape(part) for part in parts), re.IGNORECASE)


class WebhookEventTypes:
    """The declared events of one API (generated), and the body fields that may name an event's type."""

    def __init__(
        self,
        events: Iterable[tuple[type[WebhookEvent[Any]], Callable[[dict[str, Any]], Any]]],
        *,
        type_fields: Iterable[str],
    ) -> None:
        self._type_fields = tuple(type_fields)
        self._decoders = {event: decode for event, decode in events}
        self._matchers = [(_matcher(event.EVENT_TYPE), event) for event in self._decoders]

    def event_class(self, event_type: str) -> type[WebhookEvent[Any]]:
        """The class of ``event_type`` (case-insensitive), or ``UnknownWebhookEvent``."""
        return next((event for m, event in self._matchers if m.fullmatch(event_type)), UnknownWebhookEvent)

    def parse(self, webhook: VerifiedWebhook) -> WebhookEvent[Any]:
        if not isinstance(webhook, VerifiedWebhook):
            raise TypeError("parse takes the VerifiedWebhook that verify_webhook returns: verify first")
        data = webhook.json()
        event_type = next((v for v in map(data.get, self._type_fields) if isinstance(v, str)), "")
        event = self.event_class(event_type)
        if event is UnknownWebhookEvent:
            return UnknownWebhookEvent(event_type, data, webhook.id, webhook.timestamp)
        try:
            model = self._decoders[event](data)
        except (KeyError, TypeError, ValueError) as exc:
            raise WebhookPayloadError(
                f"webhook {webhook.id}: the {event_type} body does not fit {event.__name__}: {exc!r}"
            ) from exc
        return event(event_type, model, webhook.id, webhook.timestamp)


Handler = Callable[[EventT], object]
AnyHandler = Callable[[WebhookEvent[Any]], object]


class WebhookRouter:
    """Calls the handler registered for an event's class, else the fallback (which by default ignores it).

    ``@router.on(CompanyCreatedEvent)`` registers a handler whose parameter is typed as that event.
    Handlers may be ``def`` or ``async def``: ``dispatch`` calls sync ones, ``adispatch`` both.
    """

    def __init__(self) -> None:
        self._handlers: dict[type[WebhookEvent[Any]], AnyHandler] = {}
        self._fallback: AnyHandler | None = None

    def on(self, event: type[EventT]) -> Callable[[Handler[EventT]], Handler[EventT]]:
        if not (isinstance(event, type) and issubclass(event, WebhookEvent)):
            raise TypeError(f"on() takes an event class from a webhooks module, not {event!r}")
        if event in self._handlers:
            raise ValueError(f"{event.__name__} already has a handler")

        def register(handler: Handler[EventT]) -> Handler[EventT]:
            self._handlers[event] = handler  # type: ignore[assignment]  # keyed by the class it accepts
            return handler

        return register

    def fallback(self, handler: AnyHandler) -> AnyHandler:
        """Registers the handler of every event without its own (unknown event types included)."""
        self._fallback = handler
        return handler

    def _handler(self, event: WebhookEvent[Any]) -> AnyHandler | None:
        return self._handlers.get(type(event), self._fallback)

    def dispatch(self, event: WebhookEvent[Any]) -> None:
        handler = self._handler(event)
        if handler is None:
            return
        if inspect.iscoroutinefunction(handler):
            raise TypeError(f"{event.type}: the handler is async; use `await router.adispatch(event)`")
        handler(event)

    async def adispatch(self, event: WebhookEvent[Any]) -> None:
        handler = self._handler(event)
        if handler is None:
            return
        result = handler(event)
        if inspect.isawaitable(result):
            await result


__all__ = [
    "DEFAULT_WEBHOOK_TOLERANCE",
    "HeadersLike",
    "UnknownWebhookEvent",
    "VerifiedWebhook",
    "WebhookEvent",
    "WebhookEventTypes",
    "WebhookHeaderError",
    "WebhookMissingHeaderError",
    "WebhookPayloadError",
    "WebhookRouter",
    "WebhookSecretError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookTimestampTooNewError",
    "WebhookTimestampTooOldError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "verify_webhook",
]
