"""Typing by the spec's schemas: each property compares as the spec types it, and a property the
schema lacks (or calls "not queryable") is Codat's "Could not resolve property" 400.

The kinds are checked against a second, independent reading of the spec: the generated query fields
(codegen's ``queries.py``), for every field of every ``<Model>Query`` class.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import codat_sdk_platform.queries as platform_queries
import pytest

from codat_sdk._query import BoolField, DateField, DateTimeField, EnumField, Field, MapField, NumberField, StringField
from codat_sdk.testing._querylang import QueryLanguageError, RecordSchema, order, select
from codat_sdk.testing._querytypes import Kind, UnresolvedProperty
from tests.spec_facts import normalised

FIELD_KINDS: dict[type[Field], Kind] = {
    StringField: "string",
    EnumField: "string",
    DateTimeField: "date",
    DateField: "date",
    NumberField: "number",
    BoolField: "boolean",
}


def components() -> dict[str, Any]:
    schemas: dict[str, Any] = normalised("platform")["components"]["schemas"]
    return schemas


def record_schema(model: str, name: str | None = None) -> RecordSchema:
    return RecordSchema(components()[model], components(), name=name)


def generated_fields(namespace: object) -> Iterator[Field]:
    """Every field of a generated query class, nested namespaces and list counts included."""
    for attribute in dir(namespace):
        if attribute.startswith("_"):
            continue
        value = getattr(namespace, attribute)
        if isinstance(value, Field):
            yield value
            yield from generated_fields(value)  # a list of scalars carries its count
        elif isinstance(value, MapField):
            yield value["someKey"]
        elif type(value).__module__ == platform_queries.__name__:
            yield from generated_fields(value)


QUERY_CLASSES = [name for name in platform_queries.__all__ if name.endswith("Query")]


@pytest.mark.parametrize("class_name", QUERY_CLASSES)
def test_every_generated_field_has_the_kind_the_schema_gives(class_name: str) -> None:
    schema = record_schema(class_name.removesuffix("Query"))
    fields = list(generated_fields(getattr(platform_queries, class_name)))
    assert fields
    for field in fields:
        kind = next(kind for cls, kind in FIELD_KINDS.items() if isinstance(field, cls))
        assert schema.kind(tuple(field.name.split("."))) == kind, field.name


def test_a_property_the_schema_lacks_is_codats_unresolved_property_400() -> None:
    with pytest.raises(QueryLanguageError) as raised:
        select([], "nickname=x", schema=record_schema("Company"))
    assert raised.value.message == "Error parsing query - Could not resolve property nickname on Company"
    with pytest.raises(QueryLanguageError, match="Could not resolve property nickname"):
        select([], "dataConnections.nickname=x", schema=record_schema("Company"))
    with pytest.raises(QueryLanguageError, match="Error parsing orderBy - Could not resolve property nickname"):
        order([], "-nickname", schema=record_schema("Company"))


def test_the_specs_own_unresolved_property_example() -> None:
    # The spec's Malformed-Query example: a query on isCompleted, which PullOperation's description says is
    # not queryable. Codat names the type by its old name, Dataset.
    spec = normalised("platform")
    examples = spec["components"]["responses"]["Malformed-Query"]["content"]["application/json"]["examples"]
    expected = next(e["value"]["error"] for e in examples.values() if "resolve property" in e["value"]["error"])
    prop = expected.split("Could not resolve property ")[1].split(" on ")[0]
    with pytest.raises(QueryLanguageError) as raised:
        select([], f"{prop}=true", schema=record_schema("PullOperation", name="Dataset"))
    assert raised.value.message == expected


def test_the_schema_types_a_string_that_looks_like_a_date_as_a_string() -> None:
    records = [{"name": "2024-01-01T00:00:00Z"}, {"name": "2023-06-01"}, {"name": "Acme"}]
    # Without a schema both sides read as dates; the schema says name is a string.
    assert select(records, "name=2024-01-01") == records[:1]
    assert select(records, "name=2024-01-01", schema=record_schema("Company")) == []
    with pytest.raises(QueryLanguageError, match="Operator > is not supported on string property name"):
        select(records, "name>2023-01-01", schema=record_schema("Company"))
    # Ordering too: by the string, not by the instant it happens to spell.
    ordered = order(records, "name", schema=record_schema("Company"))
    assert [r["name"] for r in ordered] == ["2023-06-01", "2024-01-01T00:00:00Z", "Acme"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("created~2024", "Operator ~ is not supported on date property created"),
        ("created>yesterday", "Could not convert value yesterday to date for property created"),
        ("dataConnections.count=none", "Could not convert value none to number for property dataConnections.count"),
        ("name>a", "Operator > is not supported on string property name"),
        ("tags=uk", "Operator = is not supported on object property tags"),
    ],
)
def test_with_a_schema_type_errors_come_before_any_record(query: str, message: str) -> None:
    with pytest.raises(QueryLanguageError) as raised:
        select([], query, schema=record_schema("Company"))
    assert raised.value.message == f"Error parsing query - {message}"


def test_booleans_and_numbers_of_pull_operations() -> None:
    operations = [
        {"id": "a", "isErrored": False, "progress": 100, "status": "Complete", "requested": "2024-01-01T10:00:00Z"},
        {"id": "b", "isErrored": True, "progress": 40, "status": "Failed", "requested": "2024-01-02T10:00:00"},
    ]
    schema = record_schema("PullOperation")
    assert select(operations, "isErrored=TRUE", schema=schema) == operations[1:]
    assert select(operations, "progress>=50||status=Failed", schema=schema) == operations
    assert select(operations, "status!=Complete&&status!=NotSupported", schema=schema) == operations[1:]
    assert select(operations, "requested>2024-01-01T12:00:00Z", schema=schema) == operations[1:]
    with pytest.raises(QueryLanguageError, match="to boolean"):
        select(operations, "isErrored=yes", schema=schema)


def test_tags_are_a_map_of_strings_and_any_key_resolves() -> None:
    schema = record_schema("Company")
    assert schema.kind(("tags", "anything")) == "string"
    companies = [{"id": "1", "tags": {"region": "uk"}}, {"id": "2", "tags": {}}]
    assert select(companies, "tags.region=uk", schema=schema) == companies[:1]


def test_count_ends_a_path() -> None:
    with pytest.raises(UnresolvedProperty):
        record_schema("Company").kind(("dataConnections", "count", "x"))


def test_the_tags_parameter_is_typed_within_the_tags_map() -> None:
    companies = [
        {"id": "1", "tags": {"region": "uk", "team": "invoice-finance"}},
        {"id": "2", "tags": {"region": "us"}},
    ]
    schema = record_schema("Company")
    assert select(companies, "region=uk && team=invoice-finance", schema=schema, within="tags") == companies[:1]
    assert select(companies, "region != uk", schema=schema, within="tags") == companies[1:]
    with pytest.raises(QueryLanguageError, match="Operator > is not supported on string property region"):
        select(companies, "region>uk", schema=schema, within="tags")
