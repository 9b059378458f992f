"""Verdicts against real HTTP servers on loopback: one behaviour per test, exact codes."""

from __future__ import annotations

import time
from typing import Any

from docs_audit.config import Config
from docs_audit.findings import Finding, Severity
from docs_audit.links.api import LinkReport, check_links
from docs_audit.links.results import Verdict

from .helpers import document, settings
from .simweb import HANG, RESET, Reply, Request, SimWeb, Site, page, redirect


def run(config: Config, *urls: str, **overrides: Any) -> LinkReport:
    return check_links([document(*urls)], config, settings=settings(**overrides))


def codes(report: LinkReport) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in report.findings)


def only(report: LinkReport) -> Finding:
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


def test_404_and_410_are_broken_with_one_head_each(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/gone", Reply(410))
    report = run(config, site.url("/missing"), site.url("/gone"))
    assert codes(report) == [(1, "LK801"), (2, "LK801")]
    messages = sorted(f.message for f in report.findings)
    assert messages == ["broken link: 404 Not Found", "broken link: 410 Gone"]
    assert site.requests == {("HEAD", "/missing"): 1, ("HEAD", "/gone"): 1}
    assert report.findings[0].url == site.url("/missing")


def test_working_link_is_one_head_request_and_no_finding(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200, body=page()))
    report = run(config, site.url("/ok"))
    assert report.findings == []
    assert report.results[site.url("/ok")].verdict is Verdict.OK
    assert site.requests == {("HEAD", "/ok"): 1}
    assert report.summary.as_dict() == {
        "checked": 1,
        "ok": 1,
        "broken": 0,
        "redirected": 0,
        "skipped": 0,
        "cached": 0,
    }


