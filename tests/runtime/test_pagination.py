"""The paginator on its own: stop rules, options, resumption; with in-memory pages (no HTTP).

The generated ``list_all`` methods and the fault-injected 10 000-record runs are in
tests/runtime/test_pagination_faults.py and tests/generated/test_paginators.py.
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from codat_sdk import UNSET, AsyncPaginator, CodatError, PaginationError, SyncPaginator, Unset
from codat_sdk._generated import PageContents, present


@dataclass
class Page:
    number: int
    items: list[int]
    total: int | None
    has_next: bool | None


def read(page: Page) -> PageContents[int]:
    return PageContents(page.items, page.total, page.has_next)


@dataclass
class Source:
    """Pages of ``records``; optionally lies about its totals or links, and fails chosen attempts."""

    records: list[int]
    report_total: bool = True
    report_links: bool | None = True  # None: pages carry no links
    total_override: int | None = None
    fail_on: set[int] = field(default_factory=set)  # attempt numbers (1-based) that raise
    requests: list[tuple[int, int]] = field(default_factory=list)

    def fetch(self, number: int, size: int) -> Page:
        self.requests.append((number, size))
        if len(self.requests) in self.fail_on:
            raise ConnectionError(f"page {number} failed")
        items = self.records[(number - 1) * size : number * size]
        total = self.total_override if self.total_override is not None else len(self.records)
        more = number * size < len(self.records)
        return Page(
            number,
            items,
            total if self.report_total else None,
            None if self.report_links is None else (more if self.report_links else True),
        )

    async def afetch(self, number: int, size: int) -> Page:
        await asyncio.sleep(0)
        return self.fetch(number, size)


def paginator(source: Source, **options: int | None) -> SyncPaginator[int, Page]:
    return SyncPaginator(source.fetch, read, **options)  # type: ignore[arg-type]


def apaginator(source: Source, **options: int | None) -> AsyncPaginator[int, Page]:
    return AsyncPaginator(source.afetch, read, **options)  # type: ignore[arg-type]


async def collect(p: AsyncPaginator[int, Page]) -> list[int]:
    return [item async for item in p]


def test_every_item_once_in_order_and_only_the_pages_needed() -> None:
    source = Source(list(range(250)))
    p = paginator(source, page_size=100)
    assert list(p) == list(range(250))
    # Page 3 holds the last 50 and totalResults is reached: no request for page 4.
    assert source.requests == [(1, 100), (2, 100), (3, 100)]
    assert p.next_page is None
    assert list(p) == []  # a finished paginator stays finished


def test_exact_multiple_stops_on_the_total_without_an_extra_request() -> None:
    source = Source(list(range(200)))
    assert list(paginator(source, page_size=100)) == list(range(200))
    assert len(source.requests) == 2


@pytest.mark.parametrize("page_size", [1, 3, 7, 100])
def test_stops_on_an_empty_page_when_nothing_else_says(page_size: int) -> None:
    source = Source(list(range(20)), report_total=False, report_links=None)
    assert list(paginator(source, page_size=page_size)) == list(range(20))
    # Without totals or links, only the empty page after the last one ends the iteration (a short
    # page does not: a server may cap the page size below the one asked for).
    full_pages = -(-20 // page_size)
    assert source.requests[-1] == (full_pages + 1, page_size)
    assert len(source.requests) == full_pages + 1


def test_stops_when_the_page_has_no_next_link() -> None:
    source = Source(list(range(30)), report_total=False)
    assert list(paginator(source, page_size=10)) == list(range(30))
    assert len(source.requests) == 3


def test_a_server_capping_the_page_size_is_followed_to_the_end() -> None:
    records = list(range(45))
    requests: list[int] = []

    def capped(number: int, size: int) -> Page:
        requests.append(number)
        cap = min(size, 10)  # like a server whose maximum is below the page size asked for
        return Page(number, records[(number - 1) * cap : number * cap], len(records), None)

    assert list(SyncPaginator(capped, read, page_size=100)) == records
    assert requests == [1, 2, 3, 4, 5]


def test_a_total_smaller_than_the_records_stops_early() -> None:
    source = Source(list(range(30)), total_override=15, report_links=None)
    assert list(paginator(source, page_size=10)) == list(range(20))  # the page reaching 15 is delivered whole
    assert len(source.requests) == 2


def test_an_empty_first_page() -> None:
    source = Source([])
    p = paginator(source)
    assert list(p) == []
    assert list(p.pages()) == []
    assert len(source.requests) == 1


def test_max_items_truncates_and_stops_fetching() -> None:
    source = Source(list(range(1000)))
    p = paginator(source, page_size=100, max_items=150)
    assert list(p) == list(range(150))
    assert len(source.requests) == 2
    assert p.next_page is None
    assert p.items_delivered == 150


def test_max_items_zero_sends_nothing() -> None:
    source = Source(list(range(10)))
    assert list(paginator(source, max_items=0)) == []
    assert source.requests == []


def test_start_page() -> None:
    source = Source(list(range(100)))
    assert list(paginator(source, page_size=10, start_page=8)) == list(range(70, 100))
    assert [n for n, _ in source.requests] == [8, 9, 10]


def test_pages_yields_whole_pages() -> None:
    source = Source(list(range(25)))
    pages = list(paginator(source, page_size=10).pages())
    assert [page.number for page in pages] == [1, 2, 3]
    assert [len(page.items) for page in pages] == [10, 10, 5]


def test_pages_with_max_items_stops_after_the_page_reaching_it() -> None:
    source = Source(list(range(100)))
    pages = list(paginator(source, page_size=10, max_items=15).pages())
    assert [page.number for page in pages] == [1, 2]


def test_pages_refuses_to_skip_buffered_items() -> None:
    p = paginator(Source(list(range(25))), page_size=10)
    assert next(p) == 0
    with pytest.raises(RuntimeError, match="9 items of the current page"):
        list(p.pages())


def test_breaking_out_and_continuing_repeats_and_skips_nothing() -> None:
    p = paginator(Source(list(range(35))), page_size=10)
    seen = []
    for item in p:
        seen.append(item)
        if item == 12:
            break
    seen.extend(p)
    assert seen == list(range(35))


def test_a_failed_page_raises_and_iterating_again_resumes_at_that_page() -> None:
    source = Source(list(range(50)), fail_on={3})  # the third request: page 3
    p = paginator(source, page_size=10)
    seen: list[int] = []
    with pytest.raises(ConnectionError, match="page 3"):
        seen.extend(p)
    assert seen == list(range(20))
    assert p.next_page == 3
    seen.extend(p)
    assert seen == list(range(50))
    assert [n for n, _ in source.requests] == [1, 2, 3, 3, 4, 5]


def test_a_failed_page_resumes_in_a_new_paginator_from_next_page() -> None:
    source = Source(list(range(50)), fail_on={2})
    p = paginator(source, page_size=10)
    seen: list[int] = []
    with pytest.raises(ConnectionError):
        seen.extend(p)
    seen.extend(paginator(source, page_size=10, start_page=p.next_page))
    assert seen == list(range(50))


def test_pages_resume_after_a_failure() -> None:
    source = Source(list(range(30)), fail_on={2})
    p = paginator(source, page_size=10)
    numbers: list[int] = []
    with pytest.raises(ConnectionError):
        numbers.extend(page.number for page in p.pages())
    numbers.extend(page.number for page in p.pages())
    assert numbers == [1, 2, 3]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"page_size": 0}, ValueError, "page_size must be between 1 and 5000, got 0"),
        ({"page_size": 5001}, ValueError, "page_size must be between 1 and 5000, got 5001"),
        ({"page_size": True}, TypeError, "page_size must be an int, got bool"),
        ({"page_size": 10.0}, TypeError, "page_size must be an int, got float"),
        ({"max_items": -1}, ValueError, "max_items must be at least 0, got -1"),
        ({"start_page": 0}, ValueError, "start_page must be at least 1, got 0"),
        ({"page_size": 2001, "max_page_size": 2000}, ValueError, "between 1 and 2000"),
    ],
)
def test_options_are_checked_before_anything_is_sent(options: dict[str, object], error: type, message: str) -> None:
    source = Source(list(range(10)))
    with pytest.raises(error, match=message):
        SyncPaginator(source.fetch, read, **options)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        AsyncPaginator(source.afetch, read, **options)  # type: ignore[arg-type]
    assert source.requests == []


def test_page_size_bounds_are_inclusive() -> None:
    assert paginator(Source([]), page_size=5000).page_size == 5000
    assert paginator(Source([]), page_size=1).page_size == 1


async def test_async_every_item_once_and_stop_rules() -> None:
    source = Source(list(range(250)))
    assert await collect(apaginator(source, page_size=100)) == list(range(250))
    assert len(source.requests) == 3
    empty_stop = Source(list(range(20)), report_total=False, report_links=None)
    assert await collect(apaginator(empty_stop, page_size=10)) == list(range(20))
    assert len(empty_stop.requests) == 3


async def test_async_max_items_start_page_and_pages() -> None:
    assert await collect(apaginator(Source(list(range(100))), page_size=10, max_items=25)) == list(range(25))
    assert await collect(apaginator(Source(list(range(100))), page_size=10, start_page=10)) == list(range(90, 100))
    pages = [page.number async for page in apaginator(Source(list(range(25))), page_size=10).pages()]
    assert pages == [1, 2, 3]


async def test_async_failed_page_resumes() -> None:
    source = Source(list(range(30)), fail_on={2})
    p = apaginator(source, page_size=10)
    seen: list[int] = []
    with pytest.raises(ConnectionError):
        async for item in p:
            seen.append(item)
    assert p.next_page == 2
    seen.extend(await collect(p))
    assert seen == list(range(30))


def test_present() -> None:
    absent: int | Unset | None = UNSET
    assert present(absent) is None
    assert present(None) is None
    assert present(0) == 0
    make: Callable[[], list[int]] = list
    assert present(make()) == []


# -- sharing one paginator (issue 11, item 3) -----------------------------------------------------------


async def test_tasks_sharing_an_async_paginator_get_every_item_once() -> None:
    # Two tasks on one paginator. Each fetch awaits, so the second task reaches __anext__ while the first
    # is fetching page 1; unserialised, both fetched page 1 and then page 2, and the record count reached
    # totalResults with c0-c5 twice and c6-c8 never (12 items out of 9).
    source = Source(list(range(9)))
    shared = apaginator(source, page_size=3)

    async def drain() -> list[int]:
        return [item async for item in shared]

    first, second = await asyncio.gather(drain(), drain())
    assert sorted(first + second) == list(range(9))
    assert [n for n, _ in source.requests] == [1, 2, 3]


async def test_tasks_sharing_async_pages_fetch_each_page_once() -> None:
    source = Source(list(range(30)))
    shared = apaginator(source, page_size=10)

    async def pages() -> list[int]:
        return [page.number async for page in shared.pages()]

    first, second = await asyncio.gather(pages(), pages())
    assert sorted(first + second) == [1, 2, 3]
    assert [n for n, _ in source.requests] == [1, 2, 3]


def test_async_paginator_resumes_under_a_new_event_loop() -> None:
    source = Source(list(range(30)), fail_on={2})
    shared = apaginator(source, page_size=10)

    async def drain_two_tasks() -> list[int]:
        async def drain() -> list[int]:
            return [item async for item in shared]

        first, second = await asyncio.gather(drain(), drain(), return_exceptions=True)
        return [*(first if isinstance(first, list) else []), *(second if isinstance(second, list) else [])]

    seen = asyncio.run(drain_two_tasks())  # page 2 fails: one task raises, the other retries it
    seen += asyncio.run(drain_two_tasks())  # the lock of the first loop is not reused
    assert sorted(seen) == list(range(30))


def test_threads_sharing_a_sync_paginator_get_every_item_once() -> None:
    import threading

    records = list(range(9))
    requests: list[int] = []
    second_fetch_started = threading.Event()

    def fetch(number: int, size: int) -> Page:
        requests.append(number)
        if len(requests) == 1:
            # Hold page 1 until another thread starts a fetch of its own (never, once fetches are
            # serialised: then give up waiting after a moment).
            second_fetch_started.wait(0.5)
        else:
            second_fetch_started.set()
        return Page(number, records[(number - 1) * size : number * size], len(records), None)

    shared = SyncPaginator(fetch, read, page_size=3)
    results: list[list[int]] = [[], []]
    threads = [threading.Thread(target=lambda out=out: out.extend(shared)) for out in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results[0] + results[1]) == records
    assert requests == [1, 2, 3]


# -- resuming in a new paginator (issue 11, item 4) -----------------------------------------------------


@pytest.mark.parametrize("links", [True, False], ids=["links", "total-only"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_resuming_from_next_page_against_a_server_paging_by_a_smaller_size(mode: str, links: bool) -> None:
    # 35 records; the server pages by 10 whatever is asked. Page 3 fails, after 20 records; a new
    # paginator resumes at page 3. It used to count 2 x 100 records before page 3, reach totalResults
    # (35) after it and stop at 30 of 35.
    records = list(range(35))
    requests: list[int] = []

    def fetch(number: int, size: int) -> Page:
        requests.append(number)
        if len(requests) == 3:
            raise ConnectionError("page 3 failed")
        items = records[(number - 1) * 10 : number * 10]
        return Page(number, items, len(records), (number * 10 < len(records)) if links else None)

    async def afetch(number: int, size: int) -> Page:
        return fetch(number, size)

    def run(start_page: int = 1) -> list[int]:
        if mode == "sync":
            return list(SyncPaginator(fetch, read, page_size=100, start_page=start_page))
        return asyncio.run(collect(AsyncPaginator(afetch, read, page_size=100, start_page=start_page)))

    seen: list[int] = []
    first = SyncPaginator(fetch, read, page_size=100)
    with pytest.raises(ConnectionError):
        seen.extend(first)
    assert first.next_page == 3
    seen.extend(run(start_page=first.next_page))
    assert seen == records
    # With links, the page without a next link ends it; with totalResults only, an empty page does.
    assert requests == [1, 2, 3, 3, 4] if links else [1, 2, 3, 3, 4, 5]


def test_a_resumed_paginator_still_stops_on_the_total_when_one_record_per_page_reaches_it() -> None:
    source = Source(list(range(6)), report_links=None)
    assert list(paginator(source, page_size=1, start_page=4)) == [3, 4, 5]
    assert [n for n, _ in source.requests] == [4, 5, 6]  # 3 earlier pages + 3 records = 6: no page 7


# -- servers that break the paging contract (issue 11, items 5 and 6) -----------------------------------


def ignoring_page(records: list[int], total: int | None, has_next: bool | None, limit: int = 50) -> Callable[..., Page]:
    """A server (or cache) that answers every page with the first one; raises past ``limit`` requests."""
    requests: list[int] = []

    def fetch(number: int, size: int) -> Page:
        requests.append(number)
        if len(requests) > limit:
            raise AssertionError("still paging after 50 requests")
        return Page(number, records[:size], total, has_next)

    return fetch


@pytest.mark.parametrize(
    ("total", "has_next"), [(300, None), (None, True)], ids=["total-300", "null-total-and-a-next-link"]
)
def test_a_server_repeating_a_page_stops_with_a_clear_error(total: int | None, has_next: bool | None) -> None:
    # It used to yield 300 items of which 100 distinct; with no total and a next link, forever.
    records = list(range(300))
    p = SyncPaginator(ignoring_page(records, total, has_next), read, page_size=100)
    seen: list[int] = []
    with pytest.raises(PaginationError, match=r"page 2 repeats page 1 \(100 identical items\)"):
        seen.extend(p)
    assert seen == records[:100]
    assert p.next_page == 2


@pytest.mark.parametrize(
    ("total", "has_next"), [(300, None), (None, True)], ids=["total-300", "null-total-and-a-next-link"]
)
async def test_async_a_server_repeating_a_page_stops_with_a_clear_error(
    total: int | None, has_next: bool | None
) -> None:
    fetch = ignoring_page(list(range(300)), total, has_next)

    async def afetch(number: int, size: int) -> Page:
        return fetch(number, size)

    p = AsyncPaginator(afetch, read, page_size=100)
    with pytest.raises(PaginationError, match="page 2 repeats page 1"):
        await collect(p)
    pages = AsyncPaginator(afetch, read, page_size=100).pages()
    with pytest.raises(PaginationError, match="page 2 repeats page 1"):
        async for _ in pages:
            pass


def test_pages_that_share_a_first_item_but_differ_are_not_repeats() -> None:
    pages = {1: [1, 2, 3], 2: [1, 2, 4], 3: []}
    p = SyncPaginator(lambda n, s: Page(n, pages[n], None, None), read, page_size=3)
    assert list(p) == [1, 2, 3, 1, 2, 4]


@pytest.mark.parametrize(
    ("total", "items", "message"),
    [
        ("1", [1], "page 1: totalResults must be an integer or null, got str"),
        (1.0, [1], "got float"),
        (True, [1], "got bool"),
        (1, "ab", "page 1: results must be a list, got str"),
    ],
)
async def test_a_page_of_the_wrong_shape_raises_pagination_error(total: object, items: object, message: str) -> None:
    # totalResults "1" used to raise a bare TypeError ('>=' between int and str) from inside the paginator.
    def fetch(number: int, size: int) -> Page:
        return Page(number, items, total, None)  # type: ignore[arg-type]

    async def afetch(number: int, size: int) -> Page:
        return fetch(number, size)

    with pytest.raises(PaginationError, match=message) as raised:
        list(SyncPaginator(fetch, read))
    assert isinstance(raised.value, CodatError)
    assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)
    with pytest.raises(PaginationError, match=message):
        await collect(AsyncPaginator(afetch, read))


def test_iterating_a_paginator_from_inside_its_own_fetch_is_an_error_not_a_hang() -> None:
    # With fetches serialised, a fetch (e.g. a hook) asking the same paginator for more would wait on
    # itself; it is told so instead.
    records = list(range(20))
    inner: list[BaseException] = []

    def fetch(number: int, size: int) -> Page:
        if number == 2:
            with pytest.raises(RuntimeError, match="already fetching a page in this thread or task") as raised:
                next(p)
            inner.append(raised.value)
        return Page(number, records[(number - 1) * size : number * size], len(records), None)

    p = SyncPaginator(fetch, read, page_size=10)
    assert list(p) == records
    assert len(inner) == 1


async def test_async_iterating_a_paginator_from_inside_its_own_fetch_is_an_error_not_a_hang() -> None:
    records = list(range(20))
    inner: list[BaseException] = []

    async def fetch(number: int, size: int) -> Page:
        if number == 2:
            with pytest.raises(RuntimeError, match="already fetching a page in this thread or task") as raised:
                await p.__anext__()
            inner.append(raised.value)
            with pytest.raises(RuntimeError, match="already fetching"):
                await p.pages().__anext__()
        return Page(number, records[(number - 1) * size : number * size], len(records), None)

    p = AsyncPaginator(fetch, read, page_size=10)
    assert await collect(p) == records
    assert len(inner) == 1
