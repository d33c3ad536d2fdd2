"""The sandbox's clock: starts where a test says and moves only when the sandbox says, so runs repeat."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
"""Where a sandbox's clock starts unless told otherwise: fixed, so two runs of a test see the same times."""

DEFAULT_TICK = timedelta(seconds=1)
"""How far the clock moves with each request: records created one after another have distinct times."""


def codat_datetime(moment: datetime) -> str:
    """``moment`` as Codat writes its times: UTC, milliseconds, ``Z`` (``2024-01-01T00:00:01.000Z``)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class Clock:
    """A settable clock: ``now()`` reads it, ``tick()`` (once per request) and ``advance()`` move it."""

    def __init__(self, start: datetime = DEFAULT_START, *, tick: timedelta = DEFAULT_TICK) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime (with a tzinfo), e.g. datetime(2024, 1, 1, tzinfo=UTC)")
        if tick < timedelta(0):
            raise ValueError(f"tick must not be negative, not {tick!r}")
        self._now = start.astimezone(UTC)
        self._tick = tick
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Clock({codat_datetime(self._now)})"

    def now(self) -> datetime:
        return self._now

    def stamp(self) -> str:
        """``now()`` as Codat writes it."""
        return codat_datetime(self._now)

    def tick(self) -> None:
        with self._lock:
            self._now += self._tick

    def advance(self, by: timedelta | float) -> None:
        """Move the clock forward by ``by`` (a ``timedelta`` or seconds)."""
        step = by if isinstance(by, timedelta) else timedelta(seconds=by)
        if step < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._now += step
