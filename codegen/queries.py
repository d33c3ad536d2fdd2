"""Typed query fields (``CompanyQuery``, ...) for the item models of paged operations taking ``query``."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .naming import snake
from .normalise import pascal
from .spec_nodes import follow_refs, non_null, ref_name, schema_properties
from .views import OperationView, QueryClassView, QueryFieldView

# Parameters taking Codat's query language and orderings; the builders' runtime helpers render them.
QUERY_PARAMETER = "query"
ORDER_BY_PARAMETER = "orderBy"


# Sub-properties deeper than this (or a model inside itself) get no typed fields: raw queries still work.
MAX_QUERY_DEPTH = 3
# Codat's property paths (as codat_sdk._query checks them); other JSON names cannot be queried.
QUERYABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# How Codat's spec marks a property its query language cannot reach ("The `isCompleted` property is not
# queryable."): Codat answers a query on it with 400 "Could not resolve property".
NOT_QUERYABLE = re.compile(r"\bnot queryable\b", re.IGNORECASE)


def _not_queryable(*schemas: dict[str, Any]) -> bool:
    return any(NOT_QUERYABLE.search(str(schema.get("description", ""))) for schema in schemas)


def _scalar_kind(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    """The codat_sdk field class (and enum values) of a scalar schema; None for objects, maps and unions."""
    schema = non_null(schema)
    names = {ref_name(schema)}
    resolved = schema
    while "$ref" in resolved:
        resolved = follow_refs(spec, {"$ref": resolved["$ref"]})
        names.add(ref_name(resolved))
    merged = dict(resolved)
    for part in resolved.get("allOf", []):  # an annotated $ref: {allOf: [{$ref}], description}
        if len(resolved["allOf"]) == 1:
            names.add(ref_name(part))
            merged = {**follow_refs(spec, part), **{k: v for k, v in resolved.items() if k != "allOf"}}
    names.add(str(merged.get("title", "")).replace(" ", ""))
    kind, fmt = merged.get("type"), merged.get("format")
    enum_values = [v for v in merged.get("enum", []) if v is not None]  # null is no value to query for
    if enum_values and all(isinstance(v, str) for v in enum_values):
        return "EnumField", tuple(enum_values)
    if kind == "string":
        # Codat's DateTime / Date schemas are plain strings with no format; their names say what they are.
        if fmt == "date-time" or {"DateTime", "Datetime"} & names:
            return "DateTimeField", ()
        if fmt == "date" or "Date" in names:
            return "DateField", ()
        return "StringField", ()
    if kind in ("integer", "number"):
        return "NumberField", ()
    if kind == "boolean":
        return "BoolField", ()
    return None


def _count(array: str) -> QueryFieldView:
    return QueryFieldView("count", f"{array}.count", "NumberField")


def _map_value_kind(spec: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """The field class of a map's values (``tags``: string values): a map has only ``additionalProperties``."""
    values = schema.get("additionalProperties")
    if schema.get("type") != "object" or schema.get("properties") or not isinstance(values, dict):
        return None
    scalar = _scalar_kind(spec, values)
    # An enum's values would need listing per key; such a map is queried with a raw string.
    return scalar[0] if scalar is not None and scalar[0] != "EnumField" else None


def _query_fields(
    spec: dict[str, Any],
    schema: dict[str, Any],
    class_name: str,
    path: str,
    seen: frozenset[str],
    out: list[QueryClassView],
) -> tuple[QueryFieldView, ...]:
    """The typed fields of an object schema; namespaces of nested objects are appended to ``out``."""
    fields: list[QueryFieldView] = []
    for name, raw in schema_properties(spec, schema).items():
        if not QUERYABLE_NAME.fullmatch(name):
            continue
        attribute = snake(name)
        attribute = attribute + "_" if keyword.iskeyword(attribute) else attribute
        wire = f"{path}.{name}" if path else name
        declared, raw = raw, non_null(raw)
        prop = follow_refs(spec, raw)
        if _not_queryable(declared, raw, prop):
            continue
        # Codat's query language gives every array a ``count`` (``dataConnections.count=0``).
        is_array = prop.get("type") == "array" and "items" in prop
        if is_array:
            raw = non_null(prop["items"])
            prop = follow_refs(spec, raw)
        nested = f"_{class_name.removeprefix('_')}{pascal(name)}"
        scalar = _scalar_kind(spec, raw)
        if scalar is not None:
            field = QueryFieldView(attribute, wire, scalar[0], scalar[1])
            if is_array:  # the scalar field, subclassed to add its count
                out.append(QueryClassView(nested, name, (_count(wire),), public=False, base=field))
                field = replace(field, namespace=nested)
            fields.append(field)
            continue
        map_kind = _map_value_kind(spec, prop)
        if map_kind is not None and not is_array:
            fields.append(QueryFieldView(attribute, wire, "MapField", map_kind=map_kind))
            continue
        target = ref_name(raw) or wire
        properties = schema_properties(spec, prop)
        if not properties or target in seen or wire.count(".") + 1 >= MAX_QUERY_DEPTH:
            continue  # a map of objects, a recursive model, or deeper than anyone queries
        sub = _query_fields(spec, prop, nested, wire, seen | {target}, out)
        if is_array and "count" not in properties:
            sub = (*sub, _count(wire))
        if sub:
            out.append(QueryClassView(nested, ref_name(raw) or name, sub, public=False))
            fields.append(QueryFieldView(attribute, wire, "", namespace=nested))
    return tuple(fields)


