"""The events of a spec's ``webhooks:`` section, as the webhooks template renders them (one class each)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from openapi_python_client.parser import GeneratorData

from .errors import GenerationError
from .naming import json_name
from .normalise import pascal
from .spec_nodes import follow_refs, ref_name, schema_properties
from .spec_text import plain

# Codat's events name their type in ``eventType``; its older rule-based ones in ``RuleType`` or ``Type``.
_PREFERRED_TYPE_FIELD = "eventType"


@dataclass(frozen=True)
class WebhookEventView:
    event_type: str  # the spec's key, e.g. "company.created" or "{dataType}.write.successful"
    class_name: str
    description: str
    model: str | None  # the payload model's class, None for a schema without one (data stays a dict)
    model_module: str | None
    deprecated: bool


@dataclass(frozen=True)
class WebhooksView:
    events: list[WebhookEventView]
    type_fields: tuple[str, ...]  # body fields that may hold the event type, most used first

    @property
    def model_imports(self) -> list[str]:
        return sorted({f"from .models.{e.model_module} import {e.model}" for e in self.events if e.model})


def _type_field(spec: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """The top-level string property naming the event's type: ``eventType``, else one ending in ``type``."""
    names = [name for name, prop in schema_properties(spec, schema).items() if name.lower().endswith("type")]
    strings = [n for n in names if follow_refs(spec, schema_properties(spec, schema)[n]).get("type") == "string"]
    if _PREFERRED_TYPE_FIELD in strings:
        return _PREFERRED_TYPE_FIELD
    return strings[0] if strings else None


def _deprecated_yield_their_names(events: list[WebhookEventView]) -> list[WebhookEventView]:
    """Where a deprecated event's name (``Client rate limit reached``) would be a current one's
    (``client.rateLimit.reached``), the deprecated one's class is ``...DeprecatedEvent``."""
    current = Counter(e.class_name for e in events if not e.deprecated)
    return [
        replace(e, class_name=e.class_name.removesuffix("Event") + "DeprecatedEvent")
        if e.deprecated and current[e.class_name]
        else e
        for e in events
    ]


def _payload_schema(operation: dict[str, Any]) -> dict[str, Any]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    schema: dict[str, Any] = (content.get("application/json") or {}).get("schema") or {}
    return schema


def event_type_fields(spec: dict[str, Any]) -> set[tuple[str | None, str]]:
    """(payload component, field) pairs the receiving runtime reads an event's type from: a contract of
    the hand-written webhook code, not a field like others."""
    found: set[tuple[str | None, str]] = set()
    for item in (spec.get("webhooks") or {}).values():
        operation = item.get("post") if isinstance(item, dict) else None
        schema = _payload_schema(operation) if isinstance(operation, dict) else {}
        field = _type_field(spec, schema)
        if field:
            found.add((ref_name(schema), field))
    return found


def webhooks_view(spec: dict[str, Any], data: GeneratorData) -> WebhooksView | None:
    """The spec's webhook events, or None when it declares none."""
    hooks = spec.get("webhooks") or {}
    if not hooks:
        return None
    models = {json_name(model): model.class_info for model in data.models}
    events: list[WebhookEventView] = []
    fields: Counter[str] = Counter()
    for event_type, item in hooks.items():
        operation = item.get("post")
        if not isinstance(operation, dict):
            raise GenerationError(f"webhook {event_type!r}: Codat's webhooks are POST requests; this one is not")
        schema = _payload_schema(operation)
        info = models.get(f"/components/schemas/{ref_name(schema)}")  # upstream names models by their pointer
        field = _type_field(spec, schema)
        if field:
            fields[field] += 1
        events.append(
            WebhookEventView(
                event_type=event_type,
                class_name=pascal(event_type) + "Event",
                description=plain(str(operation.get("description") or operation.get("summary") or event_type)),
                model=str(info.name) if info else None,
                model_module=str(info.module_name) if info else None,
                deprecated=bool(operation.get("deprecated")),
            )
        )
    events = _deprecated_yield_their_names(events)
    clashes = [name for name, count in Counter(e.class_name for e in events).items() if count > 1]
    folded = [name for name, count in Counter(e.event_type.casefold() for e in events).items() if count > 1]
    if clashes or folded:
        raise GenerationError(f"webhook events whose class names or types collide: {sorted(clashes + folded)}")
    ordered = sorted(fields, key=lambda f: (f != _PREFERRED_TYPE_FIELD, -fields[f], f))
    return WebhooksView(events=events, type_fields=tuple(ordered))
