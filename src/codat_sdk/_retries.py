"""Retries: the one retry layer of the SDK, shared by the sync and async clients.

The decisions are pure functions (``should_retry``, ``next_wait``); ``Retrier`` runs the loop around one
send callable and owns the side effects (clock, sleep, jitter, logging, the ``on_retry`` callback), which
tests replace. The defaults come from each spec's ``x-speakeasy-retries`` and are emitted by the code
generator as the generated client's ``RETRY_CONFIG``; this module hard-codes none of them.

Method safety: GET, HEAD, PUT, DELETE, OPTIONS and TRACE are retried per the config. POST and PATCH are
retried only where the server cannot have acted on the request: a connection that failed before the
request was sent, or a 408, 429 or 503 answer. A 500/502/504 or a read timeout on them is retried only
with ``RetryConfig(..., retry_non_idempotent=True)``. Codat's ``canBeRetried: "false"`` is never retried.
Uploads are retried only when every stream can be rewound to where it started.
"""

from __future__ import annotations

import logging
import math
import os
import random as _random
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, Literal, TypeVar

import httpx
from attrs import field, frozen

from ._debug import LOGGER_NAME
from ._errors import (
    APIConnectionError,
    APIStatusError,
    ClientClosedError,
    CodatError,
    hook_raised,
    parse_retry_after,
)
from ._operation import Operation
from ._types import File
from ._uploads import MultipartFiles

T = TypeVar("T")

logger = logging.getLogger(LOGGER_NAME)

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
# Statuses that say the server did not act on the request, so even a POST may be sent again.
NOT_ACTED_STATUSES: Final = frozenset({408, 429, 503})
# Transport failures raised before any byte of the request left this process.
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Backoff waits vary by up to this fraction either way, so clients retrying together spread out.
JITTER: Final = 0.25


@frozen
class BackoffStrategy:
    """Exponential backoff, all durations in milliseconds (as in Codat's own SDKs).

    The n-th retry waits ``initial_interval * exponent ** (n - 1)`` (±25 % jitter), at most
    ``max_interval``; no retry starts once ``max_elapsed_time`` of wall time (requests and waits) is spent,
    nor past the call's deadline (its ``timeout=``). The defaults are those of Codat's own SDKs'
    ``BackoffStrategy()``: 500 ms, at most 60 s, times 1.5 each retry, within 1 h.
    """

    initial_interval: int = 500
    max_interval: int = 60_000
    exponent: float = 1.5
    max_elapsed_time: int = 3_600_000

    def __attrs_post_init__(self) -> None:
        if self.initial_interval < 0 or self.max_interval < 0 or self.max_elapsed_time < 0:
            raise ValueError("backoff intervals and max_elapsed_time must not be negative")
        if not (math.isfinite(self.exponent) and self.exponent >= 1):
            raise ValueError(f"backoff exponent must be a finite number of at least 1, got {self.exponent}")


def _status_codes(codes: Iterable[str | int]) -> tuple[str, ...]:
    normalised = tuple(str(code).strip().upper() for code in codes)
    for code in normalised:
        if not (len(code) == 3 and code[0] in "12345" and (code[1:].isdigit() or code[1:] == "XX")):
            raise ValueError(f"status code {code!r} is neither a status (429) nor a range (5XX)")
    return normalised


@frozen
class RetryConfig:
    """When and how often a call is retried; set on the client (``retry_config=``) or per call (``retries=``).

    ``RetryConfig()`` is backoff with ``BackoffStrategy()``'s defaults, as in Codat's own SDKs;
    ``RetryConfig("none")`` disables retries. ``status_codes`` holds statuses ("429") and ranges ("5XX");
    ``max_attempts`` caps the number of requests (None: only the elapsed budget limits them).
    ``retry_non_idempotent`` lets POST and PATCH be retried after the server may have acted on them.
    """

    strategy: Literal["backoff", "none"] = "backoff"
    backoff: BackoffStrategy | None = None
    retry_connection_errors: bool = True
    status_codes: tuple[str, ...] = field(default=("408", "429", "5XX"), converter=_status_codes)
    max_attempts: int | None = None
    retry_non_idempotent: bool = False

    def __attrs_post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ValueError(f"strategy must be 'backoff' or 'none', got {self.strategy!r}")
        if self.strategy == "backoff" and self.backoff is None:
            object.__setattr__(self, "backoff", BackoffStrategy())  # frozen: set once, while being built
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")

    @property
    def enabled(self) -> bool:
        return self.strategy == "backoff" and self.max_attempts != 1


NO_RETRIES: Final = RetryConfig("none")


@frozen
class RetryEvent:
    """One retry about to happen: ``attempt`` (1-based) failed with ``error``; the next starts after ``wait`` s."""

    attempt: int
    wait: float
    error: CodatError
    operation: Operation

    @property
    def status_code(self) -> int | None:
        return self.error.status_code if isinstance(self.error, APIStatusError) else None

    @property
    def reason(self) -> str:
        return describe(self.error)


