"""Response wrappers: the detailed (raw) form of a call, and streamed binary bodies.

A download is decompressed in bounded pieces (``_bodies``) and written to a file atomically: into a
temporary file beside the target, renamed over it only once the whole body has arrived, so an
interrupted download leaves the previous file as it was. The response is closed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import IO, Generic, Self, TypeVar

import httpx
from attrs import frozen

from ._bodies import aiter_decoded, arechunk, iter_decoded, rechunk
from ._errors import APIConnectionError, InvalidRequestError, connection_error

T = TypeVar("T")


def _body_error(response: httpx.Response, exc: httpx.RequestError) -> APIConnectionError | InvalidRequestError:
    """A failure while streaming a body, inside the SDK's hierarchy (no headers in the text)."""
    return connection_error(f"{response.request.method} {response.request.url.path}: body failed mid-stream", exc)


class _AtomicFile:
    """A new file beside ``path`` that replaces ``path`` on ``commit()``, or is removed by ``discard()``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.target = os.fspath(path)
        if os.path.isdir(self.target):
            raise IsADirectoryError(f"cannot download into {self.target!r}: it is a directory")
        directory, name = os.path.split(os.path.abspath(self.target))
        self.temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.part")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        self.file: IO[bytes] = os.fdopen(os.open(self.temporary, flags, 0o666), "wb")

    def commit(self) -> None:
        self.file.close()
        os.replace(self.temporary, self.target)

    def discard(self) -> None:
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temporary)


@frozen
class RawResponse(Generic[T]):
    """A call's status, headers and parsed body, plus the httpx response it came from."""

    status_code: int
    headers: httpx.Headers
    parsed: T
    http_response: httpx.Response


class BinaryResponse:
    """A streamed binary body; read it once, then it is closed. Use as a context manager."""

    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks as they arrive, or of ``chunk_size`` bytes (re-chunking copies every byte)."""
        try:
            yield from rechunk(iter_decoded(self.http_response), chunk_size)
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            self.close()

    def write_to(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path``, replacing it only once the whole body has arrived.

        Returns the number of bytes written. On any failure ``path`` is left as it was.
        """
        try:
            target = _AtomicFile(path)
        except BaseException:
            self.close()
            raise
        written = 0
        try:
            for chunk in self.iter_bytes():
                target.file.write(chunk)
                written += len(chunk)
            target.commit()
        except BaseException:
            target.discard()
            self.close()  # now, not when the abandoned body iterator is collected
            raise
        return written

    def read(self) -> bytes:
        """The whole body in memory; prefer ``iter_bytes`` or ``write_to`` for large files."""
        try:
            return self.http_response.read()
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            self.close()

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBinaryResponse:
    """The async twin of BinaryResponse. Use as an async context manager."""

    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in chunks as they arrive, or of ``chunk_size`` bytes (re-chunking copies every byte)."""
        try:
            async for chunk in arechunk(aiter_decoded(self.http_response), chunk_size):
                yield chunk
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            await self.aclose()

    async def write_to(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path``, replacing it only once the whole body has arrived.

        Returns the number of bytes written. On any failure ``path`` is left as it was.
        """
        try:
            target = _AtomicFile(path)  # bounded local file operations, as the chunk writes below
        except BaseException:
            await self.aclose()
            raise
        written = 0
        try:
            async for chunk in self.iter_bytes():
                target.file.write(chunk)
                written += len(chunk)
            target.commit()
        except BaseException:
            target.discard()
            # Now: an async generator left mid-iteration is only closed later, by the loop's finaliser.
            await self.aclose()
            raise
        return written

    async def read(self) -> bytes:
        try:
            return await self.http_response.aread()
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