def test_permanent_redirect_chain_names_the_new_url(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/old", redirect(301, "/newer"))
    site.route("/newer", redirect(302, "/latest"))
    site.route("/latest", Reply(200))
    site.route("/p308", redirect(308, site.url("/latest")))
    report = run(config, site.url("/old"), site.url("/p308"))
    assert codes(report) == [(1, "LK806"), (2, "LK806")]
    assert all(f.severity is Severity.WARNING for f in report.findings)
    assert report.findings[0].message == f"permanently redirected (301) to {site.url('/newer')}"
    assert report.findings[1].message == f"permanently redirected (308) to {site.url('/latest')}"
    assert report.summary.redirected == 2
    assert site.count("/latest") == 2


def test_temporary_redirect_is_fine(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/latest", redirect(302, "/en/3.0/"))
    site.route("/en/3.0/", Reply(200))
    report = run(config, site.url("/latest"))
    assert report.findings == []
    assert report.results[site.url("/latest")].final_url == site.url("/en/3.0/")


def test_allowed_redirect_is_not_reported(web: SimWeb, config: Config) -> None:
    import re

    site = web.add(Site())
    site.route("/stable", redirect(301, "/en/stable/"))
    site.route("/en/stable/", Reply(200))
    allowed = ((re.compile(r".*/stable$"), re.compile(r".*/en/stable/$")),)
    report = run(config, site.url("/stable"), allowed_redirects=allowed)
    assert report.findings == []


def test_redirect_loop_and_too_many_redirects(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/a", redirect(302, "/b"))
    site.route("/b", redirect(301, "/a"))
    for n in range(6):
        site.route(f"/chain{n}", redirect(302, f"/chain{n + 1}"))
    site.route("/chain6", Reply(200))
    report = run(config, site.url("/a"), site.url("/chain0"), max_redirects=3)
    assert codes(report) == [(1, "LK804"), (2, "LK810")]
    loop = report.findings[0].message
    assert loop == f"redirect loop: {site.url('/a')} -> {site.url('/b')} -> {site.url('/a')}"
    assert site.count("/a") == 1 and site.count("/b") == 1
    assert site.count("/chain4") == 0  # three redirects followed, then given up


def test_head_refused_with_405_falls_back_to_get(web: SimWeb, config: Config) -> None:
    site = web.add(Site())

    def no_head(request: Request, _: Site) -> Reply:
        return Reply(405) if request.method == "HEAD" else Reply(200, body=page())

    site.route("/nohead", no_head)
    report = run(config, site.url("/nohead"))
    assert report.findings == []
    assert site.requests == {("HEAD", "/nohead"): 1, ("GET", "/nohead"): 1}


def test_503_that_succeeds_on_retry(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    calls = []

    def flaky(request: Request, _: Site) -> Reply:
        calls.append(request.method)
        return Reply(503) if len(calls) == 1 else Reply(200)

    site.route("/flaky", flaky)
    report = run(config, site.url("/flaky"))
    assert report.findings == []
    assert len(calls) == 2


def test_lasting_503_is_broken_after_all_retries(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/down", Reply(503))
    report = run(config, site.url("/down"), retries=2)
    assert only(report).code == "LK801"
    assert only(report).message == "broken link: 503 Service Unavailable"
    assert site.count("/down") == 3


def test_429_retry_after_is_honoured(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    times: list[float] = []

    def limited(_: Request, __: Site) -> Reply:
        times.append(time.monotonic())
        if len(times) == 1:
            return Reply(429, (("Retry-After", "1"),))
        return Reply(200)

    site.route("/api", limited)
    report = run(config, site.url("/api"))
    assert report.findings == []
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95


def test_429_with_http_date_retry_after(web: SimWeb, config: Config) -> None:
    from email.utils import formatdate

    site = web.add(Site())
    times: list[float] = []

    def limited(_: Request, __: Site) -> Reply:
        times.append(time.monotonic())
        when = formatdate(time.time() + 2, usegmt=True)
        return Reply(429, (("Retry-After", when),)) if len(times) == 1 else Reply(200)

    site.route("/api", limited)
    assert run(config, site.url("/api")).findings == []
    assert times[1] - times[0] >= 0.9  # an HTTP date has one-second resolution


def test_429_beyond_the_cap_gives_up_without_hammering(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/api", Reply(429, (("Retry-After", "3600"),)))
    report = run(config, site.url("/api"), retry_after_cap=5.0)
    assert only(report).code == "LK807"
    assert "asked to wait 3600 s" in only(report).message
    assert site.count("/api") == 1


def test_429_after_all_retries_is_rate_limited(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/api", Reply(429, (("Retry-After", "0"),)))
    report = run(config, site.url("/api"), retries=2)
    assert only(report).code == "LK807"
    assert only(report).message == "rate-limited: 429 Too Many Requests after 3 requests"
    assert site.count("/api") == 3


def test_429_slows_the_host_down(web: SimWeb, config: Config) -> None:
    # The host takes one request at a time; we start with two in flight.
    site = web.add(Site(latency=0.05, max_in_flight=1, retry_after="0.2"))
    for n in range(12):
        site.route(f"/p{n}", Reply(200))
    urls = [site.url(f"/p{n}") for n in range(12)]
    report = run(config, *urls, per_host_concurrency=2, retries=3)
    assert report.findings == []
    # After the first 429 the limit drops to one: no second burst.
    assert 1 <= site.too_many <= 2
    assert site.count() == 12 + site.too_many


def test_server_that_never_answers_times_out_once_by_default(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/hang", Reply(action=HANG))
    report = run(config, site.url("/hang"), timeout=0.3)
    assert only(report).code == "LK802"
    assert only(report).message == "link timed out: no answer within 0.3 s"
    assert site.count("/hang") == 1  # a timeout already waited its full time


def test_timeout_retries_are_capped_by_their_own_setting(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/hang", Reply(action=HANG))
    report = run(config, site.url("/hang"), timeout=0.3, retries=3, timeout_retries=1)
    assert only(report).code == "LK802"
    assert site.count("/hang") == 2


def test_reset_connection_is_retried_then_a_connection_error(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/reset", Reply(action=RESET))
    report = run(config, site.url("/reset"), retries=2)
    assert only(report).code == "LK803"
    assert only(report).message == "cannot connect: connection reset by the server"
    assert site.count("/reset") == 3


def test_refused_connection_is_a_connection_error_without_retries(
    web: SimWeb, config: Config
) -> None:
    site = web.add(Site())
    port = site.port
    web.sites.remove(site)
    import asyncio

    asyncio.run_coroutine_threadsafe(site._stop(), web.loop).result(5)
    report = run(config, f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b")
    assert codes(report) == [(1, "LK803"), (2, "LK803")]
    assert report.findings[0].message == "cannot connect: connection refused"


def test_huge_page_is_never_read_whole(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    huge = Reply(200, body=page("intro"), chunk=b"<p>" + b"x" * 65530 + b"</p>", repeat=800)
    site.route("/huge", huge)  # 52 MB
    report = run(config, site.url("/huge"), site.url("/huge#intro"))
    assert report.findings == []
    assert site.requests == {("GET", "/huge"): 1}
    assert report.bytes_downloaded < 1_000_000
    assert site.bytes_sent < 5_000_000


def test_huge_page_without_anchor_is_a_head_only(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/huge", Reply(200, chunk=b"x" * 65536, repeat=800))
    report = run(config, site.url("/huge"))
    assert report.findings == []
    assert site.requests == {("HEAD", "/huge"): 1}
    assert report.bytes_downloaded == 0


def test_anchors_present_missing_and_deep_in_a_long_page(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/doc", Reply(200, body=page("install", "usage")))
    site.route("/long", Reply(200, body=page("deep", filler=3_000_000)))
    report = run(
        config,
        site.url("/doc#install"),
        site.url("/doc#usage"),
        site.url("/doc#nowhere"),
        site.url("/long#deep"),
    )
    assert codes(report) == [(3, "LK805")]
    assert report.findings[0].message == f"anchor '#nowhere' not found on {site.url('/doc')}"
    assert site.requests == {("GET", "/doc"): 1, ("GET", "/long"): 1}
    assert report.summary.broken == 1 and report.summary.ok == 1


def test_anchor_forms_github_prefix_name_attribute_and_skipped_kinds(
    web: SimWeb, config: Config
) -> None:
    site = web.add(Site())
    body = page("user-content-readme", extra="<a name=\"legacy\"></a><p id='quoted'>x</p>")
    site.route("/repo", Reply(200, body=body))
    site.route("/blob", Reply(200, body=page()))
    report = run(
        config,
        site.url("/repo#readme"),
        site.url("/repo#legacy"),
        site.url("/repo#quoted"),
        site.url("/blob#L10"),
        site.url("/blob#L10-L20"),
        site.url("/repo#!/route"),
    )
    assert report.findings == []
    assert site.requests[("HEAD", "/blob")] == 1  # line anchors need no body


def test_anchor_ignore_pattern_skips_javascript_anchors(web: SimWeb, config: Config) -> None:
    import re

    site = web.add(Site())
    site.route("/app", Reply(200, body=page()))
    report = run(config, site.url("/app#tab-linux"), anchor_ignore=(re.compile("^tab-"),))
    assert report.findings == []
    assert site.requests == {("HEAD", "/app"): 1}


def test_each_url_is_fetched_once_whatever_its_fragments(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/doc", Reply(200, body=page("a", "b")))
    docs = [
        document(site.url("/doc#a"), site.url("/doc"), path="docs/one.md"),
        document(site.url("/doc#b"), site.url("/doc#a"), path="docs/two.md"),
    ]
    report = check_links(docs, config, settings=settings())
    assert report.findings == []
    assert site.count("/doc") == 1
    assert len(report.occurrences) == 4


def test_per_host_and_global_limits_with_connection_reuse(web: SimWeb, config: Config) -> None:
    site = web.add(Site(latency=0.05))
    for n in range(20):
        site.route(f"/p{n}", Reply(200))
    report = run(config, *[site.url(f"/p{n}") for n in range(20)], per_host_concurrency=3)
    assert report.findings == []
    assert site.peak_in_flight == 3
    assert site.connections <= 3  # keep-alive: no new connection per request


def test_slow_host_does_not_hold_up_the_others(web: SimWeb, config: Config) -> None:
    # Order of events, not a stopwatch: every fast page is served while the slow one waits.
    served: list[str] = []

    def log(name: str) -> Any:
        def handler(_: Request, __: Site) -> Reply:
            served.append(name)
            return Reply(200)

        return handler

    slow = web.add(Site(host="127.0.0.1", latency=0.8))
    fast = web.add(Site(host="127.0.0.2", latency=0.02))
    slow.route("/s", Reply(200))
    for n in range(20):
        fast.route(f"/f{n}", log(f"f{n}"))

    def on_result(_: int, __: int, result: Any) -> None:
        if result.url == slow.url("/s"):
            served.append("slow done")

    urls = [slow.url("/s"), *[fast.url(f"/f{n}") for n in range(20)]]
    report = check_links(
        [document(*urls)], config, settings=settings(timeout=2.0), on_result=on_result
    )
    assert report.findings == []
    assert served.index("slow done") == 20


def test_slow_host_beyond_the_timeout(web: SimWeb, config: Config) -> None:
    slow = web.add(Site(latency=0.6))
    slow.route("/s", Reply(200))
    report = run(config, slow.url("/s"), timeout=0.2, retries=0)
    assert only(report).code == "LK802"


def test_accepted_status_counts_as_working(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    site.route("/members", Reply(999))
    assert run(config, site.url("/members"), accept_status=frozenset({999})).findings == []
    assert only(run(config, site.url("/members"))).code == "LK801"


def test_ignore_patterns_and_other_schemes_are_not_fetched(web: SimWeb, config: Config) -> None:
    import re

    site = web.add(Site())
    report = run(
        config,
        site.url("/private/x"),
        "mailto:someone@python.org",
        "ftp://ftp.python.org/pub",
        ignore=(re.compile(r"/private/"),),
    )
    assert report.findings == []
    assert site.count() == 0
    assert report.summary.skipped == 3


def test_anchor_ignore_urls_skip_pages_built_by_javascript(web: SimWeb, config: Config) -> None:
    import re

    site = web.add(Site())
    site.route("/spa", Reply(200, body=page()))
    report = run(config, site.url("/spa#settings"), anchor_ignore_urls=(re.compile("/spa$"),))
    assert report.findings == []
    assert site.requests == {("HEAD", "/spa"): 1}


def test_template_expressions_are_not_fetched(web: SimWeb, config: Config) -> None:
    site = web.add(Site())
    report = run(
        config,
        site.url("/{{ version }}/guide"),
        site.url("/{{version}}/api"),
        site.url("/{% if x %}a{% endif %}"),
    )
    assert report.findings == []
    assert site.count() == 0
    assert report.summary.skipped == 3
