"""CHANGELOG.md: Keep a Changelog's shape, its newest release is the package's version, and its links agree."""

from __future__ import annotations

import datetime
import itertools
import re
import tomllib
from pathlib import Path

from codat_sdk import __version__
from codegen.bump import CHANGELOG_SECTIONS

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
# Contributor-only notes (tests, CI, codegen internals) go last in an entry, apart from the user-facing sections.
FOR_CONTRIBUTORS = "For contributors"
RELEASE = re.compile(r"\[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})")
LINK = re.compile(r"^\[(?P<name>[^\]]+)\]: (?P<url>\S+)$", re.MULTILINE)


def _entries() -> list[tuple[str, str]]:
    """(heading, body) of each ``## `` entry, in file order; link definitions are not part of the last body."""
    parts = re.split(r"^## (.+)$", CHANGELOG, flags=re.MULTILINE)
    entries = list(zip(parts[1::2], parts[2::2], strict=True))
    return [(heading, LINK.sub("", body)) for heading, body in entries]


def _releases() -> list[tuple[str, datetime.date]]:
    releases = []
    for heading, _ in _entries()[1:]:
        match = RELEASE.fullmatch(heading)
        assert match, f"not '## [X.Y.Z] - YYYY-MM-DD': {heading!r}"
        releases.append((match["version"], datetime.date.fromisoformat(match["date"])))
    return releases


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_unreleased_comes_first_then_releases_newest_first() -> None:
    assert _entries()[0][0] == "[Unreleased]"
    releases = _releases()
    assert releases
    versions = [_version_key(version) for version, _ in releases]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    dates = [date for _, date in releases]
    assert dates == sorted(dates, reverse=True)


def test_the_newest_release_is_the_packages_version() -> None:
    assert _releases()[0][0] == __version__


def test_each_release_has_user_facing_sections_and_contributor_notes_last() -> None:
    for heading, body in _entries()[1:]:
        sections = re.findall(r"^### (.+)$", body, flags=re.MULTILINE)
        assert sections, heading
        # A bump's per-API sections ("Platform API 3.0.1 (...)") come first; the rest in Keep a Changelog order.
        known = [name for name in sections if name in (*CHANGELOG_SECTIONS, FOR_CONTRIBUTORS)]
        order = [*CHANGELOG_SECTIONS, FOR_CONTRIBUTORS]
        assert known == sorted(known, key=order.index), heading
        assert set(known) - {FOR_CONTRIBUTORS}, f"{heading}: no user-facing section"
        for section in re.split(r"^### .+$", body, flags=re.MULTILINE)[1:]:
            assert re.search(r"^- ", section, flags=re.MULTILINE), f"{heading}: an empty section"


def test_every_release_links_to_its_changes_in_the_repository() -> None:
    links = {match["name"]: match["url"] for match in LINK.finditer(CHANGELOG)}
    releases = [version for version, _ in _releases()]
    newest, oldest = releases[0], releases[-1]
    assert links["Unreleased"] == f"{REPOSITORY}/compare/v{newest}...HEAD"
    assert links[oldest] == f"{REPOSITORY}/releases/tag/v{oldest}"
    for version, previous in itertools.pairwise(releases):
        assert links[version] == f"{REPOSITORY}/compare/v{previous}...v{version}"
    assert links.keys() == {"Unreleased", *releases}
