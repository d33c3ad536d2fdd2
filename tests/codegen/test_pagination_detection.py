"""Paged operations and typed query fields are found from the spec's shape, not from a list.

The mutated specs are built here from the real pinned spec (read through codegen.source); nothing of
Codat's is committed.
"""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codat_sdk import QueryError
from codegen import source
from codegen.config import PackageConfig, package_config
from codegen.errors import GenerationError
from codegen.normalise import normalise
from codegen.operations import build_groups
from codegen.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, companion_name
from codegen.queries import query_classes
from codegen.render import parse, render_package
from codegen.spec_nodes import follow_refs, non_null, schema_properties
from codegen.views import OperationView, QueryClassView, QueryFieldView, walk

SOURCE = source.default_source()
pytestmark = pytest.mark.skipif(SOURCE is None, reason="no spec source: set $CODAT_SPEC_SOURCE or ../shared/openapi")

EXPECTED = {
    "list-companies": ("companies", "list_all", "Company"),
    "list-connections": ("connections", "list_all", "Connection"),
    "list-pull-operations": ("refresh_data", "list_all_pull_operations", "PullOperation"),
    "list-integrations": ("integrations", "list_all", "Integration"),
    "get-company-push-history": ("push_data", "list_all_operations", "PushOperation"),
    "list-custom-data-type-records": ("custom_data_type", "list_all", "CustomDataTypeRecord"),
}


def _spec(api: str = "platform") -> dict[str, Any]:
    return normalise(source.load_pinned(source.load_pins()[api], SOURCE))


def _package(api: str = "platform", **operations: dict[str, str]) -> PackageConfig:
    """The API's package with ``operations`` added to its overrides (operationIds with _ for -)."""
    package = package_config(api)
    added = {name.replace("_", "-"): entry for name, entry in operations.items()}
    return replace(package, operations={**package.operations, **added})


def _paged(spec: dict[str, Any], package: PackageConfig | None = None) -> dict[str, OperationView]:
    groups = build_groups(parse(spec), spec, package or _package())
    return {op.operation_id: op for group in walk(groups) for op in group.operations if op.pagination}


def _add_widgets(spec: dict[str, Any], *, paged: bool = True) -> None:
    """A new ``GET /widgets`` shaped like Codat's list operations (page, pageSize, query, orderBy)."""
    schemas = spec["components"]["schemas"]
    schemas["Widget"] = {
        "title": "Widget",
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "colour": {"type": "string", "enum": ["red", "green"]},
            "made": {"type": "string", "format": "date"},
            "weight": {"type": "number"},
            "maker": {"type": "object", "properties": {"name": {"type": "string"}}},
            # Codat's DateTime schema: a string without format, named by its title; nullable too
            "built": {"title": "DateTime", "type": "string"},
            "lastSeen": {"anyOf": [{"title": "DateTime", "type": "string"}, {"type": "null"}]},
            "tags": {"type": "object", "additionalProperties": {"type": "string"}},  # a map: queried by key
        },
    }
    page_info = {k: v for k, v in schemas["Companies"].items() if k != "allOf"}
    page_info["title"] = "Widgets"
    page_info["allOf"] = copy.deepcopy(schemas["Companies"]["allOf"])
    page_info["allOf"][0]["properties"]["results"]["items"] = {"$ref": "#/components/schemas/Widget"}
    schemas["Widgets"] = page_info
    companies = spec["paths"]["/companies"]["get"]
    params = [
        p for p in companies["parameters"] if p.get("$ref", "").rsplit("/", 1)[-1] in ("page", "pageSize", "query")
    ]
    if not paged:
        params = [p for p in params if not p.get("$ref", "").endswith("/page")]
    spec["paths"]["/widgets"] = {
        "get": {
            "operationId": "list-widgets",
            "tags": companies.get("tags", []),
            "summary": "List widgets",
            "parameters": params,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widgets"}}},
                }
            },
        }
    }


def _raw_operations_with_page_parameters(spec: dict[str, Any]) -> set[str]:
    """Operations of the raw (not normalised) spec taking both ``page`` and ``pageSize`` query parameters."""

    def name(parameter: dict[str, Any]) -> str:
        ref = parameter.get("$ref")
        if isinstance(ref, str):
            parameter = spec["components"]["parameters"][ref.rsplit("/", 1)[-1]]
        return f"{parameter.get('in')}:{parameter.get('name')}"

    return {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method == "get" and {"query:page", "query:pageSize"} <= {name(p) for p in op.get("parameters", [])}
    }


def _raw_operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    ops = [op for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)]
    return next(op for op in ops if op.get("operationId") == operation_id)


def _page_sizes(spec: dict[str, Any], operation_id: str) -> tuple[int, int, int]:
    """(default, minimum, maximum) of the raw operation's ``pageSize``, Codat's documented rules filling gaps."""
    op = _raw_operation(spec, operation_id)
    size = next(p for p in (follow_refs(spec, p) for p in op["parameters"]) if p.get("name") == "pageSize")
    schema = follow_refs(spec, size.get("schema", {}))
    return (schema.get("default", DEFAULT_PAGE_SIZE), schema.get("minimum", 1), schema.get("maximum", MAX_PAGE_SIZE))


