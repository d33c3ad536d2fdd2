"""Request bodies sent when a call passes none, each checked against the spec before it is used."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attr
from openapi_python_client.schema import UntrustedString

from .errors import GenerationError
from .spec_nodes import follow_refs
from .views import OperationView


def _allowed_values(spec: dict[str, Any], schema: dict[str, Any]) -> list[Any] | None:
    """The values ``schema`` allows when it is an enum (through refs, anyOf/oneOf and nullability), else None."""
    schema = follow_refs(spec, schema)
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    branches = schema.get("anyOf") or schema.get("oneOf")
    if not branches:
        return None
    allowed: list[Any] = []
    for branch in branches:
        branch = follow_refs(spec, branch)
        if branch.get("type") == "null":
            allowed.append(None)
            continue
        values = _allowed_values(spec, branch)
        if values is None:
            return None
        allowed.extend(values)
    return allowed


def apply_body_default(op: OperationView, spec: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Make ``op``'s body optional, defaulting to ``entry["body"]``, after checking that against the spec."""
    where = f"openapi/overrides.json: {op.operation_id}.body"
    default = entry.get("body")
    media = op.raw.get("requestBody", {}).get("content", {}).get("application/json")
    if not isinstance(default, dict) or not default:
        raise GenerationError(f"{where}: 'body' must be a non-empty JSON object")
    if media is None or len(op.endpoint.bodies) != 1:
        raise GenerationError(f"{where}: the operation takes no (single) JSON request body")
    properties = follow_refs(spec, media.get("schema", {})).get("properties", {})
    for name, value in default.items():
        if name not in properties:
            raise GenerationError(f"{where}: the body schema has no property {name!r}")
        allowed = _allowed_values(spec, properties[name])
        if allowed is not None and value not in allowed:
            raise GenerationError(f"{where}: {name}={value!r} is not one of the values the spec allows {allowed}")
    examples = [example.get("value") for example in media.get("examples", {}).values()]
    if "example" in media:
        examples.append(media["example"])
    for example in examples:
        if example != default:
            raise GenerationError(f"{where}: the spec's example body {example!r} differs from the default {default!r}")
    body = op.endpoint.bodies[0]
    note = f"Defaults to ``{json.dumps(default)}``. {entry.get('body_note', '')}".strip()
    existing = body.prop.description.get_untrusted_value() if body.prop.description else ""
    description = UntrustedString(f"{existing} {note}".strip())
    body.prop = attr.evolve(body.prop, required=False, description=description)
    op.body_default = default
