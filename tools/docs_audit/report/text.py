"""``path:line:col: CODE message``, one finding a line, then a summary line."""

from __future__ import annotations

from functools import lru_cache

from ..findings import Finding, Report, Severity
from .escape import printable

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def line(finding: Finding, color: bool = False) -> str:
    # Names and messages can hold anything a file or a server put there: one
    # line each, with no control character reaching the terminal or the CI log.
    where = _paint(f"{_shown(finding.path)}:{finding.line}:{finding.column}:", "1", color)
    code = _paint(_shown(finding.code), _COLOURS[finding.severity], color)
    suffix = "" if finding.severity is Severity.ERROR else f" [{finding.severity.value}]"
    return f"{where} {code} {_shown(finding.message)}{suffix}"


# Paths, codes and many messages repeat from finding to finding: escape each once.
_shown = lru_cache(maxsize=4096)(printable)


def summary(report: Report) -> str:
    parts = [
        f"{report.errors} error{'s' if report.errors != 1 else ''}",
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}",
    ]
    others = len(report.findings) - report.errors - report.warnings
    if others:
        parts.append(f"{others} info")
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} suppressed")
    files = report.files_checked
    skipped = ""
    if report.files_skipped:
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(report.files_skipped.items()))
        skipped = f" ({sum(report.files_skipped.values())} skipped: {reasons})"
    return f"Found {', '.join(parts)} in {files} file{'s' if files != 1 else ''}{skipped}."


def undecided(report: Report) -> str | None:
    """References that cannot be decided offline (autodoc objects, uncached inventories,
    options a program in included content or an extension may describe)."""
    counts = report.stats.get("check", {})
    objects, inventories = counts.get("undecided-object", 0), counts.get("undecided-intersphinx", 0)
    options = counts.get("undecided-option-program", 0)
    if not objects and not inventories and not options:
        return None
    text = (
        f"Undecided (not errors): {objects} reference{'s' if objects != 1 else ''} to objects "
        f"autodoc or an inventory provides, {inventories} into intersphinx inventories not "
        "cached (docs-audit inventories fetches them)"
    )
    if options:
        text += (
            f", {options} to option{'s' if options != 1 else ''} that included content or "
            "an extension may describe"
        )
    return text + "."


def render(report: Report, color: bool = False) -> str:
    lines = [line(f, color) for f in report.findings]
    note = undecided(report)
    if note:
        lines.append(note)
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
