"""A page cached by another revision of the parsers is read again, though neither the
page nor the model changed (a directive table grew, say)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.parsing import settings
from docs_audit.project import load_project

from tests.sphinx.helpers import write_project


def test_another_parser_revision_reparses_cached_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path, "", {"index.rst": "Home\n====\n\n:ref:`somewhere`.\n"})
    first = load_project(load_config(cwd=root))
    first.save_cache()
    assert not load_project(load_config(cwd=root)).cache_stale  # same parsers: cached
    monkeypatch.setattr(settings, "parsers_fingerprint", lambda: "another-revision")
    again = load_project(load_config(cwd=root))
    assert again.cache_stale
    assert [ref.target for ref in again.documents["index"].references] == ["somewhere"]
