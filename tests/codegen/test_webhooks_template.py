"""The webhooks template, from any spec: synthetic ones isolating each construct, and every corpus spec with
``webhooks:``, each rendered as a package (its paths left out), imported, and its events delivered."""

from __future__ import annotations

import base64
import copy
import importlib
import json
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import codat_sdk_platform.webhooks as platform_webhooks
import pytest
from hypothesis import HealthCheck, given, settings

from codat_sdk import UnknownWebhookEvent, WebhookEvent, WebhookVerifier
from codegen import source
from codegen.errors import GenerationError
from codegen.generate import generate_spec
from codegen.normalise import normalise
from codegen.render import parse
from codegen.webhooks import webhooks_view
from tests.webhook_support import deliveries, event_classes, type_field

yaml: Any = importlib.import_module("yaml")  # PyYAML (a vcrpy dependency) has no type stubs here
SECRET = "whsec_" + base64.b64encode(b"codegen-webhooks-test").decode()
NOW = 1_767_225_600


def _render(spec: dict[str, Any], out: Path, package: str, *, paths: bool = False) -> ModuleType | None:
    """``spec`` generated as users generate any spec (``generate --spec``), its webhooks module imported, or
    None when it has none. Its paths are left out unless asked for: operations are not this test's."""
    path = out / "spec.json"
    path.write_text(json.dumps(spec if paths else {**spec, "paths": {}}), encoding="utf-8")
    generate_spec(str(path), out, package)
    if not (out / package / "webhooks.py").exists():
        return None
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(f"{package}.webhooks")
    finally:
        sys.path.remove(str(out))


@pytest.fixture(autouse=True)
def _forget_rendered_packages() -> Iterator[None]:
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("rendered_"):
            del sys.modules[name]


def _construct(module: ModuleType, data: dict[str, Any]) -> WebhookEvent[Any]:
    body = json.dumps(data).encode()
    headers = WebhookVerifier(SECRET).sign(body, webhook_id="msg_1", timestamp=NOW)
    event: WebhookEvent[Any] = module.construct_event(body, headers, SECRET, clock=lambda: NOW)
    return event


# ------------------------------------------------------------------------------------------ synthetic


def _hook(schema: dict[str, Any], **operation: Any) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": schema}}}
    return {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}, **operation}}


def _spec(webhooks: dict[str, Any]) -> dict[str, Any]:
    event = {"type": "string", "description": "The type of event."}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic", "version": "1.0.0"},
        "paths": {},
        "components": {
            "schemas": {
                "ThingWebhook": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "eventType": event,
                        "payload": {"$ref": "#/components/schemas/Thing"},
                    },
                },
                "Thing": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "LegacyWebhook": {
                    "type": "object",
                    "properties": {"RuleType": {"type": "string"}, "Data": {"type": "object"}},
                },
            }
        },
        "webhooks": webhooks,
    }


THING = {"$ref": "#/components/schemas/ThingWebhook"}
LEGACY = {"$ref": "#/components/schemas/LegacyWebhook"}
INLINE = {"type": "object", "properties": {"eventType": {"type": "string"}, "n": {"type": "integer"}}}


def test_each_construct_of_a_webhooks_section_renders_and_parses(tmp_path: Path) -> None:
    spec = _spec(
        {
            "thing.created": _hook(THING, description="A thing was created."),
            "{dataType}.write.successful": _hook(THING),
            "Thing rule fired": _hook(LEGACY),
            "thing.inline": _hook(INLINE),
            "Thing created": _hook(LEGACY, deprecated=True),
        }
    )
    module = _render(spec, tmp_path, "rendered_synthetic")
    assert module is not None
    classes = event_classes(module)
    assert {name: c.__name__ for name, c in classes.items()} == {
        "thing.created": "ThingCreatedEvent",
        "{dataType}.write.successful": "DataTypeWriteSuccessfulEvent",
        "Thing rule fired": "ThingRuleFiredEvent",
        "thing.inline": "ThingInlineEvent",
        "Thing created": "ThingCreatedDeprecatedEvent",  # a current event's name is not taken
    }
    assert set(typing.get_args(module.Event)) == {*classes.values(), UnknownWebhookEvent}
    assert "A thing was created." in (classes["thing.created"].__doc__ or "")
    assert "deprecated" in (classes["Thing created"].__doc__ or "")

    created = _construct(module, {"eventType": "thing.created", "payload": {"name": "n"}, "new": 1})
    assert type(created) is classes["thing.created"]
    assert type(created.data).__name__ == "ThingWebhook"
    assert created.data.payload.name == "n"
    assert created.data.to_dict() == {"eventType": "thing.created", "payload": {"name": "n"}, "new": 1}
    written = _construct(module, {"eventType": "bills.write.successful"})
    assert type(written) is classes["{dataType}.write.successful"]
    legacy = _construct(module, {"RuleType": "Thing rule fired", "Data": {}})
    assert type(legacy) is classes["Thing rule fired"]
    assert type(legacy.data).__name__ == "LegacyWebhook"
    assert type(_construct(module, {"RuleType": "Thing created"})) is classes["Thing created"]
    inline = _construct(module, {"eventType": "thing.inline", "n": 1})
    assert type(inline) is classes["thing.inline"]
    assert inline.data == {"eventType": "thing.inline", "n": 1}  # a schema without a model: the JSON
    assert type(_construct(module, {"eventType": "thing.deleted"})) is UnknownWebhookEvent
    assert module.EVENT_TYPES is not None


