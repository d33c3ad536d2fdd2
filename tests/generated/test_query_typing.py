"""Static typing of paginators and typed query fields, checked by ``mypy --strict`` over this file.

``warn_unused_ignores`` (part of strict) turns each ``# type: ignore[code]`` below into an assertion:
mypy must report exactly that error on that line, or the ignore is unused and the typecheck fails.
``assert_type`` pins the inferred types. Run by pytest too: each misuse also fails at run time.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import assert_type

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Companies, Company, Connection, Connections, DataConnectionStatus
from codat_sdk_platform.queries import CompanyQuery, ConnectionQuery

from codat_sdk import (
    AsyncPaginator,
    DateTimeField,
    EnumField,
    MapField,
    NumberField,
    OrderBy,
    Query,
    QueryError,
    StringField,
    SyncPaginator,
    Unlisted,
    order_by,
)
from tests.conftest import API_KEY, COMPANY_ID, Recorder, companies_json
from tests.spec_facts import enum_values, page_size_bounds


def _sync() -> CodatPlatform:
    return CodatPlatform(
        api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(Recorder(json=companies_json())))
    )


def test_paginators_are_typed_by_item_and_page() -> None:
    with _sync() as codat:
        companies = codat.companies.list_all(max_items=1)
        assert_type(companies, SyncPaginator[Company, Companies])
        for company in companies:
            assert_type(company, Company)
        assert_type(companies.pages(), Iterator[Companies])
        assert_type(companies.next_page, int | None)
        assert_type(codat.connections.list_all(COMPANY_ID), SyncPaginator[Connection, Connections])
        # The page type has a default: annotations may name just the item.
        only_items: SyncPaginator[Company] = codat.companies.list_all()
        assert only_items.page_size == page_size_bounds("platform", "list-companies")[0]


async def test_async_paginators_are_typed() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(json=companies_json())))
    async with AsyncCodatPlatform(api_key=API_KEY, client=http) as codat:
        companies = codat.companies.list_all()
        assert_type(companies, AsyncPaginator[Company, Companies])
        async for company in companies:
            assert_type(company, Company)
        assert_type(companies.pages(), AsyncIterator[Companies])
    await http.aclose()


def test_fields_are_typed_by_kind() -> None:
    assert_type(CompanyQuery.name, StringField)
    assert_type(CompanyQuery.created, DateTimeField)
    # The Literal the field is typed by is the spec's member list: read from the spec, not restated here
    # (a bump adding a member must land), and a misspelt value is a type error (see below).
    status = CompanyQuery.data_connections.status
    assert isinstance(status, EnumField)
    assert set(status.values) == enum_values("platform", "DataConnectionStatus")
    assert_type(CompanyQuery.name.contains("Toft"), Query)
    assert_type((CompanyQuery.created >= date(2024, 1, 1)) & (CompanyQuery.name == "x"), Query)
    assert_type(order_by(ConnectionQuery.created).desc(), OrderBy)


def test_date_time_fields_take_dates_and_datetimes() -> None:
    assert_type(CompanyQuery.last_sync >= date(2024, 1, 1), Query)
    assert_type(CompanyQuery.last_sync < datetime(2024, 5, 1, 12, 30), Query)
    assert_type(CompanyQuery.data_connections.created != datetime(2024, 5, 1, tzinfo=UTC), Query)
    assert str(CompanyQuery.last_sync >= date(2024, 1, 1)) == "lastSync>=2024-01-01"
    assert str(CompanyQuery.last_sync < datetime(2024, 5, 1, 12, 30)) == "lastSync<2024-05-01T12:30:00"
    assert str(CompanyQuery.created == datetime(2024, 5, 1, tzinfo=UTC)) == "created=2024-05-01T00:00:00Z"
    with pytest.raises(QueryError, match="date-time property; got int"):
        CompanyQuery.last_sync > 20240101  # type: ignore[operator]  # noqa: B015
    with pytest.raises(QueryError, match="date-time property; got str"):
        CompanyQuery.last_sync == "2024-01-01"  # noqa: B015 - mypy cannot check == (see Field)


def test_operators_a_kind_lacks_are_type_errors() -> None:
    with pytest.raises(QueryError, match="'>' is not allowed on StringField"):
        CompanyQuery.name > "Toft"  # type: ignore[operator]  # noqa: B015
    with pytest.raises(QueryError, match="'~' is not allowed on DateTimeField"):
        CompanyQuery.created.contains("2024")  # type: ignore[attr-defined]
    with pytest.raises(QueryError, match="'<' is not allowed on EnumField"):
        CompanyQuery.data_connections.status < "Linked"  # type: ignore[operator]  # noqa: B015


def test_values_of_the_wrong_type_are_type_errors() -> None:
    with pytest.raises(QueryError, match="date-time property"):
        CompanyQuery.created >= "2024-01-01"  # type: ignore[operator]  # noqa: B015
    with pytest.raises(QueryError, match="string property"):
        CompanyQuery.name.contains(5)  # type: ignore[arg-type]


def test_unknown_properties_and_reassignment_are_type_errors() -> None:
    with pytest.raises(AttributeError):
        CompanyQuery.nmae  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        CompanyQuery.data_connections.state  # type: ignore[attr-defined]  # noqa: B018


def test_paginator_arguments_are_checked() -> None:
    with _sync() as codat:
        with pytest.raises(TypeError):
            codat.companies.list_all(page=2)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="page_size must be an int"):
            codat.companies.list_all(page_size="10")  # type: ignore[arg-type]
        with pytest.raises(QueryError, match="query must be a Query"):
            codat.companies.list(query=CompanyQuery.name)  # type: ignore[arg-type]
        with pytest.raises(QueryError, match="order_by must be an OrderBy"):
            codat.companies.list_all(order_by=CompanyQuery.name)  # type: ignore[arg-type]


def _sent(query: Query) -> str:
    return str(query)


def test_enum_fields_are_typed_by_their_values() -> None:
    status = CompanyQuery.data_connections.status
    assert_type(status == "Linked", Query)
    assert_type(status != DataConnectionStatus.LINKED, Query)
    with pytest.raises(QueryError, match=r"'Linkd' is not a value .*pass Unlisted\('Linkd'\)"):
        _sent(status == "Linkd")  # type: ignore[arg-type]
    # A value of another enum (read from the spec) is not one of this field's.
    other: str = next(
        v
        for v in sorted(enum_values("platform", "DataConnectionStatus"))
        if v not in ConnectionQuery.source_type.values
    )
    with pytest.raises(QueryError, match="not a value"):
        _sent(ConnectionQuery.source_type == other)  # type: ignore[arg-type]


def test_values_the_spec_does_not_list_are_sent_when_explicit() -> None:
    # An API newer than the spec: this used to be "QueryError: 'Expired' is not a value", with no way through.
    status = CompanyQuery.data_connections.status
    assert_type(status == Unlisted("Expired"), Query)
    assert str(status == Unlisted("Expired")) == "dataConnections.status=Expired"
    # An unknown member of the models' open enum, as a response decodes it, is explicit too.
    assert_type(status != DataConnectionStatus("Expired"), Query)
    assert str(status != DataConnectionStatus("Expired")) == "dataConnections.status!=Expired"
    with pytest.raises(QueryError, match="would read as query syntax"):
        status == Unlisted("a=b")  # noqa: B015


def test_arrays_have_a_count() -> None:
    assert_type(CompanyQuery.data_connections.count, NumberField)
    assert str(CompanyQuery.data_connections.count == 0) == "dataConnections.count=0"
    assert str(ConnectionQuery.data_connection_errors.count > 0) == "dataConnectionErrors.count>0"
    # A list of strings is still compared by its values, and counted.
    assert str(CompanyQuery.products == "x") == "products=x"
    assert_type(CompanyQuery.products.count >= 2, Query)
    assert str(CompanyQuery.products.count >= 2) == "products.count>=2"
    with pytest.raises(QueryError, match="numeric property"):
        CompanyQuery.data_connections.count > "1"  # type: ignore[operator]  # noqa: B015


def test_map_fields_are_indexed_by_key() -> None:
    assert_type(CompanyQuery.tags, MapField[StringField])
    assert_type(CompanyQuery.tags["region"], StringField)
    assert str(CompanyQuery.tags["region"] == "uk") == "tags.region=uk"
    assert str(CompanyQuery.reference_parent_company.tags["uid"].contains("7")) == "referenceParentCompany.tags.uid~7"
    for key in ["", "a.b", "a b", "a=b"]:
        with pytest.raises(QueryError, match="cannot be queried"):
            CompanyQuery.tags[key]
    with pytest.raises(QueryError, match="cannot be queried"):
        CompanyQuery.tags[1]  # type: ignore[index]


def _readme_query_example() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Queries.**", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_readme_query_example_sends_what_it_says() -> None:
    recorder = Recorder(json=companies_json())
    with CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder))) as codat:
        exec(_readme_query_example(), {"codat": codat})  # the README's own code
    sent = [(r.url.params.get("query"), r.url.params.get("orderBy")) for r in recorder.requests]
    assert sent == [
        ("created>=2024-01-01&&dataConnections.status=Linked&&name~Toft", "-created"),
        ("name~Toft", "-created"),
        ("dataConnections.count=0&&tags.region=uk", None),
        ("dataConnections.status=Expired", None),
    ]


def test_the_queries_docstring_example_runs_on_the_client() -> None:
    from codat_sdk_platform import CodatPlatform

    from tests.generated_package import check_queries_example

    with CodatPlatform(api_key="k", server_url="http://127.0.0.1:9") as client:
        check_queries_example("codat_sdk_platform", client)
