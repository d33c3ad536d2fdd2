"""Iteration over every item of a paged list operation, one page in memory at a time.

Generated ``list_all``-style methods build a paginator from two callables: one fetching a page by
number and size (retried like any call), one reading a page model into :class:`PageContents`. The
paginator never imports generated code.

A paginator is its own iterator: ``for item in paginator`` (or ``async for``) and ``paginator.pages()``
continue where the last step left off. A page that fails (after its retries) raises and leaves
``next_page`` at the failed page, so iterating the same paginator again, or a new one built with
``start_page=paginator.next_page``, resumes without repeating or skipping an item.

Only the paginator itself knows how many records came before ``next_page`` (a server may page by a
smaller size than was asked). A new paginator started at ``start_page`` does not guess: it stops on a
page without a next link or on an empty page, and on ``totalResults`` only once even one record per
earlier page would reach it; resuming with it costs at most one extra (empty) page.

One paginator may be shared by several threads (sync) or tasks (async): fetching a page is serialised,
so every item is delivered once, to one consumer.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from typing_extensions import TypeVar as DefaultTypeVar

from ._errors import CodatError
from ._types import Unset

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncPaginator", "PageContents", "PaginationError", "SyncPaginator", "present"]

T = TypeVar("T")
ItemT = TypeVar("ItemT")
# The page model; a default lets annotations name just the item type: SyncPaginator[Company].
PageT = DefaultTypeVar("PageT", default=Any)

# Codat's documented bounds of pageSize; the generated methods pass the spec's own.
MAX_PAGE_SIZE = 5000


class PaginationError(CodatError):
    """A page broke the paging contract: it repeats the page before it, or its ``totalResults`` or
    ``results`` have the wrong type. Iteration stops here rather than loop or deliver duplicates."""


@dataclass(frozen=True)
class PageContents(Generic[ItemT]):
    """What the paginator reads from one page model."""

    items: Sequence[ItemT]
    # None when the page does not say (the stop rules that need it are then skipped).
    total_results: int | None = None
    # Whether the page links a next page; None when the page model has no links.
    has_next: bool | None = None


def present(value: T | Unset | None) -> T | None:
    """``value``, or None when a page model's field is absent (UNSET) or null."""
    return None if isinstance(value, Unset) else value


def _check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    # bool is an int to Python, never a page number or size.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return value


class _Cursor(Generic[ItemT, PageT]):
    """Paging state and stop rules shared by the sync and async paginators."""

    def __init__(
        self,
        read_page: Callable[[PageT], PageContents[ItemT]],
        *,
        page_size: int,
        max_items: int | None,
        start_page: int,
        min_page_size: int,
        max_page_size: int,
    ) -> None:
        self._read_page = read_page
        self.page_size = _check_int("page_size", page_size, min_page_size, max_page_size)
        self.max_items = None if max_items is None else _check_int("max_items", max_items, 0)
        self._next_page: int | None = _check_int("start_page", start_page, 1)
        self._buffer: deque[ItemT] = deque()
        self._delivered = 0
        # At least one record per page before start_page (pages before the last are never empty); how
        # many more is unknown: the server may page by a smaller size than page_size. So a resumed
        # paginator stops on totalResults only when this lower bound reaches it, never early.
        self._received = start_page - 1
        # The previous page's items: a page equal to it means the server ignores ``page``.
        self._previous: Sequence[ItemT] = ()
        # The thread or task fetching a page right now: one that asks again (from a hook) would wait
        # for itself forever.
        self._fetcher: object = None
        if self.max_items == 0:
            self._next_page = None

    @property
    def next_page(self) -> int | None:
        """The page the next fetch asks for (after a failure: the failed page); None once finished."""
        return self._next_page

    @property
    def items_delivered(self) -> int:
        return self._delivered

    def _accept(self, number: int, page: PageT) -> bool:
        """Take fetched page ``number``; False when it is empty (nothing to deliver, iteration over)."""
        contents = self._read_page(page)
        _check_contents(number, contents)
        if _repeats(contents.items, self._previous):
            # Left at this page: iterating again asks for it again (a cache may have expired by then).
            raise PaginationError(
                f"page {number} repeats page {number - 1} ({len(contents.items)} identical items): the server "
                "ignores the page number; stopped rather than deliver duplicates or loop forever"
            )
        self._previous = contents.items
        # Counted from what arrived, not from page numbers: a server that caps the page size below the
        # one asked for still pages by its own size.
        self._received += len(contents.items)
        items = contents.items
        if self.max_items is not None:
            items = items[: self.max_items - self._delivered]
        self._delivered += len(items)
        reached_total = contents.total_results is not None and self._received >= contents.total_results
        finished = (
            not contents.items
            or reached_total
            or contents.has_next is False
            or (self.max_items is not None and self._delivered >= self.max_items)
        )
        self._next_page = None if finished else number + 1
        self._buffer.extend(items)
        return bool(items)

    def _check_not_fetching(self, me: object) -> None:
        if self._fetcher is not None and self._fetcher == me:
            raise RuntimeError(
                "this paginator is already fetching a page in this thread or task "
                "(a hook or callback iterating it?): it would wait for itself"
            )

    def _check_no_buffered_items(self) -> None:
        if self._buffer:
            raise RuntimeError(
                f"{len(self._buffer)} items of the current page have not been iterated yet; "
                "pages() would skip them: finish the item iteration, or use a new paginator"
            )


