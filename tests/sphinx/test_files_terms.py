"""Includes, images, downloads, glossary terms and envvars, decided as Sphinx decides them."""

from __future__ import annotations

from pathlib import Path

from docs_audit.api import run
from docs_audit.config import load_config

from .helpers import reference_findings, sphinx_warnings, write_project

RST_PAGE = """Home
====

.. toctree::

   other

.. include:: snippet.rst

.. include:: missing.rst

.. literalinclude:: /code/missing.py

.. image:: img/logo.png

.. image:: img/absent.png

.. figure:: img/logo.*

:download:`the zip <files/nofile.zip>` and :term:`Foo` and :term:`bar`
and :envvar:`HOME_DIR` and :envvar:`APP_MODE`.

.. glossary::

   foo
      A foo.

.. envvar:: APP_MODE

   How the app runs.
"""


def _findings(root: Path) -> list[tuple[str, str, int, int]]:
    return reference_findings(root)


def _project(tmp_path: Path, conf: str = "project = 'x'\n") -> Path:
    root = write_project(
        tmp_path,
        conf,
        {
            "index.rst": RST_PAGE,
            "other.rst": "Other\n=====\n",
            # Pulled in by an include: not asked for in a toctree, as in Sphinx.
            "snippet.rst": "Snippet text.\n",
        },
    )
    (root / "docs" / "img").mkdir()
    (root / "docs" / "img" / "logo.png").write_bytes(b"\x89PNG\r\n")
    return root


def test_missing_files_terms_and_envvars_are_reported_at_their_place(tmp_path: Path) -> None:
    assert _findings(_project(tmp_path)) == [
        ("docs/index.rst", "RF208", 10, 14),
        ("docs/index.rst", "RF208", 12, 21),
        ("docs/index.rst", "RF209", 16, 12),
        ("docs/index.rst", "RF209", 20, 1),
        ("docs/index.rst", "RF210", 20, 60),
        ("docs/index.rst", "RF211", 21, 5),
    ]


def test_with_intersphinx_an_unknown_envvar_is_undecided(tmp_path: Path) -> None:
    conf = "intersphinx_mapping = {'click': ('https://click.invalid/', None)}\n"
    root = _project(tmp_path, conf)
    report = run(None, load_config(cwd=root), select=["RF"], use_cache=False)
    assert "RF211" not in {f.code for f in report.findings}
    assert report.stats["check"]["undecided-intersphinx"] == 1


def test_myst_files_and_terms(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {
            "index.md": "# Home\n\n![logo](img/none.png) and {download}`f <none.zip>`\n\n"
            "```{include} ../README.md\n```\n\n{term}`Widget` and {term}`Gadget`\n\n"
            "```{glossary}\nwidget\n  A widget.\n```\n",
        },
    )
    (root / "README.md").write_text("# Readme\n", encoding="utf-8")
    assert _findings(root) == [
        ("docs/index.md", "RF209", 3, 1),
        ("docs/index.md", "RF209", 3, 27),
        ("docs/index.md", "RF210", 8, 20),
    ]


_SPHINX_KINDS = {
    'Problems with "include" directive path': "RF208",
    "Include file": "RF208",
    "image file not readable": "RF209",
    "download file not readable": "RF209",
    "term not in glossary": "RF210",
    "'envvar' reference target not found": "RF211",
}


def test_the_same_places_as_a_real_sphinx_build(tmp_path: Path) -> None:
    from collections import Counter

    from .matching import match

    root = _project(tmp_path)
    theirs = sphinx_warnings(root, tmp_path / "html", _SPHINX_KINDS)
    ours = Counter((path, code, line) for path, code, line, _ in _findings(root))
    assert theirs.total() == 6
    assert match(ours, theirs, root) == (Counter(), Counter())


def test_included_content_counts_where_it_is_included(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {
            "index.md": "# Home\n\n```{toctree}\nother\n```\n\n"
            "```{include} ../README.md\n:start-after: <!-- start -->\n```\n",
            "other.md": "# Other\n\nSee {ref}`readme-label` and {term}`Gizmo`.\n",
        },
    )
    (root / "README.md").write_text(
        "# Project\n\nBefore the marker {ref}`not-taken`.\n\n<!-- start -->\n\n"
        "(readme-label)=\n## Usage\n\nA {ref}`missing-in-readme` reference.\n\n"
        "```{glossary}\nGizmo\n  A thing.\n```\n",
        encoding="utf-8",
    )
    # The label and term the README defines are targets; its broken reference is
    # reported at the README's own line; the part before the marker is not read.
    assert _findings(root) == [("README.md", "RF201", 10, 3)]


def test_rst_include_options_choose_the_included_lines(tmp_path: Path) -> None:
    """The options come from the parsed directive: only lines 5 to the end-before marker."""
    root = write_project(
        tmp_path,
        "",
        {
            "index.rst": "Home\n====\n\n.. include:: ../NOTES.rst\n"
            "   :start-line: 4\n   :end-before: .. cut\n"
        },
    )
    (root / "NOTES.rst").write_text(
        "Skipped :ref:`not-taken`.\n\nStill skipped.\n\nTaken :ref:`missing-here`.\n\n"
        ".. cut\n\nAfter the cut :ref:`not-taken-either`.\n",
        encoding="utf-8",
    )
    assert _findings(root) == [("NOTES.rst", "RF201", 5, 7)]


def test_included_content_is_kept_in_the_page_cache(tmp_path: Path) -> None:
    from docs_audit.project import load_project

    root = write_project(
        tmp_path,
        "extensions = ['myst_parser']\n",
        {"index.md": "# Home\n\n```{include} ../README.md\n```\n"},
    )
    (root / "README.md").write_text("(readme)=\n## Readme\n", encoding="utf-8")
    first = load_project(load_config(cwd=root))
    assert first.cache_stale
    first.save_cache()
    second = load_project(load_config(cwd=root))
    # Nothing was parsed again, and the included content came back from the cache.
    assert not second.cache_stale
    assert [label.name for label in second.included["index"][0].labels] == ["readme"]
    (root / "README.md").write_text("(renamed)=\n## Readme\n", encoding="utf-8")
    third = load_project(load_config(cwd=root))
    assert third.cache_stale
    assert [label.name for label in third.included["index"][0].labels] == ["renamed"]


def test_suppress_warnings_silences_what_sphinx_silences(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = write_project(
        tmp_path,
        "suppress_warnings = ['ref.ref', 'image']\n",
        {
            "index.rst": "Home\n====\n\n:ref:`nowhere` and :doc:`nothing`.\n\n"
            ".. image:: absent.png\n"
        },
    )
    assert [code for _, code, _, _ in _findings(root)] == ["RF202"]
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "-q", "--no-color", "-b", "html",
         str(root / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "unknown document: 'nothing'" in warnings[0]
