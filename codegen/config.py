"""The project's one generation table, ``openapi/overrides.json``: only what Codat's spec cannot tell us.

Everything else is derived: package and client names from the API's name (the pin's key, or the spec's
title), groups and methods from the spec as Codat's own SDKs name them (``codegen.naming``). An entry is
an exception, keyed by API then operationId; a missing entry is never an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GenerationError
from .naming import identifier
from .normalise import pascal
from .source import ROOT

OVERRIDES_FILE = ROOT / "openapi" / "overrides.json"
# What an API's entry may set, and what each of its operations' entries may set.
PACKAGE_KEYS = frozenset({"package", "client", "async_client", "operations"})
OPERATION_KEYS = frozenset({"group", "method", "body", "body_note"})
# Words of a spec title that say nothing about which API it is.
_NOISE_WORDS = frozenset({"codat", "api"})


@dataclass(frozen=True)
class PackageConfig:
    """One API's package: its import name, client classes, and its operations' overrides by operationId."""

    api: str
    package: str
    client: str
    async_client: str
    operations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def api_name(title: str) -> str:
    """An API's short name from its spec title: ``Bank Feeds API (v2)`` -> ``bank_feeds_v2``."""
    words = [word for word in identifier(title).split("_") if word and word not in _NOISE_WORDS]
    return "_".join(words) or "api"


def load_overrides(path: Path = OVERRIDES_FILE) -> dict[str, dict[str, Any]]:
    """The overrides by API (none when the file is absent); a malformed file is one clear error."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GenerationError(f"{path} is not readable JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise GenerationError(f"{path}: expected an object keyed by API")
    apis = {api: entry for api, entry in raw.items() if api != "about"}
    for api, entry in apis.items():
        _check(path, api, entry)
    return apis


def _check(path: Path, api: str, entry: Any) -> None:
    if not isinstance(entry, dict) or entry.keys() - PACKAGE_KEYS:
        raise GenerationError(f"{path}: {api!r} must be an object with keys among {sorted(PACKAGE_KEYS)}")
    for operation_id, op in (entry.get("operations") or {}).items():
        if not isinstance(op, dict) or op.keys() - OPERATION_KEYS:
            raise GenerationError(
                f"{path}: {api}.operations.{operation_id} must be an object with keys among {sorted(OPERATION_KEYS)}"
            )


def package_config(api: str, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> PackageConfig:
    """``api``'s package: ``codat_sdk_<api>`` with clients ``Codat<Api>``/``AsyncCodat<Api>`` unless overridden."""
    entry = (load_overrides() if overrides is None else overrides).get(api, {})
    if not re.fullmatch(r"[a-z][a-z0-9_]*", api):
        raise GenerationError(f"{api!r} is not a valid API name: use lowercase letters, digits and _")
    client = str(entry.get("client") or f"Codat{pascal(api)}")
    return PackageConfig(
        api=api,
        package=str(entry.get("package") or f"codat_sdk_{api}"),
        client=client,
        async_client=str(entry.get("async_client") or f"Async{client}"),
        operations=dict(entry.get("operations") or {}),
    )
