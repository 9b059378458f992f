"""A Markdown table of findings, for issues and job summaries."""

from __future__ import annotations

from ..findings import Report
from .text import summary


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report, color: bool = False) -> str:
    lines = ["# docs-audit report", "", summary(report), ""]
    if report.findings:
        lines += ["| Location | Code | Severity | Message |", "|---|---|---|---|"]
        lines += [
            f"| `{f.path}:{f.line}:{f.column}` | {f.code} {f.name} | {f.severity.value} | {_cell(f.message)} |"
            for f in report.findings
        ]
    return "\n".join(lines) + "\n"
