"""Canned Codat response bodies, generated from the pinned Platform spec's schemas at bench time.

The spec is read through ``codegen.source`` (never copied into the repository) and normalised as for
generation. Every company fills every property of the ``Company`` schema (nested connections, errors,
references and tags included), using the spec's own examples where it gives one and a value of the
right format otherwise; ids differ per company, so no decoder can profit from repeated values.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

from codegen.normalise import normalise
from codegen.source import default_source, load_pinned, load_pins

# Schemas nest (companies reference companies); one level of nesting below a company is what Codat returns.
_MAX_DEPTH = 6
_DATE_TIME = "2022-10-27T10:22:43.6464237Z"


@cache
def platform_spec() -> dict[str, Any]:
    spec: dict[str, Any] = normalise(load_pinned(load_pins()["platform"], default_source()))
    return spec


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    for _ in range(50):  # bounded: the normalised spec has no alias chains this long
        ref = schema.get("$ref")
        if ref is None:
            return schema
        name = ref.removeprefix("#/components/schemas/")
        schema = {**spec["components"]["schemas"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    raise ValueError(f"$ref chain too long at {schema.get('$ref')}")


class _Builder:
    """Values for schemas; ``seed`` makes every uuid of one company distinct from other companies'."""

    def __init__(self, spec: dict[str, Any], seed: int) -> None:
        self.spec = spec
        self.seed = seed
        self.uuids = 0

    def _uuid(self) -> str:
        self.uuids += 1
        return str(uuid.UUID(int=(self.seed << 64) | (0x4000 << 48) | self.uuids))

    def value(self, schema: dict[str, Any], depth: int = 0, name: str = "") -> Any:
        schema = _resolve(self.spec, schema)
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.value(part, depth, name))
            if "properties" in schema:
                merged.update(self._object(schema, depth))
            return merged
        for combiner in ("oneOf", "anyOf"):
            if schema.get(combiner):
                return self.value(schema[combiner][0], depth, name)
        if "enum" in schema:
            values = schema["enum"]
            return values[self.seed % len(values)]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        if kind == "array":
            if depth >= _MAX_DEPTH:
                return []
            return [self.value(schema.get("items", {}), depth + 1, name)]
        if kind == "string":
            return self._string(schema, name)
        if "example" in schema:
            return schema["example"]
        if kind == "integer":
            return int(schema.get("minimum", 0)) + self.seed % 100
        if kind == "number":
            return float(schema.get("minimum", 0)) + (self.seed % 1000) / 10
        if kind == "boolean":
            return self.seed % 2 == 0
        return None

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        properties = schema.get("properties", {})
        if not properties and schema.get("additionalProperties") not in (None, False):
            extra = schema["additionalProperties"]
            item = self.value(extra, depth + 1) if isinstance(extra, dict) and extra else "value"
            return {"region": item if isinstance(item, str) else "uk", "team": "invoice-finance"}
        if depth >= _MAX_DEPTH:
            required = set(schema.get("required", []))
            properties = {k: v for k, v in properties.items() if k in required}
        for key, prop in properties.items():
            result[key] = self.value(prop, depth + 1, key)
        return result

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return self._uuid()
        if fmt == "date-time" or schema.get("title") == "Date time":
            return _DATE_TIME
        if fmt == "date":
            return "2022-10-27"
        if name == "name":
            return f"Company {self.seed}"
        if "example" in schema and isinstance(schema["example"], str):
            return str(schema["example"])
        if fmt in ("uri", "url"):
            return f"https://example.com/{self.seed}"
        return f"{name or 'text'}-{self.seed}"


def company(index: int) -> dict[str, Any]:
    spec = platform_spec()
    value: dict[str, Any] = _Builder(spec, index + 1).value(spec["components"]["schemas"]["Company"])
    return value


@cache
def company_items(count: int) -> tuple[bytes, ...]:
    """The JSON of ``count`` distinct companies, each serialised on its own (pages join them)."""
    return tuple(json.dumps(company(i), separators=(",", ":")).encode() for i in range(count))


def page_prefix() -> bytes:
    return b'{"results":['


def page_suffix(page: int, page_size: int, total: int) -> bytes:
    """The paging fields after the results, with HAL links as Codat sends them."""
    links: dict[str, Any] = {
        "self": {"href": "/companies"},
        "current": {"href": f"/companies?page={page}&pageSize={page_size}"},
    }
    if page > 1:
        links["previous"] = {"href": f"/companies?page={page - 1}&pageSize={page_size}"}
    if page * page_size < total:
        links["next"] = {"href": f"/companies?page={page + 1}&pageSize={page_size}"}
    tail = {"pageNumber": page, "pageSize": page_size, "totalResults": total, "_links": links}
    return b"]," + json.dumps(tail, separators=(",", ":")).encode()[1:]
