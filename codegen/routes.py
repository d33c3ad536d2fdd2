"""The route table of a generated package (``_routes.py``): what ``codat_sdk.testing`` needs of the spec.

The sandbox ships inside the package, where no spec is at hand, so generation writes down, per operation,
how it is called (method, path, parameters, body), what it answers (statuses, media types, models) and a
sample body built from each success schema. Schemas the sandbox checks requests against are kept too,
trimmed to their validation keywords with component refs by name (``{"$ref": "Company"}``).

Samples are built from the schema, never copied from the spec's examples (which often break their own
schemas): required and optional properties, an enum's first member, values of each documented format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openapi_python_client.parser import GeneratorData

from . import media
from .errors import GenerationError
from .naming import json_name
from .normalise import HTTP_METHODS, pointer_tokens, resolve
from .spec_nodes import raw_parameters, ref_name
from .views import OperationView

__all__ = ["FORMAT_SAMPLES", "RoutesView", "routes_view", "sample_value"]

# Keywords that constrain a value; everything else in a schema (descriptions, examples) is left out.
VALIDATION_KEYWORDS = (
    "type",
    "nullable",
    "enum",
    "const",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "default",
    "readOnly",
    "writeOnly",
)
_COMPONENT_SCHEMA = "#/components/schemas/"
# A sample nests no deeper than this: optional properties beyond it are left out.
MAX_SAMPLE_DEPTH = 6
# Sample values by format, each valid for its format (and for Codat's unformatted DateTime schemas).
FORMAT_SAMPLES: dict[str, Any] = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "https://example.com/",
    "email": "user@example.com",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "byte": "",
    "binary": "",
}
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# Strings tried, in order, for an unformatted string with a pattern; the first the pattern accepts is used.
_PATTERN_CANDIDATES = (
    "string",
    "2024-01-01T00:00:00Z",
    "2024-01-01",
    "abcd",
    "a",
    "0",
    "00000000-0000-4000-8000-000000000000",
)


@dataclass(frozen=True)
class RoutesView:
    api: str
    routes: tuple[dict[str, Any], ...]  # parameters and samples by their keys below
    parameters: dict[str, Any]  # key -> parameter
    samples: dict[str, Any]  # key -> sample body of a success response
    schemas: dict[str, Any]  # component name -> trimmed schema, every one a route's request refers to
    auth_headers: tuple[str, ...]  # header names an API key goes in (the spec's apiKey security schemes)


def _follow(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with its chain of refs followed (a dangling or looping ref: the node as it is)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        tokens = pointer_tokens(node["$ref"])
        target = None if tokens is None else resolve(spec, tokens)
        if target is None:
            return node
        node = target
    return node


class _Trimmer:
    """Trims schemas to their validation keywords, collecting the components they refer to."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components: dict[str, Any] = {}

    def trim(self, schema: Any, depth: int = 0) -> Any:
        if not isinstance(schema, dict):
            return schema if isinstance(schema, bool) else {}
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref_name(schema)
            if name is not None and name in self.spec.get("components", {}).get("schemas", {}):
                if name not in self.components:
                    self.components[name] = {}  # claimed first: a recursive schema refers to itself
                    self.components[name] = self.trim(self.spec["components"]["schemas"][name])
                return {"$ref": name}
            target = _follow(self.spec, schema)
            return {} if target is schema or depth > 50 else self.trim(target, depth + 1)
        out: dict[str, Any] = {}
        for key in VALIDATION_KEYWORDS:
            if key not in schema:
                continue
            value = schema[key]
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self.trim(sub, depth) for name, sub in value.items()}
            elif key in ("items", "additionalProperties") and isinstance(value, dict | bool):
                out[key] = self.trim(value, depth)
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
                out[key] = [self.trim(sub, depth) for sub in value]
            elif _is_literal(value):
                out[key] = value
        return out


