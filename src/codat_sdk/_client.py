"""The hand-written base clients every generated client class extends.

Generated operations hand the client a request description (a dict of httpx ``build_request``
arguments with a relative ``url``) and a parser; the client adds the server URL, credentials and
headers, sends, maps failures onto the SDK's errors, and parses.
"""

from __future__ import annotations

import functools
import platform
import weakref
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import httpx

from ._credentials import Secret, authorization
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    ErrorMessageLike,
    ResponseValidationError,
    status_error,
)
from ._operation import Operation
from ._response import AsyncBinaryResponse, BinaryResponse, RawResponse
from ._retries import NO_RETRIES, Retrier, RetryConfig, RetryEvent
from ._types import UNSET, Unset
from ._uploads import MultipartFiles
from ._version import __version__

if TYPE_CHECKING:
    import ssl

T = TypeVar("T")

Timeout = float | httpx.Timeout | None
Request = dict[str, Any]
Parser = Callable[[httpx.Response], T]

# Never wait forever: a stalled Codat response must not hang a worker.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

# Errors a parser raises when a body does not fit the model it is decoded into.
_SCHEMA_MISMATCH = (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError)


@functools.cache
def _shared_tls_context() -> ssl.SSLContext | bool:
    """One TLS context for every HTTP client the SDK creates: building one loads the CA bundle (~40 ms).

    Built as httpx builds its default (certifi, or $SSL_CERT_FILE / $SSL_CERT_DIR); httpx < 0.28 has
    no public way to, and there each client builds its own (``True``).
    """
    create: Callable[[], ssl.SSLContext] | None = getattr(httpx, "create_ssl_context", None)
    return create() if create is not None else True


