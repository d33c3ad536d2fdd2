"""The error statuses an operation documents, each with the exception the runtime raises for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codat_sdk._errors import STATUS_ERRORS, UnexpectedStatusError

from .spec_nodes import follow_refs
from .spec_text import first_sentence


@dataclass(frozen=True)
class ErrorStatusView:
    status: str  # as the spec writes it: "404", "4XX"
    exception: str  # the codat_sdk class raised for it
    description: str  # the spec's first sentence about it, plain text


def exception_for(status: str) -> str:
    """The ``codat_sdk`` class the runtime raises for ``status`` (codat_sdk._errors.STATUS_ERRORS)."""
    kind = STATUS_ERRORS.get(int(status), UnexpectedStatusError) if status.isdigit() else UnexpectedStatusError
    return kind.__name__


def error_statuses(spec: dict[str, Any], operation: dict[str, Any]) -> list[ErrorStatusView]:
    """Every non-2xx status ``operation`` documents, in the spec's order of status codes."""
    errors = []
    for status, response in sorted(operation.get("responses", {}).items()):
        status = str(status)
        if status[:1] in ("1", "2", "3") or status == "default":
            continue
        text = str(follow_refs(spec, response).get("description") or "")
        errors.append(ErrorStatusView(status, exception_for(status), first_sentence(text)))
    return errors
