"""The wheel and sdist as an index would get them: ``python -m build``, ``twine check``, files and metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import noxfile
from codat_sdk import __version__
from tests.markdown import LINK, heading_ids

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = {"codat_sdk": ROOT / "src" / "codat_sdk"} | {
    name: ROOT / "generated" / name for name in ("codat_sdk_platform", "codat_sdk_files")
}
# What an sdist holds beyond src/ and generated/ (hatchling adds .gitignore and PKG-INFO itself).
SDIST_ROOT_FILES = {"README.md", "CHANGELOG.md", "LICENSE", "pyproject.toml", ".gitignore", "PKG-INFO"}
# The sandbox's pytest fixtures: a top-level module (importing it must not import codat_sdk), found by pytest
# through the pytest11 entry point.
PYTEST_PLUGIN = "_codat_sdk_pytest.py"


@dataclass(frozen=True)
class Dists:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dists]:
    out = tmp_path_factory.mktemp("dist")
    # Built as a user's `python -m build` would: the sdist first, the wheel from the sdist.
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    yield Dists(wheel, sdist)


def _tracked(directory: Path) -> set[str]:
    """Files git would keep under ``directory`` (tracked or new, not ignored), relative to the root."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line for line in listed.stdout.splitlines() if (ROOT / line).is_file()}


def _metadata(dists: Dists) -> Message:
    with zipfile.ZipFile(dists.wheel) as wheel:
        text = wheel.read(f"codat_sdk-{__version__}.dist-info/METADATA").decode()
    return Parser().parsestr(text)


def test_twine_check_passes(dists: Dists) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists.wheel), str(dists.sdist)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_wheel_holds_the_three_packages_the_pytest_plugin_and_the_license(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        names = set(wheel.namelist())
    dist_info = f"codat_sdk-{__version__}.dist-info"
    expected = {
        f"{name}/{Path(path).relative_to(source.relative_to(ROOT)).as_posix()}"
        for name, source in PACKAGES.items()
        for path in _tracked(source)
    }
    parts = ("METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE")
    expected |= {f"{dist_info}/{part}" for part in parts} | {PYTEST_PLUGIN}
    assert names == expected
    assert {f"{name}/py.typed" for name in PACKAGES} <= names


def test_the_wheel_registers_the_pytest_plugin(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        entry_points = wheel.read(f"codat_sdk-{__version__}.dist-info/entry_points.txt").decode()
        plugin = wheel.read(PYTEST_PLUGIN)
    assert re.search(r"^\[pytest11\]\ncodat_sdk = _codat_sdk_pytest$", entry_points, re.M), entry_points
    assert plugin == (ROOT / "src" / PYTEST_PLUGIN).read_bytes()


def test_the_sdist_holds_sources_and_no_tests_or_benchmarks(dists: Dists) -> None:
    with tarfile.open(dists.sdist) as sdist:
        prefix = f"codat_sdk-{__version__}/"
        names = {member.name.removeprefix(prefix) for member in sdist.getmembers() if member.isfile()}
    expected = _tracked(ROOT / "src") | _tracked(ROOT / "generated") | SDIST_ROOT_FILES
    assert names == expected
    # The unanchored patterns this replaces also took these:
    assert not {name for name in names if name.startswith(("tests/", "benchmarks/"))}


def test_metadata(dists: Dists) -> None:
    metadata = _metadata(dists)
    assert metadata["Name"] == "codat-sdk"
    assert metadata["Version"] == __version__ == PYPROJECT["project"]["version"]
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert metadata["Author"] == PYPROJECT["project"]["authors"][0]["name"]
    assert metadata["Summary"] == PYPROJECT["project"]["description"]
    assert metadata["Requires-Python"] == ">=3.11"
    # What a user's install pulls in: the runtime's dependencies, and the dev extra only when asked for.
    requires = metadata.get_all("Requires-Dist") or []
    runtime = {str(Requirement(entry)) for entry in requires if "extra ==" not in entry}
    assert runtime == {str(Requirement(entry)) for entry in PYPROJECT["project"]["dependencies"]}
    assert metadata.get_all("Provides-Extra") == list(PYPROJECT["project"]["optional-dependencies"])
    classifiers = set(metadata.get_all("Classifier") or [])
    versions = {
        c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert versions == set(noxfile.SUPPORTED_PYTHONS)
    assert "Typing :: Typed" in classifiers
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert urls == PYPROJECT["project"]["urls"]
    assert {"Repository", "Changelog", "Issues"} <= urls.keys()
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_every_link_of_the_long_description_works_on_an_index_page(dists: Dists) -> None:
    description = _metadata(dists).get_payload()
    assert isinstance(description, str)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(LINK.findall(description)) == len(LINK.findall(readme))
    repository_files = PYPROJECT["project"]["urls"]["Repository"] + "/blob/main/"
    for link in LINK.findall(description):
        assert link.startswith("https://"), f"relative link {link!r} breaks on an index page"
        if link.startswith(repository_files):
            path, _, anchor = link.removeprefix(repository_files).partition("#")
            assert (ROOT / path).is_file(), link
            if anchor:
                assert anchor in heading_ids((ROOT / path).read_text(encoding="utf-8")), link
