"""codegen.normalise: the real specs (current + history) parse cleanly, and each pass does its one job."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError

from codegen import normalise as n
from codegen import source

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ERROR_PREFIXES = ("4", "5")


# ------------------------------------------------------------------------------------------ spec source


def _spec_params() -> list[Any]:
    """One param per spec: (api, location).  A single skipping param when there is no source."""
    configured = source.default_source()
    if configured is None:
        return [pytest.param(None, id="no-spec-source")]
    pins = source.load_pins()
    params = [pytest.param((api, source.location(pin, configured)), id=f"{api}-current") for api, pin in pins.items()]
    history = Path(configured) / "history"
    if history.is_dir():
        for path in sorted(history.glob("*.json")):
            api = next((a for a, pin in pins.items() if path.name.startswith(Path(pin.file).stem)), None)
            if api is not None:
                params.append(pytest.param((api, str(path)), id=path.stem))
    return params


@functools.cache
def _load(where: str) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(source.read_bytes(where))
    except source.SpecError as exc:
        pytest.skip(f"no Codat spec available ({exc}); set ${source.SOURCE_ENV_VAR} to a spec directory")
    return document


@functools.cache
def _normalised(where: str) -> dict[str, Any]:
    return n.normalise(_load(where))


@functools.cache
def _parsed(where: str) -> GeneratorData | GeneratorError:
    return _parse(_normalised(where))


def _parse(spec: dict[str, Any]) -> GeneratorData | GeneratorError:
    config = Config.from_sources(
        ConfigFile(), MetaType.NONE, Path("spec.json"), "utf-8", overwrite=True, output_path=None
    )
    return GeneratorData.from_dict(spec, config=config)


def _location(param: tuple[str, str] | None) -> str:
    if param is None:
        pytest.skip(
            "no Codat spec source: neither $CODAT_SPEC_SOURCE nor ../shared/openapi exists "
            "(the tests do not download specs)"
        )
    return str(param[1])


@pytest.fixture(params=_spec_params())
def spec_location(request: pytest.FixtureRequest) -> str:
    return _location(request.param)


@pytest.fixture(params=[p for p in _spec_params() if p.values[0] is None or p.values[0][0] == "files"])
def files_spec_location(request: pytest.FixtureRequest) -> str:
    return _location(request.param)


def _path_key(path: str) -> str:
    """The generator snake-cases path placeholders; compare paths with placeholders blanked."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _raw_operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path) -> operation for each operation without x-speakeasy-ignore, read from the raw JSON."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and operation.get("x-speakeasy-ignore") is not True:
                found[(method, _path_key(path))] = operation
    return found


def _endpoints(data: GeneratorData) -> dict[tuple[str, str], Any]:
    found = {}
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            found[(endpoint.method.lower(), _path_key(endpoint.path.get_untrusted_value()))] = endpoint
    return found


def _class_name(prop: Any) -> str | None:
    class_info = getattr(prop, "class_info", None)
    return None if class_info is None else str(class_info.name)


# ------------------------------------------------------------------------------------- real-spec tests


def test_generator_reports_no_error_or_warning(spec_location: str) -> None:
    data = _parsed(spec_location)
    assert not isinstance(data, GeneratorError), data
    problems = [f"{e.header}: {e.detail}" for e in data.errors]
    for collection in data.endpoint_collections_by_tag.values():
        problems += [f"{e.header}: {e.detail}" for e in collection.parse_errors]
        for endpoint in collection.endpoints:
            problems += [f"{e.header}: {e.detail}" for e in endpoint.errors]
    assert problems == []


def test_every_operation_is_generated(spec_location: str) -> None:
    raw = _raw_operations(_load(spec_location))
    data = _parsed(spec_location)
    assert not isinstance(data, GeneratorError)
    assert sorted(_endpoints(data)) == sorted(raw)
    ignored = [
        op["operationId"]
        for item in _load(spec_location)["paths"].values()
        for method, op in item.items()
        if method in METHODS and op.get("x-speakeasy-ignore") is True
    ]
    normalised_ids = [
        op["operationId"]
        for item in _normalised(spec_location)["paths"].values()
        for method, op in item.items()
        if method in METHODS
    ]
    assert sorted(normalised_ids) == sorted(op["operationId"] for op in raw.values())
    assert not set(ignored) & set(normalised_ids)


