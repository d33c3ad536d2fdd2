"""The spec's ``x-speakeasy-retries`` defaults, as the generated client's ``RETRY_CONFIG``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import GenerationError


@dataclass(frozen=True)
class RetryDefaults:
    """A spec's top-level ``x-speakeasy-retries``, as the generated client's ``RETRY_CONFIG`` spells it."""

    strategy: str
    initial_interval: int
    max_interval: int
    exponent: float
    max_elapsed_time: int
    status_codes: tuple[str, ...]
    retry_connection_errors: bool


def retry_defaults(spec: dict[str, Any]) -> RetryDefaults | None:
    """The spec's retry defaults (None when it declares none); a malformed extension fails generation."""
    raw = spec.get("x-speakeasy-retries")
    if raw is None:
        return None
    try:
        strategy = raw["strategy"]
        if strategy not in ("backoff", "none"):
            raise GenerationError(f"x-speakeasy-retries: unknown strategy {strategy!r}")
        backoff = raw.get("backoff", {}) if strategy == "backoff" else {}
        return RetryDefaults(
            strategy=strategy,
            initial_interval=int(backoff.get("initialInterval", 500)),
            max_interval=int(backoff.get("maxInterval", 60000)),
            exponent=float(backoff.get("exponent", 1.5)),
            max_elapsed_time=int(backoff.get("maxElapsedTime", 3600000)),
            status_codes=tuple(str(code).upper() for code in raw.get("statusCodes", [])),
            retry_connection_errors=bool(raw.get("retryConnectionErrors", False)),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GenerationError(f"x-speakeasy-retries is malformed: {raw!r} ({exc})") from exc
