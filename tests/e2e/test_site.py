"""The built site in a real browser: navigation, search, clean pages, working anchors.

Once per session the site is built with Sphinx into a temporary folder, served by
a threaded ``http.server`` on 127.0.0.1 (port 0), and every page is opened in
Debian's headless Chromium through Playwright. Requests to anything but that
server are aborted (and reported), so the tests never reach the internet.

Screenshots for a person to look at are written to ``artifacts/screenshots/``:
``home.png``, ``backend-gunicorn.png`` and ``search-gunicorn.png``.
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
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
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


def test_search_for_gunicorn_lists_the_gunicorn_page(page: Page, base_url: str) -> None:
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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-gunicorn.png"), full_page=True)
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


@pytest.mark.parametrize(
    ("path", "name"),
    [("index.html", "home.png"), ("backends/gunicorn.html", "backend-gunicorn.png")],
)
def test_screenshots_for_review(page: Page, base_url: str, path: str, name: str) -> None:
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert (SCREENSHOTS / name).stat().st_size > 10_000
