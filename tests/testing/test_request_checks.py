"""check_request refuses what Codat refuses (400/401/415, naming the parameter or field) and passes the rest.

Routes are picked by what the spec declares (a uuid path parameter, a bounded integer, a required body
field), never by name; every refusal's body is checked against the spec's error schema.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from codat_sdk.testing._routes import (
    CheckedRequest,
    MethodNotAllowed,
    Parameter,
    RequestRejected,
    Route,
    RouteNotFound,
    RouteTable,
    check_request,
)
from codegen.routes import sample_value
from tests.spec_facts import unknown_value
from tests.testing import spec_validation
from tests.testing.spec_requests import API_KEY_HEADERS, SpecRequest, valid_request

APIS = ("platform", "files")
TABLE = RouteTable.for_api("platform")


def _routes() -> list[tuple[str, str]]:
    return [(api, route.operation_id) for api in APIS for route in RouteTable.for_api(api)]


def _send(route: Route, request: SpecRequest, **changes: Any) -> CheckedRequest:
    fields = {
        "path_params": request.path_params,
        "query": request.query,
        "headers": request.headers,
        "body": request.body,
        **changes,
    }
    return check_request(route, fields["path_params"], fields["query"], fields["headers"], fields["body"])


def _refused(status: int, route: Route, request: SpecRequest, **changes: Any) -> RequestRejected:
    with pytest.raises(RequestRejected) as caught:
        _send(route, request, **changes)
    refused = caught.value
    assert refused.status == status, refused.message
    body = refused.body()
    assert body["statusCode"] == status and body["error"] == refused.message
    spec_validation.validate_error_message(route.api, body, status if status in (400, 401) else None)
    return refused


def _first(predicate: Callable[[Route], bool]) -> Route:
    found = next((route for route in TABLE if predicate(route)), None)
    assert found is not None, "the spec no longer has such an operation"
    return found


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_a_valid_request_passes_typed(api: str, operation_id: str) -> None:
    route = RouteTable.for_api(api).find(operation_id)
    request = valid_request(api, operation_id)
    checked = _send(route, request)
    assert checked.route is route
    assert checked.json_body == request.json_body
    assert checked.raw_body == request.body
    for name, value in checked.path_params.items():
        spec_validation.validate_parameter(api, operation_id, name, value)
    if route.request_body is not None and any(
        c.media_type == "multipart/form-data" for c in route.request_body.content
    ):
        assert [(f.name, f.filename, f.data) for f in checked.files] == [("file", "report.pdf", b"%PDF-1.4 sample")]


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_no_api_key_is_401(api: str, operation_id: str) -> None:
    route = RouteTable.for_api(api).find(operation_id)
    request = valid_request(api, operation_id)
    headers = {k: v for k, v in request.headers.items() if k not in API_KEY_HEADERS}
    refused = _refused(401, route, request, headers=headers)
    assert "Authorization" in refused.message


def test_a_path_parameter_of_the_wrong_format_is_400_naming_it() -> None:
    route = _first(lambda r: any(p.format == "uuid" for p in r.path_parameters))
    param = next(p for p in route.path_parameters if p.format == "uuid")
    request = valid_request("platform", route.operation_id)
    refused = _refused(400, route, request, path_params={**request.path_params, param.name: "not-a-uuid"})
    assert param.name in refused.message and refused.field == param.name
    assert refused.body()["validation"] == {
        "errors": [{"itemId": param.name, "message": refused.message, "validatorName": "RequestValidator"}],
        "warnings": [],
    }


def _enum_members(param: Parameter) -> list[Any]:
    schema = TABLE.schemas.get(param.schema.get("$ref", ""), param.schema)
    return list(schema.get("enum", ()))


def test_a_path_parameter_outside_its_enum_is_400_naming_it() -> None:
    route = _first(lambda r: any(_enum_members(p) for p in r.path_parameters))
    param = next(p for p in route.path_parameters if _enum_members(p))
    request = valid_request("platform", route.operation_id)
    changed = {**request.path_params, param.name: unknown_value(_enum_members(param))}
    refused = _refused(400, route, request, path_params=changed)
    assert param.name in refused.message and "one of" in refused.message


def _bounded(route: Route) -> Parameter | None:
    return next(
        (p for p in route.query_parameters if "maximum" in p.schema and p.schema.get("type") == "integer"), None
    )


def test_a_query_integer_over_its_maximum_or_not_an_integer_is_400_naming_it() -> None:
    route = _first(lambda r: _bounded(r) is not None)
    param = _bounded(route)
    assert param is not None
    request = valid_request("platform", route.operation_id)
    for text in (str(param.schema["maximum"] + 1), "ten", "1.5", ""):
        refused = _refused(400, route, request, query={**request.query, param.name: [text]})
        assert refused.field == param.name and param.name in refused.message


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_query_integers_are_coerced_within_their_bounds(data: st.DataObject) -> None:
    route = _first(lambda r: _bounded(r) is not None)
    param = _bounded(route)
    assert param is not None
    request = valid_request("platform", route.operation_id)
    low, high = param.schema.get("minimum", -(2**31)), param.schema["maximum"]
    value = data.draw(st.integers(min_value=low - 50, max_value=high + 50))
    text = data.draw(st.sampled_from([str(value), f" {value}", f"+{value}" if value >= 0 else str(value)]))
    query = {**request.query, param.name: [text]}
    if low <= value <= high:
        assert _send(route, request, query=query).query[param.name] == value
    else:
        _refused(400, route, request, query=query)


def test_query_names_are_matched_without_regard_to_case_and_unknown_ones_ignored() -> None:
    route = _first(lambda r: _bounded(r) is not None)
    param = _bounded(route)
    assert param is not None
    request = valid_request("platform", route.operation_id)
    checked = _send(route, request, query={param.name.upper(): ["7"], "notAParameter": ["x"]})
    assert checked.query == {param.name: 7}
    assert checked.param(param.name) == 7
    assert _send(route, request, query={}).param(param.name) == param.schema["default"]


def _required_string_field(route: Route) -> str | None:
    if route.request_body is None:
        return None
    content = next((c for c in route.request_body.content if c.media_type == "application/json"), None)
    schema = TABLE.schemas.get(content.schema.get("$ref", ""), {}) if content else {}
    properties = schema.get("properties", {})
    return next((n for n in schema.get("required", ()) if properties.get(n, {}).get("type") == "string"), None)


def test_a_body_missing_a_required_field_or_with_the_wrong_type_is_400_naming_it() -> None:
    route = _first(lambda r: _required_string_field(r) is not None)
    name = _required_string_field(route)
    assert name is not None
    request = valid_request("platform", route.operation_id)
    without = {k: v for k, v in request.json_body.items() if k != name}
    with pytest.raises(AssertionError):  # the independent validator agrees the body is invalid
        spec_validation.validate_request_body("platform", route.operation_id, without)
    refused = _refused(400, route, request, body=json.dumps(without).encode())
    assert refused.field == f"body.{name}" and "required" in refused.message
    wrong = {**request.json_body, name: 12}
    refused = _refused(400, route, request, body=json.dumps(wrong).encode())
    assert refused.field == f"body.{name}" and "string" in refused.message


def test_a_body_field_outside_its_enum_is_400_naming_it() -> None:
    def enum_field(route: Route) -> tuple[str, list[Any]] | None:
        content = route.request_body.content[0] if route.request_body else None
        schema = TABLE.schemas.get(content.schema.get("$ref", ""), {}) if content else {}
        for name, prop in schema.get("properties", {}).items():
            options = [o for o in prop.get("anyOf", (prop,)) if o.get("type") != "null"]  # nullable: X or null
            members = list(TABLE.schemas.get(options[0].get("$ref", ""), options[0]).get("enum", ()))
            if members:
                return name, members
        return None

    route = _first(lambda r: enum_field(r) is not None)
    found = enum_field(route)
    assert found is not None
    name, members = found
    request = valid_request("platform", route.operation_id)
    body = {**(request.json_body or {}), name: unknown_value(members)}
    refused = _refused(400, route, request, body=json.dumps(body).encode())
    assert refused.field == f"body.{name}" and "one of" in refused.message


def test_a_body_that_is_not_json_or_missing_is_400_and_of_another_media_type_415() -> None:
    route = _first(
        lambda r: r.request_body is not None and r.request_body.required and _required_string_field(r) is not None
    )
    request = valid_request("platform", route.operation_id)
    refused = _refused(400, route, request, body=b"{not json")
    assert "JSON" in refused.message
    refused = _refused(400, route, request, body=b"")
    assert "body" in refused.message
    refused = _refused(415, route, request, headers={**request.headers, "Content-Type": "text/plain"})
    assert "application/json" in refused.message
    headers = {k: v for k, v in request.headers.items() if k != "Content-Type"}
    _refused(415, route, request, headers=headers)
    # Parameters of the media type and its case do not matter.
    charset = {**request.headers, "Content-Type": "Application/JSON; charset=utf-8"}
    assert _send(route, request, headers=charset).json_body == request.json_body


def test_a_multipart_body_without_its_required_part_is_400() -> None:
    table = RouteTable.for_api("files")
    route = next(r for r in table if r.request_body and r.request_body.media_types() == ("multipart/form-data",))
    request = valid_request("files", route.operation_id)
    boundary = "b0undary"
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--{boundary}--\r\n'.encode()
    headers = {**request.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    refused = _refused(400, route, request, headers=headers, body=body)
    assert refused.field == "file"


def test_refusals_pickle_whole() -> None:
    """A refusal crosses processes (a loopback server's worker) as it is; subclasses take other arguments."""
    refusal = RequestRejected(400, "The query parameter pageSize must be an integer.", field="pageSize")
    for error in (refusal, RouteNotFound("/nowhere"), MethodNotAllowed("PUT", "/companies", ("GET", "POST"))):
        copied = pickle.loads(pickle.dumps(error))
        assert type(copied) is type(error)
        assert (copied.status, copied.message, copied.field, str(copied)) == (
            error.status,
            error.message,
            error.field,
            str(error),
        )
    assert pickle.loads(pickle.dumps(MethodNotAllowed("PUT", "/x", ("GET",)))).allowed == ("GET",)


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_every_query_parameter_the_spec_accepts_passes_typed(api: str, operation_id: str) -> None:
    """A value built from the raw spec's schema (and checked by jsonschema) comes back as that value."""
    route = RouteTable.for_api(api).find(operation_id)
    request = valid_request(api, operation_id)
    for param in route.query_parameters:
        value = sample_value(
            spec_validation.pinned(api), spec_validation.parameter(api, operation_id, param.name)[0]["schema"]
        )
        spec_validation.validate_parameter(api, operation_id, param.name, value)
        text = (
            ",".join(map(str, value))
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        checked = _send(route, request, query={**request.query, param.name: [text]})
        assert checked.query[param.name] == value


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=40) | st.uuids().map(str))
def test_a_uuid_path_parameter_takes_exactly_uuids(text: str) -> None:
    route = _first(lambda r: any(p.format == "uuid" for p in r.path_parameters))
    param = next(p for p in route.path_parameters if p.format == "uuid")
    request = valid_request("platform", route.operation_id)
    sent = {**request.path_params, param.name: text}
    try:
        spec_validation.validate_parameter("platform", route.operation_id, param.name, text)
    except AssertionError:
        _refused(400, route, request, path_params=sent)
    else:
        assert _send(route, request, path_params=sent).path_params[param.name] == text


