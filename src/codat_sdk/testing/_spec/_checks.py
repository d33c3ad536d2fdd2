"""A request checked against its route as Codat checks it: auth, parameters, content type and body.

Each refusal is the ``RequestRejected`` Codat would answer: 401 without an API key, 415 for a body of a
media type the operation does not take, 400 naming the parameter or body field at fault otherwise.
Parameters come back typed (``pageSize`` an int); unknown query parameters are ignored, as Codat does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._multipart import FilePart, MultipartError, parse_multipart
from ._rejections import RequestRejected
from ._schemas import find_problem, resolve
from ._table import BodyContent, Parameter, Route

__all__ = ["CheckedRequest", "check_request"]

_TRUE, _FALSE = ("true", "1"), ("false", "0")
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


@dataclass(frozen=True)
class CheckedRequest:
    route: Route
    path_params: dict[str, Any]  # typed as the spec types them (a uuid stays a str)
    query: dict[str, Any]  # the operation's query parameters that were sent, typed; defaults not filled in
    headers: dict[str, str]  # as sent, names lower-cased
    json_body: Any  # the decoded JSON body; None without one
    raw_body: bytes
    media_type: str | None  # the body's media type (essence), None without a body
    files: tuple[FilePart, ...] = ()  # multipart parts, in order
    form: dict[str, str] = field(default_factory=dict)  # multipart parts that are not files

    def param(self, name: str, default: Any = None) -> Any:
        """A query parameter as sent, else its spec default, else ``default``."""
        if name in self.query:
            return self.query[name]
        declared = next((p for p in self.route.query_parameters if p.name == name), None)
        return declared.schema.get("default", default) if declared is not None else default


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    kind = _essence(media_type)
    return kind == "application/json" or kind.endswith("+json")


def _coerce(text: str, schema: Mapping[str, Any], route: Route, param: Parameter) -> Any:
    """A parameter's text as the JSON value its schema types (``"5"`` -> 5); unknown types stay text."""
    schema = resolve(schema, route.schemas)
    kind = schema.get("type")
    if isinstance(kind, list | tuple):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        options = [resolve(o, route.schemas) for o in (*schema.get("anyOf", ()), *schema.get("allOf", ()))]
        kind = next((o.get("type") for o in options if o.get("type") not in (None, "null")), None)
    if kind in ("integer", "number"):
        # Python's int() and float() also read "1_000", "٣", "nan" and "inf": no number Codat reads.
        number = (_INTEGER if kind == "integer" else _NUMBER).fullmatch(text.strip())
        if number is None:
            raise _bad(param, f"must be {'an integer' if kind == 'integer' else 'a number'}")
        return int(number.group()) if kind == "integer" else float(number.group())
    if kind == "boolean":
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
        raise _bad(param, "must be true or false")
    if kind == "array":
        items = schema.get("items") or {}
        values = text.split(",") if text else []
        return [_coerce(v, items, route, param) for v in values]
    return text


def _bad(param: Parameter, problem: str) -> RequestRejected:
    return RequestRejected(400, f"The {param.location} parameter {param.name} {problem}.", field=param.name)


def _typed(param: Parameter, texts: Sequence[str], route: Route) -> Any:
    schema = resolve(param.schema, route.schemas)
    if schema.get("type") == "array" and param.explode and len(texts) > 1:
        value: Any = [_coerce(t, schema.get("items") or {}, route, param) for t in texts]
    else:
        value = _coerce(texts[0], param.schema, route, param)
    problem = find_problem(value, param.schema, route.schemas)
    if problem is not None:
        raise _bad(param, problem.problem)
    return value


def _parameters(route: Route, location: str, sent: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    folded = {name.lower(): values for name, values in sent.items()}
    out: dict[str, Any] = {}
    for param in route.parameters:
        if param.location != location:
            continue
        texts = sent.get(param.name) or folded.get(param.name.lower()) or ()
        if not texts or (location != "query" and texts[0] == ""):
            if param.required:
                raise RequestRejected(400, f"The {location} parameter {param.name} is required.", field=param.name)
            continue
        out[param.name] = _typed(param, texts, route)
    return out


def _check_auth(route: Route, headers: Mapping[str, str]) -> None:
    if not route.auth_required or not route.auth_headers:
        return
    if not any(headers.get(name.lower(), "").strip() for name in route.auth_headers):
        raise RequestRejected(401, f"Unauthorized: no API key in the {' or '.join(route.auth_headers)} header.")


def _content_for(route: Route, media_type: str) -> BodyContent | None:
    assert route.request_body is not None
    essence = _essence(media_type)
    for content in route.request_body.content:
        declared = _essence(content.media_type)
        if declared == essence or declared in ("*/*", f"{essence.split('/')[0]}/*"):
            return content
        if _is_json(declared) and _is_json(essence):
            return content
    return None


def _json_body(content: BodyContent, body: bytes, route: Route) -> Any:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RequestRejected(400, "The request body is not valid JSON.", field="body") from None
    problem = find_problem(value, content.schema, route.schemas)
    if problem is not None:
        where = f"body.{problem.where}" if problem.where and not problem.where.startswith("[") else "body"
        where = f"body{problem.where}" if problem.where.startswith("[") else where
        raise RequestRejected(400, f"The request body field {where} {problem.problem}.", field=where)
    return value


def _multipart(
    content: BodyContent, media_type: str, body: bytes, route: Route
) -> tuple[list[FilePart], dict[str, str]]:
    try:
        parts = parse_multipart(media_type, body)
    except MultipartError as exc:
        raise RequestRejected(400, f"The request body is not valid multipart/form-data: {exc}.", field="body") from None
    # A part with a file name or a media type of its own is a file; the rest are form fields.
    files = [p for p in parts if p.filename is not None or p.content_type != "text/plain"]
    form = {p.name: p.data.decode("utf-8", "replace") for p in parts if p not in files}
    schema = resolve(content.schema, route.schemas)
    sent = {f.name for f in files} | form.keys()
    for required in schema.get("required", ()):
        if required not in sent:
            raise RequestRejected(400, f"The form field {required} is required.", field=required)
    return files, form


def check_request(
    route: Route,
    path_params: Mapping[str, str],
    query: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> CheckedRequest:
    """``route``'s request checked as Codat checks it; raises RequestRejected with the status it answers."""
    lowered = {name.lower(): value for name, value in headers.items()}
    _check_auth(route, lowered)
    typed_path = _parameters(route, "path", {name: [value] for name, value in path_params.items()})
    typed_query = _parameters(route, "query", query)
    _parameters(route, "header", {name: [value] for name, value in lowered.items()})
    json_body: Any = None
    files: list[FilePart] = []
    form: dict[str, str] = {}
    media_type: str | None = None
    declared = route.request_body
    if declared is not None and body:
        sent_type = lowered.get("content-type", "")
        content = _content_for(route, sent_type) if sent_type else None
        if content is None:
            accepted = ", ".join(declared.media_types())
            raise RequestRejected(415, f"Unsupported media type {_essence(sent_type) or '(none)'}: send {accepted}.")
        media_type = _essence(sent_type)
        if _is_json(media_type):
            json_body = _json_body(content, body, route)
        elif media_type == "multipart/form-data":
            files, form = _multipart(content, sent_type, body, route)
    elif declared is not None and declared.required:
        raise RequestRejected(400, "A non-empty request body is required.", field="body")
    return CheckedRequest(
        route=route,
        path_params=typed_path,
        query=typed_query,
        headers=lowered,
        json_body=json_body,
        raw_body=body,
        media_type=media_type,
        files=tuple(files),
        form=form,
    )
