"""The built site in a real browser: navigation, search, clean pages, working anchors.

Once per session the site is built with Sphinx into a temporary folder, served by
a threaded ``http.server`` on 127.0.0.1 (port 0), and every page is opened in
Debian's headless Chromium through Playwright. Requests to anything but that
server are aborted (and reported), so the tests never reach the internet.

Screenshots for a person to look at (``home.png``, ``backend-gunicorn.png``,
``search-gunicorn.png``) go to a temporary folder, or to the folder named by
``DOCS_AUDIT_SCREENSHOTS`` when a person asks for them.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, sync_playwright

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TEMPLATE_SECTIONS = (
    "Overview",
    "When to Use",
    "Installation",
    "Basic Configuration",
    "ARGS Translation",
    "Configuration Reference",
    "Advanced Examples",
    "Common Issues",
    "Official Documentation",
)
CHROMIUM = os.environ.get("DOCS_E2E_CHROMIUM", "/usr/bin/chromium")
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
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
QUICKSTART = ("installation.html", ("quickstart", "quickstart-tutorial"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test output is for failures, not for access logs


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(DOCS), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"sphinx-build failed:\n{done.stderr}"
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    asked = os.environ.get("DOCS_AUDIT_SCREENSHOTS")
    if not asked:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(asked)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _loopback_only(base_url: str, blocked: list[str]) -> Any:
    origin = urlsplit(base_url).netloc

    def route(route: Route) -> None:
        url = route.request.url
        if (
            urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).netloc != origin
        ):
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    return route


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _loopback_only(base_url, []))
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@dataclass(frozen=True)
class Link:
    raw: str
    url: str
    visible: bool


@dataclass(frozen=True)
class Visit:
    """One page as the browser saw it."""

    path: str
    errors: tuple[str, ...]
    failed: tuple[str, ...]
    ids: frozenset[str]
    links: tuple[Link, ...]


_PAGE_FACTS = """() => ({
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
       .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  links: [...document.querySelectorAll('a[href]')].map(a => ({
    raw: a.getAttribute('href'), url: a.href, visible: a.checkVisibility()})),
})"""


@pytest.fixture(scope="module")
def visits(browser: Browser, base_url: str, site: Path) -> dict[str, Visit]:
    """Every HTML page of the build, opened once: what went wrong, its ids, its links."""
    paths = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith(("_static/", "_sources/"))
    )
    context = browser.new_context(viewport=VIEWPORT)
    blocked: list[str] = []
    context.route("**/*", _loopback_only(base_url, blocked))
    found: dict[str, Visit] = {}
    for path in paths:
        found[path] = _visit(context.new_page(), base_url, path, blocked)
    context.close()
    return found


def _visit(page: Page, base_url: str, path: str, blocked: list[str]) -> Visit:
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on(
        "response", lambda r: failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None
    )
    blocked.clear()
    page.goto(base_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    facts = page.evaluate(_PAGE_FACTS)
    page.close()
    links = tuple(Link(li["raw"], li["url"], bool(li["visible"])) for li in facts["links"])
    failed.extend(f"{url} (blocked: not loopback)" for url in blocked)
    return Visit(path, tuple(errors), tuple(failed), frozenset(facts["ids"]), links)


def _site_path(url: str, base_url: str) -> str | None:
    """The build-relative path a same-site URL points at (``None`` for other sites)."""
    if not url.startswith(base_url):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(base_url).path) :]
    return path + "index.html" if path == "" or path.endswith("/") else path


def test_quickstart_is_at_most_two_clicks_from_home(
    page: Page, base_url: str, visits: dict[str, Visit]
) -> None:
    route = _click_route(visits, base_url)
    assert route is not None, (
        "no chain of at most two visible links leads from the home page to the quickstart"
    )
    page.goto(base_url)
    for link in route:
        page.locator(f'a[href="{link.raw}"]').filter(visible=True).first.click()
        page.wait_for_load_state("load")
    path, anchors = QUICKSTART
    assert _site_path(urldefrag(page.url).url, base_url) == path
    fragment = urldefrag(page.url).fragment
    assert fragment in anchors, page.url
    top = page.evaluate(f"() => document.getElementById({fragment!r}).getBoundingClientRect().top")
    assert 0 <= top < VIEWPORT["height"], "the quickstart heading is not on screen after the clicks"


def _click_route(visits: dict[str, Visit], base_url: str) -> list[Link] | None:
    """The shortest chain (at most two) of visible links from the home page to the quickstart."""
    path, anchors = QUICKSTART
    queue: deque[tuple[str, list[Link]]] = deque([("index.html", [])])
    while queue:
        current, route = queue.popleft()
        if len(route) == 2 or current not in visits:
            continue
        for link in visits[current].links:
            target = _site_path(urldefrag(link.url).url, base_url)
            if not link.visible or target is None:
                continue
            if target == path and urldefrag(link.url).fragment in anchors:
                return [*route, link]
            queue.append((target, [*route, link]))
    return None


def test_search_for_gunicorn_lists_the_gunicorn_page(
    page: Page, base_url: str, screenshots: Path
) -> None:
    page.goto(base_url)
    box = page.locator('form[role="search"] input[name="q"]').filter(visible=True).first
    box.fill("gunicorn")
    box.press("Enter")
    page.wait_for_url("**/search.html?**")
    hit = page.locator('#search-results a[href*="backends/gunicorn.html"]').first
    hit.wait_for(timeout=20_000)  # the search runs in JavaScript after the page loads
    # Sphinx fills the summary line once every result is listed.
    page.wait_for_function(
        "() => document.querySelector('#search-results .search-summary')?.innerText",
        timeout=20_000,
    )
    page.screenshot(path=str(screenshots / "search-gunicorn.png"), full_page=True)
    assert "Gunicorn" in hit.inner_text()


def test_every_page_loads_without_errors_or_missing_assets(visits: dict[str, Visit]) -> None:
    assert "index.html" in visits and len(visits) > 3
    problems = {
        path: [*visit.errors, *visit.failed]
        for path, visit in visits.items()
        if visit.errors or visit.failed
    }
    assert problems == {}


def test_internal_links_land_on_existing_pages_and_anchors(
    visits: dict[str, Visit], site: Path, base_url: str
) -> None:
    broken: list[str] = []
    for visit in visits.values():
        for link in visit.links:
            bare, fragment = urldefrag(link.url)
            target = _site_path(bare, base_url)
            if target is None:
                continue
            if not (site / target).is_file():
                broken.append(f"{visit.path}: {link.raw} -> missing file {target}")
            elif fragment and target in visits and unquote(fragment) not in visits[target].ids:
                broken.append(f"{visit.path}: {link.raw} -> no element #{unquote(fragment)}")
    assert broken == []


_VISIBLE_TEXT = """() => {
  const article = document.querySelector('article[role="main"]');
  const visible = e => e.checkVisibility() && e.getBoundingClientRect().width > 0;
  return {
    title: document.querySelector('article h1')?.innerText.replace(/#$/, '').trim(),
    headings: [...article.querySelectorAll('h2')].filter(visible)
      .map(h => h.innerText.replace(/#$/, '').trim()),
    sidebar: [...document.querySelectorAll('.sidebar-tree a')].filter(visible)
      .map(a => a.innerText.trim()),
    articleWidth: article.getBoundingClientRect().width,
    bodyFont: getComputedStyle(document.body).fontFamily,
  };
}"""


def _shown(page: Page, base_url: str, path: str, screenshot: Path) -> dict[str, Any]:
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    page.screenshot(path=str(screenshot), full_page=True)
    shown: dict[str, Any] = page.evaluate(_VISIBLE_TEXT)
    # Furo's stylesheet loaded: its font stack, and the article beside a visible sidebar.
    assert "Times" not in shown["bodyFont"], shown["bodyFont"]
    assert 400 < shown["articleWidth"] < VIEWPORT["width"]
    return shown


def test_home_page_shows_its_title_and_the_navigation(
    page: Page, base_url: str, screenshots: Path
) -> None:
    shown = _shown(page, base_url, "index.html", screenshots / "home.png")
    assert shown["title"] == "django-prodserver"
    for entry in ("Installation", "Usage", "Troubleshooting"):
        assert entry in shown["sidebar"], (entry, shown["sidebar"])


def test_backend_page_shows_every_template_section(
    page: Page, base_url: str, screenshots: Path
) -> None:
    shown = _shown(page, base_url, "backends/gunicorn.html", screenshots / "backend-gunicorn.png")
    assert shown["title"] == "Gunicorn"
    assert tuple(h for h in shown["headings"] if h in TEMPLATE_SECTIONS) == TEMPLATE_SECTIONS
