"""Reporters turn a :class:`~docs_audit.findings.Report` into text for a reader or a tool."""

from __future__ import annotations

from collections.abc import Callable

from ..findings import Report
from . import github, json_format, line, markdown, sarif, text

Formatter = Callable[[Report, bool], str]

FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "line": line.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
}


def render(report: Report, fmt: str, color: bool = False) -> str:
    return FORMATS[fmt](report, color)
