"""``python -m codegen bump`` into a copy of the repository: versions, changelog, and all-or-nothing writes.

Two tests regenerate (one API each, a few seconds); the rest stop before generation or inject checks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from codegen import apidiff, bump, drift, source
from codegen.diff import tree_diff
from codegen.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
LOCAL = Path(SOURCE) if SOURCE is not None and Path(SOURCE).is_dir() else None
needs_specs = pytest.mark.skipif(
    LOCAL is None,
    reason="no spec source: neither $CODAT_SPEC_SOURCE nor ../shared/openapi exists (tests do not download specs)",
)
COPIED = ("codegen", "templates", "openapi", "generated", "pyproject.toml", "CHANGELOG.md", "src/codat_sdk/_version.py")
IGNORED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(drift.CACHE_ENV_VAR, str(tmp_path / "spec-cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """What a bump reads and writes, copied from the worktree (which the tests never modify)."""
    target = tmp_path / "repo"
    for name in COPIED:
        origin = ROOT / name
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target / name, ignore=shutil.ignore_patterns(*IGNORED))
        else:
            shutil.copy2(origin, target / name)
    return target


def _tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (tool caches excluded)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not IGNORED.intersection(path.relative_to(root).parts)
    }


def _python(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def _pin(repo: Path, api: str) -> dict[str, str]:
    pins: dict[str, dict[str, str]] = json.loads((repo / "openapi" / "pins.json").read_text(encoding="utf-8"))
    return pins[api]


def _versions(repo: Path) -> tuple[str, str]:
    pyproject = re.search(r'^version = "([^"]+)"', (repo / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    runtime = re.search(r'__version__ = "([^"]+)"', (repo / "src/codat_sdk/_version.py").read_text(encoding="utf-8"))
    assert pyproject and runtime
    return pyproject.group(1), runtime.group(1)


def _history(api: str) -> list[Path]:
    assert LOCAL is not None
    found = sorted((LOCAL / "history").glob(f"{Path(source.load_pins()[api].file).stem}.*.json"))
    if not found:
        pytest.skip(f"no history version of the {api} spec")
    return found


# ------------------------------------------------------------------------------------------ pure parts


def test_the_bump_format_checks_what_the_lint_session_does() -> None:
    import noxfile

    assert bump.FORMAT_CHECKED == noxfile.FORMAT_CHECKED


@pytest.mark.parametrize(
    ("version", "level", "expected"),
    [
        ("0.1.0", apidiff.MAJOR, "1.0.0"),
        ("0.1.0", apidiff.MINOR, "0.2.0"),
        ("0.1.0", apidiff.PATCH, "0.1.1"),
        ("2.3.4", apidiff.MAJOR, "3.0.0"),
        ("2.3.4", apidiff.MINOR, "2.4.0"),
        ("2.3.4", apidiff.PATCH, "2.3.5"),
    ],
)
def test_next_version(version: str, level: str, expected: str) -> None:
    assert bump.next_version(version, level) == expected


def test_next_version_refuses_non_semver() -> None:
    with pytest.raises(bump.BumpError, match=r"MAJOR\.MINOR\.PATCH"):
        bump.next_version("1.0", apidiff.PATCH)


CHANGELOG = """# Changelog

Intro.

## [Unreleased]

### Fixed
- A hand-written fix.

### Added
- A hand-written feature.

## [0.1.0] - 2026-01-01

