"""The browsable reference: a Markdown page per group of operations and per model, from the spec.

``reference/<api>.md`` is the index (every operation, its call and HTTP route); ``reference/<api>/<group>.md``
documents each operation (summary and description, sync and async examples, parameters, the return type
linked to its model page, the error statuses with the ``codat_sdk`` class raised for each) and
``reference/<api>/models/<Name>.md`` each model, enum and shared value type. Deterministic: the pages
depend on the spec and templates only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import ModelProperty

from .config import PackageConfig
from .descriptions import own_description, raw_model, referenced_value_type, shared_value_types, text_of
from .spec_nodes import follow_refs, non_null, schema_properties
from .spec_text import markdown
from .views import GroupView, OperationView, walk

# The placeholders of the examples: what a user replaces (credentials never appear in a page).
API_KEY = "YOUR_API_KEY"
_IDENTIFIER = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")


@dataclass(frozen=True)
class Row:
    """One row of a parameters or fields table: Markdown cells, ``|`` and line breaks escaped."""

    name: str
    type: str
    required: bool
    description: str
    json_name: str = ""


@dataclass(frozen=True)
class ModelPage:
    name: str
    kind: str  # "model", "enum" or "value" (a shared value schema, e.g. DateTime)
    description: str
    fields: list[Row] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)  # enum: (Python member, value)


def cell(text: str) -> str:
    """``text`` inside one Markdown table cell."""
    return " ".join(text.replace("|", "\\|").split("\n")).strip() if "\n\n" not in text else _paragraphs(text)


def _paragraphs(text: str) -> str:
    return "<br><br>".join(" ".join(part.split("\n")).replace("|", "\\|") for part in text.split("\n\n")).strip()


def linked(type_string: str, models: set[str], prefix: str) -> str:
    """A Python annotation with each model name linked to its page (``prefix``: the models directory)."""
    escaped = type_string.replace("|", "\\|")
    return _IDENTIFIER.sub(lambda m: f"[{m[0]}]({prefix}{m[0]}.md)" if m[0] in models else m[0], escaped)


def model_names(data: GeneratorData, spec: dict[str, Any]) -> set[str]:
    """Every name that has a model page: models, enums and shared value types."""
    return (
        {str(m.class_info.name) for m in data.models}
        | {str(e.class_info.name) for e in data.enums}
        | set(shared_value_types(spec))
    )


def _type(prop: Any) -> str:
    return str(prop.get_type_string().as_unembedded_code())


def model_pages(data: GeneratorData, spec: dict[str, Any], package: str) -> list[ModelPage]:
    """A page per model, enum and shared value type, sorted by name."""
    names = model_names(data, spec)
    pages = []
    for model in data.models:
        pages.append(_model_page(model, names, spec, package))
    for enum in data.enums:
        values = enum.values if isinstance(enum.values, dict) else {}  # EnumProperty's are a dict
        members = sorted((str(key), str(value)) for key, value in values.items())
        pages.append(ModelPage(str(enum.class_info.name), "enum", text_of(enum.description).strip(), members=members))
    for name, text in shared_value_types(spec).items():
        schema = spec["components"]["schemas"][name]
        pages.append(ModelPage(name, "value", markdown(str(schema.get("description") or text))))
    return sorted(pages, key=lambda page: page.name)


def _field_text(spec: dict[str, Any], raw: dict[str, Any] | None, package: str, fallback: str) -> str:
    """A field's own description (as its docstring chooses it), in the spec's Markdown."""
    if own_description(spec, raw, package) is None:  # no $ref: upstream's (the schema's own) text
        return cell(markdown(str((raw or {}).get("description") or fallback)))
    schema = raw or {}
    own = str(schema.get("description") or non_null(schema).get("description") or "")
    shared = referenced_value_type(spec, schema)
    # A shared value type is linked to its page, which says what it holds.
    return cell(f"{markdown(own)} A [`{shared}`]({shared}.md).".strip() if shared else markdown(own))


def _model_page(model: ModelProperty, names: set[str], spec: dict[str, Any], package: str) -> ModelPage:
    required = {id(p) for p in model.required_properties or []}
    raw = raw_model(model)
    raw_properties = schema_properties(spec, raw)
    rows = [
        Row(
            name=str(p.python_name),
            json_name=text_of(p.name),
            type=linked(_type(p), names, ""),
            required=id(p) in required,
            description=_field_text(spec, raw_properties.get(text_of(p.name)), package, text_of(p.description)),
        )
        for p in [*(model.required_properties or []), *(model.optional_properties or [])]
    ]
    description = markdown(str(raw.get("description") or text_of(model.description)))
    return ModelPage(str(model.class_info.name), "model", description, fields=rows)


# --- operations ---------------------------------------------------------------------------------------


def _example_value(spec: dict[str, Any], parameter: dict[str, Any]) -> Any:
    schema = follow_refs(spec, parameter.get("schema") or {})
    for holder in (parameter, schema):
        if "example" in holder:
            return holder["example"]
        examples = holder.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        if isinstance(examples, dict) and examples:
            first = next(iter(examples.values()))
            if isinstance(first, dict) and "value" in first:
                return first["value"]
    if "default" in schema:
        return schema["default"]
    return {"integer": 1, "number": 1.0, "boolean": True}.get(str(schema.get("type")), "string")


def _body_example(spec: dict[str, Any], op: OperationView) -> Any:
    content = op.raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "example" in content:
        return content["example"]
    examples = content.get("examples")
    if isinstance(examples, dict) and examples:
        first = follow_refs(spec, next(iter(examples.values())))
        return first.get("value", {})
    schema = follow_refs(spec, content.get("schema") or {})
    return schema.get("example", {})


@dataclass(frozen=True)
class Example:
    imports: list[str]
    arguments: list[str]


def example(spec: dict[str, Any], op: OperationView) -> Example:
    """The required arguments of a call to ``op``, with the spec's example values, and what they import."""
    params = {str(p.get("name")): p for p in _raw_parameters(spec, op)}
    imports: list[str] = []
    arguments: list[str] = []
    endpoint = op.endpoint
    for p in [*endpoint.path_parameters, *endpoint.query_parameters, *endpoint.header_parameters]:
        if not p.required:
            continue
        value = _example_value(spec, params.get(text_of(p.name), {}))
        if "UUID" in _type(p):
            imports.append("from uuid import UUID")
            arguments.append(f"{p.python_name}=UUID({str(value)!r})")
        else:
            arguments.append(f"{p.python_name}={value!r}")
    if op.multipart_fields:
        for upload in op.multipart_fields:
            if upload["binary"]:
                arguments.append(f'{upload["python_name"]}=[b"%PDF-1.4 ..."]')
    elif endpoint.bodies:
        body = endpoint.bodies[0].prop
        class_name = getattr(getattr(body, "class_info", None), "name", None)
        value = _body_example(spec, op)
        if class_name:
            imports.append(f"from {{package}}.models import {class_name}")
            arguments.append(f"body={class_name}.from_dict({json.dumps(value, ensure_ascii=False)})")
        else:
            arguments.append(f"body={json.dumps(value, ensure_ascii=False)}")
    return Example(sorted(set(imports)), arguments)


