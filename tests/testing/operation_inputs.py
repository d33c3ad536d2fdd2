"""Valid inputs for any operation of the pinned specs: path parameters and request bodies.

Bodies come from the spec's own request examples where it gives one, else are built from the body's
schema (each property's example, enum member or default, else a value of its type and format). Every body
is checked with ``spec_validation.validate_request_body`` before a test sends it.
"""

from __future__ import annotations

import re
from typing import Any

from tests.testing.spec_validation import operation, parameter, pinned, validator

JSON = "application/json"
_FORMATS = {
    "uuid": "6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f60",
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "uri": "https://example.com/codat",
    "email": "someone@example.com",
}


def _resolve(api: str, schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        schema, _ = validator(api).follow(schema, "")
    return schema if isinstance(schema, dict) else {}


def instance(api: str, schema: Any, depth: int = 0) -> Any:
    """A value fitting ``schema`` (its examples first), every property filled in, ``depth``-limited."""
    schema = _resolve(api, schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return next(value for value in schema["enum"] if value is not None)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for combiner in ("allOf",):
        if combiner in schema:
            merged: dict[str, Any] = {}
            for part in schema[combiner]:
                value = instance(api, part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            return instance(api, next(o for o in schema[combiner] if _resolve(api, o).get("type") != "null"), depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {name: instance(api, sub, depth + 1) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [] if depth > 4 else [instance(api, schema.get("items") or {}, depth + 1)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return _FORMATS.get(schema.get("format", ""), "text")


def json_body(api: str, operation_id: str) -> Any | None:
    """A valid JSON body for the operation, or None when it takes none (or takes no JSON)."""
    declared = operation(api, operation_id).get("requestBody")
    if declared is None:
        return None
    declared, _ = validator(api).follow(declared, "")
    content = declared["content"].get(JSON)
    if content is None:
        return None
    examples = content.get("examples") or {}
    for example in examples.values():
        example = _resolve(api, example)
        if "value" in example:
            return example["value"]
    return instance(api, content["schema"])


def path_parameter(api: str, operation_id: str, name: str) -> str:
    """A valid value of a path parameter with no sandbox record behind it (``dataType``, ``platformKey``)."""
    declared, _ = parameter(api, operation_id, name)
    schema = _resolve(api, declared.get("schema"))
    value = str(instance(api, schema))
    pattern = schema.get("pattern")
    if pattern and not re.fullmatch(pattern, value):  # a pattern of letters and a length: enough for Codat's
        value = "a" * int(schema.get("minLength") or 1)
        assert re.fullmatch(pattern, value), f"{operation_id} {name}: no value for {pattern}"
    return value


def paths(api: str) -> dict[str, Any]:
    return pinned(api)["paths"]  # type: ignore[no-any-return]
