"""The generated webhook events: one class per event the pinned spec declares, each signed, verified, parsed
into its model and round-tripped, its bodies built by Hypothesis from the event's own schema."""

from __future__ import annotations

import base64
import functools
import json
import re
import typing
from pathlib import Path
from typing import Any, assert_type

import codat_sdk_platform.webhooks as platform_webhooks
import pytest
from codat_sdk_platform.models import CompanyWebhook
from codat_sdk_platform.webhooks import CompanyCreatedEvent, CompanyDeletedEvent
from hypothesis import HealthCheck, given, settings

from codat_sdk import (
    UnknownWebhookEvent,
    WebhookRouter,
    WebhookSignatureError,
    WebhookVerifier,
)
from codegen import source
from codegen.normalise import normalise
from tests.e2e.spec_support import resolve
from tests.webhook_support import deliveries, event_classes, type_field

SECRET = "whsec_" + base64.b64encode(b"generated-events-test-key").decode()
NOW = 1_767_225_600

pytestmark = pytest.mark.skipif(source.default_source() is None, reason="no spec source (../shared/openapi)")


@functools.cache
def spec(api: str) -> dict[str, Any]:
    """The normalised spec: what the models were generated from."""
    return normalise(source.load_pinned(source.load_pins()[api], source.default_source()))


def declared(api: str) -> dict[str, dict[str, Any]]:
    """Event type -> its JSON body schema, from the spec's ``webhooks:`` section."""
    hooks = spec(api).get("webhooks") or {} if source.default_source() else {}
    return {name: item["post"]["requestBody"]["content"]["application/json"]["schema"] for name, item in hooks.items()}


PLATFORM_EVENTS = sorted(declared("platform")) if source.default_source() else []


def sign(body: bytes, webhook_id: str = "msg_1") -> dict[str, str]:
    return WebhookVerifier(SECRET, clock=lambda: NOW).sign(body, webhook_id=webhook_id)


def construct(body: bytes, headers: dict[str, str]) -> platform_webhooks.Event:
    return platform_webhooks.construct_event(body, headers, SECRET, clock=lambda: NOW)


# ------------------------------------------------------------------------------------- the events


def test_every_declared_event_has_one_class_and_nothing_else_does() -> None:
    classes = event_classes(platform_webhooks)
    assert sorted(classes) == PLATFORM_EVENTS
    assert len(PLATFORM_EVENTS) == len(set(classes.values()))


def test_the_union_is_every_event_class_and_the_unknown_event() -> None:
    members = set(typing.get_args(platform_webhooks.Event))
    assert members == {*event_classes(platform_webhooks).values(), UnknownWebhookEvent}


@pytest.mark.parametrize("event_type", PLATFORM_EVENTS)
def test_each_event_class_carries_its_schemas_model(event_type: str) -> None:
    cls = event_classes(platform_webhooks)[event_type]
    (base,) = cls.__orig_bases__  # type: ignore[attr-defined]
    (model,) = typing.get_args(base)
    assert model.__name__ == declared("platform")[event_type]["$ref"].rsplit("/", 1)[-1]
    assert cls.__doc__
    assert event_type in cls.__doc__


@pytest.mark.parametrize("event_type", PLATFORM_EVENTS)
def test_every_declared_event_is_signed_verified_parsed_and_round_trips(event_type: str) -> None:
    cls = event_classes(platform_webhooks)[event_type]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(deliveries(spec("platform"), event_type))
    def check(data: dict[str, Any]) -> None:
        sent_type = data[type_field(spec("platform"), event_type)]
        body = json.dumps(data).encode()
        event = construct(body, sign(body))
        assert type(event) is cls
        assert (event.type, event.webhook_id) == (sent_type, "msg_1")
        assert not isinstance(event.data, dict)
        assert event.data.to_dict() == data
        assert type(event.data).from_dict(event.data.to_dict()) == event.data
        tampered = body.replace(b"{", b"{ ", 1)
        with pytest.raises(WebhookSignatureError):
            construct(tampered, sign(body))

    check()


