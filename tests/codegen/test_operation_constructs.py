"""Operation-level constructs of Codat's specs, generated from the synthetic spec and called, sync and async.

The constructs (``OPERATION_CONSTRUCTS`` in synthetic_spec.py) each appear in one of Codat's published
specs: a body or response without a schema (any JSON), downloads of any media type (through a component
response, or claiming an object schema), ``oneOf``/``anyOf`` request and response bodies, responses without
content, and a multipart body that is the bare file. Before the normaliser and generator handled them,
the generator refused the spec ("Missing schema", "Unsupported content_type application/zip") or the
output failed mypy (``Any`` used without import, a download typed as a model).

The generated package must pass ruff and mypy --strict; each call goes through an in-process httpx
transport that records the request and answers like Codat would.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from codat_sdk import AsyncBinaryResponse, BinaryResponse
from codegen.config import PackageConfig
from tests.codegen.synthetic_spec import (
    DOWNLOAD_MEDIA_TYPES,
    OPERATION_CONSTRUCTS,
    REPORT_RESPONSE,
    operation_constructs_spec,
)
from tests.e2e.spec_support import reference_rows
from tests.generated_package import generate_package, import_every_module, importable, mypy_problems, ruff_problems

PACKAGE = "synthetic_constructs"
PAYLOAD = b"%PDF-1.4 not really\x00\xff"
LEAF = {"id": "8a210b68-6988-11ed-a1eb-0242ac120002", "label": "a leaf"}
NODE = {"name": "root", "children": [{"name": "child"}]}


@dataclass(frozen=True)
class Generated:
    out: Path
    package: PackageConfig

    def method(self, client: Any, operation_id: str) -> Any:
        """The client's method for ``operation_id``, found through the generated reference table."""
        row = reference_rows(self.package.api, self.out / "reference")[operation_id]
        return functools.reduce(getattr, row.call, client)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """The synthetic spec generated once for the module, importable while it runs."""
    out = tmp_path_factory.mktemp("constructs")
    package = generate_package(operation_constructs_spec(), out, PACKAGE)
    with importable(out):
        yield Generated(out, package)


def test_the_generated_package_is_ruff_and_mypy_strict_clean_and_imports(generated: Generated) -> None:
    assert ruff_problems(generated.out / PACKAGE) == ""
    assert mypy_problems(generated.out, PACKAGE) == []
    assert import_every_module(PACKAGE)


def test_every_construct_is_an_operation_of_the_client(generated: Generated) -> None:
    rows = reference_rows(generated.package.api, generated.out / "reference")
    assert {operation["operationId"] for _path, _method, operation in OPERATION_CONSTRUCTS} <= set(rows)


# --- calling them ----------------------------------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


