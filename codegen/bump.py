"""``python -m codegen bump``: move the pins to the upstream specs, regenerate, check, version, changelog.

All or nothing. Everything is validated before the first write: a readable upstream, a pinned spec to diff
against, consistent versions, and no breaking change that hand-written code uses (the README's examples,
devtools, the runtime, benchmarks, tests: ``callsites`` names each such line, and the bump stops there).
Then pins.json, generated/, the package version (pyproject.toml and src/codat_sdk/_version.py) and
CHANGELOG.md are snapshotted, written, and the checks run (``--checks full``: lint, types, the whole test
suite; ``--checks spec``: lint, types and the tests that read the specs; ``--check CMD`` replaces both); if
anything fails, or the run is interrupted, the snapshot is put back byte for byte and the failed check is
summed up in a few lines.

Versioning: breaking -> major, additions or deprecations -> minor, otherwise patch. This holds before
1.0 too (0.4.2 -> 1.0.0 on a breaking upstream change): users pinning ``codat-sdk~=0.4`` must not get a
breaking spec change in a minor release.

The changelog entry releases ``[Unreleased]``: first one generated section per bumped API (its breaking
changes first, each with a migration hint, then the other changes by Keep a Changelog section, under a
summary whose counts are the lines listed), then the hand-written notes exactly as they were.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import apidiff, callsites, drift
from . import source as spec_source

DATE_IN_NAME = re.compile(r"\.(\d{4}-\d{2}-\d{2})\.json$")
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
PYPROJECT_VERSION = re.compile(r'^(version\s*=\s*")([^"]*)(")', re.MULTILINE)
RUNTIME_VERSION = re.compile(r'^(__version__\s*=\s*")([^"]*)(")', re.MULTILINE)
# Keep a Changelog's section order; sections found in [Unreleased] under other names follow these.
CHANGELOG_SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
# The paths noxfile.py's lint session format-checks (it cannot import codegen: nox runs outside the venv;
# tests/codegen/test_bump.py keeps the two equal).
FORMAT_CHECKED = ("src", "codegen", "devtools", "tests", "benchmarks", "noxfile.py", "generated")


def _level(plans: Iterable[ApiPlan]) -> str:
    """The semver level of all the APIs' changes together (plan() refuses an API it cannot diff)."""
    return apidiff.bump_level(change for p in plans for change in p.report.changes or ())


# The tests that read the pinned specs (spec facts, every operation against Prism): with lint and types,
# what a spec change can break. The ``spec`` check set runs these instead of the whole suite.
SPEC_TESTS = ("tests/generated", "tests/e2e")


def default_checks() -> list[list[str]]:
    """What the CI gate runs besides check_generated: lint, types, the test suite."""
    return [*_static_checks(), [sys.executable, "-m", "pytest", "-q"]]


def spec_checks() -> list[list[str]]:
    """Lint, types over everything, and only the tests that read the specs: a bump in seconds, not minutes."""
    return [*_static_checks(), [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *SPEC_TESTS]]


def _static_checks() -> list[list[str]]:
    python = sys.executable
    return [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", *FORMAT_CHECKED],
        [python, "-m", "mypy", "--strict"],
    ]


CHECK_SETS = {"full": default_checks, "spec": spec_checks}


class BumpError(Exception):
    """The bump cannot start (bad input) or a step failed (and everything was restored)."""


@dataclass(frozen=True)
class Layout:
    """The files a bump writes, under one repository root."""

    root: Path

    @property
    def repo(self) -> drift.RepoFiles:
        return drift.RepoFiles(self.root)

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def runtime_version(self) -> Path:
        return self.root / "src" / "codat_sdk" / "_version.py"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    def snapshot_files(self) -> list[Path]:
        return [self.repo.pins, self.pyproject, self.runtime_version, self.changelog]


# ------------------------------------------------------------------------------------------ versions


