"""Multipart uploads: paths, open files, bytes or File objects, streamed in chunks by httpx.

httpx picks a random boundary per request, so file content can never forge a form part, and it reads
file objects in chunks, so a file is never held in memory whole.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from typing import IO

from attrs import frozen

from ._types import File, RequestFiles, Upload

_DEFAULT_CONTENT_TYPE = "application/octet-stream"


def _content_type(file_name: str | None) -> str:
    # Every part carries a Content-Type line: some servers (Prism among them) reject parts without one.
    guessed = mimetypes.guess_type(file_name)[0] if file_name else None
    return guessed or _DEFAULT_CONTENT_TYPE


def _check(field: str, item: object) -> None:
    if isinstance(item, (str, os.PathLike, bytes, File, io.IOBase)):
        return
    if hasattr(item, "read"):
        return
    raise TypeError(f"{field}: cannot upload a {type(item).__name__}; pass a path, bytes, a binary file or a File")


@frozen
class MultipartFiles:
    """Files for one multipart request; paths are opened only when the request is sent."""

    parts: tuple[tuple[str, Upload], ...]

    @classmethod
    def of(cls, field: str, value: Upload | Sequence[Upload]) -> MultipartFiles:
        if isinstance(value, Mapping):  # iterating would upload its keys as paths
            raise TypeError(f"{field}: pass a path, bytes, a binary file, a File, or a list of them; not a mapping")
        single = isinstance(value, (str, os.PathLike, bytes, File)) or hasattr(value, "read")
        items: Iterable[Upload] = (value,) if single else value  # type: ignore[assignment]
        parts = tuple((field, item) for item in items)
        if not parts:
            raise ValueError(f"{field}: at least one file is required")
        for name, item in parts:
            _check(name, item)
        return cls(parts)

    def open(self, stack: ExitStack) -> RequestFiles:
        """httpx ``files=`` entries; files this opens are closed by ``stack``."""
        files: RequestFiles = []
        for field, item in self.parts:
            if isinstance(item, File):
                name = item.file_name
                files.append((field, (name, item.payload, item.mime_type or _content_type(name))))
            elif isinstance(item, (str, os.PathLike)):
                path = os.fspath(item)
                handle: IO[bytes] = stack.enter_context(open(path, "rb"))  # noqa: SIM115 - closed by the stack
                name = os.path.basename(path)
                files.append((field, (name, handle, _content_type(name))))
            elif isinstance(item, bytes):
                files.append((field, (field, item, _DEFAULT_CONTENT_TYPE)))
            else:
                raw_name = getattr(item, "name", None)
                name = os.path.basename(raw_name) if isinstance(raw_name, str) else field
                files.append((field, (name, item, _content_type(name))))
        return files
