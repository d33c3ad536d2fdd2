"""Media types: which bodies are JSON, which responses are downloads, and what upstream's parser needs.

openapi-python-client 0.29.1 reads only JSON (and ``+json``), ``text/*`` and ``application/octet-stream``
responses; any other media type (``application/pdf``, ``application/zip``, a spreadsheet) is a warning and
the response is dropped. This SDK reads JSON bodies into models and streams every other success body as
a download, so the parser is told to treat the others as bytes (``codegen.render.parser_config``).
"""

from __future__ import annotations

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
