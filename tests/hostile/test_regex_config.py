"""Regular expressions from [tool.docs-audit] run under the time limit: a finding, not a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .pages import CONF_PY

HANG_GUARD = 120  # seconds; the limit is 2 s of CPU per search
CATASTROPHIC = "(a|a)+$"
HOSTILE = "a" * 64 + "!"


def _project(root: Path, table: str, page: str) -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\n\n{table}', encoding="utf-8"
    )
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )


def test_a_catastrophic_placeholder_pattern_is_a_finding_naming_the_key(tmp_path: Path) -> None:
    table = f"[tool.docs-audit.code]\nplaceholders = ['{CATASTROPHIC}', 'TODO']\n"
    page = f"# Title\n\n```text\n{HOSTILE}\n{HOSTILE}\nTODO\n```\n"
    root = _project(tmp_path, table, page)

    result = _run(root, "check", "--select", "CD407")

    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if "CD407" in line]
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("docs/index.md:4:1: CD407 'docs-audit.code.placeholders'")
    assert CATASTROPHIC in lines[0]
    # The other pattern still applies.
    assert lines[1].startswith("docs/index.md:6:1: CD407 placeholder 'TODO'")


def _links_finding(root: Path, table: str, url: str, key: str) -> None:
    _project(root, f"[tool.docs-audit.links]\n{table}", f"# Title\n\nSee <{url}>.\n")

    result = _run(root, "links", "--no-cache")

    assert result.returncode == 0, result.stdout + result.stderr
    finding = next(line for line in result.stdout.splitlines() if "LK808" in line)
    assert finding.startswith(f"docs/index.md:3:6: LK808 not fetched: '{key}': regular expression")
    assert f"'{key}'" in finding and CATASTROPHIC in finding


def test_a_catastrophic_links_ignore_pattern_is_a_finding_for_the_url(tmp_path: Path) -> None:
    url = f"https://docs.djangoproject.com/{HOSTILE}"
    _links_finding(tmp_path, f"ignore = ['{CATASTROPHIC}']\n", url, "links.ignore")


def test_a_catastrophic_anchor_ignore_pattern_is_a_finding_for_the_url(tmp_path: Path) -> None:
    # The fragment is matched before any request, so nothing listens on the port.
    table = f"allow-private = true\nanchor-ignore = ['{CATASTROPHIC}']\n"
    _links_finding(tmp_path, table, f"http://127.0.0.1:9/page#{HOSTILE}", "links.anchor-ignore")
