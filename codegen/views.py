"""What the templates see: operations, groups, paging and query classes, as plain dataclasses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser.openapi import Endpoint

from .raises import ErrorStatusView


@dataclass(frozen=True)
class PaginationView:
    """How a paged list operation's companion (``list_all``, ...) fetches and reads its pages."""

    method_name: str
    page_type: str
    item_type: str
    item_imports: tuple[str, ...]
    page_param: str  # python names of the page number and page size parameters
    page_size_param: str
    default_page_size: int
    min_page_size: int
    max_page_size: int
    # Attribute names on the page model; links/next are None when the page model has no links.
    results: str
    total_results: str
    links: str | None
    next: str | None


@dataclass(frozen=True)
class QueryFieldView:
    """One typed query field (``kind`` is a codat_sdk field class) or a namespace of sub-fields."""

    attribute: str
    wire_name: str  # the dotted JSON path, e.g. "dataConnections.status"
    kind: str
    values: tuple[str, ...] = ()
    # The class holding the sub-fields of an object property, or (with ``kind``) the subclass of ``kind``
    # adding ``count`` to a list of scalars.
    namespace: str | None = None
    map_kind: str | None = None  # kind "MapField": the field class of the map's values (e.g. tags)


@dataclass(frozen=True)
class QueryClassView:
    name: str
    model: str
    fields: tuple[QueryFieldView, ...]
    used_by: tuple[str, ...] = ()  # the Python calls whose query/order_by these fields serve
    public: bool = True
    base: QueryFieldView | None = None  # a list of scalars: the class is this field's kind, plus ``count``


@dataclass
class OperationView:
    """One operation as our templates see it: upstream's parsed endpoint plus the raw spec operation."""

    endpoint: Endpoint
    raw: dict[str, Any]
    operation_id: str
    http_method: str
    path: str
    group: str
    method_name: str
    module: str
    deprecated: bool
    deprecation_message: str | None
    binary_response: bool
    success_responses: list[Any]
    multipart_fields: list[dict[str, Any]]
    url: str  # body of an f-string building the path, each parameter through path_segment()
    accept: str = "application/json"  # the 2xx content types, for the Accept header
    return_type: str = "None"
    parsed: bool = False
    call_path: str = ""  # attribute path from the client, e.g. "connection_management.cors"
    pagination: PaginationView | None = None
    # python names of the parameters taking Codat's query language and an ordering
    query_param: str | None = None
    order_by_param: str | None = None
    query_class: str | None = None  # the generated class of typed fields for query / order_by
    body_default: dict[str, Any] | None = None  # sent when the call passes no body (openapi/overrides.json)
    # JSON name -> the spec's description of each parameter (upstream keeps only its schema's description)
    parameter_descriptions: dict[str, str] = field(default_factory=dict)
    # The non-2xx statuses the spec documents, each with the codat_sdk exception raised for it.
    errors: list[ErrorStatusView] = field(default_factory=list)
    # python names of the parameters the spec types as uuid: they take a str or a UUID, checked before sending
    uuid_params: tuple[str, ...] = ()
    body_model: str | None = None  # the model class of a JSON object body (a model or a mapping is accepted)


@dataclass
class GroupView:
    name: str
    class_name: str
    call_path: str = ""  # attribute path from the client, e.g. "connection_management.cors"
    operations: list[OperationView] = field(default_factory=list)
    subgroups: list[GroupView] = field(default_factory=list)


def walk(groups: Iterable[GroupView]) -> Iterable[GroupView]:
    for group in groups:
        yield group
        yield from walk(group.subgroups)
