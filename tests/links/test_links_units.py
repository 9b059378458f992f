"""Small pieces: Retry-After parsing, the streaming anchor scanner, the Markdown report."""

from __future__ import annotations

from docs_audit.findings import Finding, Severity
from docs_audit.links.anchors import AnchorScanner, is_line_anchor
from docs_audit.links.api import LinkReport, Summary
from docs_audit.links.fetch import retry_after_seconds
from docs_audit.links.report import markdown_report


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after_seconds("120") == 120.0
    now = 1_700_000_000.0
    assert retry_after_seconds("Tue, 14 Nov 2023 22:13:50 GMT", now=now) == 30.0
    assert retry_after_seconds("Tue, 14 Nov 2023 22:13:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_scanner_finds_ids_split_across_chunks_and_ignores_comments() -> None:
    html = b'<html><!-- <a id="hidden"> --><div class="x" id="sp\xc3\xa9cial">'
    html += b'<a name=legacy>x</a><p data-id="decoy">'
    scanner = AnchorScanner(["spécial", "legacy", "hidden", "decoy"])
    for i in range(0, len(html), 7):
        scanner.feed(html[i : i + 7])
    scanner.feed(b"", final=True)
    assert scanner.found == {"spécial", "legacy"}
    assert scanner.missing == {"hidden", "decoy"}


def test_scanner_understands_github_prefix_and_percent_encoding() -> None:
    scanner = AnchorScanner(["usage", "caf%C3%A9"])
    scanner.feed('<h2 id="user-content-usage"></h2><h2 id="café"></h2>'.encode(), final=True)
    assert scanner.done


def test_line_anchors() -> None:
    assert is_line_anchor("L10") and is_line_anchor("L10-L20") and is_line_anchor("L3C5")
    assert not is_line_anchor("Linux") and not is_line_anchor("l10")


def test_markdown_report_groups_places_per_url() -> None:
    broken = [
        Finding(
            "docs/a.md",
            3,
            5,
            "LK801",
            "broken-link",
            "broken link: 404 Not Found",
            url="https://x.org/gone",
        ),
        Finding(
            "docs/b.md",
            9,
            1,
            "LK801",
            "broken-link",
            "broken link: 404 Not Found",
            url="https://x.org/gone",
        ),
        Finding(
            "docs/b.md",
            12,
            1,
            "LK806",
            "permanent-redirect",
            "permanently redirected (301) to https://y.org/",
            Severity.WARNING,
            url="http://y.org/",
        ),
    ]
    report = LinkReport(
        broken,
        {},
        [],
        Summary(checked=3, ok=1, broken=1, redirected=1),
        requests=4,
        bytes_downloaded=2_000_000,
        elapsed=1.25,
    )
    text = markdown_report(report)
    assert "| 3 | 1 | 1 | 1 | 0 | 0 |" in text
    assert (
        "| https://x.org/gone | LK801 broken-link: broken link: 404 Not Found "
        "| `docs/a.md:3:5`, `docs/b.md:9:1` |" in text
    )
    assert "## Warnings (1)" in text and "## Broken links (1)" in text
    assert text.endswith("_4 requests, 2.0 MB downloaded, 1.2 s._\n")


def test_progress_bar_on_a_terminal_and_lines_elsewhere() -> None:
    import io

    from docs_audit.links.progress import ProgressReporter
    from docs_audit.links.results import UrlResult, Verdict

    result = UrlResult("https://a.org/", Verdict.OK)
    plain = io.StringIO()
    reporter = ProgressReporter(plain, interactive=False)
    for done in range(1, 21):
        reporter.update(done, 20, result)
    reporter.close()
    lines = plain.getvalue().splitlines()
    assert lines[-1] == "links: 20/20 URLs checked"
    assert 2 <= len(lines) <= 11
    terminal = io.StringIO()
    bar = ProgressReporter(terminal, interactive=True)
    bar.update(1, 2, result)
    bar.update(2, 2, result)
    bar.close()
    assert "links:" not in terminal.getvalue()