def test_a_spec_without_webhooks_gets_no_module(tmp_path: Path) -> None:
    assert _render(_spec({}), tmp_path, "rendered_none") is None


@pytest.mark.parametrize(
    ("webhooks", "problem"),
    [
        ({"thing.created": {"get": _hook(THING)["post"]}}, "POST"),
        ({"thing.created": _hook(THING), "Thing.Created": _hook(THING)}, "collide"),
        ({"thing created": _hook(THING), "thing.created": _hook(THING)}, "collide"),
    ],
    ids=["not a POST", "types differing in case", "names alike, neither deprecated"],
)
def test_events_that_cannot_be_told_apart_fail_generation(webhooks: dict[str, Any], problem: str) -> None:
    spec = normalise(_spec(webhooks))
    with pytest.raises(GenerationError, match=problem):
        webhooks_view(spec, parse(spec))


# ------------------------------------------------------------------------------------------ corpus


def _corpus() -> list[Path]:
    where = source.default_source()
    if where is None or not (Path(where) / "corpus").is_dir():
        return []
    return sorted(p for p in (Path(where) / "corpus").iterdir() if p.suffix in (".json", ".yaml"))


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return loaded


CORPUS_WITH_WEBHOOKS = [path for path in _corpus() if _load(path).get("webhooks")]


def test_the_corpus_has_specs_with_webhooks() -> None:
    if source.default_source() is None:
        pytest.skip("no spec source (../shared/openapi)")
    assert CORPUS_WITH_WEBHOOKS


@pytest.mark.parametrize("path", CORPUS_WITH_WEBHOOKS, ids=lambda p: p.stem)
def test_every_corpus_event_is_generated_verified_parsed_and_round_trips(path: Path, tmp_path: Path) -> None:
    raw = _load(path)
    spec = normalise(copy.deepcopy(raw))
    try:
        parse({**spec, "paths": {}})
    except GenerationError as exc:  # the pipeline's to fix, not the webhooks template's
        pytest.skip(f"the generator cannot parse {path.name} yet: {str(exc).splitlines()[0]}")
    module = _render(raw, tmp_path, "rendered_" + path.stem.replace("-", "_").lower())
    assert module is not None
    classes = event_classes(module)
    assert sorted(classes) == sorted(raw["webhooks"])
    for event_type, cls in classes.items():
        _deliver(module, spec, event_type, cls)


def _deliver(module: ModuleType, spec: dict[str, Any], event_type: str, cls: type[WebhookEvent[Any]]) -> None:
    """Deliveries of ``event_type`` built from its schema parse as ``cls`` and give their JSON back."""

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(deliveries(spec, event_type))
    def check(data: dict[str, Any]) -> None:
        event = _construct(module, data)
        assert type(event) is cls, (event_type, data)
        assert event.type == data[type_field(spec, event_type)]
        assert (event.data if isinstance(event.data, dict) else event.data.to_dict()) == data

    check()


# ------------------------------------------------------------------------------------------ bumps


def _platform_history() -> list[Path]:
    where = source.default_source()
    if where is None or not (Path(where) / "history").is_dir():
        return []
    return sorted((Path(where) / "history").glob("Codat-Platform.*.json"))


@pytest.mark.parametrize("path", _platform_history(), ids=lambda p: p.stem)
def test_a_bump_regenerates_the_events_of_the_new_spec(path: Path, tmp_path: Path) -> None:
    """An older Platform spec's package has exactly its events; an event added since is unknown to it
    and typed in the current package (which the bump regenerated)."""
    old = json.loads(path.read_bytes())
    old_module = _render(old, tmp_path, "rendered_history", paths=True)  # the whole package, as a bump makes it
    assert old_module is not None
    assert sorted(event_classes(old_module)) == sorted(old["webhooks"])
    current = event_classes(platform_webhooks)
    added = sorted(set(current) - set(old["webhooks"]))
    assert sorted(current) == sorted({*old["webhooks"], *added})
    for event_type in added:
        body = {"eventType": event_type.replace("{dataType}", "bills")}
        assert type(_construct(old_module, body)) is UnknownWebhookEvent
        assert type(_construct(platform_webhooks, body)) is current[event_type]
