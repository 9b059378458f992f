"""The published hook definitions, exercised by pre-commit itself on a small repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # pre-commit builds a hook environment: slow

REPO = Path(__file__).resolve().parents[1]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "sample"
    (repo / "docs").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\nextend-select = ["missing-language"]\n',
        encoding="utf-8",
    )
    # pre-commit passes every changed Markdown file, this one outside the docs root too.
    (repo / "README.md").write_text("# Sample\n", encoding="utf-8")
    (repo / "docs" / "index.md").write_text(
        "(home)=\n# Home\n\n```{toctree}\nbroken\n```\n\n```\nno language\n```\n", encoding="utf-8"
    )
    (repo / "docs" / "broken.md").write_text(
        "# No label\n\nSee {ref}`nowhere`.\n", encoding="utf-8"
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sample")
    return repo


def test_try_repo_runs_the_offline_hook(sample_repo: Path, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    done = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "docs-audit", "--all-files", "--verbose"],
        cwd=sample_repo, capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "docs/broken.md:3:5: RF201 undefined label: 'nowhere'" in output
    # A house rule runs only when selected: CD401 is, LB101 (page labels) is not.
    assert "docs/index.md:8:1: CD401 code block has no language" in output
    assert "LB101" not in output
    assert "in 2 files (1 skipped: 1 outside the docs root)." in output
    # The hook must never change the user's files.
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=sample_repo, capture_output=True, text=True
    )
    assert status.stdout == ""
