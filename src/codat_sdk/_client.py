"""The hand-written base clients every generated client class extends.

Generated operations hand the client a request description (a dict of httpx ``build_request``
arguments with a relative ``url``) and a parser; the client adds the server URL, credentials and
headers, runs the hooks, sends, logs, maps failures onto the SDK's errors, and parses.

The sync and async clients share every step that does no I/O (``BaseClient``: building the request,
logging, turning a failure into an error); their ``_attempt`` methods only add the sending and the
awaiting of hooks.
"""

from __future__ import annotations

import copy
import logging
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import httpx

from ._arguments import checked_callback, checked_headers, checked_retry_config, checked_timeout
from ._bodies import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES, areceive, checked_limit, receive
from ._credentials import Secret, authorization
from ._deadline import CALL_DEADLINE, bound_pool_wait, total_seconds
from ._debug import LOGGER_NAME, log_error, log_request, log_response
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    CodatError,
    ErrorMessageLike,
    InvalidRequestError,
    ResponseValidationError,
    connection_error,
    status_error,
)
from ._headers import check_headers
from ._hooks import HookContext, Hooks
from ._operation import Operation
from ._response import AsyncBinaryResponse, BinaryResponse, RawResponse
from ._retries import NO_RETRIES, Retrier, RetryConfig, RetryEvent
from ._transport import AsyncHttpClient, AsyncTransport, HttpClient, SyncTransport, check_client
from ._types import UNSET, Unset
from ._uploads import MultipartFiles
from ._version import __version__

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

Timeout = float | httpx.Timeout | None
Request = dict[str, Any]
Parser = Callable[[httpx.Response], T]

# Never wait forever: a stalled Codat response must not hang a worker.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

# Errors a parser raises when a body does not fit the model it is decoded into.
_SCHEMA_MISMATCH = (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError)

_DEBUG = logging.DEBUG


def _check_server_url(url: str) -> str:
    """``url`` without a trailing slash; operation paths are appended to it, so no query or fragment."""
    if not isinstance(url, str):
        raise TypeError(f"server_url must be a str, got {type(url).__name__}")
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


def _merge_headers(headers: dict[str, str], extra: Mapping[str, str]) -> None:
    """``headers.update(extra)``, names compared case-insensitively (HTTP's rule), so none is sent twice."""
    for name, value in extra.items():
        lowered = name.lower()
        for existing in [key for key in headers if key.lower() == lowered]:
            del headers[existing]
        headers[name] = value


def _is_success(response: httpx.Response) -> bool:
    return 200 <= response.status_code < 300


def _passed(deadline: float) -> bool:
    # A socket timeout set to the time left can wake a hair early: a millisecond of slack.
    return time.monotonic() >= deadline - 0.001


def _deadline_at(remaining: float | None) -> float | None:
    return None if remaining is None else time.monotonic() + remaining


async def _within(deadline: float | None) -> asyncio.Timeout:
    """``asyncio.timeout_at`` for a time.monotonic() deadline (None: no limit)."""
    import asyncio  # here, not at the top: sync-only programs then never pay its import

    loop_deadline = None if deadline is None else asyncio.get_running_loop().time() + (deadline - time.monotonic())
    return asyncio.timeout_at(loop_deadline)


