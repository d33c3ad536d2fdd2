"""Codat's spec text (Markdown with some HTML) as plain docstring text, or as Markdown safe inside a page.

Docstrings (:func:`plain`): links become ``text (url)``, HTML tags and comments go (``<br>`` is a line
break, ``<li>`` a ``- `` item), entities are decoded, emphasis markers dropped, headings and quotes become
plain lines, fenced code is indented, tables are aligned. Reference pages (:func:`markdown`) keep the
Markdown but lose what would break a page: headings (demoted to bold lines, so a description cannot
open a section of the page) and relative links (made absolute on Codat's documentation site).
"""

from __future__ import annotations

import html
import re

# Where Codat's relative links (``/using-the-api/push``) point: its documentation site.
CODAT_DOCS = "https://docs.codat.io"

# Zero-width characters (U+FEFF opens several of Codat's descriptions).
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060"))
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ANCHOR = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|ul|ol|li|div|h[1-6])\s*>|<(p|ul|ol|div)\b[^>]*>", re.IGNORECASE)
_CODE_TAG = re.compile(r"</?code\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# [text](url) and [text](url "title"); the text may hold emphasis or code.
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_RELATIVE_LINK = re.compile(r"(\]\(\s*)(/[^)\s]*)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_HEADING = re.compile(r"^(\s*(?:>\s*)?)#{1,6}\s+(.*?)\s*#*\s*$")
_QUOTE = re.compile(r"^\s*>\s?")
_BULLET = re.compile(r"^(\s*)[*+]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _absolute(url: str) -> str:
    return CODAT_DOCS + url if url.startswith("/") else url


def _link_text(match: re.Match[str]) -> str:
    text, url = match.group(1).strip(), _absolute(match.group(2))
    return url if text in ("", url) else f"{text} ({url})"


def _anchors_as_links(text: str) -> str:
    return _ANCHOR.sub(lambda m: f"[{_TAG.sub('', m[2]).strip()}]({m[1]})", text)


def _html_to_text(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _anchors_as_links(text)
    text = _BREAK.sub("\n", text)
    text = _LIST_ITEM.sub("\n- ", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = _CODE_TAG.sub("`", text)
    # Decoded once the tags are gone, so an escaped "&lt;b&gt;" stays text and table widths count characters.
    return html.unescape(_TAG.sub("", text))


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) if i < len(row) else 0 for row in rows) for i in range(max(map(len, rows)))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip() for row in rows]


def _plain_line(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(2)
    line = _QUOTE.sub("", line)
    line = _BULLET.sub(r"\1- ", line)
    line = _LINK.sub(_link_text, line)
    line = _STRONG.sub(r"\2", line)
    return _EMPHASIS.sub(r"\1", line).rstrip()


def plain(text: str) -> str:
    """``text`` (Markdown and HTML) as plain text for a docstring: no tags, no link syntax, no emphasis."""
    lines = _html_to_text(text.translate(_INVISIBLE)).splitlines()
    out: list[str] = []
    table: list[list[str]] = []
    in_code = False
    for raw in lines:
        line = _QUOTE.sub("", raw) if not in_code else raw
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + line.rstrip() if line.strip() else "")
            continue
        if line.strip().startswith("|") and line.strip().endswith("|"):
            if not _TABLE_SEPARATOR.match(line):
                table.append([_plain_line(cell) for cell in _cells(line)])
            continue
        if table:
            out.extend(_aligned(table))
            table = []
        out.append(_plain_line(raw))
    if table:
        out.extend(_aligned(table))
    return _collapse_blank_lines("\n".join(out))


def _collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def markdown(text: str) -> str:
    """``text`` as Markdown to place inside a page: headings demoted to bold lines, relative links absolute."""
    text = _anchors_as_links(_COMMENT.sub("", text.translate(_INVISIBLE)))
    text = _RELATIVE_LINK.sub(lambda m: m.group(1) + _absolute(m.group(2)), text)
    lines = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        lines.append(f"{heading.group(1)}**{heading.group(2)}**" if heading else line.rstrip())
    return _collapse_blank_lines("\n".join(lines))


def first_sentence(text: str) -> str:
    """The first paragraph's first sentence of ``text`` as plain text, on one line (for tables and ``Raises``)."""
    paragraph = plain(text).split("\n\n", 1)[0].replace("\n", " ")
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0].strip()
    return sentence if not sentence or sentence[-1] in ".!?" else sentence + "."
