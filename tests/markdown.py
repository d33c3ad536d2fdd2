"""Reading the project's Markdown as GitHub renders it: links, and the ids of headings that anchors name."""

from __future__ import annotations

import re

LINK = re.compile(r"\]\(([^)\s]+)\)")


def heading_ids(markdown: str) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.replace("`", "")).lower().replace(" ", "-") for heading in headings}
