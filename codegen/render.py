"""Render a parsed spec through our templates, then ruff-fix and format the output.

Our templates (``templates/``) come first on the loader; openapi-python-client's packaged templates
are reachable under the ``upstream/`` prefix (to import their macros) and, unprefixed, as the
fallback their own macros expect. Nothing upstream is copied.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attr
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import AnyProperty, LiteralEnumProperty, ModelProperty
from openapi_python_client.strings import PythonIdentifier

from . import media
from .config import PackageConfig
from .decoding import decoder_name, model_plan
from .descriptions import describe, shared_value_types
from .docstrings import docwrap, safe_for_docstring
from .errors import GenerationError, GeneratorWarnings
from .normalise import iter_contents
from .operations import build_groups
from .queries import query_classes, query_example, sub_property_example
from .reference import API_KEY, cell, example, linked, parameter_rows, reference_context
from .retries import retry_defaults
from .routes import routes_view
from .source import ROOT
from .spec_text import markdown
from .views import GroupView, OperationView, walk
from .webhooks import webhooks_view

TEMPLATES = ROOT / "templates"

# Our templates import these from the runtime directly; upload and download methods take runtime types,
# so the spec's binary File type is never annotated.
_PROVIDED_BY_TEMPLATES = frozenset({"from ...types import UNSET, Unset", "from ...types import File, FileTypes"})


# Upstream's endpoint template imports Any itself, so its import lists omit it (an any-JSON body or
# response is typed Any); added everywhere, ruff's F401 fix in postprocess drops it where unused.
_ANY = "from typing import Any"


def endpoint_imports(operations: Iterable[OperationView]) -> list[str]:
    """upstream's per-endpoint imports (written for api/<tag>/<op>.py), for a module one level up."""
    lines = {line for op in operations for line in op.endpoint.relative_imports} - _PROVIDED_BY_TEMPLATES
    lines.add(_ANY)
    return sorted(line.replace("from ...", "from ..") for line in lines)


def parser_content_type_overrides(spec: dict[str, Any]) -> dict[str, str]:
    """Every download media type a response uses (``codegen.media``), as ``application/octet-stream`` for the parser."""
    return {
        media_type: media.BINARY
        for kind, content in iter_contents(spec)
        if kind == "response"
        for media_type in content
        if media.is_download(media_type)
        and media.essence(media_type) != media.BINARY
        and not media.essence(media_type).startswith("text/")
    }


def parser_config(spec: dict[str, Any]) -> Config:
    """Upstream's configuration for ``spec``: every download media type read as bytes."""
    overrides = ConfigFile(content_type_overrides=parser_content_type_overrides(spec))
    with tempfile.TemporaryDirectory() as tmp:
        return Config.from_sources(overrides, MetaType.NONE, Path(tmp) / "spec.json", "utf-8", True, None)


def parse(spec: dict[str, Any]) -> GeneratorData:
    data = GeneratorData.from_dict(spec, config=parser_config(spec))
    if isinstance(data, GeneratorError):
        raise GenerationError(f"{data.header}: {data.detail}")
    problems = [*data.errors] + [e for c in data.endpoint_collections_by_tag.values() for e in c.parse_errors]
    if problems:
        raise GeneratorWarnings([f"{p.header}: {p.detail}".strip() for p in problems])
    name_underscored_properties(data)
    return data


def name_underscored_properties(data: GeneratorData) -> None:
    """A property whose JSON name starts with ``_`` (HAL's ``_links``) is named without it: ``page.links``.

    Upstream prefixes such names (``field_links``); only the Python name changes, the JSON key is still
    read and written. A name another property of the same model already has keeps upstream's.
    """
    for model in data.models:
        lists = [properties for properties in (model.required_properties, model.optional_properties) if properties]
        for properties in lists:
            for index, prop in enumerate(properties):
                wire = prop.name.get_untrusted_value()
                plain = PythonIdentifier(wire.lstrip("_"), prefix="field_")
                taken = {str(other.python_name) for each in lists for other in each}
                if wire.startswith("_") and not plain.startswith("field_") and plain not in taken:
                    # A copy for this model: a property object may be shared with models where the name is taken.
                    properties[index] = attr.evolve(prop, python_name=plain)


