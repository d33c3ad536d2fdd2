"""Faults for retry tests: the next N calls, or a share of calls, answer 429/5xx or drop the connection."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """What a faulty call gets instead of its answer."""

    status: int | None
    """The HTTP status sent (with Codat's ``ErrorMessage``); ``None`` for a dropped connection."""
    retry_after: float | None = None
    """Seconds sent in ``Retry-After`` (with a status)."""
    operation: str | None = None
    """The operation id it applies to (``"list-companies"``); ``None``: any operation."""
    acted: bool = False
    """The sandbox handles the request first (its state changes), then fails: a response lost on the way."""

    @property
    def dropped(self) -> bool:
        return self.status is None

    def applies_to(self, operation_id: str) -> bool:
        return self.operation is None or self.operation == operation_id


@dataclass
class _Countdown:
    fault: Fault
    left: int


@dataclass(frozen=True)
class InjectedFault:
    """A fault as it happened: which operation it hit, and the fault."""

    operation_id: str
    fault: Fault


class Faults:
    """``sandbox.faults``: schedule faults; ``injected`` lists the ones that happened, in order.

    ``next(n, ...)`` fails the next ``n`` matching calls; ``rate(share, ...)`` fails that share of matching
    calls, drawn from the sandbox's seed, so a run repeats. ``status=None`` (or ``drop=True``) drops the
    connection: in process the transport raises ``httpx.RemoteProtocolError``; a served sandbox closes the
    socket without answering.
    """

    def __init__(self, seed: int | str | bytes, is_operation: Callable[[str], bool]) -> None:
        self._random = random.Random(seed)  # noqa: S311 - reproducible test faults, not security
        self._is_operation = is_operation
        self._lock = threading.Lock()
        self._counted: list[_Countdown] = []
        self._rates: list[tuple[float, Fault]] = []
        self.injected: list[InjectedFault] = []

    def _fault(
        self, status: int | None, retry_after: float | None, operation: str | None, drop: bool, acted: bool
    ) -> Fault:
        if drop:
            status = None
        if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
            raise ValueError(f"status must be an HTTP error status (400-599) or None to drop, not {status!r}")
        if retry_after is not None and (status is None or retry_after < 0):
            raise ValueError("retry_after needs a status, and must be a number of seconds >= 0")
        if operation is not None and not self._is_operation(operation):
            raise ValueError(f"{operation!r} is not an operation id of the Platform or Files API")
        return Fault(status, retry_after, operation, acted)

    def next(
        self,
        n: int = 1,
        *,
        status: int | None = 429,
        retry_after: float | None = None,
        operation: str | None = None,
        drop: bool = False,
        acted: bool = False,
    ) -> Fault:
        """Fail the next ``n`` calls (of ``operation``, or any); returns the fault."""
        if not (isinstance(n, int) and n >= 1):
            raise ValueError(f"n must be a whole number >= 1, not {n!r}")
        fault = self._fault(status, retry_after, operation, drop, acted)
        with self._lock:
            self._counted.append(_Countdown(fault, n))
        return fault

    def rate(
        self,
        share: float,
        *,
        status: int | None = 503,
        retry_after: float | None = None,
        operation: str | None = None,
        drop: bool = False,
        acted: bool = False,
    ) -> Fault:
        """Fail ``share`` (0 to 1) of the calls (of ``operation``, or any), chosen by the seeded generator."""
        if not 0 <= share <= 1:
            raise ValueError(f"share must be between 0 and 1, not {share!r}")
        fault = self._fault(status, retry_after, operation, drop, acted)
        with self._lock:
            self._rates.append((share, fault))
        return fault

    def clear(self) -> None:
        """Cancel every scheduled fault (``injected`` is kept)."""
        with self._lock:
            self._counted.clear()
            self._rates.clear()

    def pick(self, operation_id: str) -> Fault | None:
        """The fault for this call, if any (counted faults first, in the order they were scheduled)."""
        with self._lock:
            chosen: Fault | None = None
            for entry in self._counted:
                if entry.fault.applies_to(operation_id):
                    entry.left -= 1
                    chosen = entry.fault
                    break
            self._counted = [entry for entry in self._counted if entry.left > 0]
            if chosen is None:
                for share, fault in self._rates:
                    # One draw per matching rule and call, whatever the outcome: the sequence depends on the seed alone.
                    if fault.applies_to(operation_id) and self._random.random() < share and chosen is None:
                        chosen = fault
            if chosen is not None:
                self.injected.append(InjectedFault(operation_id, chosen))
            return chosen
