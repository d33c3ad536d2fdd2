"""The corpus: every other spec Codat publishes (``<spec source>/corpus/``), generated and checked like ours.

For each spec: generation with no generator warning, ruff and mypy --strict on the output, an import of
every module, every operation reachable on the sync and the async client, and every GET called against
Prism serving that spec, sync and async, its response decoded. Operations whose spec examples break
the spec's own schema (Prism reports a *response* violation) are spec bugs: counted and named apart.

Nothing here names a spec, an operation or a count: all of it is read from the specs, so a spec Codat
adds to the corpus is checked without an edit. The results fill the table printed at the end of the run
(:func:`table`).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import typing
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from codat_sdk import APIStatusError, AsyncBinaryResponse, BinaryResponse, ResponseValidationError
from codegen.config import PackageConfig
from codegen.errors import GenerationError, GeneratorWarnings
from codegen.generate import generate_spec
from codegen.naming import identifier, module_names
from codegen.normalise import default_operation_id
from codegen.source import SPEC_SUFFIXES, default_source, load_document
from devtools.prism import PrismServer, run_server
from tests.e2e import harness
from tests.e2e.harness import ViolationLog
from tests.e2e.spec_support import (
    HTTP_METHODS,
    ReferenceRow,
    as_annotated,
    example_value,
    reference_rows,
    resolve,
    snake,
)

PACKAGE_PREFIX = "corpus_"
# Prism only checks that an Authorization header is present; one call is one request (no retry waits).
API_KEY = harness.API_KEY
NO_RETRIES = harness.NO_RETRIES
# A generous bound for every Prism of the corpus starting at once on a busy 2-core machine.
PRISM_READY_TIMEOUT = 180.0


def corpus_dir() -> Path | None:
    """``<spec source>/corpus/`` when the configured source is a local directory holding one."""
    source = default_source()
    if source is None or source.startswith(("http://", "https://")):
        return None
    directory = Path(source) / "corpus"
    return directory if directory.is_dir() else None


def corpus_specs() -> list[Path]:
    directory = corpus_dir()
    if directory is None:
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in SPEC_SUFFIXES)


def package_name(spec: Path) -> str:
    """``Codat-Sync-Payables.json`` -> ``corpus_codat_sync_payables`` (never one of the shipped packages)."""
    return PACKAGE_PREFIX + identifier(spec.stem)


@dataclass(frozen=True)
class SpecOperation:
    operation_id: str
    method: str
    path: str
    raw: dict[str, Any]


def spec_operations(document: dict[str, Any]) -> list[SpecOperation]:
    """The operations the SDK generates: every one not marked ``x-speakeasy-ignore``."""
    found = [
        SpecOperation(str(operation.get("operationId") or default_operation_id(method, path)), method, path, operation)
        for path, item in document.get("paths", {}).items()
        for method in HTTP_METHODS
        if isinstance(operation := item.get(method), dict) and not operation.get("x-speakeasy-ignore")
    ]
    return sorted(found, key=lambda op: op.operation_id)


# --- one spec's results: a row of the table ---------------------------------------------------------


class SpecFault(Enum):
    """Why a GET could not be decoded although the SDK is not at fault: the spec is."""

    # Prism reports a response violation: the spec's example breaks the spec's own schema.
    EXAMPLE_VIOLATES_SCHEMA = "example violates schema"
    # The example's JSON type is not the one the schema declares (``properties`` without ``type`` implies
    # an object to every generator; JSON Schema, and so Prism, lets an array through).
    EXAMPLE_OF_ANOTHER_TYPE = "example of another JSON type"
    # Prism answers its own 500: the spec gives it nothing it can serve (a download documented as an
    # object, or without a schema or example).
    PRISM_CANNOT_MOCK = "Prism cannot mock"


@dataclass
class GetOutcome:
    operation_id: str
    decoded: bool  # sync and async both returned their documented type
    fault: SpecFault | None = None  # the spec's fault, when there is one (decoded or not)
    detail: str = ""  # what Prism or the SDK said
    problem: str | None = None  # what went wrong when the spec is not at fault: a failure


@dataclass
class SpecResult:
    spec: Path
    document: dict[str, Any]
    root: Path  # the package (and reference/) are generated here
    package: PackageConfig | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # generation failed for another reason than a warning
    ruff: str | None = None
    mypy: list[str] | None = None
    gets: list[GetOutcome] | None = None

    @property
    def operations(self) -> list[SpecOperation]:
        return spec_operations(self.document)

    @property
    def get_operations(self) -> list[SpecOperation]:
        return [op for op in self.operations if op.method == "get"]

    def reference(self) -> dict[str, ReferenceRow]:
        assert self.package is not None
        return reference_rows(self.package.api, self.root / "reference")


def generate(spec: Path, out: Path) -> SpecResult:
    """Generate ``spec`` into ``out/<package>/``; warnings and errors are recorded, not raised."""
    result = SpecResult(spec, load_document(str(spec)), out / package_name(spec))
    result.root.mkdir(parents=True)
    try:
        result.package = generate_spec(str(spec), result.root, package_name(spec))
    except GeneratorWarnings as exc:
        result.warnings = exc.warnings
    except GenerationError as exc:
        result.error = str(exc)
    return result


# --- clients and calls --------------------------------------------------------------------------------


def clients(result: SpecResult) -> tuple[type[Any], type[Any]]:
    assert result.package is not None
    module = importlib.import_module(result.package.package)
    return getattr(module, result.package.client), getattr(module, result.package.async_client)


def call_arguments(result: SpecResult, op: SpecOperation) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Path parameters (positional, in ``build``'s order) and required query/header parameters."""
    assert result.package is not None
    modules = module_names(other.operation_id for other in result.operations)  # as generation names them
    module = importlib.import_module(f"{result.package.package}.operations.{modules[op.operation_id]}")
    hints = typing.get_type_hints(module.build)
    signature = inspect.signature(module.build)
    item = result.document["paths"][op.path]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*item.get("parameters", []), *op.raw.get("parameters", [])]:
        param = resolve(result.document, raw)
        merged[(param["name"], param["in"])] = param
    path_values: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    for param in merged.values():
        name = snake(param["name"])
        if param["in"] == "path":
            path_values[name] = as_annotated(example_value(result.document, param), hints[name])
        elif param.get("required") and name in signature.parameters:
            kwargs[name] = as_annotated(example_value(result.document, param), hints[name])
    args = tuple(path_values[name] for name in signature.parameters if name in path_values)
    signature.bind(*args, **kwargs)  # every required parameter of build() is covered
    return args, kwargs