def extra_keys_are_data(model: ModelProperty) -> bool:
    """Whether keys beyond a model's declared properties are its data: a schema typing its additional
    properties (``tags``: string values), or an object declaring no properties at all. Elsewhere an
    unknown key in a request body is a mistake (a misspelt field) that a mapping body is checked for."""
    extra = model.additional_properties
    if not extra:
        return False
    declared = [*(model.required_properties or ()), *(model.optional_properties or ())]
    return not isinstance(extra, AnyProperty) or not declared


class Renderer:
    def __init__(self, data: GeneratorData, config: Config, package: PackageConfig, out: Path) -> None:
        # Upstream's Project sets up the Jinja environment (filters, globals) its macros rely on.
        project = Project(openapi=data, config=config, custom_template_path=TEMPLATES)
        self.env = project.env
        self.env.loader = ChoiceLoader(
            [
                FileSystemLoader(str(TEMPLATES)),
                PrefixLoader({"upstream": PackageLoader("openapi_python_client")}),
                PackageLoader("openapi_python_client"),
            ]
        )
        self.env.globals.update(package_name=package.package)
        self.env.filters["py"] = repr  # a Python literal of a spec string (quotes, escapes)
        self.env.filters["model_plan"] = model_plan
        self.env.filters["decoder_name"] = decoder_name
        self.env.filters["extra_keys_are_data"] = extra_keys_are_data
        self.env.filters["safe_for_docstring"] = safe_for_docstring  # replaces upstream's, for every template
        # Every template's wrapping (upstream's macros and the model template included) keeps URLs whole.
        self.env.filters["wordwrap"] = self.env.filters["docwrap"] = docwrap
        self.out = out

    def write(self, relative: str, template: str, **context: Any) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.env.get_template(template).render(**context)
        path.write_text(text, encoding="utf-8")


def render_package(spec: dict[str, Any], package: PackageConfig, out: Path) -> list[GroupView]:
    data = parse(spec)
    describe(data, spec, package.package)
    config = parser_config(spec)
    groups = build_groups(data, spec, package)
    operations = [op for group in walk(groups) for op in group.operations]
    queries = query_classes(spec, operations)
    renderer = Renderer(data, config, package, out / package.package)
    info = spec["info"]
    context = {
        "package": package,
        "groups": groups,
        "operations": operations,
        "spec_title": info["title"],
        "spec_version": info["version"],
        "servers": [server["url"] for server in spec.get("servers", [])],
        "retries": retry_defaults(spec),
        "query_classes": queries,
        "query_example": [line.format(package=package.package) for line in query_example(queries, operations)],
        "sub_property_example": sub_property_example(queries),
        "error_model": next((m.class_info for m in data.models if m.class_info.name == "ErrorMessage"), None),
    }
    renderer.write("__init__.py", "package_init.py.jinja", **context)
    renderer.write("_client.py", "client.py.jinja", **context)
    renderer.write("types.py", "types.py.jinja", **context)
    renderer.write("py.typed", "py.typed.jinja")
    for group in walk(groups):
        renderer.write(
            f"resources/{group.name}.py",
            "resource.py.jinja",
            group=group,
            group_imports=sorted(
                {*endpoint_imports(group.operations)}
                | {line for op in group.operations if op.pagination for line in op.pagination.item_imports}
            ),
            **context,
        )
    renderer.write("resources/__init__.py", "resources_init.py.jinja", **context)
    for op in operations:
        renderer.write(
            f"operations/{op.module}.py",
            "operation.py.jinja",
            op=op,
            endpoint=op.endpoint,
            op_imports=sorted({*endpoint_imports([op]), *(op.pagination.item_imports if op.pagination else ())}),
            **context,
        )
    renderer.write("operations/__init__.py", "operations_init.py.jinja", **context)
    if context["query_classes"]:
        renderer.write("queries.py", "queries.py.jinja", **context)
    models = []
    for model in data.models:
        renderer.write(f"models/{model.class_info.module_name}.py", "model.py.jinja", model=model)
        models.append(model.class_info)
    for enum in data.enums:
        if isinstance(enum, LiteralEnumProperty):
            raise GenerationError(f"{enum.class_info.name}: literal enums are not used by this SDK")
        template = "int_enum.py.jinja" if enum.value_type is int else "str_enum.py.jinja"
        renderer.write(f"models/{enum.class_info.module_name}.py", template, enum=enum)
        models.append(enum.class_info)
    models.sort(key=lambda info: info.name)
    renderer.write("models/__init__.py", "models_init.py.jinja", models=models, shared_types=shared_value_types(spec))
    webhooks = webhooks_view(spec, data)
    if webhooks:
        renderer.write("webhooks.py", "webhooks.py.jinja", webhooks=webhooks, **context)
    routes = routes_view(spec, package.api, operations, data)
    renderer.write("_routes.py", "routes.py.jinja", routes=routes, **context)
    write_reference(Renderer(data, config, package, out / "reference"), data, spec, package, groups, context)
    return groups


