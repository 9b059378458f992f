"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..findings import Report, Severity
from ..registry import RULES
from .escape import readable

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A relative URI reference for ``path``: its UTF-8 bytes (or, for a name that
    was not UTF-8, its original bytes) percent-encoded where a URI needs it."""
    try:
        data = path.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        data = readable(path).encode("utf-8")
    return quote(data, safe="/")


def render(report: Report, color: bool = False) -> str:
    codes = sorted({f.code for f in report.findings})
    rules = []
    for code in codes:
        rule = RULES.get(code)
        name = rule.name if rule else next(f.name for f in report.findings if f.code == code)
        rules.append(
            {
                "id": code,
                "name": readable(name),
                "shortDescription": {"text": rule.summary if rule else name},
                "fullDescription": {"text": rule.doc if rule and rule.doc else name},
            }
        )
    index = {code: position for position, code in enumerate(codes)}
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": readable(f.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            **({"properties": {"url": readable(f.url)}} if f.url else {}),
        }
        for f in report.findings
    ]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "docs-audit",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/docs-audit/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
