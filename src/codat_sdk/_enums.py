"""Open enums: a value the SDK does not know yet parses instead of failing the whole response."""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any

UNKNOWN = "UNKNOWN"


class OpenStrEnum(str, Enum):  # noqa: UP042 - StrEnum's __str__/_missing_ semantics differ
    """A string enum that accepts unknown values as pseudo-members keeping the raw value.

    ``Status("NewValue")`` gives a member named ``UNKNOWN`` whose ``.value`` is ``"NewValue"``;
    it round-trips unchanged and ``is_known`` tells it apart.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = UNKNOWN
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        return type(self).__members__.get(self._name_) is self

    def __str__(self) -> str:
        return str(self.value)


class OpenIntEnum(IntEnum):
    """The integer twin of OpenStrEnum."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = UNKNOWN
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        return type(self).__members__.get(self._name_) is self