def test_error_responses_are_parsed_as_error_message(spec_location: str) -> None:
    raw = _raw_operations(_load(spec_location))
    data = _parsed(spec_location)
    assert not isinstance(data, GeneratorError)
    endpoints = _endpoints(data)
    for key, operation in raw.items():
        documented = sorted(s for s in operation.get("responses", {}) if s.startswith(ERROR_PREFIXES))
        assert documented, f"{key} documents no error response"
        parsed = {r.status_code.pattern: r for r in endpoints[key].responses}
        assert sorted(s for s in parsed if s.startswith(ERROR_PREFIXES)) == documented, key
        for status in documented:
            assert _class_name(parsed[status].prop) == "ErrorMessage", (key, status)


def test_request_bodies_are_present_and_required(spec_location: str) -> None:
    raw = _raw_operations(_load(spec_location))
    data = _parsed(spec_location)
    assert not isinstance(data, GeneratorError)
    endpoints = _endpoints(data)
    for key, operation in raw.items():
        body = operation.get("requestBody")
        if body is None:
            assert endpoints[key].bodies == [], key
            continue
        assert endpoints[key].bodies, f"{key} lost its request body"
        expected_required = body.get("required", True) is not False
        assert all(b.prop.required == expected_required for b in endpoints[key].bodies), key
        for content_type in body.get("content", {}):
            assert content_type in [b.content_type.get_untrusted_value() for b in endpoints[key].bodies], key


def test_files_upload_is_multipart(files_spec_location: str) -> None:
    raw = _raw_operations(_load(files_spec_location))
    uploads = [k for k, op in raw.items() if op.get("operationId") == "upload-files"]
    assert len(uploads) == 1
    data = _parsed(files_spec_location)
    assert not isinstance(data, GeneratorError)
    bodies = _endpoints(data)[uploads[0]].bodies
    assert [b.content_type.get_untrusted_value() for b in bodies] == ["multipart/form-data"]


def test_vendor_extensions_are_kept(spec_location: str) -> None:
    raw_spec = _load(spec_location)
    normalised = _normalised(spec_location)
    assert {k: v for k, v in raw_spec.items() if k.startswith("x-")} == {
        k: v for k, v in normalised.items() if k.startswith("x-")
    }
    for path, item in raw_spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS or operation.get("x-speakeasy-ignore") is True:
                continue
            after = normalised["paths"][path][method]
            kept = ("x-", "deprecated", "operationId", "tags", "summary", "description")
            assert {k: v for k, v in operation.items() if k.startswith(kept)} == {
                k: v for k, v in after.items() if k.startswith(kept)
            }


def test_every_ref_is_a_plain_component_ref(spec_location: str) -> None:
    normalised = _normalised(spec_location)
    for holder in n.iter_ref_holders(normalised):
        tokens = n.pointer_tokens(holder["$ref"])
        assert tokens is not None and len(tokens) == 3 and tokens[0] == "components", holder["$ref"]
        assert n.resolve(normalised, tokens) is not None, holder["$ref"]


def test_component_keys_are_kept_and_name_their_classes(spec_location: str) -> None:
    raw_keys = list(_load(spec_location)["components"]["schemas"])
    schemas = _normalised(spec_location)["components"]["schemas"]
    assert [k for k in raw_keys if k not in schemas] == []
    data = _parsed(spec_location)
    assert not isinstance(data, GeneratorError)
    classes = {str(m.class_info.name) for m in data.models} | {str(e.class_info.name) for e in data.enums}
    for key, schema in schemas.items():
        if n.defines_class(schema) and not (schema.get("allOf") and len(schema["allOf"]) == 1):
            assert key in classes, key
    assert "ErrorMessage" in classes


def test_normalise_does_not_mutate_its_input(spec_location: str) -> None:
    original = _load(spec_location)
    before = copy.deepcopy(original)
    n.normalise(original)
    assert original == before


_HASH_SCRIPT = """
import hashlib, json, sys
from codegen.normalise import normalise
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        out = json.dumps(normalise(json.load(handle)), sort_keys=False)
    print(hashlib.sha256(out.encode()).hexdigest())
"""


def test_output_is_identical_across_hash_seeds() -> None:
    locations = [p.values[0][1] for p in _spec_params() if p.values[0] is not None]
    locations = [where for where in locations if Path(where).is_file()]
    if not locations:
        pytest.skip("no local Codat spec files to normalise")
    expected = [
        hashlib.sha256(json.dumps(n.normalise(_load(where)), sort_keys=False).encode()).hexdigest()
        for where in locations
    ]
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _HASH_SCRIPT, *locations],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.split() == expected, f"PYTHONHASHSEED={seed}"


