"""Server-side paging for the local Codat: one page of records in Codat's paged envelope.

From Codat's "Pagination" docs and the spec's ``PagingInfo`` schema: ``page`` counts from 1 (default 1),
``pageSize`` from 1 to 5000 (default 100); the response carries ``results``, ``pageNumber``,
``pageSize``, ``totalResults`` (after the query is applied) and HAL ``_links``: ``self`` (the resource,
without query parameters), ``current``, and ``next``/``previous`` where there is such a page, each
with the request's query parameters. A page beyond the end is empty, with the true ``totalResults``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import quote, urlencode

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "MAX_SERVED_PAGE_SIZE",
    "PagingError",
    "page_envelope",
]

# The ``pageSize`` parameter's bounds and default (spec ``components.parameters.pageSize``).
DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 5000
# The spec's response schema (``PagingInfo.pageSize``) caps a page at 2000 although the parameter
# accepts 5000: a larger request is served 2000 at a time, and says so in ``pageSize``, so every page
# validates; clients that follow ``next`` (or read ``pageSize``) see every record.
MAX_SERVED_PAGE_SIZE: Final = 2000
# ``page`` is an int32 with minimum 1 (spec ``components.parameters.page``).
MAX_PAGE: Final = 2**31 - 1


class PagingError(ValueError):
    """A ``page`` or ``pageSize`` Codat refuses with a 400; ``message`` is the ``error`` text.

    GUESS: Codat's wording is not documented; this is ASP.NET's range-validation wording.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check(name: str, value: object, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise PagingError(f"The field {name} must be between 1 and {maximum}.")
    return value


def _href(path: str, params: Mapping[str, object]) -> dict[str, str]:
    present = {name: value for name, value in params.items() if value is not None and value != ""}
    if not present:
        return {"href": path}
    return {"href": f"{path}?{urlencode(present, quote_via=quote, safe='')}"}


def page_envelope(
    records: Sequence[Mapping[str, Any]],
    *,
    page: int,
    page_size: int,
    path: str,
    query: str | None,
    order_by: str | None,
) -> dict[str, Any]:
    """The page ``page`` of ``records`` (already selected and ordered) in Codat's envelope.

    ``path`` is the request's path (``/companies``); ``query`` and ``order_by`` are repeated in the
    links. Raises :class:`PagingError` for a page or page size outside the spec's bounds.
    """
    page = _check("page", page, MAX_PAGE)
    requested = _check("pageSize", page_size, MAX_PAGE_SIZE)
    size = min(requested, MAX_SERVED_PAGE_SIZE)
    total = len(records)
    start = (page - 1) * size
    results = list(records[start : start + size]) if start < total else []

    def link(number: int) -> dict[str, str]:
        return _href(path, {"page": number, "pageSize": size, "query": query, "orderBy": order_by})

    links: dict[str, dict[str, str]] = {"self": {"href": path}, "current": link(page)}
    if start + size < total:
        links["next"] = link(page + 1)
    if page > 1:
        links["previous"] = link(page - 1)
    return {
        "results": results,
        "pageNumber": page,
        "pageSize": size,
        "totalResults": total,
        "_links": links,
    }