def current_version(layout: Layout) -> str:
    """The package version; pyproject.toml and _version.py must agree (the User-Agent reports the latter)."""
    declared = str(tomllib.loads(layout.pyproject.read_text(encoding="utf-8"))["project"]["version"])
    match = RUNTIME_VERSION.search(layout.runtime_version.read_text(encoding="utf-8"))
    runtime = match.group(2) if match else None
    if runtime != declared:
        raise BumpError(f"pyproject.toml says {declared} but {layout.runtime_version} says {runtime}: fix one first")
    if not SEMVER.match(declared):
        raise BumpError(f"version {declared!r} is not MAJOR.MINOR.PATCH")
    return declared


def next_version(version: str, level: str) -> str:
    match = SEMVER.match(version)
    if match is None:
        raise BumpError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    if level == apidiff.MAJOR:
        return f"{major + 1}.0.0"
    if level == apidiff.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _replace_version(path: Path, pattern: re.Pattern[str], version: str) -> None:
    text = path.read_text(encoding="utf-8")
    updated, count = pattern.subn(lambda m: m.group(1) + version + m.group(3), text, count=1)
    if count != 1:
        raise BumpError(f"{path}: no version line to update")
    path.write_text(updated, encoding="utf-8")


# ------------------------------------------------------------------------------------------ changelog


def _sections(body: str) -> tuple[list[str], dict[str, list[str]]]:
    """``### Name`` sections of a changelog entry: (lines before the first section, name -> lines)."""
    preamble: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = preamble
    for line in body.splitlines():
        if line.startswith("### "):
            current = sections.setdefault(line[4:].strip(), [])
        else:
            current.append(line)
    return preamble, sections


