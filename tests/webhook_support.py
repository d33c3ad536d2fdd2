"""For the webhook tests: an events module's classes, and Hypothesis deliveries built from a spec's schemas."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

from codat_sdk import WebhookEvent
from tests.e2e.spec_support import resolve

MAX_DEPTH = 5  # optional properties stop here; required ones go on (a few levels more at most)


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    return kind if isinstance(kind, list) else [kind] if kind else []


def from_schema(spec: dict[str, Any], schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values valid for ``schema``: every required property, optional ones while not too deep."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or depth > MAX_DEPTH + 3:
        return st.none()
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for combiner in ("oneOf", "anyOf"):
        if schema.get(combiner):
            return st.one_of([from_schema(spec, option, depth + 1) for option in schema[combiner]])
    if schema.get("allOf"):
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]:
            part = resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return from_schema(spec, merged, depth)
    kinds = _types(schema)
    options = [_of_type(spec, schema, kind, depth) for kind in kinds if kind != "null"]
    if "null" in kinds or schema.get("nullable"):
        options.append(st.none())
    if not options:
        options = [_of_type(spec, schema, "object" if "properties" in schema else "string", depth)]
    return st.one_of(options)


def _of_type(spec: dict[str, Any], schema: dict[str, Any], kind: str, depth: int) -> st.SearchStrategy[Any]:
    if kind == "object":
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not properties:
            return st.dictionaries(st.text(max_size=8), from_schema(spec, extra, depth + 1), max_size=3)
        must = {name: from_schema(spec, prop, depth + 1) for name, prop in properties.items() if name in required}
        may = {
            name: from_schema(spec, prop, depth + 1)
            for name, prop in properties.items()
            if name not in required and depth < MAX_DEPTH
        }
        return st.fixed_dictionaries(must, optional=may)
    if kind == "array":
        return st.lists(from_schema(spec, schema.get("items", {}), depth + 1), max_size=2 if depth < MAX_DEPTH else 0)
    if kind == "integer":
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-1000, 1000)
    if kind == "boolean":
        return st.booleans()
    if schema.get("format") == "uuid":
        return st.uuids().map(str)
    if schema.get("format") == "date-time":
        return st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return st.text(max_size=12)


def concrete(event_type: str) -> st.SearchStrategy[str]:
    """An event type as Codat sends it: each ``{placeholder}`` one dot-free word, e.g. ``bills``."""
    parts = re.split(r"\{[^{}]*\}", event_type)
    words = st.lists(st.from_regex(r"[a-zA-Z]{1,12}", fullmatch=True), min_size=len(parts) - 1, max_size=len(parts) - 1)
    return words.map(lambda ws: "".join(p + w for p, w in zip(parts, [*ws, ""], strict=True)))


def body_schema(spec: dict[str, Any], event_type: str) -> dict[str, Any]:
    media = spec["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
    schema: dict[str, Any] = media["schema"]
    return schema


def type_field(spec: dict[str, Any], event_type: str) -> str:
    """The body property naming the event: ``eventType``, or (Codat's older rule-based events) ``RuleType``/``Type``."""
    properties = resolve(spec, body_schema(spec, event_type)).get("properties", {})
    return "eventType" if "eventType" in properties else next(n for n in properties if n.lower().endswith("type"))


def deliveries(spec: dict[str, Any], event_type: str) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of ``event_type`` deliveries: built from its schema, naming the event in its type field."""
    field = type_field(spec, event_type)
    return st.tuples(from_schema(spec, body_schema(spec, event_type)), concrete(event_type)).map(
        lambda pair: {**pair[0], field: pair[1]}
    )


def event_classes(module: ModuleType) -> dict[str, type[WebhookEvent[Any]]]:
    """Event type -> class, of the event classes a generated ``webhooks`` module exports."""
    found = [getattr(module, name) for name in module.__all__]
    return {c.EVENT_TYPE: c for c in found if isinstance(c, type) and issubclass(c, WebhookEvent)}
