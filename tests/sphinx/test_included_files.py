"""Images, figures, downloads, includes and literalincludes inside included content, as
Sphinx resolves them: relative to the including page (``env.relfn2path(path, docname)``,
MyST's ``include`` too), or to the included file for Markdown images under MyST's
``relative-images``; reported at the included file's own line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docs_audit.api import run
from docs_audit.config import load_config

from .helpers import reference_findings, sphinx_warnings, write_project
from .matching import match

INDEX = """Home
====

.. toctree::

   guide

.. include:: ../NOTES.rst
"""

# Each path below exists either beside the including page (docs/) or beside the
# included file (the project root), never both: only the right base finds it.
NOTES = """Notes
-----

.. image:: img/logo.png

.. image:: img/beside-notes.png

.. figure:: /img/absent.png

   A caption.

Get :download:`the archive <files/a.zip>` here.

.. literalinclude:: code/example.py

.. include:: code/part.rst
"""

GUIDE = """# Guide

```{include} ../README.md
```

```{include} ../NESTING.md
```

```{include} ../GUIDE.md
:relative-images:
```
"""

README = """Some text with ![logo](img/logo.png) in it.

![beside the readme](img/beside-notes.png)

And {download}`a file <files/a.zip>`.
"""

# With relative-images, Markdown images are the included file's; the directive is not.
GUIDE_PART = """Guide part.

![moved](img/beside-notes.png)

![not moved](img/logo.png)

```{image} img/beside-notes.png
```
"""

# A MyST include in included content: relative to the including page too (Sphinx's
# relfn2path), so ``code/part.rst`` beside this file is not found, ``../code`` is.
NESTING = """```{include} code/part.rst
```

```{include} ../code/part.rst
```
"""

_KINDS = {
    "image file not readable": "RF209",
    "download file not readable": "RF209",
    "Include file": "RF208",
    'Problems with "include" directive path': "RF208",
    'Directive "include": file not found': "RF208",
}


def _project(tmp_path: Path) -> Path:
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {"index.rst": INDEX, "guide.md": GUIDE, "img/logo.png": "png"},
    )
    files = {
        "NOTES.rst": NOTES,
        "README.md": README,
        "GUIDE.md": GUIDE_PART,
        "img/beside-notes.png": "png",
        "files/a.zip": "zip",
        "code/example.py": "print()\n",
        "code/part.rst": "Part.\n",
        "NESTING.md": NESTING,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _findings(root: Path) -> list[tuple[str, str, int, int]]:
    return reference_findings(root, ["RF208", "RF209"])


def test_files_in_included_content_resolve_from_the_including_page(tmp_path: Path) -> None:
    assert _findings(_project(tmp_path)) == [
        ("GUIDE.md", "RF209", 5, 1),
        ("GUIDE.md", "RF209", 7, 12),
        ("NESTING.md", "RF208", 1, 14),
        ("NOTES.rst", "RF209", 6, 12),
        ("NOTES.rst", "RF209", 8, 13),
        ("NOTES.rst", "RF209", 12, 5),
        ("NOTES.rst", "RF208", 14, 21),
        ("NOTES.rst", "RF208", 16, 14),
        ("README.md", "RF209", 3, 1),
        ("README.md", "RF209", 5, 5),
    ]


def test_the_messages_name_the_including_page(tmp_path: Path) -> None:
    report = run(None, load_config(cwd=_project(tmp_path)), select=["RF209"], use_cache=False)
    first = next(f for f in report.findings if f.path == "NOTES.rst")
    assert first.message == (
        "image file not readable: img/beside-notes.png (included by docs/index.rst)"
    )


def test_the_same_places_as_a_real_sphinx_build(tmp_path: Path) -> None:
    root = _project(tmp_path)
    theirs = sphinx_warnings(root, tmp_path / "html", _KINDS)
    ours = Counter((path, code, line) for path, code, line, _ in _findings(root))
    assert theirs.total() == 10
    assert match(ours, theirs, root) == (Counter(), Counter())


def test_headings_of_included_content_are_anchors_of_the_page(tmp_path: Path) -> None:
    """A README's heading, included in a page, is an id of that page (Sphinx, MyST)."""
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\nmyst_heading_anchors = 2\n",
        {
            "index.md": "# Home\n\n```{toctree}\nother\n```\n\n```{include} ../README.md\n```\n\n"
            "See [usage](#usage) and [there](#nowhere).\n",
            "other.md": "# Other\n\n[Usage](index.md#usage), [no](index.md#setup-2).\n",
        },
    )
    (root / "README.md").write_text(
        "## Usage\n\nJump to [usage](#usage) or [install](#install) or [missing](#missing).\n\n"
        "(install)=\n## Setup\n",
        encoding="utf-8",
    )
    ours = reference_findings(root)
    assert [(path, code, line, column) for path, code, line, column in ours] == [
        ("README.md", "RF203", 3, 51),
        ("docs/index.md", "RF203", 10, 25),
        ("docs/other.md", "RF203", 3, 26),
    ]
    kinds = {"'myst' cross-reference target not found": "RF203", "local id not found": "RF203"}
    theirs = sphinx_warnings(root, tmp_path / "html", kinds)
    assert sorted(theirs) == [
        ("README.md", "RF203", 3),
        ("docs/index.md", "RF203", 10),
        ("docs/other.md", "RF203", 3),
    ]