# ------------------------------------------------------------------------ a tiny end-to-end document


def _mini_files_spec() -> dict[str, Any]:
    """A hand-written miniature of the Files API's quirks."""
    error_schema_ref = "#/components/responses/Forbidden/content/application~1json/schema"
    return {
        "openapi": "3.1.0",
        "info": {"title": "mini", "version": "1"},
        "x-speakeasy-retries": {"strategy": "backoff"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "upload-thing",
                    "tags": ["Things"],
                    "requestBody": {
                        "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}}}
                    },
                    "responses": {
                        "200": {"description": "ok"},
                        "400": {"$ref": "#/components/responses/BadRequest"},
                        "403": {"$ref": "#/components/responses/Forbidden"},
                    },
                },
                "delete": {
                    "operationId": "hidden",
                    "x-speakeasy-ignore": True,
                    "responses": {"204": {"description": "gone"}},
                },
            }
        },
        "components": {
            "schemas": {
                "Upload": {
                    "title": "Attachment upload",
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"$ref": "#/components/schemas/Upload/definitions/codatFile"}},
                    "definitions": {"codatFile": {"type": "string", "format": "binary"}},
                }
            },
            "responses": {
                "Bad-Request": {
                    "description": "bad",
                    "content": {"application/json": {"schema": {"$ref": error_schema_ref}}},
                },
                "Forbidden": {
                    "description": "forbidden",
                    "content": {
                        "application/json": {
                            "schema": {
                                "title": "Error message",
                                "type": "object",
                                "properties": {
                                    "error": {"type": "string"},
                                    "validation": {"$ref": error_schema_ref + "/definitions/errorValidation"},
                                },
                                "definitions": {
                                    "errorValidation": {
                                        "title": "Validation error",
                                        "type": "object",
                                        "nullable": True,
                                        "properties": {"errors": {"type": ["array", "null"], "items": {}}},
                                    }
                                },
                            }
                        }
                    },
                },
            },
        },
    }


def test_mini_document_generates_cleanly() -> None:
    spec = _mini_files_spec()
    out = n.normalise(spec)
    data = _parse(out)
    assert not isinstance(data, GeneratorError)
    assert data.errors == []
    (collection,) = data.endpoint_collections_by_tag.values()
    assert collection.parse_errors == []
    (endpoint,) = collection.endpoints
    assert [b.content_type.get_untrusted_value() for b in endpoint.bodies] == ["multipart/form-data"]
    statuses = {r.status_code.pattern: _class_name(r.prop) for r in endpoint.responses}
    assert statuses["400"] == statuses["403"] == "ErrorMessage"
    assert list(out["components"]["schemas"]) == ["Upload", "CodatFile", "ErrorValidation", "ErrorMessage"]
    assert out["components"]["responses"]["Forbidden"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorMessage"
    }
    assert out["paths"]["/things"]["post"]["responses"]["400"] == {"$ref": "#/components/responses/Bad-Request"}
    assert out["x-speakeasy-retries"] == {"strategy": "backoff"}
    assert spec == _mini_files_spec()


