"""The documentation site, built with ``mkdocs build --strict`` and opened in a real browser.

Playwright drives the system's Chromium (Debian's ``chromium`` package; Playwright's own browser builds
are never downloaded). The built site is served on 127.0.0.1 from a thread. Checked: the home page, a
group page, a model page, search (a term typed, results shown, a result opened), and every internal link
of every page answers (no 404). Without the docs extra or the browser the test skips, and fails when
``$CI`` is set (CI installs both: .ci/run and the tests session).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages the visit starts from (the generated reference's own paths, as the site serves them).
GROUP_PAGE = "reference/platform/companies.html"
MODEL_PAGE = "reference/platform/models/Company.html"


def _missing(reason: str) -> None:
    """Skip here; fail in CI, where the docs extra and Chromium are installed on purpose."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the docs extra and Chromium must be installed)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)
    return found or shutil.which("chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as ``nox -s docs`` builds it (``--strict``: a broken link fails the build)."""
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        _missing("mkdocs is not installed (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr[-4000:]
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port) from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[docs]')")
    executable = chromium_path()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context()
    # Only the site itself: a page asking for anything else (fonts, a CDN) is answered with nothing.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def _title(page: Any) -> str:
    """The page's heading, without the permalink sign the toc extension adds."""
    return str(page.locator("h1").first.inner_text()).rstrip("\u00b6").strip()


def test_home_page(page: Any, base_url: str) -> None:
    response = page.goto(base_url)
    assert response.status == 200
    assert "codat-sdk" in page.title()
    page.get_by_role("link", name="Platform API").first.click()
    page.wait_for_url("**/reference/platform.html")
    assert _title(page).startswith("Platform API")


def test_group_page(page: Any, base_url: str) -> None:
    assert page.goto(base_url + GROUP_PAGE).status == 200
    assert _title(page) == "companies"
    assert page.locator("h2", has_text="list").count() >= 1
    assert page.get_by_text("codat_sdk.NotFoundError").count() >= 1
    page.locator("a[href='models/Company.html']").first.click()
    page.wait_for_url("**/" + MODEL_PAGE)


def test_model_page(page: Any, base_url: str) -> None:
    assert page.goto(base_url + MODEL_PAGE).status == 200
    assert _title(page) == "Company"
    assert page.locator("table code", has_text="created").count() >= 1


def test_search_finds_a_page_and_opens_it(page: Any, base_url: str) -> None:
    page.goto(base_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("unlink")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="visible")
    target = results.first.get_attribute("href")
    assert target
    results.first.click()
    page.wait_for_load_state()
    assert urldefrag(page.url).url == urldefrag(urljoin(base_url, target)).url
    assert page.get_by_text("unlink", exact=False).count() >= 1


class _Links(HTMLParser):
    """Every ``href`` and ``src`` of a page: links, stylesheets, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def test_no_internal_link_is_broken(page: Any, base_url: str, site: Path) -> None:
    """From the home page, every internal link and asset of every page answers 200 (fetched through the
    browser's request context; pages are parsed, not rendered, so the crawl takes seconds)."""
    host = urlparse(base_url).netloc
    seen: set[str] = set()
    queue = [base_url]
    broken: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.request.get(url)
        if response.status != 200:
            broken.append(f"{url}: {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        links = _Links()
        links.feed(response.text())
        for href in links.found:
            target = urldefrag(urljoin(url, href)).url
            if urlparse(target).netloc == host and target not in seen:
                queue.append(target)
    assert not broken
    # The crawl reached the whole site: every built page.
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}
    reached = {urlparse(url).path.lstrip("/") or "index.html" for url in seen}
    assert pages <= reached, sorted(pages - reached)[:10]


def test_the_site_opens_from_disk(site: Path) -> None:
    """README: "Open site/index.html": pages are files (no directory URLs needing a server's index)."""
    links = _Links()
    links.feed((site / "index.html").read_text(encoding="utf-8"))
    internal = [href for href in links.found if not urlparse(href).scheme and not href.startswith("#")]
    assert internal
    assert not [href for href in internal if urldefrag(href).url.endswith("/")]
