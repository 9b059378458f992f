"""The JSON other tools read: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections import Counter

from ..findings import Report
from .escape import readable


def summary(report: Report) -> dict[str, object]:
    return {
        "files": report.files_checked,
        **({"skipped": report.files_skipped} if report.files_skipped else {}),
        "errors": report.errors,
        "warnings": report.warnings,
        "total": len(report.findings),
        "suppressed": len(report.suppressed),
        "by_code": dict(sorted(Counter(f.code for f in report.findings).items())),
        **({"stats": report.stats} if report.stats else {}),
    }


def _readable(record: dict[str, object]) -> dict[str, object]:
    # A non-UTF-8 file name would make the document invalid UTF-8 (and the write fail).
    return {k: readable(v) if isinstance(v, str) else v for k, v in record.items()}


def render(report: Report, color: bool = False) -> str:
    document = {
        "version": 1,
        "findings": [_readable(f.as_dict()) for f in report.findings],
        "summary": summary(report),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
