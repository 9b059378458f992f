"""The link history: several runs against loopback servers that change between runs."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from docs_audit.config import Config
from docs_audit.findings import Finding, Severity
from docs_audit.links.api import LinkReport, check_links
from docs_audit.links.history import apply_history, day
from docs_audit.links.network import Guard, ResolutionError
from docs_audit.links.report import markdown_report

from .helpers import document, settings
from .simweb import HANG, RESET, Reply, SimWeb, Site, redirect

DAY = 86400.0
#: 2026-11-03 00:00 UTC, a Tuesday: the first run of each test.
T0 = 1793664000.0


class Switch:
    """A route whose answer the test changes between runs."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply

    def __call__(self, _request: object, _site: object) -> Reply:
        return self.reply


def run(
    config: Config, urls: list[str], history: Path, when: float, **overrides: Any
) -> LinkReport:
    """One scheduled run: check ``urls``, then let the history decide (at time ``when``)."""
    chosen = settings(**overrides)
    report = check_links([document(*urls)], config, settings=replace(chosen, history_file=None))
    apply_history(report, replace(chosen, history_file=history), now=when)
    return report


def about(report: LinkReport, url: str) -> list[Finding]:
    return [f for f in report.findings if f.url == url]


def section(markdown: str, title: str) -> str:
    """The body of the ``## title (N)`` section ("" when there is none)."""
    for part in markdown.split("\n## ")[1:]:
        if part.startswith(title + " ("):
            return part
    return ""


def test_flaky_then_lasting_then_fixed(web: SimWeb, config: Config, tmp_path: Path) -> None:
    site = web.add(Site())
    flaky = Switch(Reply(200))
    site.route("/flaky", flaky)
    site.route("/ok", Reply(200))
    urls = [site.url("/flaky"), site.url("/gone"), site.url("/ok")]
    store = tmp_path / "cache" / "history.sqlite"

    first = run(config, urls, store, T0, report_after=2)
    assert about(first, urls[0]) == []
    [gone] = about(first, urls[1])
    assert (gone.code, gone.severity) == ("LK801", Severity.ERROR)
    assert "failing since" not in gone.message
    markdown = markdown_report(first)
    assert urls[1] in section(markdown, "Newly broken")
    assert section(markdown, "Still broken") == ""

    flaky.reply = Reply(503)
    second = run(config, urls, store, T0 + 7 * DAY, report_after=2)
    [warning] = about(second, urls[0])
    assert warning.severity is Severity.WARNING
    assert "503" in warning.message
    assert "an error if it still fails in 1 more run" in warning.message
    [gone] = about(second, urls[1])
    assert gone.severity is Severity.ERROR
    assert f"failing since {day(T0)}, 2 runs" in gone.message
    markdown = markdown_report(second)
    assert urls[1] in section(markdown, "Still broken")
    assert urls[0] not in section(markdown, "Newly broken")
    assert urls[0] in section(markdown, "Warnings")

    third = run(config, urls, store, T0 + 14 * DAY, report_after=2)
    [error] = about(third, urls[0])
    assert error.severity is Severity.ERROR
    assert f"failing since {day(T0 + 7 * DAY)}, 2 runs" in error.message
    assert f"failing since {day(T0)}, 3 runs" in about(third, urls[1])[0].message
    markdown = markdown_report(third)
    assert urls[0] in section(markdown, "Newly broken")
    assert urls[1] in section(markdown, "Still broken")
    assert section(markdown, "Fixed since the last run") == ""

    flaky.reply = Reply(200)
    fourth = run(config, urls, store, T0 + 21 * DAY, report_after=2)
    assert about(fourth, urls[0]) == []
    markdown = markdown_report(fourth)
    fixed = section(markdown, "Fixed since the last run")
    assert urls[0] in fixed and urls[1] not in fixed and urls[2] not in fixed
    assert day(T0 + 14 * DAY) in fixed
    assert f"failing since {day(T0)}, 4 runs" in about(fourth, urls[1])[0].message


