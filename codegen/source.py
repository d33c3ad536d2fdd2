"""Where spec bytes come from, and the sha256 check against ``openapi/pins.json``.

Each pin's ``url`` names an upstream commit (immutable: the pinned bytes, today and in a year); drift
compares against the same file on the upstream branch (``branch_url``). The pin's ``date`` is that commit's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PINS_FILE = ROOT / "openapi" / "pins.json"
# Codat's published specs sit beside the project on developer and CI machines.
DEFAULT_LOCAL_SOURCE = ROOT.parent / "shared" / "openapi"
SOURCE_ENV_VAR = "CODAT_SPEC_SOURCE"
# What a spec file's name ends with (a URL ending otherwise names a directory holding the pinned files).
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
# Codat's specs upstream: files of github.com/codatio/oas, by commit (pins) or by branch (drift).
UPSTREAM_RAW = "https://raw.githubusercontent.com/codatio/oas"
UPSTREAM_BRANCH = "main"
UPSTREAM_HEAD_API = f"https://api.github.com/repos/codatio/oas/commits/{UPSTREAM_BRANCH}"
_UPSTREAM_URL = re.compile(re.escape(UPSTREAM_RAW) + r"/([^/]+)/(.+)")
_COMMIT = re.compile(r"[0-9a-f]{40}")
# How ../shared/openapi/README.md names the upstream commit its files come from.
_README_COMMIT = re.compile(r"commit ([0-9a-f]{40}) \((\d{4}-\d{2}-\d{2})\)")


class SpecError(Exception):
    """A spec could not be read, or its bytes do not match the pin."""


@dataclass(frozen=True)
class Pin:
    api: str
    file: str
    url: str
    sha256: str
    version: str
    date: str


@dataclass(frozen=True)
class Commit:
    """An upstream commit, and its date (YYYY-MM-DD) when known."""

    sha: str
    date: str | None = None


def load_pins(path: Path = PINS_FILE) -> dict[str, Pin]:
    try:
        raw: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return {api: Pin(api=api, **fields) for api, fields in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise SpecError(f"cannot read the pins in {path}: {exc}") from exc


def commit_url(upstream_path: str, commit: str) -> str:
    """The immutable URL of ``upstream_path`` (``json/Codat-Platform.json``) at ``commit``."""
    return f"{UPSTREAM_RAW}/{commit}/{upstream_path}"


def branch_url(pin: Pin) -> str:
    """The pinned file on the upstream branch head (what drift compares with); the pin's URL if not upstream's."""
    match = _UPSTREAM_URL.fullmatch(pin.url)
    return f"{UPSTREAM_RAW}/{UPSTREAM_BRANCH}/{match.group(2)}" if match else pin.url


def url_commit(url: str) -> str | None:
    """The commit an upstream URL is addressed by (None for a branch or another URL)."""
    match = _UPSTREAM_URL.fullmatch(url)
    return match.group(1) if match and _COMMIT.fullmatch(match.group(1)) else None


def repinned_url(pin: Pin, commit: str) -> str:
    """``pin``'s URL moved to ``commit`` (a pin not on upstream keeps its URL)."""
    match = _UPSTREAM_URL.fullmatch(pin.url)
    return commit_url(match.group(2), commit) if match else pin.url


def upstream_commit(source: str | None, timeout: float = 30.0) -> Commit | None:
    """The upstream commit the specs at ``source`` come from, when it can be told.

    A directory (or a file in one) whose README.md names the commit, as ``../shared/openapi`` does; a
    commit-addressed URL; or, for the upstream branch itself (``source`` None), its head as GitHub reports it.
    """
    if source is None or source.startswith(f"{UPSTREAM_RAW}/{UPSTREAM_BRANCH}/"):
        return _branch_head(timeout)
    if _is_url(source):
        commit = url_commit(source if source.endswith(SPEC_SUFFIXES) else source.rstrip("/") + "/x.json")
        return Commit(commit) if commit else None
    folder = Path(source) if Path(source).is_dir() else Path(source).parent
    try:
        match = _README_COMMIT.search((folder / "README.md").read_text(encoding="utf-8"))
    except OSError:
        return None
    return Commit(match.group(1), match.group(2)) if match else None