def test_debug_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_mini_files_spec()), encoding="utf-8")
    assert n.main([str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == n.normalise(_mini_files_spec())
    assert n.main([]) == 2


# ------------------------------------------------------------------------------------- pass unit tests


def _doc(schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths or {}, "components": {"schemas": schemas or {}}}


def _ok(responses: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"responses": responses or {"200": {"description": "ok"}}, **extra}


def test_pascal() -> None:
    assert n.pascal("errorValidation") == "ErrorValidation"
    assert n.pascal("Dataset status") == "DatasetStatus"
    assert n.pascal("Bad-Request") == "BadRequest"
    assert n.pascal("2fa") == "Schema2fa"


def test_drop_ignored_operations() -> None:
    spec = _doc(
        paths={
            "/a": {"get": _ok(), "post": {**_ok(), "x-speakeasy-ignore": True}},
            "/b": {"parameters": [], "post": {**_ok(), "x-speakeasy-ignore": True}},
            "/c": {"get": {**_ok(), "x-speakeasy-ignore": False, "x-speakeasy-group": "g"}},
        }
    )
    out = n.drop_ignored_operations(spec)
    assert list(out["paths"]) == ["/a", "/c"]
    assert list(out["paths"]["/a"]) == ["get"]
    assert out["paths"]["/c"]["get"]["x-speakeasy-group"] == "g"


def test_convert_json_schema_31() -> None:
    spec = _doc(
        {
            "A": {
                "type": "object",
                "properties": {
                    "s": {"type": ["string", "null"], "examples": ["x", "y"]},
                    "u": {"type": ["string", "integer"], "description": "d"},
                    "z": {"const": None},
                    "k": {"type": "string", "const": "fixed", "$comment": "c"},
                    "f": {"type": "string", "nullable": False},
                },
            }
        }
    )
    props = n.convert_json_schema_31(spec)["components"]["schemas"]["A"]["properties"]
    assert props["s"] == {"type": "string", "nullable": True, "example": "x"}
    assert props["u"] == {"description": "d", "anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert props["z"] == {"type": "null"}
    assert props["k"] == {"type": "string", "const": "fixed"}
    assert props["f"] == {"type": "string"}


def test_inline_sole_allof_definitions() -> None:
    spec = _doc(
        {
            "Token": {
                "type": "object",
                "allOf": [{"$ref": "#/components/schemas/Token/definitions/accessToken"}],
                "definitions": {"accessToken": {"type": "object", "properties": {"t": {"type": "string"}}}},
            }
        }
    )
    out = n.inline_sole_allof_definitions(spec)["components"]["schemas"]["Token"]
    assert out == {"type": "object", "allOf": [{"type": "object", "properties": {"t": {"type": "string"}}}]}


def test_hoist_definitions_names_merges_prefixes_and_drops_dead_ones() -> None:
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    spec = _doc(
        {
            "ErrorMessage": {
                "type": "object",
                "properties": {"validation": {"$ref": "#/components/schemas/ErrorMessage/definitions/errorValidation"}},
                "definitions": {
                    "errorValidation": {
                        "type": "object",
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/ErrorMessage/definitions/item"},
                            }
                        },
                    },
                    "item": item,
                    "unused": {"type": "string"},
                },
            },
            "Other": {
                "type": "object",
                "properties": {"item": {"$ref": "#/components/schemas/Other/definitions/item"}},
                "definitions": {"item": {"type": "object", "properties": {"other": {"type": "integer"}}}},
            },
            "Same": {
                "type": "object",
                "properties": {"v": {"$ref": "#/components/schemas/Same/definitions/errorValidation"}},
                "definitions": {"errorValidation": {"$ref": "#/components/schemas/Other"}},
            },
        }
    )
    out = n.hoist_definitions(spec)["components"]["schemas"]
    assert list(out) == [
        "ErrorMessage",
        "Other",
        "Same",
        "ErrorMessageErrorValidation",
        "ErrorMessageItem",
        "OtherItem",
        "SameErrorValidation",
    ]
    assert "definitions" not in out["ErrorMessage"]
    ref = out["ErrorMessage"]["properties"]["validation"]["$ref"]
    assert ref == "#/components/schemas/ErrorMessageErrorValidation"
    assert out["ErrorMessageErrorValidation"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/ErrorMessageItem"
    }


def test_hoist_definitions_prefers_the_plain_key_and_merges_identical_bodies() -> None:
    body = {"type": "string", "enum": ["A", "B"]}
    spec = _doc(
        {
            "X": {"properties": {"s": {"$ref": "#/components/schemas/X/definitions/sourceType"}}},
            "Y": {
                "properties": {"s": {"$ref": "#/components/schemas/Y/definitions/sourceType"}},
                "definitions": {"sourceType": copy.deepcopy(body)},
            },
        }
    )
    spec["components"]["schemas"]["X"]["definitions"] = {"sourceType": copy.deepcopy(body)}
    out = n.hoist_definitions(spec)["components"]["schemas"]
    assert list(out) == ["X", "Y", "SourceType"]
    assert out["X"]["properties"]["s"] == out["Y"]["properties"]["s"] == {"$ref": "#/components/schemas/SourceType"}


def test_resolve_deep_refs_inlines_primitives_and_hoists_classes() -> None:
    spec = _doc(
        {
            "Pull": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "status": {"title": "Dataset status", "type": "string", "enum": ["A", "B"]},
                    "kind": {"type": "string", "enum": ["x", "y"]},
                },
            },
            "Kind": {"x-internal": True, "$ref": "#/components/schemas/Pull/properties/kind"},
            "Status": {
                "type": "object",
                "properties": {
                    "id": {"$ref": "#/components/schemas/Pull/properties/id", "description": "mine"},
                    "current": {"$ref": "#/components/schemas/Pull/properties/status"},
                    "chained": {"$ref": "#/components/schemas/Status/properties/current"},
                },
            },
        }
    )
    out = n.resolve_deep_refs(spec)["components"]["schemas"]
    assert out["Kind"] == {"type": "string", "enum": ["x", "y"], "x-internal": True}
    assert out["Pull"]["properties"]["kind"] == {"$ref": "#/components/schemas/Kind"}
    assert out["DatasetStatus"] == {"title": "Dataset status", "type": "string", "enum": ["A", "B"]}
    assert out["Pull"]["properties"]["status"] == {"$ref": "#/components/schemas/DatasetStatus"}
    assert out["Status"]["properties"] == {
        "id": {"type": "string", "format": "uuid", "description": "mine"},
        "current": {"$ref": "#/components/schemas/DatasetStatus"},
        "chained": {"$ref": "#/components/schemas/DatasetStatus"},
    }