### Added
- First release.
"""


API_SECTION = ["### Platform API 3.0.1 (2026-11-27)", "", "Spec sha256 `a` -> `b`: 1 SDK change (1 breaking).", ""]


def test_changelog_release_puts_the_api_section_first_and_keeps_hand_written_notes_apart() -> None:
    text = bump.changelog_release(CHANGELOG, "1.0.0", "2026-11-27", API_SECTION)
    assert text.startswith("# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [1.0.0] - 2026-11-27\n\n### Platform API ")
    release = text.split("## [1.0.0] - 2026-11-27\n", 1)[1].split("## [0.1.0]", 1)[0]
    # The hand-written notes, exactly as written, in Keep a Changelog order, after the generated section.
    assert release.index("### Platform API") < release.index("### Added") < release.index("### Fixed")
    assert "### Added\n- A hand-written feature.\n\n### Fixed\n- A hand-written fix.\n" in release
    assert text.endswith("## [0.1.0] - 2026-01-01\n\n### Added\n- First release.\n")


def test_changelog_link_definitions_stay_at_the_end_and_compare_the_new_release() -> None:
    """The [Unreleased] compare link once stayed on the previous tag, and the release got no link."""
    links = (
        "[Unreleased]: https://example.invalid/compare/v0.1.0...HEAD\n"
        "[0.1.0]: https://example.invalid/releases/tag/v0.1.0\n"
    )
    text = bump.changelog_release(
        "# Changelog\n\n## [Unreleased]\n\n### Added\n- X.\n\n## [0.1.0] - 2026-01-01\n\n" + links,
        "0.2.0",
        "2026-11-27",
        [],
    )
    assert text.endswith(
        "## [0.2.0] - 2026-11-27\n\n### Added\n- X.\n\n## [0.1.0] - 2026-01-01\n\n"
        "[Unreleased]: https://example.invalid/compare/v0.2.0...HEAD\n"
        "[0.2.0]: https://example.invalid/compare/v0.1.0...v0.2.0\n"
        "[0.1.0]: https://example.invalid/releases/tag/v0.1.0\n"
    )


def test_a_changelog_without_compare_links_gets_none() -> None:
    text = bump.changelog_release("# Changelog\n\n## [Unreleased]\n\n### Added\n- X.\n", "0.2.0", "2026-11-27", [])
    assert text == "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-27\n\n### Added\n- X.\n"


def test_changelog_without_unreleased_is_refused() -> None:
    with pytest.raises(bump.BumpError, match="Unreleased"):
        bump.changelog_release("# Changelog\n", "1.0.0", "2026-11-27", [])


def _change(
    kind: str, path: str, breaking: bool, section: str, old: str | None = None, new: str | None = None
) -> apidiff.Change:
    return apidiff.Change(kind, path, path, breaking, kind.replace(".", " "), section, old=old, new=new)


# Synthetic changes of every section; the two webhook payload changes are equal and share one line.
CHANGES = [
    _change("operation.added", "companies.archive", False, apidiff.ADDED),
    _change("operation.removed", "companies.list", True, apidiff.REMOVED),
    _change("field.optional", "Company.name", True, apidiff.CHANGED),
    _change("parameter.retyped", "companies.get(company_id)", True, apidiff.CHANGED, old="str", new="UUID"),
    _change("operation.deprecated", "connections.get", False, apidiff.DEPRECATED),
    _change("enum.value_added", "DataConnectionStatus", False, apidiff.ADDED, new='"Paused"'),
    _change("webhook.payload_changed", "webhook a", False, apidiff.CHANGED),
    _change("webhook.payload_changed", "webhook b", False, apidiff.CHANGED),
]


def _plan(changes: list[apidiff.Change]) -> bump.ApiPlan:
    pin = dataclasses.replace(source.load_pins()["platform"], sha256="a" * 64)
    report = apidiff.ApiReport("platform", "here", pin.sha256, "b" * 64, pin.version, "3.0.1", changes)
    return bump.ApiPlan(pin=pin, data=b"", title="Platform API", new_version="3.0.1", date="2026-11-27", report=report)


def _subsections(section: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in section:
        if line.startswith("#### "):
            current = found.setdefault(line[5:], [])
        elif line.startswith("- "):
            current.append(line)
    return found


def test_api_section_lists_breaking_changes_first_each_with_a_migration_hint() -> None:
    section = bump.api_section(_plan(CHANGES))
    subsections = _subsections(section)
    assert next(iter(subsections)) == bump.BREAKING_HEADING
    breaking = subsections[bump.BREAKING_HEADING]
    assert len(breaking) == sum(change.breaking for change in CHANGES)
    for line in breaking:
        assert line.count(" Migrate: ") == 1 and "\n" not in line
    assert "stop passing" not in " ".join(breaking)  # nothing was removed from a call's arguments here
    assert any("remove the calls to `client.companies.list(...)`" in line for line in breaking)
    assert any("check `Company.name` for `Unset`" in line for line in breaking)
    assert any("as UUID (was str)" in line for line in breaking)
    assert not any(c.path in line for c in CHANGES if not c.breaking for line in breaking)


def test_api_section_summary_counts_exactly_the_lines_listed() -> None:
    section = bump.api_section(_plan(CHANGES))
    summary = next(line for line in section if line.startswith("Spec sha256"))
    subsections = _subsections(section)
    total = sum(len(lines) for lines in subsections.values())
    counts = ", ".join(f"{len(lines)} {name.lower()}" for name, lines in subsections.items())
    assert summary.endswith(f": {total} SDK changes ({counts}).")
    single = next(line for line in bump.api_section(_plan(CHANGES[:1])) if line.startswith("Spec sha256"))
    assert single.endswith(": 1 SDK change (1 added).")
    assert len(subsections["Changed"]) == 1  # the two equal webhook changes: one line, counted once


def test_a_documentation_only_bump_says_so() -> None:
    section = bump.api_section(_plan([]))
    assert "documentation only; nothing to change in your code" in "\n".join(section)
    assert not _subsections(section)


@pytest.mark.parametrize("kind", sorted(apidiff.MIGRATIONS))
def test_each_breaking_kind_has_its_own_migration_hint(kind: str) -> None:
    hint = apidiff.migration_hint(_change(kind, "companies.get(company_id)", True, apidiff.CHANGED, old="A", new="B"))
    assert hint and "{" not in hint and "review your uses" not in hint


def test_a_failed_check_is_summed_up_with_its_hand_written_findings_first() -> None:
    output = "\n".join(
        [
            *(f"generated/codat_sdk_platform/models/m{n}.py:{n}: error: wall of generated errors" for n in range(50)),
            "devtools/demo.py:33: error: Item has no attribute 'list'  [attr-defined]",
            "  --> README.md:41:5",
            "Found 51 errors in 51 files",
        ]
    )
    digest = bump.failure_digest(output).splitlines()
    assert digest[:3] == [
        "  in hand-written code:",
        "  devtools/demo.py:33: error: Item has no attribute 'list'  [attr-defined]",
        "  --> README.md:41:5",
    ]
    assert len(digest) <= 2 * bump.REPORT_LINES + 3 and digest[-1] == "  Found 51 errors in 51 files"


def test_inconsistent_versions_are_refused(repo: Path) -> None:
    (repo / "src/codat_sdk/_version.py").write_text('__version__ = "9.9.9"\n', encoding="utf-8")
    with pytest.raises(bump.BumpError, match=r"9\.9\.9"):
        bump.current_version(bump.Layout(repo))


def test_interrupted_writes_are_rolled_back_exactly(repo: Path) -> None:
    layout = bump.Layout(repo)
    before = _tree(repo)
    with pytest.raises(KeyboardInterrupt), bump.restored_on_failure(layout):
        layout.changelog.write_text("gone", encoding="utf-8")
        layout.repo.pins.unlink()
        shutil.rmtree(layout.generated / "codat_sdk_files")
        (layout.generated / "stray.py").write_text("x = 1\n", encoding="utf-8")
        raise KeyboardInterrupt
    assert _tree(repo) == before


# ------------------------------------------------------------------------------------------ whole bumps


@needs_specs
def test_no_drift_means_nothing_to_do(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(repo)
    assert bump.main(["--source", str(LOCAL), "--check", _python("raise SystemExit(1)")], root=repo) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert _tree(repo) == before


@needs_specs
def test_a_new_operation_needs_no_table_entry(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its SDK name is derived as generation derives it; the dry run lists it as a new method (minor)."""
    assert LOCAL is not None
    spec_file = source.load_pins()["platform"].file
    spec = json.loads((LOCAL / spec_file).read_bytes())
    operation = {"operationId": "frobnicate-company", "responses": {"204": {"description": "No Content"}}}
    spec["paths"]["/companies/{companyId}/frobnicate"] = {"post": operation}
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / spec_file).write_text(json.dumps(spec), encoding="utf-8")
    before = _tree(repo)
    argv = ["--source", str(upstream), "--api", "platform", "--baseline", str(LOCAL), "--dry-run"]
    assert bump.main(argv, root=repo) == 0
    out = capsys.readouterr().out
    name = drift.RepoFiles(repo).sdk_names("platform", normalise(spec))["frobnicate-company"]
    assert f"`{name}`: new method" in out
    assert f"{_versions(repo)[0]} -> {bump.next_version(_versions(repo)[0], apidiff.MINOR)}" in out
    assert _tree(repo) == before


