"""Type checks of client settings, run when they are given (constructor, ``with_options``, per call).

Each setting is used only when a request is sent; without a check here, a wrong type passes
construction and then fails every call with an unrelated ``AttributeError`` or ``TypeError`` from deep
inside the SDK or httpx.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

import httpx

from ._retries import BackoffStrategy, RetryConfig

T = TypeVar("T")


def _kind(value: object) -> str:
    cls = type(value)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def checked_retry_config(value: T, name: str) -> T:
    """``value`` if it is a ``codat_sdk.RetryConfig`` (or None); a ``TypeError`` saying what to pass otherwise."""
    if value is not None and not isinstance(value, RetryConfig):
        # Codat's own SDKs have a RetryConfig of the same name and shape, but not this one's fields.
        raise TypeError(
            f"{name} must be a codat_sdk.RetryConfig, got {_kind(value)}: build one with "
            '`from codat_sdk import BackoffStrategy, RetryConfig`, e.g. RetryConfig("backoff", '
            'BackoffStrategy(500, 60_000, 1.5, 3_600_000)), or RetryConfig("none") for no retries'
        )
    backoff = getattr(value, "backoff", None)
    if backoff is not None and not isinstance(backoff, BackoffStrategy):
        raise TypeError(
            f"{name} backoff must be a codat_sdk.BackoffStrategy(initial_interval, max_interval, exponent, "
            f"max_elapsed_time), got {_kind(backoff)}"
        )
    return value


def checked_timeout(value: T) -> T:
    """``value`` if it is seconds (a non-negative number), an ``httpx.Timeout`` or None (no limit)."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"timeout= must be seconds (an int or float), an httpx.Timeout or None, got {_kind(value)}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"timeout= must be a finite number of seconds, at least 0, got {value}")
    return value


def checked_headers(value: Mapping[str, str] | None, name: str = "default_headers=") -> Mapping[str, str] | None:
    """``value`` (``default_headers=``, or the ``name`` given) if it maps header names to values, all strings."""
    if value is None:
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of header names to values, got {_kind(value)}")
    for header, text in value.items():
        if not isinstance(header, str) or not isinstance(text, str):
            # Only the types are named: a header value may be a credential.
            raise TypeError(
                f"{name} names and values must be str, got {_kind(header)}: {_kind(text)}"
                + (f" for {header!r}" if isinstance(header, str) else "")
            )
    return value


def checked_callback(value: T, name: str) -> T:
    """``value`` if it is callable (or None)."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a callable or None, got {_kind(value)}")
    return value
