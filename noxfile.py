"""Developer and CI sessions: generate, check_generated, drift, bump, lint, typecheck, tests, docs, demo, bench, compat.

``nox -s ci`` runs check_generated, drift (report only), lint, typecheck and tests: the README's test command.
Sessions run on one interpreter (:data:`PYTHON`); ``compat`` runs the tests on each supported version.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["ci"]
# A session whose interpreter is missing fails instead of being skipped (nox's default outside CI).
nox.options.error_on_missing_interpreters = True

SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
PYTHON_ENV = "CODAT_SDK_PYTHON"


def session_python() -> str:
    """``$CODAT_SDK_PYTHON`` (``./dev`` sets it to the interpreter it found), else the one running nox
    when supported, else the oldest supported version (nox then fails loudly if it is missing)."""
    configured = os.environ.get(PYTHON_ENV)
    if configured:
        return configured
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return sys.executable if running in SUPPORTED_PYTHONS else SUPPORTED_PYTHONS[0]


PYTHON = session_python()
# Also what a spec bump's checks format-check (codegen/bump.py FORMAT_CHECKED, kept equal by a test).
FORMAT_CHECKED = ("src", "codegen", "devtools", "tests", "benchmarks", "noxfile.py", "generated")
DEV = ".[dev]"
# The tests include the documentation site's build and browser test (tests/docs), so they install the docs extra.
DEV_AND_DOCS = ".[dev,docs]"


def _install(session: nox.Session) -> None:
    session.install("-e", DEV)


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from the pinned specs (source: --source, $CODAT_SPEC_SOURCE, ../shared/openapi)."""
    _install(session)
    session.run("python", "-m", "codegen", "generate", *session.posargs)


@nox.session(python=PYTHON)
def check_generated(session: nox.Session) -> None:
    """Regenerate into a temp dir and fail, printing the diff, if generated/ differs."""
    _install(session)
    with tempfile.TemporaryDirectory() as tmp:
        session.run("python", "-m", "codegen", "generate", "--out", tmp, *session.posargs)
        session.run("python", "-m", "codegen", "diff", tmp, str(ROOT / "generated"))


@nox.session(python=PYTHON)
def drift(session: nox.Session) -> None:
    """Report, in SDK terms, how the upstream specs differ from the pins.

    Report-only (exit 0 on drift); ``-- --strict`` fails on drift (scheduled jobs), ``-- --source PATH_OR_URL``,
    ``-- --json FILE``: see ``python -m codegen drift --help``.
    """
    _install(session)
    session.run("python", "-m", "codegen", "drift", *session.posargs)


@nox.session(python=PYTHON)
def bump(session: nox.Session) -> None:
    """Pin the upstream specs, regenerate, run lint + mypy + tests, bump the version, write the changelog.

    All or nothing: a failed step restores every file. ``-- --source PATH_OR_URL``, ``-- --dry-run``, ...:
    see ``python -m codegen bump --help``.
    """
    _install(session)
    session.run("python", "-m", "devtools.prism", "--install")
    session.run(
        "python",
        "-m",
        "codegen",
        "bump",
        *session.posargs,
        env={"PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")},
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over generated and hand-written code."""
    _install(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", *FORMAT_CHECKED)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over generated and hand-written code."""
    _install(session)
    session.run("mypy", "--strict")


def _tests(session: nox.Session) -> None:
    session.install("-e", DEV_AND_DOCS)
    session.run("python", "-m", "devtools.prism", "--install")
    session.run(
        "python", "-m", "pytest", *session.posargs, env={"PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
    )


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The full test suite, end-to-end tests against Prism included (installed into .prism/ if missing), and the
    documentation site built and opened in Chromium (tests/docs: skipped without Chromium, failing in CI)."""
    _tests(session)


# Not in ci, so CI time does not grow with the number of versions; `-p 3.12` runs one of them.
@nox.session(python=list(SUPPORTED_PYTHONS))
def compat(session: nox.Session) -> None:
    """The full test suite on each supported Python version; a version not installed fails."""
    _tests(session)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The documentation site into site/ (open site/index.html): guides from docs/ and README.md, and the
    reference from generated/reference/. ``--strict``: a broken link or anchor fails the build."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"), env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The main job: the SDK against Prism serving the pinned specs on 127.0.0.1."""
    _install(session)
    session.run("python", "-m", "devtools.prism", "--install")
    session.run("python", "-m", "devtools.demo")


# Codat's own SDK, compared against in the benchmarks; never a dependency of this package.
CODAT_PLATFORM = "codat-platform==6.0.0"


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against raw httpx and codat-platform 6.0.0; prints the table, writes benchmarks/RESULTS.md.

    ``-- --smoke`` runs every case once with tiny sizes. Without codat-platform (no package index
    reachable) its column says so and the rest still runs.
    """
    # The canned bodies are built from the pinned spec through codegen's normaliser, which names classes as
    # the generator does: the dev extra brings it (the package itself is what is measured).
    session.install(DEV)
    try:
        session.install(CODAT_PLATFORM)
    except nox.command.CommandFailed:
        session.warn(f"could not install {CODAT_PLATFORM}: its column will say 'not installed'")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=False)
def ci(session: nox.Session) -> None:
    """check_generated, drift (report only: upstream moving never fails a commit), lint, typecheck and tests.

    Arguments after ``--`` go to pytest alone (``./dev test -- -x``): the other sessions would take them as theirs.
    """
    for name in ("check_generated", "drift", "lint", "typecheck"):
        session.notify(name, posargs=[])
    session.notify("tests", posargs=session.posargs)