@needs_specs
def test_a_breaking_change_hand_written_code_uses_is_refused_with_its_call_site(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert LOCAL is not None
    spec_file = source.load_pins()["platform"].file
    spec = json.loads((LOCAL / spec_file).read_bytes())
    path, method, _op, _item = apidiff.operations_by_id(spec)["list-companies"]
    del spec["paths"][path][method]
    name = drift.RepoFiles(repo).sdk_names("platform")["list-companies"]
    (repo / "devtools").mkdir()
    (repo / "devtools" / "uses.py").write_text(f"def main(client):\n    return client.{name}()\n", encoding="utf-8")
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / spec_file).write_text(json.dumps(spec), encoding="utf-8")
    before = _tree(repo)
    argv = ["--source", str(upstream), "--api", "platform", "--baseline", str(LOCAL), "--check", _python("pass")]
    assert bump.main(argv, root=repo) == 1
    err = capsys.readouterr().err
    assert f"- `{name}`: method removed (operation.removed); used at:\n" in err
    assert f"    devtools/uses.py:2: return client.{name}()\n" in err
    assert "nothing was changed" in err
    assert _tree(repo) == before


@needs_specs
def test_dry_run_writes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    older = _history("platform")[-1]
    before = _tree(repo)
    assert bump.main(["--source", str(older), "--dry-run"], root=repo) == 0
    assert f"{_versions(repo)[0]} -> " in capsys.readouterr().out
    assert _tree(repo) == before


