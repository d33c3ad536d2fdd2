"""``python -m codegen generate --spec``: a working client from any Codat spec, with no pin or table entry."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import source
from codegen.diff import tree_diff

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
CORPUS = Path(SOURCE) / "corpus" if SOURCE is not None and Path(SOURCE).is_dir() else None

# A small spec in Codat's style, built here: tags, a global name override, an operation override.
WIDGETS: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Widget Store API", "version": "2.1.0"},
    "servers": [{"url": "https://api.codat.io"}],
    "x-speakeasy-name-override": [{"operationId": "^get-.*?", "methodNameOverride": "get"}],
    "paths": {
        "/widgets/{widgetId}": {
            "get": {
                "operationId": "get-widget",
                "tags": ["Widgets"],
                "parameters": [{"name": "widgetId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}},
                    }
                },
            },
            "delete": {
                "operationId": "remove-widget",
                "tags": ["Widgets"],
                "x-speakeasy-name-override": "delete",
                "parameters": [{"name": "widgetId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "No Content"}},
            },
        }
    },
    "components": {
        "schemas": {
            "Widget": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "made": {"type": "string", "format": "date"}},
            },
            # Codat's error body; the runtime's ErrorMessageLike reads these fields.
            "ErrorMessage": {
                "type": "object",
                "properties": {
                    **{name: {"type": "integer"} for name in ("statusCode", "detailedErrorCode")},
                    **{name: {"type": "string"} for name in ("service", "error", "correlationId", "canBeRetried")},
                    "validation": {"type": "object", "additionalProperties": True},
                },
            },
        }
    },
}


def _yaml(document: Any, indent: int = 0) -> str:
    """Block YAML for plain JSON data (JSON scalars are valid YAML flow scalars)."""
    pad = " " * indent
    if isinstance(document, dict):
        return "".join(
            f"{pad}{json.dumps(key)}:" + (f"\n{_yaml(value, indent + 2)}" if value else f" {json.dumps(value)}\n")
            for key, value in document.items()
        )
    if isinstance(document, list):
        return "".join(f"{pad}-\n{_yaml(item, indent + 2)}" for item in document)
    return f"{pad}{json.dumps(document)}\n"


def _generate(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    command = [sys.executable, "-m", "codegen", "generate", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def _run(out: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(out), str(ROOT / "src")])}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The synthetic spec as JSON over HTTP on 127.0.0.1."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "widgets.json").write_text(json.dumps(WIDGETS), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/widgets.json"
    finally:
        server.shutdown()
        server.server_close()


def test_a_yaml_spec_generates_a_working_client_with_no_table_entry(tmp_path: Path) -> None:
    spec = tmp_path / "widgets.yaml"
    spec.write_text(_yaml(WIDGETS), encoding="utf-8")
    done = _generate("--spec", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "codat_sdk_widget_store (CodatWidgetStore, AsyncCodatWidgetStore)" in done.stdout
    assert (tmp_path / "out" / "reference" / "widget_store.md").is_file()
    printed = _run(
        tmp_path / "out",
        "from codat_sdk_widget_store import AsyncCodatWidgetStore, CodatWidgetStore\n"
        "client = CodatWidgetStore(api_key='k')\n"
        "print(callable(client.widgets.get), callable(client.widgets.delete), AsyncCodatWidgetStore.__name__)\n",
    )
    assert printed.split() == ["True", "True", "AsyncCodatWidgetStore"]


def test_a_json_spec_by_url_generates_the_same_package_as_yaml(tmp_path: Path, served: str) -> None:
    spec = tmp_path / "widgets.json"
    spec.write_text(_yaml(WIDGETS), encoding="utf-8")  # YAML bytes under a .json name: content decides
    for name, where in (("url", served), ("file", str(spec))):
        done = _generate("--spec", where, "--out", str(tmp_path / name), "--package", "widgets_sdk")
        assert done.returncode == 0, done.stderr
    assert list(tree_diff(tmp_path / "file", tmp_path / "url")) == []
    assert (
        (tmp_path / "url" / "widgets_sdk" / "_client.py").read_text(encoding="utf-8").count("class CodatWidgetStore(")
    )


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("no/such/spec.json", "cannot read no/such/spec.json"),
        ("http://127.0.0.1:9/spec.json", "cannot fetch http://127.0.0.1:9/spec.json"),
        ("pyproject.toml", "neither JSON nor YAML"),
        ("openapi/pins.json", "not an OpenAPI document"),
    ],
)
def test_an_unusable_spec_is_one_clear_line(spec: str, problem: str) -> None:
    done = _generate("--spec", spec, "--out", "/nonexistent/never-written")
    assert done.returncode == 1
    assert problem in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_an_invalid_package_name_is_one_clear_line(tmp_path: Path) -> None:
    spec = tmp_path / "widgets.json"
    spec.write_text(json.dumps(WIDGETS), encoding="utf-8")
    done = _generate("--spec", str(spec), "--out", str(tmp_path), "--package", "not-a-name")
    assert done.returncode == 1 and "not a Python package name" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_pinned_api_is_one_clear_line(tmp_path: Path) -> None:
    done = _generate("--api", "banking", "--out", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip() == "error: no pin for banking in openapi/pins.json (pinned: files, platform)"


@pytest.mark.skipif(CORPUS is None, reason="no spec corpus in the spec source")
def test_a_corpus_spec_generates_with_no_entry_in_any_table(tmp_path: Path) -> None:
    assert CORPUS is not None
    done = _generate("--spec", str(CORPUS / "Codat-Banking.json"), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert _run(tmp_path, "import codat_sdk_banking; print(codat_sdk_banking.CodatBanking.__name__)").strip()


def test_groups_named_like_the_runtimes_classes_or_keywords_type_check(tmp_path: Path) -> None:
    """A ``Sync`` tag once made ``class SyncResource(SyncResource)``, shadowing the runtime's base class."""
    spec = json.loads(json.dumps(WIDGETS))
    del spec["components"]["schemas"]["Widget"]["properties"]["made"]  # dates: the models' own test covers them
    operations = spec["paths"]["/widgets/{widgetId}"]
    operations["get"]["tags"], operations["delete"]["tags"] = ["Sync"], ["Async"]
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    done = _generate("--spec", str(tmp_path / "spec.json"), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    package = tmp_path / "out" / "codat_sdk_widget_store"
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(package)]
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    checked = subprocess.run(mypy, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout
    printed = _run(
        tmp_path / "out",
        "from codat_sdk_widget_store import CodatWidgetStore\n"
        "client = CodatWidgetStore(api_key='k')\n"
        "print(type(client.sync).__name__, type(client.async_).__name__)\n",
    )
    assert printed.split() == ["SyncGroupResource", "AsyncGroupResource"]


def test_a_spec_without_out_never_writes_into_generated(tmp_path: Path) -> None:
    spec = tmp_path / "widgets.json"
    spec.write_text(json.dumps(WIDGETS), encoding="utf-8")
    done = _generate("--spec", str(spec))
    assert done.returncode == 2 and "--spec needs --out DIR" in done.stderr
    assert not (ROOT / "generated" / "codat_sdk_widget_store").exists()


def test_a_spec_titled_like_a_shipped_api_is_named_after_its_file(tmp_path: Path) -> None:
    """Codat-Common.json is titled "Platform API": it once became a second codat_sdk_platform."""
    title = source.load_pinned(source.load_pins()["platform"], SOURCE)["info"]["title"] if SOURCE else "Platform API"
    spec = tmp_path / "Codat-Common.json"
    spec.write_text(json.dumps({**WIDGETS, "info": {**WIDGETS["info"], "title": title}}), encoding="utf-8")
    done = _generate("--spec", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "codat_sdk_common (CodatCommon, AsyncCodatCommon)" in done.stdout
    assert not (tmp_path / "out" / "codat_sdk_platform").exists()


def test_a_directory_that_is_not_a_generated_package_is_never_replaced(tmp_path: Path) -> None:
    """``--out . --package NAME`` once deleted whatever directory NAME was, to write the package there."""
    spec = tmp_path / "widgets.json"
    spec.write_text(json.dumps(WIDGETS), encoding="utf-8")
    mine = tmp_path / "out" / "mine"
    mine.mkdir(parents=True)
    (mine / "work.py").write_text("precious = True\n", encoding="utf-8")
    done = _generate("--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "mine")
    assert done.returncode == 1 and "is not a generated package" in done.stderr, done.stderr
    assert (mine / "work.py").read_text(encoding="utf-8") == "precious = True\n"
    again = [str(spec), "--out", str(tmp_path / "out"), "--package", "widgets_sdk"]
    assert _generate("--spec", *again).returncode == 0
    assert _generate("--spec", *again).returncode == 0  # a package it wrote is replaced
