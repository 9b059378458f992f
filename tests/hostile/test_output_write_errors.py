"""A report that cannot be written is one line and exit status 2, wherever it goes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from .pages import CONF_PY

HANG_GUARD = 120
FULL = Path("/dev/full")


def _project(root: Path) -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Index\n\nText.\n", encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n', "utf-8")
    return root


def _run(
    root: Path, *args: str, stdout: int | IO[Any] = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", *args],
        cwd=root,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=HANG_GUARD,
    )


def _one_line(stderr: str, what: str) -> None:
    # The command's own notes may come first; the failure is one line, the last.
    errors = [line for line in stderr.splitlines() if "error" in line or "Traceback" in line]
    assert errors == [
        f"docs-audit: error: {what}: cannot write the report: No space left on device"
    ]
    assert stderr.splitlines()[-1] == errors[0]


def test_standard_output_on_a_full_disk(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with FULL.open("w") as full:
        result = _run(root, "check", stdout=full)

    assert result.returncode == 2
    _one_line(result.stderr, "standard output")


def test_output_file_on_a_full_disk(tmp_path: Path) -> None:
    result = _run(_project(tmp_path), "check", "--output", str(FULL))

    assert result.returncode == 2
    _one_line(result.stderr, str(FULL))


def test_markdown_report_on_a_full_disk(tmp_path: Path) -> None:
    result = _run(_project(tmp_path), "links", "--no-progress", "--markdown-report", str(FULL))

    assert result.returncode == 2
    _one_line(result.stderr, str(FULL))


def test_markdown_report_and_output_into_a_missing_folder_behave_alike(tmp_path: Path) -> None:
    root = _project(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")

    made = _run(root, "links", "--no-progress", "--output", str(tmp_path / "new" / "o.txt"),
                "--markdown-report", str(tmp_path / "new2" / "r.md"))  # fmt: skip
    refused = [
        _run(root, "links", "--no-progress", "--markdown-report", str(blocked / "r.md")),
        _run(root, "links", "--no-progress", "--output", str(blocked / "o.txt")),
    ]

    assert made.returncode == 0, made.stderr
    assert (tmp_path / "new" / "o.txt").is_file()
    assert (tmp_path / "new2" / "r.md").read_text(encoding="utf-8").startswith("# Link audit")
    for result in refused:
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1].startswith(f"docs-audit: error: {blocked}/")
        assert "Traceback" not in result.stderr
        assert ": cannot write the report: " in result.stderr