def test_a_page_included_in_another_shows_its_files_from_there_too(tmp_path: Path) -> None:
    """``parts/snip.rst`` is a page of its own and, from the marker on, part of the index:
    Sphinx resolves its images both ways, so ``img.png`` (beside it) is missing once."""
    root = write_project(
        tmp_path,
        "",
        {
            "index.rst": "Home\n====\n\n.. toctree::\n\n   parts/snip\n\n"
            ".. include:: parts/snip.rst\n   :start-after: .. start\n",
            "parts/snip.rst": "Snip\n----\n\n.. image:: before.png\n\n.. start\n\n"
            ".. image:: img.png\n\n.. image:: /parts/img.png\n\n.. image:: absent.png\n",
            "parts/img.png": "png",
            "parts/before.png": "png",
        },
    )
    assert reference_findings(root, ["RF209"]) == [
        ("docs/parts/snip.rst", "RF209", 8, 12),
        ("docs/parts/snip.rst", "RF209", 12, 12),
        ("docs/parts/snip.rst", "RF209", 12, 12),
    ]
    # docutils numbers an RST include's lines from the part's start (5 lines skipped
    # here): Sphinx names lines 3 and 7 for what stands on lines 8 and 12.
    theirs = sphinx_warnings(root, tmp_path / "html", _KINDS)
    assert theirs == Counter({("docs/parts/snip.rst", "RF209", line): 1 for line in (3, 7, 12)})


def test_relative_docs_moves_links_of_included_content(tmp_path: Path) -> None:
    """With ``:relative-docs: docs/``, a README's ``docs/guide.md`` is the guide page;
    a link without the prefix stays relative to the including page."""
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {
            "index.md": "# Home\n\n```{toctree}\nguide\n```\n\n"
            "```{include} ../README.md\n:relative-docs: docs/\n```\n",
            "guide.md": "# Guide\n",
        },
    )
    (root / "README.md").write_text(
        "See [the guide](docs/guide.md), [nothing](docs/nothere.md) and\n"
        "[contributing](CONTRIBUTING.md).\n",
        encoding="utf-8",
    )
    (root / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert [(f.path, f.line, f.column, f.message) for f in report.findings] == [
        ("README.md", 1, 33, "'myst' cross-reference target not found: 'nothere.md'"),
        ("README.md", 2, 1, "'myst' cross-reference target not found: 'CONTRIBUTING.md'"),
    ]
    kinds = {"'myst' cross-reference target not found": "RF203"}
    theirs = sphinx_warnings(root, tmp_path / "html", kinds)
    assert theirs == Counter({("README.md", "RF203", 1): 2})


def test_content_included_by_included_content_counts_too(tmp_path: Path) -> None:
    """A label in a file that an included file includes is a target of the page; its
    references resolve there too; a file that includes itself is read once."""
    root = write_project(
        tmp_path,
        "",
        {"index.rst": "Home\n====\n\nSee :ref:`deep` and :ref:`deeper`.\n\n"
         ".. include:: ../parts/outer.rst\n"},
    )  # fmt: skip
    parts = root / "parts"
    parts.mkdir()
    # Resolved from the including page (docs/), as Sphinx's include does: ../parts/...
    (parts / "outer.rst").write_text(
        "Outer text.\n\n.. include:: ../parts/inner.rst\n", encoding="utf-8"
    )
    (parts / "inner.rst").write_text(
        ".. _deep:\n\nInner\n-----\n\nBack to :ref:`deep`, on to :ref:`nowhere`.\n",
        encoding="utf-8",
    )
    ours = reference_findings(root, ["RF201"])
    assert ours == [("docs/index.rst", "RF201", 4, 21), ("parts/inner.rst", "RF201", 6, 28)]
    kinds = {"undefined label": "RF201"}
    theirs = sphinx_warnings(root, tmp_path / "html", kinds)
    assert sorted(theirs) == [("docs/index.rst", "RF201", 4), ("parts/inner.rst", "RF201", 6)]


def test_suppressions_in_included_content_hold_at_its_lines(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {"index.md": "# Home\n\n```{include} ../README.md\n:start-after: <!-- start -->\n```\n"},
    )
    (root / "README.md").write_text(
        "# Readme\n\n<!-- start -->\n\n<!-- docs-audit: ignore RF201 -->\n"
        "Known: {ref}`gone`.\n\nBroken: {ref}`missing`.\n",
        encoding="utf-8",
    )
    report = run(None, load_config(cwd=root), select=["RF201"], use_cache=False)
    assert [(f.path, f.line) for f in report.findings] == [("README.md", 8)]
    assert [(f.path, f.line) for f in report.suppressed] == [("README.md", 6)]