def _is_literal(value: Any) -> bool:
    """JSON data Python writes back as a literal (no NaN: a spec's JSON has none)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_literal(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_literal(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


class _Sampler:
    """Builds a sample value from a schema: valid for it, deterministic, never the spec's own examples."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def sample(self, schema: Any, depth: int = 0, refs: frozenset[str] = frozenset()) -> Any:
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = _follow(self.spec, schema)
            if target is schema or ref in refs:
                return None
            hinted = _named_format(ref_name(schema), target)
            if hinted is not None:
                return hinted
            return self.sample(target, depth, refs | {ref})
        if "const" in schema:
            return schema["const"]
        members = [v for v in schema.get("enum", []) if v is not None]
        if members:
            return members[0]
        if "allOf" in schema:
            return self._all_of(schema, depth, refs)
        for key in ("anyOf", "oneOf"):
            options = [
                o for o in schema.get(key, []) if isinstance(o, dict) and _follow(self.spec, o).get("type") != "null"
            ]
            if options:
                return self.sample(options[0], depth, refs)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, depth, refs)
        if kind == "array":
            return self._array(schema, depth, refs)
        if kind == "string":
            return self._string(schema)
        if kind in ("integer", "number"):
            return self._number(schema, kind)
        if kind == "boolean":
            return False
        if kind == "null" or schema.get("nullable"):
            return None
        return {}  # any JSON

    def _all_of(self, schema: dict[str, Any], depth: int, refs: frozenset[str]) -> Any:
        merged: Any = None
        for part in [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]:
            value = self.sample(part, depth, refs)
            if isinstance(value, dict) and isinstance(merged, dict):
                merged = {**merged, **value}
            elif merged is None or merged == {}:
                merged = value
        return merged

    def _object(self, schema: dict[str, Any], depth: int, refs: frozenset[str]) -> dict[str, Any]:
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, prop in (schema.get("properties") or {}).items():
            if name not in required and (depth >= MAX_SAMPLE_DEPTH or _is_recursive(prop, refs)):
                continue
            value = self.sample(prop, depth + 1, refs)
            if value is None and not self._accepts_null(prop):
                if name in required:
                    out[name] = value
                continue
            out[name] = value
        return out

    def _accepts_null(self, schema: Any) -> bool:
        schema = _follow(self.spec, schema)
        if not isinstance(schema, dict):
            return False
        if schema.get("nullable") or schema.get("type") == "null" or None in schema.get("enum", []):
            return True
        kinds = schema.get("type")
        if isinstance(kinds, list) and "null" in kinds:
            return True
        return any(
            isinstance(o, dict) and _follow(self.spec, o).get("type") == "null"
            for o in [*schema.get("anyOf", []), *schema.get("oneOf", [])]
        )

    def _array(self, schema: dict[str, Any], depth: int, refs: frozenset[str]) -> list[Any]:
        count = int(schema.get("minItems") or 0)
        if not count:
            return []
        item = self.sample(schema.get("items", {}), depth + 1, refs)
        return [item] * count

    def _string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        candidates: list[str] = []
        if isinstance(fmt, str) and isinstance(FORMAT_SAMPLES.get(fmt), str):
            candidates.append(FORMAT_SAMPLES[fmt])
        candidates.extend(_PATTERN_CANDIDATES)
        low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
        fitted = [_fit_length(text, low, high) for text in candidates]
        # The spec's own examples come last, and only one its schema accepts (a pattern no candidate fits).
        examples = [schema.get("example"), *(schema.get("examples") or [])]
        fitted += [e for e in examples if isinstance(e, str) and _fit_length(e, low, high) == e]
        return next((t for t in fitted if not isinstance(pattern, str) or _matches(pattern, t)), fitted[0])

    def _number(self, schema: dict[str, Any], kind: str) -> int | float:
        """0, moved into the schema's bounds (whole steps past an exclusive one)."""
        bounds = {k: schema[k] for k in _BOUNDS if isinstance(schema.get(k), int | float) and schema[k] is not True}
        bounds = {k: v for k, v in bounds.items() if not isinstance(v, bool)}
        value: int | float = 0
        if "minimum" in bounds:
            value = max(value, bounds["minimum"])
        if "exclusiveMinimum" in bounds and value <= bounds["exclusiveMinimum"]:
            value = math.floor(bounds["exclusiveMinimum"]) + 1
        if "maximum" in bounds:
            value = min(value, bounds["maximum"])
        if "exclusiveMaximum" in bounds and value >= bounds["exclusiveMaximum"]:
            value = math.ceil(bounds["exclusiveMaximum"]) - 1
        return int(value) if kind == "integer" else float(value)


def _fit_length(text: str, low: int, high: Any) -> str:
    text = text + "a" * max(0, low - len(text))
    return text[:high] if isinstance(high, int) else text


def _named_format(name: str | None, schema: dict[str, Any]) -> str | None:
    """Codat's ``DateTime`` and ``Date`` schemas are unformatted strings; their names say what they hold."""
    format_by_name = {"DateTime": "date-time", "Datetime": "date-time", "Date": "date"}
    fmt = format_by_name.get(name or "")
    if fmt is None or schema.get("type") != "string" or "format" in schema or "enum" in schema:
        return None
    sample: str = FORMAT_SAMPLES[fmt]
    pattern = schema.get("pattern")
    return sample if not isinstance(pattern, str) or _matches(pattern, sample) else None


