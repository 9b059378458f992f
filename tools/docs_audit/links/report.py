"""The Markdown report: for an issue body and for a CI job summary."""

from __future__ import annotations

from collections import defaultdict

from ..findings import Severity
from ..report.escape import markdown_cell, markdown_code
from .api import LinkReport

#: Rows per table; GitHub caps an issue body at 65536 characters.
MAX_ROWS = 200


def _cell(text: str) -> str:
    # URLs, status lines and redirect targets come from servers: shown as text only.
    return markdown_cell(text)


def markdown_report(report: LinkReport, max_rows: int = MAX_ROWS) -> str:
    """A summary table, then the broken links and the warnings, each with every place."""
    summary = report.summary
    lines = [
        "# Link audit",
        "",
        "| checked | ok | broken | redirected | skipped | cached |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {summary.checked} | {summary.ok} | {summary.broken} | {summary.redirected} "
        f"| {summary.skipped} | {summary.cached} |",
        "",
    ]
    sections = (
        ("Broken links", Severity.ERROR),
        ("Warnings", Severity.WARNING),
        ("Not checked", Severity.INFO),
    )
    for title, severity in sections:
        lines += _section(report, title, severity, max_rows)
    if not report.findings:
        lines += ["No broken links.", ""]
    lines.append(
        f"_{report.requests} requests, {report.bytes_downloaded / 1e6:.1f} MB downloaded, "
        f"{report.elapsed:.1f} s._"
    )
    return "\n".join(lines) + "\n"


def _section(report: LinkReport, title: str, severity: Severity, max_rows: int) -> list[str]:
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for finding in sorted(report.findings):
        if finding.severity is not severity:
            continue
        key = (finding.url or "", f"{finding.code} {finding.name}", finding.message)
        grouped[key].append(markdown_code(f"{finding.path}:{finding.line}:{finding.column}"))
    if not grouped:
        return []
    lines = [f"## {title} ({len(grouped)})", "", "| URL | Problem | Where |", "|---|---|---|"]
    for index, ((url, rule, message), places) in enumerate(sorted(grouped.items())):
        if index == max_rows:
            lines.append(f"| … | {len(grouped) - max_rows} more | |")
            break
        shown = url or "—"
        lines.append(f"| {_cell(shown)} | {_cell(rule)}: {_cell(message)} | {', '.join(places)} |")
    return [*lines, ""]
