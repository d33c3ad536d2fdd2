"""Each kind of upstream change, made to the real Platform spec, bumped unattended in a copy of the repository.

Non-breaking kinds land with the right semver level and changelog; breaking kinds that no hand-written
code uses land as a major bump; breaking kinds that hand-written code uses are refused before any write,
with a report naming each call site. Targets (which operation, enum value or field) are chosen from the
pinned spec and the hand-written code, never typed in. The bumps run two at a time, each in its own copy,
with the ``spec`` check set (ruff, mypy --strict, the tests that read the specs).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codegen import apidiff, bump, callsites, drift, source, webhooks
from codegen.normalise import HTTP_METHODS, normalise

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
LOCAL = Path(SOURCE) if SOURCE is not None and Path(SOURCE).is_dir() else None
pytestmark = pytest.mark.skipif(
    LOCAL is None or shutil.which("git") is None,
    reason="no spec source: neither $CODAT_SPEC_SOURCE nor ../shared/openapi exists (tests do not download specs)",
)
API = "platform"
LANDS, REFUSED = "lands", "refused"
DATE = "2026-12-01"
PARALLEL = 2

Spec = dict[str, Any]


# ------------------------------------------------------------------------------------------ the pinned spec


@functools.cache
def pinned() -> Spec:
    assert LOCAL is not None
    spec: Spec = json.loads((LOCAL / source.load_pins()[API].file).read_bytes())
    return spec


def _operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def _enums(node: Any) -> Iterator[list[Any]]:
    """Every string enum list in the spec's components (inline ones included)."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and node.get("type", "string") == "string":
            yield node["enum"]
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def _string_fields(spec: Spec) -> Iterator[tuple[str, str]]:
    """(component, property) of plain string fields of the components (no format, no enum)."""
    for name, schema in spec["components"]["schemas"].items():
        for prop, sub in (schema.get("properties") or {}).items():
            if sub.get("type") == "string" and not {"format", "enum", "$ref"} & sub.keys():
                yield name, prop


@functools.cache
def _pinned_view() -> tuple[Spec, dict[str, apidiff.MethodName], list[callsites.Module]]:
    """The pinned spec normalised, its SDK names, and the hand-written code: read once for every candidate."""
    return normalise(pinned()), drift.RepoFiles(ROOT).sdk_names(API), callsites.hand_written(ROOT)


def _sites(mutated: Spec) -> list[callsites.Breakage]:
    old, names, modules = _pinned_view()
    changes = apidiff.api_diff(old, normalise(mutated), names)
    assert any(change.breaking for change in changes), "the mutation was meant to break something"
    return callsites.breakages(ROOT, changes, modules)


def _pick(candidates: list[Callable[[Spec], None]], used: bool) -> Callable[[Spec], Spec]:
    """The first candidate mutation whose breaking change hand-written code uses (or does not use)."""
    for candidate in candidates:
        mutated = copy.deepcopy(pinned())
        candidate(mutated)
        if bool(_sites(mutated)) == used:
            return _applied(candidate)
    pytest.skip(f"no candidate mutation {'used' if used else 'unused'} by hand-written code")


def _applied(mutation: Callable[[Spec], None]) -> Callable[[Spec], Spec]:
    def apply(spec: Spec) -> Spec:
        mutation(spec)
        return spec

    return apply


# ------------------------------------------------------------------------------------------ mutations


def docs_only(spec: Spec) -> Spec:
    for _path, _method, operation in _operations(spec):
        operation["description"] = str(operation.get("description", "")) + "\n\nUpdated upstream."
    for schema in spec["components"]["schemas"].values():
        schema["description"] = str(schema.get("description", "")) + " (reworded)"
    return spec


def operation_added(spec: Spec) -> Spec:
    """A copy of the first GET operation under a new path and operationId (its names derived, not tabled)."""
    path, method, operation = next((p, m, o) for p, m, o in _operations(spec) if m == "get")
    added = copy.deepcopy(operation)
    added["operationId"] = str(operation["operationId"]) + "-archived"
    added.pop("x-speakeasy-name-override", None)
    spec["paths"][path.rstrip("/") + "/archived"] = {method: added}
    return spec


