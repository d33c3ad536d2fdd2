"""The project's generation tables in ``openapi/``: packages, method names, body defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .source import ROOT

PACKAGES_FILE = ROOT / "openapi" / "packages.json"
METHOD_NAMES_FILE = ROOT / "openapi" / "sdk-method-names.json"
BODY_DEFAULTS_FILE = ROOT / "openapi" / "body-defaults.json"


@dataclass(frozen=True)
class PackageConfig:
    api: str
    package: str
    client: str
    async_client: str
    subgroups: dict[str, str]


def load_packages() -> dict[str, PackageConfig]:
    raw: dict[str, dict[str, Any]] = json.loads(PACKAGES_FILE.read_text(encoding="utf-8"))
    return {api: PackageConfig(api=api, **fields) for api, fields in raw.items()}
