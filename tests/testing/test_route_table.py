"""The generated route tables hold every operation of the pinned specs, and match routes a request to it."""

from __future__ import annotations

import pytest
from codat_sdk_files import CodatFiles
from codat_sdk_platform import CodatPlatform

from codat_sdk.testing._routes import MethodNotAllowed, RequestRejected, Route, RouteNotFound, RouteTable
from codegen.normalise import HTTP_METHODS
from tests.e2e.spec_support import reference_rows
from tests.spec_facts import enum_values, page_size_bounds
from tests.testing import spec_validation
from tests.testing.spec_requests import valid_request

APIS = ("platform", "files")
CLIENTS = {"platform": CodatPlatform, "files": CodatFiles}


def _spec_operations(api: str) -> dict[str, tuple[str, str, dict[str, object]]]:
    """operationId -> (path, METHOD, operation) of every operation the SDK exposes (none ``x-speakeasy-ignore``)."""
    return {
        op["operationId"]: (path, method.upper(), op)
        for path, item in spec_validation.pinned(api)["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS and not op.get("x-speakeasy-ignore")
    }


def _routes() -> list[tuple[str, str]]:
    return [(api, route.operation_id) for api in APIS for route in RouteTable.for_api(api)]


@pytest.mark.parametrize("api", APIS)
def test_the_table_holds_every_operation_of_the_pinned_spec_as_declared(api: str) -> None:
    table = RouteTable.for_api(api)
    expected = _spec_operations(api)
    assert {route.operation_id for route in table} == set(expected)
    assert len(table) == len(expected)
    for route in table:
        path, method, op = expected[route.operation_id]
        assert (route.api, route.http_method, route.path_template) == (api, method, path)
        assert route.deprecated is bool(op.get("deprecated"))
        assert set(route.statuses()) == set(op["responses"])  # type: ignore[call-overload]
        assert route.auth_required


@pytest.mark.parametrize("api", APIS)
def test_each_route_names_the_client_method_that_calls_it(api: str) -> None:
    client = CLIENTS[api](api_key="sk-test")
    for route in RouteTable.for_api(api):
        resource = client
        for attribute in route.group.split("."):
            resource = getattr(resource, attribute)
        assert callable(getattr(resource, route.method_name)), route
        row = reference_rows(api)[route.operation_id]  # the call the API reference documents
        assert (*route.group.split("."), route.method_name) == row.call


@pytest.mark.parametrize(("api", "operation_id"), _routes())
def test_match_finds_each_operation_for_a_concrete_path(api: str, operation_id: str) -> None:
    request = valid_request(api, operation_id)
    route, path_params = RouteTable.for_api(api).match(request.http_method.lower(), request.path)
    assert route.operation_id == operation_id
    assert path_params == request.path_params
    # A trailing slash names the same resource.
    assert RouteTable.for_api(api).match(request.http_method, request.path + "/")[0] is route


@pytest.mark.parametrize("api", APIS)
def test_a_path_no_operation_has_is_404(api: str) -> None:
    table = RouteTable.for_api(api)
    for path in ("/", "/no-such-resource", table.routes[0].path_template.replace("{", "").replace("}", "") + "/x/y/z"):
        with pytest.raises(RouteNotFound) as caught:
            table.match("GET", path)
        assert caught.value.status == 404
        spec_validation.validate_error_message(api, caught.value.body(), 404)


@pytest.mark.parametrize("api", APIS)
def test_a_method_the_path_does_not_take_is_405_listing_those_it_does(api: str) -> None:
    table = RouteTable.for_api(api)
    by_path: dict[str, set[str]] = {}
    for route in table:
        by_path.setdefault(route.path_template, set()).add(route.http_method)
    checked = 0
    for template, methods in by_path.items():
        route = next(r for r in table if r.path_template == template)
        path = valid_request(api, route.operation_id).path
        for method in sorted({m.upper() for m in HTTP_METHODS} - methods - {"HEAD", "OPTIONS", "TRACE"}):
            try:
                found, _ = table.match(method, path)
            except MethodNotAllowed as refused:
                assert refused.status == 405
                assert set(refused.allowed) >= methods
                spec_validation.validate_error_message(api, refused.body())
                checked += 1
            else:  # another template (``/companies/{companyId}`` for ``.../data/all``) takes the method
                assert found.path_template != template
    assert checked


def test_literal_segments_win_over_parameters() -> None:
    """``/webhooks/integrationKeys/zapier``-like paths: a literal segment beats a parameter in its place."""
    for api in APIS:
        table = RouteTable.for_api(api)
        for route in table:
            if route.path_parameters:
                continue
            for method in {r.http_method for r in table if r.path_template == route.path_template}:
                assert table.match(method, route.path_template)[0].path_template == route.path_template


def test_find_and_the_unknown_operation() -> None:
    table = RouteTable.for_api("platform")
    first = next(iter(table))
    assert table.find(first.operation_id) is first
    with pytest.raises(KeyError, match="no operation"):
        table.find("no-such-operation")
    with pytest.raises(ValueError, match="no route table"):
        RouteTable.for_api("nonexistent")


def test_tables_load_once_and_routes_are_values() -> None:
    table = RouteTable.for_api("platform")
    assert RouteTable.for_api("platform") is table
    route = next(iter(table))
    assert isinstance(route, Route)
    assert {route: 1}[route] == 1  # hashable: handlers may be keyed by route
    with pytest.raises(AttributeError):
        route.operation_id = "x"  # type: ignore[misc]


def test_parameter_facts_come_from_the_spec() -> None:
    """pageSize bounds and a path enum's members, as the spec declares them."""
    table = RouteTable.for_api("platform")
    paged = [r for r in table if any(p.name == "pageSize" for p in r.query_parameters)]
    assert paged
    for route in paged:
        default, minimum, maximum = page_size_bounds("platform", route.operation_id)
        schema = route.parameter("pageSize").schema
        assert (schema["default"], schema["minimum"], schema["maximum"]) == (default, minimum, maximum)
    enums = [
        (r, p)
        for r in table
        for p in r.path_parameters
        if "$ref" in p.schema and "enum" in table.schemas[p.schema["$ref"]]
    ]
    assert enums
    for _route, param in enums:
        members = set(table.schemas[param.schema["$ref"]]["enum"]) - {None}
        assert members == enum_values("platform", param.schema["$ref"])


def test_rejections_are_request_rejected() -> None:
    assert issubclass(RouteNotFound, RequestRejected)
    assert issubclass(MethodNotAllowed, RequestRejected)