def describe(error: CodatError) -> str:
    """What failed, without headers or bodies: ``503`` or ``ConnectError``."""
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    cause = error.__cause__
    return type(cause).__name__ if cause is not None else type(error).__name__


def _status_matches(status: int, patterns: Iterable[str]) -> bool:
    text = str(status)
    return any(text == pattern or (pattern.endswith("XX") and text[0] == pattern[0]) for pattern in patterns)


def should_retry(config: RetryConfig, operation: Operation, error: CodatError) -> str | None:
    """None when ``error`` may be retried under ``config``; otherwise why it may not.

    Attempt and time budgets and upload rewinding are the caller's part; this judges the failure only.
    """
    if config.strategy == "none":
        return "retries are off"
    safe = operation.method.upper() in IDEMPOTENT_METHODS or config.retry_non_idempotent
    if isinstance(error, APIStatusError):
        if not _status_matches(error.status_code, config.status_codes):
            return f"{error.status_code} is not a retried status"
        if error.can_be_retried is False:
            return "Codat marked the error canBeRetried: false"
        if not safe and error.status_code not in NOT_ACTED_STATUSES:
            return f"{operation.method} may have been acted on ({error.status_code})"
        return None
    if isinstance(error, APIConnectionError):
        if isinstance(error, ClientClosedError):
            return "the SDK client was closed"
        if not config.retry_connection_errors:
            return "connection errors are not retried"
        if not safe and not isinstance(error.__cause__, NOT_SENT_ERRORS):
            return f"{operation.method} may have been acted on ({describe(error)})"
        return None
    return f"{type(error).__name__} is not retried"


def backoff_delay(backoff: BackoffStrategy, attempt: int) -> float:
    """Seconds the backoff asks for after failed ``attempt`` (1-based), before jitter: at most ``max_interval``.

    ``exponent ** (attempt - 1)`` overflows a float after about a thousand attempts, long after it passed
    the cap, so the cap is reached by comparing logarithms first.
    """
    cap = backoff.max_interval / 1000
    initial = backoff.initial_interval / 1000
    if initial == 0 or initial >= cap:
        return min(initial, cap)
    if (attempt - 1) * math.log(backoff.exponent) >= math.log(cap / initial):
        return cap
    return initial * backoff.exponent ** (attempt - 1)


def next_wait(config: RetryConfig, attempt: int, retry_after: float | None, rand: float) -> float:
    """Seconds to wait after failed ``attempt`` (1-based): the jittered backoff, or the server's longer Retry-After.

    ``rand`` is a uniform draw in [0, 1); 0.5 gives the backoff without jitter. A ``Retry-After`` shorter
    than the backoff (``0``, or a date in the past) never shortens the wait: a server answering "retry
    now" to every request would otherwise be sent requests as fast as it can answer them.
    """
    backoff = config.backoff
    wait = 0.0
    if backoff is not None:
        cap = backoff.max_interval / 1000
        wait = min(backoff_delay(backoff, attempt) * (1 + JITTER * (2 * rand - 1)), cap)
    return wait if retry_after is None else max(retry_after, wait)


def retry_after(error: CodatError) -> float | None:
    """The wait a status error's ``Retry-After`` asks for, in seconds."""
    if not isinstance(error, APIStatusError):
        return None
    return parse_retry_after(error.headers.get("retry-after"))


class Rewind:
    """The positions of an upload's streams, to send identical bytes again; ``possible`` if every one seeks."""

    def __init__(self, request: dict[str, Any]) -> None:
        self._marks: list[tuple[Any, int]] = []
        self.possible = True
        upload = request.get("files")
        if not isinstance(upload, MultipartFiles):
            return
        for _, item in upload.parts:
            stream = item.payload if isinstance(item, File) else item
            if isinstance(stream, (str, bytes, os.PathLike)):
                continue  # bytes are resent as they are; paths are reopened by each attempt
            try:
                if not stream.seekable():
                    self.possible = False
                    return
                self._marks.append((stream, stream.tell()))
            except (AttributeError, OSError, ValueError):
                self.possible = False
                return

    def rewind(self) -> bool:
        try:
            for stream, position in self._marks:
                stream.seek(position)
        except (OSError, ValueError):
            return False
        return True


