"""The redaction applied to everything the SDK logs."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from codat_sdk._redaction import REDACTED, is_secret_name, redact_body, redact_headers, redact_text, redact_url


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "proxy-authorization",
        "apiKey",
        "api_key",
        "X-API-Key",
        "token",
        "accessToken",
        "refresh_token",
        "password",
        "clientSecret",
        "client_secret",
        "webhookSecret",
        "Cookie",
        "Set-Cookie",
        "privateKey",
        "credentials",
        "authHeader",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["name", "id", "status", "Content-Type", "pageSize", "Unauthorized", "platformKey"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_headers() -> None:
    headers = httpx.Headers({"Authorization": "Basic abc", "Accept": "application/json", "X-Api-Key": "k"})
    assert redact_headers(headers.multi_items()) == {
        "authorization": REDACTED,
        "accept": "application/json",
        "x-api-key": REDACTED,
    }


def test_url() -> None:
    url = httpx.URL("https://user:pw@api.codat.io/companies?page=1&apiKey=k1&token=t2&query=name%3Dx")
    text = redact_url(url)
    assert "k1" not in text and "t2" not in text and "pw" not in text
    assert "page=1" in text
    assert "query=name%3Dx" in text


def test_json_body_at_any_depth() -> None:
    body = {"name": "a", "clientSecret": "s1", "nested": [{"password": "s2", "ok": 1}], "auth": {"token": "s3"}}
    text = redact_body(json.dumps(body).encode(), 10_000)
    assert json.loads(text) == {
        "name": "a",
        "clientSecret": REDACTED,
        "nested": [{"password": REDACTED, "ok": 1}],
        "auth": {"token": REDACTED},
    }


def test_secret_values_that_are_objects_are_redacted_whole() -> None:
    text = redact_body(json.dumps({"credentials": {"user": "u", "pass": "p"}}).encode(), 10_000)
    assert json.loads(text) == {"credentials": REDACTED}


def test_text_and_cut_json_are_redacted_by_pattern() -> None:
    assert "s1" not in redact_text("grant_type=x&client_secret=s1&scope=y")
    assert "s2" not in redact_text('{"apiKey": "s2", "name": "cut sho')
    assert "s3" not in redact_text('{"name": "n", "apiKey": "s3')  # cut inside the secret
    assert "abc" not in redact_text("Authorization: Bearer abc")
    assert redact_text("401 Unauthorized: invalid") == "401 Unauthorized: invalid"


def test_bodies_are_cut_to_the_limit() -> None:
    body = json.dumps({"items": ["x" * 100] * 100}).encode()
    text = redact_body(body, 200)
    assert len(text) <= 200 + len(f"... ({len(body)} bytes)")
    assert text.endswith(f"... ({len(body)} bytes)")


def test_a_long_non_json_body_is_cut_before_pattern_matching() -> None:
    body = ("token=" + "t" * 10_000).encode()
    text = redact_body(body, 100)
    assert "tttt" not in text
    assert text.startswith(f"token={REDACTED}")


@given(
    key=st.sampled_from(["apiKey", "clientSecret", "password", "accessToken"]),
    value=st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=8, max_size=40),
    filler=st.text(max_size=300),
    limit=st.integers(min_value=20, max_value=400),
)
def test_a_secret_value_never_survives_redaction_and_cutting(key: str, value: str, filler: str, limit: int) -> None:
    assume(value[:8] not in json.dumps(filler))
    body = json.dumps({"before": filler, key: value, "after": filler}).encode()
    assert value[:8] not in redact_body(body, limit)
    # the same text cut anywhere, as a proxy might, and so not valid JSON
    for cut in (len(body) // 3, len(body) // 2, len(body) - 3):
        assert value[:8] not in redact_body(body[:cut], limit)
