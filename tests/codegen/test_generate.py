"""The generation driver: pins enforced, warnings fatal, output reproducible, every operation listed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codegen import source
from codegen.config import package_config
from codegen.diff import tree_diff
from codegen.errors import GenerationError
from codegen.generate import GENERATED
from codegen.normalise import normalise
from codegen.operations import build_groups
from codegen.render import parse, postprocess, render_package

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
needs_spec = pytest.mark.skipif(
    SOURCE is None, reason="no spec source: set $CODAT_SPEC_SOURCE or provide ../shared/openapi (nothing to read)"
)


def _raw_operation_ids(spec: dict[str, object]) -> set[str]:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    return {
        op["operationId"]
        for item in paths.values()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch") and not op.get("x-speakeasy-ignore")
    }


@needs_spec
@pytest.mark.parametrize("api", ["platform", "files"])
def test_reference_lists_every_operation(api: str) -> None:
    spec = json.loads(source.fetch_pinned(source.load_pins()[api], SOURCE))
    reference = (GENERATED / "reference" / f"{api}.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", reference, flags=re.MULTILINE))
    assert listed == _raw_operation_ids(spec)


def _history_specs() -> list[Path]:
    if SOURCE is None or not (Path(SOURCE) / "history").is_dir():
        return []
    return sorted((Path(SOURCE) / "history").glob("*.json"))


@pytest.mark.parametrize("path", _history_specs(), ids=lambda p: p.name)
def test_history_versions_render_without_warnings(path: Path, tmp_path: Path) -> None:
    api = "files" if "Files" in path.name else "platform"
    spec = normalise(json.loads(path.read_bytes()))
    groups = render_package(spec, package_config(api), tmp_path)
    rendered = sum(len(g.operations) + sum(len(s.operations) for s in g.subgroups) for g in groups)
    assert rendered == len(_raw_operation_ids(json.loads(path.read_bytes())))


def test_generator_warnings_are_fatal() -> None:
    broken = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"$ref": "#/nowhere"}}}}},
    }
    with pytest.raises(GenerationError, match="warned"):
        parse(broken)


@needs_spec
def test_bytes_not_matching_the_pin_are_refused() -> None:
    pin = source.load_pins()["files"]
    with pytest.raises(source.SpecError, match="does not match the pin"):
        source.fetch_pinned(replace(pin, sha256="0" * 64), SOURCE)


@needs_spec
def test_generation_is_byte_identical_and_matches_generated(tmp_path: Path) -> None:
    """Two runs under different hash seeds produce generated/ exactly, with no caches inside."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "codegen", "generate", "--out", str(out)], cwd=ROOT, env=env, check=True)
        outputs.append(out)
    assert list(tree_diff(outputs[0], outputs[1])) == []
    assert list(tree_diff(outputs[0], GENERATED)) == []
    assert not [p for p in outputs[0].rglob("*") if p.name in ("__pycache__", ".ruff_cache", ".mypy_cache")]


@needs_spec
def test_generation_is_byte_identical_from_any_working_directory(tmp_path: Path) -> None:
    """Run from elsewhere, ruff once grouped the runtime's imports differently (153 files differed)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "codegen", "generate", "--out", str(out)]
    subprocess.run(command, cwd=elsewhere, env=env, check=True)
    assert list(tree_diff(out, GENERATED)) == []


# -- request bodies with a default (openapi/overrides.json) ----------------------------------------------------


def _platform_spec() -> dict[str, Any]:
    spec: dict[str, Any] = normalise(json.loads(source.fetch_pinned(source.load_pins()["platform"], SOURCE)))
    return spec


def _unlink(groups: list[Any]) -> Any:
    return next(op for group in groups for op in group.operations if op.operation_id == "unlink-connection")


def _build(spec: dict[str, Any], operations: dict[str, Any] | None = None) -> list[Any]:
    package = package_config("platform")
    if operations is not None:
        package = replace(package, operations=operations)
    return build_groups(parse(spec), spec, package)


@needs_spec
def test_unlink_body_default_is_checked_against_the_spec_and_makes_the_body_optional() -> None:
    assert package_config("platform").operations["unlink-connection"]["body"] == {"status": "Unlinked"}
    unlink = _unlink(_build(_platform_spec()))
    assert unlink.body_default == {"status": "Unlinked"}
    assert unlink.endpoint.bodies[0].prop.required is False


@needs_spec
@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"body": {"status": "Unlinkd"}}, "not one of the values the spec allows"),
        ({"body": {"state": "Unlinked"}}, "no property 'state'"),
        ({"body": {}}, "non-empty JSON object"),
    ],
)
def test_a_body_default_the_spec_does_not_allow_fails_generation(entry: dict[str, Any], problem: str) -> None:
    with pytest.raises(GenerationError, match=problem):
        _build(_platform_spec(), {"unlink-connection": entry})


@needs_spec
def test_a_body_default_contradicting_the_specs_example_fails_generation() -> None:
    spec = _platform_spec()
    media = spec["paths"]["/companies/{companyId}/connections/{connectionId}"]["patch"]["requestBody"]["content"]
    media["application/json"]["examples"]["Example"]["value"] = {"status": "Linked"}
    with pytest.raises(GenerationError, match="differs from the default"):
        _build(spec)


@needs_spec
def test_an_override_for_an_operation_the_spec_lacks_is_a_note_not_a_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An operation upstream removed must not stop the bump that removes it."""
    groups = _build(_platform_spec(), {"no-such-operation": {"body": {"x": 1}}})
    assert groups
    assert (
        "overrides.json: platform has entries for no operation in the spec: no-such-operation"
        in capsys.readouterr().err
    )


def test_generated_code_ruff_cannot_parse_is_a_generation_error(tmp_path: Path) -> None:
    """It was a CalledProcessError traceback (an operationId such as ``get.thing`` once made a bad module)."""
    (tmp_path / "broken.py").write_text("def (:\n", encoding="utf-8")
    with pytest.raises(GenerationError, match="not valid Python"):
        postprocess(tmp_path, "# header\n")
