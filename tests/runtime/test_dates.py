"""codat_sdk.parse_datetime / parse_date: one public way to read every form of Codat's DateTime strings."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from codat_sdk import parse_date, parse_datetime

FORMS = [
    pytest.param("2021-11-15T06:00:00Z", datetime(2021, 11, 15, 6, tzinfo=UTC), id="UTC"),
    pytest.param(
        "2021-11-15T01:00:00-05:00", datetime(2021, 11, 15, 1, tzinfo=timezone(timedelta(hours=-5))), id="offset"
    ),
    pytest.param("2021-11-15T01:00:00", datetime(2021, 11, 15, 1), id="local"),
    pytest.param("2022-10-27T10:22:43.6464237Z", datetime(2022, 10, 27, 10, 22, 43, 646423, tzinfo=UTC), id="7 digits"),
    pytest.param("2022-01-01T12:00:00.000Z", datetime(2022, 1, 1, 12, tzinfo=UTC), id="milliseconds"),
    pytest.param("2022-10-23", datetime(2022, 10, 23), id="date only"),
    pytest.param("2022-10-23T24:00:00", datetime(2022, 10, 24), id="24:00 (dateutil)"),
    pytest.param("2022-10", datetime(2022, 10, 1), id="year and month (dateutil)"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_every_codat_datetime_form_parses(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_parse_date_is_the_date_of_any_form() -> None:
    assert parse_date("2022-10-23") == date(2022, 10, 23)
    assert parse_date("2021-11-15T01:00:00-05:00") == date(2021, 11, 15)


@pytest.mark.parametrize("text", ["yesterday", "2022-13-01", ""])
def test_a_string_that_is_no_date_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_a_non_string_raises_type_error() -> None:
    with pytest.raises(TypeError, match="expected a date-time string, got integer"):
        parse_datetime(20221023)  # type: ignore[arg-type]


def test_dateutil_is_imported_only_when_the_standard_library_cannot_read_a_form() -> None:
    for name in [name for name in sys.modules if name.startswith("dateutil")]:
        del sys.modules[name]
    parse_datetime("2022-10-27T10:22:43.6464237Z")
    assert "dateutil.parser" not in sys.modules
    parse_datetime("2022-10")
    assert "dateutil.parser" in sys.modules
