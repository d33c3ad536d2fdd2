"""``list_all`` through a local server on 127.0.0.1 that fails about 30 % of requests.

The server (tests/runtime/faultserver.py with a responder) serves 10 000 companies in pages and answers
a seeded ~30 % of requests with 503, 429 + ``Retry-After`` or a dropped connection. The client retries
with the spec's defaults; waits go to a fake sleep (recorded, never slept), so the run is quick. Every
record must arrive exactly once, in order, sync and async, and the attempt counts must add up.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform._client import SPEC_RETRY_CONFIG
from codat_sdk_platform.models import Company

from codat_sdk import (
    APIConnectionError,
    BackoffStrategy,
    CodatError,
    PaginationError,
    ResponseValidationError,
    RetryConfig,
    RetryEvent,
    ServiceUnavailableError,
    SyncPaginator,
)
from codat_sdk._retries import Retrier
from tests.conftest import API_KEY
from tests.runtime.faultserver import Action, Drop, FaultServer, Received, Reply, serving
from tests.spec_facts import page_size_bounds

RECORDS = 10_000
FAULT_RATE = 0.3
SEED = 20_241_127


def record_id(index: int) -> UUID:
    return UUID(int=index + 1)


@dataclass
class PagedCompanies:
    """A responder: pages of ``total`` companies, with seeded faults; counts what it did."""

    total: int = RECORDS
    fault_rate: float = FAULT_RATE
    seed: int = SEED
    # page number -> how many of its next requests fail (on top of the random faults)
    fail_page: dict[int, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=lambda: {"503": 0, "429": 0, "drop": 0})
    pages_served: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    @property
    def failures(self) -> int:
        return sum(self.faults.values())

    def __call__(self, received: Received) -> Action:
        query = parse_qs(urlsplit(received.path).query)
        page, size = int(query["page"][0]), int(query["pageSize"][0])
        with self._lock:
            if self.fail_page.get(page, 0) > 0:
                self.fail_page[page] -= 1
                self.faults["503"] += 1
                return Reply(503, {"statusCode": 503, "error": "scripted outage", "canBeRetried": "True"})
            if self._random.random() < self.fault_rate:
                kind = self._random.choice(["503", "429", "drop"])
                self.faults[kind] += 1
                if kind == "503":
                    return Reply(503, {"statusCode": 503, "error": "busy", "canBeRetried": "True"})
                if kind == "429":
                    return Reply(429, {"statusCode": 429, "error": "slow down"}, {"Retry-After": "1"})
                return Drop()
            self.pages_served += 1
        start = (page - 1) * size
        results = [
            {"id": str(record_id(i)), "name": f"Company {i}", "redirect": "https://link.codat.io/x"}
            for i in range(start, min(start + size, self.total))
        ]
        links: dict[str, Any] = {
            "self": {"href": "/companies"},
            "current": {"href": f"/companies?page={page}&pageSize={size}"},
        }
        if start + size < self.total:
            links["next"] = {"href": f"/companies?page={page + 1}&pageSize={size}"}
        body = {"results": results, "pageNumber": page, "pageSize": size, "totalResults": self.total, "_links": links}
        return Reply(200, body)


@dataclass
class Run:
    """One client's view: retries seen and waits asked for (never slept)."""

    events: list[RetryEvent] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)

    def retrier(self) -> Retrier:
        async def async_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        return Retrier(on_retry=self.events.append, sleep=self.waits.append, async_sleep=async_sleep)


AnyPlatform = CodatPlatform | AsyncCodatPlatform


def client(mode: str, server: FaultServer, run: Run, config: RetryConfig = SPEC_RETRY_CONFIG) -> AnyPlatform:
    cls = AsyncCodatPlatform if mode == "async" else CodatPlatform
    made = cls(api_key=API_KEY, server_url=server.url, retry_config=config, timeout=10.0)
    made._retrier = run.retrier()
    return made


@pytest.fixture
def paged() -> Iterator[tuple[FaultServer, PagedCompanies]]:
    responder = PagedCompanies()
    with serving(responder=responder) as server:
        yield server, responder


