"""A Vale rule or ignore pattern that backtracks catastrophically is stopped, not waited for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .pages import CONF_PY

HANG_GUARD = 120  # seconds; the limit itself is 2 s of CPU per pattern and block


def _project(root: Path, rule: str, ini_extra: str = "") -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n', "utf-8")
    styles = root / "styles" / "Hostile"
    styles.mkdir(parents=True)
    (styles / "Backtrack.yml").write_text(rule, encoding="utf-8")
    (root / ".vale.ini").write_text(
        f"StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.md]\nBasedOnStyles = Hostile\n{ini_extra}",
        encoding="utf-8",
    )
    return root


def _style(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", "style", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )


CATASTROPHIC_RULE = """\
extends: existence
message: "Found '%s'"
level: warning
scope: raw
nonword: true
tokens:
  - '(a|a)+$'
"""


def test_a_catastrophic_rule_pattern_is_a_finding_naming_rule_and_file(tmp_path: Path) -> None:
    root = _project(tmp_path, CATASTROPHIC_RULE)
    page = "# Title\n\n" + "a" * 64 + "!\n"
    (root / "docs" / "page.md").write_text(page, encoding="utf-8")
    (root / "docs" / "other.md").write_text("# Other\n\nba\n", encoding="utf-8")

    result = _style(root, "docs")

    assert result.returncode == 1, result.stderr
    stopped = [line for line in result.stdout.splitlines() if "VL705" in line]
    assert len(stopped) == 1, result.stdout
    assert stopped[0].startswith("docs/page.md:")
    assert "[Hostile.Backtrack]" in stopped[0]
    assert "(a|a)+$" in stopped[0]
    # The rule still runs on the page it does not choke on.
    assert "docs/other.md:3:2: VL702 [Hostile.Backtrack] Found 'a'" in result.stdout


def test_a_catastrophic_ignore_pattern_is_a_finding_naming_the_key(tmp_path: Path) -> None:
    rule = "extends: existence\nmessage: \"'%s'\"\nlevel: warning\ntokens:\n  - zzz\n"
    root = _project(tmp_path, rule, ini_extra="BlockIgnores = (a|a)+$\n")
    (root / "docs" / "page.md").write_text("# T\n\n" + "a" * 64 + "!\n", encoding="utf-8")

    result = _style(root, "docs")

    assert result.returncode == 1, result.stderr
    assert "docs/page.md:1:1: VL705 [BlockIgnores]" in result.stdout
    assert "(a|a)+$" in result.stdout


SLOW_RULE = """\
extends: existence
message: "Found '%s'"
level: warning
nonword: true
tokens:
  - '(a|aa)+b'
"""


def test_a_rule_slow_on_every_block_is_stopped_by_its_page_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each search stays far under the 2 s limit; all of them together would not."""
    from docs_audit.style import engine
    from docs_audit.style.api import run_builtin

    root = _project(tmp_path, SLOW_RULE)
    paragraphs = "".join(f"Paragraph {n} by: {'a' * 22}\n\n" for n in range(400))
    (root / "docs" / "page.md").write_text("# Title\n\n" + paragraphs, encoding="utf-8")
    monkeypatch.setattr(engine, "RULE_BUDGET", 0.05)
    run = run_builtin([Path("docs/page.md")], root)
    [stopped] = run.timeouts
    assert stopped.rule == "Hostile.Backtrack"
    assert "ran for more than 0.05 s on this page in all" in stopped.message
    assert 3 < stopped.line < 2 + 2 * 400  # it ran on some blocks, then stopped
