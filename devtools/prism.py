"""A Stoplight Prism mock server serving exactly the pinned Codat specs.

Usage::

    with serve("platform") as base_url:
        httpx.get(f"{base_url}/companies", headers={"Authorization": "Basic abc"})

``python -m devtools.prism --install`` installs Prism into ``.prism/``;
``python -m devtools.prism platform`` serves the Platform API in the foreground until Ctrl-C;
``python -m devtools.prism --spec PATH_OR_URL`` serves any spec (JSON or YAML, no pin), e.g. one that
``python -m codegen generate --spec`` generated a client from.

Command line (``prism mock`` 5.14.2)::

    prism mock -h 127.0.0.1 -p PORT -v warn /tmp/codat-prism-XXXX/Codat-Platform.json

Flag choices, checked against ``prism mock --help`` of 5.14.2:

* no ``--dynamic``: static mode (the default) returns the spec's own examples;
* no ``--errors``: with it, a *response* violation turns the reply into a 500 problem document, so the
  four GET operations whose spec examples break their own schemas (list/get integration, model
  options, push history) would become unusable; request violations give 400/422 either way;
* ``-v warn`` keeps the log small (~600 req/s); it hides the "listening" line, so readiness is
  detected by polling over HTTP: any reply, even Prism's 404 for ``/``, means it is up (~1.7 s).

Prism logs to *stdout* (stderr stays empty); both go to a log file beside the spec copy and its tail
is quoted when Prism fails to start. Prism watches the document with chokidar and reloads it on
change, so the copy is kept read-only and untouched until the process is gone.

What Prism reports (observed on 5.14.2):

* Violations arrive in the ``sl-violations`` response header: a JSON array of objects
  ``{"location": [...], "severity": "Error", "code": ..., "message": "..."}``. ``location[0]`` is
  ``"request"`` or ``"response"``; that is how the two are told apart. ``code`` is a JSON Schema
  keyword string (``"type"``, ``"format"``, ``"enum"``) or an int (401 for a missing/bad
  ``Authorization`` header). Parameter names in locations and messages are *lower-cased*
  (``["request", "query", "pagesize"]``).
* A bad request to an operation that documents a 400 (or 401 ...) gets that status with the spec's
  example body plus the header. Prism then skips response validation: the header holds request
  violations only.
* A bad request to an operation with no fitting error response (e.g. a non-uuid ``companyId``)
  gets a 422 ``application/problem+json`` body *without* the header; the violations sit in the
  body's ``validation`` array with locations lacking the ``"request"`` prefix
  (``["path", "companyid"]``). :func:`violations` normalises these by adding the prefix.
* A valid request whose example breaks the response schema gets the example (200) and the header
  with ``"response"`` locations, e.g. ``["response", "body", "results", "0", "sourceId"]``.
* The largest header seen (model options) is ~8 KB; httpx (h11) refuses header blocks over 16 KiB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

import httpx

from codegen.source import ROOT, SpecError, default_source, fetch_pinned, load_pins, read_bytes

PRISM_VERSION = "5.14.2"
PRISM_PACKAGE = f"@stoplight/prism-cli@{PRISM_VERSION}"
PRISM_DIR = ROOT / ".prism"
PRISM_BIN_ENV = "PRISM_BIN"
LOCAL_PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
INSTALL_HINT = "python -m devtools.prism --install"
VIOLATIONS_HEADER = "sl-violations"
DESCRIPTION = "Install Prism, or serve a pinned Codat spec with it on 127.0.0.1."

HOST = "127.0.0.1"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Auto-picked ports are released before Prism binds them; another process may win that race.
PORT_ATTEMPTS = 3
LOG_TAIL_CHARS = 4000


class PrismError(Exception):
    """Prism is missing, cannot be installed, or did not come up."""


class Violation(TypedDict):
    location: list[str]
    severity: str
    code: str | int
    message: str


# --- finding and installing -------------------------------------------------------------------


def find_prism() -> Path | None:
    """``$PRISM_BIN``, else ``.prism/node_modules/.bin/prism``, else ``prism`` on PATH.

    An explicit ``$PRISM_BIN`` that does not exist gives None rather than a silent fallback, so a
    typo does not quietly run some other Prism.
    """
    configured = os.environ.get(PRISM_BIN_ENV)
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    if LOCAL_PRISM_BIN.is_file():
        return LOCAL_PRISM_BIN
    on_path = shutil.which("prism")
    return Path(on_path) if on_path else None


def installed_version() -> str | None:
    """The prism-cli version in ``.prism/``, read from its package.json (no node start-up)."""
    manifest = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return version


def install_prism() -> Path:
    """Ensure ``.prism/`` holds prism-cli ``PRISM_VERSION``; returns its binary.

    Deliberately ignores ``$PRISM_BIN`` and PATH: CI wants the pinned version, whatever else exists.
    Re-running is a no-op once the pinned version is there; a different version is replaced.
    """
    if installed_version() == PRISM_VERSION and LOCAL_PRISM_BIN.is_file():
        return LOCAL_PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        raise PrismError("npm not found on PATH; install Node.js 20 to get Prism")
    PRISM_DIR.mkdir(exist_ok=True)
    command = [npm, "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", PRISM_PACKAGE]
    print("+", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True)  # noqa: S603 - fixed argv, no shell
    if not LOCAL_PRISM_BIN.is_file():
        raise PrismError(f"npm install succeeded but {LOCAL_PRISM_BIN} is missing")
    return LOCAL_PRISM_BIN


def require_prism() -> Path:
    prism = find_prism()
    if prism is None:
        raise PrismError(f"Prism not found (${PRISM_BIN_ENV}, {LOCAL_PRISM_BIN}, PATH); run: {INSTALL_HINT}")
    return prism


# --- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrismServer:
    url: str
    command: list[str]
    process: subprocess.Popen[bytes]
    # Lives in the temp dir: readable only while the server runs.
    log_path: Path


def prism_command(prism: Path, spec: Path, port: int) -> list[str]:
    return [str(prism), "mock", "-h", HOST, "-p", str(port), "-v", "warn", str(spec)]


@contextmanager
def serve(
    api: str | None = None, *, spec: str | None = None, source: str | None = None, port: int | None = None
) -> Iterator[str]:
    """Serve the pinned spec of ``api`` ("platform" or "files"), or the ``spec`` file or URL as it is;
    yields ``http://127.0.0.1:PORT``."""
    with run_server(api, spec=spec, source=source, port=port) as server:
        yield server.url