class BaseClient:
    """State and the I/O-free steps of a call, shared by the sync and async clients."""

    # Set by each generated client class.
    SERVERS: ClassVar[Sequence[str]] = ()
    SPEC_TITLE: ClassVar[str] = ""
    SPEC_VERSION: ClassVar[str] = ""
    # From the spec's x-speakeasy-retries; a client without one does not retry.
    RETRY_CONFIG: ClassVar[RetryConfig] = NO_RETRIES

    _server_url: str
    _authorization: Secret
    _timeout: Timeout | Unset  # UNSET: the HTTP client's own (DEFAULT_TIMEOUT for one the SDK creates)
    _headers: dict[str, str]
    _retry_config: RetryConfig
    _max_response_bytes: int
    _retrier: Retrier
    _hooks: Hooks
    _logger: logging.Logger
    _transport: SyncTransport | AsyncTransport
    # A with_options() copy: shares the HTTP client of the client it came from and never closes it.
    _is_copy: bool = False

    def _configure(
        self,
        *,
        api_key: str | None,
        auth_header: str | None,
        server_url: str | None,
        server_idx: int | None,
        timeout: Timeout | Unset,
        default_headers: Mapping[str, str] | None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        hooks: Hooks | None = None,
        debug_logger: logging.Logger | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._authorization = authorization(api_key, auth_header)
        self._max_response_bytes = checked_limit(max_response_bytes)
        self._server_url = self._select_server(server_url, server_idx)
        self._timeout = timeout if isinstance(timeout, Unset) else checked_timeout(timeout)
        self._headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": self.user_agent(),
        }
        self._add_default_headers(checked_headers(default_headers))
        retry_config = checked_retry_config(retry_config, "retry_config=")
        self._retry_config = self.RETRY_CONFIG if retry_config is None else retry_config
        self._hooks = Hooks() if hooks is None else _checked_hooks(hooks)
        self._logger = logging.getLogger(LOGGER_NAME) if debug_logger is None else _checked_logger(debug_logger)
        self._retrier = Retrier(on_retry=checked_callback(on_retry, "on_retry="), logger=self._logger)

    def _add_default_headers(self, default_headers: Mapping[str, str] | None) -> None:
        if not default_headers:
            return
        check_headers(default_headers)
        extra = dict(default_headers)
        for name in [name for name in extra if name.lower() == "user-agent"]:
            # Keep the caller's product token and ours: "my-app/2.1 codat-sdk-python/0.1.0 (...)".
            extra[name] = f"{extra[name]} {self.user_agent()}"
        _merge_headers(self._headers, extra)
        for name in [name for name in self._headers if name.lower() == "authorization"]:
            del self._headers[name]  # the credentials always come from api_key= / auth_header=, added per request

    @classmethod
    def _select_server(cls, server_url: str | None, server_idx: int | None) -> str:
        if server_url is not None and server_idx is not None:
            raise ValueError("pass either server_url= or server_idx=, not both")
        if server_url is not None:
            return _check_server_url(server_url)
        index = 0 if server_idx is None else server_idx
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"server_idx must be an int, got {type(index).__name__}")
        if not 0 <= index < len(cls.SERVERS):
            listed = ", ".join(f"{i}: {url}" for i, url in enumerate(cls.SERVERS))
            raise ValueError(
                f"server_idx={index} is out of range: the spec lists {len(cls.SERVERS)} server(s): {listed}"
            )
        return _check_server_url(cls.SERVERS[index])

    @classmethod
    def user_agent(cls) -> str:
        """``codat-sdk-python/<version> (Python <version>; <spec title> <spec version>)``."""
        spec = f"; {cls.SPEC_TITLE} {cls.SPEC_VERSION}" if cls.SPEC_TITLE else ""
        return f"codat-sdk-python/{__version__} (Python {platform.python_version()}{spec})"

    @property
    def server_url(self) -> str:
        return self._server_url

    @property
    def timeout(self) -> Timeout:
        """The timeout of calls that do not pass their own ``timeout=``.

        Without ``timeout=`` this is the HTTP client's own (``DEFAULT_TIMEOUT`` for one the SDK creates;
        None for a ``client=`` that is not an httpx client: it is left to that client).
        """
        return self._transport.timeout if isinstance(self._timeout, Unset) else self._timeout

    def _call_deadline(self, timeout: Timeout | Unset) -> float | None:
        """The call's deadline in seconds: from its own ``timeout=``, else the client's (see ``timeout``)."""
        if isinstance(timeout, Unset):
            return total_seconds(self.timeout)
        return total_seconds(checked_timeout(timeout))

    @property
    def default_headers(self) -> Mapping[str, str]:
        """The headers sent with every call (credentials excepted), a read-only copy."""
        return dict(self._headers)

    @property
    def max_response_bytes(self) -> int:
        """The largest successful body a call reads and decodes (error bodies keep their first 256 KiB)."""
        return self._max_response_bytes

    @property
    def retry_config(self) -> RetryConfig:
        """How calls are retried unless a call passes its own ``retries=``."""
        return self._retry_config

    @property
    def hooks(self) -> Hooks:
        """The client's hooks: ``client.hooks.before_request(fn)``, ``.after_response(fn)``, ``.on_error(fn)``."""
        return self._hooks

    @property
    def debug_logger(self) -> logging.Logger:
        """Where requests, responses, retries and errors are logged at DEBUG (default: ``codat_sdk``)."""
        return self._logger

    def _call_config(self, retries: RetryConfig | Unset, options: dict[str, Any]) -> RetryConfig:
        """The call's retry config; its own ``server_url`` is checked here, once, not on every attempt."""
        server_url = options.get("server_url")
        if server_url is not None:
            options["server_url"] = _check_server_url(server_url)
        return self._retry_config if isinstance(retries, Unset) else checked_retry_config(retries, "retries=")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(server_url={self._server_url!r})"

    def with_options(
        self,
        *,
        server_url: str | None = None,
        timeout: Timeout | Unset = UNSET,
        default_headers: Mapping[str, str] | None = None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | Unset | None = UNSET,
        hooks: Hooks | None = None,
        debug_logger: logging.Logger | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy of this client with some settings replaced; this client is left unchanged.

        The copy shares the HTTP client and connection pool (closing the copy closes nothing; close the
        original) and the credentials. It starts with a copy of this client's hooks unless ``hooks=`` is
        given: hooks registered on either client afterwards apply to that client only.
        ``default_headers`` are added to this client's. Every value is checked before anything is copied.
        """
        server = None if server_url is None else _check_server_url(server_url)
        if not isinstance(timeout, Unset):
            checked_timeout(timeout)
        checked_headers(default_headers)
        checked_retry_config(retry_config, "retry_config=")
        if not isinstance(on_retry, Unset):
            checked_callback(on_retry, "on_retry=")
        new_hooks = self._hooks.copy() if hooks is None else _checked_hooks(hooks)
        new_logger = None if debug_logger is None else _checked_logger(debug_logger)
        limit = None if max_response_bytes is None else checked_limit(max_response_bytes)
        clone = copy.copy(self)
        # Resource groups (cached properties) hold the client they were made for: the copy makes its own.
        for cls in type(self).__mro__:
            for name, attribute in vars(cls).items():
                if isinstance(attribute, cached_property):
                    clone.__dict__.pop(name, None)
        clone._is_copy = True
        if server is not None:
            clone._server_url = server
        if not isinstance(timeout, Unset):
            clone._timeout = timeout
        if default_headers:
            clone._headers = dict(self._headers)
            clone._add_default_headers(default_headers)
        if retry_config is not None:
            clone._retry_config = retry_config
        if limit is not None:
            clone._max_response_bytes = limit
        clone._hooks = new_hooks
        if new_logger is not None or not isinstance(on_retry, Unset):
            clone._retrier = retrier = copy.copy(self._retrier)
            if new_logger is not None:
                clone._logger = retrier.logger = new_logger
            if not isinstance(on_retry, Unset):
                retrier.on_retry = on_retry
        return clone

    # -- the I/O-free steps of one attempt -------------------------------------------------------------

    def _build_request(
        self,
        http: HttpClient | AsyncHttpClient,
        request: Request,
        files: httpx._types.RequestFiles | None,
        *,
        server_url: str | None,
        timeout: Timeout | Unset,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, str] | None,
    ) -> httpx.Request:
        base = self._server_url if server_url is None else server_url  # checked once per call by _call_config
        headers = self._headers.copy()  # never holds Authorization (see _add_default_headers)
        operation_headers = request.get("headers")
        if operation_headers or extra_headers:
            check_headers(operation_headers)
            check_headers(checked_headers(extra_headers, "extra_headers="))
            if operation_headers:
                _merge_headers(headers, operation_headers)
            if extra_headers:
                _merge_headers(headers, extra_headers)
            _merge_headers(headers, {"Authorization": self._authorization.reveal()})
        else:
            headers["Authorization"] = self._authorization.reveal()
        params = request.get("params")
        if extra_query:
            params = {**(params or {}), **extra_query}
        if isinstance(timeout, Unset):
            timeout = self._timeout
        arguments: dict[str, Any] = {} if isinstance(timeout, Unset) else {"timeout": timeout}  # else the client's
        return http.build_request(
            request["method"],
            base + request["url"],
            params=params,
            json=request.get("json"),
            content=request.get("content"),
            data=request.get("data"),
            files=files,
            headers=headers,
            **arguments,
        )

    def _connection_failure(
        self,
        operation: Operation,
        exc: httpx.RequestError | TimeoutError,
        request: httpx.Request,
        attempt: int,
        started: float | None,
        deadline: float | None,
    ) -> APIConnectionError | InvalidRequestError:
        context = f"{operation.method} {operation.path}"
        if self._transport.closed:
            error: APIConnectionError | InvalidRequestError = ClientClosedError(
                f"{context}: the SDK client was closed (close() / aclose()) mid-call"
            )
        elif deadline is not None and isinstance(exc, httpx.TimeoutException | TimeoutError) and _passed(deadline):
            error = APITimeoutError(
                f"{context}: no complete response within the call's deadline (timeout=; {type(exc).__name__})"
            )
        else:
            assert isinstance(exc, httpx.RequestError)
            error = connection_error(context, exc)
        error.__cause__ = exc
        if started is not None:
            log_error(self._logger, operation, request, attempt, started, error)
        return error

    def _status_failure(
        self, operation: Operation, response: httpx.Response, attempt: int, started: float | None
    ) -> APIStatusError:
        error = status_error(response, self._parse_error_message)
        if started is not None:
            log_error(self._logger, operation, response.request, attempt, started, error)
        return error

    def _parse_error_message(self, data: Any) -> ErrorMessageLike:
        """Codat's JSON error body as the API's ErrorMessage model; generated clients override this."""
        raise NotImplementedError

    @staticmethod
    def _parse(operation: Operation, response: httpx.Response, parse: Parser[T]) -> T:
        try:
            return parse(response)
        except _SCHEMA_MISMATCH as exc:
            raise ResponseValidationError(
                f"{operation.id}: the {response.status_code} response does not match its schema ({exc})",
                response=response,
            ) from exc


def _checked_hooks(hooks: object) -> Hooks:
    if not isinstance(hooks, Hooks):
        raise TypeError(f"hooks= must be a codat_sdk.Hooks, got {type(hooks).__name__}")
    return hooks


def _checked_logger(logger: object) -> logging.Logger:
    if not isinstance(logger, logging.Logger):
        raise TypeError(f"debug_logger= must be a logging.Logger, got {type(logger).__name__}")
    return logger


def _files(request: Request, stack: ExitStack) -> httpx._types.RequestFiles | None:
    upload = request.get("files")
    return upload.open(stack) if isinstance(upload, MultipartFiles) else None


class SyncAPIClient(BaseClient):
    """Base of the generated synchronous clients (``httpx.Client``, or any ``HttpClient``)."""

    _transport: SyncTransport

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_header: str | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout: Timeout | Unset = UNSET,
        default_headers: Mapping[str, str] | None = None,
        client: HttpClient | None = None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        hooks: Hooks | None = None,
        debug_logger: logging.Logger | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if client is not None:
            check_client(client, is_async=False)
        self._configure(
            api_key=api_key,
            auth_header=auth_header,
            server_url=server_url,
            server_idx=server_idx,
            timeout=timeout,
            default_headers=default_headers,
            retry_config=retry_config,
            on_retry=on_retry,
            hooks=hooks,
            debug_logger=debug_logger,
            max_response_bytes=max_response_bytes,
        )
        self._transport = SyncTransport(client, DEFAULT_TIMEOUT if isinstance(timeout, Unset) else timeout)

    @property
    def _http(self) -> HttpClient:
        return self._transport.http

    def _send(
        self, operation: Operation, request: Request, *, retries: RetryConfig | Unset = UNSET, **options: Any
    ) -> httpx.Response:
        """Send ``request``, retried per ``retries`` (default: the client's ``retry_config``)."""
        config = self._call_config(retries, options)
        return self._retrier.run(
            operation,
            config,
            request,
            lambda attempt, remaining: self._attempt(operation, request, attempt, remaining, **options),
            self._call_deadline(options.get("timeout", UNSET)),
        )

    def _attempt(
        self,
        operation: Operation,
        request: Request,
        attempt: int,
        remaining: float | None,
        *,
        stream: bool = False,
        server_url: str | None = None,
        timeout: Timeout | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        # Fixed now, before the hooks run: the time they take counts against the call's deadline.
        deadline = _deadline_at(remaining)
        hooks = self._hooks
        context = HookContext(operation, attempt) if hooks.active else None
        started: float | None = None
        http = self._transport.http
        with ExitStack() as stack:
            http_request = self._build_request(
                http,
                request,
                _files(request, stack),
                server_url=server_url,
                timeout=timeout,
                extra_headers=extra_headers,
                extra_query=extra_query,
            )
            if context is not None:
                http_request = hooks.run_before_request(http_request, context)
            if self._logger.isEnabledFor(_DEBUG):
                started = log_request(self._logger, operation, http_request, attempt)
            if deadline is not None:
                bound_pool_wait(http_request, deadline)
            token = CALL_DEADLINE.set(deadline)  # SDK-created clients end each socket operation by it
            try:
                response = receive(http.send(http_request, stream=True), stream=stream, limit=self._max_response_bytes)
            except httpx.RequestError as exc:  # transport failures, and bodies that do not decode
                error: CodatError = self._connection_failure(operation, exc, http_request, attempt, started, deadline)
                if context is not None:
                    hooks.run_on_error(error, context)
                raise error from exc
            finally:
                CALL_DEADLINE.reset(token)
        if started is not None:
            log_response(self._logger, operation, response, attempt, started)
        if context is not None:
            response = hooks.run_after_response(response, context)
        if not _is_success(response):
            error = self._status_failure(operation, response, attempt, started)
            if context is not None:
                hooks.run_on_error(error, context)
            raise error
        return response

    def _call(self, operation: Operation, request: Request, parse: Parser[T], **options: Any) -> T:
        return self._parse(operation, self._send(operation, request, **options), parse)

    def _call_raw(self, operation: Operation, request: Request, parse: Parser[T], **options: Any) -> RawResponse[T]:
        response = self._send(operation, request, **options)
        return RawResponse(response.status_code, response.headers, self._parse(operation, response, parse), response)

    def _download(self, operation: Operation, request: Request, **options: Any) -> BinaryResponse:
        return BinaryResponse(self._send(operation, request, stream=True, **options))

    def close(self) -> None:
        """Close the HTTP client if this SDK client created it; a user's own client is left open.

        On a ``with_options`` copy this does nothing: the client it came from owns the connections.
        """
        if not self._is_copy:
            self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """Base of the generated asynchronous clients (``httpx.AsyncClient``, or any ``AsyncHttpClient``; no threads)."""

    _transport: AsyncTransport

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_header: str | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout: Timeout | Unset = UNSET,
        default_headers: Mapping[str, str] | None = None,
        client: AsyncHttpClient | None = None,
        retry_config: RetryConfig | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        hooks: Hooks | None = None,
        debug_logger: logging.Logger | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if client is not None:
            check_client(client, is_async=True)
        self._configure(
            api_key=api_key,
            auth_header=auth_header,
            server_url=server_url,
            server_idx=server_idx,
            timeout=timeout,
            default_headers=default_headers,
            retry_config=retry_config,
            on_retry=on_retry,
            hooks=hooks,
            debug_logger=debug_logger,
            max_response_bytes=max_response_bytes,
        )
        self._transport = AsyncTransport(client, DEFAULT_TIMEOUT if isinstance(timeout, Unset) else timeout)

    @property
    def _http(self) -> AsyncHttpClient:
        return self._transport.http

    async def _send(
        self, operation: Operation, request: Request, *, retries: RetryConfig | Unset = UNSET, **options: Any
    ) -> httpx.Response:
        """Send ``request``, retried per ``retries`` (default: the client's ``retry_config``)."""
        config = self._call_config(retries, options)
        return await self._retrier.arun(
            operation,
            config,
            request,
            lambda attempt, remaining: self._attempt(operation, request, attempt, remaining, **options),
            self._call_deadline(options.get("timeout", UNSET)),
        )

    async def _attempt(
        self,
        operation: Operation,
        request: Request,
        attempt: int,
        remaining: float | None,
        *,
        stream: bool = False,
        server_url: str | None = None,
        timeout: Timeout | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        deadline = _deadline_at(remaining)  # before the hooks run, as in the sync client
        hooks = self._hooks
        context = HookContext(operation, attempt) if hooks.active else None
        started: float | None = None
        http, in_flight = await self._transport.current()
        with ExitStack() as stack:
            http_request = self._build_request(
                http,
                request,
                _files(request, stack),
                server_url=server_url,
                timeout=timeout,
                extra_headers=extra_headers,
                extra_query=extra_query,
            )
            if context is not None:
                http_request = await hooks.arun_before_request(http_request, context)
            if self._logger.isEnabledFor(_DEBUG):
                started = log_request(self._logger, operation, http_request, attempt)
            limit = await _within(deadline)
            try:
                async with limit:
                    if in_flight is not None:
                        in_flight.add(limit)  # aclose() ends it early
                    try:
                        response = await areceive(
                            await http.send(http_request, stream=True), stream=stream, limit=self._max_response_bytes
                        )
                    finally:
                        if in_flight is not None:
                            in_flight.discard(limit)
            except (httpx.RequestError, TimeoutError) as exc:  # transport failures, undecodable bodies, the deadline
                if isinstance(exc, TimeoutError) and not limit.expired():
                    raise  # not our limit's: a custom client's own
                error: CodatError = self._connection_failure(operation, exc, http_request, attempt, started, deadline)
                if context is not None:
                    await hooks.arun_on_error(error, context)
                raise error from exc
        if started is not None:
            log_response(self._logger, operation, response, attempt, started)
        if context is not None:
            response = await hooks.arun_after_response(response, context)
        if not _is_success(response):
            error = self._status_failure(operation, response, attempt, started)
            if context is not None:
                await hooks.arun_on_error(error, context)
            raise error
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
        """Close the HTTP client if this SDK client created it; a user's own client is left open.

        On a ``with_options`` copy this does nothing: the client it came from owns the connections.
        """
        if not self._is_copy:
            await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