async def drain(codat: AnyPlatform, **options: Any) -> list[Company]:
    if isinstance(codat, AsyncCodatPlatform):
        async with codat:
            return [company async for company in codat.companies.list_all(**options)]
    with codat:
        return list(codat.companies.list_all(**options))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_10k_records_through_30_percent_faults_arrive_exactly_once(
    mode: str, paged: tuple[FaultServer, PagedCompanies], capsys: pytest.CaptureFixture[str]
) -> None:
    server, responder = paged
    run = Run()
    companies = await drain(client(mode, server, run), page_size=100)

    assert [c.id for c in companies] == [record_id(i) for i in range(RECORDS)]
    pages = RECORDS // 100
    assert responder.pages_served == pages  # totalResults reached on page 100: no request for page 101
    assert len(server.requests) == pages + responder.failures
    assert len(run.events) == responder.failures  # every fault retried once, nothing given up
    assert 0.2 < responder.failures / len(server.requests) < 0.4
    assert all(e.wait >= 1.0 for e in run.events if e.status_code == 429)  # Retry-After honoured
    assert len(run.waits) == responder.failures
    with capsys.disabled():
        print(
            f"\n[{mode}] {RECORDS} records, page_size 100: {len(server.requests)} requests, "
            f"{responder.failures} faults injected {responder.faults}, {len(run.events)} retries, "
            f"longest run of retries on one page: {max(e.attempt for e in run.events)}"
        )


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_page_failing_past_its_retries_raises_and_the_same_paginator_resumes(
    mode: str, paged: tuple[FaultServer, PagedCompanies]
) -> None:
    server, responder = paged
    responder.fault_rate = 0.0
    responder.fail_page[37] = 3  # three attempts, all 503
    run = Run()
    three = RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 3_600_000), True, max_attempts=3)
    codat = client(mode, server, run, three)
    seen: list[UUID] = []
    if isinstance(codat, AsyncCodatPlatform):
        async with codat:
            paginator = codat.companies.list_all(page_size=50)
            with pytest.raises(ServiceUnavailableError, match="3 attempts"):
                async for company in paginator:
                    seen.append(company.id)
            assert paginator.next_page == 37
            assert len(seen) == 36 * 50
            seen.extend([company.id async for company in paginator])
    else:
        with codat:
            sync_paginator = codat.companies.list_all(page_size=50)
            with pytest.raises(ServiceUnavailableError, match="3 attempts"):
                seen.extend(company.id for company in sync_paginator)
            assert sync_paginator.next_page == 37
            assert len(seen) == 36 * 50
            seen.extend(company.id for company in sync_paginator)
    assert seen == [record_id(i) for i in range(RECORDS)]
    assert len(server.requests) == RECORDS // 50 + 3


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_resume_in_a_new_paginator_from_next_page(mode: str, paged: tuple[FaultServer, PagedCompanies]) -> None:
    server, responder = paged
    responder.fault_rate = 0.0
    responder.fail_page[5] = 1
    run = Run()
    codat = client(mode, server, run, RetryConfig("none"))
    seen: list[UUID] = []
    failed_at: int | None = None
    if isinstance(codat, AsyncCodatPlatform):
        async with codat:
            first = codat.companies.list_all(page_size=1000)
            with pytest.raises(ServiceUnavailableError):
                async for company in first:
                    seen.append(company.id)
            failed_at = first.next_page
            assert failed_at is not None
            seen.extend([c.id async for c in codat.companies.list_all(page_size=1000, start_page=failed_at)])
    else:
        with codat:
            sync_first = codat.companies.list_all(page_size=1000)
            with pytest.raises(ServiceUnavailableError):
                seen.extend(company.id for company in sync_first)
            failed_at = sync_first.next_page
            assert failed_at is not None
            seen.extend(c.id for c in codat.companies.list_all(page_size=1000, start_page=failed_at))
    assert failed_at == 5
    assert seen == [record_id(i) for i in range(RECORDS)]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_max_items_and_start_page_over_http(mode: str, paged: tuple[FaultServer, PagedCompanies]) -> None:
    server, responder = paged
    responder.fault_rate = 0.0
    run = Run()
    companies = await drain(client(mode, server, run), page_size=30, max_items=75, start_page=3)
    assert [c.id for c in companies] == [record_id(i) for i in range(60, 135)]
    assert [parse_qs(urlsplit(r.path).query)["page"] for r in server.requests] == [["3"], ["4"], ["5"]]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_page_size_out_of_range_sends_nothing(mode: str, paged: tuple[FaultServer, PagedCompanies]) -> None:
    server, _ = paged
    codat = client(mode, server, Run())
    _default, low, high = page_size_bounds("platform", "list-companies")
    for bad in (low - 1, high + 1):
        with pytest.raises(ValueError, match=f"page_size must be between {low} and {high}, got {bad}"):
            codat.companies.list_all(page_size=bad)
    assert server.requests == []


def test_connection_refused_after_retries_leaves_next_page_at_the_failed_page() -> None:
    from tests.runtime.faultserver import unused_port

    run = Run()
    dead = CodatPlatform(
        api_key=API_KEY,
        server_url=f"http://127.0.0.1:{unused_port()}",
        retry_config=RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), True, max_attempts=2),
    )
    dead._retrier = run.retrier()
    paginator = dead.companies.list_all(start_page=4)
    with pytest.raises(APIConnectionError):
        next(paginator)
    assert paginator.next_page == 4
    assert len(run.events) == 1
    dead.close()


# -- hostile and lying servers (issue 11, items 3-6), through the generated list_all on 127.0.0.1 ---------


LINKS = {"self": {"href": "/companies"}, "current": {"href": "/companies"}}