class _Attempts:
    """The retry state of one call: decides after each failure whether, and how long, to wait.

    ``deadline`` is the call's total time in seconds (from its ``timeout=``), or None: attempts are cut
    to what is left of it, and no wait is started that would end past it.
    """

    def __init__(
        self,
        retrier: Retrier,
        operation: Operation,
        config: RetryConfig,
        request: dict[str, Any],
        deadline: float | None,
    ) -> None:
        self.retrier = retrier
        self.operation = operation
        self.config = config
        self.rewind = Rewind(request)
        self.count = 0
        self.deadline = deadline
        self.started = retrier.clock()

    def remaining(self) -> float | None:
        """Seconds left before the call's deadline (None: no deadline)."""
        if self.deadline is None:
            return None
        return self.deadline - (self.retrier.clock() - self.started)

    def failed(self, error: CodatError) -> float | None:
        """Seconds to wait before the next attempt, or None to give up (``error`` then records the attempts)."""
        wait = 0.0
        reason = self._refusal(error)
        if reason is None:
            wait = next_wait(self.config, self.count, retry_after(error), self.retrier.random())
            reason = self._over_budget(wait)
        if reason is None and not self.rewind.rewind():
            reason = "an upload stream could not be rewound"
        if reason is not None:
            _record(error, self.count, reason if self.config.strategy != "none" else None)
            return None
        # INFO, not DEBUG: with the spec's defaults a call may retry for long, and it should not do so silently.
        # Only the operation, the status or exception type, and numbers: nothing that can hold a secret.
        self.retrier.logger.info(
            "%s (%s %s): attempt %d failed (%s); retrying in %.3f s",
            self.operation.id,
            self.operation.method,
            self.operation.path,
            self.count,
            describe(error),
            wait,
        )
        on_retry = self.retrier.on_retry
        if on_retry is not None:
            try:
                on_retry(RetryEvent(self.count, wait, error, self.operation))
            except Exception as exc:  # user code: reported as hooks are, never raw
                hook_error = hook_raised("on_retry", on_retry, exc, error)
                hook_error.error = error
                hook_error.attempts = self.count
                raise hook_error from exc
        return wait

    def _refusal(self, error: CodatError) -> str | None:
        if self.config.max_attempts is not None and self.count >= self.config.max_attempts:
            return f"max_attempts={self.config.max_attempts} reached"
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            return f"the call's {self.deadline:g} s deadline (timeout=) has passed"
        reason = should_retry(self.config, self.operation, error)
        if reason is None and not self.rewind.possible:
            return "an upload stream cannot be rewound"
        return reason

    def _over_budget(self, wait: float) -> str | None:
        remaining = self.remaining()
        if remaining is not None and wait >= remaining:
            return (
                f"waiting {wait:.3f} s would pass the call's {self.deadline:g} s deadline "
                f"(timeout=; {max(remaining, 0):.3f} s left)"
            )
        backoff = self.config.backoff
        if backoff is None:
            return None
        remaining = backoff.max_elapsed_time / 1000 - (self.retrier.clock() - self.started)
        if wait > remaining:
            return f"waiting {wait:.3f} s would exceed the retry budget ({max(remaining, 0):.3f} s left)"
        return None


def _record(error: CodatError, attempts: int, reason: str | None) -> None:
    """Note on ``error`` how many attempts were made, and (when retrying was on) why the last was not retried."""
    error.attempts = attempts
    if reason is not None and error.args and isinstance(error.args[0], str):
        plural = "attempt" if attempts == 1 else "attempts"
        error.args = (f"{error.args[0]} [{attempts} {plural}; {reason}]", *error.args[1:])


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # here, not at the top: sync-only programs then never pay its import (~15 ms)

    await asyncio.sleep(seconds)


class Retrier:
    """Runs a call's attempts; ``clock``, ``sleep``, ``async_sleep`` and ``random`` are replaceable for tests.

    ``send`` receives the 1-based attempt number and the seconds left before the call's ``deadline`` (None
    without one); each retry is logged at INFO on ``logger``.
    """

    def __init__(
        self,
        *,
        on_retry: Callable[[RetryEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
        random: Callable[[], float] = _random.random,
        logger: logging.Logger = logger,
    ) -> None:
        self.on_retry = on_retry
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
        self.async_sleep = async_sleep
        self.random = random

    def run(
        self,
        operation: Operation,
        config: RetryConfig,
        request: dict[str, Any],
        send: Callable[[int, float | None], T],
        deadline: float | None = None,
    ) -> T:
        attempts = _Attempts(self, operation, config, request, deadline)
        while True:  # bounded: each pass counts an attempt against max_attempts, the deadline and the budget
            attempts.count += 1
            try:
                return send(attempts.count, attempts.remaining())
            except (APIStatusError, APIConnectionError) as error:
                wait = attempts.failed(error)
                if wait is None:
                    raise
            self.sleep(wait)

    async def arun(
        self,
        operation: Operation,
        config: RetryConfig,
        request: dict[str, Any],
        send: Callable[[int, float | None], Awaitable[T]],
        deadline: float | None = None,
    ) -> T:
        attempts = _Attempts(self, operation, config, request, deadline)
        while True:  # bounded: each pass counts an attempt against max_attempts, the deadline and the budget
            attempts.count += 1
            try:
                return await send(attempts.count, attempts.remaining())
            except (APIStatusError, APIConnectionError) as error:
                wait = attempts.failed(error)
                if wait is None:
                    raise
            await self.async_sleep(wait)
