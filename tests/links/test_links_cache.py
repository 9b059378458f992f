"""The result cache: successes reused within the TTL, failures always checked again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docs_audit.config import Config
from docs_audit.links.api import check_links
from docs_audit.links.cache import LinkCache
from docs_audit.links.results import Hop, UrlResult, Verdict

from .helpers import document, settings
from .simweb import Reply, SimWeb, Site, page, redirect


def test_second_run_within_ttl_sends_no_request(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200, body=page("a")))
    site.route("/moved", redirect(301, "/ok"))
    cache = tmp_path / "cache.sqlite"
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
    cache = tmp_path / "cache.sqlite"
    check_links([document(site.url("/doc"))], config, settings=settings(cache_file=cache))
    report = check_links(
        [document(site.url("/doc#b"))], config, settings=settings(cache_file=cache)
    )
    assert report.findings == []
    assert site.requests == {("HEAD", "/doc"): 1, ("GET", "/doc"): 1}


def test_expired_entries_are_checked_again(web: SimWeb, config: Config, tmp_path: Path) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    cache = tmp_path / "cache.sqlite"
    check_links([document(site.url("/ok"))], config, settings=settings(cache_file=cache))
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE results SET checked = checked - 10000")
    check_links(
        [document(site.url("/ok"))], config, settings=settings(cache_file=cache, cache_ttl=3600)
    )
    assert site.count("/ok") == 2


def test_reopened_store_serves_fresh_successes_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cache.sqlite"
    cache = LinkCache.load(path, ttl=60, now=1000.0)
    hop = Hop("https://a.org/old", 301, "https://a.org/")
    ok = UrlResult("https://a.org/", Verdict.OK, status=200, anchors_found=frozenset({"x"}))
    cache.put(UrlResult(**{**ok.__dict__, "hops": (hop,)}))
    cache.put(UrlResult("https://b.org/", Verdict.BROKEN, status=404))
    cache.save()
    reloaded = LinkCache.load(path, ttl=60, now=1010.0)
    assert set(reloaded.entries) == {"https://a.org/"}
    hit = reloaded.get("https://a.org/", frozenset({"x"}))
    assert hit is not None and hit.cached and hit.verdict is Verdict.OK
    assert hit.hops == (hop,)
    assert reloaded.get("https://a.org/", frozenset({"y"})) is None
    reloaded.save()
    assert LinkCache.load(path, ttl=60, now=2000.0).get("https://a.org/", frozenset()) is None


def test_no_cache_flag_ignores_and_keeps_the_file(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    cache = tmp_path / "cache.sqlite"
    check_links([document(site.url("/ok"))], config, settings=settings(cache_file=cache))
    before = cache.read_bytes()
    check_links(
        [document(site.url("/ok"))], config, settings=settings(cache_file=cache), use_cache=False
    )
    assert site.count("/ok") == 2
    assert cache.read_bytes() == before
