"""References in directive arguments Sphinx parses as inline text (a version note's text
after the version, ``centered``, an admonition's or a table's title, the opening line
of a MyST admonition) and in options Sphinx parses as text (a code block's caption, a
``confval``'s type and default), compared with a real Sphinx build.

Sphinx does not name the reference's own line there: it parses a version note's text
at the directive's line + 1 (``sphinx.domains.changeset``), a caption at the code's
first line (a ``literalinclude``'s on a line after the directive), a ``confval``'s
options at the directive's line, and MyST's nested inline parse adds one more line to
every argument. docs-audit reports the line the reference is written on; the table
below says, for each, the line Sphinx names instead.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from docs_audit.api import run
from docs_audit.config import load_config

from .helpers import sphinx_warnings, write_project

INDEX = """Home
====

.. toctree::

   page

.. deprecated:: 3.2
    Merged with :ref:`rst-next-line`. More
    text :ref:`rst-second-line`.

.. versionadded:: 1.0 Text :ref:`rst-same-line`
   and :ref:`rst-same-next`

   Body :ref:`rst-body`.

.. centered:: Centre :ref:`rst-centered`

.. versionchanged:: 2.0

   Only a body :ref:`rst-only-body`.

.. admonition:: Title :ref:`rst-admonition`

   Text.

.. code-block:: python
   :linenos:
   :caption: See :ref:`rst-caption` here

   x = 1

.. literalinclude:: conf.py
   :caption: Conf :ref:`rst-literal-caption`

.. confval:: my_value
   :type: :ref:`rst-type`
   :default: ``1``, see :ref:`rst-default`

   Body.
"""

PAGE = """# Page

~~~{deprecated} 3.2 Use {ref}`md-same-line` instead
More {ref}`md-body`.
~~~

~~~{admonition} See {ref}`md-admonition`
Body.
~~~

~~~{rubric} A {ref}`md-rubric`
~~~

~~~{centered} Centre {ref}`md-centered`
~~~

~~~{versionadded} 1.0
~~~

~~~{list-table} Title {ref}`md-table`
* - a
~~~

~~~{note} A note {ref}`md-note` on its first line
and more.
~~~

~~~{seealso} {ref}`md-seealso`
~~~

~~~{code-block} python
:caption: See {ref}`md-caption` here

x = 1
~~~

~~~{confval} other_value
:type: {ref}`md-type`

Body.
~~~
"""

#: label -> (path, line and column docs-audit reports, line Sphinx names).
EXPECTED: dict[str, tuple[str, int, int, int]] = {
    "rst-next-line": ("docs/index.rst", 9, 17, 9),
    "rst-second-line": ("docs/index.rst", 10, 10, 9),
    "rst-same-line": ("docs/index.rst", 12, 28, 13),
    "rst-same-next": ("docs/index.rst", 13, 8, 13),
    "rst-body": ("docs/index.rst", 15, 9, 15),
    "rst-centered": ("docs/index.rst", 17, 22, 17),
    "rst-only-body": ("docs/index.rst", 21, 16, 21),
    "rst-admonition": ("docs/index.rst", 23, 23, 23),
    "rst-caption": ("docs/index.rst", 29, 18, 31),
    "rst-literal-caption": ("docs/index.rst", 34, 19, 36),
    "rst-type": ("docs/index.rst", 37, 11, 36),
    "rst-default": ("docs/index.rst", 38, 25, 36),
    "md-same-line": ("docs/page.md", 3, 25, 5),
    "md-body": ("docs/page.md", 4, 6, 4),
    "md-admonition": ("docs/page.md", 7, 21, 8),
    "md-rubric": ("docs/page.md", 11, 15, 12),
    "md-centered": ("docs/page.md", 14, 22, 15),
    "md-table": ("docs/page.md", 20, 23, 21),
    "md-note": ("docs/page.md", 24, 18, 24),
    "md-seealso": ("docs/page.md", 28, 14, 28),
    "md-caption": ("docs/page.md", 32, 15, 34),
    "md-type": ("docs/page.md", 38, 8, 38),
}


def _project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path, "extensions = ['myst_parser']\n", {"index.rst": INDEX, "page.md": PAGE}
    )


Expected = dict[str, tuple[str, int, int, int]]


def _assert_ours(root: Path, expected: Expected) -> None:
    """docs-audit names each label's reference at its own line and column."""
    report = run(None, load_config(cwd=root), select=["RF201"], use_cache=False)
    ours = {
        re.sub(r"^undefined label: '(.*)'$", r"\1", f.message): (f.path, f.line, f.column)
        for f in report.findings
    }
    assert ours == {label: place[:3] for label, place in expected.items()}


def _assert_theirs(root: Path, out: Path, expected: Expected) -> None:
    """A real Sphinx build warns about the same references, at the lines it names."""
    theirs = sphinx_warnings(root, out, {"undefined label": "RF201"})
    assert theirs == Counter((path, "RF201", sphinx) for path, _, _, sphinx in expected.values())


def test_references_in_inline_arguments_are_reported_where_written(tmp_path: Path) -> None:
    _assert_ours(_project(tmp_path), EXPECTED)


def test_sphinx_warns_about_the_same_references(tmp_path: Path) -> None:
    _assert_theirs(_project(tmp_path), tmp_path / "html", EXPECTED)


DESIGN_INDEX = """Home
====

.. card:: Card :ref:`rst-card`

   Body.

.. dropdown:: Drop :ref:`rst-drop`

   Body.

.. tab-set::

   .. tab-item:: Tab :ref:`rst-tab`

      Body.

.. grid:: 2

   .. grid-item-card:: Item :ref:`rst-item`

      Body.

.. toctree::

   design
"""

DESIGN_PAGE = """# Design

:::{card} Card {ref}`md-card`
Body.
:::

::::{tab-set}
:::{tab-item} Tab {ref}`md-tab`
Body.
:::
::::
"""

#: label -> (path, line and column docs-audit reports, line Sphinx names).
DESIGN_EXPECTED: dict[str, tuple[str, int, int, int]] = {
    "rst-card": ("docs/index.rst", 4, 16, 4),
    "rst-drop": ("docs/index.rst", 8, 20, 8),
    "rst-tab": ("docs/index.rst", 14, 22, 14),
    "rst-item": ("docs/index.rst", 20, 29, 20),
    "md-card": ("docs/design.md", 3, 16, 4),
    "md-tab": ("docs/design.md", 8, 19, 10),
}


def test_sphinx_design_titles_are_inline_text(tmp_path: Path) -> None:
    """sphinx-design parses a card's, dropdown's and tab's title with ``inline_text``."""
    root = write_project(
        tmp_path,
        "extensions = ['myst_parser', 'sphinx_design']\nmyst_enable_extensions = ['colon_fence']\n",
        {"index.rst": DESIGN_INDEX, "design.md": DESIGN_PAGE},
    )
    _assert_ours(root, DESIGN_EXPECTED)
    _assert_theirs(root, tmp_path / "html", DESIGN_EXPECTED)