def _body_routes() -> list[tuple[str, str]]:
    return [
        (api, route.operation_id)
        for api in APIS
        for route in RouteTable.for_api(api)
        if route.request_body is not None and "application/json" in route.request_body.media_types()
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "x", "Linked", "2024-01-01"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["a", "name"]), inner, max_size=2),
    max_leaves=4,
)


def _near(body: Any, data: st.DataObject) -> Any:
    """A body a field away from ``body``: one property dropped or given another JSON value."""
    if not (isinstance(body, dict) and body):
        return data.draw(JSON_VALUES)
    key = data.draw(st.sampled_from(sorted(body)))
    near = {k: v for k, v in body.items() if k != key}
    if data.draw(st.booleans()):
        near[key] = data.draw(JSON_VALUES)
    return near


@settings(max_examples=150, deadline=None)
@given(target=st.sampled_from(_body_routes()), data=st.data())
def test_a_body_is_refused_only_when_the_spec_refuses_it(target: tuple[str, str], data: st.DataObject) -> None:
    """Bodies a field away from a valid one: whatever check_request refuses, jsonschema refuses too."""
    api, operation_id = target
    route = RouteTable.for_api(api).find(operation_id)
    request = valid_request(api, operation_id)
    body = _near(request.json_body, data)
    try:
        _send(route, request, body=json.dumps(body).encode())
    except RequestRejected as refused:
        assert refused.status == 400
        with pytest.raises(AssertionError):
            spec_validation.validate_request_body(api, operation_id, body)


