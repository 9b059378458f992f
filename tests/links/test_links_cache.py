"""The result cache: successes reused within the TTL, failures always checked again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docs_audit.config import Config
from docs_audit.links.api import check_links
from docs_audit.links.cache import FORMAT, LinkCache
from docs_audit.links.results import UrlResult, Verdict

from .helpers import document, settings
from .simweb import Reply, SimWeb, Site, page, redirect


def test_second_run_within_ttl_sends_no_request(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200, body=page("a")))
    site.route("/moved", redirect(301, "/ok"))
    cache = tmp_path / "links.json"
    docs = [document(site.url("/ok#a"), site.url("/moved"), site.url("/missing"))]
    first = check_links(docs, config, settings=settings(cache_file=cache))
    sent = site.count()
    second = check_links(docs, config, settings=settings(cache_file=cache))
    assert site.count() - sent == 1  # only the broken link is asked again
    assert site.requests[("HEAD", "/missing")] == 2
    assert second.summary.cached == 2
    assert sorted(f.code for f in second.findings) == sorted(f.code for f in first.findings)
    assert sorted(f.code for f in second.findings) == ["LK801", "LK806"]


def test_new_fragment_of_a_cached_url_is_fetched(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/doc", Reply(200, body=page("a", "b")))
    cache = tmp_path / "links.json"
    check_links([document(site.url("/doc"))], config, settings=settings(cache_file=cache))
    report = check_links(
        [document(site.url("/doc#b"))], config, settings=settings(cache_file=cache)
    )
    assert report.findings == []
    assert site.requests == {("HEAD", "/doc"): 1, ("GET", "/doc"): 1}


def test_expired_entries_are_checked_again(web: SimWeb, config: Config, tmp_path: Path) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    cache = tmp_path / "links.json"
    check_links([document(site.url("/ok"))], config, settings=settings(cache_file=cache))
    data = json.loads(cache.read_text())
    data["entries"][site.url("/ok")]["checked"] -= 10_000
    cache.write_text(json.dumps(data))
    check_links(
        [document(site.url("/ok"))], config, settings=settings(cache_file=cache, cache_ttl=3600)
    )
    assert site.count("/ok") == 2


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ("{not json", "link cache is unreadable (invalid JSON at line 1); starting afresh"),
        ('{"some": "other tool"}', "not a docs-audit link cache; starting afresh"),
        (
            json.dumps({"format": FORMAT, "version": 99, "entries": {}}),
            "link cache of another version; starting afresh",
        ),
        (
            b"\xff\xfe\x00".decode("latin-1"),
            "link cache is unreadable (not UTF-8); starting afresh",
        ),
    ],
)
def test_corrupt_or_foreign_cache_is_discarded_with_a_warning(
    web: SimWeb, config: Config, tmp_path: Path, content: str, warning: str
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    cache = tmp_path / "links.json"
    cache.write_bytes(content.encode("latin-1"))
    report = check_links([document(site.url("/ok"))], config, settings=settings(cache_file=cache))
    assert report.warnings == [f"{cache}: {warning}"]
    assert report.findings == []
    assert json.loads(cache.read_text())["format"] == FORMAT  # replaced by a good one


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "links.json"
    cache = LinkCache.load(path, ttl=60, now=1000.0)
    cache.put(UrlResult("https://a.org/", Verdict.OK, status=200, anchors_found=frozenset({"x"})))
    cache.put(UrlResult("https://b.org/", Verdict.BROKEN, status=404))
    cache.save()
    assert sorted(p.name for p in path.parent.iterdir()) == ["links.json"]
    reloaded = LinkCache.load(path, ttl=60, now=1010.0)
    assert set(reloaded.entries) == {"https://a.org/"}
    hit = reloaded.get("https://a.org/", frozenset({"x"}))
    assert hit is not None and hit.cached and hit.verdict is Verdict.OK
    assert reloaded.get("https://a.org/", frozenset({"y"})) is None
    assert LinkCache.load(path, ttl=60, now=2000.0).get("https://a.org/", frozenset()) is None


def test_no_cache_flag_ignores_and_keeps_the_file(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    cache = tmp_path / "links.json"
    check_links([document(site.url("/ok"))], config, settings=settings(cache_file=cache))
    before = cache.read_text()
    check_links(
        [document(site.url("/ok"))], config, settings=settings(cache_file=cache), use_cache=False
    )
    assert site.count("/ok") == 2
    assert cache.read_text() == before