def test_resolve_deep_refs_follows_refs_into_paths_and_parameters() -> None:
    body_schema = {"allOf": [{"properties": {"companyId": {"type": "string", "format": "uuid"}}}]}
    deep = "#/paths/~1c~1%7Bid%7D/post/requestBody/content/application~1json/schema/allOf/0/properties/companyId"
    spec = _doc(
        {"C": {"properties": {"id": {"$ref": deep}}}},
        paths={"/c/{id}": {"post": _ok(requestBody={"content": {"application/json": {"schema": body_schema}}})}},
    )
    spec["components"]["parameters"] = {
        "p": {"name": "p", "in": "path", "schema": {"$ref": "#/components/schemas/C/properties/id"}}
    }
    out = n.resolve_deep_refs(spec)
    assert out["components"]["schemas"]["C"]["properties"]["id"] == {"type": "string", "format": "uuid"}
    assert out["components"]["parameters"]["p"]["schema"] == {"type": "string", "format": "uuid"}


def test_resolve_component_aliases() -> None:
    spec = _doc(
        {
            "Real": {"type": "object"},
            "Alias": {"$ref": "#/components/schemas/Real"},
            "User": {"properties": {"a": {"$ref": "#/components/schemas/Alias"}}},
        }
    )
    out = n.resolve_component_aliases(spec)["components"]["schemas"]
    assert list(out) == ["Real", "User"]
    assert out["User"]["properties"]["a"] == {"$ref": "#/components/schemas/Real"}


def test_collapse_annotation_allof() -> None:
    date = {"$ref": "#/components/schemas/DateTime"}
    spec = _doc(
        {
            "DateTime": {"type": "string"},
            "M": {
                "type": "object",
                "properties": {
                    "a": {"allOf": [date, {"description": "when"}]},
                    "b": {"allOf": [date, {}], "title": "B"},
                    "c": {"allOf": [date, {"properties": {"x": {"type": "string"}}}]},
                },
            },
        }
    )
    props = n.collapse_annotation_allof(spec)["components"]["schemas"]["M"]["properties"]
    assert props["a"] == {"description": "when", **date}
    assert props["b"] == date
    assert "allOf" in props["c"]


def test_share_repeated_inline_enums() -> None:
    param = {
        "name": "dataType",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ["a", "b"]},
    }
    spec = _doc(
        {
            "DataType": {"type": "string", "enum": ["x"]},
            "M": {"properties": {"once": {"type": "string", "enum": ["only"]}}},
        },
        paths={"/s/{dataType}": {"parameters": [param], "get": _ok(tags=["Supplemental data"]), "put": _ok()}},
    )
    out = n.share_repeated_inline_enums(spec)
    assert out["components"]["schemas"]["SupplementalDataDataType"] == {"type": "string", "enum": ["a", "b"]}
    assert out["paths"]["/s/{dataType}"]["parameters"][0]["schema"] == {
        "$ref": "#/components/schemas/SupplementalDataDataType"
    }
    assert out["components"]["schemas"]["M"]["properties"]["once"] == {"type": "string", "enum": ["only"]}


def test_push_component_nullability_to_refs() -> None:
    spec = _doc(
        {
            "V": {"type": "object", "nullable": True},
            "M": {"properties": {"v": {"$ref": "#/components/schemas/V"}}},
        }
    )
    out = n.push_component_nullability_to_refs(spec)["components"]["schemas"]
    assert out["V"] == {"type": "object"}
    assert out["M"]["properties"]["v"] == {"$ref": "#/components/schemas/V", "nullable": True}


