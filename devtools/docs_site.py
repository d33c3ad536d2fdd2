"""MkDocs hooks (mkdocs.yml ``hooks:``): the README's sections and the generated reference, one source each.

- A guide under ``docs/`` includes a README section with a line ``--8<-- "README.md:NAME"``; the README
  marks the section with ``<!-- --8<-- [start:NAME] -->`` and ``<!-- --8<-- [end:NAME] -->`` (the markers
  of pymdownx.snippets, invisible on GitHub and on the package index). Its links are made to work on the
  site: ``generated/reference/...`` becomes the site's ``reference/...``, ``#anchor`` the guide that
  includes that README heading (else the README on the repository), other relative paths the repository's
  files.
- ``generated/reference/`` (written by codegen) is served as ``reference/`` without being copied into docs/.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
REFERENCE = ROOT / "generated" / "reference"
DOCS = ROOT / "docs"

INCLUDE = re.compile(r'^--8<-- "README\.md:([\w-]+)"\s*$', re.MULTILINE)
_MARKER = re.compile(r"^<!-- --8<-- \[(start|end):([\w-]+)\] -->\s*$")
_LINK = re.compile(r"\]\((?!https?://|mailto:)([^)\s]*)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_SECTION_HEADING = re.compile(r"^<!-- heading: ([\w-]+) -->$")


def repository_url() -> str:
    """The repository's browsable URL (pyproject's ``Repository``), for links the site does not hold."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["urls"]["Repository"]).rstrip("/")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (what the README's ``#...`` links name)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def readme_sections(text: str) -> dict[str, list[str]]:
    """The README's marked sections, by name: their lines, markers excluded.

    A section starting just under a heading (the guide gives its own title) begins with that heading's
    anchor as an HTML comment, so links to the heading find the guide.
    """
    sections: dict[str, list[str]] = {}
    open_names: list[str] = []
    last_heading = ""
    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker:
            kind, name = marker.groups()
            if kind == "start":
                open_names.append(name)
                sections[name] = [f"<!-- heading: {slug(last_heading)} -->"] if last_heading else []
                last_heading = ""
            elif name in open_names:
                open_names.remove(name)
            continue
        heading = _HEADING.match(line)
        if heading:
            last_heading = heading.group(1)
        elif line.strip():
            last_heading = ""
        for name in open_names:
            sections[name].append(line)
    return sections


def including_pages(docs: Path = DOCS) -> dict[str, str]:
    """Section name -> the guide (path under docs/) that includes it."""
    pages: dict[str, str] = {}
    for page in sorted(docs.rglob("*.md")):
        for name in INCLUDE.findall(page.read_text(encoding="utf-8")):
            pages.setdefault(name, page.relative_to(docs).as_posix())
    return pages


def anchor_pages(sections: dict[str, list[str]], pages: dict[str, str]) -> dict[str, str]:
    """README heading anchor -> where the site shows that heading: ``guide.md#anchor``, or the guide itself."""
    found: dict[str, str] = {}
    for name, lines in sections.items():
        if name not in pages:
            continue
        for line in lines:
            heading = _HEADING.match(line)
            if heading:
                found.setdefault(slug(heading.group(1)), f"{pages[name]}#{slug(heading.group(1))}")
            own = _SECTION_HEADING.match(line)
            if own:  # the heading above the section: the guide's own title, its top
                found.setdefault(own.group(1), pages[name])
    return found


def site_link(target: str, page: str, anchors: dict[str, str], repository: str) -> str:
    """A README link ``target`` as it works from ``page`` (a path under docs/) on the site."""
    up = "../" * page.count("/")
    if target.startswith("generated/reference/"):
        return up + "reference/" + target.removeprefix("generated/reference/")
    if target.startswith("#"):
        guide = anchors.get(target[1:])
        return up + guide if guide else f"{repository}/blob/main/README.md{target}"
    return f"{repository}/blob/main/{target}"


def expand(markdown: str, page: str, readme: str, docs: Path = DOCS) -> str:
    """``markdown`` of ``page`` with each README include replaced by its section, links working on the site."""
    sections = readme_sections(readme)
    anchors = anchor_pages(sections, including_pages(docs))
    repository = repository_url()

    def section(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in sections:
            raise ValueError(f"{page}: README.md has no section {name!r} (<!-- --8<-- [start:{name}] -->)")
        text = "\n".join(sections[name])
        return _LINK.sub(lambda m: f"]({site_link(m.group(1), page, anchors, repository)})", text)

    return INCLUDE.sub(section, markdown)


# --- MkDocs events ---------------------------------------------------------------------------------------


def on_files(files: Any, config: Any) -> Any:
    """Serve generated/reference/ as reference/ (the pages codegen writes, never copied by hand)."""
    from mkdocs.structure.files import File

    for path in sorted(REFERENCE.rglob("*.md")):
        uri = "reference/" + path.relative_to(REFERENCE).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return expand(markdown, str(page.file.src_uri), README.read_text(encoding="utf-8"))
