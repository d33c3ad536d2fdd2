"""multipart/form-data bodies as httpx (and so the SDK) sends them come back part for part, bytes intact."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codat_sdk.testing._spec._multipart import MultipartError, parse_multipart

NAMES = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=8)


def _encoded(files: list[tuple[str, tuple[str, bytes, str]]], data: dict[str, str]) -> tuple[str, bytes]:
    request = httpx.Request("POST", "https://x", files=files, data=data)
    return request.headers["Content-Type"], request.read()


@settings(max_examples=80, deadline=None)
@given(
    # At least one file: without, httpx sends the form fields url-encoded.
    files=st.lists(st.tuples(NAMES, NAMES, st.binary(max_size=300)), min_size=1, max_size=4),
    data=st.dictionaries(NAMES, st.text(max_size=20), max_size=3),
)
def test_every_part_round_trips(files: list[tuple[str, str, bytes]], data: dict[str, str]) -> None:
    content_type, body = _encoded([(n, (f, b, "application/octet-stream")) for n, f, b in files], data)
    parts = parse_multipart(content_type, body)
    fields = [(p.name, p.data.decode()) for p in parts if p.filename is None]
    uploads = [(p.name, p.filename, p.data) for p in parts if p.filename is not None]
    assert sorted(fields) == sorted(data.items())
    assert uploads == files


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--b\r\n\r\nx\r\n--b--"),
        ("multipart/form-data; boundary=b", b"no parts here"),
        ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\nno blank line\r\n--b--',
        ),
        ("multipart/form-data; boundary=b", b"--bX"),
    ],
)
def test_a_malformed_body_is_refused(content_type: str, body: bytes) -> None:
    with pytest.raises(MultipartError):
        parse_multipart(content_type, body)


def test_quoted_boundaries_and_parameters() -> None:
    body = (
        b'--a b\r\nContent-Disposition: form-data; name="f"; filename="x\\"y.pdf"\r\n'
        b"Content-Type: Application/PDF\r\n\r\n%PDF\r\n--a b--\r\n"
    )
    [part] = parse_multipart('multipart/form-data; boundary="a b"', body)
    assert (part.name, part.filename, part.content_type, part.data) == ("f", 'x"y.pdf', "application/pdf", b"%PDF")