def operation_deprecated(spec: Spec) -> Spec:
    """Deprecate the non-deprecated operation hand-written code calls most (deprecation never breaks)."""
    modules = callsites.hand_written(ROOT)
    calls = {}
    for operation_id, name in drift.RepoFiles(ROOT).sdk_names(API).items():
        tail = tuple(str(name).split("."))
        calls[operation_id] = sum(1 for module in modules for chain, _ in module.calls if chain[-len(tail) :] == tail)
    live = [o for _p, _m, o in _operations(spec) if not o.get("deprecated") and o["operationId"] in calls]
    max(live, key=lambda o: calls[o["operationId"]])["deprecated"] = True
    return spec


def _operation_removals() -> list[Callable[[Spec], None]]:
    def remove(path: str, method: str) -> Callable[[Spec], None]:
        return lambda spec: spec["paths"][path].pop(method)

    return [remove(path, method) for path, method, _op in _operations(pinned())]


def enum_value_added(spec: Spec) -> Spec:
    """Every string enum gains a value (an upstream addition the tests never heard of)."""
    for values in _enums(spec.get("components", {})):
        values.append(f"{values[0]}Next")
    return spec


def _enum_removals() -> list[Callable[[Spec], None]]:
    def remove(index: int, value: Any) -> Callable[[Spec], None]:
        return lambda spec: list(_enums(spec["components"]))[index].remove(value)

    return [
        remove(index, value)
        for index, values in enumerate(_enums(pinned()["components"]))
        if len(values) > 1
        for value in values
    ]


def _field_retypes() -> list[Callable[[Spec], None]]:
    def retype(name: str, prop: str) -> Callable[[Spec], None]:
        def apply(spec: Spec) -> None:
            retyped = spec["components"]["schemas"][name]["properties"][prop]
            retyped["type"] = "integer"
            # Upstream retypes a field's own examples with it; examples elsewhere in the spec may lag behind
            # (a spec bug the tests read from Prism, never one of ours).
            for keyword in ("example", "examples", "default", "pattern", "minLength", "maxLength"):
                retyped.pop(keyword, None)

        return apply

    # Retyping the field a webhook's type is read from breaks receiving webhooks: used, whatever callsites say.
    routing = webhooks.event_type_fields(pinned())
    return [retype(name, prop) for name, prop in _string_fields(pinned()) if (name, prop) not in routing]


# ------------------------------------------------------------------------------------------ the matrix


@dataclass(frozen=True)
class Kind:
    name: str
    mutate: Callable[[], Callable[[Spec], Spec]]  # built lazily: choosing a target reads the spec
    outcome: str
    level: str | None = None


KINDS = [
    Kind("docs-only", lambda: docs_only, LANDS, apidiff.PATCH),
    Kind("operation-added", lambda: operation_added, LANDS, apidiff.MINOR),
    Kind("operation-deprecated", lambda: operation_deprecated, LANDS, apidiff.MINOR),
    Kind("enum-value-added", lambda: enum_value_added, LANDS, apidiff.MINOR),
    Kind("operation-removed-unused", lambda: _pick(_operation_removals(), used=False), LANDS, apidiff.MAJOR),
    Kind("enum-value-removed-unused", lambda: _pick(_enum_removals(), used=False), LANDS, apidiff.MAJOR),
    Kind("field-retyped-unused", lambda: _pick(_field_retypes(), used=False), LANDS, apidiff.MAJOR),
    Kind("operation-removed-used", lambda: _pick(_operation_removals(), used=True), REFUSED),
    Kind("enum-value-removed-used", lambda: _pick(_enum_removals(), used=True), REFUSED),
    Kind("field-retyped-used", lambda: _pick(_field_retypes(), used=True), REFUSED),
]


@dataclass(frozen=True)
class Outcome:
    repo: Path
    returncode: int
    output: str
    seconds: float
    version_before: str


