"""The sandbox keeps state as Codat does: companies, connections' lifecycle, refreshes, webhook consumers, files.

Driven through the generated clients (sync and async); every answer is validated against the pinned
spec on its way (``sandbox_support``).
"""

from __future__ import annotations

import asyncio
import base64
import io
import zipfile
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from codat_sdk_platform.models import (
    CompanyRequestBody,
    CompanyUpdateRequest,
    CreateConnectionBody,
    DataConnectionStatus,
    DatasetStatus,
    DataType,
    Tags,
    UpdateConnectionStatus,
    WebhookConsumerPrototype,
)
from codat_sdk_platform.queries import CompanyQuery, ConnectionQuery

from codat_sdk import BadRequestError, NotFoundError, UnauthorizedError, order_by
from codat_sdk.testing import Sandbox
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE, enum_values, page_size_bounds
from tests.testing.sandbox_support import async_client, client, files_client, http

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)


def test_a_created_company_is_found_again_with_codats_fields() -> None:
    sandbox = Sandbox(seed=3)
    with client(sandbox) as codat:
        created = codat.companies.create(
            body=CompanyRequestBody(name="Toft stores", description="d", tags=Tags.from_dict({"a": "b"}))
        )
        assert UUID(str(created.id)).version == 4
        assert created.redirect == f"https://link.codat.io/company/{created.id}"
        assert created.created == "2024-01-01T00:00:01.000Z"  # one tick after the start
        assert created.products == [] and created.data_connections == []
        fetched = codat.companies.get(company_id=created.id)
        assert fetched.to_dict() == created.to_dict()
        assert [company.id for company in codat.companies.list().results or []] == [created.id]


def test_the_same_seed_gives_the_same_ids_and_times() -> None:
    def run(seed: int) -> list[object]:
        sandbox = Sandbox(seed=seed)
        with client(sandbox) as codat:
            return [codat.companies.create(body=CompanyRequestBody(name=f"c{n}")).to_dict() for n in range(3)]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_the_same_seed_gives_the_same_error_answers_correlation_ids_and_all() -> None:
    def run(seed: int) -> list[object]:
        sandbox = Sandbox(seed=seed, api_key="the-key")
        sandbox.faults.next(1, status=503, operation="get-company")
        with http(sandbox) as raw:
            answers = [
                raw.get(f"/companies/{UUID(int=1)}"),  # the fault
                raw.get(f"/companies/{UUID(int=1)}"),  # no such company
                raw.get("/companies", params={"query": "name"}),  # a malformed query
                raw.get("/companies", params={"pageSize": 0}),  # a parameter the spec refuses
                raw.get("/no-such-resource"),
                raw.get("/companies", headers={"Authorization": "Basic eA=="}),  # another key
            ]
        assert [answer.status_code for answer in answers] == [503, 404, 400, 400, 404, 401]
        return [answer.json() for answer in answers]

    assert run(1) == run(1)
    assert run(1) != run(2)


@pytest.mark.parametrize("seed", [None, 1.5, (1, 2)])
def test_a_seed_that_would_not_repeat_a_run_is_refused(seed: object) -> None:
    with pytest.raises(TypeError, match="seed"):  # random.Random(None) draws from the OS: every run differs
        Sandbox(seed=seed)  # type: ignore[arg-type]


def test_the_clock_starts_where_told_and_moves_when_told() -> None:
    start = datetime(2030, 6, 1, 12, tzinfo=UTC)
    sandbox = Sandbox(start=start, tick=timedelta(0))
    sandbox.clock.advance(90)
    assert sandbox.add_company("x")["created"] == "2030-06-01T12:01:30.000Z"
    with pytest.raises(ValueError, match="aware"):
        Sandbox(start=datetime(2030, 1, 1))


def test_update_changes_what_is_sent_and_replace_drops_what_is_not() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        company = codat.companies.create(
            body=CompanyRequestBody(name="Toft", description="keep", tags=Tags.from_dict({"t": "1"}))
        )
        updated = codat.companies.update(company_id=company.id, body=CompanyUpdateRequest(name="Toft stores"))
        assert (updated.name, updated.description) == ("Toft stores", "keep")
        assert updated.tags and updated.tags.to_dict() == {"t": "1"}
        replaced = codat.companies.replace(company_id=company.id, body=CompanyRequestBody(name="Toft Ltd"))
        assert replaced.name == "Toft Ltd"
        assert not replaced.description
        assert replaced.tags and replaced.tags.to_dict() == {}


def test_a_deleted_company_is_gone() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        codat.companies.delete(company_id=company.id)
        with pytest.raises(NotFoundError):
            codat.companies.get(company_id=company.id)
        with pytest.raises(NotFoundError):
            codat.companies.delete(company_id=company.id)