def test_transient_failures_are_warnings_definitive_ones_errors_at_once(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    limited = web.add(Site(max_in_flight=0, retry_after="0"))
    site.route("/hang", Reply(action=HANG))
    site.route("/reset", Reply(action=RESET))
    site.route("/busy", Reply(503))
    site.route("/gone", Reply(410))
    site.route("/loop-a", redirect(301, "/loop-b"))
    site.route("/loop-b", redirect(301, "/loop-a"))

    async def resolve(host: str, port: int) -> list[str]:
        if host == "no-such-host.invalid":
            raise ResolutionError(f"DNS lookup failed for {host}: Name or service not known")
        return ["127.0.0.1"]

    transient = [site.url("/hang"), site.url("/reset"), site.url("/busy"), limited.url("/")]
    definitive = [
        site.url("/missing"),
        site.url("/gone"),
        site.url("/loop-a"),
        "http://no-such-host.invalid/page",
    ]
    chosen = settings(report_after=2, timeout=0.3, retries=1)
    report = check_links(
        [document(*transient, *definitive)],
        config,
        settings=chosen,
        guard=Guard(allow_private=True, resolve=resolve),
    )
    apply_history(report, replace(chosen, history_file=tmp_path / "h.sqlite"), now=T0)
    for url in transient:
        [finding] = about(report, url)
        assert finding.severity is Severity.WARNING, finding
        assert "may be transient" in finding.message
    codes = {}
    for url in definitive:
        [finding] = about(report, url)
        assert finding.severity is Severity.ERROR, finding
        codes[url] = finding.code
    assert codes == {
        definitive[0]: "LK801",
        definitive[1]: "LK801",
        definitive[2]: "LK804",
        definitive[3]: "LK803",
    }


def test_report_after_one_keeps_every_failure_an_error(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    site.route("/busy", Reply(503))
    report = run(config, [site.url("/busy")], tmp_path / "h.sqlite", T0, report_after=1)
    [finding] = about(report, site.url("/busy"))
    assert finding.severity is Severity.ERROR


def test_old_runs_are_pruned(web: SimWeb, config: Config, tmp_path: Path) -> None:
    site = web.add(Site())
    url = site.url("/gone")
    store = tmp_path / "h.sqlite"
    for week in range(3):
        run(config, [url], store, T0 + week * 7 * DAY, retention_days=90)
    later = T0 + 200 * DAY
    run(config, [url], store, later, retention_days=90)
    with sqlite3.connect(store) as connection:
        started = [row[0] for row in connection.execute("SELECT started FROM runs")]
        outcomes = connection.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    assert started == [later]
    assert outcomes == 1
    again = run(config, [url], store, later + DAY, retention_days=90)
    assert f"failing since {day(later)}, 2 runs" in about(again, url)[0].message


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database at all, only text" * 50,
        b"SQLite format 3\x00" + b"\xff" * 4080,
        "foreign",
    ],
    ids=["text", "damaged-header", "foreign-database"],
)
def test_a_corrupt_store_is_moved_aside_and_the_run_still_recorded(
    web: SimWeb, config: Config, tmp_path: Path, content: bytes | str
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    store = tmp_path / "cache" / "h.sqlite"
    store.parent.mkdir()
    if content == "foreign":
        with sqlite3.connect(store) as connection:
            connection.execute("CREATE TABLE notes (body TEXT)")
            connection.execute("INSERT INTO notes VALUES ('keep me')")
        connection.close()
        original = store.read_bytes()
    else:
        assert isinstance(content, bytes)
        store.write_bytes(content)
        original = content
    urls = [site.url("/ok"), site.url("/gone")]
    report = run(config, urls, store, T0)
    [warning] = report.warnings
    assert "link history unusable" in warning and "h.sqlite.corrupt-" in warning
    [aside] = list(store.parent.glob("h.sqlite.corrupt-*"))
    assert aside.read_bytes() == original
    assert [f.code for f in report.findings] == ["LK801"]
    with sqlite3.connect(store) as connection:
        rows = sorted(connection.execute("SELECT url, verdict FROM outcomes"))
    connection.close()
    assert rows == [(urls[1], "broken"), (urls[0], "ok")]
    again = run(config, urls, store, T0 + DAY)
    assert again.warnings == []
    assert "failing since" in about(again, urls[1])[0].message


def test_an_unwritable_store_is_a_warning_not_a_failure(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    report = run(config, [site.url("/gone")], blocker / "h.sqlite", T0)
    [warning] = report.warnings
    assert "link history not available" in warning
    assert [f.severity for f in report.findings] == [Severity.ERROR]


def test_no_network_records_nothing(config: Config, tmp_path: Path) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        raise ResolutionError(f"DNS lookup failed for {host}")

    chosen = settings(report_after=2)
    store = tmp_path / "h.sqlite"
    report = check_links(
        [document("http://one.test/a", "http://two.test/b")],
        config,
        settings=chosen,
        guard=Guard(allow_private=True, resolve=resolve),
    )
    assert report.network_unavailable
    apply_history(report, replace(chosen, history_file=store), now=T0)
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    connection.close()


def test_command_runs_keep_a_history(
    web: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docs_audit.cli import main

    site = web.add(Site())
    site.route("/busy", Reply(503))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(f"# Home\n\nSee {site.url('/busy')}.\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\n'
        'retries = 0\nreport-after = 2\nhistory = "state/history.sqlite"\n',
        encoding="utf-8",
    )
    args = ["--config", str(tmp_path / "pyproject.toml"), "links", "--allow-private"]
    args += ["--no-progress", "--format", "json", "--markdown-report", str(tmp_path / "r.md")]
    assert main(args) == 0  # a first 503 is only a warning
    out, err = capsys.readouterr()
    first = json.loads(out)["findings"]
    assert [(f["code"], f["severity"]) for f in first] == [("LK801", "warning")]
    assert "1 checked, 0 ok, 0 broken, 1 failing (warnings), " in err  # not broken yet
    assert (tmp_path / "state" / "history.sqlite").is_file()
    assert main(args) == 1  # the second one in a row is an error
    out, err = capsys.readouterr()
    assert "1 checked, 0 ok, 1 broken, 0 redirected" in err
    [second] = json.loads(out)["findings"]
    assert second["severity"] == "error"
    assert f"failing since {day(time.time())}, 2 runs" in second["message"]
    assert site.url("/busy") in section((tmp_path / "r.md").read_text(), "Newly broken")


@pytest.mark.parametrize(("key", "value"), [("report-after", "0"), ("retention", "-1")])
def test_history_settings_are_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    from docs_audit.cli import main

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee http://127.0.0.1:9/x.\n")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\n{key} = {value}\n',
        encoding="utf-8",
    )
    assert main(["--config", str(tmp_path / "pyproject.toml"), "links"]) == 2
    assert f"docs-audit.links.{key}" in capsys.readouterr().err


def test_damaged_pages_inside_a_real_history_are_found(
    web: SimWeb, config: Config, tmp_path: Path
) -> None:
    site = web.add(Site())
    # Long URLs: a history of several pages from a few requests.
    urls = [site.url(f"/page-{number}-" + "x" * 1000) for number in range(30)]
    store = tmp_path / "h.sqlite"
    for week in range(3):
        assert run(config, urls, store, T0 + week * 7 * DAY, per_host_concurrency=8).warnings == []
    assert store.stat().st_size >= 20 * 4096
    data = bytearray(store.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = b"\x07" * 3000
    store.write_bytes(bytes(data))
    report = run(config, urls, store, T0 + 21 * DAY, per_host_concurrency=8)
    [warning] = report.warnings
    assert "link history unusable" in warning
    assert len(list(tmp_path.glob("h.sqlite.corrupt-*"))) == 1
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 30
    connection.close()


def test_a_tls_error_is_transient(
    web: SimWeb, config: Config, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from .fixweb import make_authority, serve

    site = web.add(Site())
    site.route("/ok", Reply(200))
    # A certificate from a CA the checker does not trust: the TLS handshake fails.
    servers = serve(make_authority(tmp_path_factory.mktemp("ca")))
    tls = next(servers)
    try:
        tls.routes.add("/page")
        url = tls.url("/page", "https")
        report = run(config, [url, site.url("/ok")], tmp_path / "h.sqlite", T0, report_after=2)
    finally:
        servers.close()
    [finding] = about(report, url)
    assert (finding.code, finding.severity) == ("LK803", Severity.WARNING)
    assert "TLS error" in finding.message or "certificate" in finding.message
