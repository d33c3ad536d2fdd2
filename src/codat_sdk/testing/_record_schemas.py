"""The JSON schema of a list's records, for typing ``query`` and ``orderBy`` by the spec as Codat does.

The route tables carry no response schemas; the generated query classes (``codat_sdk_platform.queries``)
name every queryable property of a list's records with its kind, generated from the same response models,
so the records' schema is rebuilt from them: strings, numbers, booleans, date-times, lists (a ``count``),
maps (``tags``). Codat answers 400 for a property it cannot resolve; so does the sandbox.
"""

from __future__ import annotations

import functools
from typing import Any

from codat_sdk import BoolField, DateField, DateTimeField, Field, MapField, NumberField

from ._querytypes import RecordSchema

Schema = dict[str, Any]


def _leaf(field: object) -> Schema:
    if isinstance(field, DateTimeField | DateField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, NumberField):
        return {"type": "number"}
    if isinstance(field, BoolField):
        return {"type": "boolean"}
    return {"type": "string"}


def _members(namespace: object) -> dict[str, object]:
    return {name: getattr(namespace, name) for name in dir(namespace) if not name.startswith("_")}


def _field_names(namespace: object) -> list[str]:
    """The names of every field in a namespace, its nested namespaces' included."""
    names = []
    for value in _members(namespace).values():
        names.extend([value.name] if isinstance(value, Field | MapField) else _field_names(value))
    return names


def _schema_of(namespace: object, prefix: str) -> Schema:
    """The object schema of a query namespace whose fields' names start with ``prefix``."""
    properties: Schema = {}
    for value in _members(namespace).values():
        if isinstance(value, Field | MapField):
            key = value.name.removeprefix(prefix).split(".", 1)[0]
            if key == "count" and not value.name.removeprefix(prefix).count("."):
                continue  # the list's own count: the caller made it an array
            properties[key] = _property(value, value.name)
        else:  # a namespace of sub-properties: named after the path its first field shares
            name = next(iter(_field_names(value)), "").removeprefix(prefix).split(".", 1)[0]
            if name:
                properties[name] = _nested(value, prefix + name + ".")
    return {"type": "object", "properties": properties}


def _nested(namespace: object, prefix: str) -> Schema:
    schema = _schema_of(namespace, prefix)
    counted = getattr(namespace, "count", None)
    if isinstance(counted, NumberField) and counted.name == prefix + "count":
        return {"type": "array", "items": schema}  # a list of objects: its items, and a count
    return schema


def _property(field: Field | MapField[Any], name: str) -> Schema:
    if isinstance(field, MapField):
        return {"type": "object", "additionalProperties": _leaf(field.kind(f"{name}.key"))}
    counted = getattr(field, "count", None)
    if isinstance(counted, NumberField) and counted.name == f"{name}.count":
        return {"type": "array", "items": _leaf(field)}  # a list of scalars
    return _leaf(field)


@functools.cache
def record_schema(model: str) -> RecordSchema:
    """The schema of ``model``'s records (``"Company"``), from ``codat_sdk_platform.queries.<model>Query``."""
    from codat_sdk_platform import queries

    return RecordSchema(_schema_of(getattr(queries, f"{model}Query"), ""), name=model)
