"""Hostile input: every case runs the real command in a child process with a hang guard."""

from __future__ import annotations

from pathlib import Path

from ..runner import audit

__all__ = ["audit", "make_project"]


def make_project(root: Path, pyproject: str = "") -> Path:
    """A project with ``docs/index.md``; returns the docs folder."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n' + pyproject, encoding="utf-8"
    )
    (docs / "index.md").write_text("(home)=\n# Home\n\nSome text.\n", encoding="utf-8")
    return docs
