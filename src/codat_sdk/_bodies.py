"""Reading response bodies within bounds.

Every response is received as a stream and read here: a successful body up to the client's
``max_response_bytes`` (``DEFAULT_MAX_RESPONSE_BYTES``) before it is decoded as JSON, an error body's
first ``MAX_ERROR_BODY`` bytes only, and a download not at all (its caller streams it). gzip and deflate
bodies are decompressed in steps of at most ``DECODED_CHUNK`` bytes, so a small compressed body cannot
expand in memory before a limit is checked (httpx inflates each network read whole: 64 KiB of a gzip
bomb become 64 MB). The SDK asks for those two encodings only; a body in another encoding is left to
httpx's decoders.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator
from typing import Final

import httpx

from ._errors import ResponseTooLargeError

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
MAX_ERROR_BODY: Final = 256 * 1024
DECODED_CHUNK: Final = 64 * 1024
ACCEPT_ENCODING: Final = "gzip, deflate"

_GZIP_WBITS: Final = zlib.MAX_WBITS | 16
_ZLIB_WBITS: Final = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS: Final = -zlib.MAX_WBITS


def checked_limit(value: object) -> int:
    """``max_response_bytes=`` as given, or a TypeError / ValueError saying what it takes."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_response_bytes must be an int (bytes), got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_response_bytes must be at least 1, got {value}")
    return value


