"""A list operation's answer: records filtered by ``query``, ordered by ``orderBy``, then one page of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._calls import Call, Problem
from ._paging import PagingError, page_envelope
from ._querylang import QueryLanguageError, order, select
from ._record_schemas import record_schema


def page_of(records: Iterable[dict[str, Any]], call: Call, model: str, *, tags: bool = False) -> dict[str, Any]:
    """The paged envelope (``results``, ``pageNumber``, ``pageSize``, ``totalResults``, ``_links``).

    ``model`` names the records' model (``"Company"``), which types the query's properties.
    ``tags``: the operation also takes a ``tags`` parameter, a query on the records' ``tags`` (``region=uk``).
    """
    schema = record_schema(model)
    query = call.param("query")
    order_by = call.param("orderBy")
    page = int(call.param("page", 1))
    page_size = int(call.param("pageSize"))  # the spec gives every paged operation's default
    try:
        selected = select(list(records), query, schema=schema) if query else list(records)
        if tags and call.param("tags"):
            selected = select(selected, call.param("tags"), schema=schema, within="tags")
        ordered = order(selected, order_by, schema=schema) if order_by else selected
        return page_envelope(ordered, page=page, page_size=page_size, path=call.path, query=query, order_by=order_by)
    except (QueryLanguageError, PagingError) as exc:
        raise Problem(400, exc.message) from None  # Codat's text alone: str(exc) adds our detail for people
