"""Where spec bytes come from, and the sha256 check against ``openapi/pins.json``."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

ROOT = Path(__file__).resolve().parent.parent
PINS_FILE = ROOT / "openapi" / "pins.json"
# Codat's published specs sit beside the project on developer and CI machines.
DEFAULT_LOCAL_SOURCE = ROOT.parent / "shared" / "openapi"
SOURCE_ENV_VAR = "CODAT_SPEC_SOURCE"


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


def load_pins(path: Path = PINS_FILE) -> dict[str, Pin]:
    raw: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return {api: Pin(api=api, **fields) for api, fields in raw.items()}


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


def location(pin: Pin, source: str | None) -> str:
    """Where the spec of ``pin`` is read from: a file path or a URL.

    ``source`` may be a directory (holding the spec under its upstream file name), a spec file, or a
    base URL / full URL; None means the pin's own upstream URL.
    """
    if source is None:
        return pin.url
    if _is_url(source):
        return source if source.endswith(".json") else source.rstrip("/") + "/" + pin.file
    path = Path(source)
    return str(path / pin.file if path.is_dir() else path)


def read_bytes(where: str, timeout: float = 60.0) -> bytes:
    if _is_url(where):
        try:
            with urllib.request.urlopen(where, timeout=timeout) as response:  # noqa: S310 - http(s) only
                data: bytes = response.read()
                return data
        except OSError as exc:
            raise SpecError(f"cannot fetch {where}: {exc}") from exc
    try:
        return Path(where).read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read {where}: {exc}") from exc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_pinned(pin: Pin, source: str | None) -> bytes:
    """The pinned spec's bytes; refuses bytes whose sha256 differs from the pin."""
    where = location(pin, source)
    data = read_bytes(where)
    digest = sha256(data)
    if digest != pin.sha256:
        raise SpecError(
            f"{where}: sha256 {digest} does not match the pin {pin.sha256} for {pin.api}; "
            "bump the pin (nox -s bump) instead of generating from unpinned bytes"
        )
    return data


def load_pinned(pin: Pin, source: str | None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(fetch_pinned(pin, source))
    return document


def parse_document(data: bytes, where: str) -> dict[str, Any]:
    """An OpenAPI document from JSON or YAML bytes; anything else is one clear error."""
    try:
        document = json.loads(data)
    except ValueError:
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