def query_classes(spec: dict[str, Any], operations: Iterable[OperationView]) -> list[QueryClassView]:
    """One class of typed fields per item model of a paged operation taking ``query`` (e.g. CompanyQuery)."""
    by_model: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for op in operations:
        if op.pagination is None or op.query_param is None:
            continue
        response = op.raw.get("responses", {}).get("200", {})
        page_schema = response.get("content", {}).get("application/json", {}).get("schema")
        if page_schema is None:
            continue
        results = follow_refs(spec, schema_properties(spec, page_schema).get("results", {}))
        if "items" not in results:
            continue
        model = op.pagination.item_type
        calls = [f"client.{op.call_path}.{op.method_name}", f"client.{op.call_path}.{op.pagination.method_name}"]
        by_model.setdefault(model, (results["items"], []))[1].extend(calls)
    classes: list[QueryClassView] = []
    for model in sorted(by_model):
        schema, calls = by_model[model]
        name = f"{model}Query"
        nested: list[QueryClassView] = []
        fields = _query_fields(spec, schema, name, "", frozenset({ref_name(schema) or model}), nested)
        classes.extend(nested)
        classes.append(QueryClassView(name, model, fields, tuple(calls)))
    for op in operations:
        if op.pagination is not None and op.query_param is not None and op.pagination.item_type in by_model:
            op.query_class = f"{op.pagination.item_type}Query"
    return classes


def query_example(classes: list[QueryClassView], operations: Iterable[OperationView]) -> tuple[str, ...]:
    """The queries module's docstring example: this API's first typed query class, with its own fields,
    passed to its paginator (one API's names in another's docstring would not run)."""
    by_name = {cls.name: cls for cls in classes}
    op = next((op for op in operations if op.query_class in by_name and op.pagination is not None), None)
    if op is None or op.pagination is None or op.query_class is None:
        return ()
    cls = by_name[op.query_class]
    scalars = [f for f in cls.fields if f.namespace is None]
    strings = [f for f in scalars if f.kind == "StringField"]
    text = next((f for f in strings if f.attribute == "name"), strings[0] if strings else None)
    ordered = next((f for f in scalars if f.kind in ("DateTimeField", "DateField")), scalars[0] if scalars else None)
    arguments = [str(p.python_name) for p in op.endpoint.path_parameters]
    if text is not None:
        arguments.append("query=query")
    if ordered is not None:
        arguments.append("order_by=newest_first")
    call = f"client.{op.call_path}.{op.pagination.method_name}({', '.join(arguments)})"
    lines = [f"from {{package}}.queries import {cls.name}", "from codat_sdk import order_by", ""]
    if text is not None:
        lines.append(f'query = {cls.name}.{text.attribute}.contains("text")')
    if ordered is not None:
        lines.append(f"newest_first = order_by({cls.name}.{ordered.attribute}).desc()")
    return (*lines, f"for item in {call}:", "    ...")


def sub_property_example(classes: list[QueryClassView]) -> tuple[str, str] | None:
    """A sub-property's Python path and wire name (``data_connections.status``, ``dataConnections.status``)."""
    by_name = {cls.name: cls for cls in classes}
    for cls in classes:
        for parent in cls.fields if cls.public else ():
            nested = by_name.get(parent.namespace or "")
            child = next((f for f in nested.fields if f.namespace is None), None) if nested else None
            if child is not None:
                return f"{parent.attribute}.{child.attribute}", child.wire_name
    return None
