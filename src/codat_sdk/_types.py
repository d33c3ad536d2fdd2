"""Small shared types: the UNSET sentinel and what upload parameters accept."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Final, Literal

from attrs import define


class Unset:
    """Marks an argument or field that was not given (distinct from an explicit ``None``)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    # One instance only: copies and unpickled values are the module's UNSET, so ``is UNSET`` holds.
    def __copy__(self) -> Unset:
        return self

    def __deepcopy__(self, memo: object) -> Unset:
        return self

    def __reduce__(self) -> str:
        return "UNSET"  # pickled by reference to codat_sdk._types.UNSET


UNSET: Final[Unset] = Unset()

# What httpx's ``files=`` accepts; the generated multipart code and the upload helpers speak it.
FileContent = IO[bytes] | bytes | str
FileTypes = tuple[str | None, FileContent, str | None] | tuple[str | None, FileContent, str | None, Mapping[str, str]]
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """One file to upload: a binary stream (read in chunks, never whole) with an optional name and type."""

    payload: IO[bytes]
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        return self.file_name, self.payload, self.mime_type


# Anything an upload parameter takes: a path (opened when the request is sent), an open binary file,
# bytes, or a File carrying its own name and content type.
Upload = str | os.PathLike[str] | bytes | IO[bytes] | File
