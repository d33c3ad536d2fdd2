"""The README's set-up section: what ``./dev test`` runs, where specs come from, and trying code against Prism."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import noxfile
from codegen import source
from devtools import prism
from tests.devtools.test_prism import require_prism_and_specs

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP = README.split("\n## Set-up: two commands\n", 1)[1].split("\n## ", 1)[0]
README_PORT = "4010"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


class _CiSession:
    """What ``noxfile.ci`` uses of a nox session: the arguments after ``--``, and ``notify``."""

    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.notified: dict[str, list[str] | None] = {}

    def notify(self, name: str, posargs: list[str] | None = None) -> None:
        self.notified[name] = posargs


def test_dev_test_runs_the_sessions_the_readme_lists() -> None:
    session = _CiSession([])
    noxfile.ci(session)
    notified = list(session.notified)
    line = next(line for line in SETUP.splitlines() if line.startswith("./dev test"))
    listed = line + next(line for line in SETUP.splitlines() if line.strip().startswith("# tests (pytest"))
    assert notified == ["check_generated", "drift", "lint", "typecheck", "tests"]
    assert [name for name in notified if name in listed] == notified
    assert "drift (report only)" in listed


def test_arguments_after_dashes_go_to_pytest_alone() -> None:
    """``./dev test -- -x`` once handed ``-x`` to check_generated and drift too, which failed on it."""
    session = _CiSession(["-x", "-k", "webhooks"])
    noxfile.ci(session)
    assert session.notified.pop("tests") == ["-x", "-k", "webhooks"]
    assert all(posargs == [] for posargs in session.notified.values())  # [], not None: nox's "no arguments"


def test_the_spec_source_order_is_the_readmes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stated = SETUP.split("**Specs.**", 1)[1].split("\n\n", 1)[0]
    order = ["`--source`", "`$CODAT_SPEC_SOURCE`", "`../shared/openapi/`", "`openapi/pins.json`"]
    assert [stated.index(name) for name in order] == sorted(stated.index(name) for name in order)
    # What the demo says then: tests/codegen/test_pins.py runs it without its spec.
    assert "`./dev demo` stops with one\nline naming the file it could not read and what to set" in stated
    local = tmp_path / "shared" / "openapi"
    local.mkdir(parents=True)
    monkeypatch.setattr(source, "DEFAULT_LOCAL_SOURCE", local)
    monkeypatch.setenv(source.SOURCE_ENV_VAR, "https://example.test/specs")
    assert source.default_source() == "https://example.test/specs"
    monkeypatch.delenv(source.SOURCE_ENV_VAR)
    assert source.default_source() == str(local)
    local.rmdir()
    assert source.default_source() is None
    # No source: each pin's own URL, addressed by an upstream commit (immutable).
    for pin in source.load_pins().values():
        assert source.location(pin, None) == pin.url
        assert source.url_commit(pin.url) is not None, pin.url


def test_the_mock_server_options_the_readme_names_exist() -> None:
    helped = subprocess.run(
        [sys.executable, "-m", "devtools.prism", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    stated = SETUP.split("**Trying your own code against a mock.**", 1)[1].split("```", 1)[0]
    for option in ("--port", "--install", "--spec"):
        assert option in stated and option in helped.stdout
    for api in source.load_pins():
        assert api in helped.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((prism.HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def foreground_prism() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``python -m devtools.prism platform --port N`` as the README runs it, until it prints its URL."""
    require_prism_and_specs()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.prism", "platform", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "generated"), str(ROOT)])},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith(f"http://127.0.0.1:{port} "), first + (process.stderr.read() if process.stderr else "")
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal
            process.wait(timeout=30)


def test_the_readme_example_runs_against_the_mock(foreground_prism: tuple[subprocess.Popen[str], int]) -> None:
    process, port = foreground_prism
    (example,) = _python_blocks(SETUP)
    assert f"http://127.0.0.1:{README_PORT}" in example
    ran = subprocess.run(
        [sys.executable, "-c", example.replace(README_PORT, str(port))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip()
    # Ctrl-C stops it, and Prism with it.
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 130
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((prism.HOST, port)) != 0:
                break
        time.sleep(0.1)
    else:
        pytest.fail(f"Prism still listens on {port} after Ctrl-C")
