"""Spec text in docstrings: escaped as upstream escapes it, invisible characters dropped, URLs never split."""

from __future__ import annotations

from codegen.docstrings import docwrap, safe_for_docstring
from codegen.spec_text import CODAT_DOCS, first_sentence, markdown, plain

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


# --- the spec's Markdown and HTML as plain text (codegen.spec_text) ---------------------------------------


def test_markdown_links_become_text_then_url() -> None:
    assert plain("See [paging](https://docs.codat.io/paging).") == "See paging (https://docs.codat.io/paging)."
    assert plain("[https://x.test/a](https://x.test/a)") == "https://x.test/a"


def test_relative_links_point_at_codats_documentation() -> None:
    assert plain("[push](/using-the-api/push)") == f"push ({CODAT_DOCS}/using-the-api/push)"
    assert markdown("[push](/using-the-api/push)") == f"[push]({CODAT_DOCS}/using-the-api/push)"


def test_html_anchors_become_text_then_url_and_no_tag_remains() -> None:
    text = 'the <a class="external" href="https://en.wikipedia.org/wiki/ISO_8601" target="_blank">ISO 8601</a> form'
    assert plain(text) == "the ISO 8601 (https://en.wikipedia.org/wiki/ISO_8601) form"


def test_breaks_paragraphs_list_items_and_code_tags() -> None:
    assert plain("one<br>two<br/>three") == "one\ntwo\nthree"
    assert plain("<ul><li>a</li><li>b</li></ul>") == "- a\n\n- b"
    assert plain("<p>first</p><p>second</p>") == "first\n\nsecond"
    assert plain("use <code>id</code>") == "use `id`"


def test_code_spans_stay_emphasis_goes() -> None:
    assert plain("Use the **Refresh** endpoint with *care* and `dataTypes`") == (
        "Use the Refresh endpoint with care and `dataTypes`"
    )
    assert plain("[*Delete webhook*](https://x.test)") == "Delete webhook (https://x.test)"


def test_headings_quotes_and_bullets_become_plain_lines() -> None:
    assert plain("### Tips and traps\n\n* one\n+ two") == "Tips and traps\n\n- one\n- two"
    assert plain("> Time zones\n> \n> Not all dates") == "Time zones\n\nNot all dates"


def test_fenced_code_is_indented_without_fences() -> None:
    assert plain("for example:\n\n```\n2020-10-08T22:40:50Z\n```\n") == "for example:\n\n    2020-10-08T22:40:50Z"


def test_tables_are_aligned_without_separator_or_pipes() -> None:
    table = "| key | yes |\n|-----|:---:|\n| bills | &#9989; |\n| a | - |"
    assert plain(table) == "key    yes\nbills  \u2705\na      -"


def test_comments_and_entities() -> None:
    assert plain("a <!-- Start table --> b &amp; c") == "a  b & c"


def test_markdown_for_pages_demotes_headings() -> None:
    assert markdown("intro\n\n### Tips and traps\n- one") == "intro\n\n**Tips and traps**\n- one"


def test_first_sentence_is_one_line_ending_with_a_stop() -> None:
    assert first_sentence("Your `query` parameter was not correctly formed\n\nMore.") == (
        "Your `query` parameter was not correctly formed."
    )
    assert first_sentence("There is a problem. Try later.") == "There is a problem."
