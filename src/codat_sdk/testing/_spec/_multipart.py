"""``multipart/form-data`` bodies (RFC 7578) split into their parts: bytes in, bytes out, one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FilePart", "MultipartError", "parse_multipart"]

# ``name="value"`` (quoted, backslash escapes) or ``name=token`` parameters of a header.
_PARAMETER = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


class MultipartError(ValueError):
    """The body is not the multipart/form-data its content type says."""


@dataclass(frozen=True, slots=True)
class FilePart:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def _parameters(header: str) -> dict[str, str]:
    found = {}
    for match in _PARAMETER.finditer(header):
        quoted, token = match.group(2), match.group(3)
        found[match.group(1).lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token
    return found


def _part(raw: bytes) -> FilePart | None:
    head, separator, data = raw.partition(b"\r\n\r\n")
    if not separator:
        raise MultipartError("a part has no blank line after its headers")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    disposition = headers.get("content-disposition", "")
    params = _parameters(disposition)
    if not disposition.lower().startswith("form-data") or "name" not in params:
        return None  # not a form field: nothing a form reader would see
    content_type = headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
    return FilePart(params["name"], params.get("filename"), content_type, data)


def parse_multipart(content_type: str, body: bytes) -> list[FilePart]:
    """The parts of ``body``, in order; MultipartError when it is not multipart/form-data with a boundary."""
    boundary = _parameters(content_type).get("boundary")
    if not boundary:
        raise MultipartError("the content type names no boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    start = body.find(delimiter)
    if start < 0:
        raise MultipartError("the body holds no part")
    parts: list[FilePart] = []
    position = start + len(delimiter)
    while not body.startswith(b"--", position):
        if not body.startswith(b"\r\n", position):
            raise MultipartError("a boundary is not followed by a line break")
        end = body.find(b"\r\n" + delimiter, position + 2)
        if end < 0:
            raise MultipartError("the body ends inside a part")
        part = _part(body[position + 2 : end])
        if part is not None:
            parts.append(part)
        position = end + 2 + len(delimiter)
    return parts
