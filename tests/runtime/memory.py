"""Peak traced memory over a block of code, for tests that bound what an operation may hold."""

from __future__ import annotations

import tracemalloc


class Peak:
    """Peak traced-memory growth (bytes) over the with-block."""

    growth = 0

    def __enter__(self) -> Peak:
        tracemalloc.start()
        self._baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc: object) -> None:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.growth = peak - self._baseline