def test_express_ref_siblings() -> None:
    ref = {"$ref": "#/components/schemas/T"}
    spec = _doc(
        {
            "T": {"type": "string"},
            "M": {
                "properties": {
                    "n": {**ref, "nullable": True, "description": "d"},
                    "d": {**ref, "default": "x", "title": "ignored"},
                    "a": {**ref, "example": "e", "description": "kept"},
                }
            },
        }
    )
    props = n.express_ref_siblings(spec)["components"]["schemas"]["M"]["properties"]
    assert props["n"] == {"anyOf": [ref, {"type": "null"}], "description": "d"}
    assert props["d"] == {"allOf": [ref], "default": "x"}
    assert props["a"] == {**ref, "description": "kept"}


def test_express_enum_nullability_and_titles() -> None:
    spec = _doc(
        {
            "M": {
                "type": "object",
                "properties": {
                    "e": {"type": "string", "enum": ["A"], "nullable": True},
                    "o": {"type": "object", "nullable": True, "additionalProperties": True},
                    "t": {"title": "Kept", "type": "object", "nullable": True},
                },
            }
        }
    )
    out = n.title_nullable_inline_classes(n.express_enum_nullability(spec))
    props = out["components"]["schemas"]["M"]["properties"]
    assert props["e"] == {"type": "string", "enum": ["A", None], "title": "e"}
    assert props["o"]["title"] == "o"
    assert props["t"]["title"] == "Kept"


def test_name_components_by_key() -> None:
    spec = _doc({"PagingInfo": {"title": "Pagination information", "type": "object"}, "B": {"type": "string"}})
    out = n.name_components_by_key(spec)["components"]["schemas"]
    assert out["PagingInfo"]["title"] == "PagingInfo"
    assert out["B"]["title"] == "B"


def test_fix_response_refs() -> None:
    spec = _doc(paths={"/a": {"get": _ok({"400": {"$ref": "#/components/responses/BadRequest"}})}})
    spec["components"]["responses"] = {"Bad-Request": {"description": "bad"}}
    out = n.fix_response_refs(spec)
    assert out["paths"]["/a"]["get"]["responses"]["400"] == {"$ref": "#/components/responses/Bad-Request"}


def test_ensure_error_responses() -> None:
    responses = {
        "200": {"description": "ok"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "404": {"description": "missing"},
        "500": {"$ref": "#/components/responses/Nope"},
    }
    spec = _doc(paths={"/a": {"get": _ok(responses)}})
    spec["components"]["responses"] = {"Unauthorized": {"description": "no"}}
    out = n.ensure_error_responses(spec)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorMessage"}}}
    assert "ErrorMessage" in out["components"]["schemas"]
    assert out["components"]["responses"]["Unauthorized"]["content"] == error
    assert out["components"]["responses"]["Nope"]["content"] == error
    assert out["paths"]["/a"]["get"]["responses"]["404"]["content"] == error
    assert out["paths"]["/a"]["get"]["responses"]["200"] == {"description": "ok"}


def test_drop_no_content_bodies() -> None:
    spec = _doc(
        paths={
            "/a": {
                "delete": _ok({"204": {"$ref": "#/components/responses/Too-Many-Requests"}}),
                "put": _ok({"204": {"description": "done"}}),
            }
        }
    )
    out = n.drop_no_content_bodies(spec)
    assert out["paths"]["/a"]["delete"]["responses"]["204"] == {"description": "No Content"}
    assert out["paths"]["/a"]["put"]["responses"]["204"] == {"description": "done"}


def test_require_request_bodies() -> None:
    content = {"application/json": {"schema": {"type": "object"}}}
    spec = _doc(
        paths={
            "/a": {
                "post": _ok(requestBody={"content": content}),
                "put": _ok(requestBody={"required": False, "content": content}),
            }
        }
    )
    out = n.require_request_bodies(spec)
    assert out["paths"]["/a"]["post"]["requestBody"]["required"] is True
    assert out["paths"]["/a"]["put"]["requestBody"]["required"] is False


def test_passes_run_in_documented_order() -> None:
    names = [p.__name__ for p in n.PASSES]
    assert names[0] == "drop_ignored_operations"
    assert names.index("hoist_definitions") < names.index("resolve_deep_refs")
    assert names.index("share_repeated_inline_enums") < names.index("express_ref_siblings")
    assert all(p.__doc__ and "\n" not in p.__doc__.strip() for p in n.PASSES)
