"""``--baseline``: today's findings recorded, later runs report only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docs_audit.cli import main

from .helpers import write_project

PAGE = "# Home\n\n```{toctree}\nother\n```\n\nSee {ref}`missing-one`.\n\nAnd {ref}`missing-two`.\n"


def _tree(tmp_path: Path) -> Path:
    pages = {"index.md": PAGE, "other.md": "# Other\n"}
    return write_project(tmp_path, "extensions = ['myst_parser']\n", pages)


def _check(root: Path, *args: str) -> int:
    return main(["--config", str(root / "pyproject.toml"), "check", "--select", "RF", *args])


def test_first_run_records_then_only_new_findings_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    baseline = tmp_path / "audit-baseline.json"
    assert _check(root, "--baseline", str(baseline)) == 0
    captured = capsys.readouterr()
    assert "recorded 2 findings" in captured.err
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert sorted(item["code"] for item in data["findings"]) == ["RF201", "RF201"]

    # Same tree: nothing new, exit 0.
    assert _check(root, "--baseline", str(baseline)) == 0
    assert "Found 0 errors" in capsys.readouterr().out

    # Lines move (text inserted above) and a new problem appears: only it is reported.
    page = root / "docs" / "index.md"
    moved = PAGE.replace("# Home\n", "# Home\n\nA new intro.\n\nMore intro.\n")
    page.write_text(moved + "\nThen {ref}`missing-three`.\n", encoding="utf-8")
    assert _check(root, "--baseline", str(baseline), "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["message"]) for f in report["findings"]] == [
        ("RF201", "undefined label: 'missing-three'")
    ]
    assert report["summary"]["suppressed"] == 2
    assert report["summary"]["stats"]["baseline"] == {"matched": 2, "new": 1, "fixed": 0}


def test_a_duplicate_of_a_recorded_finding_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    baseline = tmp_path / "b.json"
    _check(root, "--baseline", str(baseline))
    capsys.readouterr()
    page = root / "docs" / "index.md"
    page.write_text(PAGE + "\nSee {ref}`missing-one`.\n", encoding="utf-8")
    assert _check(root, "--baseline", str(baseline)) == 1
    out = capsys.readouterr().out
    assert out.count("missing-one") == 1


def test_update_baseline_rewrites_and_a_corrupt_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    baseline = tmp_path / "b.json"
    baseline.write_text("{broken", encoding="utf-8")
    assert _check(root, "--baseline", str(baseline)) == 2
    assert "not a docs-audit baseline" in capsys.readouterr().err
    assert _check(root, "--baseline", str(baseline), "--update-baseline") == 0
    assert len(json.loads(baseline.read_text(encoding="utf-8"))["findings"]) == 2
    assert _check(root, "--update-baseline") == 2
    assert "needs --baseline" in capsys.readouterr().err
