"""Response wrappers: the detailed (raw) form of a call, and streamed binary bodies."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Generic, Self, TypeVar

import httpx
from attrs import frozen

from ._errors import APIConnectionError, connection_error

T = TypeVar("T")


def _body_error(response: httpx.Response, exc: httpx.RequestError) -> APIConnectionError:
    """A failure while streaming a body, inside the SDK's hierarchy (no headers in the text)."""
    return connection_error(f"{response.request.method} {response.request.url.path}: body failed mid-stream", exc)


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
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            self.close()

    def write_to(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path``; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:
            for chunk in self.iter_bytes():
                file.write(chunk)
                written += len(chunk)
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
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.RequestError as exc:
            raise _body_error(self.http_response, exc) from exc
        finally:
            await self.aclose()

    async def write_to(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path``; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:  # noqa: ASYNC230 - bounded chunk writes to a local file
            async for chunk in self.iter_bytes():
                file.write(chunk)
                written += len(chunk)
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
