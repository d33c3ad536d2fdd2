"""Routes of a generated package's route table (``codat_sdk_<api>._routes``), and matching requests to them."""

from __future__ import annotations

import copy
import functools
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from ._rejections import MethodNotAllowed, RouteNotFound

__all__ = ["BodyContent", "Parameter", "RequestBody", "Response", "Route", "RouteTable"]

# The generated package holding each API's table, by API name.
_PACKAGES = {"platform": "codat_sdk_platform", "files": "codat_sdk_files"}
_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # "path", "query", "header" or "cookie"
    required: bool
    deprecated: bool
    style: str
    explode: bool
    schema: Mapping[str, Any] = field(hash=False, compare=False)  # trimmed, refs into the table's schemas

    @property
    def format(self) -> str | None:
        fmt = self.schema.get("format")
        return fmt if isinstance(fmt, str) else None


@dataclass(frozen=True, slots=True)
class BodyContent:
    media_type: str
    model: str | None  # the generated class decoding it (in ``codat_sdk_<api>.models``), if one does
    schema: Mapping[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    content: tuple[BodyContent, ...]

    def media_types(self) -> tuple[str, ...]:
        return tuple(c.media_type for c in self.content)


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "4XX", "default"
    media_type: str | None  # None for a response without content
    model: str | None
    sample: Any = field(default=None, hash=False, compare=False)  # schema-built, for a 2xx JSON response

    def fresh_sample(self) -> Any:
        """A copy of ``sample`` to change (``sample`` itself is shared by every caller)."""
        return copy.deepcopy(self.sample)


@dataclass(frozen=True, slots=True)
class Route:
    """One operation, as the spec declares it and the generated client calls it."""

    api: str  # "platform" | "files"
    operation_id: str
    group: str  # the client attribute path, e.g. "companies", "cors"
    method_name: str  # e.g. "list"
    http_method: str  # "GET", ...
    path_template: str  # "/companies/{companyId}"
    deprecated: bool
    auth_required: bool
    auth_headers: tuple[str, ...]  # where an API key may go (``Authorization``)
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    schemas: Mapping[str, Any] = field(hash=False, compare=False, repr=False)  # the table's components

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def header_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "header")

    def parameter(self, name: str) -> Parameter:
        found = next((p for p in self.parameters if p.name == name), None)
        if found is None:
            raise KeyError(f"{self.operation_id} has no parameter {name!r}")
        return found

    @property
    def success(self) -> Response | None:
        """The first documented 2xx response (what the operation answers when it works)."""
        return next((r for r in self.responses if r.status.startswith("2")), None)

    def statuses(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.status for r in self.responses))

    def path_for(self, **values: str) -> str:
        """A concrete path: each ``{name}`` replaced by ``values[name]`` as given."""
        return _PARAMETER.sub(lambda m: values[m.group(1)], self.path_template)


