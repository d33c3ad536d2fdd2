"""What makes code ported from Codat's own SDK cheap, generated from a synthetic spec that isolates it.

- a property whose JSON name starts with ``_`` (HAL's ``_links``) is named without it (``page.links``),
  still read and written as ``_links``; one whose plain name is taken keeps upstream's ``field_`` name;
- a parameter the spec types uuid, in the path or the query, takes a ``str`` or a ``UUID`` and refuses
  anything else before a request exists;
- a JSON body takes its model or a mapping, checked against the model (nested models, lists of them,
  enums, dates, uuids, typed maps) before anything is sent.

Before, upstream named the property ``field_links``, typed the ids ``UUID`` only, and a mapping body
raised ``AttributeError: 'dict' object has no attribute 'to_dict'`` from inside the generated code.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from codat_sdk import RequestValidationError
from tests.codegen.synthetic_spec import document, get, post, ref
from tests.generated_package import generate_package, import_every_module, importable, mypy_problems, ruff_problems

PACKAGE = "synthetic_porting"
WIDGET_ID = "8a210b68-6988-11ed-a1eb-0242ac120002"

SCHEMAS: dict[str, Any] = {
    "Kind": {"type": "string", "enum": ["Small", "Large"]},
    "Links": {"type": "object", "properties": {"next": {"type": "string"}}},
    "Page": {
        "type": "object",
        "required": ["_links"],
        "properties": {"pageNumber": {"type": "integer"}, "_links": ref("Links")},
    },
    "Both": {"type": "object", "properties": {"links": {"type": "string"}, "_links": ref("Links")}},
    "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "Part": {
        "type": "object",
        "required": ["label"],
        "properties": {"label": {"type": "string"}, "weightKg": {"type": "number"}},
    },
    "Widget": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "kind": ref("Kind"),
            "madeOn": {"type": "string", "format": "date"},
            "ownerId": {"type": "string", "format": "uuid"},
            "labels": ref("Labels"),
            "mainPart": ref("Part"),
            "parts": {"type": "array", "items": ref("Part")},
            "enabled": {"type": "boolean", "default": True},
        },
    },
}


def _uuid_parameter(name: str, where: str) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": "string", "format": "uuid"}}


def _spec() -> dict[str, Any]:
    get_widget = {**get("get-widget", ref("Widget"), "Widgets"), "parameters": [_uuid_parameter("widgetId", "path")]}
    find_widget = {**get("find-widget", ref("Widget"), "Widgets"), "parameters": [_uuid_parameter("ownerId", "query")]}
    operations = [
        ("/widgets/{widgetId}", "get", get_widget),
        ("/widgets", "get", find_widget),
        ("/widgets", "post", post("create-widget", ref("Widget"), ref("Widget"), "Widgets")),
        ("/page", "get", get("get-page", ref("Page"), "Widgets")),
        ("/both", "get", get("get-both", ref("Both"), "Widgets")),
    ]
    return document(SCHEMAS, operations)


CLIENTS: dict[bool, str] = {}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("porting")
    package = generate_package(_spec(), out, PACKAGE)
    CLIENTS.update({False: package.client, True: package.async_client})
    with importable(out):
        yield out


def test_the_generated_package_is_ruff_and_mypy_strict_clean(generated: Path) -> None:
    assert ruff_problems(generated / PACKAGE) == ""
    assert mypy_problems(generated, PACKAGE) == []
    assert import_every_module(PACKAGE)


class Echo:
    """Answers every request with the widget it was sent (or a stored one); records what it received."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url.path == "/page":
            return httpx.Response(200, json={"pageNumber": 1, "_links": {"next": "/page?page=2"}})
        if request.url.path == "/both":
            return httpx.Response(200, json={"links": "text", "_links": {}})
        return httpx.Response(200, content=request.content or b'{"name": "stored"}')


def _client(echo: Echo, *, is_async: bool = False) -> Any:
    client_class = getattr(importlib.import_module(PACKAGE), CLIENTS[is_async])
    http = (httpx.AsyncClient if is_async else httpx.Client)(transport=httpx.MockTransport(echo))
    return client_class(api_key="k", client=http)


def _models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


# --- leading-underscore property names ----------------------------------------------------------------


def test_an_underscored_property_is_named_without_the_underscore_and_keeps_its_json_name(generated: Path) -> None:
    echo = Echo()
    page = _client(echo).widgets.get_page()
    assert page.links.to_dict() == {"next": "/page?page=2"}
    assert page.to_dict()["_links"] == {"next": "/page?page=2"}
    assert "links" in inspect.signature(_models().Page).parameters


def test_a_plain_name_already_taken_keeps_upstreams_prefixed_name(generated: Path) -> None:
    both = _client(Echo()).widgets.get_both()
    assert both.links == "text"
    assert both.field_links.to_dict() == {}


# --- uuid parameters ------------------------------------------------------------------------------------


