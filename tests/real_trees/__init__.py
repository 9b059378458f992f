"""The real Sphinx trees in ``shared/real-trees`` (beside the repository, as CI has it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def real_trees_dir() -> Path:
    """``../shared/real-trees`` from the repository root; ``DOCS_AUDIT_REAL_TREES`` overrides
    it for a checkout that sits elsewhere (a git worktree, say)."""
    given = os.environ.get("DOCS_AUDIT_REAL_TREES")
    return Path(given) if given else REPO.parent / "shared" / "real-trees"


def real_tree(name: str) -> Path:
    """One tree; a missing folder is a failure with a clear message, never a skip."""
    folder = real_trees_dir() / name
    if not (folder / "docs" / "conf.py").is_file():
        raise AssertionError(
            f"real tree '{name}' not found at {folder}: shared/real-trees must sit beside the "
            "repository (or set DOCS_AUDIT_REAL_TREES to its folder)"
        )
    return folder


def copy_tree(name: str, destination: Path) -> Path:
    """A writable copy of a tree (shared/ is read-only) with the minimal configuration a
    new user writes: ``[tool.docs-audit] docs-root = "docs"``, added to any pyproject."""
    root = destination / name
    shutil.copytree(real_tree(name), root)
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    pyproject = root / "pyproject.toml"
    existing = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    pyproject.write_text(existing + '\n[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8")
    return root
