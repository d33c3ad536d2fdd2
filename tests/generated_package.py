"""Generate a package from any spec into a directory outside the project, and check it as CI checks ours.

Used by the synthetic-spec tests (tests/codegen) and the corpus tests (tests/corpus): ruff with the
project's configuration and the rules ``generated/`` is exempt from, mypy --strict with the project's
configuration, and an import of every module.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from codegen.config import PackageConfig, api_name, package_config
from codegen.generate import write_package
from codegen.source import ROOT

PYPROJECT = ROOT / "pyproject.toml"
HEADER = "# Generated from {title} {version} by the tests. DO NOT EDIT.\n"


def generate_package(spec: dict[str, Any], out: Path, package_name: str) -> PackageConfig:
    """Generate ``spec`` (raw, not yet normalised) as ``out/<package_name>`` and its reference page, as
    ``python -m codegen generate --spec`` does; returns the package's names (``reference/<api>.md``)."""
    info = spec["info"]
    package = replace(package_config(api_name(str(info["title"])), {}), package=package_name)
    write_package(spec, package, out, HEADER.format(title=info["title"], version=info["version"]))
    return package


def generated_rule_exemptions() -> list[str]:
    """The ruff rules the project exempts ``generated/`` from (pyproject's per-file-ignores)."""
    settings = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    ignores: list[str] = settings["tool"]["ruff"]["lint"]["per-file-ignores"]["generated/**"]
    return ignores


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # From the project root: ruff's first-party detection and mypy's relative mypy_path depend on it.
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env=env)


def ruff_problems(*packages: Path) -> str:
    """ruff check and format --check output over ``packages``; empty when clean."""
    config = ["--config", str(PYPROJECT), "--no-cache"]
    check = [sys.executable, "-m", "ruff", "check", *config, "--ignore", ",".join(generated_rule_exemptions())]
    found = _run([*check, "--output-format", "concise", "--quiet", *map(str, packages)])
    formatted = _run([sys.executable, "-m", "ruff", "format", *config, "--check", "--quiet", *map(str, packages)])
    return "".join(result.stdout + result.stderr for result in (found, formatted) if result.returncode)


def start_mypy(roots: list[Path], packages: list[str]) -> subprocess.Popen[str]:
    """mypy --strict (the project's configuration) over ``packages`` found in ``roots``, in the background."""
    env = {**os.environ, "MYPYPATH": os.pathsep.join(map(str, roots))}
    command = [sys.executable, "-m", "mypy", "--config-file", str(PYPROJECT), "--no-error-summary"]
    command += [argument for package in packages for argument in ("-p", package)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def mypy_problems_by_package(process: subprocess.Popen[str], packages: list[str]) -> dict[str, list[str]]:
    """The error lines of a finished :func:`start_mypy` run, by package (each package's list may be empty)."""
    output, _ = process.communicate()
    by_package: dict[str, list[str]] = {package: [] for package in packages}
    unattributed: list[str] = []
    for line in output.splitlines():
        if ": note: " in line or not line.strip():
            continue
        owner = next((p for p in packages if f"{os.sep}{p}{os.sep}" in f"{os.sep}{line}"), None)
        (by_package[owner] if owner is not None else unattributed).append(line)
    if process.returncode not in (0, 1) or unattributed:
        raise RuntimeError(f"mypy failed (status {process.returncode}):\n{output}")
    return by_package


def mypy_problems(root: Path, package: str) -> list[str]:
    return mypy_problems_by_package(start_mypy([root], [package]), [package])[package]


@contextmanager
def importable(root: Path) -> Iterator[None]:
    """``root`` on sys.path; the packages imported from it are forgotten afterwards."""
    before = set(sys.modules)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in set(sys.modules) - before:
            module = sys.modules[name]
            if str(getattr(module, "__file__", "") or "").startswith(str(root)):
                del sys.modules[name]


def import_every_module(package: str) -> list[ModuleType]:
    """Import ``package`` and each of its modules (an import-time NameError fails here)."""
    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        modules.append(importlib.import_module(info.name))
    return modules


def check_queries_example(package: str, client: Any) -> None:
    """Run the example of ``<package>.queries``'s docstring up to its call, which is looked up on ``client``.

    Its imports and query builders run as written; the paginator it calls must be ``client``'s.
    """
    queries = importlib.import_module(f"{package}.queries")
    code = []
    for line in (queries.__doc__ or "").split("::\n", 1)[1].splitlines():
        if line and not line.startswith("    "):
            break  # the example is the indented block after "::"
        code.append(line.removeprefix("    "))
    loop = next(line for line in code if line.startswith("for item in "))
    namespace: dict[str, Any] = {}
    exec("\n".join(line for line in code if not line.startswith(("for ", " "))), namespace)
    call = loop.removeprefix("for item in client.").split("(", 1)[0]
    target = client
    for name in call.split("."):
        target = getattr(target, name)
    assert callable(target), call
