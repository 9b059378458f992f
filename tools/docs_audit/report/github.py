"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from ..findings import Report, Severity
from .escape import printable
from .text import summary

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    # Control characters first (so no raw line break can start a new workflow
    # command), then GitHub's own escaping of the command syntax.
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, color: bool = False) -> str:
    lines = [
        f"::{_LEVEL[f.severity]} file={_escape_property(f.path)},line={f.line},col={f.column},"
        f"title={_escape_property(f.code + ' ' + f.name)}::{_escape_data(f.message)}"
        for f in report.findings
    ]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