def _bound(client: Any, row: ReferenceRow) -> Any:
    return functools.reduce(getattr, row.call, client)


def _decode_sync(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    result = method(*args, **kwargs)
    if isinstance(result, BinaryResponse):
        with result:
            result.read()


async def _decode_async(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    result = await method(*args, **kwargs)
    if isinstance(result, AsyncBinaryResponse):
        async with result:
            await result.read()


def call_gets(result: SpecResult, url: str) -> list[GetOutcome]:
    """Every GET of ``result``'s spec, sync then async, against Prism at ``url``."""
    sync_class, async_class = clients(result)
    rows = result.reference()
    outcomes = []
    for op in result.get_operations:
        log = ViolationLog()
        errors: list[Exception] = []
        args, kwargs = call_arguments(result, op)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # deprecated GETs are called all the same
            try:
                with harness.sync_http(log) as http:
                    client = sync_class(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)
                    _decode_sync(_bound(client, rows[op.operation_id]), args, kwargs)
            except Exception as exc:
                errors.append(exc)
            try:
                asyncio.run(_call_async(async_class, url, log, rows[op.operation_id], args, kwargs))
            except Exception as exc:
                errors.append(exc)
        outcomes.append(classify(result.document, op, log, errors))
    return outcomes


def classify(document: dict[str, Any], op: SpecOperation, log: ViolationLog, errors: list[Exception]) -> GetOutcome:
    """A GET's outcome from what Prism reported and what the calls raised: every error must be the spec's
    fault (a ResponseValidationError where the example is wrong, Prism's own 500), else it is a failure."""
    outcome = GetOutcome(op.operation_id, decoded=not errors)
    ours = log.report()
    if ours:
        outcome.problem = f"request violations (our bug):\n{ours}"
        return outcome
    if log.response_violations():
        outcome.fault = SpecFault.EXAMPLE_VIOLATES_SCHEMA
        outcome.detail = "\n".join(s.describe(only_request=False) for s in log.response_violations())
    unexplained = []
    for exc in errors:
        fault = _fault(document, op, exc, violated=outcome.fault is not None)
        if fault is None:
            unexplained.append(exc)
        elif outcome.fault is None:
            outcome.fault, outcome.detail = fault, str(exc)
    if unexplained:
        outcome.problem = "\n".join(f"{type(exc).__name__}: {exc}" for exc in unexplained)
    return outcome


def _fault(document: dict[str, Any], op: SpecOperation, exc: Exception, violated: bool) -> SpecFault | None:
    """The spec's fault that explains ``exc``, if one does."""
    if isinstance(exc, ResponseValidationError):
        if violated:
            return SpecFault.EXAMPLE_VIOLATES_SCHEMA
        if _other_type(document, op, exc):
            return SpecFault.EXAMPLE_OF_ANOTHER_TYPE
    if isinstance(exc, APIStatusError) and _prism_own_error(exc):
        return SpecFault.PRISM_CANNOT_MOCK
    return None


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")


def _other_type(document: dict[str, Any], op: SpecOperation, exc: ResponseValidationError) -> bool:
    """Whether the body's JSON type differs from the one the success schema declares or implies."""
    response = resolve(document, op.raw.get("responses", {}).get(str(exc.status_code), {}))
    media = next((m for t, m in (response.get("content") or {}).items() if "json" in t), None)
    schema = resolve(document, (media or {}).get("schema", {}))
    declared = schema.get("type") or ("object" if "properties" in schema else "array" if "items" in schema else None)
    try:
        body = exc.response.json()
    except ValueError:
        return False
    return isinstance(declared, str) and declared != _json_type(body)


# Prism's own problem documents (not the spec's responses) carry a type under this URL.
_PRISM_ERRORS = "https://stoplight.io/prism/errors#"


def _prism_own_error(exc: APIStatusError) -> bool:
    try:
        problem = exc.response.json()
    except ValueError:
        return False
    return isinstance(problem, dict) and str(problem.get("type", "")).startswith(_PRISM_ERRORS)


async def _call_async(
    async_class: type[Any],
    url: str,
    log: ViolationLog,
    row: ReferenceRow,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    async with harness.async_http(log) as http:
        client = async_class(api_key=API_KEY, server_url=url, client=http, retry_config=NO_RETRIES)
        await _decode_async(_bound(client, row), args, kwargs)


def unreachable(result: SpecResult) -> list[str]:
    """Operations of the spec that are not a method of both clients (sync: plain, async: coroutine)."""
    sync_class, async_class = clients(result)
    rows = result.reference()
    missing = []
    for client_class in (sync_class, async_class):
        client = client_class(api_key=API_KEY, server_url="http://127.0.0.1:9")
        for op in result.operations:
            row = rows.get(op.operation_id)
            method = None if row is None else _safe_bound(client, row)
            is_async = client_class is async_class
            if method is None or not callable(method) or inspect.iscoroutinefunction(method) != is_async:
                missing.append(f"{client_class.__name__}: {op.operation_id}")
        close = getattr(client, "close", None)
        if close is not None:
            close()
    return missing


def _safe_bound(client: Any, row: ReferenceRow) -> Any:
    try:
        return _bound(client, row)
    except AttributeError:
        return None


# --- Prism for every spec at once -----------------------------------------------------------------------


@contextmanager
def serve_all(specs: list[Path]) -> Iterator[dict[Path, Future[PrismServer]]]:
    """One Prism per spec, all starting at once in the background (each takes seconds of node start-up)."""
    with ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=max(1, len(specs))))
        managers = {spec: run_server(spec=str(spec), ready_timeout=PRISM_READY_TIMEOUT) for spec in specs}
        futures = {spec: pool.submit(manager.__enter__) for spec, manager in managers.items()}
        for spec, manager in managers.items():
            stack.callback(_stop_when_started, futures[spec], manager)
        yield futures


def _stop_when_started(future: Future[PrismServer], manager: Any) -> None:
    if future.exception() is None:
        manager.__exit__(None, None, None)


# --- the table -----------------------------------------------------------------------------------------

TABLE_HEADER = (
    "| spec | operations | warnings | ruff/mypy | GETs decoded / called | examples that break their own schema |",
    "| --- | ---: | ---: | --- | ---: | --- |",
)


def _lint_cell(result: SpecResult) -> str:
    if result.ruff is None or result.mypy is None:
        return "not run"
    if not result.ruff and not result.mypy:
        return "clean"
    ruff_count = len(result.ruff.strip().splitlines()) if result.ruff else 0
    return f"{ruff_count} ruff, {len(result.mypy)} mypy"


def _faults_cell(gets: list[GetOutcome]) -> str:
    """The operations whose spec examples break their own schema (count, names; † JSON type only), then
    the downloads Prism cannot mock."""
    broken = sorted(
        g.operation_id + ("†" if g.fault is SpecFault.EXAMPLE_OF_ANOTHER_TYPE else "")
        for g in gets
        if g.fault in (SpecFault.EXAMPLE_VIOLATES_SCHEMA, SpecFault.EXAMPLE_OF_ANOTHER_TYPE)
    )
    cell = f"{len(broken)}: {', '.join(broken)}" if broken else "0"
    unmockable = sorted(g.operation_id for g in gets if g.fault is SpecFault.PRISM_CANNOT_MOCK)
    return cell + (f"; Prism cannot mock: {', '.join(unmockable)}" if unmockable else "")


def row(result: SpecResult) -> str:
    gets = result.gets
    decoded = "not run" if gets is None else f"{sum(g.decoded for g in gets)} / {len(gets)}"
    faults = "not run" if gets is None else _faults_cell(gets)
    warnings_cell = str(len(result.warnings)) if result.error is None else "error"
    cells = [result.spec.name, str(len(result.operations)), warnings_cell, _lint_cell(result), decoded, faults]
    return "| " + " | ".join(cells) + " |"


TABLE_NOTE = (
    "† the example's JSON type is not the schema's (an array where the schema declares object properties"
    " without `type`: JSON Schema, and so Prism, accepts it; every generator reads an object).\n"
    "Prism cannot mock: Prism answers its own 500 (a download documented as an object, or with no schema)."
)


def table(results: list[SpecResult]) -> str:
    return "\n".join([*TABLE_HEADER, *(row(result) for result in results), "", TABLE_NOTE])
