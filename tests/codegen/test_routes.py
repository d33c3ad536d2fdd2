"""codegen.routes: the route table a generated package carries, for every construct the sandbox reads.

A synthetic spec (each parameter kind, security, multipart, a deprecated operation, examples that break
their schemas) is generated into a package; its ``_routes`` table is loaded as the sandbox loads it and
checked against the spec with jsonschema (``tests/testing/spec_validation``), not against itself.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codat_sdk.testing._routes import RequestRejected, RouteTable, check_request, schema_response
from codegen.config import PackageConfig
from codegen.routes import sample_value
from tests.codegen.synthetic_spec import SCHEMAS, document, get, json_content, post, ref
from tests.e2e.spec_support import reference_rows
from tests.generated_package import generate_package, importable
from tests.testing.spec_validation import SpecValidator

PACKAGE = "synthetic_routes"
KEY_HEADER = "X-Api-Key"
KITCHEN_ID = "8a210b68-6988-11ed-a1eb-0242ac120002"
# A string pattern none of the sampler's own candidates fits: its example (which does) is used.
CODE = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$", "example": "ABC-12"}
# Examples that break their own schema, as Codat's often do: never copied into a sample.
BROKEN_EXAMPLE = {"id": "not-a-uuid", "name": 7}
# Codat's error body as its specs declare it, strictly (no other property): the sandbox's must fit.
ERROR_MESSAGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "statusCode": {"type": "integer"},
        "service": {"type": "string"},
        "error": {"type": "string"},
        "correlationId": {"type": "string"},
        "validation": {
            "type": "object",
            "properties": {
                "errors": {"type": "array", "items": {"type": "object"}},
                "warnings": {"type": "array", "items": {"type": "object"}},
            },
        },
        "canBeRetried": {"type": "string"},
        "detailedErrorCode": {"type": "integer"},
    },
}


def _param(name: str, where: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema, **more}


def routes_spec() -> dict[str, Any]:
    schemas = {**copy.deepcopy(SCHEMAS), "Code": CODE, "ErrorMessage": ERROR_MESSAGE}
    kitchen_params = [
        _param("kitchenId", "path", {"type": "string", "format": "uuid"}, required=True),
        _param("flag", "query", {"type": "boolean"}),
        _param("ids", "query", {"type": "array", "items": {"type": "integer"}}),
        _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 10, "default": 5}),
        _param("ratio", "query", {"type": "number"}),
        _param("status", "query", ref("Status"), required=True),
        _param("X-Request-Id", "header", {"type": "string"}, required=True),
    ]
    get_kitchen = {**get("get-kitchen", ref("Kitchen")), "parameters": kitchen_params}
    get_kitchen["responses"]["200"]["content"]["application/json"]["examples"] = {"Broken": {"value": BROKEN_EXAMPLE}}
    upload = {
        "operationId": "upload-file",
        "tags": ["Files"],
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            }
        },
        "responses": {"204": {"description": "Uploaded"}},
    }
    operations = [
        ("/kitchens", "get", get("list-kitchens", {"type": "array", "items": ref("Kitchen")})),
        ("/kitchens", "post", post("create-kitchen", ref("Kitchen"), ref("Kitchen"))),
        ("/nodes", "get", get("get-node", ref("Node"), tag="Nodes")),
        ("/kitchens/{kitchenId}", "get", get_kitchen),
        (
            "/kitchens/{kitchenId}",
            "delete",
            {**get("delete-kitchen", ref("Leaf")), "deprecated": True, "parameters": kitchen_params[:1]},
        ),
        ("/codes", "get", {**get("get-code", ref("Code"), tag="Codes"), "security": []}),
        ("/uploads", "post", upload),
    ]
    spec = document(schemas, operations)
    spec["security"] = [{"key": []}]
    spec["components"]["securitySchemes"] = {"key": {"type": "apiKey", "in": "header", "name": KEY_HEADER}}
    return spec


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PackageConfig]]:
    out: Path = tmp_path_factory.mktemp("routes")
    package = generate_package(routes_spec(), out, PACKAGE)
    with importable(out):
        yield out, package


@pytest.fixture(scope="module")
def table(generated: tuple[Path, PackageConfig]) -> RouteTable:
    return RouteTable.from_module(importlib.import_module(f"{PACKAGE}._routes"))


VALIDATOR = SpecValidator(routes_spec(), "synthetic")
AUTH = {KEY_HEADER: "sk-test"}


def _query_ok() -> dict[str, list[str]]:
    return {"status": [SCHEMAS["Status"]["enum"][0]]}


def test_every_operation_is_routed_with_its_client_names(
    table: RouteTable, generated: tuple[Path, PackageConfig]
) -> None:
    assert {r.operation_id for r in table} == set(VALIDATOR.operations)
    out, package = generated
    for route in table:  # the call the generated reference documents for the operation
        row = reference_rows(package.api, out / "reference")[route.operation_id]
        assert (*route.group.split("."), route.method_name) == row.call
        assert f"{route.http_method} {route.path_template}" == row.http
    kitchen = table.find("get-kitchen")
    assert table.match("GET", f"/kitchens/{KITCHEN_ID}") == (kitchen, {"kitchenId": KITCHEN_ID})
    assert table.find("delete-kitchen").deprecated and not kitchen.deprecated


def test_every_schema_built_answer_fits_the_spec_and_decodes(table: RouteTable) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    for route in table:
        status, content_type, body = schema_response(route)
        if content_type != "application/json":
            assert body == b""
            continue
        value = json.loads(body)
        VALIDATOR.validate_response(route.operation_id, status, value)
        assert route.success is not None
        if route.success.model is not None:
            getattr(models, route.success.model).from_dict(value)


def test_samples_ignore_the_specs_broken_examples(table: RouteTable) -> None:
    with pytest.raises(AssertionError):
        VALIDATOR.validate_response("get-kitchen", 200, BROKEN_EXAMPLE)
    sample = table.find("get-kitchen").success
    assert sample is not None and sample.sample != BROKEN_EXAMPLE
    # Every required property is there; the recursive tree ends.
    assert set(SCHEMAS["Kitchen"]["required"]) <= set(sample.sample)


def test_parameters_of_each_kind_are_typed(table: RouteTable) -> None:
    route = table.find("get-kitchen")
    query = {**_query_ok(), "flag": ["true"], "ids": ["3", "4"], "limit": ["10"], "ratio": ["-1.5e3"]}
    checked = check_request(route, {"kitchenId": KITCHEN_ID}, query, {**AUTH, "x-request-id": "r1"}, b"")
    assert checked.query == {"status": "Active", "flag": True, "ids": [3, 4], "limit": 10, "ratio": -1500.0}
    assert check_request(
        route, {"kitchenId": KITCHEN_ID}, {**_query_ok(), "ids": ["3,4"]}, {**AUTH, "X-Request-Id": "r"}, b""
    ).query["ids"] == [3, 4]
    defaults = check_request(route, {"kitchenId": KITCHEN_ID}, _query_ok(), {**AUTH, "X-Request-Id": "r"}, b"")
    assert defaults.param("limit") == 5 and defaults.param("flag") is None


@pytest.mark.parametrize(
    ("query", "headers", "named"),
    [
        ({"flag": ["maybe"]}, {}, "flag"),
        ({"ids": ["1", "x"]}, {}, "ids"),
        ({"limit": ["0"]}, {}, "limit"),
        ({"limit": ["11"]}, {}, "limit"),
        ({"limit": ["1_0"]}, {}, "limit"),  # Python's int() reads these; Codat does not
        ({"limit": ["\u0663"]}, {}, "limit"),
        ({"limit": ["5.0"]}, {}, "limit"),
        ({"ratio": ["nan"]}, {}, "ratio"),
        ({"ratio": ["inf"]}, {}, "ratio"),
        ({"status": ["Gone"]}, {}, "status"),
        ({"status": []}, {}, "status"),
        ({}, {"X-Request-Id": ""}, "X-Request-Id"),
    ],
)
def test_each_bad_parameter_is_400_naming_it(
    table: RouteTable, query: dict[str, list[str]], headers: dict[str, str], named: str
) -> None:
    route = table.find("get-kitchen")
    sent_headers = {**AUTH, "X-Request-Id": "r1", **headers}
    with pytest.raises(RequestRejected) as caught:
        check_request(route, {"kitchenId": KITCHEN_ID}, {**_query_ok(), **query}, sent_headers, b"")
    assert caught.value.status == 400
    assert caught.value.field == named and named in caught.value.message
    VALIDATOR.validate_error_message(caught.value.body(), 400)


def test_the_api_key_header_is_the_specs_and_anonymous_operations_need_none(table: RouteTable) -> None:
    route = table.find("get-kitchen")
    with pytest.raises(RequestRejected) as caught:
        check_request(
            route, {"kitchenId": KITCHEN_ID}, _query_ok(), {"Authorization": "Basic x", "X-Request-Id": "r"}, b""
        )
    assert caught.value.status == 401 and KEY_HEADER in caught.value.message
    anonymous = table.find("get-code")
    assert not anonymous.auth_required
    assert check_request(anonymous, {}, {}, {}, b"").route is anonymous


def test_a_multipart_upload_is_parsed_into_parts(table: RouteTable) -> None:
    import httpx

    request = httpx.Request("POST", "https://x/uploads", files={"file": ("a.csv", b"x,y\n1,2\n", "text/csv")})
    route = table.find("upload-file")
    checked = check_request(route, {}, {}, {**AUTH, **request.headers}, request.read())
    assert [(f.name, f.filename, f.content_type, f.data) for f in checked.files] == [
        ("file", "a.csv", "text/csv", b"x,y\n1,2\n")
    ]
    with pytest.raises(RequestRejected) as caught:
        check_request(route, {}, {}, {**AUTH, "Content-Type": "application/json"}, b"{}")
    assert caught.value.status == 415


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "enum": ["B", "A"]},
        {"const": 3},
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "format": "email"},
        {"type": "string", "format": "uri"},
        {"type": "string", "minLength": 12, "maxLength": 12},
        {"type": "string", "maxLength": 2},
        CODE,
        {"type": "integer", "minimum": 7},
        {"type": "integer", "exclusiveMinimum": 7},
        {"type": "number", "maximum": -2},
        {"type": "integer", "exclusiveMaximum": -2.5},
        {"type": "number", "exclusiveMinimum": 0.5, "maximum": 3},
        {"type": "array", "items": {"type": "integer", "minimum": 2}, "minItems": 2},
        {"allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}, ref("Leaf")]},
        {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]},
        {"oneOf": [ref("Leaf"), {"type": "string"}]},
        {"type": ["null", "string"], "format": "date"},
        ref("Node"),
        ref("Kitchen"),
    ],
    ids=lambda schema: json.dumps(schema)[:60],
)
def test_a_sample_fits_its_schema(schema: dict[str, Any]) -> None:
    spec = document({**copy.deepcopy(SCHEMAS), "Probe": schema}, [("/probe", "get", get("probe", ref("Probe")))])
    value = sample_value(spec, copy.deepcopy(schema))
    SpecValidator(spec, "probe").validate_response("probe", 200, value)
    assert value is not None or "null" in json.dumps(schema)


def test_samples_are_deterministic_and_prefer_the_first_enum_member() -> None:
    spec = document(copy.deepcopy(SCHEMAS))
    assert sample_value(spec, ref("Status")) == SCHEMAS["Status"]["enum"][0]
    assert sample_value(spec, ref("Kitchen")) == sample_value(copy.deepcopy(spec), ref("Kitchen"))


def test_codats_unformatted_date_time_schemas_sample_as_date_times() -> None:
    spec = document({"DateTime": {"type": "string", "title": "Date time"}})
    assert sample_value(spec, ref("DateTime")) == "2024-01-01T00:00:00Z"


def test_json_content_helper_is_the_synthetic_specs() -> None:
    assert json_content({})["application/json"] == {"schema": {}}


def test_repeated_parameters_and_samples_are_kept_once(table: RouteTable) -> None:
    """``kitchenId`` is declared by two operations alike: one entry, shared by both routes."""
    get_kitchen, delete_kitchen = table.find("get-kitchen"), table.find("delete-kitchen")
    assert get_kitchen.parameter("kitchenId") is delete_kitchen.parameter("kitchenId")
    module = importlib.import_module(f"{PACKAGE}._routes")
    assert list(module.PARAMETERS).count("kitchenId") == 1
    assert "Kitchen" in module.SAMPLES  # keyed by the model the sample is of


def test_a_name_shared_by_different_values_gets_the_operations_key() -> None:
    from codegen.routes import _Shared

    shared = _Shared()
    assert shared.key("limit", {"max": 1}, "op-a") == "limit"
    assert shared.key("limit", {"max": 1}, "op-b") == "limit"
    assert shared.key("limit", {"max": 2}, "op-c") == "limit (op-c)"
    assert shared.key("flag", 1, "op-a") == "flag"
    assert shared.key("flag", True, "op-d") == "flag (op-d)"  # JSON's true is not 1
    assert list(shared.values) == ["limit", "limit (op-c)", "flag", "flag (op-d)"]