def _raw_parameters(spec: dict[str, Any], op: OperationView) -> list[dict[str, Any]]:
    item = spec["paths"][op.path]
    return [follow_refs(spec, p) for p in [*item.get("parameters", []), *op.raw.get("parameters", [])]]


def parameter_rows(op: OperationView, names: set[str], parameter_type: Any) -> list[Row]:
    """The parameters of ``op`` as the signature takes them (``parameter_type``: the template's annotation)."""
    endpoint = op.endpoint
    rows = []
    for p in [*endpoint.path_parameters, *endpoint.query_parameters, *endpoint.header_parameters]:
        text = op.parameter_descriptions.get(text_of(p.name), text_of(p.description))
        rows.append(Row(str(p.python_name), linked(parameter_type(op, p), names, "models/"), p.required, cell(text)))
    for upload in op.multipart_fields:
        kind = "Upload \\| Sequence[Upload]" if upload["binary"] else "str"
        rows.append(Row(upload["python_name"], kind, upload["required"], cell(upload["description"])))
    if endpoint.bodies and not op.multipart_fields:
        body = endpoint.bodies[0].prop
        text = str(op.raw.get("requestBody", {}).get("description") or "The request body.")
        rows.append(Row("body", linked(_type(body), names, "models/"), body.required, cell(text)))
    return rows


def group_pages(groups: list[GroupView]) -> list[GroupView]:
    """Every group with operations or subgroups, parents first (each gets a page)."""
    return [group for group in walk(groups) if group.operations or group.subgroups]


def reference_context(
    data: GeneratorData, spec: dict[str, Any], package: PackageConfig, groups: list[GroupView]
) -> dict[str, Any]:
    """What the reference templates see besides the package context."""
    return {
        "model_pages": model_pages(data, spec, package.package),
        "model_names": model_names(data, spec),
        "group_pages": group_pages(groups),
        "api_description": markdown(str(spec["info"].get("description") or "")),
    }
