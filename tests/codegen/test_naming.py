"""Group and method names derived as Codat's own SDKs (Speakeasy) derive them; tables hold only exceptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codegen import source
from codegen.config import load_overrides, package_config
from codegen.errors import GenerationError
from codegen.naming import CLIENT_ATTRIBUTES, SdkName, derived_names, identifier
from codegen.normalise import normalise

SOURCE = source.default_source()
# Codat's own SDKs' names, beside the specs (read through the spec source; never copied into the repo).
SDK_NAMES = Path(SOURCE) / "sdk-method-names.json" if SOURCE is not None and Path(SOURCE).is_dir() else None
needs_names = pytest.mark.skipif(
    SDK_NAMES is None or not SDK_NAMES.is_file(), reason="no sdk-method-names.json in the spec source"
)


def _pinned(api: str) -> dict[str, Any]:
    return normalise(source.load_pinned(source.load_pins()[api], SOURCE))


def _codat_names(api: str) -> dict[str, SdkName]:
    assert SDK_NAMES is not None
    table = json.loads(SDK_NAMES.read_text(encoding="utf-8"))[api]
    return {op: SdkName(entry["group"], entry["method"]) for op, entry in table.items()}


@needs_names
@pytest.mark.parametrize("api", sorted(source.load_pins()))
def test_the_rule_derives_every_name_codats_sdks_use(api: str) -> None:
    assert derived_names(_pinned(api)) == _codat_names(api)


@needs_names
@pytest.mark.parametrize("api", sorted(source.load_pins()))
def test_overrides_hold_only_what_the_rule_cannot_derive(api: str) -> None:
    """Each group/method override differs from the derived name: none is redundant."""
    derived = derived_names(_pinned(api))
    for operation_id, entry in package_config(api).operations.items():
        if "group" in entry:
            assert entry["group"] != derived[operation_id].group, operation_id
        if "method" in entry:
            assert entry["method"] != derived[operation_id].method, operation_id


def test_the_deprecated_cors_pair_is_top_level_as_in_codats_sdk() -> None:
    """codat-platform 6.0.0 has ``client.cors.get/set`` (the spec's x-speakeasy-group); no override nests it."""
    operations = load_overrides()["platform"]["operations"]
    derived = derived_names(_pinned("platform"))
    for operation_id in ("get-connection-management-cors-settings", "set-connection-management-cors-settings"):
        assert "group" not in operations.get(operation_id, {})
        assert derived[operation_id].group == "cors"


def _spec(paths: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths, **top}


def _op(operation_id: str, *tags: str, **extensions: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "tags": list(tags), "responses": {"204": {"description": "ok"}}, **extensions}


def test_operation_override_then_global_override_then_operation_id() -> None:
    spec = _spec(
        {
            "/a": {"get": _op("get-widget-thing", "Widgets", **{"x-speakeasy-name-override": "thing"})},
            "/b": {"get": _op("list-widget-attachments", "Widgets")},
            "/c": {"get": _op("list-widgets", "Widgets")},
            "/d": {"post": _op("frobnicateWidget", "Widgets")},
        },
        **{
            "x-speakeasy-name-override": [
                {"operationId": "^list-.*?", "methodNameOverride": "list"},
                {"operationId": "^list-.*?-attachments", "methodNameOverride": "list-attachments"},
            ]
        },
    )
    assert derived_names(spec) == {
        "get-widget-thing": SdkName("widgets", "thing"),
        "list-widget-attachments": SdkName("widgets", "list_attachments"),  # the last matching rule wins
        "list-widgets": SdkName("widgets", "list"),
        "frobnicateWidget": SdkName("widgets", "frobnicate_widget"),
    }


def test_group_from_speakeasy_group_then_tag_then_path() -> None:
    spec = _spec(
        {
            "/x": {"get": _op("a", "Refresh data", **{"x-speakeasy-group": "connectionManagement.cors"})},
            "/y": {"get": _op("b", "Refresh data")},
            "/bank-accounts/{id}": {"get": _op("c")},
        }
    )
    names = derived_names(spec)
    assert names["a"].group == "connection_management.cors"
    assert names["b"].group == "refresh_data"
    assert names["c"].group == "bank_accounts"


def test_colliding_names_fall_back_to_the_operation_id_but_the_groups_own_keeps_its_name() -> None:
    """A new ``list-widgets`` tagged Companies must not rename the existing ``companies.list``."""
    rules = [{"operationId": "^list-.*?", "methodNameOverride": "list"}]
    spec = _spec(
        {"/companies": {"get": _op("list-companies", "Companies")}, "/w": {"get": _op("list-widgets", "Companies")}},
        **{"x-speakeasy-name-override": rules},
    )
    names = derived_names(spec)
    assert names["list-companies"] == SdkName("companies", "list")
    assert names["list-widgets"] == SdkName("companies", "list_widgets")


def test_an_override_wins_and_an_unknown_operation_needs_no_entry() -> None:
    spec = _spec({"/x": {"get": _op("get-x", "X")}, "/y": {"get": _op("get-y", "X")}})
    names = derived_names(spec, {"get-x": {"method": "fetch", "group": "a.b"}})
    assert names == {"get-x": SdkName("a.b", "fetch"), "get-y": SdkName("x", "get_y")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("get-company-syncSettings", "get_company_sync_settings"),
        ("Refresh data", "refresh_data"),
        ("import", "import_"),
    ],
)
def test_identifier(text: str, expected: str) -> None:
    assert identifier(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "is not readable JSON"),
        (
            '{"platform": {"operations": {"x": {"methd": "get"}}}}',
            r"platform\.operations\.x must be an object with keys",
        ),
        ('{"platform": {"clients": "X"}}', "'platform' must be an object with keys among"),
    ],
)
def test_a_malformed_overrides_file_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "overrides.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GenerationError, match=problem) as caught:
        load_overrides(path)
    assert len(str(caught.value).splitlines()) == 1


def test_no_overrides_file_means_every_name_derived(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "absent.json") == {}
    package = package_config("bank_feeds", {})
    assert (package.package, package.client, package.async_client) == (
        "codat_sdk_bank_feeds",
        "CodatBankFeeds",
        "AsyncCodatBankFeeds",
    )


def test_a_group_keeps_one_method_named_like_a_builtin() -> None:
    """``list`` and ``set`` in one class would shadow the builtins in its annotations: one keeps its name."""
    spec = _spec(
        {
            "/widgets": {"get": _op("list-widgets", "Widgets", **{"x-speakeasy-name-override": "list"})},
            "/colour": {"put": _op("set-widget-colour", "Widgets", **{"x-speakeasy-name-override": "set"})},
        }
    )
    assert derived_names(spec) == {
        "list-widgets": SdkName("widgets", "list"),
        "set-widget-colour": SdkName("widgets", "set_widget_colour"),
    }


def test_a_group_never_hides_an_attribute_of_the_client() -> None:
    assert {"hooks", "timeout", "with_options"} <= CLIENT_ATTRIBUTES  # read from the runtime's clients
    spec = _spec({"/h": {"get": _op("list-hooks", "Hooks")}, "/t": {"get": _op("get-timeout", "Timeout.Hooks")}})
    assert derived_names(spec) == {
        "list-hooks": SdkName("hooks_", "list_hooks"),
        "get-timeout": SdkName("timeout_.hooks", "get_timeout"),
    }