def _trimmed(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def changelog_release(text: str, version: str, date: str, api_sections: list[str]) -> str:
    """``text`` with ``[Unreleased]`` released as ``version``: the generated API sections first, then the
    hand-written notes exactly as they were under ``[Unreleased]`` (their sections in Keep a Changelog order).
    """
    heading = re.search(r"^## \[Unreleased\][^\n]*\n", text, flags=re.MULTILINE)
    if heading is None:
        raise BumpError("CHANGELOG.md has no '## [Unreleased]' section")
    # The entry ends at the next release heading, or at the link definitions closing the file.
    following = re.search(r"^(## |\[[^\]]+\]: )", text[heading.end() :], flags=re.MULTILINE)
    end = heading.end() + following.start() if following else len(text)
    preamble, sections = _sections(text[heading.end() : end])
    order = [*CHANGELOG_SECTIONS, *(name for name in sections if name not in CHANGELOG_SECTIONS)]
    out = [f"## [{version}] - {date}", ""]
    out += [*_trimmed(api_sections), ""] if _trimmed(api_sections) else []
    kept = _trimmed(preamble)
    out += [*kept, ""] if kept else []
    for name in order:
        lines = _trimmed(sections.get(name, []))
        if lines:
            out += [f"### {name}", *lines, ""]
    release = "\n".join(out).rstrip("\n") + "\n"
    rest = _compare_links_released(text[end:], version)
    return text[: heading.end()] + "\n" + release + ("\n" + rest if rest else "")


# Keep a Changelog's link definitions: [Unreleased] compares the newest release's tag with HEAD.
_UNRELEASED_LINK = re.compile(r"^\[Unreleased\]: (?P<base>\S+)/compare/(?P<previous>v\S+?)\.\.\.HEAD$", re.MULTILINE)


def _compare_links_released(rest: str, version: str) -> str:
    """``rest`` (what follows the released entry) with ``[Unreleased]`` comparing from ``v{version}`` and a
    ``[version]`` link from the previous tag; unchanged when it has no such ``[Unreleased]`` link."""
    link = _UNRELEASED_LINK.search(rest)
    if link is None:
        return rest
    base, previous = link["base"], link["previous"]
    links = f"[Unreleased]: {base}/compare/v{version}...HEAD\n[{version}]: {base}/compare/{previous}...v{version}"
    return rest[: link.start()] + links + rest[link.end() :]


# The generated part of a release, per API: breaking changes first (each with its migration hint), then
# the other changes by Keep a Changelog section. The summary counts exactly the lines listed.
BREAKING_HEADING = "Breaking"
DOCS_ONLY = "documentation only; nothing to change in your code."


def api_section(plan: ApiPlan) -> list[str]:
    """One API's changelog section: heading, a summary whose counts match its lines, the lines."""
    changes = plan.report.changes or []
    groups = [(BREAKING_HEADING, apidiff.breaking_lines(changes))]
    groups += [(section, apidiff.section_lines(changes, section, breaking=False)) for section in apidiff.SECTIONS]
    listed = [(name, lines) for name, lines in groups if lines]
    total = sum(len(lines) for _name, lines in listed)
    counts = ", ".join(f"{len(lines)} {name.lower()}" for name, lines in listed)
    what = (
        f"{_count(total, 'SDK change')} ({counts})." if total else "documentation only; nothing to change in your code."
    )
    out = [
        f"### {plan.title} {plan.new_version} ({plan.date})",
        "",
        f"Spec sha256 `{plan.pin.sha256[:12]}` -> `{plan.new_sha256[:12]}`: {what}",
    ]
    for name, lines in listed:
        out += ["", f"#### {name}", *(f"- {line}" for line in lines)]
    return [*out, ""]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def changelog_sections(plans: Sequence[ApiPlan]) -> list[str]:
    return [line for plan in plans for line in api_section(plan)]


# ------------------------------------------------------------------------------------------ planning


@dataclass
class ApiPlan:
    """One API to bump: its current pin, the upstream bytes, and the diff between them."""

    pin: spec_source.Pin
    data: bytes
    title: str
    new_version: str
    date: str
    report: apidiff.ApiReport
    url: str = ""  # the new pin's URL: the upstream commit's file when the commit is known

    @property
    def new_sha256(self) -> str:
        return self.report.upstream_sha256  # drift hashed the same bytes


def _spec_date(location: str, explicit: str | None) -> str:
    if explicit is not None:
        try:
            return datetime.date.fromisoformat(explicit).isoformat()
        except ValueError as exc:
            raise BumpError(f"--date {explicit!r} is not YYYY-MM-DD") from exc
    match = DATE_IN_NAME.search(location)
    return match.group(1) if match else datetime.datetime.now(datetime.UTC).date().isoformat()


def plan(
    layout: Layout,
    source: str | None,
    apis: Sequence[str] | None,
    baselines: Sequence[str],
    date: str | None,
) -> list[ApiPlan]:
    """Everything checked, nothing written: the APIs whose upstream moved, with their diffs."""
    plans = []
    commit = spec_source.upstream_commit(source)
    for result in drift.drift(layout.repo, source, apis, baselines):
        report = result.report
        if not report.drifted:
            continue
        if report.changes is None:
            raise BumpError(f"{report.api}: cannot diff against the pinned spec: {report.note}")
        plans.append(
            ApiPlan(
                pin=result.pin,
                data=result.data,
                title=str(result.spec["info"].get("title", result.pin.api)),
                new_version=str(result.spec["info"].get("version", "")),
                date=_spec_date(result.location, date if date is not None or commit is None else commit.date),
                report=report,
                url=_pin_url(result.pin, commit),
            )
        )
    return plans


def refuse_breaking_call_sites(layout: Layout, plans: Sequence[ApiPlan]) -> None:
    """Stop before any write when a breaking change reaches hand-written code (README, demo, overlay, tests)."""
    found = callsites.breakages(layout.root, (change for p in plans for change in p.report.changes or ()))
    if found:
        raise BumpError(
            f"{len(found)} breaking API change(s) reach hand-written code; update these lines "
            "(or wait for the SDK to absorb the change), then bump again:\n" + callsites.report(found)
        )


def pinned_after(
    layout: Layout, plans: Sequence[ApiPlan], source: str | None, baselines: Sequence[str]
) -> dict[str, bytes]:
    """File name -> bytes of every spec as pinned once the bump is written (bumped ones: the new bytes).

    The checks read specs through ``$CODAT_SPEC_SOURCE`` pointed at these, so they test against exactly
    what is pinned, whatever ``../shared/openapi`` holds.
    """
    bumped = {plan.pin.api: plan.data for plan in plans}
    found = {}
    for api, pin in spec_source.load_pins(layout.repo.pins).items():
        data = bumped.get(api) or drift.find_pinned(pin, baselines, source)
        if data is None:
            try:
                data = spec_source.fetch_pinned(pin, spec_source.default_source())
            except spec_source.SpecError as exc:
                print(f"bump: note: the checks will not see the {api} spec: {exc}", file=sys.stderr)
                continue
        found[pin.file] = data
    return found


def _history_dir(source: str | None) -> Path | None:
    """The dated older specs beside the local spec source, for the tests that render every version."""
    for local in (source, spec_source.default_source()):
        if local and Path(local).is_dir() and (Path(local) / "history").is_dir():
            return (Path(local) / "history").resolve()
    return None


# ------------------------------------------------------------------------------------------ transaction


@contextmanager
def restored_on_failure(layout: Layout) -> Iterator[None]:
    """Snapshot the files a bump writes and generated/; put them back exactly if the block raises."""
    with tempfile.TemporaryDirectory(prefix="codat-bump-") as tmp:
        saved = Path(tmp)
        files = {path: path.read_bytes() if path.exists() else None for path in layout.snapshot_files()}
        had_generated = layout.generated.exists()
        if had_generated:
            shutil.copytree(layout.generated, saved / "generated", symlinks=True)
        try:
            yield
        except BaseException:
            for path, data in files.items():
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(data)
            shutil.rmtree(layout.generated, ignore_errors=True)
            if had_generated:
                shutil.copytree(saved / "generated", layout.generated, symlinks=True)
            raise


def _pin_url(pin: spec_source.Pin, commit: spec_source.Commit | None) -> str:
    """The upstream commit's URL of the pinned file; the branch head's (and a note) when the commit is unknown."""
    if commit is not None:
        return spec_source.repinned_url(pin, commit.sha)
    print(
        f"bump: note: the upstream commit of the new {pin.api} spec is unknown (no README.md naming it beside "
        "the source): its pin's url is the branch head until the next bump from a known commit",
        file=sys.stderr,
    )
    return spec_source.branch_url(pin)


def _write_pins(layout: Layout, plans: Sequence[ApiPlan]) -> None:
    raw = json.loads(layout.repo.pins.read_text(encoding="utf-8"))
    for plan in plans:
        entry = raw[plan.pin.api]
        entry.update(url=plan.url, sha256=plan.new_sha256, version=plan.new_version, date=plan.date)
    layout.repo.pins.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# A location in a tool's output: mypy ("path:line: error"), ruff ("--> path:line:col"), pytest ("path:line: in").
_LOCATION = re.compile(r"^\s*(?:--> )?(?P<file>[\w./-]+\.(?:py|md)):(?P<line>\d+):")
REPORT_LINES = 15


def failure_digest(output: str) -> str:
    """A failed check in a few lines: its findings in hand-written files first, then the end of its output."""
    hand_written = [
        line.strip()
        for line in output.splitlines()
        if (match := _LOCATION.match(line)) and not match["file"].startswith(("generated/", "codegen/"))
    ]
    tail = [line for line in output.splitlines() if line.strip()][-REPORT_LINES:]
    parts = []
    if hand_written:
        more = [f"... and {len(hand_written) - REPORT_LINES} more"] if len(hand_written) > REPORT_LINES else []
        parts += ["in hand-written code:", *hand_written[:REPORT_LINES], *more]
    parts += ["last lines of its output:", *tail]
    return "\n".join(f"  {line}" for line in parts)


def _run(command: Sequence[str], cwd: Path, what: str, specs: Path) -> None:
    print(f"bump: {what}: {shlex.join(command)}", flush=True)
    env = {
        **os.environ,
        spec_source.SOURCE_ENV_VAR: str(specs),
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
    }
    completed = subprocess.run(  # noqa: S603 - our commands
        list(command), cwd=cwd, env=env, check=False, capture_output=True, text=True
    )
    if completed.returncode != 0:
        digest = failure_digest(completed.stdout + completed.stderr)
        raise BumpError(f"{what} failed (exit {completed.returncode}): {shlex.join(command)}\n{digest}")


def apply(
    layout: Layout,
    plans: Sequence[ApiPlan],
    checks: Sequence[Sequence[str]],
    specs: dict[str, bytes],
    history: Path | None = None,
) -> str:
    """Write the bump and run the checks, restoring everything on failure; returns the new version.

    ``specs`` (file name -> bytes, see ``pinned_after``) and ``history`` become the spec source of the
    regeneration and the checks.
    """
    version = current_version(layout)
    level = _level(plans)
    new_version = next_version(version, level)
    release_date = datetime.datetime.now(datetime.UTC).date().isoformat()
    changelog = changelog_release(
        layout.changelog.read_text(encoding="utf-8"), new_version, release_date, changelog_sections(plans)
    )
    with restored_on_failure(layout), tempfile.TemporaryDirectory(prefix="codat-bump-specs-") as tmp:
        # Generate and check with exactly the bytes just diffed and pinned (a URL could answer differently).
        source_dir = Path(tmp)
        for name, data in specs.items():
            (source_dir / name).write_bytes(data)
        if history is not None:
            (source_dir / "history").symlink_to(history, target_is_directory=True)
        _write_pins(layout, plans)
        apis = [arg for plan in plans for arg in ("--api", plan.pin.api)]
        generate = [sys.executable, "-m", "codegen", "generate", "--source", tmp, *apis]
        _run(generate, layout.root, "regenerate", source_dir)
        _replace_version(layout.pyproject, PYPROJECT_VERSION, new_version)
        _replace_version(layout.runtime_version, RUNTIME_VERSION, new_version)
        layout.changelog.write_text(changelog, encoding="utf-8")
        for command in checks:
            _run(command, layout.root, "check", source_dir)
    for plan in plans:
        drift.remember(plan.data)
    print(f"bump: {version} -> {new_version} ({level}); review `git diff`, then commit.")
    return new_version


def main(argv: Sequence[str], root: Path = spec_source.ROOT) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen bump", description=__doc__)
    drift.add_common_arguments(parser)
    parser.add_argument(
        "--date",
        help="the upstream spec's date for the pin (default: from a file name "
        "like Codat-Platform.2026-04-15.json, else today)",
    )
    parser.add_argument(
        "--check",
        action="append",
        help="a check to run after regenerating (repeatable; replaces the default ruff, mypy and pytest)",
    )
    parser.add_argument(
        "--checks",
        choices=sorted(CHECK_SETS),
        default="full",
        help="full: ruff, mypy and the whole test suite (default); spec: ruff, mypy and the tests that read "
        f"the specs ({', '.join(SPEC_TESTS)})",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the diff and the new version; write nothing")
    args = parser.parse_args(argv)
    layout = Layout(root)
    source = args.source if args.source is not None else spec_source.default_source()
    try:
        plans = plan(layout, source, args.api, args.baseline, args.date)
        if not plans:
            print("bump: every pinned spec matches upstream; nothing to do.")
            return 0
        sys.stdout.write(apidiff.markdown(p.report for p in plans))
        refuse_breaking_call_sites(layout, plans)
        if args.dry_run:
            version = current_version(layout)
            print(f"\nbump (dry run): {version} -> {next_version(version, _level(plans))}")
            return 0
        checks = [shlex.split(command) for command in args.check] if args.check else CHECK_SETS[args.checks]()
        apply(layout, plans, checks, pinned_after(layout, plans, source, args.baseline), _history_dir(source))
    except (spec_source.SpecError, drift.DriftError, BumpError) as exc:
        print(f"bump: {exc}\nbump: nothing was changed.", file=sys.stderr)
        return 1
    return 0