def test_products_are_added_once_and_removed() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        codat.companies.add_product(company_id=company.id, product_identifier="lending")
        codat.companies.add_product(company_id=company.id, product_identifier="lending")
        assert codat.companies.get(company_id=company.id).products == ["lending"]
        codat.companies.remove_product(company_id=company.id, product_identifier="lending")
        assert codat.companies.get(company_id=company.id).products == []


def test_listing_pages_filters_and_orders_on_the_server() -> None:
    sandbox = Sandbox()
    for name in ("Cedar", "Alder", "Birch", "Toft one", "Toft two"):
        sandbox.add_company(name)
    with client(sandbox) as codat:
        page = codat.companies.list(page=2, page_size=2, order_by=order_by(CompanyQuery.name))
        assert [c.name for c in page.results or []] == ["Cedar", "Toft one"]
        assert (page.page_number, page.page_size, page.total_results) == (2, 2, 5)
        assert page.links.next_ and page.links.previous
        toft = codat.companies.list_all(query=CompanyQuery.name.contains("Toft"), order_by="-name", page_size=1)
        assert [c.name for c in toft] == ["Toft two", "Toft one"]
        assert codat.companies.list(page=9).results == []


def test_the_page_size_default_is_the_specs() -> None:
    default, _, _ = page_size_bounds("platform", "list-companies")
    sandbox = Sandbox()
    with client(sandbox) as codat:
        assert codat.companies.list().page_size == default


def test_the_tags_parameter_filters_on_tags() -> None:
    sandbox = Sandbox()
    sandbox.add_company("uk", tags={"region": "uk"})
    sandbox.add_company("us", tags={"region": "us"})
    with client(sandbox) as codat:
        assert [c.name for c in codat.companies.list(tags="region=uk").results or []] == ["uk"]


def test_a_connection_goes_through_codats_lifecycle() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        connection = codat.connections.create(company_id=company.id, body=CreateConnectionBody(platform_key="gbol"))
        assert connection.status is DataConnectionStatus.PENDINGAUTH
        assert connection.integration_key == "gbol"
        assert str(company.id) in connection.link_url and str(connection.id) in connection.link_url
        sandbox.link(company.id, connection.id)
        assert (
            codat.connections.get(company_id=company.id, connection_id=connection.id).status
            is DataConnectionStatus.LINKED
        )
        assert [c.id for c in codat.companies.get(company_id=company.id).data_connections or []] == [connection.id]
        linked = codat.connections.list(
            company_id=company.id, query=ConnectionQuery.status == DataConnectionStatus.LINKED
        )
        assert linked.total_results == 1
        sandbox.deauthorize(company.id, connection.id)
        assert (
            codat.connections.get(company_id=company.id, connection_id=connection.id).status
            is DataConnectionStatus.DEAUTHORIZED
        )
        sandbox.link(company.id, connection.id)
        unlinked = codat.connections.unlink(company_id=company.id, connection_id=connection.id)
        assert unlinked.status is DataConnectionStatus.UNLINKED
        with pytest.raises(BadRequestError, match="Unlinked"):
            codat.connections.unlink(
                company_id=company.id,
                connection_id=connection.id,
                body=UpdateConnectionStatus(status=DataConnectionStatus.LINKED),
            )
        codat.connections.delete(company_id=company.id, connection_id=connection.id)
        with pytest.raises(NotFoundError):
            codat.connections.get(company_id=company.id, connection_id=connection.id)


def test_a_refresh_queues_pull_operations_that_complete_at_the_next_call() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        with pytest.raises(BadRequestError, match="no linked connection"):
            codat.refresh_data.all(company_id=company.id)
        connection = codat.connections.create(company_id=company.id, body=CreateConnectionBody(platform_key="gbol"))
        sandbox.link(company.id, connection.id)
        codat.refresh_data.all(company_id=company.id)
        operations = list(codat.refresh_data.list_all_pull_operations(company_id=company.id))
        assert {op.data_type for op in operations} == enum_values("platform", "DataType")
        assert {op.status for op in operations} == {DatasetStatus.COMPLETE}
        assert all(op.is_completed and op.progress == 100 and op.completed for op in operations)
        status = codat.refresh_data.get(company_id=company.id)
        assert status.invoices and status.invoices.current_status is DatasetStatus.COMPLETE
        assert codat.companies.get(company_id=company.id).last_sync
        assert codat.connections.get(company_id=company.id, connection_id=connection.id).last_sync


