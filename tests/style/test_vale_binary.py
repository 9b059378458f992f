"""Reading the real vale's JSON, and choosing vale when it is on PATH.

The vale binary cannot be installed here, so a small stand-in executable that
prints what `vale --output=JSON` prints plays its part in the PATH test.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.style.api import check_style, to_findings
from docs_audit.style.vale_binary import parse_json

SAMPLE = {
    "docs/index.md": [
        {
            "Action": {"Name": "replace", "Params": ["Gunicorn"]},
            "Span": [14, 21],
            "Check": "Vale.Terms",
            "Description": "",
            "Link": "",
            "Message": "Use 'Gunicorn' instead of 'gunicorn'.",
            "Severity": "error",
            "Match": "gunicorn",
            "Line": 3,
        },
        {
            "Span": [1, 6],
            "Check": "DjangoProdserver.Condescending",
            "Message": "Remove 'simply'.",
            "Severity": "warning",
            "Match": "simply",
            "Line": 1,
        },
    ]
}


def test_parse_json_gives_sorted_alerts(tmp_path: Path) -> None:
    alerts = parse_json(json.dumps(SAMPLE), tmp_path)
    assert [a.as_line() for a in alerts] == [
        "docs/index.md:1:1:DjangoProdserver.Condescending:Remove 'simply'.",
        "docs/index.md:3:14:Vale.Terms:Use 'Gunicorn' instead of 'gunicorn'.",
    ]


def test_vale_on_path_is_used_and_its_alerts_become_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / ".vale.ini").write_text("StylesPath = styles\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    vale = bin_dir / "vale"
    vale.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        "assert '--output=JSON' in sys.argv and '--no-global' in sys.argv\n"
        f"print(json.dumps({SAMPLE!r}))\n"
    )
    vale.chmod(vale.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    config = load_config(tmp_path / "pyproject.toml")
    run = check_style(None, config, cwd=tmp_path)
    assert run.engine.startswith("vale (")
    findings = to_findings(run, run.cwd, config.root)
    assert [(f.path, f.line, f.column, f.code, f.message) for f in findings] == [
        ("docs/index.md", 1, 1, "VL702", "[DjangoProdserver.Condescending] Remove 'simply'."),
        ("docs/index.md", 3, 14, "VL701", "[Vale.Terms] Use 'Gunicorn' instead of 'gunicorn'."),
    ]
