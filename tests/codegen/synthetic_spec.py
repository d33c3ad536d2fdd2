"""A synthetic Codat-style spec built in code: every property kind and schema construct the pipeline handles.

``document(schemas, operations)`` wraps component schemas and operations into an OpenAPI 3.1 document;
``synthetic_spec()`` is the full spec the synthetic-spec tests generate. Operation-level constructs (binary
and empty responses, empty-schema media types, oneOf bodies) are added through ``OPERATIONS``: each entry
is ``(path, method, operation)``, so a new construct is one more entry.
"""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]

ERROR = {"$ref": "#/components/responses/Error"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def get(operation_id: str, response: Schema, tag: str = "Things") -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": operation_id,
        "responses": {"200": {"description": "OK", "content": json_content(response)}, "400": ERROR},
    }


def post(operation_id: str, body: Schema, response: Schema, tag: str = "Things") -> dict[str, Any]:
    return {**get(operation_id, response, tag), "requestBody": {"content": json_content(body)}}


def document(
    schemas: dict[str, Schema], operations: list[tuple[str, str, dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """An OpenAPI 3.1 document holding ``schemas`` and ``operations`` (by default one GET per schema)."""
    if operations is None:
        operations = [(f"/{name.lower()}", "get", get(f"get-{name}", ref(name))) for name in schemas]
    paths: dict[str, Any] = {}
    for path, method, operation in operations:
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic API", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test"}],
        "paths": paths,
        "components": {
            "schemas": copy.deepcopy(schemas),
            "responses": {"Error": {"description": "Error", "content": json_content(ref("ErrorMessage"))}},
        },
    }


DATE_TIME = {
    "title": "Date time",
    "type": "string",
    "description": "Codat's DateTime: Z, offset, local, fractional or date only.",
    "examples": ["2022-10-23T00:00:00Z", "2022-10-23"],
}

# Every property kind, by model. ``Kitchen`` holds one property of each kind; the others exist for
# nesting, recursion and enum clashes. ErrorMessage, which the error responses name, is the normaliser's.
SCHEMAS: dict[str, Schema] = {
    "Status": {"type": "string", "enum": ["Active", "Archived"]},
    "Priority": {"type": "integer", "enum": [1, 2, 3]},
    "Leaf": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "label": {"type": "string"}},
    },
    "Node": {  # recursive: a tree of nodes
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "parent": {"allOf": [ref("Node")], "nullable": True},
            "children": {"type": "array", "items": ref("Node")},
        },
    },
    "Kitchen": {
        "type": "object",
        "required": ["id", "name", "count", "ratio", "enabled", "status"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "count": {"type": "integer"},
            "ratio": {"type": "number", "format": "decimal"},
            "enabled": {"type": "boolean"},
            "status": ref("Status"),
            "priority": ref("Priority"),
            "anything": {},
            "note": {"type": ["string", "null"]},
            "maybeCount": {"type": "integer", "nullable": True},
            "maybeStatus": {"allOf": [ref("Status")], "nullable": True},
            "maybeLeaf": {"allOf": [ref("Leaf")], "nullable": True},
            "created": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "maybeCreated": {"type": "string", "format": "date-time", "nullable": True},
            "modifiedDate": {"allOf": [DATE_TIME, {"description": "A string property that is no object class."}]},
            "sourceModifiedDate": {"description": "A sole allOf string.", "allOf": [DATE_TIME]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "statuses": {"type": "array", "items": ref("Status")},
            "inlineStatuses": {"type": "array", "items": {"type": "string", "enum": ["New", "Old"]}},
            "leaves": {"type": "array", "items": ref("Leaf")},
            "grid": {"type": "array", "items": {"type": "array", "items": ref("Leaf")}},
            "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "leafMap": {"type": "object", "additionalProperties": ref("Leaf")},
            "statusMap": {"type": "object", "additionalProperties": ref("Status")},
            "inline": {
                "type": "object",
                "properties": {"depth": {"type": "integer"}, "status": {"type": "string", "enum": ["Up", "Down"]}},
                # misplaced: written inside properties instead of beside it
                "additionalProperties": False,
            },
            "misplaced": {
                "type": "object",
                "properties": {"kept": {"type": "string"}, "additionalProperties": False},
            },
            "tree": ref("Node"),
        },
    },
    # An inline enum named like a component enum with other values: two classes, neither lost.
    "OrderStatus": {"type": "string", "enum": ["Open", "Closed"]},
    "Order": {"type": "object", "properties": {"status": {"type": "string", "enum": ["Lit", "Dark"]}}},
}

# (path, method, operation): one GET and one POST per model; operation-level constructs append here.
OPERATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("/kitchens", "get", get("list-kitchens", {"type": "array", "items": ref("Kitchen")})),
    ("/kitchens", "post", post("create-kitchen", ref("Kitchen"), ref("Kitchen"))),
    ("/nodes", "get", get("get-node", ref("Node"), tag="Nodes")),
    ("/orders", "get", get("get-order", ref("Order"), tag="Nodes")),
]


def synthetic_spec() -> dict[str, Any]:
    """The full synthetic spec (a fresh copy each call: tests may mutate it)."""
    return document(SCHEMAS, copy.deepcopy(OPERATIONS))