@needs_specs
def test_failing_checks_leave_the_tree_byte_identical(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bump to an older spec (removals: major), then fail the check after everything has been written."""
    older = _history("platform")[-1]
    before = _tree(repo)
    version = _versions(repo)[0]
    expected = bump.next_version(version, apidiff.MAJOR)
    # Exit 3 only if the bump wrote everything before the check ran (version, breaking changelog entry).
    check = _python(
        "import pathlib, sys\n"
        f"written = '\"{expected}\"' in pathlib.Path('pyproject.toml').read_text()\n"
        "changelog = pathlib.Path('CHANGELOG.md').read_text()\n"
        f"written = written and '## [{expected}] - ' in changelog and '#### Breaking' in changelog\n"
        "sys.exit(3 if written else 4)"
    )
    assert bump.main(["--source", str(older), "--check", check], root=repo) == 1
    err = capsys.readouterr().err
    assert "exit 3" in err and "nothing was changed" in err
    assert _tree(repo) == before


@needs_specs
def test_successful_bump_updates_pin_generated_version_and_changelog(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pin the copy to the newest history spec, then bump it to the current one (at the level its diff says)."""
    assert LOCAL is not None
    older, current = _history("platform")[-1], LOCAL / source.load_pins()["platform"].file
    raw_old, raw_new = json.loads(older.read_bytes()), json.loads(current.read_bytes())
    changes = apidiff.api_diff(normalise(raw_old), normalise(raw_new))  # operations compared, not paths
    level = apidiff.bump_level(changes)
    added_hooks = raw_new.get("webhooks", {}).keys() - raw_old.get("webhooks", {}).keys()
    pins_file = repo / "openapi" / "pins.json"
    pins = json.loads(pins_file.read_text(encoding="utf-8"))
    pins["platform"].update(sha256=source.sha256(older.read_bytes()), date="2000-01-01")
    pins_file.write_text(json.dumps(pins, indent=2) + "\n", encoding="utf-8")
    untouched_files_package = _tree(repo / "generated" / "codat_sdk_files")
    expected = bump.next_version(_versions(repo)[0], level)

    # The checks run on the bumped tree, reading specs from exactly what is now pinned.
    check = _python(
        "import hashlib, json, os, pathlib\n"
        f"assert '\"{expected}\"' in pathlib.Path('src/codat_sdk/_version.py').read_text()\n"
        "specs = pathlib.Path(os.environ['CODAT_SPEC_SOURCE'])\n"
        "for pin in json.loads(pathlib.Path('openapi/pins.json').read_text()).values():\n"
        "    assert hashlib.sha256((specs / pin['file']).read_bytes()).hexdigest() == pin['sha256'], pin\n"
    )
    argv = ["--source", str(LOCAL), "--api", "platform", "--date", "2026-11-27", "--check", check]
    assert bump.main(argv, root=repo) == 0, capsys.readouterr().err

    pin = _pin(repo, "platform")
    assert (pin["sha256"], pin["version"], pin["date"]) == (
        source.sha256(current.read_bytes()),
        raw_new["info"]["version"],
        "2026-11-27",
    )
    assert _versions(repo) == (expected, expected)
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    release = changelog.split(f"## [{expected}] - ", 1)[1].split("\n## [", 1)[0]
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{expected}] - ")
    for hook in added_hooks:
        assert f"`webhook {hook}`" in release
    assert ("#### Breaking" in release) == (level == apidiff.MAJOR)
    # The current spec is what the worktree is pinned to: the regenerated package is the committed one.
    assert list(tree_diff(ROOT / "generated" / "codat_sdk_platform", repo / "generated" / "codat_sdk_platform")) == []
    assert _tree(repo / "generated" / "codat_sdk_files") == untouched_files_package