def write_reference(
    reference: Renderer,
    data: GeneratorData,
    spec: dict[str, Any],
    package: PackageConfig,
    groups: list[GroupView],
    context: dict[str, Any],
) -> None:
    """``reference/<api>.md`` (the index), a page per group and per model under ``reference/<api>/``."""
    reference.env.globals.update(reference_example=example, parameter_rows=parameter_rows, linked=linked, cell=cell)
    reference.env.filters["spec_markdown"] = markdown
    pages = {**context, **reference_context(data, spec, package, groups), "spec": spec, "api_key": API_KEY}
    reference.write(f"{package.api}.md", "reference.md.jinja", **pages)
    for group in pages["group_pages"]:
        reference.write(f"{package.api}/{group.call_path}.md", "reference_group.md.jinja", group=group, **pages)
    reference.write(f"{package.api}/models/index.md", "reference_models.md.jinja", **pages)
    for page in pages["model_pages"]:
        reference.write(f"{package.api}/models/{page.name}.md", "reference_model.md.jinja", page=page, **pages)


def _ruff(command: list[str]) -> None:
    """Run ruff from the project root; output it cannot parse is a generator bug, said in one error."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603 - our own
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise GenerationError(f"the generated code is not valid Python (a generator bug): {' '.join(said[:3])}")


def postprocess(out: Path, header: str) -> None:
    """ruff fix + format (deterministic for a pinned ruff), then the do-not-edit header.

    The output is the same from any working directory: ruff runs from the project root with pyproject's
    settings, which name the runtime first-party (ruff would otherwise guess from the directories it finds).
    """
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(ROOT / "pyproject.toml")]
    files = sorted(str(p) for p in out.rglob("*.py"))
    rules = ["--select", "I,F401,UP,RUF100"]
    _ruff([*ruff, "check", *config, "--fix-only", "--unsafe-fixes", *rules, "--quiet", *files])
    # The reference pages too: ruff formats their Python examples as it formats the code.
    pages = sorted(str(p) for p in out.rglob("*.md"))
    _ruff([*ruff, "format", *config, "--quiet", *files, *pages])
    for path in sorted(out.rglob("*")):
        if path.suffix == ".py":
            path.write_text(header + path.read_text(encoding="utf-8"), encoding="utf-8")
        elif path.suffix == ".md":
            path.write_text(header.replace("# ", "<!-- ", 1).rstrip() + " -->\n" + path.read_text("utf-8"), "utf-8")