def _check_server_url(url: str) -> str:
    """``url`` without a trailing slash; operation paths are appended to it, so no query or fragment."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"server_url {url!r} is not a valid URL: {exc}") from None
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.host
        or parsed.query
        or parsed.fragment
        or parsed.userinfo  # credentials in the URL would show in repr() and compete with Authorization
        or "?" in url
        or "#" in url
        or any(char.isspace() for char in url)
    ):
        raise ValueError(f"server_url must be an absolute http(s) URL without query or fragment, got {url!r}")
    return url.rstrip("/")


class BaseClient:
    """State and request building shared by the sync and async clients."""

    # Set by each generated client class.
    SERVERS: ClassVar[Sequence[str]] = ()
    SPEC_TITLE: ClassVar[str] = ""
    SPEC_VERSION: ClassVar[str] = ""
    # From the spec's x-speakeasy-retries; a client without one does not retry.
    RETRY_CONFIG: ClassVar[RetryConfig] = NO_RETRIES

    _server_url: str
    _authorization: Secret
    _timeout: Timeout
    _headers: dict[str, str]
    _retry_config: RetryConfig
    _retrier: Retrier

    def _configure(
        self,
        *,
        api_key: str | None,
        auth_header: str | None,
        server_url: str | None,
        server_idx: int | None,
        timeout: Timeout,
        default_headers: Mapping[str, str] | None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        self._authorization = authorization(api_key, auth_header)
        self._server_url = self._select_server(server_url, server_idx)
        self._timeout = timeout
        self._headers = {
            "Accept": "application/json",
            "User-Agent": self.user_agent(),
            **(default_headers or {}),
        }
        self._retry_config = self.RETRY_CONFIG if retry_config is None else retry_config
        self._retrier = Retrier(on_retry=on_retry)

    @classmethod
    def _select_server(cls, server_url: str | None, server_idx: int | None) -> str:
        if server_url is not None and server_idx is not None:
            raise ValueError("pass either server_url= or server_idx=, not both")
        if server_url is not None:
            return _check_server_url(server_url)
        index = 0 if server_idx is None else server_idx
        if not 0 <= index < len(cls.SERVERS):
            raise ValueError(f"server_idx={index} is out of range: the spec lists {len(cls.SERVERS)} server(s)")
        return _check_server_url(cls.SERVERS[index])

    @classmethod
    def user_agent(cls) -> str:
        spec = f"; {cls.SPEC_TITLE} {cls.SPEC_VERSION}" if cls.SPEC_TITLE else ""
        return f"codat-sdk-python/{__version__} (Python {platform.python_version()}{spec})"

    @property
    def server_url(self) -> str:
        return self._server_url

    @property
    def retry_config(self) -> RetryConfig:
        """How calls are retried unless a call passes its own ``retries=``."""
        return self._retry_config

    def _retries(self, retries: RetryConfig | Unset) -> RetryConfig:
        return self._retry_config if isinstance(retries, Unset) else retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(server_url={self._server_url!r})"

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        request: Request,
        files: httpx._types.RequestFiles | None,
        *,
        server_url: str | None,
        timeout: Timeout | Unset,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, str] | None,
    ) -> httpx.Request:
        base = self._server_url if server_url is None else _check_server_url(server_url)
        headers = self._headers.copy()
        headers.update(request.get("headers") or ())
        if extra_headers:
            headers.update(extra_headers)
        headers["Authorization"] = self._authorization.reveal()
        params = request.get("params")
        if extra_query:
            params = {**(params or {}), **extra_query}
        return http.build_request(
            request["method"],
            base + request["url"],
            params=params,
            json=request.get("json"),
            content=request.get("content"),
            data=request.get("data"),
            files=files,
            headers=headers,
            timeout=self._timeout if isinstance(timeout, Unset) else timeout,
        )

    def _parse_error_message(self, data: Any) -> ErrorMessageLike:
        """Codat's JSON error body as the API's ErrorMessage model; generated clients override this."""
        raise NotImplementedError

    def _check(self, operation: Operation, response: httpx.Response) -> None:
        if not 200 <= response.status_code < 300:
            raise status_error(response, self._parse_error_message)

    @staticmethod
    def _parse(operation: Operation, response: httpx.Response, parse: Parser[T]) -> T:
        try:
            return parse(response)
        except _SCHEMA_MISMATCH as exc:
            raise ResponseValidationError(
                f"{operation.id}: the {response.status_code} response does not match its schema ({exc})",
                response=response,
            ) from exc


def _connection_error(operation: Operation, exc: httpx.RequestError) -> APIConnectionError:
    # httpx's message names the failure, never the request headers (which hold the credentials).
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return kind(f"{operation.method} {operation.path}: {type(exc).__name__}: {exc}")


def _files(request: Request, stack: ExitStack) -> httpx._types.RequestFiles | None:
    upload = request.get("files")
    return upload.open(stack) if isinstance(upload, MultipartFiles) else None


class SyncAPIClient(BaseClient):
    """Base of the generated synchronous clients (``httpx.Client``)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_header: str | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        self._configure(
            api_key=api_key,
            auth_header=auth_header,
            server_url=server_url,
            server_idx=server_idx,
            timeout=timeout,
            default_headers=default_headers,
            retry_config=retry_config,
            on_retry=on_retry,
        )
        self._owns_http = client is None
        self._http = httpx.Client(timeout=timeout, verify=_shared_tls_context()) if client is None else client
        # Close a client we created even if the user never calls close().
        self._finalizer = weakref.finalize(self, self._http.close) if self._owns_http else None

    def _send(
        self, operation: Operation, request: Request, *, retries: RetryConfig | Unset = UNSET, **options: Any
    ) -> httpx.Response:
        """Send ``request``, retried per ``retries`` (default: the client's ``retry_config``)."""
        config = self._retries(retries)
        return self._retrier.run(operation, config, request, lambda: self._attempt(operation, request, **options))

    def _attempt(
        self,
        operation: Operation,
        request: Request,
        *,
        stream: bool = False,
        server_url: str | None = None,
        timeout: Timeout | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        with ExitStack() as stack:
            http_request = self._build_request(
                self._http,
                request,
                _files(request, stack),
                server_url=server_url,
                timeout=timeout,
                extra_headers=extra_headers,
                extra_query=extra_query,
            )
            try:
                response = self._http.send(http_request, stream=stream)
                if stream and not 200 <= response.status_code < 300:
                    try:
                        response.read()
                    finally:
                        response.close()
            except httpx.RequestError as exc:  # transport failures, and bodies that do not decode
                raise _connection_error(operation, exc) from exc
        self._check(operation, response)
        return response

    def _call(self, operation: Operation, request: Request, parse: Parser[T], **options: Any) -> T:
        return self._parse(operation, self._send(operation, request, **options), parse)

    def _call_raw(self, operation: Operation, request: Request, parse: Parser[T], **options: Any) -> RawResponse[T]:
        response = self._send(operation, request, **options)
        return RawResponse(response.status_code, response.headers, self._parse(operation, response, parse), response)

    def _download(self, operation: Operation, request: Request, **options: Any) -> BinaryResponse:
        return BinaryResponse(self._send(operation, request, stream=True, **options))

    def close(self) -> None:
        """Close the HTTP client if this SDK client created it; a user's own client is left open."""
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """Base of the generated asynchronous clients (``httpx.AsyncClient``, no threads)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_header: str | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        client: httpx.AsyncClient | None = None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        self._configure(
            api_key=api_key,
            auth_header=auth_header,
            server_url=server_url,
            server_idx=server_idx,
            timeout=timeout,
            default_headers=default_headers,
            retry_config=retry_config,
            on_retry=on_retry,
        )
        self._owns_http = client is None
        self._http = httpx.AsyncClient(timeout=timeout, verify=_shared_tls_context()) if client is None else client

    async def _send(
        self, operation: Operation, request: Request, *, retries: RetryConfig | Unset = UNSET, **options: Any
    ) -> httpx.Response:
        """Send ``request``, retried per ``retries`` (default: the client's ``retry_config``)."""
        config = self._retries(retries)
        return await self._retrier.arun(
            operation, config, request, lambda: self._attempt(operation, request, **options)
        )

    async def _attempt(
        self,
        operation: Operation,
        request: Request,
        *,
        stream: bool = False,
        server_url: str | None = None,
        timeout: Timeout | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        with ExitStack() as stack:
            http_request = self._build_request(
                self._http,
                request,
                _files(request, stack),
                server_url=server_url,
                timeout=timeout,
                extra_headers=extra_headers,
                extra_query=extra_query,
            )
            try:
                response = await self._http.send(http_request, stream=stream)
                if stream and not 200 <= response.status_code < 300:
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
            except httpx.RequestError as exc:  # transport failures, and bodies that do not decode
                raise _connection_error(operation, exc) from exc
        self._check(operation, response)
        return response

    async def _call(self, operation: Operation, request: Request, parse: Parser[T], **options: Any) -> T:
        return self._parse(operation, await self._send(operation, request, **options), parse)

    async def _call_raw(
        self, operation: Operation, request: Request, parse: Parser[T], **options: Any
    ) -> RawResponse[T]:
        response = await self._send(operation, request, **options)
        return RawResponse(response.status_code, response.headers, self._parse(operation, response, parse), response)

    async def _download(self, operation: Operation, request: Request, **options: Any) -> AsyncBinaryResponse:
        return AsyncBinaryResponse(await self._send(operation, request, stream=True, **options))

    async def aclose(self) -> None:
        """Close the HTTP client if this SDK client created it; a user's own client is left open."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