def test_in_manual_mode_pull_operations_wait_for_the_test() -> None:
    sandbox = Sandbox(pull_operations="manual")
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        connection = codat.connections.create(company_id=company.id, body=CreateConnectionBody(platform_key="gbol"))
        sandbox.link(company.id, connection.id)
        queued = codat.refresh_data.by_data_type(company_id=company.id, data_type=DataType.INVOICES)
        assert queued.status is DatasetStatus.QUEUED
        again = codat.refresh_data.get_pull_operation(company_id=company.id, dataset_id=queued.id)
        assert again.status is DatasetStatus.QUEUED and not again.is_completed
        assert sandbox.complete_pull_operations(company.id) == 1
        done = codat.refresh_data.get_pull_operation(company_id=company.id, dataset_id=queued.id)
        assert done.status is DatasetStatus.COMPLETE
        status = codat.refresh_data.get(company_id=company.id).invoices
        assert status and status.latest_successful_sync_id == queued.id


def test_webhook_consumers_are_created_listed_and_deleted() -> None:
    sandbox = Sandbox()
    with client(sandbox) as codat:
        created = codat.webhooks.create_consumer(
            body=WebhookConsumerPrototype(url="https://example.com/hook", event_types=["company.created"])
        )
        assert created.disabled is False and isinstance(created.id, UUID)
        assert [c.id for c in codat.webhooks.list_consumers().results or []] == [created.id]
        codat.webhooks.delete_consumer(webhook_id=created.id)
        assert codat.webhooks.list_consumers().results == []
        with pytest.raises(NotFoundError):
            codat.webhooks.delete_consumer(webhook_id=created.id)


def test_files_are_uploaded_listed_and_downloaded_as_a_zip() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    with client(sandbox) as codat:
        connection = codat.connections.create(company_id=company["id"], body=CreateConnectionBody(platform_key="gbol"))
    with files_client(sandbox) as files:
        files.files.upload_files(company["id"], connection.id, file=[b"a,b\n", io.BytesIO(b"%PDF")])
        listed = files.files.list_files(company["id"])
        assert [f.file_name for f in listed] == ["file", "file"]
        with files.files.download_files(company["id"]) as download:
            archive = zipfile.ZipFile(io.BytesIO(b"".join(download.iter_bytes())))
        assert sorted(archive.read(name) for name in archive.namelist()) == [b"%PDF", b"a,b\n"]
        with pytest.raises(NotFoundError):
            files.files.download_files(company["id"], date="2001-01-01T00:00:00Z")
        with pytest.raises(NotFoundError):
            files.files.upload_files(company["id"], UUID(int=1), file=[b"x"])


def test_a_sandbox_with_an_api_key_refuses_others() -> None:
    sandbox = Sandbox(api_key="the-key")
    with client(sandbox) as codat:
        codat.companies.list()
    with client(sandbox, api_key="another-key") as codat, pytest.raises(UnauthorizedError):
        codat.companies.list()


@pytest.mark.parametrize("api_key", ["", "  ", 123, b"the-key"])
def test_an_api_key_that_is_no_key_is_refused_at_once(api_key: object) -> None:
    with pytest.raises((TypeError, ValueError)) as refused:
        Sandbox(api_key=api_key)  # type: ignore[arg-type]
    assert "the-key" not in str(refused.value)


def test_a_wrong_api_key_is_refused_before_the_request_is_checked() -> None:
    sandbox = Sandbox(api_key="the-key")
    with http(sandbox) as raw:
        raw.headers["Authorization"] = "Basic " + base64.b64encode(b"another-key").decode()
        response = raw.post("/companies", json={"no-name": 1})
    assert response.status_code == 401
    assert "the-key" not in response.text and "another-key" not in response.text


def test_the_async_client_shares_the_state() -> None:
    sandbox = Sandbox()
    sandbox.add_company("Toft")

    async def main() -> list[int]:
        codat = async_client(sandbox)
        created = await asyncio.gather(
            *(codat.companies.create(body=CompanyRequestBody(name=f"c{n}")) for n in range(5))
        )
        assert len({c.id for c in created}) == 5
        pages = await asyncio.gather(*(codat.companies.list(page=n, page_size=2) for n in (1, 2, 3)))
        return [len(page.results or []) for page in pages]

    assert asyncio.run(main()) == [2, 2, 2]


def test_the_tests_controls_refuse_what_the_sandbox_does_not_hold() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    with pytest.raises(LookupError, match="company"):
        sandbox.link("6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f60", "6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f61")
    with pytest.raises(LookupError, match="connection"):
        sandbox.deauthorize(company["id"], "6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f61")
    with pytest.raises(LookupError):
        sandbox.company("6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f60")


def test_what_the_sandbox_hands_out_is_a_copy() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft", tags={"region": "uk"})
    company["tags"]["region"] = "us"
    sandbox.company(company["id"])["tags"]["region"] = "us"
    sandbox.companies()[0]["name"] = "changed"
    assert sandbox.company(company["id"])["tags"] == {"region": "uk"}
    assert sandbox.companies()[0]["name"] == "Toft"
