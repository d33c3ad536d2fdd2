"""The paginators and the query builders against Prism serving the pinned Platform spec.

Prism answers ``GET /companies`` with the spec's example page (one company, ``totalResults`` 1, no
``_links.next``): the paginator must stop after that one request, and every request it sends (page,
pageSize, a builder-made query and orderBy) must satisfy the spec (the autouse violation check).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from uuid import UUID

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Companies, Company, Connection, DataConnectionStatus
from codat_sdk_platform.queries import CompanyQuery, ConnectionQuery

from codat_sdk import order_by
from tests.e2e import harness
from tests.e2e.harness import VIOLATIONS
from tests.spec_facts import page_size_bounds

COMPANY_ID = UUID("8a210b68-6988-11ed-a1eb-0242ac120002")
QUERY = (CompanyQuery.name.contains("Test & Co")) & (CompanyQuery.created >= date(2024, 1, 1))


class Sent:
    """Every request a client sent, via an httpx event hook."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def sync_hook(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def async_hook(self, request: httpx.Request) -> None:
        self.requests.append(request)


@pytest.fixture
def sent() -> Sent:
    return Sent()


@pytest.fixture
def codat(platform_url: str, sent: Sent) -> Iterator[CodatPlatform]:
    with harness.sync_http(VIOLATIONS) as http:
        http.event_hooks["request"] = [sent.sync_hook]
        yield harness.platform_client(platform_url, http)


@pytest.fixture
async def async_codat(platform_url: str, sent: Sent) -> AsyncIterator[AsyncCodatPlatform]:
    async with harness.async_http(VIOLATIONS) as http:
        http.event_hooks["request"] = [sent.async_hook]
        async with harness.async_platform_client(platform_url, http) as client:
            yield client


def test_companies_list_all(codat: CodatPlatform, sent: Sent) -> None:
    paginator = codat.companies.list_all(query=QUERY, order_by=order_by(CompanyQuery.created).desc(), page_size=50)
    companies = list(paginator)
    assert companies
    assert all(isinstance(company, Company) for company in companies)
    assert paginator.next_page is None
    assert len(sent.requests) == 1  # the example page says totalResults 1 and links no next page
    params = sent.requests[0].url.params
    assert (params["page"], params["pageSize"]) == ("1", "50")
    assert params["query"] == "name~Test & Co&&created>=2024-01-01"
    assert params["orderBy"] == "-created"


def test_companies_pages_and_max_items(codat: CodatPlatform, sent: Sent) -> None:
    largest = page_size_bounds("platform", "list-companies")[2]
    pages = list(codat.companies.list_all(page_size=largest, start_page=2).pages())
    assert [type(page) for page in pages] == [Companies]
    assert sent.requests[0].url.params["page"] == "2"
    assert list(codat.companies.list_all(max_items=0)) == []
    assert len(sent.requests) == 1


def test_connections_list_all_with_typed_fields(codat: CodatPlatform, sent: Sent) -> None:
    connections = list(
        codat.connections.list_all(COMPANY_ID, query=ConnectionQuery.status == DataConnectionStatus.LINKED)
    )
    assert connections
    assert all(isinstance(connection, Connection) for connection in connections)
    assert sent.requests[0].url.params["query"] == f"status={DataConnectionStatus.LINKED.value}"


async def test_companies_list_all_async(async_codat: AsyncCodatPlatform, sent: Sent) -> None:
    paginator = async_codat.companies.list_all(query=QUERY, order_by="-created")
    companies = [company async for company in paginator]
    assert companies
    assert all(isinstance(company, Company) for company in companies)
    assert len(sent.requests) == 1
    pages = [page async for page in async_codat.companies.list_all().pages()]
    assert [type(page) for page in pages] == [Companies]