@dataclass
class Misbehaving:
    """A responder paging ``total`` companies by ``server_size`` whatever is asked, optionally lying."""

    total: int
    server_size: int
    ignore_page: bool = False  # answer every page with page 1, like a cache keyed without ``page``
    report_total: Any = "actual"  # "actual", or the value sent as totalResults (None, "1", ...)
    served: int = 0

    def __call__(self, received: Received) -> Action:
        self.served += 1
        if self.served > 50:  # bounds a paginator that never stops: the test fails instead of hanging
            return Reply(200, {"results": [], "pageNumber": 0, "pageSize": 0, "totalResults": 0, "_links": LINKS})
        page = 1 if self.ignore_page else int(parse_qs(urlsplit(received.path).query)["page"][0])
        start = (page - 1) * self.server_size
        results = [
            {"id": str(record_id(i)), "name": f"c{i}", "redirect": "https://link.codat.io/x"}
            for i in range(start, min(start + self.server_size, self.total))
        ]
        links: dict[str, Any] = dict(LINKS)
        if self.ignore_page or start + self.server_size < self.total:
            links["next"] = {"href": "/companies?page=next"}
        total = self.total if self.report_total == "actual" else self.report_total
        body = {"results": results, "pageNumber": page, "pageSize": self.server_size, "totalResults": total}
        return Reply(200, {**body, "_links": links})


def plain(mode: str, server: FaultServer) -> AnyPlatform:
    cls = AsyncCodatPlatform if mode == "async" else CodatPlatform
    return cls(api_key=API_KEY, server_url=server.url, retry_config=RetryConfig("none"), timeout=10.0)


async def test_two_tasks_sharing_one_list_all_get_every_company_once() -> None:
    # The issue's case: 9 companies, pages of 3, two tasks on one paginator. Each page is a real request,
    # so the second task reaches __anext__ while the first awaits page 1; both used to fetch page 1 and
    # then page 2, ending at totalResults with 12 items: c0-c5 twice, c6-c8 never.
    import asyncio

    with serving(responder=Misbehaving(total=9, server_size=3)) as server:
        async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as codat:
            shared = codat.companies.list_all(page_size=3)

            async def drain() -> list[str]:
                return [company.name async for company in shared]

            first, second = await asyncio.gather(drain(), drain())
        assert sorted(first + second) == [f"c{i}" for i in range(9)]
        assert len(server.requests) == 3


def test_threads_sharing_one_list_all_get_every_company_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with (
        serving(responder=Misbehaving(total=500, server_size=10)) as server,
        CodatPlatform(api_key=API_KEY, server_url=server.url, retry_config=RetryConfig("none")) as codat,
    ):
        shared = codat.companies.list_all(page_size=10)
        assert isinstance(shared, SyncPaginator)
        with ThreadPoolExecutor(4) as pool:
            parts = list(pool.map(lambda _: [c.name for c in shared], range(4)))
        assert sorted(name for part in parts for name in part) == sorted(f"c{i}" for i in range(500))
        assert len(server.requests) == 50


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_resuming_against_a_server_paging_by_10_when_100_were_asked(mode: str) -> None:
    # The issue's case: 35 companies in pages of 10, asked for 100; resuming with start_page=next_page
    # assumed 200 companies before page 3, so page 3 "reached" totalResults: it stopped at 30 of 35.
    responder = Misbehaving(total=35, server_size=10)
    with serving(responder=responder) as server:
        codat = plain(mode, server)
        first = await drain(codat, page_size=100, max_items=20)  # as if it had stopped after page 2
        codat = plain(mode, server)
        rest = await drain(codat, page_size=100, start_page=3)
    assert [c.name for c in first + rest] == [f"c{i}" for i in range(35)]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_server_ignoring_page_stops_with_pagination_error(mode: str) -> None:
    # It used to yield 300 companies of which 100 distinct.
    responder = Misbehaving(total=300, server_size=100, ignore_page=True)
    with serving(responder=responder) as server:
        with pytest.raises(PaginationError, match="page 2 repeats page 1"):
            await drain(plain(mode, server), page_size=100)
        assert len(server.requests) == 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_null_total_ends_paging_at_the_first_page(mode: str) -> None:
    # With a null total and a next link it used to page forever. The spec requires an integer, so the first
    # page is refused as it decodes (the paginator's own repeat check, for a total it can read, is above and
    # in test_pagination.py).
    responder = Misbehaving(total=300, server_size=100, ignore_page=True, report_total=None)
    with serving(responder=responder) as server:
        with pytest.raises(ResponseValidationError, match="totalResults: expected integer, got null"):
            await drain(plain(mode, server), page_size=100)
        assert len(server.requests) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_total_results_of_the_wrong_type_is_a_typed_sdk_error(mode: str) -> None:
    # totalResults "1" used to escape as a bare TypeError from the paginator's comparison.
    with (
        serving(responder=Misbehaving(total=1, server_size=10, report_total="1")) as server,
        pytest.raises(CodatError, match="totalResults"),
    ):
        await drain(plain(mode, server))
