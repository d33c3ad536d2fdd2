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
from codegen.normalise import pointer_tokens, resolve
from tests.spec_facts import parameter_schema
from tests.testing.spec_validation import pinned, validate_response

RECORDS = [{"id": f"r{index}"} for index in range(7)]


@pytest.fixture(scope="module")
def platform_spec() -> dict[str, Any]:
    return pinned("platform")


def paged_operations(spec: dict[str, Any]) -> list[str]:
    """The operations taking both ``page`` and ``pageSize`` (Codat's paged lists), read from the spec."""
    found = []
    for item in spec["paths"].values():
        for op in item.values():
            names = (
                {parameter(spec, p).get("name") for p in op.get("parameters", [])} if isinstance(op, dict) else set()
            )
            if {"page", "pageSize"} <= names:
                found.append(op["operationId"])
    return found


def parameter(spec: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in declared:
        tokens = pointer_tokens(declared["$ref"])
        assert tokens is not None
        declared = resolve(spec, tokens)
    return declared


COMPANIES = [
    {
        "id": f"8a210b68-6988-11ed-a1eb-0242ac12000{index}",
        "name": f"Company {index}",
        "redirect": f"https://link.codat.io/company/8a210b68-6988-11ed-a1eb-0242ac12000{index}",
        "created": f"2024-01-0{index + 1}T12:00:00Z",
        "tags": {"region": "uk"},
        "products": [],
        "dataConnections": [],
    }
    for index in range(7)
]


@pytest.mark.parametrize(
    ("page", "page_size", "query", "order_by"),
    [
        (1, 3, None, None),
        (2, 3, "name~a && tags.region=uk", "-created"),
        (3, 3, None, "name"),
        (9, 3, "id=8a210b68-6988-11ed-a1eb-0242ac120001", None),
        (1, 5000, "{a=1||b=2}&&c!=3", None),
    ],
)
def test_company_pages_validate_against_the_spec(
    page: int, page_size: int, query: str | None, order_by: str | None
) -> None:
    envelope = page_envelope(
        COMPANIES, page=page, page_size=page_size, path="/companies", query=query, order_by=order_by
    )
    validate_response("platform", "list-companies", 200, envelope)


def test_every_paged_operation_answers_a_valid_envelope(platform_spec: dict[str, Any]) -> None:
    operations = paged_operations(platform_spec)
    assert "list-companies" in operations
    for operation_id in operations:
        for page in (1, 2, 3):
            envelope = page_envelope([], page=page, page_size=2, path="/x/y", query="a=1", order_by="-b")
            validate_response("platform", operation_id, 200, envelope)


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
