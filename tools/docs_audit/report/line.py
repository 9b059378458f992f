"""Vale's line format, ``path:line:col:Check:message``, one finding a line.

Style findings carry Vale's check name as ``[Check] message``; other findings use
their code as the check.
"""

from __future__ import annotations

from ..findings import Finding, Report
from .escape import printable


def line(finding: Finding) -> str:
    check, message = finding.code, finding.message
    if message.startswith("[") and "] " in message:
        check, _, message = message[1:].partition("] ")
    # One line each, with no control character from a name or a page.
    return printable(f"{finding.path}:{finding.line}:{finding.column}:{check}:{message}")


def render(report: Report, color: bool = False) -> str:
    return "".join(line(f) + "\n" for f in report.findings)