def _frozen(value: Any) -> Any:
    """JSON data made read-only, so a route's schemas are shared safely."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _parameter(raw: Mapping[str, Any]) -> Parameter:
    return Parameter(
        name=raw["name"],
        location=raw["in"],
        required=raw["required"],
        deprecated=raw["deprecated"],
        style=raw["style"],
        explode=raw["explode"],
        schema=_frozen(raw["schema"]),
    )


def _route(
    module: Any, raw: Mapping[str, Any], parameters: Mapping[str, Parameter], schemas: Mapping[str, Any]
) -> Route:
    body = raw.get("requestBody")
    samples = module.SAMPLES
    return Route(
        api=module.API,
        operation_id=raw["operationId"],
        group=raw["group"],
        method_name=raw["methodName"],
        http_method=raw["httpMethod"],
        path_template=raw["path"],
        deprecated=raw["deprecated"],
        auth_required=raw["auth"],
        auth_headers=tuple(module.AUTH_HEADERS),
        parameters=tuple(parameters[key] for key in raw["parameters"]),
        request_body=None
        if body is None
        else RequestBody(
            required=body["required"],
            content=tuple(
                BodyContent(media_type, facts.get("model"), _frozen(facts["schema"]))
                for media_type, facts in body["content"].items()
            ),
        ),
        responses=tuple(
            Response(status, media_type, model, None if sample is None else samples[sample])
            for status, media_type, model, sample in raw["responses"]
        ),
        schemas=schemas,
    )


@dataclass(frozen=True)
class _Pattern:
    route: Route
    regex: re.Pattern[str]
    names: tuple[str, ...]
    # Literal segments rank before parameters, left to right: ``/webhooks/integrationKeys`` before ``/webhooks/{id}``.
    rank: tuple[int, ...]


def _pattern(route: Route) -> _Pattern:
    names: list[str] = []
    parts: list[str] = []
    rank: list[int] = []
    for segment in route.path_template.strip("/").split("/"):
        literal = True
        pieces: list[str] = []
        position = 0
        for found in _PARAMETER.finditer(segment):
            pieces.append(re.escape(segment[position : found.start()]))
            pieces.append(f"(?P<p{len(names)}>[^/]+)")
            names.append(found.group(1))
            position = found.end()
            literal = False
        pieces.append(re.escape(segment[position:]))
        parts.append("".join(pieces))
        rank.append(0 if literal else 1)
    return _Pattern(route, re.compile("/" + "/".join(parts)), tuple(names), tuple(rank))


class RouteTable:
    """Every operation of one API, in the spec's order; ``match`` finds the one a request calls."""

    def __init__(self, api: str, routes: tuple[Route, ...], schemas: Mapping[str, Any]) -> None:
        self.api = api
        self.routes = routes
        self.schemas = schemas
        self._by_id = {route.operation_id: route for route in routes}
        # By segment count: a path is tried only against templates as long as it (a parameter is one segment).
        self._by_length: dict[int, list[_Pattern]] = {}
        for pattern in sorted((_pattern(r) for r in routes), key=lambda p: p.rank):
            self._by_length.setdefault(len(pattern.rank), []).append(pattern)

    @classmethod
    def for_api(cls, api: str) -> RouteTable:
        """The table of ``api`` ("platform" or "files"), loaded from its generated package on first use."""
        return _load(api)

    @classmethod
    def from_module(cls, module: Any) -> RouteTable:
        """The table in a generated ``_routes`` module (any API's: ``generate --spec`` packages too)."""
        schemas = _frozen(dict(module.SCHEMAS))
        parameters = {key: _parameter(raw) for key, raw in module.PARAMETERS.items()}
        return cls(module.API, tuple(_route(module, raw, parameters, schemas) for raw in module.ROUTES), schemas)

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    def find(self, operation_id: str) -> Route:
        try:
            return self._by_id[operation_id]
        except KeyError:
            raise KeyError(f"{self.api} has no operation {operation_id!r}") from None

    def match(self, http_method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route ``http_method path`` calls and its path parameters (percent-decoded).

        Raises RouteNotFound (404) when no operation has the path, MethodNotAllowed (405) when none has
        it for this method. ``path`` excludes the query string; a trailing slash is ignored.
        """
        method = http_method.upper()
        bare = "/" + path.strip("/") if path.strip("/") else "/"
        allowed: list[str] = []
        for pattern in self._by_length.get(bare.count("/"), ()):
            found = pattern.regex.fullmatch(bare)
            if found is None:
                continue
            if pattern.route.http_method == method:
                values = {name: unquote(found.group(f"p{i}")) for i, name in enumerate(pattern.names)}
                return pattern.route, values
            allowed.append(pattern.route.http_method)
        if allowed:
            raise MethodNotAllowed(method, bare, tuple(dict.fromkeys(allowed)))
        raise RouteNotFound(bare)


@functools.cache
def _load(api: str) -> RouteTable:
    package = _PACKAGES.get(api)
    if package is None:
        raise ValueError(f"no route table for {api!r}: the sandbox serves {', '.join(sorted(_PACKAGES))}")
    return RouteTable.from_module(importlib.import_module(f"{package}._routes"))
