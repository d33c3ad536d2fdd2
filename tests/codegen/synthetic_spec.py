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
    spec = document(SCHEMAS, copy.deepcopy(OPERATIONS))
    spec["components"]["responses"]["Report"] = copy.deepcopy(REPORT_RESPONSE)
    return spec


# --- operation-level constructs (each seen in Codat's corpus specs) ---------------------------------

# Success bodies that are files, by media type: the SDK streams them whatever the type.
DOWNLOAD_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "bin": "application/octet-stream",
    "csv": "text/csv",
}
BINARY = {"type": "string", "format": "binary"}
PETS = [ref("Leaf"), ref("Node")]
SEVERAL_FILES = {
    "type": "object",
    "required": ["statement"],
    "properties": {"statement": BINARY, "receipts": {"type": "array", "items": BINARY}, "note": {"type": "string"}},
}


def operation(operation_id: str, responses: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An operation tagged ``Constructs`` with ``responses`` (and the shared error response)."""
    return {"operationId": operation_id, "tags": ["Constructs"], "responses": {**responses, "400": ERROR}, **fields}


def ok(content: dict[str, Any] | None = None, status: str = "200") -> dict[str, Any]:
    return {status: {"description": "OK", **({"content": content} if content is not None else {})}}


OPERATION_CONSTRUCTS: list[tuple[str, str, dict[str, Any]]] = [
    # a media type without a schema, and with an empty one: any JSON, both ways
    (
        "/any",
        "post",
        operation("echo-any", ok({"application/json": {}}), requestBody={"content": {"application/json": {}}}),
    ),
    (
        "/any",
        "put",
        operation("put-any", ok(json_content({})), requestBody={"content": json_content({})}),
    ),
    # downloads: one per media type, one through a component response, one claiming an object, one schemaless
    *[
        (f"/downloads/{name}", "get", operation(f"download-{name}", ok({media: {"schema": BINARY}})))
        for name, media in DOWNLOAD_MEDIA_TYPES.items()
    ],
    ("/downloads/report", "get", operation("download-report", {"200": {"$ref": "#/components/responses/Report"}})),
    (
        "/downloads/claimed",
        "get",
        operation("download-claimed", ok({"application/octet-stream": {"schema": {"type": "object"}}})),
    ),
    ("/downloads/schemaless", "get", operation("download-schemaless", ok({DOWNLOAD_MEDIA_TYPES["xlsx"]: {}}))),
    # oneOf / anyOf request and response bodies
    (
        "/pets/one-of",
        "post",
        operation(
            "create-pet-one-of",
            ok(json_content({"oneOf": PETS})),
            requestBody={"content": json_content({"oneOf": PETS})},
        ),
    ),
    (
        "/pets/any-of",
        "post",
        operation(
            "create-pet-any-of",
            ok(json_content({"anyOf": PETS})),
            requestBody={"content": json_content({"anyOf": PETS})},
        ),
    ),
    # responses without content: 204, a 200 without content, and a model or nothing
    ("/empty/no-content", "delete", operation("delete-thing", ok(status="204"))),
    ("/empty/ok", "post", operation("touch-thing", ok())),
    ("/empty/maybe", "post", operation("maybe-leaf", {**ok(json_content(ref("Leaf"))), **ok(status="204")})),
    # groups named like the runtime's resource base classes (Codat's sync-for-* specs have a "sync" group)
    ("/sync", "post", {**operation("start-sync", ok(status="204")), "x-speakeasy-group": "sync"}),
    ("/async", "post", {**operation("start-async", ok(status="204")), "x-speakeasy-group": "async"}),
    # a multipart body that is the bare file
    (
        "/uploads/bare",
        "post",
        operation(
            "upload-bare",
            ok(json_content(ref("Leaf"))),
            requestBody={"content": {"multipart/form-data": {"schema": BINARY}}},
        ),
    ),
    # a multipart body with several file fields (one a list of files) and a text field
    (
        "/uploads/several",
        "post",
        operation(
            "upload-several",
            ok(json_content(ref("Leaf"))),
            requestBody={"content": {"multipart/form-data": {"schema": SEVERAL_FILES}}},
        ),
    ),
]
OPERATIONS.extend(OPERATION_CONSTRUCTS)
# The component response a download refers to (documents built by ``document`` get it too).
REPORT_RESPONSE = {"description": "A zipped report", "content": {"application/zip": {"schema": BINARY}}}


def operation_constructs_spec() -> dict[str, Any]:
    """Only the operation-level constructs, over the few models they use (isolated from schema constructs)."""
    used = {name: SCHEMAS[name] for name in ("Leaf", "Node")}  # ErrorMessage: the normaliser adds it
    spec = document(used, copy.deepcopy(OPERATION_CONSTRUCTS))
    spec["components"]["responses"]["Report"] = copy.deepcopy(REPORT_RESPONSE)
    return spec
