"""A Markdown table of findings, for issues and job summaries."""

from __future__ import annotations

from ..findings import Report
from .escape import markdown_cell, markdown_code
from .text import summary


def render(report: Report, color: bool = False) -> str:
    lines = ["# docs-audit report", "", summary(report), ""]
    if report.findings:
        lines += ["| Location | Code | Severity | Message |", "|---|---|---|---|"]
        lines += [
            f"| {markdown_code(f'{f.path}:{f.line}:{f.column}')} | {markdown_cell(f.code)} "
            f"{markdown_cell(f.name)} | {f.severity.value} | {markdown_cell(f.message)} |"
            for f in report.findings
        ]
    return "\n".join(lines) + "\n"
