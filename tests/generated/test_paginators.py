"""The generated paginators (``list_all`` & co.), typed query fields, and query/orderBy on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import unquote_plus
from uuid import UUID

import httpx
import pytest
import respx
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import (
    Company,
    Connection,
    CustomDataTypeRecord,
    DataConnectionStatus,
    Integration,
    PullOperation,
    PushOperation,
)
from codat_sdk_platform.queries import CompanyQuery, ConnectionQuery, PushOperationQuery

from codat_sdk import (
    AsyncPaginator,
    BoolField,
    DateTimeField,
    EnumField,
    NumberField,
    Query,
    QueryError,
    StringField,
    SyncPaginator,
    order_by,
)
from tests.conftest import API_KEY, BASE_URL, COMPANY_ID, CONNECTION_ID, Recorder, companies_json, company_json
from tests.spec_facts import enum_values

# The six paged operations of the pinned Platform spec: (resource path, paginator, its arguments, item type).
PAGINATORS: list[tuple[str, str, dict[str, Any], type]] = [
    ("companies", "list_all", {}, Company),
    ("connections", "list_all", {"company_id": COMPANY_ID}, Connection),
    ("refresh_data", "list_all_pull_operations", {"company_id": COMPANY_ID}, PullOperation),
    ("integrations", "list_all", {}, Integration),
    ("push_data", "list_all_operations", {"company_id": COMPANY_ID}, PushOperation),
    (
        "custom_data_type",
        "list_all",
        {"company_id": COMPANY_ID, "connection_id": CONNECTION_ID, "custom_data_identifier": "DynamicsPurchaseOrders"},
        CustomDataTypeRecord,
    ),
]


def _page(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"results": [], "pageNumber": 1, "pageSize": 100, "totalResults": 0}
    body["_links"] = {"self": {"href": "/x"}, "current": {"href": "/x?page=1"}}
    body.update(overrides)
    return body


@pytest.mark.parametrize(("group", "name", "args", "item"), PAGINATORS, ids=[f"{g}.{n}" for g, n, _, _ in PAGINATORS])
def test_every_paged_operation_has_a_paginator(group: str, name: str, args: dict[str, Any], item: type) -> None:
    recorder = Recorder(json=_page())
    with CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder))) as codat:
        paginator = getattr(getattr(codat, group), name)(**args, page_size=7)
        assert isinstance(paginator, SyncPaginator)
        assert list(paginator) == []
    assert recorder.last.url.params["page"] == "1"
    assert recorder.last.url.params["pageSize"] == "7"


@pytest.mark.parametrize(("group", "name", "args", "item"), PAGINATORS, ids=[f"{g}.{n}" for g, n, _, _ in PAGINATORS])
async def test_every_paged_operation_has_an_async_paginator(
    group: str, name: str, args: dict[str, Any], item: type
) -> None:
    recorder = Recorder(json=_page())
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    async with AsyncCodatPlatform(api_key=API_KEY, client=http) as codat:
        paginator = getattr(getattr(codat, group), name)(**args, start_page=3)
        assert isinstance(paginator, AsyncPaginator)
        assert [x async for x in paginator] == []
    assert recorder.last.url.params["page"] == "3"
    await http.aclose()


def test_items_are_the_results_models_and_pages_the_page_models() -> None:
    recorder = Recorder(json=companies_json(results=[company_json(), company_json(name="Other")], totalResults=2))
    with CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder))) as codat:
        items = list(codat.companies.list_all())
        pages = list(codat.companies.list_all().pages())
    assert [type(c) for c in items] == [Company, Company]
    assert [c.name for c in items] == ["Codat Ltd.", "Other"]
    assert len(pages) == 1
    assert pages[0].total_results == 2


def test_the_page_size_default_comes_from_the_spec() -> None:
    recorder = Recorder(json=_page())
    with CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder))) as codat:
        list(codat.companies.list_all())
    assert recorder.last.url.params["pageSize"] == "100"


def _query_of(request: httpx.Request) -> str:
    return request.url.query.decode("ascii")


def test_builders_are_sent_encoded_exactly_once(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/companies").respond(200, json=_page())
    query = (CompanyQuery.name.contains("Toft & Co")) & (CompanyQuery.created >= date(2024, 1, 1))
    with CodatPlatform(api_key=API_KEY) as codat:
        list(codat.companies.list_all(query=query, order_by=order_by(CompanyQuery.created).desc()))
    request = route.calls.last.request
    assert request.url.params["query"] == "name~Toft & Co&&created>=2024-01-01"
    assert request.url.params["orderBy"] == "-created"
    raw = _query_of(request)
    # Encoded once, by httpx: '&' and '>=' escaped (so '&&' cannot split the parameter), no '%25'
    # left behind by a second encoding.
    assert "query=name~Toft+%26+Co%26%26created%3E%3D2024-01-01&" in raw
    assert "%25" not in raw
    pairs = dict(pair.split("=", 1) for pair in raw.split("&"))
    assert unquote_plus(pairs["query"]) == "name~Toft & Co&&created>=2024-01-01"


@pytest.mark.parametrize("mode", ["builder", "string"])
def test_list_takes_a_builder_or_a_string(mode: str, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/companies/{COMPANY_ID}/connections").respond(200, json=_page())
    linked = ConnectionQuery.status == DataConnectionStatus.LINKED
    query: Query | str = linked if mode == "builder" else "status=Linked"
    with CodatPlatform(api_key=API_KEY) as codat:
        ordering = "-created" if mode == "string" else order_by(ConnectionQuery.created).desc()
        codat.connections.list(COMPANY_ID, query=query, order_by=ordering)
    request = route.calls.last.request
    assert request.url.params["query"] == "status=Linked"
    assert request.url.params["orderBy"] == "-created"


async def test_async_list_and_raw_response_take_builders(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/companies").respond(200, json=_page())
    async with AsyncCodatPlatform(api_key=API_KEY) as codat:
        await codat.companies.list(query=CompanyQuery.last_sync < datetime(2024, 5, 1, 12, 30))
        await codat.companies.with_raw_response.list(order_by=order_by(CompanyQuery.name))
    first, second = (call.request for call in route.calls)
    assert first.url.params["query"] == "lastSync<2024-05-01T12:30:00"
    assert second.url.params["orderBy"] == "name"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_aware_datetimes_are_sent_in_utc(mode: str, respx_mock: respx.MockRouter) -> None:
    from datetime import timedelta, timezone

    route = respx_mock.get(f"{BASE_URL}/companies").respond(200, json=_page())
    noon_in_paris = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    query = CompanyQuery.last_sync >= noon_in_paris
    if mode == "async":
        async with AsyncCodatPlatform(api_key=API_KEY) as async_codat:
            [c async for c in async_codat.companies.list_all(query=query)]
    else:
        with CodatPlatform(api_key=API_KEY) as codat:
            list(codat.companies.list_all(query=query))
    request = route.calls.last.request
    assert request.url.params["query"] == "lastSync>=2024-05-01T10:30:00Z"
    assert "query=lastSync%3E%3D2024-05-01T10%3A30%3A00Z" in _query_of(request)


def test_invalid_queries_raise_before_anything_is_sent(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.route().respond(200, json=_page())
    with CodatPlatform(api_key=API_KEY) as codat:
        with pytest.raises(QueryError, match="cannot mix && and"):
            codat.companies.list(query="a=1&&b=2||c=3")
        with pytest.raises(QueryError, match="cannot mix && and"):
            codat.companies.list_all(query="a=1&&b=2||c=3")  # at the call, not at the first page
        with pytest.raises(QueryError, match=r"not a value of 'dataConnections\.status'"):
            CompanyQuery.data_connections.status == "Linkd"  # noqa: B015
    assert not route.called


def test_typed_fields_name_the_wire_properties_and_know_their_kinds() -> None:
    assert isinstance(CompanyQuery.name, StringField)
    assert isinstance(CompanyQuery.created, DateTimeField)
    assert CompanyQuery.created_by_user_name.name == "createdByUserName"
    status = CompanyQuery.data_connections.status
    assert isinstance(status, EnumField)
    assert status.name == "dataConnections.status"
    assert set(status.values) == enum_values("platform", "DataConnectionStatus")
    assert PushOperationQuery.changes.record_ref.id.name == "changes.recordRef.id"
    assert isinstance(PushOperationQuery.timeout_in_minutes, NumberField)
    from codat_sdk_platform.queries import IntegrationQuery, PullOperationQuery

    assert isinstance(IntegrationQuery.enabled, BoolField)
    assert isinstance(PullOperationQuery.requested, DateTimeField)
    assert str(CompanyQuery.data_connections.status == DataConnectionStatus.LINKED) == "dataConnections.status=Linked"


def test_paginator_docstrings_point_at_the_query_fields() -> None:
    from codat_sdk_platform.resources.companies import CompaniesResource

    assert "codat_sdk_platform.queries.CompanyQuery" in (CompaniesResource.list_all.__doc__ or "")
    assert "codat_sdk_platform.queries.CompanyQuery" in (CompaniesResource.list.__doc__ or "")


def test_ids_are_uuids_in_the_items() -> None:
    recorder = Recorder(json=companies_json())
    with CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder))) as codat:
        (company,) = codat.companies.list_all()
    assert company.id == UUID(str(COMPANY_ID))
