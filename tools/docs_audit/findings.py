"""The record every check yields and every reporter reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(enum.Enum):
    """How bad a finding is; only ``ERROR`` makes the run fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place.

    ``path`` is POSIX-style and relative to the project root (the folder that holds
    the configuration file); ``line`` and ``column`` are 1-based. ``url`` is the
    external URL a link finding is about, otherwise ``None``.
    """

    path: str
    line: int
    column: int
    code: str
    name: str = field(compare=False)
    message: str = field(compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    url: str | None = field(default=None, compare=False)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "url": self.url,
        }


@dataclass
class Report:
    """Findings of one run, with what was suppressed and counted on the way."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    #: Given files left out, by reason ("excluded", "not a page suffix"...).
    files_skipped: dict[str, int] = field(default_factory=dict)
    stats: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def sort(self) -> None:
        self.findings.sort()
        self.suppressed.sort()


class UsageError(Exception):
    """A problem with how docs-audit was called or configured (exit status 2)."""