def _has_links(spec: dict[str, Any], operation_id: str) -> bool:
    """Whether the raw operation's page model has ``_links`` with a ``next`` link."""
    op = _raw_operation(spec, operation_id)
    page = op["responses"]["200"]["content"]["application/json"]["schema"]
    links = schema_properties(spec, page).get("_links")
    return links is not None and "next" in schema_properties(spec, links)


@pytest.mark.parametrize("api", sorted(source.load_pins()))
def test_the_paged_operations_of_each_pinned_spec(api: str) -> None:
    """Every fact is read from the pinned spec (a bump adding, removing or resizing a list still passes)."""
    raw = source.load_pinned(source.load_pins()[api], SOURCE)
    paged = _paged(_spec(api), _package(api))
    # Every operation paged by its parameters, computed from the raw JSON...
    assert set(paged) == _raw_operations_with_page_parameters(raw)
    for op_id, op in paged.items():
        paging = op.pagination
        assert paging is not None
        assert (paging.default_page_size, paging.min_page_size, paging.max_page_size) == _page_sizes(raw, op_id)
        assert (paging.links is not None) == _has_links(raw, op_id)  # without _links: empty pages and totals end it
    # ...and those of today named as documented.
    found = {
        op_id: (op.call_path, op.pagination.method_name, op.pagination.item_type)
        for op_id, op in paged.items()
        if op.pagination
    }
    for op_id in EXPECTED.keys() & found.keys():
        assert found[op_id] == EXPECTED[op_id]


def test_a_new_paged_operation_gets_a_paginator_and_typed_fields(tmp_path: Path) -> None:
    spec = _spec()
    _add_widgets(spec)

    render_package(spec, _package(list_widgets={"group": "widgets", "method": "list_widgets"}), tmp_path)

    resource = (tmp_path / "codat_sdk_platform" / "resources" / "widgets.py").read_text(encoding="utf-8")
    assert "def list_all_widgets(" in resource
    assert "-> SyncPaginator[Widget, Widgets]:" in resource
    assert "-> AsyncPaginator[Widget, Widgets]:" in resource
    assert "query: str | Query | Unset = UNSET," in resource
    queries = (tmp_path / "codat_sdk_platform" / "queries.py").read_text(encoding="utf-8")
    assert "class WidgetQuery:" in queries
    assert (
        "colour: Final[EnumField[Literal['red', 'green'] | OpenStrEnum]] = EnumField('colour', ('red', 'green'))"
        in queries
    )
    assert "made: Final = DateField('made')" in queries
    assert "weight: Final = NumberField('weight')" in queries
    assert "name: Final = StringField('maker.name')" in queries
    assert "built: Final = DateTimeField('built')" in queries
    assert "last_seen: Final = DateTimeField('lastSeen')" in queries
    assert "MapField('tags', StringField)" in queries
    reference = (tmp_path / "reference" / "platform.md").read_text(encoding="utf-8")
    assert "`client.widgets.list_all_widgets(...)`" in reference
    pinned_paged = _raw_operations_with_page_parameters(source.load_pinned(source.load_pins()["platform"], SOURCE))
    assert f"{len(pinned_paged) + 1} paginators." in reference  # the pinned spec's, and the widgets
    for path in (tmp_path / "codat_sdk_platform").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_an_operation_without_a_page_parameter_is_not_paged() -> None:
    spec = _spec()
    _add_widgets(spec, paged=False)
    assert "list-widgets" not in _paged(spec)


def test_a_response_without_paging_fields_is_not_paged() -> None:
    spec = _spec()
    _add_widgets(spec)
    del spec["components"]["schemas"]["Widgets"]["allOf"][1]  # drop PagingInfo: no pageNumber / totalResults
    assert "list-widgets" not in _paged(spec)


def test_a_paginator_name_taken_by_another_method_fails_generation() -> None:
    spec = _spec()
    package = _package(list_integrations={"group": "companies", "method": "list_all"})
    with pytest.raises(GenerationError, match="list_all"):
        build_groups(parse(spec), spec, package)


@pytest.mark.parametrize(
    ("method", "companion"),
    [("list", "list_all"), ("list_operations", "list_all_operations"), ("history", "iter_history")],
)
def test_companion_names(method: str, companion: str) -> None:
    assert companion_name(method) == companion


def test_query_classes_cover_each_queryable_item_model_once() -> None:
    spec = _spec()
    groups = build_groups(parse(spec), spec, _package())
    operations = [op for group in walk(groups) for op in group.operations]
    public = [cls.name for cls in query_classes(spec, operations) if cls.public]
    # One class per item model of a paged operation taking ``query``, each such operation pointing at its own.
    assert len(public) == len(set(public))
    queried = [op for op in operations if op.pagination is not None and op.query_param is not None]
    assert sorted({f"{op.pagination.item_type}Query" for op in queried if op.pagination}) == sorted(public)
    assert all(op.query_class == f"{op.pagination.item_type}Query" for op in queried if op.pagination)


