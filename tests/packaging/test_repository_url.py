"""One repository URL: pyproject's ``Repository``. Every other mention (the long description's link base,
the changelog's links, the other project URLs) is built on it, so changing it is changing one line and the
places this test names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads(PYPROJECT_TEXT)
REPOSITORY = PYPROJECT["project"]["urls"]["Repository"]
HOST = re.match(r"https://[^/]+/", REPOSITORY)


def test_every_mention_of_the_repository_is_the_repository_url() -> None:
    assert HOST is not None
    owner = REPOSITORY.removeprefix(HOST.group()).split("/")[0]
    mentions = 0
    for name in ("pyproject.toml", "README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for url in re.findall(rf"{re.escape(HOST.group())}{re.escape(owner)}/[^\s)'\"\]]*", text):
            mentions += 1
            assert url == REPOSITORY or url.startswith(REPOSITORY + "/"), f"{name}: {url}"
    assert mentions > 1


def test_the_long_descriptions_links_point_into_the_repository() -> None:
    hooks = PYPROJECT["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"]
    replacements = [substitution["replacement"] for substitution in hooks["substitutions"]]
    assert replacements
    assert all(replacement.startswith(f"]({REPOSITORY}/blob/main/") for replacement in replacements)
