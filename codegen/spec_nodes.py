"""Reading the raw (normalised) spec: refs followed, operations and parameters, object properties."""

from __future__ import annotations

import re
from typing import Any

from openapi_python_client import strings

from .errors import GenerationError
from .normalise import HTTP_METHODS, pointer_tokens, resolve


def follow_refs(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its chain of local refs followed; a ref that leads nowhere fails generation."""
    while "$ref" in node:
        tokens = pointer_tokens(node["$ref"])
        target = None if tokens is None else resolve(spec, tokens)
        if not isinstance(target, dict):
            raise GenerationError(f"$ref {node['$ref']!r} does not lead to an object in the spec")
        node = target
    return node


def raw_operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Raw operations keyed as upstream's endpoints are: method and path with snake_case parameters."""
    return {
        (method, re.sub(r"\{([^}]+)\}", lambda m: "{" + strings.snake_case(m.group(1)) + "}", path)): op
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def raw_parameters(spec: dict[str, Any], path_item: dict[str, Any], op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The operation's parameters (path-level ones included, the operation's winning), by name."""
    params: dict[str, dict[str, Any]] = {}
    for raw in [*path_item.get("parameters", []), *op.get("parameters", [])]:
        param = follow_refs(spec, raw)
        params[param["name"]] = param
    return params


def schema_properties(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An object schema's properties, those of its ``allOf`` parts merged in."""
    schema = follow_refs(spec, schema)
    properties: dict[str, dict[str, Any]] = {}
    for part in schema.get("allOf", []):
        properties.update(schema_properties(spec, part))
    properties.update(schema.get("properties", {}))
    return properties


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) and ref.startswith("#/components/schemas/") else None


def non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A nullable schema's one non-null alternative (``anyOf: [X, {type: null}]``), else ``schema``."""
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key, []) if o.get("type") != "null"]
        if key in schema and len(options) == 1:
            option: dict[str, Any] = options[0]
            return option
    return schema