def sample_value(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value valid for ``schema`` (refs into ``spec`` followed), built as the route tables' samples are."""
    return _Sampler(spec).sample(schema)


def _is_recursive(prop: Any, refs: frozenset[str]) -> bool:
    """A property leading back into a schema being built (directly or through an array's items)."""
    if not isinstance(prop, dict):
        return False
    for node in (prop, prop.get("items"), *prop.get("anyOf", []), *prop.get("oneOf", [])):
        if isinstance(node, dict) and node.get("$ref") in refs:
            return True
    return False


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read constrains nothing it can check


def _security_headers(spec: dict[str, Any]) -> tuple[str, ...]:
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    headers = []
    for scheme in schemes.values():
        scheme = _follow(spec, scheme)
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and isinstance(scheme.get("name"), str):
            headers.append(scheme["name"])
        elif scheme.get("type") == "http":
            headers.append("Authorization")
    return tuple(dict.fromkeys(headers))


def _requires_auth(spec: dict[str, Any], operation: dict[str, Any]) -> bool:
    requirements = operation.get("security", spec.get("security")) or []
    # ``[{}]`` (or an empty list) means anonymous access is allowed.
    return bool(requirements) and all(isinstance(r, dict) and r for r in requirements)


def _model_names(data: GeneratorData) -> dict[str, str]:
    """Component name -> generated class name (upstream names models by their pointer)."""
    names: dict[str, str] = {}
    for model in [*data.models, *data.enums]:
        pointer = json_name(model)
        if pointer.startswith("/components/schemas/"):
            names[pointer.removeprefix("/components/schemas/")] = str(model.class_info.name)
    return names


def _parameter(param: dict[str, Any], trimmer: _Trimmer) -> dict[str, Any]:
    # OpenAPI's defaults: path and header parameters are "simple", query and cookie ones "form" (exploded).
    style = str(param.get("style") or ("simple" if param.get("in") in ("path", "header") else "form"))
    return {
        "name": str(param["name"]),
        "in": str(param.get("in", "query")),
        "required": bool(param.get("required")) or param.get("in") == "path",
        "deprecated": bool(param.get("deprecated")),
        "style": style,
        "explode": bool(param.get("explode", style == "form")),
        "schema": trimmer.trim(param.get("schema") or {}),
    }


def _request_body(
    spec: dict[str, Any], operation: dict[str, Any], trimmer: _Trimmer, models: dict[str, str]
) -> dict[str, Any] | None:
    body = _follow(spec, operation.get("requestBody"))
    if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
        return None
    content = {}
    for media_type, entry in body["content"].items():
        schema = (entry or {}).get("schema") or {}
        name = ref_name(schema)
        content[str(media_type)] = {"model": models.get(name) if name else None, "schema": trimmer.trim(schema)}
    return {"required": bool(body.get("required")), "content": content}


class _Shared:
    """Values many routes repeat (a parameter, a sample), kept once under a key the routes name.

    A key is the value's own name (``companyId``, ``Company``); a second, different value of that name
    is keyed ``name (operationId)``. Keys are given in the spec's order, so the table is reproducible.
    """

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def key(self, name: str, value: Any, operation_id: str) -> str:
        for key in (name, f"{name} ({operation_id})"):
            if key not in self.values:
                self.values[key] = value
            if self.values[key] == value and repr(self.values[key]) == repr(value):  # True is not 1
                return key
        raise GenerationError(f"{operation_id}: two values of {name} in one operation")


def _responses(
    spec: dict[str, Any], operation: dict[str, Any], sampler: _Sampler, models: dict[str, str], samples: _Shared
) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    """(status, media type, model, sample key) per documented response and media type; None where absent."""
    out: list[tuple[str, str | None, str | None, str | None]] = []
    operation_id = str(operation.get("operationId"))
    for status, raw in (operation.get("responses") or {}).items():
        response = _follow(spec, raw)
        if not isinstance(response, dict):
            continue
        contents = response.get("content") or {}
        if not contents:
            out.append((str(status), None, None, None))
        for media_type, entry in contents.items():
            schema = (entry or {}).get("schema") or {}
            name = ref_name(schema)
            model = models.get(name) if name else None
            sample = None
            if str(status).startswith("2") and media.is_json(media_type):
                value = sampler.sample(schema)
                sample = samples.key(model or f"{operation_id} {status}", value, operation_id)
            out.append((str(status), str(media_type), model, sample))
    return tuple(out)


def routes_view(spec: dict[str, Any], api: str, operations: Iterable[OperationView], data: GeneratorData) -> RoutesView:
    """Every operation's route, in the spec's order of paths and methods (so the table is reproducible)."""
    by_id = {op.operation_id: op for op in operations}
    models = _model_names(data)
    trimmer = _Trimmer(spec)
    sampler = _Sampler(spec)
    parameters, samples = _Shared(), _Shared()
    routes: list[dict[str, Any]] = []
    for path, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            view = by_id.get(str(operation.get("operationId")))
            if view is None:  # an operation the generator left out has no method to route to
                continue
            params = [_parameter(p, trimmer) for p in raw_parameters(spec, item, operation).values()]
            routes.append(
                {
                    "operationId": view.operation_id,
                    "group": view.call_path,
                    "methodName": view.method_name,
                    "httpMethod": method.upper(),
                    "path": str(path),
                    "deprecated": bool(operation.get("deprecated")),
                    "auth": _requires_auth(spec, operation),
                    "parameters": tuple(parameters.key(p["name"], p, view.operation_id) for p in params),
                    "requestBody": _request_body(spec, operation, trimmer, models),
                    "responses": _responses(spec, operation, sampler, models, samples),
                }
            )
    return RoutesView(
        api=api,
        routes=tuple(routes),
        parameters=parameters.values,
        samples=samples.values,
        schemas=dict(sorted(trimmer.components.items())),
        auth_headers=_security_headers(spec),
    )
