"""Included content counts where it is included, read once and cached by its own bytes."""

from __future__ import annotations

from pathlib import Path

from docs_audit.config import load_config
from docs_audit.document import Label
from docs_audit.project import load_project


def _tree(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    (root / "README.md").write_text(
        "# Readme\n\nskipped\n<!-- begin -->\n(readme-label)=\n## Part\n\nSee {ref}`index-top`.\n"
    )
    (root / "docs" / "index.md").write_text(
        "(index-top)=\n# Home\n\n```{include} ../README.md\n:start-after: <!-- begin -->\n```\n"
    )
    (root / "docs" / "page.rst").write_text(
        "Page\n====\n\n.. include:: snippet.rst\n\n.. include:: ../../outside.rst\n"
    )
    (root / "docs" / "snippet.rst").write_text(
        ".. _snip:\n\nSnippet with :term:`word`.\n\n.. glossary::\n\n   word\n      Def.\n"
    )
    (root.parent / "outside.rst").write_text(".. _outside:\n\nOutside.\n")


def test_included_labels_references_and_terms_count_at_the_include(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    _tree(root)
    project = load_project(load_config(cwd=root))
    index = project.documents["index"]
    assert index.labels == [
        Label("index-top", 1, 1, 2),
        Label("readme-label", 4, 14, 4),
    ]
    assert [(r.kind, r.target, r.line, r.column) for r in index.references] == [
        ("ref", "index-top", 4, 14)
    ]
    page = project.documents["page"]
    assert [(x.name, x.line, x.column) for x in page.labels] == [("snip", 4, 14)]
    assert [(t.name, t.line, t.column) for t in page.terms] == [("word", 4, 14)]
    # The snippet is a page of its own too; the outside file is never read.
    assert "outside" not in {x.name for d in project.documents.values() for x in d.labels}


def test_a_changed_included_file_is_read_again_through_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    _tree(root)
    config = load_config(cwd=root)
    load_project(config).save_cache()
    warm = load_project(config)
    assert not warm.cache_stale
    assert "readme-label" in {x.name for x in warm.documents["index"].labels}
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("(readme-label)=", "(renamed-label)="))
    again = load_project(config)
    assert again.cache_stale
    assert {x.name for x in again.documents["index"].labels} == {"index-top", "renamed-label"}
