"""``--baseline FILE``: adopt docs-audit on a tree with known problems, then report only new ones.

The first run (or ``--update-baseline``) writes every finding to FILE. Later runs drop
the findings FILE already holds. A finding is matched by its code, its page and its
text context (the message, with line numbers taken out, and the stripped text of the
source line it points at), never by line number, so a line that moves does not bring
its finding back. Matching counts: three identical findings against two recorded ones
leave one new.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import click

from .config import Config
from .findings import Finding, Report, UsageError

_VERSION = 1
# Places inside messages ("other instance in a.md:12", "(line 7)") move with the text.
_PLACES = re.compile(r"(?<=:)\d+\b|\bline \d+")


def baseline_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--baseline`` and ``--update-baseline`` options of a command."""
    func = click.option(
        "--update-baseline",
        is_flag=True,
        help="Write today's findings to the --baseline file instead of comparing.",
    )(func)
    return click.option(
        "--baseline",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Report only findings not recorded in FILE (written when missing).",
    )(func)


def fingerprint(finding: Finding, root: Path) -> str:
    """Code, page and text context of a finding, as one stable key."""
    message = _PLACES.sub("#", finding.message)
    context = _source_line(root / finding.path, finding.line)
    raw = "\x1f".join((finding.code, finding.path, message, context))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


@lru_cache(maxsize=512)
def _file_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _source_line(path: Path, line: int) -> str:
    lines = _file_lines(path)
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def apply_baseline(report: Report, config: Config, path: Path | None, update: bool) -> str | None:
    """Filter ``report`` through the baseline at ``path``; return a note for stderr."""
    if path is None:
        if update:
            raise UsageError("--update-baseline needs --baseline FILE")
        return None
    _file_lines.cache_clear()
    root = config.root
    if update or not path.exists():
        _write(path, report, root)
        known = len(report.findings)
        report.suppressed.extend(report.findings)
        report.findings.clear()
        report.stats["baseline"] = {"recorded": known, "new": 0}
        return f"baseline: recorded {known} finding{'s' if known != 1 else ''} in {path}"
    recorded = _read(path)
    remaining = Counter(recorded)
    new: list[Finding] = []
    for finding in sorted(report.findings):
        key = fingerprint(finding, root)
        if remaining[key] > 0:
            remaining[key] -= 1
            report.suppressed.append(finding)
        else:
            new.append(finding)
    matched = len(report.findings) - len(new)
    report.findings[:] = new
    report.stats["baseline"] = {"matched": matched, "new": len(new), "fixed": remaining.total()}
    return None


def _write(path: Path, report: Report, root: Path) -> None:
    entries: Counter[tuple[str, str, str, str]] = Counter()
    for finding in report.findings:
        entries[(fingerprint(finding, root), finding.code, finding.path, finding.message)] += 1
    payload = {
        "version": _VERSION,
        "findings": [
            {"fingerprint": key, "code": code, "path": page, "message": message, "count": count}
            for (key, code, page, message), count in sorted(
                entries.items(), key=lambda item: (item[0][2], item[0][1], item[0][3])
            )
        ],
    }
    try:
        folder = path.parent if str(path.parent) else Path()
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when a baseline is written

        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".baseline-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, indent=1)
            stream.write("\n")
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the baseline: {exc.strerror}") from None


def _read(path: Path) -> Counter[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {_VERSION}")
        counts: Counter[str] = Counter()
        for item in data["findings"]:
            counts[str(item["fingerprint"])] += int(item.get("count", 1))
        return counts
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"{path}: not a docs-audit baseline ({exc}); write a new one with --update-baseline"
        ) from None
