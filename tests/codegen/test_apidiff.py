"""codegen.apidiff: the semantic diff between Codat's dated specs, and synthetic mutations of the current one.

Expected changes are computed here from the raw JSON of the two specs (operationIds, webhook names,
component names, ``required`` lists), never copied from the tool's output.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codegen import apidiff, source
from codegen.apidiff import Change, api_diff
from codegen.drift import RepoFiles
from codegen.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
METHODS = ("get", "put", "post", "delete", "patch")
NO_SPECS = "no Codat spec source: neither $CODAT_SPEC_SOURCE nor ../shared/openapi exists (tests do not download specs)"

Spec = dict[str, Any]


def _local_source() -> Path | None:
    return Path(SOURCE) if SOURCE is not None and Path(SOURCE).is_dir() else None


@functools.cache
def _raw(where: str) -> Spec:
    try:
        spec: Spec = json.loads(source.read_bytes(where))
    except source.SpecError as exc:
        pytest.skip(f"{NO_SPECS} ({exc})")
    return spec


@functools.cache
def _normalised(where: str) -> Spec:
    return normalise(_raw(where))


def _current(api: str) -> str:
    local = _local_source()
    if local is None:
        pytest.skip(NO_SPECS)
    return str(local / source.load_pins()[api].file)


def _pairs() -> list[Any]:
    """(api, old, new) for every history version against the current spec, both directions."""
    local = _local_source()
    if local is None or not (local / "history").is_dir():
        return [pytest.param(None, id="no-spec-source")]
    pins = source.load_pins()
    params = []
    for path in sorted((local / "history").glob("*.json")):
        api = next((a for a, pin in pins.items() if path.name.startswith(Path(pin.file).stem)), None)
        if api is None:
            continue
        current = str(local / pins[api].file)
        params.append(pytest.param((api, str(path), current), id=f"{path.stem}-to-current"))
        params.append(pytest.param((api, current, str(path)), id=f"current-to-{path.stem}"))
    return params


def _names(api: str) -> dict[str, apidiff.MethodName]:
    return RepoFiles(ROOT).sdk_names(api)


def _diff(api: str, old: str, new: str) -> list[Change]:
    return api_diff(_normalised(old), _normalised(new), _names(api))


def _of(changes: list[Change], kind: str) -> set[str]:
    return {change.spec_path for change in changes if change.kind == kind}


# --------------------------------------------------------------------------------- independent expectations


def _raw_operations(spec: Spec) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in METHODS and not op.get("x-speakeasy-ignore")
    }


def _raw_components(spec: Spec) -> dict[str, Any]:
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    return schemas


def _raw_parameters(spec: Spec, op: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for param in op.get("parameters", []):
        if "$ref" in param:
            param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        found.add((param["in"], param["name"]))
    return found


def _unpack(pair: tuple[str, str, str] | None) -> tuple[str, str, str]:
    if pair is None:
        pytest.skip(NO_SPECS)
    return pair


@pytest.mark.parametrize("pair", _pairs())
def test_operations_added_and_removed_match_the_raw_operation_ids(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    changes = _diff(api, old, new)
    old_ops, new_ops = _raw_operations(_raw(old)), _raw_operations(_raw(new))
    assert _of(changes, "operation.added") == new_ops.keys() - old_ops.keys()
    assert _of(changes, "operation.removed") == old_ops.keys() - new_ops.keys()
    for change in changes:
        if change.kind == "operation.removed":
            assert change.breaking and change.section == "Removed"
        if change.kind == "operation.added":
            assert not change.breaking and change.section == "Added"
    newly_deprecated = {
        op_id for op_id in old_ops.keys() & new_ops.keys()
        if new_ops[op_id].get("deprecated") and not old_ops[op_id].get("deprecated")
    }  # fmt: skip
    assert _of(changes, "operation.deprecated") == newly_deprecated


@pytest.mark.parametrize("pair", _pairs())
def test_parameters_added_and_removed_match_the_raw_specs(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    changes = _diff(api, old, new)
    old_ops, new_ops = _raw_operations(_raw(old)), _raw_operations(_raw(new))
    added, removed = set(), set()
    for op_id in old_ops.keys() & new_ops.keys():
        before, after = _raw_parameters(_raw(old), old_ops[op_id]), _raw_parameters(_raw(new), new_ops[op_id])
        added |= {f"{op_id} {where}:{name}" for where, name in after - before}
        removed |= {f"{op_id} {where}:{name}" for where, name in before - after}
    assert _of(changes, "parameter.added") == added
    assert _of(changes, "parameter.removed") == removed


@pytest.mark.parametrize("pair", _pairs())
def test_webhooks_added_and_removed_match_the_raw_webhooks(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    changes = _diff(api, old, new)
    old_hooks, new_hooks = set(_raw(old).get("webhooks", {})), set(_raw(new).get("webhooks", {}))
    assert _of(changes, "webhook.added") == {f"webhook {name}" for name in new_hooks - old_hooks}
    assert _of(changes, "webhook.removed") == {f"webhook {name}" for name in old_hooks - new_hooks}


@pytest.mark.parametrize("pair", _pairs())
def test_models_added_and_removed_include_the_raw_components(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    changes = _diff(api, old, new)
    old_names, new_names = set(_raw_components(_raw(old))), set(_raw_components(_raw(new)))
    # The normaliser also hoists nested definitions into components; the raw ones must be among them.
    assert _of(changes, "model.added") & new_names == new_names - old_names
    assert _of(changes, "model.removed") & old_names == old_names - new_names
    assert all(change.breaking for change in changes if change.kind == "model.removed")


@pytest.mark.parametrize("pair", _pairs())
def test_required_changes_match_the_raw_required_lists(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    changes = _diff(api, old, new)
    old_schemas, new_schemas = _raw_components(_raw(old)), _raw_components(_raw(new))
    optional, required = set(), set()
    for name in old_schemas.keys() & new_schemas.keys():
        before, after = old_schemas[name], new_schemas[name]
        shared = set(before.get("properties", {})) & set(after.get("properties", {}))
        was, now = set(before.get("required", [])) & shared, set(after.get("required", [])) & shared
        optional |= {f"{name}.{field}" for field in was - now}
        required |= {f"{name}.{field}" for field in now - was}
    top_level = set(old_schemas) & set(new_schemas)

    def top(kind: str) -> set[str]:
        return {path for path in _of(changes, kind) if path.count(".") == 1 and path.split(".")[0] in top_level}

    assert top("field.optional") == optional
    assert top("field.required") == required


@pytest.mark.parametrize("pair", _pairs())
def test_each_direction_is_the_inverse_of_the_other(pair: tuple[str, str, str] | None) -> None:
    api, old, new = _unpack(pair)
    forward = {(c.kind, c.spec_path, c.old, c.new) for c in _diff(api, old, new)}
    backward = {(c.kind, c.spec_path, c.new, c.old) for c in _diff(api, new, old)}
    inverse = {
        "added": "removed", "removed": "added", "optional": "required", "required": "optional",
        "value_added": "value_removed", "value_removed": "value_added",
    }  # fmt: skip

    def flipped(kind: str) -> str:
        noun, _, verb = kind.rpartition(".")
        return f"{noun}.{inverse.get(verb, verb)}"

    simple = {"added", "removed", "optional", "required", "value_added", "value_removed", "retyped"}
    assert {(flipped(k), p, o, n) for k, p, o, n in forward if k.rpartition(".")[2] in simple} == {
        entry for entry in backward if entry[0].rpartition(".")[2] in simple
    }


@pytest.mark.parametrize("api", ["platform", "files"])
def test_a_spec_does_not_differ_from_itself(api: str) -> None:
    current = _current(api)
    assert _diff(api, current, current) == []


def test_refs_that_moved_without_changing_their_target_are_not_changes() -> None:
    """2026-04-15 points Company.id and PushOperation.companyId at a new place holding the same schema."""
    local = _local_source()
    if local is None or not (local / "history" / "Codat-Platform.2026-04-15.json").is_file():
        pytest.skip(NO_SPECS)
    changes = _diff(
        "platform",
        str(local / "history" / "Codat-Platform.2026-01-05.json"),
        str(local / "history" / "Codat-Platform.2026-04-15.json"),
    )
    touched = {change.spec_path for change in changes}
    assert not {path for path in touched if path.endswith((".id", ".companyId"))}


def test_additions_only_are_minor_and_their_reversal_is_major() -> None:
    """The newest history version differs from the current spec only by additions (checked on the raw JSON)."""
    local = _local_source()
    if local is None:
        pytest.skip(NO_SPECS)
    history = sorted((local / "history").glob("Codat-Platform.*.json"))
    if not history:
        pytest.skip(NO_SPECS)
    old, new = str(history[-1]), _current("platform")
    raw_old, raw_new = _raw(old), _raw(new)
    for section in ("paths", "webhooks"):
        for key in raw_old.get(section, {}).keys() & raw_new.get(section, {}).keys():
            if raw_old[section][key] != raw_new[section][key]:
                pytest.skip(f"{section} {key} changed: not an additions-only pair")
    old_schemas, new_schemas = _raw_components(raw_old), _raw_components(raw_new)
    if any(old_schemas[k] != new_schemas[k] for k in old_schemas.keys() & new_schemas.keys()):
        pytest.skip("a shared component changed: not an additions-only pair")
    added = (set(raw_new["paths"]) - set(raw_old["paths"])) | (set(new_schemas) - set(old_schemas))
    assert added, "the pair should add something"
    assert apidiff.bump_level(_diff("platform", old, new)) == apidiff.MINOR
    assert apidiff.bump_level(_diff("platform", new, old)) == apidiff.MAJOR


# --------------------------------------------------------------------------------- synthetic mutations


def _mutated(mutate: Callable[[Spec], None]) -> list[Change]:
    """The diff from the current Platform spec to a copy changed by ``mutate`` (raw JSON, then normalised)."""
    current = _current("platform")
    changed = copy.deepcopy(_raw(current))
    mutate(changed)
    return api_diff(_normalised(current), normalise(changed), _names("platform"))


def _only(changes: list[Change], kind: str, spec_path: str) -> Change:
    """The one change of ``kind`` at ``spec_path``; every other change must be a webhook reporting it."""
    matching = [c for c in changes if (c.kind, c.spec_path) == (kind, spec_path)]
    assert len(matching) == 1, changes
    others = [c for c in changes if c is not matching[0]]
    assert all(c.kind == "webhook.payload_changed" for c in others), others
    return matching[0]


def _schemas(spec: Spec) -> dict[str, Any]:
    return _raw_components(spec)


def test_removed_operation_is_breaking_and_named_as_the_sdk_method() -> None:
    change = _only(_mutated(lambda s: s["paths"]["/companies"].pop("get")), "operation.removed", "list-companies")
    assert change.breaking and change.section == "Removed"
    assert change.path == "companies.list"


def test_required_field_added_to_a_request_model_is_breaking() -> None:
    def mutate(spec: Spec) -> None:
        body = _schemas(spec)["CompanyRequestBody"]
        body["properties"]["industry"] = {"type": "string"}
        body["required"].append("industry")

    change = _only(_mutated(mutate), "field.added", "CompanyRequestBody.industry")
    assert change.breaking and change.section == "Added"


def test_required_field_added_to_a_response_model_is_not_breaking() -> None:
    def mutate(spec: Spec) -> None:
        integration = _schemas(spec)["Integration"]
        integration["properties"]["region"] = {"type": "string"}
        integration.setdefault("required", []).append("region")

    change = _only(_mutated(mutate), "field.added", "Integration.region")
    assert not change.breaking


def test_enum_value_added_is_not_breaking_and_removed_is() -> None:
    def add(spec: Spec) -> None:
        _schemas(spec)["PullOperation"]["properties"]["status"]["enum"].append("Paused")

    def remove(spec: Spec) -> None:
        _schemas(spec)["PullOperation"]["properties"]["status"]["enum"].remove("Queued")

    added = [c for c in _mutated(add) if c.kind.startswith("enum.")]
    assert [(c.kind, c.new, c.breaking) for c in added] == [("enum.value_added", '"Paused"', False)]
    removed = [c for c in _mutated(remove) if c.kind.startswith("enum.")]
    assert [(c.kind, c.old, c.breaking) for c in removed] == [("enum.value_removed", '"Queued"', True)]
    assert apidiff.bump_level(_mutated(add)) == apidiff.MINOR
    assert apidiff.bump_level(_mutated(remove)) == apidiff.MAJOR


def test_newly_deprecated_operation_is_a_minor_deprecation() -> None:
    changes = _mutated(lambda s: s["paths"]["/companies/{companyId}"]["get"].update(deprecated=True))
    change = _only(changes, "operation.deprecated", "get-company")
    assert not change.breaking and change.section == "Deprecated"
    assert change.path == "companies.get"
    assert apidiff.bump_level(changes) == apidiff.MINOR


def test_field_type_change_is_breaking() -> None:
    def mutate(spec: Spec) -> None:
        _schemas(spec)["Integration"]["properties"]["name"] = {"type": "integer"}

    change = _only(_mutated(mutate), "field.retyped", "Integration.name")
    assert change.breaking and (change.old, change.new) == ("str", "int")


def test_new_optional_parameter_is_minor_and_new_required_one_is_breaking() -> None:
    def optional(spec: Spec) -> None:
        spec["paths"]["/companies"]["get"]["parameters"].append({"name": "region", "in": "query", "schema": {}})

    def required(spec: Spec) -> None:
        param = {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
        spec["paths"]["/companies"]["get"]["parameters"].append(param)

    changes = _mutated(optional)
    change = _only(changes, "parameter.added", "list-companies query:region")
    assert not change.breaking and change.path == "companies.list(region)"
    assert apidiff.bump_level(changes) == apidiff.MINOR
    assert _only(_mutated(required), "parameter.added", "list-companies query:region").breaking


def test_field_made_optional_breaks_readers_not_writers() -> None:
    def response_side(spec: Spec) -> None:
        _schemas(spec)["Integration"]["required"].remove("name")

    def request_side(spec: Spec) -> None:
        _schemas(spec)["CompanyRequestBody"]["required"].remove("name")

    assert _only(_mutated(response_side), "field.optional", "Integration.name").breaking
    assert not _only(_mutated(request_side), "field.optional", "CompanyRequestBody.name").breaking


def test_response_type_change_is_breaking() -> None:
    def mutate(spec: Spec) -> None:
        media = spec["paths"]["/companies"]["get"]["responses"]["200"]["content"]["application/json"]
        media["schema"] = {"$ref": "#/components/schemas/Company"}

    change = _only(_mutated(mutate), "response.retyped", "list-companies response")
    assert change.breaking and (change.old, change.new) == ("Companies", "Company")


def test_webhook_payload_change_is_reported_per_event() -> None:
    def mutate(spec: Spec) -> None:
        _schemas(spec)["CompanyWebhook"]["properties"]["region"] = {"type": "string"}

    changes = _mutated(mutate)
    receivers = {
        f"webhook {name}"
        for name, item in _raw(_current("platform"))["webhooks"].items()
        if item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CompanyWebhook")
    }
    assert receivers
    assert _of(changes, "webhook.payload_changed") == receivers
    assert _of(changes, "field.added") == {"CompanyWebhook.region"}
    assert not any(change.breaking for change in changes)


def test_documentation_only_changes_are_not_changes() -> None:
    def mutate(spec: Spec) -> None:
        spec["info"]["description"] = "rewritten"
        for schema in _schemas(spec).values():
            schema["description"] = "rewritten"
            schema.pop("examples", None)

    changes = _mutated(mutate)
    assert changes == []
    assert apidiff.bump_level(changes) == apidiff.PATCH


def test_reports_render_as_markdown_and_json() -> None:
    changes = _mutated(lambda s: s["paths"]["/companies"].pop("get"))
    report = apidiff.ApiReport("platform", "here", "a" * 64, "b" * 64, "3.0.0", "3.0.1", changes)
    text = apidiff.markdown([report])
    assert "### Removed" in text and "**Breaking:** `companies.list`: method removed." in text
    data = json.loads(json.dumps(report.to_json()))
    assert data["bump"] == "major" and data["breaking"] == 1
    assert data["changes"][0]["kind"] == "operation.removed"


def test_parameter_made_required_is_breaking_and_optional_is_not() -> None:
    def make_page_required(spec: Spec) -> None:
        spec["components"]["parameters"]["page"]["required"] = True

    changes = _mutated(make_page_required)
    required = {c.spec_path for c in changes if c.kind == "parameter.required"}
    uses = {
        op["operationId"]
        for item in _raw(_current("platform"))["paths"].values()
        for method, op in item.items()
        if method in METHODS and {"$ref": "#/components/parameters/page"} in op.get("parameters", [])
    }
    assert uses and required == {f"{op_id} query:page" for op_id in uses}
    assert all(c.breaking for c in changes)


def test_request_body_type_change_is_breaking() -> None:
    def mutate(spec: Spec) -> None:
        media = spec["paths"]["/companies"]["post"]["requestBody"]["content"]["application/json"]
        media["schema"] = {"$ref": "#/components/schemas/CompanyUpdateRequest"}

    change = _only(_mutated(mutate), "request_body.retyped", "create-company requestBody")
    assert change.breaking and change.path == "companies.create(body)"


def test_moved_route_keeps_the_method_and_is_not_breaking() -> None:
    def mutate(spec: Spec) -> None:
        spec["paths"]["/v2/companies"] = {"get": spec["paths"]["/companies"].pop("get")}

    change = _only(_mutated(mutate), "operation.moved", "list-companies")
    assert not change.breaking and (change.old, change.new) == ("GET /companies", "GET /v2/companies")
