"""Which description a docstring shows, and in what form: said once, on its own type, as plain text.

Upstream gives a property that ``$ref``s a schema that schema's description, so Codat's 800-character
``DateTime`` text (HTML included) would sit under every date field, and a field's own description beside
its ``$ref`` is lost. Here a field says only its own text; a model's or enum's text stays on its class,
and a shared value schema's (``DateTime``, no class of its own) on the models package
(:func:`shared_value_types`), which the field names. Codat's paging and query parameters, which the
spec describes in a word and a link, get this SDK's text (:data:`FIXED_PARAMETER_TEXT`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import ModelProperty
from openapi_python_client.schema.untrusted_string import UntrustedString

from .normalise import defines_class
from .spec_nodes import follow_refs, non_null, ref_name, schema_properties
from .spec_text import plain

# Codat's paging, query and ordering parameters, by JSON name: what they do, in this SDK's words.
# ``{package}`` is the generated package; ``{minimum}``/``{maximum}``/``{default}`` the parameter's schema's.
FIXED_PARAMETER_TEXT = {
    "page": "Which page to return, counting from 1 (https://docs.codat.io/using-the-api/paging).",
    "pageSize": ("How many items a page holds, {minimum}-{maximum} (https://docs.codat.io/using-the-api/paging)."),
    "query": (
        "Only the items this Codat query matches, e.g. ``name~Toft`` or ``created>2024-01-01``: a string "
        "or a builder of typed fields ({package}.queries), checked before anything is sent "
        "(https://docs.codat.io/using-the-api/querying)."
    ),
    "orderBy": (
        "The field to sort by, ascending; a leading ``-`` sorts descending (``-created``): a string or "
        "``codat_sdk.order_by(...)`` (https://docs.codat.io/using-the-api/ordering-results)."
    ),
}


def _is_shared_value(schema: dict[str, Any]) -> bool:
    """A component schema with no class of its own (not a model, not an enum): a named string, number..."""
    return not defines_class(schema) and "enum" not in schema and schema.get("type") != "array"


def referenced_value_type(spec: dict[str, Any], schema: dict[str, Any] | None) -> str | None:
    """The shared value schema ``schema`` (a property's or parameter's) ``$ref``s, possibly nullable."""
    if schema is None:
        return None
    target = non_null(schema)
    name = ref_name(target)
    if name is None or not _is_shared_value(follow_refs(spec, target)):
        return None
    return name


def own_description(spec: dict[str, Any], schema: dict[str, Any] | None, package: str) -> str | None:
    """The description a field using ``schema`` says itself; None when upstream's own is right.

    A ``$ref`` (or a nullable one) says only the text beside it, never its target's; a shared value
    schema is named, its text being said once on the models package.
    """
    if schema is None or "$ref" not in non_null(schema):
        return None
    own = str(schema.get("description") or non_null(schema).get("description") or "")
    shared = referenced_value_type(spec, schema)
    if shared:
        pointer = f"A ``{shared}`` (described in ``{package}.models``)."
        own = f"{own.rstrip()} {pointer}".strip()
    return own


def shared_value_types(spec: dict[str, Any]) -> dict[str, str]:
    """Each shared value schema some field or parameter uses, by name: its description as plain text."""
    used: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            name = referenced_value_type(spec, node) if "$ref" in non_null(node) else None
            if name:
                used.add(name)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec.get("paths", {}))
    visit(spec.get("webhooks", {}))
    visit(spec.get("components", {}))
    schemas = spec.get("components", {}).get("schemas", {})
    return {name: plain(str(schemas[name].get("description") or "")) for name in sorted(used)}


def text_of(value: Any) -> str:
    """A description as a plain ``str`` (upstream holds some as ``UntrustedString``)."""
    untrusted = getattr(value, "get_untrusted_value", None)
    return str(untrusted() if untrusted else value or "")


def _plain(text: str) -> UntrustedString:
    """Spec text as plain docstring text, typed as upstream holds it (still escaped when rendered)."""
    return UntrustedString(plain(text))


def raw_model(model: ModelProperty) -> dict[str, Any]:
    dumped: dict[str, Any] = model.data.model_dump(by_alias=True, exclude_unset=True, mode="json")
    return dumped


def _properties(model: ModelProperty) -> Iterable[Any]:
    return [*(model.required_properties or []), *(model.optional_properties or [])]


def describe(data: GeneratorData, spec: dict[str, Any], package: str) -> None:
    """Every model's, property's, enum's and operation's description as its docstring shows it (in place)."""
    for model in data.models:
        raw_properties = schema_properties(spec, raw_model(model))
        for prop in _properties(model):
            own = own_description(spec, raw_properties.get(text_of(prop.name)), package)
            prop.description = _plain(text_of(prop.description) if own is None else own)
        model.description = _plain(text_of(model.description))
    for enum in data.enums:
        enum.description = _plain(text_of(enum.description))
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            endpoint.summary = _plain(text_of(endpoint.summary))
            endpoint.description = _plain(text_of(endpoint.description))


def parameter_description(spec: dict[str, Any], parameter: dict[str, Any], package: str) -> str:
    """A parameter's text: this SDK's for paging and queries, else its own (never a ``$ref``'d schema's)."""
    name = str(parameter.get("name", ""))
    schema = parameter.get("schema") or {}
    if name in FIXED_PARAMETER_TEXT:
        resolved = follow_refs(spec, non_null(schema))
        values = {key: resolved.get(key, "?") for key in ("minimum", "maximum", "default")}
        return FIXED_PARAMETER_TEXT[name].format(package=package, **values)
    own = parameter.get("description")
    if own:
        return plain(str(own))
    from_schema = own_description(spec, schema, package)
    return plain(str(schema.get("description") or "") if from_schema is None else from_schema)