def _branch_head(timeout: float) -> Commit | None:
    try:
        with urllib.request.urlopen(UPSTREAM_HEAD_API, timeout=timeout) as response:
            head = json.loads(response.read())
        sha, date = str(head["sha"]), str(head["commit"]["committer"]["date"])[:10]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Commit(sha, date) if _COMMIT.fullmatch(sha) else None


def default_source() -> str | None:
    """The configured source: ``$CODAT_SPEC_SOURCE``, else ``../shared/openapi/`` if present, else None.

    None means "use each pin's upstream URL".
    """
    configured = os.environ.get(SOURCE_ENV_VAR)
    if configured:
        return configured
    if DEFAULT_LOCAL_SOURCE.is_dir():
        return str(DEFAULT_LOCAL_SOURCE)
    return None


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def location(pin: Pin, source: str | None, *, branch: bool = False) -> str:
    """Where the spec of ``pin`` is read from: a file path or a URL.

    ``source`` may be a directory (holding the spec under its upstream file name), a spec file, or a
    base URL / full URL; None means the pin's own (commit-addressed) URL, or with ``branch`` the same
    file on the upstream branch head.
    """
    if source is None:
        return branch_url(pin) if branch else pin.url
    if _is_url(source):
        return source if source.endswith(SPEC_SUFFIXES) else source.rstrip("/") + "/" + pin.file
    path = Path(source)
    return str(path / pin.file if path.is_dir() else path)


def read_bytes(where: str, timeout: float = 60.0) -> bytes:
    if _is_url(where):
        try:
            with urllib.request.urlopen(where, timeout=timeout) as response:  # noqa: S310 - http(s) only
                data: bytes = response.read()
                return data
        except OSError as exc:
            raise SpecError(f"cannot fetch {where} ({getattr(exc, 'reason', None) or exc})") from exc
    try:
        return Path(where).read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read {where} ({exc.strerror or exc})") from exc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_pinned(pin: Pin, source: str | None) -> bytes:
    """The pinned spec's bytes; refuses bytes whose sha256 differs from the pin."""
    where = location(pin, source)
    try:
        data = read_bytes(where)
    except SpecError as exc:
        raise SpecError(
            f"{exc}: set ${SOURCE_ENV_VAR} (or pass --source) to a directory or URL holding {pin.file}, "
            f"or unset it to fetch the pinned {pin.url}"
        ) from exc
    digest = sha256(data)
    if digest != pin.sha256:
        raise SpecError(
            f"{where}: sha256 {digest} does not match the pin {pin.sha256} for {pin.api}; "
            "bump the pin (nox -s bump) instead of generating from unpinned bytes"
        )
    return data


def load_pinned(pin: Pin, source: str | None) -> dict[str, Any]:
    """The pinned spec as a document (JSON or YAML, as any spec is read)."""
    return parse_document(fetch_pinned(pin, source), location(pin, source))


def parse_document(data: bytes, where: str) -> dict[str, Any]:
    """An OpenAPI document from JSON or YAML bytes; anything else is one clear error."""
    try:
        document = json.loads(data)
    except ValueError:
        # Imported for YAML only: reading a JSON spec (the benchmarks, the pinned APIs) needs no YAML library.
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            # YAML as JSON sees it: dates and other YAML-only scalars become the strings JSON would hold.
            document = json.loads(json.dumps(YAML(typ="safe", pure=True).load(data), default=str))
        except YAMLError as exc:
            raise SpecError(f"{where} is neither JSON nor YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("info"), dict) or "paths" not in document:
        raise SpecError(f"{where} is not an OpenAPI document (no info / paths)")
    return document


def load_document(where: str) -> dict[str, Any]:
    """The OpenAPI document at a path or http(s) URL, JSON or YAML (no pin: for ``generate --spec``)."""
    return parse_document(read_bytes(where), where)
