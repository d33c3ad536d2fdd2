"""CONTRIBUTING.md: its commands name real sessions, its links resolve, and the README points to it."""

from __future__ import annotations

import shlex
from pathlib import Path

import nox

import noxfile
from tests.markdown import LINK, heading_ids

ROOT = Path(__file__).resolve().parents[2]
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP_BLOCK = CONTRIBUTING.split("## Set-up and checks\n", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
# What ./dev itself names (the script's case): every other first argument goes to nox.
DEV_COMMANDS = {"demo": "demo", "test": "ci"}


def _sessions() -> set[str]:
    assert noxfile.ci  # the registry holds the noxfile's sessions once it is imported
    return set(nox.registry.get())


def test_every_dev_command_runs_a_session() -> None:
    commands = [shlex.split(line.split("#", 1)[0]) for line in SETUP_BLOCK.splitlines() if line.strip()]
    assert commands and all(command[0] == "./dev" for command in commands)
    sessions = _sessions()
    for command in commands:
        first = command[1]
        session = command[2] if first == "-s" else DEV_COMMANDS[first]
        assert session in sessions, command
    assert "./dev test" in SETUP_BLOCK and "what CI runs (.ci/run)" in SETUP_BLOCK
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("exec ./dev test")


def test_contributor_sections_left_the_readme_for_contributing() -> None:
    for heading in ("## Regenerating", "## When Codat changes its specs: drift, read, bump"):
        assert f"\n{heading}\n" in CONTRIBUTING
        assert heading not in README
    assert "](CONTRIBUTING.md)" in README


def test_relative_links_resolve() -> None:
    links = [link for link in LINK.findall(CONTRIBUTING) if "://" not in link]
    assert links
    for link in links:
        path, _, anchor = link.partition("#")
        assert (ROOT / path).is_file(), link
        if anchor:
            assert anchor in heading_ids((ROOT / path).read_text(encoding="utf-8")), link
