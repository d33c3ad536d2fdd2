"""The corpus harness itself: how a GET's outcome is classified, and the table it prints.

Built from fabricated responses and Prism reports, so each rule is checked without a spec or Prism: an
error counts as the spec's fault only when Prism (or the example's JSON type) says so; anything else,
and any request violation, is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from codat_sdk import InternalServerError, ResponseValidationError
from codegen.normalise import default_operation_id
from devtools.prism import Violation
from tests.corpus.corpus import (
    TABLE_HEADER,
    GetOutcome,
    SpecFault,
    SpecOperation,
    SpecResult,
    classify,
    row,
    spec_operations,
)
from tests.e2e.harness import Seen, ViolationLog

ISSUE_HEADER = "spec | operations | warnings | ruff/mypy | GETs decoded / called | examples that break their own schema"
OBJECT = {"properties": {"results": {"type": "array"}}}  # no ``type``: every generator reads an object
DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "list-things",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": OBJECT}}}},
            }
        }
    },
}
OP = SpecOperation("list-things", "get", "/things", DOCUMENT["paths"]["/things"]["get"])


def _response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("GET", "http://127.0.0.1/things"))


def _log(*sides: str) -> ViolationLog:
    log = ViolationLog()
    for side in sides:
        violation: Violation = {"location": [side, "body"], "severity": "Error", "code": "type", "message": "m"}
        log.seen.append(Seen("GET", "http://127.0.0.1/things", 200, [violation]))
    return log


def _invalid(body: Any) -> ResponseValidationError:
    return ResponseValidationError("does not match", response=_response(200, body))


def test_the_table_has_the_issues_columns() -> None:
    assert TABLE_HEADER[0] == f"| {ISSUE_HEADER} |"


def test_a_decoded_get_without_reports_is_clean() -> None:
    assert classify(DOCUMENT, OP, ViolationLog(), []) == GetOutcome("list-things", decoded=True)


def test_a_request_violation_is_our_failure_even_when_decoded() -> None:
    outcome = classify(DOCUMENT, OP, _log("request"), [])
    assert outcome.problem is not None and "our bug" in outcome.problem


def test_a_response_violation_names_the_example_and_excuses_a_rejected_body() -> None:
    outcome = classify(DOCUMENT, OP, _log("response"), [_invalid({"results": "x"})])
    assert (outcome.decoded, outcome.fault, outcome.problem) == (False, SpecFault.EXAMPLE_VIOLATES_SCHEMA, None)


def test_a_response_violation_does_not_excuse_another_error() -> None:
    outcome = classify(DOCUMENT, OP, _log("response"), [NameError("isoparse")])
    assert outcome.fault is SpecFault.EXAMPLE_VIOLATES_SCHEMA
    assert outcome.problem == "NameError: isoparse"


def test_an_example_of_another_json_type_is_the_specs_fault() -> None:
    outcome = classify(DOCUMENT, OP, ViolationLog(), [_invalid([{"results": []}])])
    assert (outcome.fault, outcome.problem) == (SpecFault.EXAMPLE_OF_ANOTHER_TYPE, None)


def test_a_rejected_body_of_the_right_type_without_a_report_is_a_failure() -> None:
    outcome = classify(DOCUMENT, OP, ViolationLog(), [_invalid({"results": "not a list"})])
    assert outcome.fault is None and outcome.problem is not None


def test_prisms_own_500_is_a_download_it_cannot_mock() -> None:
    problem = {"type": "https://stoplight.io/prism/errors#UNKNOWN", "title": "Cannot find serializer", "status": 500}
    outcome = classify(DOCUMENT, OP, ViolationLog(), [InternalServerError(_response(500, problem))])
    assert (outcome.fault, outcome.problem) == (SpecFault.PRISM_CANNOT_MOCK, None)


def test_a_500_of_the_spec_is_a_failure() -> None:
    error = InternalServerError(_response(500, {"statusCode": 500, "error": "boom"}))
    assert classify(DOCUMENT, OP, ViolationLog(), [error]).problem is not None


@pytest.mark.parametrize(
    ("gets", "decoded", "faults"),
    [
        (None, "not run", "not run"),
        ([GetOutcome("a", True), GetOutcome("b", True)], "2 / 2", "0"),
        (
            [
                GetOutcome("b", False, SpecFault.EXAMPLE_VIOLATES_SCHEMA),
                GetOutcome("a", True, SpecFault.EXAMPLE_VIOLATES_SCHEMA),
                GetOutcome("c", False, SpecFault.EXAMPLE_OF_ANOTHER_TYPE),
                GetOutcome("d", False, SpecFault.PRISM_CANNOT_MOCK),
                GetOutcome("e", True),
            ],
            "2 / 5",
            "3: a, b, c†; Prism cannot mock: d",
        ),
    ],
)
def test_a_row_counts_and_names(gets: list[GetOutcome] | None, decoded: str, faults: str) -> None:
    result = SpecResult(Path("Codat-Things.json"), DOCUMENT, Path("unused"), ruff="", mypy=[], gets=gets)
    assert row(result) == f"| Codat-Things.json | 1 | 0 | clean | {decoded} | {faults} |"


def test_an_operation_without_an_operation_id_is_named_as_generation_names_it() -> None:
    """The harness read ``operation["operationId"]``: a spec without one was a KeyError before any check."""
    document: dict[str, Any] = {"paths": {"/widgets/{id}": {"get": {"responses": {}}}}}
    [operation] = spec_operations(document)
    assert operation.operation_id == default_operation_id("get", "/widgets/{id}")
