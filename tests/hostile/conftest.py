"""Hostile input: every case runs the real command in a child process with a hang guard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: Generous: a case that is fixed ends in well under a second; a regression hangs.
HANG_GUARD = 60


def audit(root: Path, *args: str, prefix: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """``docs-audit ARGS`` in ``root``; raises ``TimeoutExpired`` instead of hanging."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "docs_audit", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


def make_project(root: Path, pyproject: str = "") -> Path:
    """A project with ``docs/index.md``; returns the docs folder."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n' + pyproject, encoding="utf-8"
    )
    (docs / "index.md").write_text("(home)=\n# Home\n\nSome text.\n", encoding="utf-8")
    return docs
