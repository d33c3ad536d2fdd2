"""Layering rules, checked on the source: who may import what, and generated-file hygiene."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import codat_sdk
from codat_sdk import _generated

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "src" / "codat_sdk"
GENERATED = ROOT / "generated"
GENERATED_PACKAGES = ("codat_sdk_platform", "codat_sdk_files")


def _python_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(absolute module, imported names, line) for every import in ``path``, wherever it sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [alias.name for alias in node.names], node.lineno


def _top(module: str) -> str:
    return module.split(".")[0]


GENERATED_FILES = [p for package in GENERATED_PACKAGES for p in _python_files(GENERATED / package)]
# codat_sdk.testing (the local Codat) is a layer above the generated packages: it serves their two APIs,
# so it may import them; the rest of the runtime may not, and nothing below it imports it.
TESTING = RUNTIME / "testing"
TESTING_FILES = _python_files(TESTING)
RUNTIME_FILES = [path for path in _python_files(RUNTIME) if TESTING not in path.parents]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_scans_see_the_code() -> None:
    assert len(GENERATED_FILES) > 150
    assert len(RUNTIME_FILES) >= 10
    assert len(TESTING_FILES) >= 10


@pytest.mark.parametrize("path", RUNTIME_FILES + GENERATED_FILES, ids=_rel)
def test_only_users_tests_import_the_local_codat(path: Path) -> None:
    for module, _, line in _imports(path):
        assert not module.startswith("codat_sdk.testing"), f"{_rel(path)}:{line} imports {module}"


@pytest.mark.parametrize("path", TESTING_FILES, ids=_rel)
def test_the_local_codat_depends_on_the_runtime_the_generated_packages_and_declared_packages(path: Path) -> None:
    import sys

    allowed = {"codat_sdk", *GENERATED_PACKAGES, "httpx", "httpcore", "attrs", "dateutil", "typing_extensions"}
    for module, _, line in _imports(path):
        assert _top(module) in allowed | set(sys.stdlib_module_names), f"{_rel(path)}:{line} imports {module}"


@pytest.mark.parametrize("path", GENERATED_FILES, ids=_rel)
def test_generated_code_uses_only_codat_sdk_public_names_and_its_facade(path: Path) -> None:
    """Users' names from codat_sdk, the rest from codat_sdk._generated; never another private module."""
    doors = {"codat_sdk": set(codat_sdk.__all__), "codat_sdk._generated": set(_generated.__all__)}
    for module, names, line in _imports(path):
        if _top(module) != "codat_sdk":
            continue
        where = f"{_rel(path)}:{line}"
        assert module in doors, f"{where} imports the private module {module}"
        unexported = [name for name in names if name not in doors[module]]
        assert not unexported, f"{where} imports {unexported} from {module}, which are not in its __all__"


@pytest.mark.parametrize("path", GENERATED_FILES, ids=_rel)
def test_generated_code_never_imports_build_or_test_code(path: Path) -> None:
    for module, _, line in _imports(path):
        assert _top(module) not in {"codegen", "devtools", "tests", "noxfile", "openapi_python_client"}, (
            f"{_rel(path)}:{line} imports {module}"
        )


@pytest.mark.parametrize("path", GENERATED_FILES, ids=_rel)
def test_generated_packages_do_not_import_each_other(path: Path) -> None:
    own = path.relative_to(GENERATED).parts[0]
    for module, _, line in _imports(path):
        assert _top(module) not in set(GENERATED_PACKAGES) - {own}, f"{_rel(path)}:{line} imports {module}"


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=_rel)
def test_runtime_never_imports_generated_or_build_code(path: Path) -> None:
    forbidden = {*GENERATED_PACKAGES, "codegen", "devtools", "tests", "openapi_python_client"}
    for module, _, line in _imports(path):
        assert _top(module) not in forbidden, f"{_rel(path)}:{line} imports {module}"


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=_rel)
def test_runtime_depends_only_on_declared_packages(path: Path) -> None:
    import sys

    allowed = {"codat_sdk", "httpx", "httpcore", "attrs", "dateutil", "typing_extensions", *sys.stdlib_module_names}
    for module, _, line in _imports(path):
        assert _top(module) in allowed, f"{_rel(path)}:{line} imports {module}"


@pytest.mark.parametrize("path", GENERATED_FILES, ids=_rel)
def test_every_generated_python_file_says_do_not_edit(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line.startswith("#")
    assert "DO NOT EDIT" in first_line


def test_generated_reference_files_say_do_not_edit() -> None:
    for path in (GENERATED / "reference").glob("*.md"):
        assert "DO NOT EDIT" in path.read_text(encoding="utf-8").split("\n", 1)[0], _rel(path)


def test_generated_package_names_do_not_clash_with_codats_own() -> None:
    packages = {p.name for p in GENERATED.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(GENERATED_PACKAGES)
    codat_official = {"codat_platform", "codat_files", "codat_common", "codat"}
    assert not packages & codat_official
    assert not {"codat_sdk"} & codat_official


def test_wheel_ships_exactly_the_runtime_and_generated_packages() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert sorted(packages) == sorted(["src/codat_sdk", *(f"generated/{name}" for name in GENERATED_PACKAGES)])
