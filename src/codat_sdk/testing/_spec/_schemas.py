"""Checks a JSON value against a trimmed schema of a route table (component refs by name).

The table's schemas keep only validation keywords (``codegen.routes``); this checks those keywords the way
JSON Schema does, plus OpenAPI's ``nullable`` and ``readOnly`` (values checked are requests: a required
read-only property may be left out). Formats checked are those a typed server parses: uuid, date-time,
date, int32/int64; a ``uri`` or ``email`` string is taken as sent. Problems name the field, never its
value (a body may hold secrets).
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["SchemaProblem", "find_problem", "resolve"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}
Schemas = Mapping[str, Any]
# Numeric bound keywords: (keyword, whether a value breaks it, how the message says the bound).
_BOUNDS: tuple[tuple[str, Callable[[float, float], bool], str], ...] = (
    ("minimum", operator.lt, "at least"),
    ("maximum", operator.gt, "at most"),
    ("exclusiveMinimum", operator.le, "more than"),
    ("exclusiveMaximum", operator.ge, "less than"),
)


class SchemaProblem(Exception):
    """Where (``tags.region``, ``items[0].id``; empty for the whole value) and what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


def resolve(schema: Any, schemas: Schemas) -> Mapping[str, Any]:
    """``schema`` with its component refs followed (a ref to no component: any value)."""
    seen: set[str] = set()
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in seen:
        seen.add(schema["$ref"])
        schema = schemas.get(schema["$ref"], {})
    return schema if isinstance(schema, Mapping) else {}


def _listed(value: Any) -> Sequence[Any]:
    """A keyword's list (a tuple in a frozen table), or nothing."""
    return value if isinstance(value, list | tuple) else ()


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(kind, object))


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None  # a pattern Python cannot read (.NET syntax): nothing is checked


def _format_problem(value: Any, fmt: str) -> str | None:
    if isinstance(value, str):
        if fmt == "uuid" and not _UUID.fullmatch(value):
            return "must be a UUID"
        if fmt == "date-time" and not _parses(datetime.datetime.fromisoformat, value):
            return "must be an ISO 8601 date and time"
        if fmt == "date" and not _parses(datetime.date.fromisoformat, value):
            return "must be an ISO 8601 date"
    elif isinstance(value, int) and not isinstance(value, bool) and fmt in _INT_RANGES:
        low, high = _INT_RANGES[fmt]
        if not low <= value <= high:
            return f"must fit in {fmt}"
    return None


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return False
    return True


def _scalar_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    """A problem of a string or number with its schema's bounds, pattern or format."""
    if isinstance(value, str):
        if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
            return f"must be at least {schema['minLength']} characters long"
        if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
            return f"must be at most {schema['maxLength']} characters long"
        pattern = _pattern(schema["pattern"]) if isinstance(schema.get("pattern"), str) else None
        if pattern is not None and pattern.search(value) is None:
            return f"must match the pattern {schema['pattern']}"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        for key, fails, says in _BOUNDS:
            bound = schema.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool) and fails(value, bound):
                return f"must be {says} {bound}"
    fmt = schema.get("format")
    return _format_problem(value, fmt) if isinstance(fmt, str) else None


def find_problem(value: Any, schema: Any, schemas: Schemas, where: str = "") -> SchemaProblem | None:
    """The first way ``value`` breaks ``schema`` (refs resolved in ``schemas``), or None when it fits."""
    schema = resolve(schema, schemas)
    if value is None and schema.get("nullable") is True:
        return None
    for part in _listed(schema.get("allOf")):
        problem = find_problem(value, part, schemas, where)
        if problem is not None:
            return problem
    for key in ("anyOf", "oneOf"):
        options = _listed(schema.get(key))
        if options and all(find_problem(value, option, schemas, where) is not None for option in options):
            if len(options) == 1:
                return find_problem(value, options[0], schemas, where)
            return SchemaProblem(where, "matches none of the allowed shapes")
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else _listed(kinds)
    if kinds and not any(_is_type(value, k) for k in kinds):
        return SchemaProblem(where, f"must be {' or '.join(_article(k) for k in kinds)}")
    if "const" in schema and not _same_json(value, schema["const"]):
        return SchemaProblem(where, f"must be {schema['const']!r}")
    members = _listed(schema.get("enum"))
    if members and not any(_same_json(value, member) for member in members):
        listed = ", ".join(str(m) for m in members if m is not None)
        return SchemaProblem(where, f"must be one of: {listed}")
    said = _scalar_problem(value, schema)
    if said is not None:
        return SchemaProblem(where, said)
    if isinstance(value, list):
        return _array_problem(value, schema, schemas, where)
    if isinstance(value, dict):
        return _object_problem(value, schema, schemas, where)
    return None


def _same_json(left: Any, right: Any) -> bool:
    """JSON equality: ``true`` is not ``1`` (as Python's ``==`` has it); ``1.0`` is ``1``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(_same_json(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    return bool(left == right)


def _article(kind: str) -> str:
    return {"integer": "an integer", "object": "an object", "array": "an array", "null": "null"}.get(kind, f"a {kind}")


def _array_problem(value: list[Any], schema: Mapping[str, Any], schemas: Schemas, where: str) -> SchemaProblem | None:
    if isinstance(schema.get("minItems"), int) and len(value) < schema["minItems"]:
        return SchemaProblem(where, f"must hold at least {schema['minItems']} items")
    if isinstance(schema.get("maxItems"), int) and len(value) > schema["maxItems"]:
        return SchemaProblem(where, f"must hold at most {schema['maxItems']} items")
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            problem = find_problem(item, items, schemas, _at(where, index))
            if problem is not None:
                return problem
    return None


def _object_problem(
    value: dict[str, Any], schema: Mapping[str, Any], schemas: Schemas, where: str
) -> SchemaProblem | None:
    properties = schema.get("properties") or {}
    for name in _listed(schema.get("required")):
        # A read-only property is the server's to send: a request need not (OpenAPI 3.1, section 4.8.25).
        if name not in value and not resolve(properties.get(name), schemas).get("readOnly"):
            return SchemaProblem(_at(where, name), "is required")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            problem = find_problem(item, properties[name], schemas, _at(where, name))
        elif extra is False:
            problem = SchemaProblem(_at(where, name), "is not a known property")
        elif isinstance(extra, Mapping):
            problem = find_problem(item, extra, schemas, _at(where, name))
        else:
            problem = None
        if problem is not None:
            return problem
    return None