@contextmanager
def run_server(
    api: str | None = None,
    *,
    spec: str | None = None,
    source: str | None = None,
    port: int | None = None,
    ready_timeout: float = READY_TIMEOUT,
) -> Iterator[PrismServer]:
    """Like :func:`serve`, exposing the process; it and its process group are gone on exit."""
    prism = require_prism()
    file_name, spec_bytes = _given_spec(spec) if spec is not None else _pinned_spec(api, source)
    with tempfile.TemporaryDirectory(prefix="codat-prism-") as tmp:
        workdir = Path(tmp)
        _refuse_project_tree(workdir)
        served = _write_spec(workdir / file_name, spec_bytes)
        server = _start_ready(prism, served, workdir, port, ready_timeout)
        try:
            yield server
        finally:
            # Stop before the temp dir goes: Prism's file watcher must not see the spec vanish.
            _stop(server.process)


def _given_spec(spec: str) -> tuple[str, bytes]:
    """Any spec's file name (Prism tells JSON from YAML by content) and bytes, as they are: no pin to check."""
    try:
        return spec.rstrip("/").rsplit("/", 1)[-1] or "spec.json", read_bytes(spec)
    except SpecError as exc:
        raise PrismError(str(exc)) from exc


def _pinned_spec(api: str | None, source: str | None) -> tuple[str, bytes]:
    """The pin's upstream file name (so Prism's messages name it) and its verified bytes."""
    pins = load_pins()
    if api is None or api not in pins:
        raise PrismError(f"unknown API {api!r}; pinned: {', '.join(sorted(pins))}")
    pin = pins[api]
    return pin.file, fetch_pinned(pin, source if source is not None else default_source())


def _refuse_project_tree(path: Path) -> None:
    # A TMPDIR inside the repo would put a spec copy in the project tree, which we never allow.
    if path.resolve().is_relative_to(ROOT):
        raise PrismError(f"temp dir {path} is inside the project {ROOT}; set TMPDIR elsewhere")


def _write_spec(spec: Path, data: bytes) -> Path:
    spec.write_bytes(data)
    spec.chmod(0o400)
    return spec