@pytest.mark.parametrize("event_type", PLATFORM_EVENTS)
def test_the_specs_own_examples_parse_into_their_event(event_type: str) -> None:
    media = spec("platform")["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
    for example in (media.get("examples") or {}).values():
        data = resolve(spec("platform"), example)["value"]
        body = json.dumps(data).encode()
        event = construct(body, sign(body))
        assert not isinstance(event, UnknownWebhookEvent)
        assert event.data.to_dict() == data


def test_an_event_type_the_spec_does_not_declare_is_a_generic_event() -> None:
    data = {"id": "x", "eventType": "company.renamed.someday", "payload": {"anything": [1, None]}}
    body = json.dumps(data).encode()
    event = construct(body, sign(body))
    assert type(event) is UnknownWebhookEvent
    assert (event.type, event.data) == ("company.renamed.someday", data)


def _example(event_type: str) -> bytes:
    media = spec("platform")["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
    return json.dumps(resolve(spec("platform"), next(iter(media["examples"].values())))["value"]).encode()


def test_isinstance_match_and_the_router_are_typed_for_type_checkers() -> None:
    """Checked by mypy --strict over this file (assert_type; an unused ignore fails it) and run by pytest."""
    body = _example(CompanyCreatedEvent.EVENT_TYPE)
    event = construct(body, sign(body))
    assert_type(event, platform_webhooks.Event)
    assert isinstance(event, CompanyCreatedEvent)
    assert_type(event.data, CompanyWebhook)
    matched = construct(body, sign(body))
    match matched:
        case CompanyCreatedEvent(data=company):
            assert_type(company, CompanyWebhook)
        case UnknownWebhookEvent(data=raw):
            assert_type(raw, dict[str, Any])
            raise AssertionError(raw)
        case _:
            raise AssertionError(matched)
    router = WebhookRouter()

    @router.on(CompanyCreatedEvent)
    def created(event: CompanyCreatedEvent) -> None:
        assert_type(event.data, CompanyWebhook)

    def deleted(event: CompanyDeletedEvent) -> None: ...

    with pytest.raises(ValueError, match="already has a handler"):
        router.on(CompanyCreatedEvent)(deleted)  # type: ignore[arg-type]


def test_the_router_hands_each_handler_its_typed_event() -> None:
    classes = event_classes(platform_webhooks)
    router = WebhookRouter()
    seen: list[tuple[str, str]] = []
    for cls in classes.values():
        router.on(cls)(lambda event: seen.append((type(event).__name__, type(event.data).__name__)))
    router.fallback(lambda event: seen.append(("fallback", event.type)))
    example_bodies = [_example(event_type) for event_type in PLATFORM_EVENTS] + [b'{"eventType": "brand.new"}']
    for body in example_bodies:
        router.dispatch(construct(body, sign(body)))
    assert seen[-1] == ("fallback", "brand.new")
    assert all(name.endswith("Event") and data != "dict" for name, data in seen[:-1])
    assert len(seen) == len(example_bodies)


def test_an_api_without_webhooks_gets_no_webhooks_module() -> None:
    assert declared("files") == {}
    with pytest.raises(ModuleNotFoundError):
        __import__("codat_sdk_files.webhooks")


def test_the_event_classes_the_readme_names_are_the_events_it_says() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Receiving webhooks\n", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(\w+Event)`", section)) - {"UnknownWebhookEvent"}
    assert named
    for name in named:
        cls = getattr(platform_webhooks, name)
        assert f"`{name}`" in section
        assert cls.EVENT_TYPE in PLATFORM_EVENTS
    assert "`DataTypeWriteSuccessfulEvent` for `{dataType}.write.successful`" in section
    assert platform_webhooks.DataTypeWriteSuccessfulEvent.EVENT_TYPE == "{dataType}.write.successful"
