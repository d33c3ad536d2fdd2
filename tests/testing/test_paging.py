"""Server-side paging: Codat's envelope, its links, and the spec's bounds, checked against the spec."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from codat_sdk.testing._paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_SERVED_PAGE_SIZE,
    PagingError,
    page_envelope,
)
from codegen import source
from codegen.normalise import pointer_tokens, resolve
from tests.spec_facts import NO_SOURCE, parameter_schema

RECORDS = [{"id": f"r{index}"} for index in range(7)]


@pytest.fixture(scope="module")
def platform_spec() -> dict[str, Any]:
    where = source.default_source()
    if where is None:
        pytest.skip(NO_SOURCE)
    return source.load_pinned(source.load_pins()["platform"], where)


def violations(spec: dict[str, Any], schema: dict[str, Any], value: Any, at: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema``: the JSON Schema keywords the paging schemas use."""
    if "$ref" in schema:
        tokens = pointer_tokens(schema["$ref"])
        assert tokens is not None
        return violations(spec, resolve(spec, tokens), value, at)
    found: list[str] = []
    for part in schema.get("allOf", []):
        found += violations(spec, part, value, at)
    kind = schema.get("type")
    checks = {"object": dict, "array": list, "string": str, "integer": int}
    if kind in checks and (not isinstance(value, checks[kind]) or isinstance(value, bool)):
        return [*found, f"{at}: expected {kind}, got {value!r}"]
    if isinstance(value, dict):
        found += [f"{at}: missing {name}" for name in schema.get("required", []) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += violations(spec, sub, value[name], f"{at}.{name}")
    if isinstance(value, int) and "maximum" in schema and value > schema["maximum"]:
        found.append(f"{at}: {value} > maximum {schema['maximum']}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{at}: {value} < minimum {schema['minimum']}")
    if schema.get("format") == "uri-reference" and (
        not isinstance(value, str) or any(c in value for c in ' "<>{}|\\^`')
    ):
        found.append(f"{at}: {value!r} is not a URI reference")
    return found


def list_schemas(spec: dict[str, Any]) -> list[str]:
    """The paged list schemas: those built from ``PagingInfo``."""
    schemas = spec["components"]["schemas"]
    return [
        name for name, body in schemas.items() if {"$ref": "#/components/schemas/PagingInfo"} in body.get("allOf", [])
    ]


@pytest.mark.parametrize(
    ("page", "page_size", "query", "order_by"),
    [
        (1, 3, None, None),
        (2, 3, "name~a && x=1", "-created"),
        (3, 3, None, "name"),
        (9, 3, "id=r1", None),
        (1, 5000, None, None),
    ],
)
def test_envelopes_validate_against_every_paged_schema(
    platform_spec: dict[str, Any], page: int, page_size: int, query: str | None, order_by: str | None
) -> None:
    envelope = page_envelope(RECORDS, page=page, page_size=page_size, path="/companies", query=query, order_by=order_by)
    names = list_schemas(platform_spec)
    assert "Companies" in names
    for name in names:
        # Items are each operation's own models; the envelope is what paging owns.
        schema = {**platform_spec["components"]["schemas"][name]}
        schema["allOf"] = [part for part in schema["allOf"] if "$ref" in part]
        assert violations(platform_spec, schema, envelope) == [], name
    assert isinstance(envelope["results"], list)


def test_pages_cover_every_record_once_with_links() -> None:
    first = page_envelope(RECORDS, page=1, page_size=3, path="/companies", query=None, order_by=None)
    assert first["results"] == RECORDS[:3]
    assert (first["pageNumber"], first["pageSize"], first["totalResults"]) == (1, 3, 7)
    assert first["_links"] == {
        "self": {"href": "/companies"},
        "current": {"href": "/companies?page=1&pageSize=3"},
        "next": {"href": "/companies?page=2&pageSize=3"},
    }
    middle = page_envelope(RECORDS, page=2, page_size=3, path="/companies", query=None, order_by=None)
    assert middle["results"] == RECORDS[3:6]
    assert set(middle["_links"]) == {"self", "current", "next", "previous"}
    assert middle["_links"]["previous"] == {"href": "/companies?page=1&pageSize=3"}
    last = page_envelope(RECORDS, page=3, page_size=3, path="/companies", query=None, order_by=None)
    assert last["results"] == RECORDS[6:]
    assert "next" not in last["_links"]


def test_a_page_beyond_the_end_is_empty_with_the_true_total() -> None:
    beyond = page_envelope(RECORDS, page=10, page_size=3, path="/companies", query=None, order_by=None)
    assert beyond["results"] == []
    assert (beyond["pageNumber"], beyond["totalResults"]) == (10, 7)
    assert "next" not in beyond["_links"]
    empty = page_envelope([], page=1, page_size=3, path="/companies", query=None, order_by=None)
    assert empty["results"] == [] and empty["totalResults"] == 0 and set(empty["_links"]) == {"self", "current"}


def test_links_carry_the_query_and_ordering_encoded() -> None:
    query, order_by = "name~a && tags.region=uk", "-created"
    envelope = page_envelope(RECORDS, page=2, page_size=2, path="/companies", query=query, order_by=order_by)
    for rel in ("current", "next", "previous"):
        parts = urlsplit(envelope["_links"][rel]["href"])
        assert parts.path == "/companies"
        params = parse_qs(parts.query)
        assert params["query"] == [query] and params["orderBy"] == [order_by]
        assert params["pageSize"] == ["2"]
    assert envelope["_links"]["self"] == {"href": "/companies"}


def test_bounds_are_the_specs(platform_spec: dict[str, Any]) -> None:
    size = parameter_schema("platform", "list-companies", "pageSize")
    page = parameter_schema("platform", "list-companies", "page")
    assert (size["minimum"], size["maximum"], size["default"]) == (1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)
    assert page["minimum"] == 1
    paging_info = platform_spec["components"]["schemas"]["PagingInfo"]
    assert paging_info["properties"]["pageSize"]["maximum"] == MAX_SERVED_PAGE_SIZE


def test_a_larger_page_size_is_served_in_pages_the_response_schema_allows() -> None:
    records = [{"id": str(index)} for index in range(MAX_SERVED_PAGE_SIZE + 1)]
    envelope = page_envelope(records, page=1, page_size=MAX_PAGE_SIZE, path="/companies", query=None, order_by=None)
    assert envelope["pageSize"] == len(envelope["results"]) == MAX_SERVED_PAGE_SIZE
    assert envelope["_links"]["next"] == {"href": f"/companies?page=2&pageSize={MAX_SERVED_PAGE_SIZE}"}


@pytest.mark.parametrize(
    ("page", "page_size", "message"),
    [
        (0, 10, "The field page must be between 1 and 2147483647."),
        (-1, 10, "The field page must be between 1 and 2147483647."),
        (1, 0, f"The field pageSize must be between 1 and {MAX_PAGE_SIZE}."),
        (1, MAX_PAGE_SIZE + 1, f"The field pageSize must be between 1 and {MAX_PAGE_SIZE}."),
        (True, 10, "The field page must be between 1 and 2147483647."),
    ],
)
def test_bad_page_or_size_is_a_paging_error(page: int, page_size: int, message: str) -> None:
    with pytest.raises(PagingError) as raised:
        page_envelope(RECORDS, page=page, page_size=page_size, path="/companies", query=None, order_by=None)
    assert raised.value.message == message