def _check_contents(number: int, contents: PageContents[Any]) -> None:
    total = contents.total_results
    if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
        raise PaginationError(f"page {number}: totalResults must be an integer or null, got {type(total).__name__}")
    if isinstance(contents.items, str | bytes) or not isinstance(contents.items, Sequence):
        raise PaginationError(f"page {number}: results must be a list, got {type(contents.items).__name__}")


def _repeats(items: Sequence[Any], previous: Sequence[Any]) -> bool:
    # Pages of distinct records differ in their first item: the full comparison runs only for a repeat.
    return bool(items) and len(items) == len(previous) and items[0] == previous[0] and items == previous


class SyncPaginator(_Cursor[ItemT, PageT]):
    """Every item of a paged list operation: ``for item in paginator``; whole pages: ``pages()``.

    Stops on an empty page, when ``totalResults`` is reached, when a page has no ``_links.next``, or
    after ``max_items`` items; raises :class:`PaginationError` on a page repeating the one before.
    Threads may share one paginator: pages are fetched one at a time and each item goes to one thread.
    """

    def __init__(
        self,
        fetch_page: Callable[[int, int], PageT],
        read_page: Callable[[PageT], PageContents[ItemT]],
        *,
        page_size: int = 100,
        max_items: int | None = None,
        start_page: int = 1,
        min_page_size: int = 1,
        max_page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        super().__init__(
            read_page,
            page_size=page_size,
            max_items=max_items,
            start_page=start_page,
            min_page_size=min_page_size,
            max_page_size=max_page_size,
        )
        self._fetch_page = fetch_page
        self._lock = threading.Lock()

    def _fetch(self) -> PageT | None:
        number = self._next_page
        if number is None:
            return None
        self._fetcher = threading.get_ident()
        try:
            # An exception leaves next_page at this page: the next step fetches it again.
            page = self._fetch_page(number, self.page_size)
        finally:
            self._fetcher = None
        return page if self._accept(number, page) else None

    def _locked(self) -> threading.Lock:
        self._check_not_fetching(threading.get_ident())
        return self._lock

    def __iter__(self) -> Iterator[ItemT]:
        return self

    def __next__(self) -> ItemT:
        try:
            return self._buffer.popleft()  # deque.popleft is atomic: no lock while the page lasts
        except IndexError:
            pass
        # One thread fetches the next page; the others wait here, then take from what it fetched.
        with self._locked():
            # A fetched page either fills the buffer or (empty, or past the last page) ends the iteration.
            if not self._buffer:
                self._fetch()
            if not self._buffer:
                raise StopIteration
            return self._buffer.popleft()

    def pages(self) -> Iterator[PageT]:
        """Each remaining page model, fetched as the loop asks for it (items past ``max_items`` included)."""
        self._check_no_buffered_items()
        while True:
            with self._locked():
                page = self._fetch()
                self._buffer.clear()
            if page is None:
                return
            yield page


class AsyncPaginator(_Cursor[ItemT, PageT]):
    """Every item of a paged list operation: ``async for item in paginator``; pages: ``pages()``.

    The same stop rules and resumption as :class:`SyncPaginator`. Tasks may share one paginator: one
    page is fetched at a time and each item goes to one task.
    """

    def __init__(
        self,
        fetch_page: Callable[[int, int], Awaitable[PageT]],
        read_page: Callable[[PageT], PageContents[ItemT]],
        *,
        page_size: int = 100,
        max_items: int | None = None,
        start_page: int = 1,
        min_page_size: int = 1,
        max_page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        super().__init__(
            read_page,
            page_size=page_size,
            max_items=max_items,
            start_page=start_page,
            min_page_size=min_page_size,
            max_page_size=max_page_size,
        )
        self._fetch_page = fetch_page
        # Created on the loop that first needs it: a paginator may outlive an ``asyncio.run``.
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def _fetch_lock(self) -> asyncio.Lock:
        import asyncio  # here, not at module level: importing the SDK does not load asyncio

        self._check_not_fetching(asyncio.current_task())
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def _fetch(self) -> PageT | None:
        import asyncio

        number = self._next_page
        if number is None:
            return None
        self._fetcher = asyncio.current_task()
        try:
            page = await self._fetch_page(number, self.page_size)
        finally:
            self._fetcher = None
        return page if self._accept(number, page) else None

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        if self._buffer:
            return self._buffer.popleft()  # no await between the check and the pop: no other task runs
        # One task fetches the next page; the others wait here, then take from what it fetched.
        async with self._fetch_lock():
            if not self._buffer:
                await self._fetch()
            if not self._buffer:
                raise StopAsyncIteration
            return self._buffer.popleft()

    async def pages(self) -> AsyncIterator[PageT]:
        """Each remaining page model, fetched as the loop asks for it (items past ``max_items`` included)."""
        self._check_no_buffered_items()
        while True:
            async with self._fetch_lock():
                page = await self._fetch()
                self._buffer.clear()
            if page is None:
                return
            yield page