class _Inflater:
    """One zlib stream (gzip, or deflate with or without its zlib header), inflated in bounded steps."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and self._wbits == _ZLIB_WBITS:
            self._started = True
            try:
                first = self._zlib.decompress(data, DECODED_CHUNK)
            except zlib.error:
                # "deflate" is sent with and without the zlib header; httpx accepts both, as here.
                self._wbits = _RAW_DEFLATE_WBITS
                self._zlib = zlib.decompressobj(_RAW_DEFLATE_WBITS)
            else:
                yield from self._drain(first)
                return
        yield from self._drain(self._zlib.decompress(data, DECODED_CHUNK))

    def _drain(self, piece: bytes) -> Iterator[bytes]:
        # A full piece may leave input (unconsumed_tail) or output pending inside zlib: keep going.
        while True:
            if piece:
                yield piece
            if self._zlib.eof or (len(piece) < DECODED_CHUNK and not self._zlib.unconsumed_tail):
                return
            piece = self._zlib.decompress(self._zlib.unconsumed_tail, DECODED_CHUNK)

    def flush(self) -> Iterator[bytes]:
        yield from self._drain(self._zlib.decompress(b"", DECODED_CHUNK))


class _Decoding:
    """The Content-Encoding chain of one body (applied in order, so undone in reverse)."""

    def __init__(self, inflaters: list[_Inflater], request: httpx.Request) -> None:
        self._inflaters = inflaters
        self._request = request

    @classmethod
    def of(cls, response: httpx.Response) -> _Decoding | None:
        """The chain for ``response``, or None when an encoding is one this module does not inflate."""
        inflaters: list[_Inflater] = []
        for header in response.headers.get_list("content-encoding", split_commas=True):
            encoding = header.strip().lower()
            if encoding in ("gzip", "x-gzip"):
                inflaters.append(_Inflater(_GZIP_WBITS))
            elif encoding == "deflate":
                inflaters.append(_Inflater(_ZLIB_WBITS))
            elif encoding not in ("identity", ""):
                return None
        return cls(inflaters[::-1], response.request)

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def flush(self) -> Iterator[bytes]:
        for index, inflater in enumerate(self._inflaters):
            for piece in self._guarded(inflater.flush()):
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._inflaters):
            if data:
                yield data
            return
        for piece in self._guarded(self._inflaters[index].feed(data)):
            yield from self._through(index + 1, piece)

    def _guarded(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        try:
            yield from pieces
        except zlib.error as exc:  # as httpx reports it: a body that does not decode
            raise httpx.DecodingError(f"the body does not decode: {exc}", request=self._request) from exc


def _already_read(response: httpx.Response) -> bytes | None:
    if not response.is_stream_consumed:  # the usual case, checked without raising ResponseNotRead
        return None
    try:
        return response.content
    except httpx.ResponseNotRead:
        return None


def _pieces(content: bytes) -> Iterator[bytes]:
    for start in range(0, len(content), DECODED_CHUNK):
        yield content[start : start + DECODED_CHUNK]


def iter_decoded(response: httpx.Response) -> Generator[bytes, None, None]:
    """The body of a streamed ``response``, decoded, as it arrives (gzip/deflate in bounded pieces)."""
    content = _already_read(response)  # a custom HttpClient may hand back a body it read itself
    if content is not None:
        yield from _pieces(content)
        return
    decoding = _Decoding.of(response)
    if decoding is None:
        yield from response.iter_bytes()
        return
    for raw in response.iter_raw():
        yield from decoding.feed(raw)
    yield from decoding.flush()


async def aiter_decoded(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    """The async twin of ``iter_decoded``."""
    content = _already_read(response)
    if content is not None:
        for piece in _pieces(content):
            yield piece
        return
    decoding = _Decoding.of(response)
    if decoding is None:
        async for piece in response.aiter_bytes():
            yield piece
        return
    async for raw in response.aiter_raw():
        for piece in decoding.feed(raw):
            yield piece
    for piece in decoding.flush():
        yield piece


class _Chunker:
    """Regroups pieces into chunks of exactly ``size`` bytes (the last may be shorter); None: as they come."""

    def __init__(self, size: int | None) -> None:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise TypeError(f"chunk_size must be an int or None, got {type(size).__name__}")
        if size is not None and size < 1:
            raise ValueError(f"chunk_size must be at least 1 (or None: as the body arrives), got {size}")
        self._size = size
        self._buffer = bytearray()

    def add(self, piece: bytes) -> Iterator[bytes]:
        if self._size is None:
            if piece:
                yield piece
            return
        self._buffer += piece
        while len(self._buffer) >= self._size:
            yield bytes(self._buffer[: self._size])
            del self._buffer[: self._size]

    def rest(self) -> Iterator[bytes]:
        if self._buffer:
            yield bytes(self._buffer)


def rechunk(pieces: Iterable[bytes], size: int | None) -> Iterator[bytes]:
    """``pieces`` in chunks of exactly ``size`` bytes (the last may be shorter), or as they come for None."""
    chunker = _Chunker(size)
    for piece in pieces:
        yield from chunker.add(piece)
    yield from chunker.rest()


async def arechunk(pieces: AsyncIterator[bytes], size: int | None) -> AsyncIterator[bytes]:
    """The async twin of ``rechunk``."""
    chunker = _Chunker(size)
    async for piece in pieces:
        for chunk in chunker.add(piece):
            yield chunk
    for chunk in chunker.rest():
        yield chunk


class _Collector:
    """Decoded pieces gathered up to a limit; the read stops at the first byte past it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, piece: bytes) -> bool:
        """Keep ``piece``; False once the body is known to be longer than the limit."""
        self.parts.append(piece)
        self.size += len(piece)
        return self.size <= self.limit

    def prefix(self, size: int) -> bytes:
        """The first ``size`` bytes gathered (joining no more parts than that takes)."""
        kept: list[bytes] = []
        total = 0
        for part in self.parts:
            if total >= size:
                break
            kept.append(part)
            total += len(part)
        self.parts.clear()
        return b"".join(kept)[:size]

    def finish(self, response: httpx.Response) -> httpx.Response:
        if response.is_success and self.size > self.limit:
            response._content = self.prefix(MAX_ERROR_BODY)  # what the error's .body and message show
            raise ResponseTooLargeError(
                f"{response.request.method} {response.request.url.path}: the {response.status_code} response body "
                f"is larger than max_response_bytes={self.limit} and was not decoded (raise the client's "
                "max_response_bytes= to accept it)",
                response=response,
                limit=self.limit,
            )
        # An error keeps its first bytes only; its message and parsed ErrorMessage come from them.
        response._content = self.prefix(self.limit)
        return response


def _limit_for(response: httpx.Response, limit: int) -> int:
    return limit if response.is_success else min(limit, MAX_ERROR_BODY)


def receive(response: httpx.Response, *, stream: bool, limit: int) -> httpx.Response:
    """``response`` (sent with ``stream=True``) read within bounds, unless it is a download to stream.

    A success is read whole up to ``limit`` bytes (ResponseTooLargeError past it); an error's first
    ``MAX_ERROR_BODY`` bytes are kept and the connection closed. A successful download is returned unread.
    """
    if stream and response.is_success:
        return response
    collector = _Collector(_limit_for(response, limit))
    pieces = iter_decoded(response)
    try:
        for piece in pieces:
            if not collector.add(piece):
                break
    finally:
        pieces.close()
        response.close()
    return collector.finish(response)


async def areceive(response: httpx.Response, *, stream: bool, limit: int) -> httpx.Response:
    """The async twin of ``receive``."""
    if stream and response.is_success:
        return response
    collector = _Collector(_limit_for(response, limit))
    pieces = aiter_decoded(response)
    try:
        async for piece in pieces:
            if not collector.add(piece):
                break
    finally:
        await pieces.aclose()
        await response.aclose()
    return collector.finish(response)
