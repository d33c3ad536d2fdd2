"""Every operation of both pinned specs, called through the SDK (sync and async) against Prism.

The operation list comes from the raw spec JSON (minus ``x-speakeasy-ignore``), so an operation a spec
bump adds is exercised without editing this file. Arguments are built generically from the spec:

* path parameters from the parameter's example, its schema's example/enum, or a uuid for format uuid;
  converted to the type ``build``'s annotation asks for (``UUID``, an enum class, ``str``);
* required query parameters from their examples;
* a JSON body from the spec's request example (first ``examples`` value, else ``example``), or, when
  the spec has none, one synthesised from the schema; turned into the model named by the annotation of
  ``build``'s ``body`` parameter with its ``from_dict``;
* a multipart body as a small bytes payload for each binary property.

Each call must return without raising, with a result of (roughly) the type ``parse`` is annotated with,
and Prism must report no request violation (checked by the autouse fixture in conftest.py, and here).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import typing
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import AsyncBinaryResponse, BinaryResponse, DecodeError, ResponseValidationError, SyncAPIClient
from tests.e2e.harness import ViolationLog
from tests.e2e.spec_support import (
    APIS,
    NO_SOURCE,
    RequestBody,
    SpecOperation,
    annotation_members,
    as_annotated,
    has_source,
    load_spec,
    parameter_value,
    parameters,
    reference_count,
    reference_rows,
    request_body,
    schema_example,
    snake,
    spec_operations,
)

# Which spec examples break their own schemas is read from Prism, never listed here (a bump may fix or add
# some): a response Prism reports as violating the spec is the spec's bug, and the SDK may then reject it
# with ResponseValidationError or decode it leniently. A request violation is always ours.

UPLOAD_PAYLOAD = b"%PDF-1.4\n% a tiny upload from the SDK e2e tests\n"

OPERATIONS = [op for api in APIS for op in spec_operations(api)] if has_source() else []
OPERATION_PARAMS = [pytest.param(op, id=op.id) for op in OPERATIONS] or [
    pytest.param(None, id="no-spec-source", marks=pytest.mark.skip(reason=NO_SOURCE))
]


# --- building a call from the spec ------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    op: SpecOperation
    method_path: tuple[str, ...]  # attribute path from the client, e.g. ("connection_management", "cors", "get")
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    returns: Any  # the annotation of the operation module's ``parse``; None for a download
    binary: bool

    def bound(self, client: object) -> Any:
        return functools.reduce(getattr, self.method_path, client)


def _body_model(annotation: Any) -> Any:
    """The attrs model in ``body``'s annotation (``Model`` or ``Model | Unset``), else None."""
    for member in annotation_members(annotation):
        if isinstance(member, type) and hasattr(member, "from_dict"):
            return member
    return None


def _body(op: SpecOperation, model: Any, body: RequestBody) -> Any:
    """The request body model from the spec's example, or, where that example breaks the spec's own schema
    (a spec bug), from the schema itself."""
    try:
        return model.from_dict(body.example)
    except DecodeError:
        if not body.from_spec_example:
            raise
        return model.from_dict(schema_example(load_spec(op.api), body.schema, examples=False))


def prepare(op: SpecOperation) -> Call:
    module = importlib.import_module(op.module_name)
    build = module.build
    hints = typing.get_type_hints(build)
    signature = inspect.signature(build)
    path_values: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    for param in parameters(op):
        name = snake(param["name"])
        if param["in"] == "path":
            assert name in signature.parameters, f"{op.id}: build() has no parameter {name}"
            path_values[name] = as_annotated(parameter_value(op, param), hints[name])
        elif param.get("required"):
            assert param["in"] == "query", f"{op.id}: a required {param['in']} parameter is not supported here"
            kwargs[name] = as_annotated(parameter_value(op, param), hints[name])
    body = request_body(op)
    if body is not None and body.media_type == "multipart/form-data":
        for prop_name in body.schema.get("properties", {}):
            kwargs[snake(prop_name)] = UPLOAD_PAYLOAD
    elif body is not None:
        assert "body" in signature.parameters, f"{op.id}: a {body.media_type} body but build() takes no body"
        model = _body_model(hints["body"])
        kwargs["body"] = _body(op, model, body) if model is not None else body.example
    # Path parameters positionally, in build()'s order (the resource methods share it).
    args = tuple(path_values[name] for name in signature.parameters if name in path_values)
    signature.bind(*args, **kwargs)  # every required parameter of build() is covered
    parse = getattr(module, "parse", None)
    returns = typing.get_type_hints(parse)["return"] if parse is not None else None
    row = reference_rows(op.api)[op.operation_id]
    return Call(op, row.call, args, kwargs, returns, binary=parse is None)


