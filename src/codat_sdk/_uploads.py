"""Multipart uploads: paths, open files, bytes or File objects, streamed in chunks by httpx.

httpx picks a random boundary per request, so file content can never forge a form part, and it reads
file objects in chunks, so a file is never held in memory whole. A stream that cannot seek (a pipe,
stdin) has no length to declare, so it is sent with chunked encoding; it cannot be rewound either, so a
call uploading one is never retried. A part's Content-Type is checked as any header value is.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from typing import IO, cast

from attrs import frozen

from ._headers import check_header
from ._types import File, RequestFiles, Upload

_DEFAULT_CONTENT_TYPE = "application/octet-stream"


def _content_type(file_name: str | None) -> str:
    # Every part carries a Content-Type line: some servers (Prism among them) reject parts without one.
    guessed = mimetypes.guess_type(file_name)[0] if file_name else None
    return guessed or _DEFAULT_CONTENT_TYPE


def _check(field: str, item: object) -> None:
    stream = item.payload if isinstance(item, File) else item
    if isinstance(stream, io.TextIOBase):
        raise TypeError(f"{field}: a text stream cannot be uploaded; open it in binary mode ('rb', sys.stdin.buffer)")
    if isinstance(item, File) and item.mime_type is not None:
        check_header("Content-Type", item.mime_type, label=f"{field}: File(mime_type=...)")
    if isinstance(item, (str, os.PathLike, bytes, File, io.IOBase)):
        return
    if hasattr(item, "read"):
        return
    raise TypeError(f"{field}: cannot upload a {type(item).__name__}; pass a path, bytes, a binary file or a File")


def _seekable(stream: object) -> bool:
    try:
        return bool(stream.seekable())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


class _Unsized:
    """A stream that cannot seek, showing httpx nothing but ``read``.

    httpx sizes a part with ``fstat`` (a pipe claims 0 bytes, so h11 then refuses the body as "too much
    data for declared Content-Length") or by seeking; with neither it sends the body chunked.
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)


def _sendable(stream: IO[bytes]) -> IO[bytes]:
    return stream if _seekable(stream) else cast("IO[bytes]", _Unsized(stream))


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
                files.append((field, (name, _sendable(item.payload), item.mime_type or _content_type(name))))
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
                files.append((field, (name, _sendable(item), _content_type(name))))
        return files