def _start_ready(prism: Path, spec: Path, workdir: Path, port: int | None, timeout: float) -> PrismServer:
    """Start Prism and wait until it answers; retries a lost race for an auto-picked port."""
    attempts = 1 if port is not None else PORT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        chosen = port if port is not None else _free_port()
        log_path = workdir / f"prism-{chosen}.log"
        command = prism_command(prism, spec, chosen)
        process = _launch(command, log_path)
        server = PrismServer(url=f"http://{HOST}:{chosen}", command=command, process=process, log_path=log_path)
        try:
            _wait_ready(server, timeout)
        except PrismError:
            _stop(process)
            if attempt < attempts and "EADDRINUSE" in _log_tail(log_path):
                continue
            raise
        except BaseException:
            _stop(process)  # e.g. Ctrl-C while waiting: leave no orphan behind
            raise
        return server
    raise AssertionError("unreachable")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _launch(command: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        # Own session: Ctrl-C in a terminal reaches only us, and we can signal Prism's whole group.
        return subprocess.Popen(  # noqa: S603 - argv from prism_command, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_ready(server: PrismServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    # trust_env=False: an HTTP(S)_PROXY in the environment must not intercept 127.0.0.1.
    with httpx.Client(trust_env=False, timeout=1.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise PrismError(_failure(server, f"exited with status {server.process.returncode}"))
            try:
                client.get(f"{server.url}/")
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            return
    raise PrismError(_failure(server, f"did not answer on {server.url} within {timeout:.0f} s"))


def _failure(server: PrismServer, what: str) -> str:
    command = " ".join(server.command)
    return f"Prism {what}\ncommand: {command}\n--- Prism output (tail) ---\n{_log_tail(server.log_path)}"


def _log_tail(log_path: Path) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]
    except OSError:
        return "<no output>"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, escalate to SIGKILL after STOP_TIMEOUT, and reap the leader."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    # Sweep children that outlived the leader (e.g. ``--multiprocess`` forks).
    _signal_group(process.pid, signal.SIGKILL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is already gone
        os.killpg(pgid, sig)


# --- violations -------------------------------------------------------------------------------


def violations(response: httpx.Response) -> list[Violation]:
    """Prism's violations for ``response``: the ``sl-violations`` header, else a 422 problem body.

    Every returned location starts with ``"request"`` or ``"response"``.
    """
    header = response.headers.get(VIOLATIONS_HEADER)
    if header is None:
        return _problem_violations(response)
    if header.startswith(_TRUNCATED_PREFIX):
        return _truncated_violations(header)
    return _checked(json.loads(header), header)


# Prism cuts a long header to "Too many violations! [..." (invalid JSON): keep each side's presence.
_TRUNCATED_PREFIX = "Too many violations!"


def _truncated_violations(header: str) -> list[Violation]:
    sides = [side for side in ("request", "response") if f'"location":["{side}"' in header.replace(" ", "")]
    message = "Prism truncated its violation list: " + header[:200]
    return [{"location": [side], "severity": "Error", "code": "truncated", "message": message} for side in sides]


def is_request_violation(violation: Violation) -> bool:
    return violation["location"][:1] == ["request"]


def request_violations(response: httpx.Response) -> list[Violation]:
    """Violations caused by what we sent: our bugs."""
    return [v for v in violations(response) if is_request_violation(v)]


def response_violations(response: httpx.Response) -> list[Violation]:
    """Violations of the spec's own example against its schema: spec bugs."""
    return [v for v in violations(response) if not is_request_violation(v)]


def _problem_violations(response: httpx.Response) -> list[Violation]:
    # Prism's own 422 (no error response documented) carries the violations in the body instead.
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return []
    body: Any = response.json()
    found = body.get("validation") if isinstance(body, dict) else None
    if not isinstance(found, list):
        return []
    checked = _checked(found, response.text)
    return [{**v, "location": ["request", *v["location"]]} for v in checked]


def _checked(raw: Any, text: str) -> list[Violation]:
    """``raw`` if it is a list of violation objects; a clear error on a format change."""
    if not isinstance(raw, list) or not all(
        isinstance(v, dict) and isinstance(v.get("location"), list) and "message" in v for v in raw
    ):
        raise ValueError(f"unexpected Prism violations format: {text[:500]}")
    return cast("list[Violation]", raw)


# --- command line -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.install:
        print(install_prism())
    if args.api is not None and args.spec is not None:
        _parser().error("give an API or --spec, not both")
    if args.api is None and args.spec is None:
        if not args.install:
            _parser().error("give an API or --spec to serve, or --install")
        return 0
    return _serve_foreground(args.api, args.spec, args.source, args.port)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devtools.prism", description=DESCRIPTION)
    parser.add_argument("api", nargs="?", choices=sorted(load_pins()), help="API whose pinned spec to serve")
    parser.add_argument("--install", action="store_true", help=f"install {PRISM_PACKAGE} into {PRISM_DIR}")
    parser.add_argument("--spec", help="serve this spec file or URL instead (JSON or YAML, any Codat API, no pin)")
    parser.add_argument("--source", help="spec source (default: $CODAT_SPEC_SOURCE or ../shared/openapi)")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    return parser


def _serve_foreground(api: str | None, spec: str | None, source: str | None, port: int | None) -> int:
    # `kill` sends SIGTERM, which would skip our cleanup and orphan Prism; make it unwind instead.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        with run_server(api, spec=spec, source=source, port=port) as server:
            print(f"{server.url}  (Prism log: {server.log_path}; Ctrl-C to stop)", flush=True)
            status = server.process.wait()
            print(f"Prism exited with status {status}:\n{_log_tail(server.log_path)}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except (PrismError, SpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
