"""Every check against fixture trees whose pages carry their expected findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docs_audit.api import run
from docs_audit.config import load_config

from .conftest import inline_expectations, listed_expectations

TREES = ["refs", "refs2", "labels", "template", "code", "rst", "structure", "badinput", "suppress"]


def _actual(root: Path) -> tuple[set[tuple[str, str, int, int]], set[tuple[str, str, int, int]]]:
    report = run(None, load_config(root / "pyproject.toml"), use_cache=False)
    found = {(f.path, f.code, f.line, f.column) for f in report.findings}
    suppressed = {(f.path, f.code, f.line, f.column) for f in report.suppressed}
    return found, suppressed


@pytest.mark.parametrize("name", TREES)
def test_findings_are_exactly_the_expected_ones(
    name: str, fixture_tree: Callable[[str], Path]
) -> None:
    root = fixture_tree(name)
    expected = inline_expectations(root) | listed_expectations(root / "expected.txt")
    assert expected, "a fixture without expectations proves nothing"
    found, _ = _actual(root)
    assert found == expected


def test_suppressed_findings_are_counted_not_lost(fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree("suppress")
    _, suppressed = _actual(root)
    assert suppressed == listed_expectations(root / "expected_suppressed.txt")