def test_uuid_parameters_take_a_str_or_a_uuid(generated: Path) -> None:
    for name, method in (("widget_id", "get_widget"), ("owner_id", "find_widget")):
        annotation = inspect.signature(getattr(_client(Echo()).widgets, method)).parameters[name].annotation
        assert "str | UUID" in annotation
    echo = Echo()
    widgets = _client(echo).widgets
    widgets.get_widget(WIDGET_ID)
    widgets.get_widget(UUID(WIDGET_ID))
    widgets.find_widget(owner_id=WIDGET_ID.upper())
    assert [request.url.raw_path for request in echo.requests] == [
        f"/widgets/{WIDGET_ID}".encode(),
        f"/widgets/{WIDGET_ID}".encode(),
        f"/widgets?ownerId={WIDGET_ID}".encode(),
    ]


@pytest.mark.parametrize("value", ["", "..", "not-a-uuid", WIDGET_ID + "0", "8a210b68/6988"])
async def test_a_uuid_parameter_refuses_another_string_before_anything_is_sent(generated: Path, value: str) -> None:
    echo = Echo()
    with pytest.raises(ValueError, match=r"^widget_id=.* is not a UUID"):
        _client(echo).widgets.get_widget(value)
    with pytest.raises(ValueError, match=r"^owner_id=.* is not a UUID"):
        await _client(echo, is_async=True).widgets.find_widget(owner_id=value)
    assert echo.requests == []


# --- mapping bodies ---------------------------------------------------------------------------------------


def _full_mapping() -> dict[str, Any]:
    models = _models()
    return {
        "name": "w",
        "kind": models.Kind("Large"),
        "madeOn": date(2024, 1, 2),
        "ownerId": UUID(WIDGET_ID),
        "labels": {"colour": "red"},
        "mainPart": {"label": "axle", "weight_kg": 1.5},
        "parts": [{"label": "wheel"}, models.Part(label="spoke")],
    }


EXPECTED_JSON = {
    "name": "w",
    "kind": "Large",
    "madeOn": "2024-01-02",
    "ownerId": WIDGET_ID,
    "labels": {"colour": "red"},
    "mainPart": {"label": "axle", "weightKg": 1.5},
    "parts": [{"label": "wheel"}, {"label": "spoke"}],
    "enabled": True,
}


def test_a_mapping_body_is_sent_as_the_model_would_be(generated: Path) -> None:
    echo = Echo()
    widget = _client(echo).widgets.create_widget(body=_full_mapping())
    assert json.loads(echo.requests[0].content) == EXPECTED_JSON
    assert widget.to_dict() == EXPECTED_JSON
    model = _models().Widget.from_dict(EXPECTED_JSON)
    _client(echo).widgets.create_widget(body=model)
    assert echo.requests[1].content == echo.requests[0].content


async def test_a_mapping_body_is_sent_async(generated: Path) -> None:
    echo = Echo()
    await _client(echo, is_async=True).widgets.create_widget(body=_full_mapping())
    assert json.loads(echo.requests[0].content) == EXPECTED_JSON


@pytest.mark.parametrize(
    ("change", "location", "problem"),
    [
        ({"colour": "red"}, "body['colour']", "not a field of Widget"),
        ({"kind": 3}, "body['kind']", "got integer"),
        ({"madeOn": "soon"}, "body['madeOn']", "expected date string, got string that is not one"),
        ({"ownerId": "nobody"}, "body['ownerId']", "expected uuid string, got string that is not one"),
        ({"labels": {"colour": 1}}, "body['labels']['colour']", "expected string, got integer"),
        ({"mainPart": {"label": "a", "mass": 1}}, "body['mainPart']['mass']", "not a field of Part"),
        ({"parts": [{"label": "a"}, {"weightKg": 1}]}, "body['parts'][1]['label']", "missing"),
        ({"enabled": "yes"}, "body['enabled']", "expected boolean, got string"),
    ],
)
async def test_a_mapping_that_does_not_fit_is_refused_naming_the_field(
    generated: Path, change: dict[str, Any], location: str, problem: str
) -> None:
    echo = Echo()
    body = {**_full_mapping(), **change}
    with pytest.raises(RequestValidationError) as caught:
        _client(echo).widgets.create_widget(body=body)
    assert caught.value.location == location
    assert problem in caught.value.problem
    with pytest.raises(RequestValidationError):
        await _client(echo, is_async=True).widgets.create_widget(body=body)
    assert echo.requests == []


def test_an_enum_value_the_spec_does_not_list_is_sent_as_a_models_would_be(generated: Path) -> None:
    """Enums are open (an API newer than the spec): a mapping is no stricter than the model itself."""
    echo = Echo()
    _client(echo).widgets.create_widget(body={"name": "w", "kind": "Huge"})
    assert json.loads(echo.requests[0].content)["kind"] == "Huge"


def test_the_values_of_a_refused_mapping_never_reach_the_message(generated: Path) -> None:
    echo = Echo()
    with pytest.raises(RequestValidationError) as caught:
        _client(echo).widgets.create_widget(body={"name": "w", "mainPart": {"label": 42, "secret": "hunter2"}})
    assert "hunter2" not in str(caught.value)
    assert "42" not in str(caught.value)