def _load_queries(path: Path) -> Any:
    module_spec = importlib.util.spec_from_file_location("rendered_queries", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def test_arrays_get_a_count_and_maps_of_scalars_are_indexed(tmp_path: Path) -> None:
    spec = _spec()
    _add_widgets(spec)
    string, enum = {"type": "string"}, {"type": "string", "enum": ["S", "M"]}
    spec["components"]["schemas"]["Widget"]["properties"].update(
        {
            "parts": {"type": "array", "items": {"type": "object", "properties": {"name": string}}},
            "labels": {"type": "array", "items": string},
            "sizes": {"type": "array", "items": enum},
            "bins": {"type": "array", "items": {"type": "object", "properties": {"count": {"type": "integer"}}}},
            "attributes": {"type": "object", "additionalProperties": string},
            "weights": {"type": "object", "additionalProperties": {"type": "number"}},
            "grades": {"type": "object", "additionalProperties": enum},
            "extras": {"type": "object", "additionalProperties": {"type": "object", "properties": {"a": string}}},
        }
    )
    render_package(spec, _package(list_widgets={"group": "widgets", "method": "list_widgets"}), tmp_path)
    widget = _load_queries(tmp_path / "codat_sdk_platform" / "queries.py").WidgetQuery

    assert str(widget.parts.count == 0) == "parts.count=0"
    assert str(widget.parts.name == "x") == "parts.name=x"
    assert str(widget.bins.count > 1) == "bins.count>1"  # the item's own count, not a second one
    # A list of scalars keeps its kind (and enum values) and gains a count.
    assert str(widget.labels.contains("a")) == "labels~a"
    assert str(widget.labels.count >= 2) == "labels.count>=2"
    assert str(widget.sizes == "S") == "sizes=S"
    with pytest.raises(QueryError, match="not a value"):
        widget.sizes == "XL"  # noqa: B015
    assert str(widget.sizes.count < 3) == "sizes.count<3"
    assert str(widget.attributes["colour"] == "red") == "attributes.colour=red"
    assert str(widget.weights["net"] > 1) == "weights.net>1"
    # Maps of enums or objects have no typed fields (raw queries still reach them).
    assert not hasattr(widget, "grades")
    assert not hasattr(widget, "extras")


def test_properties_the_spec_calls_not_queryable_get_no_field(tmp_path: Path) -> None:
    spec = _spec()
    _add_widgets(spec)
    spec["components"]["schemas"]["Widget"]["properties"]["isReady"] = {
        "type": "boolean",
        "description": "`True` when ready. The `isReady` property is not queryable; query `status` instead.",
    }
    render_package(spec, _package(list_widgets={"group": "widgets", "method": "list_widgets"}), tmp_path)
    widget = _load_queries(tmp_path / "codat_sdk_platform" / "queries.py").WidgetQuery
    assert not hasattr(widget, "is_ready")
    assert str(widget.weight > 1) == "weight>1"


def test_no_field_of_the_pinned_spec_is_one_it_calls_not_queryable() -> None:
    spec = _spec()
    groups = build_groups(parse(spec), spec, _package())
    operations = [op for group in walk(groups) for op in group.operations]
    wire_names = {name.rsplit(".", 1)[-1] for name in _fields(query_classes(spec, operations))}
    marked = {
        name
        for schema in spec["components"]["schemas"].values()
        for name, prop in schema_properties(spec, schema).items()
        if "not queryable" in str(prop.get("description", ""))
    }
    assert marked  # PullOperation.isCompleted: Codat answers 400 "Could not resolve property isCompleted"
    assert not marked & wire_names


def _fields(classes: list[QueryClassView]) -> dict[str, QueryFieldView]:
    """Every generated field of ``classes`` (nested ones included) by wire name."""
    return {field.wire_name: field for cls in classes for field in cls.fields}


def test_every_array_of_the_pinned_spec_is_counted_and_every_map_of_strings_indexed() -> None:
    spec = _spec()
    groups = build_groups(parse(spec), spec, _package())
    operations = [op for group in walk(groups) for op in group.operations]
    fields = _fields(query_classes(spec, operations))
    company = next(op for op in operations if op.operation_id == "list-companies")
    page = company.raw["responses"]["200"]["content"]["application/json"]["schema"]
    item = follow_refs(spec, schema_properties(spec, page)["results"])["items"]
    arrays, maps = [], []
    for name, prop in schema_properties(spec, item).items():
        prop = follow_refs(spec, non_null(prop))
        if prop.get("type") == "array":
            arrays.append(name)
        elif isinstance(prop.get("additionalProperties"), dict) and not prop.get("properties"):
            maps.append(name)
    assert arrays and maps  # the Company model has both (dataConnections, products; tags)
    for name in arrays:
        assert fields[f"{name}.count"].kind == "NumberField"
    for name in maps:
        assert fields[name].kind == "MapField"
        assert fields[name].map_kind in {"StringField", "NumberField", "BoolField", "DateField", "DateTimeField"}
