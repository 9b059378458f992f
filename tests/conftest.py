"""Shared helpers: fixture trees copied to a temporary folder and their expectations."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_INLINE = re.compile(
    r"(?:<!--|\.\.|%)\s*expect:\s*(?P<items>[A-Z]+\d+@\d+:\d+(?:\s+[A-Z]+\d+@\d+:\d+)*)"
)
_ITEM = re.compile(r"(?P<code>[A-Z]+\d+)@(?P<line>\d+):(?P<column>\d+)")

Expectation = tuple[str, str, int, int]


def copy_fixture(name: str, destination: Path) -> Path:
    """A writable copy of ``tests/fixtures/NAME`` (symlinks kept as symlinks)."""
    target = destination / name
    shutil.copytree(FIXTURES / name, target, symlinks=True)
    return target


def inline_expectations(root: Path) -> set[Expectation]:
    """``expect: CODE@LINE:COL`` comments found in the pages of a tree."""
    found: set[Expectation] = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".md", ".rst") or path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        relpath = path.relative_to(root).as_posix()
        for match in _INLINE.finditer(text):
            for item in _ITEM.finditer(match.group("items")):
                found.add((relpath, item["code"], int(item["line"]), int(item["column"])))
    return found


def listed_expectations(path: Path) -> set[Expectation]:
    """Expectations for files that cannot carry them: ``path CODE@LINE:COL`` lines."""
    if not path.exists():
        return set()
    found: set[Expectation] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            relpath, item = line.split()
            match = _ITEM.fullmatch(item)
            assert match, line
            found.add((relpath, match["code"], int(match["line"]), int(match["column"])))
    return found


@pytest.fixture
def fixture_tree(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(name: str) -> Path:
        return copy_fixture(name, tmp_path)

    return make


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let this test fork workers although earlier tests left loopback server threads
    running in this pytest process (docs-audit's own runs have no other thread, and
    those idle servers hold no lock a parsing or linting worker takes)."""
    from docs_audit import forked

    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    if not forked.fork_available():
        pytest.skip("needs fork and two cores")