# What jsonschema refuses that a request check lets through on purpose: unknown properties (Codat reads
# what it knows; the SDK's normaliser keeps unknown fields) and formats a typed server takes as strings.
LENIENT = frozenset({"additionalProperties", "unevaluatedProperties", "format"})


def _refusals(error: Any) -> set[str]:
    """The keywords behind a jsonschema error, through the branches of anyOf / oneOf."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        return {keyword for sub in error.context for keyword in _refusals(sub)}
    return {str(error.validator)}


@settings(max_examples=150, deadline=None)
@given(target=st.sampled_from(_body_routes()), data=st.data())
def test_a_body_the_spec_refuses_is_refused(target: tuple[str, str], data: st.DataObject) -> None:
    """The converse: a body a field away from a valid one that jsonschema refuses (for a reason other than
    an unknown property or a string format) is refused with a 400."""
    api, operation_id = target
    route = RouteTable.for_api(api).find(operation_id)
    request = valid_request(api, operation_id)
    body = _near(request.json_body, data)
    validator = spec_validation.validator(api)
    errors = validator.errors(validator.request_body_pointer(operation_id), body)
    if not errors or all(_refusals(e) <= LENIENT for e in errors):
        return
    event("the spec refuses the body")
    _refused(400, route, request, body=json.dumps(body).encode())
