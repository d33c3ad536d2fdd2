"""What a handler is given (``Call``) and what it answers (``Reply``, or a raised ``Problem``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._routes import CheckedRequest, FilePart

_NO_JSON: Any = object()


@dataclass(frozen=True)
class Call:
    """One request, matched to its operation and checked against the spec (``request``)."""

    path: str
    """The path as requested (paging links repeat it)."""
    request: CheckedRequest

    @property
    def operation_id(self) -> str:
        return self.request.route.operation_id

    @property
    def path_params(self) -> Mapping[str, str]:
        return {name: str(value) for name, value in self.request.path_params.items()}

    @property
    def body(self) -> Any:
        """The JSON body, decoded (``{}`` without one, so handlers can ``.get`` from it)."""
        body = self.request.json_body
        return {} if body is None else body

    @property
    def files(self) -> tuple[FilePart, ...]:
        return self.request.files

    def param(self, name: str, default: Any = None) -> Any:
        """A query parameter as sent (typed), else the spec's default, else ``default``."""
        return self.request.param(name, default)


@dataclass(frozen=True)
class Reply:
    """A handler's answer: a JSON body (``json=``), raw bytes (``content=``), or no body."""

    status: int
    json: Any = _NO_JSON
    content: bytes | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_json(self) -> bool:
        return self.json is not _NO_JSON


class Problem(Exception):
    """Answer ``status`` with Codat's ``ErrorMessage`` saying ``message`` (404 for an unknown company, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what: str, ident: str) -> Problem:
    return Problem(404, f"{what} {ident} not found")
