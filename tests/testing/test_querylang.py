"""Codat's query language as the local Codat evaluates it: one test per documented rule.

The examples follow Codat's "Querying" and "Ordering results" pages in our own values; where the docs
are silent the module's GUESS comments say what was chosen, and the tests here pin those choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codat_sdk.testing._querylang import (
    MALFORMED,
    MAX_QUERY_LENGTH,
    Comparison,
    Group,
    QueryLanguageError,
    order,
    parse,
    select,
)

INVOICES: list[dict[str, Any]] = [
    {
        "id": "inv-1",
        "status": "Paid",
        "totalAmount": 120,
        "amountDue": 0,
        "currency": "GBP",
        "issueDate": "2024-03-01T00:00:00",
        "customerRef": {"id": "61", "companyName": "Toft Stores"},
        "isDraft": False,
    },
    {
        "id": "inv-2",
        "status": "Submitted",
        "totalAmount": 40.5,
        "amountDue": 40.5,
        "currency": "USD",
        "issueDate": "2024-04-15T09:30:00Z",
        "customerRef": {"id": "62", "companyName": "Bolt Ltd"},
        "isDraft": True,
    },
    {
        "id": "inv-3",
        "status": "Submitted",
        "totalAmount": 75,
        "amountDue": 75,
        "currency": "GBP",
        "issueDate": "2023-12-31T23:00:00-02:00",
        "customerRef": {"id": "61", "companyName": "Toft Stores"},
        "isDraft": False,
    },
]

COMPANIES: list[dict[str, Any]] = [
    {
        "id": "c-1",
        "name": "Toft stores",
        "created": "2024-01-01T12:00:00Z",
        "tags": {"region": "uk", "owningTeam": "invoice-finance"},
        "products": ["lending", "banking"],
        "dataConnections": [
            {"status": "Linked", "platformName": "Xero", "sourceType": "Accounting"},
            {"status": "Unlinked", "platformName": "Plaid", "sourceType": "Banking"},
        ],
    },
    {
        "id": "c-2",
        "name": "Bolt Ltd",
        "created": "2024-06-01T08:00:00.1234567Z",
        "tags": {"region": "us"},
        "products": [],
        "dataConnections": [],
    },
    {"id": "c-3", "name": "Nameless", "created": "2023-02-01T00:00:00Z", "tags": {}, "dataConnections": []},
]


def ids(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return [record["id"] for record in records]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Numbers: all comparison operators.
        ("amountDue>0", ["inv-2", "inv-3"]),
        ("totalAmount=75", ["inv-3"]),
        ("totalAmount=75.0", ["inv-3"]),
        ("totalAmount!=75", ["inv-1", "inv-2"]),
        ("totalAmount>=75", ["inv-1", "inv-3"]),
        ("totalAmount<=40.5", ["inv-2"]),
        ("totalAmount<75", ["inv-2"]),
        # Strings: =, != and ~.
        ("currency=GBP", ["inv-1", "inv-3"]),
        ("currency!=GBP", ["inv-2"]),
        ("customerRef.companyName~Stores", ["inv-1", "inv-3"]),
        # Sub-properties with a dot.
        ("customerRef.id=61", ["inv-1", "inv-3"]),
        # Dates compare as instants, whatever the zone each side is written in.
        # inv-3 is 23:00 on New Year's Eve at -02:00, so 01:00 UTC on New Year's Day.
        ("issueDate>2024-01-01", ["inv-1", "inv-2", "inv-3"]),
        ("issueDate>2024-01-01T02:00:00Z", ["inv-1", "inv-2"]),
        ("issueDate>=2024-01-01T00:00:00Z", ["inv-1", "inv-2", "inv-3"]),
        ("issueDate=2024-04-15T11:30:00+02:00", ["inv-2"]),
        ("issueDate<2024-03-01", ["inv-3"]),
        # Booleans.
        ("isDraft=true", ["inv-2"]),
        ("isDraft!=true", ["inv-1", "inv-3"]),
        # And, or, and braces to combine them (the docs' example, in our values).
        ("currency=GBP&&amountDue>0", ["inv-3"]),
        ("currency=USD||amountDue=0", ["inv-1", "inv-2"]),
        ("{totalAmount > 100 || totalAmount < 50} && status != Paid", ["inv-2"]),
        ("status=Submitted&&{currency=USD||{totalAmount>70&&customerRef.id=61}}", ["inv-2", "inv-3"]),
        # Whitespace around each part is ignored.
        ("  currency =  GBP  &&  amountDue  >  0 ", ["inv-3"]),
    ],
)
def test_operators_on_each_type(query: str, expected: list[str]) -> None:
    assert ids(select(INVOICES, query)) == expected


def test_mixing_and_with_or_without_braces_reads_or_as_and() -> None:
    # Docs, "Combining queries": without braces the OR is included as an AND.
    assert ids(select(INVOICES, "currency=GBP&&amountDue>0||status=Paid")) == []
    assert ids(select(INVOICES, "currency=GBP&&amountDue>0||status=Submitted")) == ["inv-3"]
    assert parse("a=1||b=2&&c=3") == Group(
        "&&", (Comparison(("a",), "=", "1"), Comparison(("b",), "=", "2"), Comparison(("c",), "=", "3"))
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tags.region=uk", ["c-1"]),
        ("tags.region!=uk", ["c-2"]),
        ("tags.owningTeam~finance", ["c-1"]),
        ("region=uk && owningTeam=invoice-finance", []),
        ("dataConnections.count=0", ["c-2", "c-3"]),
        ("dataConnections.count>1", ["c-1"]),
        ("dataConnections.status=Linked", ["c-1"]),
        ("dataConnections.platformName=Plaid&&dataConnections.status=Linked", ["c-1"]),
        ("products=banking", ["c-1"]),
        ("products.count=0", ["c-2"]),
        ("created>2024-01-01", ["c-1", "c-2"]),
        ("created>2024-06-01T08:00:00.123Z", ["c-2"]),
    ],
)
def test_maps_arrays_and_count(query: str, expected: list[str]) -> None:
    assert ids(select(COMPANIES, query)) == expected


def test_an_array_property_matches_when_any_element_does() -> None:
    # GUESS: != over an array means some element differs, as every operator is read per element.
    assert ids(select(COMPANIES, "dataConnections.status!=Linked")) == ["c-1"]


def test_missing_and_null_properties_match_nothing() -> None:
    # "We do not currently support querying on null fields": null never matches, not even !=.
    records: list[dict[str, Any]] = [{"id": "a", "name": None}, {"id": "b"}, {"id": "c", "name": "x"}]
    assert ids(select(records, "name!=y")) == ["c"]
    assert ids(select(records, "name=null")) == []
    assert ids(select(COMPANIES, "products.count=0")) == ["c-2"]


def test_tags_parameter_queries_within_the_map() -> None:
    assert ids(select(COMPANIES, "region=uk && owningTeam=invoice-finance", within="tags")) == ["c-1"]
    assert ids(select(COMPANIES, "region != uk", within="tags")) == ["c-2"]


def test_contains_ignores_case_and_equals_does_not() -> None:
    # GUESS (undocumented): ~ is case-insensitive, = and != are exact.
    assert ids(select(COMPANIES, "name~TOFT")) == ["c-1"]
    assert ids(select(COMPANIES, "name=toft stores")) == []


def test_the_query_is_url_decoded_once_more() -> None:
    # The docs' single-item example sends id%253D...: the server decodes it twice.
    assert ids(select(INVOICES, "id%3Dinv-2")) == ["inv-2"]
    assert ids(select(INVOICES, "amountDue%3e0%26%26currency%3dGBP")) == ["inv-3"]


def test_no_query_selects_everything() -> None:
    assert ids(select(INVOICES, None)) == ids(INVOICES)
    assert ids(select(INVOICES, "  ")) == ids(INVOICES)


def test_the_length_limit_is_under_2048_characters() -> None:
    value = "x" * (MAX_QUERY_LENGTH - len("name="))
    assert select(COMPANIES, f"name={value}") == []
    with pytest.raises(QueryLanguageError) as raised:
        select(COMPANIES, f"name={value}y")
    assert raised.value.message.startswith("Error parsing query - ")
    assert MAX_QUERY_LENGTH + 1 == 2048


@pytest.mark.parametrize(
    "query",
    ["name", "=x", "name=", "{name=x", "name=x}", "name=x&&", "||name=x", "{}", "na me=x", "name=x{a=1}", "{a=1}b=2"],
)
def test_malformed_queries_get_codats_documented_message(query: str) -> None:
    with pytest.raises(QueryLanguageError) as raised:
        parse(query)
    assert raised.value.message == MALFORMED == "Error parsing query - Malformed query."
    assert raised.value.detail


@pytest.mark.parametrize(
    "query", ["name>x", "name<=x", "totalAmount~5", "isDraft>true", "totalAmount=abc", "isDraft=yes"]
)
def test_operators_and_values_a_type_does_not_take_are_refused(query: str) -> None:
    records = [{"name": "a", "totalAmount": 5, "isDraft": False}]
    with pytest.raises(QueryLanguageError) as raised:
        select(records, query)
    assert raised.value.message.startswith("Error parsing query - ")


def test_order_ascending_and_descending() -> None:
    assert ids(order(INVOICES, "issueDate")) == ["inv-3", "inv-1", "inv-2"]
    assert ids(order(INVOICES, "-issueDate")) == ["inv-2", "inv-1", "inv-3"]
    assert ids(order(INVOICES, "-totalAmount")) == ["inv-1", "inv-3", "inv-2"]
    assert ids(order(INVOICES, "customerRef.companyName")) == ["inv-2", "inv-1", "inv-3"]
    assert ids(order(COMPANIES, "dataConnections.count")) == ["c-2", "c-3", "c-1"]
    assert ids(order(INVOICES, None)) == ids(INVOICES)


def test_order_puts_nulls_first_and_is_stable() -> None:
    records: list[dict[str, Any]] = [{"id": "a", "n": 2}, {"id": "b"}, {"id": "c", "n": 1}, {"id": "d", "n": 2}]
    assert ids(order(records, "n")) == ["b", "c", "a", "d"]
    assert ids(order(records, "-n")) == ["a", "d", "c", "b"]


@pytest.mark.parametrize("order_by", ["-", "--name", "na me", "name&&x"])
def test_bad_order_by_is_refused(order_by: str) -> None:
    with pytest.raises(QueryLanguageError):
        order(INVOICES, order_by)


# Text near the language's syntax, so most examples reach deep into the parser.
_PIECES = [*"{}&|=!~<>.% ", "&&", "||", "name", "tags.region", "dataConnections.count", "1", "2024-01-01", "x"]
_SYNTAX = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(query=_SYNTAX | st.text(max_size=40))
def test_any_text_either_selects_or_is_a_query_language_error(query: str) -> None:
    try:
        select(COMPANIES, query)
        order(COMPANIES, query)
    except QueryLanguageError as error:
        assert error.message.startswith(("Error parsing query - ", "Error parsing orderBy - "))
