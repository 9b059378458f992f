"""Pages that used to make the style engine quadratic: each alert found, and the run ends.

Speed is shown by benchmarks/hostile.py; here the guard is only against a hang.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .pages import CONF_PY, hundred_thousand_lines, one_megabyte_line

REPO = Path(__file__).resolve().parents[2]
HANG_GUARD = 600
REPEATED = "VL701 [Vale.Repetition] 'the' is repeated!"


def _project(root: Path, page: str) -> Path:
    shutil.copytree(REPO / ".vale", root / ".vale")
    shutil.copy(REPO / ".vale.ini", root / ".vale.ini")
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "docs" / "page.md").write_text(page, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n', "utf-8")
    return root


def _locations(root: Path) -> tuple[int, list[tuple[int, int]]]:
    result = subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", "style", "docs/page.md"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    found = []
    for line in result.stdout.splitlines():
        if line.endswith(REPEATED):
            _, number, column, _ = line.split(":", 3)
            found.append((int(number), int(column)))
    return result.returncode, found


def test_a_one_megabyte_line_of_repeated_words(tmp_path: Path) -> None:
    words = 250_000
    status, found = _locations(_project(tmp_path, one_megabyte_line(words)))

    assert status == 1
    # A repeat is reported at the first word of each pair, then counting restarts.
    assert found == [(3, 1 + 4 * k) for k in range(words - 1)]


def test_a_hundred_thousand_lines(tmp_path: Path) -> None:
    page, expected = hundred_thousand_lines()
    status, found = _locations(_project(tmp_path, page))

    assert page.count("\n") >= 100_000 and len(expected) > 1000
    assert status == 1
    assert found == expected
