"""Which list operations are paged, and how their companion iterator reads the pages."""

from __future__ import annotations

from typing import Any

from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import ModelProperty
from openapi_python_client.parser.properties.list_property import ListProperty

from .decoding import non_null_property
from .naming import json_name
from .views import PaginationView

PAGE_PARAMETER = "page"
PAGE_SIZE_PARAMETER = "pageSize"
# Codat's paging rules (https://docs.codat.io/using-the-api/paging) when the spec does not bound pageSize.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
# The properties that make a response model a page of results.
PAGE_PROPERTIES = frozenset({"pageNumber", "pageSize", "totalResults", "results"})


def unwrap(prop: Any) -> Any:
    """A nullable property's non-null part (``X | None`` is upstream's union of X and None), else ``prop``."""
    inner = non_null_property(prop)
    return prop if inner is None else inner


def model_properties(prop: Any, models: dict[str, ModelProperty]) -> dict[str, Any] | None:
    """A model property's properties by JSON name (from the processed model), or None if not a model."""
    prop = unwrap(prop)
    if not isinstance(prop, ModelProperty):
        return None
    model = models.get(prop.class_info.name, prop)
    return {json_name(p): p for p in [*(model.required_properties or []), *(model.optional_properties or [])]}


def companion_name(method_name: str) -> str:
    """The name of a paged method's item iterator: list -> list_all, list_xxx -> list_all_xxx, else iter_xxx."""
    if method_name == "list":
        return "list_all"
    if method_name.startswith("list_"):
        return "list_all_" + method_name.removeprefix("list_")
    return "iter_" + method_name


def pagination_view(
    endpoint: Endpoint,
    params: dict[str, dict[str, Any]],
    models: dict[str, ModelProperty],
    method_name: str,
) -> PaginationView | None:
    """The paging of an operation, when its shape is paged: ``page`` and ``pageSize`` query parameters
    and a 200 response model with ``pageNumber``, ``pageSize``, ``totalResults`` and a ``results`` array
    (``_links.next``, when the model has it, also ends the iteration)."""
    page_params = {json_name(p): p for p in endpoint.query_parameters}
    if PAGE_PARAMETER not in page_params or PAGE_SIZE_PARAMETER not in page_params:
        return None
    ok = [r for r in endpoint.responses.patterns if r.status_code.range == (200, 200)]
    page_props = model_properties(ok[0].prop, models) if ok else None
    if page_props is None or not page_props.keys() >= PAGE_PROPERTIES:
        return None
    results = unwrap(page_props["results"])
    if not isinstance(results, ListProperty):
        return None
    links = page_props.get("_links")
    link_props = model_properties(links, models) if links is not None else None
    next_link = link_props.get("next") if link_props else None
    item = results.inner_property
    imports = {*item.get_imports(prefix=".."), *getattr(item, "get_lazy_imports", lambda prefix: set())(prefix="..")}
    size_schema = params.get(PAGE_SIZE_PARAMETER, {}).get("schema", {})
    return PaginationView(
        method_name=companion_name(method_name),
        page_type=str(unwrap(ok[0].prop).get_type_string(no_optional=True).as_unembedded_code()),
        item_type=str(item.get_type_string().as_unembedded_code()),
        item_imports=tuple(sorted(line for line in imports if line.startswith("from .."))),
        page_param=str(page_params[PAGE_PARAMETER].python_name),
        page_size_param=str(page_params[PAGE_SIZE_PARAMETER].python_name),
        default_page_size=int(size_schema.get("default", DEFAULT_PAGE_SIZE)),
        min_page_size=int(size_schema.get("minimum", 1)),
        max_page_size=int(size_schema.get("maximum", MAX_PAGE_SIZE)),
        results=str(page_props["results"].python_name),
        total_results=str(page_props["totalResults"].python_name),
        links=str(links.python_name) if links is not None and next_link is not None else None,
        next=str(next_link.python_name) if next_link is not None else None,
    )
