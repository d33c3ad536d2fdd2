"""Webhook verification: agrees with an independent implementation both ways, and rejects every tampering.

The independent implementation is the ``standardwebhooks`` package (a test dependency only).
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import standardwebhooks
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders

from codat_sdk import (
    DEFAULT_WEBHOOK_TOLERANCE,
    UnknownWebhookEvent,
    VerifiedWebhook,
    WebhookEvent,
    WebhookHeaderError,
    WebhookMissingHeaderError,
    WebhookPayloadError,
    WebhookRouter,
    WebhookSecretError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookTimestampTooNewError,
    WebhookTimestampTooOldError,
    WebhookVerificationError,
    WebhookVerifier,
    verify_webhook,
)
from codat_sdk._generated import WebhookEventTypes

KEY = b"codat-test-endpoint-key-0123456789"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = 1_767_225_600  # a fixed clock: 2026-01-01T00:00:00Z
BODY = json.dumps({"id": "evt-1", "eventType": "thing.happened", "payload": {"n": 1}}).encode()


def clock() -> float:
    return float(NOW)


def signed(
    body: bytes = BODY, *, secret: str = SECRET, timestamp: int = NOW, webhook_id: str = "msg_1"
) -> dict[str, str]:
    return WebhookVerifier(secret, clock=clock).sign(body, webhook_id=webhook_id, timestamp=timestamp)


def verify(body: bytes, headers: Any, **options: Any) -> VerifiedWebhook:
    return verify_webhook(body, headers, SECRET, clock=clock, **options)


# ------------------------------------------------------------------------------------------ cross-checks

ids = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=","), min_size=1, max_size=40)
keys = st.binary(min_size=1, max_size=64)
bodies = st.text(max_size=200).map(str.encode)  # standardwebhooks signs and verifies text


@settings(max_examples=60, deadline=None)
@given(
    key=keys,
    webhook_id=ids,
    body=bodies,
    skew=st.integers(-int(DEFAULT_WEBHOOK_TOLERANCE), int(DEFAULT_WEBHOOK_TOLERANCE)),
)
def test_what_standardwebhooks_signs_verifies_here(key: bytes, webhook_id: str, body: bytes, skew: int) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    theirs = standardwebhooks.Webhook(secret)
    sent = datetime.fromtimestamp(NOW + skew, UTC)
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(NOW + skew),
        "webhook-signature": theirs.sign(webhook_id, sent, body.decode()),
    }
    verified = verify_webhook(body, headers, secret, clock=clock)
    assert (verified.id, verified.timestamp, verified.body) == (webhook_id, sent, body)


@settings(max_examples=60, deadline=None)
@given(key=keys, webhook_id=ids, body=bodies)
def test_what_this_sdk_signs_standardwebhooks_verifies(key: bytes, webhook_id: str, body: bytes) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    headers = WebhookVerifier(secret).sign(body, webhook_id=webhook_id)  # now: standardwebhooks reads the clock
    assert standardwebhooks.Webhook(secret).verify(body, headers, json_parse=False) is None


@settings(max_examples=30, deadline=None)
@given(key=keys, other=keys, webhook_id=ids, body=bodies)
def test_both_reject_a_signature_made_with_another_key(key: bytes, other: bytes, webhook_id: str, body: bytes) -> None:
    if key == other:
        return
    secret, wrong = ("whsec_" + base64.b64encode(k).decode() for k in (key, other))
    headers = WebhookVerifier(wrong).sign(body, webhook_id=webhook_id)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(body, headers, json_parse=False)
    with pytest.raises(WebhookSignatureError):
        verify_webhook(body, headers, secret)


# ------------------------------------------------------------------------------------------ what passes


def test_a_signed_delivery_verifies_and_keeps_its_id_timestamp_and_bytes() -> None:
    verified = verify(BODY, signed())
    assert verified == VerifiedWebhook("msg_1", datetime.fromtimestamp(NOW, UTC), BODY)
    assert verified.json() == json.loads(BODY)


@pytest.mark.parametrize(
    "headers",
    [
        lambda h: h,
        lambda h: {k.upper(): v for k, v in h.items()},
        lambda h: {k.title(): v for k, v in h.items()},
        lambda h: {k.replace("webhook-", "svix-"): v for k, v in h.items()},  # Svix's own header names
        lambda h: httpx.Headers(h),
        lambda h: StarletteHeaders(h),
        lambda h: WerkzeugHeaders(h),
    ],
    ids=["dict", "upper", "title", "svix", "httpx", "starlette", "werkzeug"],
)
def test_any_header_mapping_and_name_case_verifies(headers: Callable[[dict[str, str]], Any]) -> None:
    assert verify(BODY, headers(signed())).id == "msg_1"


def test_during_secret_rotation_any_one_of_several_signatures_verifies() -> None:
    headers = signed()
    old = signed(secret="whsec_" + base64.b64encode(b"the-old-key").decode())["webhook-signature"]
    headers["webhook-signature"] = f"v2,abc {old} v1,!!notbase64 {headers['webhook-signature']}"
    assert verify(BODY, headers).id == "msg_1"


@pytest.mark.parametrize("skew", [-DEFAULT_WEBHOOK_TOLERANCE, 0, DEFAULT_WEBHOOK_TOLERANCE])
def test_timestamps_up_to_the_tolerance_either_way_verify(skew: float) -> None:
    assert verify(BODY, signed(timestamp=NOW + int(skew))).id == "msg_1"


def test_the_default_tolerance_is_five_minutes() -> None:
    assert DEFAULT_WEBHOOK_TOLERANCE == 5 * 60
    with pytest.raises(WebhookTimestampTooOldError):
        verify_webhook(BODY, signed(timestamp=NOW - 5 * 60 - 1), SECRET, clock=clock)


def test_the_secret_may_come_without_its_prefix_or_padding() -> None:
    bare = base64.b64encode(b"k" * 5).decode()
    assert bare.endswith("=")
    headers = WebhookVerifier(bare, clock=clock).sign(BODY, webhook_id="m")
    assert verify_webhook(BODY, headers, "whsec_" + bare.rstrip("="), clock=clock).id == "m"


# ------------------------------------------------------------------------------------------ tampering


def _flip(body: bytes, index: int) -> bytes:
    return body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]


@settings(max_examples=50, deadline=None)
@given(index=st.integers(0, len(BODY) - 1))
def test_one_flipped_body_byte_is_rejected(index: int) -> None:
    with pytest.raises(WebhookSignatureError):
        verify(_flip(BODY, index), signed())


def _tampered() -> Iterator[tuple[str, bytes, Any, type[WebhookVerificationError], dict[str, Any]]]:
    """(case, body, headers, error, verify options): every way a delivery must fail, one reason each."""
    good = signed()
    yield "flipped body byte", _flip(BODY, 5), good, WebhookSignatureError, {}
    yield "appended byte", BODY + b" ", good, WebhookSignatureError, {}
    compact = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    yield "re-serialised body", compact, good, WebhookSignatureError, {}
    wrong = signed(secret="whsec_" + base64.b64encode(b"another endpoint").decode())
    yield "wrong secret", BODY, wrong, WebhookSignatureError, {}
    yield "another id", BODY, {**good, "webhook-id": "msg_2"}, WebhookSignatureError, {}
    yield "another timestamp", BODY, {**good, "webhook-timestamp": str(NOW + 1)}, WebhookSignatureError, {}
    yield "expired", BODY, signed(timestamp=NOW - 301), WebhookTimestampTooOldError, {}
    yield "future", BODY, signed(timestamp=NOW + 301), WebhookTimestampTooNewError, {}
    yield "tolerance zero", BODY, signed(timestamp=NOW - 1), WebhookTimestampTooOldError, {"tolerance": 0}
    for name in good:
        yield f"missing {name}", BODY, {k: v for k, v in good.items() if k != name}, WebhookMissingHeaderError, {}
        yield f"empty {name}", BODY, {**good, name: " "}, WebhookHeaderError, {}
        duplicated = [*good.items(), (name, good[name])]
        yield f"duplicated {name} (httpx)", BODY, httpx.Headers(duplicated), WebhookHeaderError, {}
        yield f"duplicated {name} (werkzeug)", BODY, WerkzeugHeaders(duplicated), WebhookHeaderError, {}
        raw = [(k.encode(), v.encode()) for k, v in duplicated]
        yield f"duplicated {name} (starlette)", BODY, StarletteHeaders(raw=raw), WebhookHeaderError, {}
        yield f"duplicated {name} (case)", BODY, {**good, name.upper(): good[name]}, WebhookHeaderError, {}
    yield "no headers", BODY, {}, WebhookMissingHeaderError, {}
    mixed = {"webhook-id": "msg_1", "svix-timestamp": str(NOW), "svix-signature": good["webhook-signature"]}
    yield "prefixes mixed", BODY, mixed, WebhookMissingHeaderError, {}
    for garbage in ("soon", "1.5", "-1", "1e9", "0x10", "9" * 40, f"{NOW} {NOW}", "١٢٣"):
        yield f"timestamp {garbage!r}", BODY, {**good, "webhook-timestamp": garbage}, WebhookHeaderError, {}
    signature = good["webhook-signature"]
    for garbage in ("v1", "v1,", "v1,!!!", "garbage", "v2," + signature[3:], signature[3:], signature.upper()):
        yield f"signature {garbage[:12]!r}", BODY, {**good, "webhook-signature": garbage}, WebhookSignatureError, {}
    too_many = " ".join(["v1,AAAA"] * 65 + [signature])
    yield "65 signatures", BODY, {**good, "webhook-signature": too_many}, WebhookHeaderError, {}


TAMPERED = list(_tampered())


@pytest.mark.parametrize(("case", "body", "headers", "error", "options"), TAMPERED, ids=[t[0] for t in TAMPERED])
def test_tampered_deliveries_are_rejected_with_the_reason(
    case: str, body: bytes, headers: Any, error: type[WebhookVerificationError], options: dict[str, Any]
) -> None:
    with pytest.raises(error) as raised:
        verify(body, headers, **options)
    assert type(raised.value) is error, case
    assert isinstance(raised.value, WebhookVerificationError)


def test_every_reason_is_its_own_class() -> None:
    reasons = {t[3] for t in TAMPERED} | {WebhookSecretError}
    assert {WebhookMissingHeaderError, WebhookHeaderError, WebhookSignatureError, WebhookSecretError} <= reasons
    assert {WebhookTimestampTooOldError, WebhookTimestampTooNewError} <= reasons
    assert issubclass(WebhookTimestampTooOldError, WebhookTimestampError)
    assert issubclass(WebhookMissingHeaderError, WebhookHeaderError)


@pytest.mark.parametrize("secret", ["whsec_", "", "whsec_not*base64", "whsec_" + "A" * 5, "plain text"])
def test_a_malformed_secret_is_rejected_without_being_shown(secret: str) -> None:
    with pytest.raises(WebhookSecretError) as raised:
        WebhookVerifier(secret)
    if secret.removeprefix("whsec_"):
        assert secret.removeprefix("whsec_") not in str(raised.value)
    with pytest.raises(WebhookSecretError):
        verify_webhook(BODY, signed(), secret)


def test_a_secret_that_is_not_text_is_rejected() -> None:
    with pytest.raises(WebhookSecretError, match="must be a str"):
        WebhookVerifier(KEY)  # type: ignore[arg-type]


def test_a_body_that_is_not_bytes_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="raw request bytes"):
        verify(BODY.decode(), signed())  # type: ignore[arg-type]


@pytest.mark.parametrize("tolerance", [-1, float("nan")])
def test_a_negative_tolerance_is_rejected(tolerance: float) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        WebhookVerifier(SECRET, tolerance=tolerance)


def test_no_error_message_shows_the_secret_or_a_valid_signature() -> None:
    valid = signed()["webhook-signature"].removeprefix("v1,")
    leaks = [SECRET.removeprefix("whsec_"), valid, valid[:16], base64.b64encode(KEY).decode()[:16]]
    messages = []
    for _, body, headers, error, options in TAMPERED:
        with pytest.raises(error) as raised:
            verify(body, headers, **options)
        messages += [str(raised.value), repr(raised.value)]
    verifier = WebhookVerifier(SECRET)
    messages += [repr(verifier), str(verifier)]
    for message in messages:
        assert not any(leak in message for leak in leaks), message
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(verifier)


# ------------------------------------------------------------------------------------------ parsing


class ThingHappened(WebhookEvent[dict[str, Any]]):
    __slots__ = ()
    EVENT_TYPE = "thing.happened"


class ThingWritten(WebhookEvent[dict[str, Any]]):
    __slots__ = ()
    EVENT_TYPE = "{dataType}.write.successful"


TYPES = WebhookEventTypes([(ThingHappened, dict), (ThingWritten, dict)], type_fields=["eventType", "RuleType"])


def _event(body: dict[str, Any]) -> WebhookEvent[Any]:
    raw = json.dumps(body).encode()
    return TYPES.parse(verify(raw, signed(raw)))


def test_a_declared_event_parses_as_its_class() -> None:
    event = _event({"eventType": "thing.happened", "x": 1})
    assert isinstance(event, ThingHappened)
    assert (event.type, event.data, event.webhook_id) == (
        "thing.happened",
        {"eventType": "thing.happened", "x": 1},
        "msg_1",
    )


@pytest.mark.parametrize("event_type", ["bills.write.successful", "bankAccounts.write.successful"])
def test_a_placeholder_stands_for_one_segment(event_type: str) -> None:
    assert isinstance(_event({"eventType": event_type}), ThingWritten)


@pytest.mark.parametrize(
    "body",
    [
        {"eventType": "thing.unheard.of", "x": [1]},
        {"eventType": "a.b.write.successful"},  # a placeholder is one segment, not two
        {"eventType": ".write.successful"},
        {"no": "type"},
        {"eventType": 7},
    ],
)
def test_an_unknown_event_type_is_a_generic_event_keeping_the_json(body: dict[str, Any]) -> None:
    event = _event(body)
    assert type(event) is UnknownWebhookEvent
    assert event.data == body
    assert event.type == (body.get("eventType") if isinstance(body.get("eventType"), str) else "")


def test_the_type_may_sit_in_another_declared_field() -> None:
    assert isinstance(_event({"RuleType": "Thing.Happened"}), ThingHappened)  # older rule names vary in case


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b""])
def test_a_verified_body_that_is_not_a_json_object_is_a_payload_error(body: bytes) -> None:
    verified = verify(body, signed(body))
    with pytest.raises(WebhookPayloadError, match="msg_1"):
        TYPES.parse(verified)


def test_a_body_that_does_not_fit_its_model_is_a_payload_error() -> None:
    strict = WebhookEventTypes([(ThingHappened, lambda data: data["required"])], type_fields=["eventType"])
    raw = json.dumps({"eventType": "thing.happened"}).encode()
    with pytest.raises(WebhookPayloadError, match="ThingHappened"):
        strict.parse(verify(raw, signed(raw)))


def test_nothing_but_a_verified_webhook_is_parsed() -> None:
    with pytest.raises(TypeError, match="verify first"):
        TYPES.parse(BODY)  # type: ignore[arg-type]


def test_nothing_is_parsed_before_verification_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[object] = []
    real = json.loads

    def spy(*args: Any, **kwargs: Any) -> Any:
        parsed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(json, "loads", spy)
    for _, body, headers, error, options in TAMPERED:
        with pytest.raises(error):
            TYPES.parse(verify(body, headers, **options))
    assert parsed == []
    TYPES.parse(verify(BODY, signed()))
    assert parsed == [(BODY,)]


# ------------------------------------------------------------------------------------------ routing


def test_the_router_calls_each_events_handler_and_the_fallback_for_the_rest() -> None:
    router = WebhookRouter()
    seen: list[tuple[str, object]] = []

    @router.on(ThingHappened)
    def happened(event: ThingHappened) -> None:
        seen.append(("happened", event.data))

    @router.fallback
    def other(event: WebhookEvent[Any]) -> None:
        seen.append(("fallback", event.type))

    router.dispatch(_event({"eventType": "thing.happened"}))
    router.dispatch(_event({"eventType": "bills.write.successful"}))
    router.dispatch(_event({"eventType": "new.kind"}))
    assert seen == [
        ("happened", {"eventType": "thing.happened"}),
        ("fallback", "bills.write.successful"),
        ("fallback", "new.kind"),
    ]


def test_without_a_fallback_unhandled_events_are_ignored() -> None:
    WebhookRouter().dispatch(_event({"eventType": "thing.happened"}))


def test_async_dispatch_awaits_async_handlers_and_calls_sync_ones() -> None:
    router = WebhookRouter()
    seen: list[str] = []

    @router.on(ThingHappened)
    async def happened(event: ThingHappened) -> None:
        await asyncio.sleep(0)
        seen.append("async " + event.type)

    @router.on(ThingWritten)
    def written(event: ThingWritten) -> None:
        seen.append("sync " + event.type)

    @router.fallback
    async def other(event: WebhookEvent[Any]) -> None:
        seen.append("fallback " + event.type)

    async def main() -> None:
        for event_type in ("thing.happened", "bills.write.successful", "new.kind"):
            await router.adispatch(_event({"eventType": event_type}))

    asyncio.run(main())
    assert seen == ["async thing.happened", "sync bills.write.successful", "fallback new.kind"]
    with pytest.raises(TypeError, match="adispatch"):
        router.dispatch(_event({"eventType": "thing.happened"}))


def test_one_handler_per_event_class_and_only_event_classes() -> None:
    router = WebhookRouter()
    router.on(ThingHappened)(lambda event: None)
    with pytest.raises(ValueError, match="already has a handler"):
        router.on(ThingHappened)
    with pytest.raises(TypeError, match="event class"):
        router.on("thing.happened")  # type: ignore[arg-type]
