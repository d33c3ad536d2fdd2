"""Spec text in docstrings: escaped as upstream escapes it, invisible characters dropped, URLs never split."""

from __future__ import annotations

from codegen.docstrings import docwrap, safe_for_docstring

URL = "https://docs.codat.io/platform-api#/operations/get-company-access-token"


def test_a_word_longer_than_the_width_stays_whole() -> None:
    wrapped = docwrap(f"The new [Get company access token]({URL}) endpoint replaces this one.", 40)
    assert f"token]({URL})" in wrapped.splitlines()
    assert all(len(line) <= 40 for line in wrapped.splitlines() if URL not in line)


def test_hyphenated_words_are_not_broken() -> None:
    assert docwrap("company-specific connection-management tokens", 20).splitlines() == [
        "company-specific",
        "connection-management",
        "tokens",
    ]


def test_existing_lines_and_blank_lines_are_kept() -> None:
    assert docwrap("one\n\ntwo three", 5) == "one\n\ntwo\nthree"


def test_invisible_characters_are_dropped() -> None:
    assert safe_for_docstring("\ufeffUse the\u200b *Create company* endpoint") == "Use the *Create company* endpoint"
    assert docwrap("\ufeffA connection", 80) == "A connection"


def test_escaping_is_upstreams() -> None:
    assert safe_for_docstring('a \\ b """') == 'a \\\\ b \\"\\"\\"'
