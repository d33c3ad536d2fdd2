"""Ids and secrets from a seeded generator: the same seed gives the same ids, run after run."""

from __future__ import annotations

import base64
import random
import threading
from uuid import UUID


class IdGenerator:
    """Version-4 UUIDs (as Codat's ids are) drawn from ``random.Random(seed)``; not for real secrets."""

    def __init__(self, seed: int | str | bytes = 0) -> None:
        self._random = random.Random(seed)  # noqa: S311 - test data, deterministic on purpose
        self._lock = threading.Lock()

    def uuid(self) -> UUID:
        with self._lock:
            return UUID(int=self._random.getrandbits(128), version=4)

    def __call__(self) -> str:
        return str(self.uuid())

    def webhook_secret(self) -> str:
        """A ``whsec_`` endpoint secret, as Codat's Portal shows one."""
        with self._lock:
            key = self._random.randbytes(24)
        return "whsec_" + base64.b64encode(key).decode("ascii")
