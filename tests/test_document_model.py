"""The parsed page model: what each parser extracts, at exact 1-based positions."""

from __future__ import annotations

from docs_audit.document import CodeBlock, Heading, Label, Link, Reference, TocEntry, Toctree
from docs_audit.parsing.myst import parse_myst
from docs_audit.parsing.rst import parse_rst
from docs_audit.parsing.settings import ParseSettings

MYST = """\
---
orphan: true
---
(top)=
# Title with `code`

## Same
## Same

Text {ref}`top` and {doc}`other <sub/page>`, [anchor](#same-1) and
[elsewhere](guide.md#part) and {any}`thing` and https://bare.example.org/x.

```{toctree}
:glob:
:hidden:

intro
Guide <guides/*>
```

:::{toctree}
colon-entry
:::

```python
x = "https://not-a-link.example.org"
```

```{note}
Inside a note: {ref}`in-note` and <https://auto.example.org>.
```

```{code-block} yaml
:caption: Config

key: value
```

`https://inline-code.example.org` is code.

<!-- docs-audit: ignore CD401 -->
```
plain
```
"""

RST = """\
:orphan:

.. _rst-top:

RST title
=========

Para with :ref:`rst-top`, :doc:`/index`, :py:func:`os.path.join`
and `a link <https://docs.example.org/>`_.

.. automodule:: unknown.to.docutils
   :members:

.. toctree::
   :hidden:

   first
   Second <second>

.. code-block:: python
   :caption: Example

   print("https://in-code.example.org")

.. docs-audit: ignore RS501

Done.
"""


def test_myst_headings_slugs_and_title() -> None:
    doc = parse_myst("docs/a.md", "a", MYST)
    assert doc.title == "Title with code"
    assert doc.headings == [
        Heading(1, "Title with code", "title-with-code", 5),
        Heading(2, "Same", "same", 7),
        Heading(2, "Same", "same-1", 8),
    ]
    assert doc.orphan is True
    assert doc.labels == [Label("top", 4, 1, element_line=5)]
    # Sphinx's default (myst_heading_anchors unset): headings are no link targets.
    assert doc.anchors == {"top"}


def test_myst_heading_anchors_follow_the_configured_depth() -> None:
    deep = parse_myst("docs/a.md", "a", MYST, ParseSettings(heading_anchors=2))
    assert deep.anchors == {"title-with-code", "same", "same-1", "top"}
    shallow = parse_myst("docs/a.md", "a", MYST, ParseSettings(heading_anchors=1))
    assert shallow.anchors == {"title-with-code", "top"}


def test_myst_references_keep_exact_and_block_lines() -> None:
    doc = parse_myst("docs/a.md", "a", MYST)
    assert doc.references[:5] == [
        Reference("ref", "top", 10, 6, False, block_line=10),
        Reference("doc", "sub/page", 10, 21, True, block_line=10),
        Reference("link", "#same-1", 10, 46, True, block_line=10),
        Reference("link", "guide.md#part", 11, 1, True, block_line=10),
        Reference("any", "thing", 11, 32, False, block_line=10),
    ]
    assert Reference("ref", "in-note", 30, 16, False, block_line=30) in doc.references


def test_myst_toctrees_in_both_fence_styles() -> None:
    doc = parse_myst("docs/a.md", "a", MYST)
    assert doc.toctrees == [
        Toctree(
            13,
            (TocEntry("intro", 17), TocEntry("guides/*", 18, title="Guide")),
            glob=True,
            hidden=True,
        ),
        Toctree(21, (TocEntry("colon-entry", 22),)),
    ]


def test_myst_code_blocks_and_links_never_from_code() -> None:
    doc = parse_myst("docs/a.md", "a", MYST)
    languages = [(b.language, b.line, b.body_line, b.directive) for b in doc.code_blocks]
    assert languages == [
        ("python", 25, 26, "fence"),
        ("yaml", 33, 36, "code-block"),
        ("", 42, 43, "fence"),
    ]
    assert doc.code_blocks[1] == CodeBlock(
        "yaml", "key: value\n", 33, 36, 1, "code-block", (("caption", "Config"),)
    )
    urls = {link.url for link in doc.links}
    assert urls == {"https://bare.example.org/x", "https://auto.example.org"}
    assert sorted(doc.links, key=lambda link: link.line) == [
        Link("https://bare.example.org/x", 11, 49, "bare"),
        Link("https://auto.example.org", 30, 36, "autolink"),
    ]


def test_myst_prose_ranges_and_suppressions() -> None:
    doc = parse_myst("docs/a.md", "a", MYST)
    assert (10, 11) in doc.prose_ranges and (5, 5) in doc.prose_ranges
    assert not any(start <= 26 <= end for start, end in doc.prose_ranges)  # code is not prose
    assert [(s.codes, s.start, s.end) for s in doc.suppressions] == [(("CD401",), 42, 44)]


def test_rst_model_with_sphinx_names_unknown_to_docutils() -> None:
    doc = parse_rst("docs/b.rst", "b", RST)
    assert doc.problems == []  # automodule and :py:func: are Sphinx's, not errors
    assert doc.orphan is True and doc.title == "RST title"
    assert doc.headings == [Heading(1, "RST title", "rst-title", 5)]
    assert doc.labels == [Label("rst-top", 3, 1, element_line=5)]
    assert [(r.kind, r.target, r.line, r.column) for r in doc.references] == [
        ("ref", "rst-top", 8, 11),
        ("doc", "/index", 8, 27),
        ("py:func", "os.path.join", 8, 42),  # a domain role, kept with its domain
    ]
    assert doc.toctrees == [
        Toctree(14, (TocEntry("first", 17), TocEntry("second", 18, title="Second")), hidden=True)
    ]
    assert [(b.language, b.line, b.body_line) for b in doc.code_blocks] == [("python", 20, 23)]
    assert [link.url for link in doc.links] == ["https://docs.example.org/"]
    assert (8, 9) in doc.prose_ranges
    assert [(s.codes, s.start, s.end) for s in doc.suppressions] == [(("RS501",), 27, 27)]


def test_rst_parse_leaves_docutils_registries_as_they_were() -> None:
    from docutils.parsers.rst import directives, roles

    before = (dict(directives._directives), dict(roles._roles))  # type: ignore[attr-defined]
    parse_rst("docs/b.rst", "b", RST)
    assert (dict(directives._directives), dict(roles._roles)) == before  # type: ignore[attr-defined]