def _copy_repo(target: Path) -> None:
    """The worktree's files as git sees them (tracked and new, ignored ones left out), Prism linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        origin = ROOT / name
        if origin.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)
    if (ROOT / ".prism").is_dir():
        (target / ".prism").symlink_to(ROOT / ".prism", target_is_directory=True)


def _prepare(mutate: Callable[[Spec], Spec], pristine: Path, workdir: Path) -> None:
    """``workdir``: ``repo`` (a copy of ``pristine``) and ``upstream`` (the mutated spec)."""
    shutil.copytree(pristine, workdir / "repo", symlinks=True)
    upstream = workdir / "upstream"
    upstream.mkdir()
    spec_file = source.load_pins()[API].file
    (upstream / spec_file).write_text(json.dumps(mutate(copy.deepcopy(pinned())), indent=2), encoding="utf-8")


def _bump(workdir: Path) -> Outcome:
    assert LOCAL is not None
    started = time.monotonic()
    repo = workdir / "repo"
    version = bump.current_version(bump.Layout(repo))
    command = [sys.executable, "-m", "codegen", "bump", "--source", str(workdir / "upstream"), "--api", API]
    command += ["--baseline", str(LOCAL), "--date", DATE, "--checks", "spec"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(repo / part) for part in ("src", "generated", ".")),
        "PYTHONHASHSEED": "0",
        drift.CACHE_ENV_VAR: str(workdir / "spec-cache"),
    }
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    return Outcome(repo, done.returncode, done.stdout + done.stderr, time.monotonic() - started, version)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every kind bumped, ``PARALLEL`` at a time; the per-kind tests below read the results."""
    base = tmp_path_factory.mktemp("bump-kinds")
    _copy_repo(base / "pristine")  # one snapshot of the worktree, so every kind bumps the same code
    for kind in KINDS:  # targets chosen up front, in this process
        _prepare(kind.mutate(), base / "pristine", base / kind.name)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {kind.name: pool.submit(_bump, base / kind.name) for kind in KINDS}
        results = {name: future.result() for name, future in futures.items()}
    for name, result in results.items():
        print(f"bump kind {name}: exit {result.returncode} in {result.seconds:.1f}s")
    return results


def _release(outcome: Outcome, version: str) -> str:
    changelog = (outcome.repo / "CHANGELOG.md").read_text(encoding="utf-8")
    return changelog.split(f"## [{version}] - ", 1)[1].split("\n## [", 1)[0]


@pytest.mark.parametrize("kind", [k for k in KINDS if k.outcome == LANDS], ids=lambda k: k.name)
def test_kind_lands_with_its_semver_level_and_changelog(kind: Kind, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[kind.name]
    assert outcome.returncode == 0, outcome.output[-4000:]
    assert kind.level is not None
    expected = bump.next_version(outcome.version_before, kind.level)
    assert bump.current_version(bump.Layout(outcome.repo)) == expected
    release = _release(outcome, expected)
    has_breaking = "#### Breaking" in release
    assert has_breaking == (kind.level == apidiff.MAJOR)
    if kind.level == apidiff.PATCH:
        assert "documentation only" in release
    else:
        assert re.search(r"^- `", release, flags=re.MULTILINE), release
    if kind.name == "operation-added":
        assert "new method (GET " in release  # named without any table entry
    pin = json.loads((outcome.repo / "openapi" / "pins.json").read_text(encoding="utf-8"))[API]
    assert pin["date"] == DATE


@pytest.mark.parametrize("kind", [k for k in KINDS if k.outcome == REFUSED], ids=lambda k: k.name)
def test_kind_breaking_hand_written_code_is_refused_with_call_sites(kind: Kind, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[kind.name]
    assert outcome.returncode == 1, outcome.output[-4000:]
    assert "reach hand-written code" in outcome.output and "nothing was changed" in outcome.output
    sites = re.findall(r"^    ([\w./-]+):(\d+): (.*)$", outcome.output, flags=re.MULTILINE)
    assert sites, outcome.output
    for file, line, text in sites:
        assert (outcome.repo / file).read_text(encoding="utf-8").splitlines()[int(line) - 1].strip() == text
    assert "mypy" not in outcome.output and len(outcome.output.splitlines()) < 80, "a short report, not a tool's log"
    assert bump.current_version(bump.Layout(outcome.repo)) == outcome.version_before
    assert not (outcome.repo / "generated").joinpath("..", "openapi", "pins.json").read_text().count(DATE)
