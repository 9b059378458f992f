"""The reference check must report what Sphinx reports: same problems, files and lines.

Each fixture tree is built by a real Sphinx (``-n --keep-going``) and its warnings
are compared with docs-audit's reference findings on the same tree.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from docs_audit.api import run
from docs_audit.config import load_config

from tests.sphinx.matching import match

_WARNING = re.compile(r"^(?P<path>/[^:]+?)(?::(?P<line>\d+))?: WARNING: (?P<text>.*)$")

#: Sphinx's wording for each docs-audit code, so problems are compared, not just places.
_KINDS = {
    "undefined label": "RF201",
    "unknown document": "RF202",
    "Failed to create a cross reference": "RF206",
    "'myst' cross-reference target not found": "RF203",
    "local id not found": "RF203",
    "'any' reference target not found": "RF203",
    "document isn't included in any toctree": "RF204",
    "toctree contains reference to nonexisting document": "RF205",
    "toctree glob pattern": "RF205",
    "duplicate label": "LB103",
    "Duplicate explicit target name": "LB103",
}


def sphinx_warnings(root: Path, tmp_path: Path) -> Counter[tuple[str, str, int]]:
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "--keep-going", "-q", "--no-color", "-b", "html",
         str(root / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    found: Counter[tuple[str, str, int]] = Counter()
    for line in done.stderr.splitlines():
        match = _WARNING.match(line)
        assert match, f"unexpected Sphinx output: {line}"
        code = next(code for prefix, code in _KINDS.items() if match["text"].startswith(prefix))
        relpath = Path(match["path"]).relative_to(root).as_posix()
        found[(relpath, code, int(match["line"] or 1))] += 1
    return found


@pytest.mark.parametrize(("tree", "at_least"), [("refs", 15), ("refs2", 8)])
def test_reference_findings_match_a_real_sphinx_build(
    fixture_tree: Callable[[str], Path], tmp_path: Path, tree: str, at_least: int
) -> None:
    root = fixture_tree(tree)
    report = run(None, load_config(root / "pyproject.toml"), use_cache=False)
    ours = Counter((f.path, f.code, f.line) for f in report.findings)
    theirs = sphinx_warnings(root, tmp_path)
    assert theirs.total() >= at_least, "the fixture should make Sphinx warn about many things"
    # Ours name the reference's own line, within the paragraph whose first line Sphinx names.
    missed, extra = match(ours, theirs, root)
    assert (missed, extra) == (Counter(), Counter())
    assert ours.total() == theirs.total()


def test_a_fixed_tree_is_clean_for_both(
    fixture_tree: Callable[[str], Path], tmp_path: Path
) -> None:
    root = fixture_tree("refs")
    docs = root / "docs"
    for name in ("index.md", "guide.md", "sub/page.rst", "sub/nested.md", "lonely.md"):
        (docs / name).unlink()
    (docs / "index.md").write_text(
        "(home)=\n# Home\n\n```{toctree}\nhidden\n```\n\nSee {ref}`home` and [top](#home).\n",
        encoding="utf-8",
    )
    report = run(None, load_config(root / "pyproject.toml"), use_cache=False)
    assert report.findings == []
    assert sphinx_warnings(root, tmp_path) == Counter()
