"""The Markdown report: for an issue body and for a CI job summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..findings import Finding, Severity
from ..report.escape import markdown_cell, markdown_code
from .api import LinkReport
from .history import FAILURE_CODES, History, day
from .results import split_fragment
from .rules import PERMANENT_REDIRECT

#: Rows per table; GitHub caps an issue body at 65536 characters.
MAX_ROWS = 200


def _cell(text: str) -> str:
    # URLs, status lines and redirect targets come from servers: shown as text only.
    return markdown_cell(text)


def markdown_report(report: LinkReport, max_rows: int = MAX_ROWS) -> str:
    """A summary table, then the broken links and the warnings, each with every place.

    With a history the broken links come in three groups: newly broken, still broken
    (since when, how many runs) and fixed since the last run.
    """
    summary = report.summary
    # What the checker did comes from its summary; what is broken or redirected comes
    # from the findings the report is given, so an ignored link is not counted.
    broken = broken_urls(report.findings)
    redirected = _urls(report.findings, lambda f: f.code == PERMANENT_REDIRECT.code)
    lines = [
        "# Link audit",
        "",
        "| checked | ok | broken | redirected | skipped | cached |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {summary.checked} | {summary.ok} | {broken} | {redirected} "
        f"| {summary.skipped} | {summary.cached} |",
        "",
    ]
    history = report.history
    if history is None:
        lines += _section(report.findings, "Broken links", Severity.ERROR, max_rows)
    else:
        lines += _history_sections(report.findings, history, max_rows)
    for title, severity in (("Warnings", Severity.WARNING), ("Not checked", Severity.INFO)):
        lines += _section(report.findings, title, severity, max_rows)
    if not report.findings:
        lines += ["No broken links.", ""]
    lines.append(
        f"_{report.requests} requests, {report.bytes_downloaded / 1e6:.1f} MB downloaded, "
        f"{report.elapsed:.1f} s._"
    )
    return "\n".join(lines) + "\n"


def broken_urls(findings: list[Finding]) -> int:
    """Distinct URLs with an error: a failure that is only a warning (rate-limited, or
    transient until ``report-after`` runs) is not counted as broken."""
    return _urls(findings, lambda f: f.severity is Severity.ERROR)


def unverified_urls(findings: list[Finding]) -> int:
    """Distinct URLs that failed with only a warning, and no error."""
    failing = {f.url for f in findings if f.url and f.code in FAILURE_CODES}
    erring = {f.url for f in findings if f.url and f.severity is Severity.ERROR}
    return len({split_fragment(url)[0] for url in failing - erring})


def _urls(findings: list[Finding], wanted: Callable[[Finding], bool]) -> int:
    return len({split_fragment(f.url)[0] for f in findings if f.url and wanted(f)})


def _history_sections(findings: list[Finding], history: History, max_rows: int) -> list[str]:
    newly, still = set(history.newly_broken()), set(history.still_broken())
    errors = [f for f in findings if f.severity is Severity.ERROR]
    lines: list[str] = []
    for title, urls in (("Newly broken", newly), ("Still broken", still)):
        chosen = [f for f in errors if f.url and split_fragment(f.url)[0] in urls]
        lines += _section(chosen, title, Severity.ERROR, max_rows)
    other = [f for f in errors if not (f.url and split_fragment(f.url)[0] in newly | still)]
    lines += _section(other, "Other errors", Severity.ERROR, max_rows)
    fixed = history.fixed()
    if fixed:
        lines += [
            f"## Fixed since the last run ({len(fixed)})",
            "",
            "| URL | Was | Last reported |",
            "|---|---|---|",
        ]
        for index, url in enumerate(fixed):
            if index == max_rows:
                lines.append(f"| … | {len(fixed) - max_rows} more | |")
                break
            before = history.previous[url]
            lines.append(f"| {_cell(url)} | {_cell(before.message)} | {day(before.started)} |")
        lines.append("")
    return lines


def _section(findings: list[Finding], title: str, severity: Severity, max_rows: int) -> list[str]:
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for finding in sorted(findings):
        if finding.severity is not severity:
            continue
        key = (finding.url or "", f"{finding.code} {finding.name}", finding.message)
        grouped[key].append(markdown_code(f"{finding.path}:{finding.line}:{finding.column}"))
    if not grouped:
        return []
    count = len({url for url, _, _ in grouped})
    lines = [f"## {title} ({count})", "", "| URL | Problem | Where |", "|---|---|---|"]
    for index, ((url, rule, message), places) in enumerate(sorted(grouped.items())):
        if index == max_rows:
            lines.append(f"| … | {len(grouped) - max_rows} more | |")
            break
        shown = url or "—"
        lines.append(f"| {_cell(shown)} | {_cell(rule)}: {_cell(message)} | {', '.join(places)} |")
    return [*lines, ""]