def check_result(call: Call, result: Any, binary_type: type) -> None:
    if call.binary:
        assert isinstance(result, binary_type), f"{call.op.id}: expected {binary_type.__name__}, got {result!r}"
        return
    expected = call.returns
    if expected is None or expected is type(None):
        assert result is None, f"{call.op.id}: expected None, got {result!r}"
        return
    origin = typing.get_origin(expected)
    if origin is list:
        assert isinstance(result, list), f"{call.op.id}: expected a list, got {result!r}"
        (item,) = typing.get_args(expected) or (object,)
        if isinstance(item, type):
            assert all(isinstance(element, item) for element in result), f"{call.op.id}: {result!r}"
        return
    allowed = tuple(m if isinstance(m, type) else typing.get_origin(m) for m in annotation_members(expected))
    assert isinstance(result, allowed), f"{call.op.id}: expected {expected}, got {result!r}"


def _client(op: SpecOperation, platform: object, files: object) -> object:
    return platform if op.api == "platform" else files


def _check_warnings(op: SpecOperation, caught: list[warnings.WarningMessage]) -> None:
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    if op.deprecated:
        assert deprecations, f"{op.id} is deprecated in the spec but calling it warned nothing"
    else:
        assert not deprecations, f"{op.id}: unexpected {[str(w.message) for w in deprecations]}"


def _check_violations(op: SpecOperation, log: ViolationLog) -> None:
    assert log.request_violations() == [], log.report()


# --- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATION_PARAMS)
def test_operation_sync(
    op: SpecOperation, platform_client: CodatPlatform, files_client: CodatFiles, violation_log: ViolationLog
) -> None:
    call = prepare(op)
    method = call.bound(_client(op, platform_client, files_client))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = method(*call.args, **call.kwargs)
        except ResponseValidationError:
            if not violation_log.response_violations():  # a body the spec's own schema accepts must decode
                raise
            result = None
        else:
            check_result(call, result, BinaryResponse)
    _check_warnings(op, caught)
    if isinstance(result, BinaryResponse):
        with result:
            assert isinstance(result.read(), bytes)
    _check_violations(op, violation_log)


@pytest.mark.parametrize("op", OPERATION_PARAMS)
async def test_operation_async(
    op: SpecOperation,
    async_platform_client: AsyncCodatPlatform,
    async_files_client: AsyncCodatFiles,
    violation_log: ViolationLog,
) -> None:
    call = prepare(op)
    method = call.bound(_client(op, async_platform_client, async_files_client))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = await method(*call.args, **call.kwargs)
        except ResponseValidationError:
            if not violation_log.response_violations():  # a body the spec's own schema accepts must decode
                raise
            result = None
        else:
            check_result(call, result, AsyncBinaryResponse)
    _check_warnings(op, caught)
    if isinstance(result, AsyncBinaryResponse):
        async with result:
            assert isinstance(await result.read(), bytes)
    _check_violations(op, violation_log)


def test_every_operation_is_covered() -> None:
    """Every operation of both specs: the computed list, the reference tables and the SDK agree.

    Counted from the specs, not pinned here: an operation a spec bump adds is covered without an edit.
    """
    if not has_source():
        pytest.skip(NO_SOURCE)
    for api in APIS:
        ops = {op.operation_id: op for op in OPERATIONS if op.api == api}
        assert ops, f"{api}: no operations computed from the spec"
        rows = reference_rows(api)
        assert set(rows) == set(ops), f"{api}: reference table and spec disagree"
        assert reference_count(api) == len(ops)
        for operation_id, op in ops.items():
            row = rows[operation_id]
            assert row.http == f"{op.method.upper()} {op.path}", operation_id
            assert row.deprecated == op.deprecated, operation_id
    assert len(OPERATION_PARAMS) == len(OPERATIONS)


def test_sync_and_async_clients_expose_the_same_calls() -> None:
    """Every reference-table call path resolves on both the sync and the async client."""
    if not has_source():
        pytest.skip(NO_SOURCE)
    clients: list[tuple[str, Any]] = [
        ("platform", CodatPlatform(api_key="k", server_url="http://127.0.0.1:9")),
        ("platform", AsyncCodatPlatform(api_key="k", server_url="http://127.0.0.1:9")),
        ("files", CodatFiles(api_key="k", server_url="http://127.0.0.1:9")),
        ("files", AsyncCodatFiles(api_key="k", server_url="http://127.0.0.1:9")),
    ]
    for api, client in clients:
        for row in reference_rows(api).values():
            method = functools.reduce(getattr, row.call, client)
            assert callable(method), f"{type(client).__name__}: {'.'.join(row.call)}"
            if row.deprecated and sys.version_info < (3, 12):
                # typing_extensions.deprecated can mark its wrapper as a coroutine function only on 3.12+.
                continue
            assert inspect.iscoroutinefunction(method) != isinstance(client, SyncAPIClient), row.operation_id
        if isinstance(client, SyncAPIClient):
            client.close()
