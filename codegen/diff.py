"""Compare a fresh generation with ``generated/``: the check behind ``nox -s check_generated``."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

# Left behind by tools, never by the generator; ignored on both sides.
_IGNORED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


def _files(root: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(root)): path
        for path in root.rglob("*")
        if path.is_file() and not _IGNORED_PARTS.intersection(path.relative_to(root).parts)
    }


def tree_diff(expected: Path, actual: Path) -> Iterator[str]:
    """Unified diff lines turning ``actual`` into ``expected``; nothing when they are byte-identical."""
    want, have = _files(expected), _files(actual)
    for name in sorted(want.keys() | have.keys()):
        old = have[name].read_bytes() if name in have else b""
        new = want[name].read_bytes() if name in want else b""
        if old == new:
            continue
        yield from difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(keepends=True),
            new.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"generated/{name}" if name in have else "/dev/null",
            tofile=f"regenerated/{name}" if name in want else "/dev/null",
        )