class Codat:
    """Answers like Codat: JSON echoes, downloads, a pet by shape, empty bodies; records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path
        if path == "/any":
            return httpx.Response(200, content=request.content, headers={"content-type": "application/json"})
        if path.startswith("/downloads/"):
            media = DOWNLOAD_MEDIA_TYPES.get(path.rsplit("/", 1)[1], "application/zip")
            return httpx.Response(200, content=PAYLOAD, headers={"content-type": media})
        if path.startswith("/pets/"):
            return httpx.Response(200, content=request.content, headers={"content-type": "application/json"})
        if path in ("/empty/no-content", "/sync", "/async"):
            return httpx.Response(204)
        if path == "/empty/ok":
            return httpx.Response(200)
        if path == "/empty/maybe":
            return httpx.Response(204) if request.headers.get("x-empty") else httpx.Response(200, json=LEAF)
        if path.startswith("/uploads/"):
            return httpx.Response(200, json=LEAF)
        return httpx.Response(404, json={"statusCode": 404, "error": f"no {path}"})

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def codat() -> Codat:
    return Codat()


@pytest.fixture
def sync_client(generated: Generated, codat: Codat) -> Iterator[Any]:
    http = httpx.Client(transport=httpx.MockTransport(codat))
    with getattr(_package(), generated.package.client)(api_key="k", client=http) as client:
        yield client


@pytest.fixture
async def async_client(generated: Generated, codat: Codat) -> Any:
    http = httpx.AsyncClient(transport=httpx.MockTransport(codat))
    async with getattr(_package(), generated.package.async_client)(api_key="k", client=http) as client:
        yield client


def _package() -> Any:
    """The generated package (imported by name: it exists only once the fixture generated it)."""
    return importlib.import_module(PACKAGE)


def _models() -> Any:
    return _package().models


ANY_JSON = [1, {"nested": [True, None, "x"]}, "text"]


def test_any_json_body_is_sent_and_returned_as_is_sync(sync_client: Any, generated: Generated, codat: Codat) -> None:
    for operation_id in ("echo-any", "put-any"):
        assert generated.method(sync_client, operation_id)(body=ANY_JSON) == ANY_JSON
        assert json.loads(codat.last.content) == ANY_JSON


async def test_any_json_body_is_sent_and_returned_as_is_async(
    async_client: Any, generated: Generated, codat: Codat
) -> None:
    for operation_id in ("echo-any", "put-any"):
        assert await generated.method(async_client, operation_id)(body=ANY_JSON) == ANY_JSON
        assert json.loads(codat.last.content) == ANY_JSON


DOWNLOADS = {
    **{f"download-{name}": media for name, media in DOWNLOAD_MEDIA_TYPES.items()},
    "download-report": next(iter(REPORT_RESPONSE["content"])),
    "download-claimed": "application/octet-stream",
    "download-schemaless": DOWNLOAD_MEDIA_TYPES["xlsx"],
}


@pytest.mark.parametrize(("operation_id", "media_type"), DOWNLOADS.items())
def test_a_download_of_any_media_type_streams_sync(
    sync_client: Any, generated: Generated, codat: Codat, operation_id: str, media_type: str
) -> None:
    with generated.method(sync_client, operation_id)() as download:
        assert isinstance(download, BinaryResponse)
        assert download.read() == PAYLOAD
    assert media_type in codat.last.headers["accept"]


@pytest.mark.parametrize(("operation_id", "media_type"), DOWNLOADS.items())
async def test_a_download_of_any_media_type_streams_async(
    async_client: Any, generated: Generated, codat: Codat, operation_id: str, media_type: str
) -> None:
    async with await generated.method(async_client, operation_id)() as download:
        assert isinstance(download, AsyncBinaryResponse)
        assert await download.read() == PAYLOAD
    assert media_type in codat.last.headers["accept"]


@pytest.mark.parametrize("operation_id", ["create-pet-one-of", "create-pet-any-of"])
def test_a_union_body_is_sent_and_the_union_response_decodes_to_its_member_sync(
    sync_client: Any, generated: Generated, codat: Codat, operation_id: str
) -> None:
    models = _models()
    call = generated.method(sync_client, operation_id)
    assert isinstance(call(body=models.Leaf.from_dict(LEAF)), models.Leaf)
    assert json.loads(codat.last.content) == LEAF
    node = call(body=models.Node.from_dict(NODE))
    assert isinstance(node, models.Node) and node.to_dict() == NODE


@pytest.mark.parametrize("operation_id", ["create-pet-one-of", "create-pet-any-of"])
async def test_a_union_body_is_sent_and_the_union_response_decodes_to_its_member_async(
    async_client: Any, generated: Generated, codat: Codat, operation_id: str
) -> None:
    models = _models()
    call = generated.method(async_client, operation_id)
    assert isinstance(await call(body=models.Leaf.from_dict(LEAF)), models.Leaf)
    node = await call(body=models.Node.from_dict(NODE))
    assert isinstance(node, models.Node) and json.loads(codat.last.content) == NODE


def test_responses_without_content_return_none_sync(sync_client: Any, generated: Generated) -> None:
    assert generated.method(sync_client, "start-sync")() is None  # groups named sync and async work
    assert generated.method(sync_client, "start-async")() is None
    assert generated.method(sync_client, "delete-thing")() is None
    assert generated.method(sync_client, "touch-thing")() is None
    maybe = generated.method(sync_client, "maybe-leaf")
    assert isinstance(maybe(), _models().Leaf)
    assert maybe(extra_headers={"x-empty": "1"}) is None


async def test_responses_without_content_return_none_async(async_client: Any, generated: Generated) -> None:
    assert await generated.method(async_client, "start-sync")() is None
    assert await generated.method(async_client, "start-async")() is None
    assert await generated.method(async_client, "delete-thing")() is None
    assert await generated.method(async_client, "touch-thing")() is None
    maybe = generated.method(async_client, "maybe-leaf")
    assert isinstance(await maybe(), _models().Leaf)
    assert await maybe(extra_headers={"x-empty": "1"}) is None


def _form_field(request: httpx.Request) -> str:
    disposition = next(line for line in request.content.split(b"\r\n") if line.startswith(b"Content-Disposition"))
    return disposition.decode()


def test_a_bare_multipart_file_is_sent_as_the_field_file_sync(
    sync_client: Any, generated: Generated, codat: Codat
) -> None:
    assert isinstance(generated.method(sync_client, "upload-bare")(file=PAYLOAD), _models().Leaf)
    assert 'name="file"' in _form_field(codat.last)
    assert PAYLOAD in codat.last.content


async def test_a_bare_multipart_file_is_sent_as_the_field_file_async(
    async_client: Any, generated: Generated, codat: Codat
) -> None:
    assert isinstance(await generated.method(async_client, "upload-bare")(file=PAYLOAD), _models().Leaf)
    assert 'name="file"' in _form_field(codat.last)


def _form_parts(request: httpx.Request) -> list[tuple[str, bytes]]:
    """Each part's field name and content, in order."""
    boundary = request.headers["content-type"].split("boundary=", 1)[1].encode()
    parts = []
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.partition(b"\r\n\r\n")
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        parts.append((name, content.removesuffix(b"\r\n")))
    return parts


# Each file field was once assigned in turn, so only the last one's files were sent.
SEVERAL = {"statement": PAYLOAD, "receipts": [b"receipt 1", b"receipt 2"], "note": "March"}
SENT = [("statement", PAYLOAD), ("receipts", b"receipt 1"), ("receipts", b"receipt 2"), ("note", b"March")]


def test_every_file_field_of_a_multipart_body_is_sent_sync(
    sync_client: Any, generated: Generated, codat: Codat
) -> None:
    assert isinstance(generated.method(sync_client, "upload-several")(**SEVERAL), _models().Leaf)
    assert sorted(_form_parts(codat.last)) == sorted(SENT)
    generated.method(sync_client, "upload-several")(statement=PAYLOAD)
    assert _form_parts(codat.last) == [("statement", PAYLOAD)]


async def test_every_file_field_of_a_multipart_body_is_sent_async(
    async_client: Any, generated: Generated, codat: Codat
) -> None:
    assert isinstance(await generated.method(async_client, "upload-several")(**SEVERAL), _models().Leaf)
    assert sorted(_form_parts(codat.last)) == sorted(SENT)
