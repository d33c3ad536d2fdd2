"""codegen.normalise, operation level: bodies without a schema, downloads, bare multipart files, the error model.

Each pass is checked on a small document that isolates its construct; the generated code for the same
constructs is checked in test_operation_constructs.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from openapi_python_client.strings import snake_case

from codat_sdk import ErrorMessageLike
from codegen import media
from codegen import normalise as n
from codegen.render import parser_content_type_overrides

ANY_JSON: dict[str, Any] = {}


def _doc(paths: dict[str, Any], **components: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths, "components": components}


def _op(**fields: Any) -> dict[str, Any]:
    return {"operationId": "op", "responses": {"200": {"description": "ok"}}, **fields}


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/json", True),
        ("application/problem+json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/pdf", False),
        ("text/csv", False),
        ("multipart/form-data", False),
    ],
)
def test_is_json(media_type: str, expected: bool) -> None:
    assert media.is_json(media_type) is expected


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/json", False),
        ("application/octet-stream", True),
        ("application/zip", True),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
        ("multipart/form-data", False),
    ],
)
def test_is_download(media_type: str, expected: bool) -> None:
    assert media.is_download(media_type) is expected


def test_success_response_refs_are_inlined_and_error_refs_kept() -> None:
    report = {"description": "a report", "content": {"application/zip": {"schema": {"type": "string"}}}}
    spec = _doc(
        {
            "/r": {
                "get": _op(
                    responses={
                        "200": {"$ref": "#/components/responses/Alias"},
                        "400": {"$ref": "#/components/responses/Report"},
                    }
                )
            }
        },
        responses={"Report": report, "Alias": {"$ref": "#/components/responses/Report"}},
    )
    responses = n.inline_success_response_refs(spec)["paths"]["/r"]["get"]["responses"]
    assert responses["200"] == report
    assert responses["200"] is not report  # a copy: later passes may change the operation's own
    assert responses["400"] == {"$ref": "#/components/responses/Report"}


def test_a_dangling_or_looping_success_ref_is_left_for_the_generator_to_report() -> None:
    spec = _doc(
        {"/r": {"get": _op(responses={"200": {"$ref": "#/components/responses/Loop"}, "201": {"$ref": "#/x"}})}},
        responses={"Loop": {"$ref": "#/components/responses/Loop"}},
    )
    responses = n.inline_success_response_refs(spec)["paths"]["/r"]["get"]["responses"]
    assert responses == {"200": {"$ref": "#/components/responses/Loop"}, "201": {"$ref": "#/x"}}


def test_schemaless_json_media_carry_any_json_and_others_bytes() -> None:
    spec = _doc(
        {
            "/a": {
                "post": _op(
                    requestBody={"content": {"application/json": {}}},
                    responses={
                        "200": {"description": "ok", "content": {"application/json": {"example": 1}}},
                        "201": {"description": "ok", "content": {"application/pdf": {}}},
                    },
                )
            }
        },
        requestBodies={"B": {"content": {"application/vnd.api+json": {}}}},
        responses={"R": {"description": "r", "content": {"application/json": {}}}},
    )
    out = n.type_schemaless_media(spec)
    operation = out["paths"]["/a"]["post"]
    assert operation["requestBody"]["content"]["application/json"] == {"schema": ANY_JSON}
    assert operation["responses"]["200"]["content"]["application/json"] == {"schema": ANY_JSON, "example": 1}
    assert operation["responses"]["201"]["content"]["application/pdf"] == {"schema": n.BINARY_SCHEMA}
    assert out["components"]["requestBodies"]["B"]["content"]["application/vnd.api+json"] == {"schema": ANY_JSON}
    assert out["components"]["responses"]["R"]["content"]["application/json"] == {"schema": ANY_JSON}


def test_download_responses_are_binary_whatever_schema_they_claim() -> None:
    claimed = {"type": "object"}
    spec = _doc(
        {
            "/d": {
                "get": _op(
                    responses={
                        "200": {
                            "description": "ok",
                            "content": {"application/octet-stream": {"schema": claimed}, "application/json": {}},
                        }
                    }
                ),
                "post": _op(requestBody={"content": {"application/octet-stream": {"schema": claimed}}}),
            }
        }
    )
    out = n.type_download_responses(spec)["paths"]["/d"]
    content = out["get"]["responses"]["200"]["content"]
    assert content["application/octet-stream"]["schema"] == n.BINARY_SCHEMA
    assert content["application/json"] == {}  # JSON is decoded, not downloaded
    assert out["post"]["requestBody"]["content"]["application/octet-stream"]["schema"] == claimed  # an upload


def test_parser_overrides_map_every_download_type_to_octet_stream() -> None:
    spec = _doc(
        {
            "/d": {
                "get": _op(
                    responses={
                        "200": {"description": "ok", "content": {"application/zip": {}, "application/json": {}}},
                        "201": {"description": "ok", "content": {"application/octet-stream": {}}},
                    }
                )
            }
        },
        responses={"X": {"description": "x", "content": {"application/pdf": {}, "text/csv": {}}}},
    )
    assert parser_content_type_overrides(spec) == {
        "application/zip": media.BINARY,
        "application/pdf": media.BINARY,
    }


@pytest.mark.parametrize(
    "file_schema",
    [{"type": "string", "format": "binary"}, {"$ref": "#/components/schemas/Blob"}],
    ids=["inline", "ref"],
)
def test_a_bare_multipart_file_becomes_the_form_field_file(file_schema: dict[str, Any]) -> None:
    spec = _doc(
        {"/u": {"post": _op(requestBody={"content": {"multipart/form-data": {"schema": file_schema}}})}},
        schemas={"Blob": {"type": "string", "format": "binary"}},
    )
    body = n.name_bare_multipart_files(spec)["paths"]["/u"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"] == {
        "type": "object",
        "required": ["file"],
        "properties": {"file": file_schema},
    }


def test_a_multipart_object_body_is_left_alone() -> None:
    schema = {"type": "object", "properties": {"document": {"type": "string", "format": "binary"}}}
    spec = _doc({"/u": {"post": _op(requestBody={"content": {"multipart/form-data": {"schema": schema}}})}})
    body = n.name_bare_multipart_files(spec)["paths"]["/u"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"] == schema


def test_a_specs_error_message_gets_every_field_the_runtime_reads_and_keeps_its_own() -> None:
    """Some corpus specs' ErrorMessage has no ``validation``: the client's error parser would not type-check."""
    own = {"statusCode": {"type": "integer", "description": "kept"}}
    spec = _doc(
        {"/e": {"get": _op(responses={"400": {"description": "bad"}})}},
        schemas={"ErrorMessage": {"type": "object", "properties": dict(own)}},
    )
    properties = n.normalise(spec)["components"]["schemas"]["ErrorMessage"]["properties"]
    assert properties["statusCode"] == own["statusCode"]
    read = {name for name in vars(ErrorMessageLike) if not name.startswith("_")}
    assert {snake_case(name) for name in properties} == read
