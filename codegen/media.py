"""Media types: which bodies are JSON, which responses are downloads, and what upstream's parser needs.

openapi-python-client 0.29.1 reads only JSON (and ``+json``), ``text/*`` and ``application/octet-stream``
responses; any other media type (``application/pdf``, ``application/zip``, a spreadsheet) is a warning and
the response is dropped. This SDK reads JSON bodies into models and streams every other success body as
a download, so the parser is told to treat the others as bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

BINARY = "application/octet-stream"
# Request media types the templates send as forms; never a download.
FORM_MEDIA = ("multipart/form-data", "application/x-www-form-urlencoded")


def essence(media_type: str) -> str:
    """``Application/JSON; charset=utf-8`` -> ``application/json``."""
    return media_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    """``application/json``, or a structured ``+json`` type (RFC 6838 section 4.2.8), or ``*/*``-free JSON."""
    kind = essence(media_type)
    return kind == "application/json" or kind.endswith("+json")


def is_download(media_type: str) -> bool:
    """A success body the SDK streams rather than decodes: anything neither JSON nor a form."""
    return not is_json(media_type) and essence(media_type) not in FORM_MEDIA


def iter_response_media(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(status, media type, media object)`` of every response written inline, in operations and components."""
    responses: list[tuple[str, Any]] = []
    for item in (spec.get("paths") or {}).values():
        for operation in (item or {}).values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                responses.extend((str(status), r) for status, r in operation["responses"].items())
    components = spec.get("components") or {}
    responses.extend(("component", r) for r in (components.get("responses") or {}).values())
    for status, response in responses:
        if isinstance(response, dict) and isinstance(response.get("content"), dict):
            for media_type, media in response["content"].items():
                if isinstance(media, dict):
                    yield status, media_type, media


def parser_content_type_overrides(spec: dict[str, Any]) -> dict[str, str]:
    """Every download media type a response uses, mapped to ``application/octet-stream`` for the parser."""
    return {
        media_type: BINARY
        for _status, media_type, _media in iter_response_media(spec)
        if is_download(media_type) and essence(media_type) != BINARY and not essence(media_type).startswith("text/")
    }
