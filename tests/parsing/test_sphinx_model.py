"""What the parsers extract for Sphinx's view of a page (issue 10), at exact positions.

Targets (labels, ``:name:``, ``{#id}``, ``figure-md``, glossary terms, heading anchors),
references of every role (domain roles kept with their domain), files (includes,
images, figures, downloads) and extension-declared references, in MyST and in RST.
"""

from __future__ import annotations

import textwrap

from docs_audit.document import Document, FileReference, Label, Term
from docs_audit.parsing import extensions
from docs_audit.parsing.extensions import ReferenceSlot, declare_directive, declare_role
from docs_audit.parsing.myst import parse_myst
from docs_audit.parsing.rst import parse_rst
from docs_audit.parsing.settings import DEFAULT_SETTINGS, ParseSettings

ATTRS = ParseSettings.of(myst_extensions=["attrs_block", "attrs_inline"])


def md(text: str, settings: ParseSettings = ATTRS) -> Document:
    return parse_myst("docs/p.md", "p", textwrap.dedent(text), settings)


def rst(text: str, settings: ParseSettings = DEFAULT_SETTINGS) -> Document:
    return parse_rst("docs/p.rst", "p", textwrap.dedent(text), settings)


def refs(doc: Document) -> list[tuple[str, str, int, int]]:
    return [(r.kind, r.target, r.line, r.column) for r in doc.references]


def test_myst_names_attribute_ids_and_figure_md_are_labels() -> None:
    doc = md(
        """\
        {#para-id}
        A paragraph and a [span]{#span-id}.

        :::{figure} img/f.png
        :name: fig-one

        Caption
        :::

        :::{figure-md} fig-md
        ![x](img/g.png)
        :::

        ```{code-block} python
        ---
        name: yaml-name
        ---
        x = 1
        ```
        """
    )
    assert doc.labels == [
        Label("para-id", 1, 1, 2, "id"),
        Label("span-id", 2, 25, 2, "id"),
        Label("fig-one", 5, 8, 4, "name"),
        Label("fig-md", 10, 16, 10, "figure"),
        Label("yaml-name", 16, 7, 14, "name"),
    ]


def test_myst_attribute_ids_need_the_extension() -> None:
    doc = md("{#para-id}\nA paragraph.\n", ParseSettings())
    assert doc.labels == []


def test_rst_name_option_on_any_directive_is_a_label() -> None:
    doc = rst(
        """\
        .. image:: img/a.png
           :name: img-name

        .. note::
           :name: note-name

           Body.

        .. code-block:: python
           :name: code-name

           x = 1

        .. autofunction:: pkg.f
           :name: opaque-name
        """
    )
    assert [(x.name, x.line, x.column, x.element_line, x.kind) for x in doc.labels] == [
        ("img-name", 2, 11, 1, "name"),
        ("note-name", 5, 11, 4, "name"),
        ("code-name", 10, 11, 9, "name"),
        ("opaque-name", 15, 11, 14, "name"),
    ]


def test_rst_label_wrapped_over_lines_and_overlined_title_with_literal() -> None:
    doc = rst(
        """\
        .. _two words
           wrapped:

        ==================
        ``code`` first
        ==================

        Text.
        """
    )
    assert doc.labels == [Label("two words wrapped", 1, 1, 4)]
    assert [(h.text, h.line) for h in doc.headings] == [("code first", 5)]


def test_heading_anchors_exactly_as_myst_heading_anchors() -> None:
    text = "# One\n\n## Two\n\n### Three\n\n## Two\n"
    assert md(text, ParseSettings()).anchors == set()
    assert md(text, ParseSettings(heading_anchors=2)).anchors == {"one", "two", "two-1"}
    assert md(text, ParseSettings(heading_anchors=3)).anchors == {
        "one",
        "two",
        "three",
        "two-1",
    }


def test_glossary_terms_in_both_formats() -> None:
    myst = md(
        """\
        :::{glossary}
        dunder methods
          Methods like `__init__`, see {term}`slotted classes`.

        slotted classes
        slots : index key
          Classes with slots.
        :::
        """
    )
    assert myst.terms == [
        Term("dunder methods", 2, 1),
        Term("slotted classes", 5, 1),
        Term("slots", 6, 1),
    ]
    assert refs(myst) == [("term", "slotted classes", 3, 32)]
    page = rst(
        """\
        .. glossary::

           Dunder
              Def with :term:`Second`.

           Second
           Third
              Def.
        """
    )
    assert page.terms == [Term("Dunder", 3, 4), Term("Second", 6, 4), Term("Third", 7, 4)]
    assert refs(page) == [("term", "Second", 4, 16)]
    assert page.problems == []  # stacked terms are no "unexpected indentation"


#: Both syntaxes below put each reference at the same line and column.
SAME_PLACES = [
    ("term", "Dunder", 1, 5),
    ("envvar", "HOME", 1, 24),
    ("py:class", "a.B", 2, 6),
    ("class", "C", 2, 23),
    ("ref", "x", 2, 35),
    ("ref", "x", 2, 48),
]


def test_every_reference_role_at_its_own_place_with_its_domain() -> None:
    myst = md(
        """\
        See {term}`Dunder` and {envvar}`HOME`,
        then {py:class}`a.B`, {class}`C`, {ref}`x` and {ref}`x`.
        Not references: {abbr}`A (b)` {sub}`2` {bdg-primary}`badge`.
        """
    )
    assert refs(myst) == SAME_PLACES
    assert [r.block_line for r in myst.references] == [1] * 6
    page = rst(
        """\
        See :term:`Dunder` and :envvar:`HOME`
        then :py:class:`a.B`, :class:`C`, :ref:`x` and :std:ref:`x`.
        Not: :abbr:`A (b)` :sub:`2` :code:`x`.
        """
    )
    assert refs(page) == SAME_PLACES
    assert [r.block_line for r in page.references] == [1] * 6


def test_rst_default_role_makes_single_backticks_references() -> None:
    text = "Text `sys.version_info` here.\n"
    assert refs(rst(text, ParseSettings(default_role="any"))) == [("any", "sys.version_info", 1, 6)]
    assert refs(rst(text)) == []
    assert refs(rst(text, ParseSettings(default_role="code"))) == []


def test_myst_project_and_inv_links_and_external_attribute() -> None:
    doc = md(
        """\
        [a](project:guide.md#x) and <project:b.md> and [c](inv:python#std:label:x)
        and [d](tabs.html?x=1#y){.external} and [e](other.md).
        """
    )
    assert refs(doc) == [
        ("link", "guide.md#x", 1, 1),
        ("link", "b.md", 1, 29),
        ("inv", "python#std:label:x", 1, 48),
        ("link", "other.md", 2, 41),
    ]


def test_files_includes_images_figures_downloads() -> None:
    myst = md(
        """\
        {download}`files/x.zip` and ![pic](img/p.png) and ![web](https://x.org/a.png)

        :::{figure} img/f.png
        Caption
        :::

        ```{image} img/i.svg
        ```

        ```{include} ../README.md
        ```

        ```{literalinclude} code.py
        ```
        """
    )
    assert myst.files == [
        FileReference("download", "files/x.zip", 1, 1),
        FileReference("image", "img/p.png", 1, 29, markdown=True),
        FileReference("figure", "img/f.png", 3, 13),
        FileReference("image", "img/i.svg", 7, 12),
        FileReference("include", "../README.md", 10, 14),
        FileReference("literalinclude", "code.py", 13, 21),
    ]
    page = rst(
        """\
        Get :download:`the file <files/x.zip>`.

        .. image:: img/a.png

        .. figure:: img/f.png

           Caption.

        .. |logo| image:: img/logo.png

        .. include:: ../CHANGES.rst

        .. literalinclude:: code.py
        """
    )
    assert page.files == [
        FileReference("download", "files/x.zip", 1, 5),
        FileReference("image", "img/a.png", 3, 12),
        FileReference("figure", "img/f.png", 5, 13),
        FileReference("image", "img/logo.png", 9, 19),
        FileReference("include", "../CHANGES.rst", 11, 14),
        FileReference("literalinclude", "code.py", 13, 21),
    ]
    # An include is recorded, not refused: no "directive disabled" message.
    assert [m for m in page.markup_messages if m.level >= 2] == []


def test_directive_arguments_sphinx_reads_as_inline_text_hold_references() -> None:
    """The text after a version note's version, and a title Sphinx parses inline."""
    myst = md(
        """\
        ~~~{deprecated} 3.2 Use {class}`Foo` instead
        More {ref}`body`.
        ~~~

        ~~~{versionadded} 1.0
        ~~~

        ~~~{admonition} See {ref}`adm`
        Text.
        ~~~

        ~~~{centered} A {ref}`cen` line
        ~~~

        ~~~{note} A {ref}`note-body` starts here
        and goes on.
        ~~~
        """
    )
    assert refs(myst) == [
        ("class", "Foo", 1, 25),
        ("ref", "body", 2, 6),
        ("ref", "adm", 8, 21),
        ("ref", "cen", 12, 17),
        ("ref", "note-body", 15, 13),
    ]
    page = rst(
        """\
        .. deprecated:: 3.2
            Merged with :class:`AppContext`. And
            :ref:`second`.

        .. versionadded:: 1.0 Text :ref:`same-line`

           Body :ref:`body`.

        .. version-changed:: 2.0

        .. centered:: A :ref:`cen` line
        """
    )
    assert refs(page) == [
        ("class", "AppContext", 2, 17),
        ("ref", "second", 3, 5),
        ("ref", "same-line", 5, 28),
        ("ref", "body", 7, 9),
        ("ref", "cen", 11, 17),
    ]
    assert [m for m in page.markup_messages if m.level >= 2] == []


def test_code_captions_are_read_as_markup_at_the_option_line() -> None:
    myst = md(
        """\
        ```{code-block} python
        :caption: See {ref}`cap` and [the site](https://example.org)

        x = {ref}`not-a-reference`
        ```
        """
    )
    assert refs(myst) == [("ref", "cap", 2, 15)]
    assert [(link.url, link.line, link.column) for link in myst.links] == [
        ("https://example.org", 2, 41)
    ]
    page = rst(
        """\
        .. literalinclude:: code.py
           :caption: Code, see :ref:`cap`

        .. code-block:: python
           :caption: :doc:`other`

           x = 1
        """
    )
    assert refs(page) == [("ref", "cap", 2, 24), ("doc", "other", 5, 14)]


def test_eval_rst_targets_and_references_count_where_they_stand() -> None:
    doc = md(
        """\
        Intro.

        ```{eval-rst}
        .. _rst-in-md:

        Ref :ref:`top` and :term:`Dunder`.

        .. image:: img/a.png
           :name: pic
        ```
        """
    )
    assert [(x.name, x.line, x.column, x.kind) for x in doc.labels] == [
        ("rst-in-md", 4, 1, "label"),
        ("pic", 9, 11, "name"),
    ]
    assert refs(doc) == [("ref", "top", 6, 5), ("term", "Dunder", 6, 20)]
    assert doc.files == [FileReference("image", "img/a.png", 8, 12)]


def test_sphinx_design_references_are_declared() -> None:
    myst = md(
        """\
        ```{button-ref} top
        :ref-type: doc
        ```

        :::{card} Title
        :link: guide
        :link-type: ref
        :::

        :::{grid-item-card} Web
        :link: https://x.org
        :::
        """
    )
    assert refs(myst) == [("doc", "top", 1, 17), ("ref", "guide", 6, 8)]
    assert [(x.url, x.line, x.column) for x in myst.links] == [("https://x.org", 11, 8)]
    page = rst(
        """\
        .. button-ref:: top

        .. card:: Title
           :link: guide
           :link-type: doc

           Body.
        """
    )
    assert refs(page) == [("any", "top", 1, 17), ("doc", "guide", 4, 11)]


def test_a_plugin_declares_its_own_references() -> None:
    saved = (dict(extensions._DIRECTIVES), dict(extensions._ROLES))
    before = ParseSettings().key()
    try:
        declare_directive("my-link", ReferenceSlot("target", "doc"))
        declare_role("issue-ref", "ref")
        doc = md(
            """\
            ```{my-link}
            :target: guide
            ```

            See {issue-ref}`label`.
            """
        )
        assert refs(doc) == [("doc", "guide", 2, 10), ("ref", "label", 5, 5)]
        # Declarations change how pages parse, so they are part of the cache key.
        assert ParseSettings().key() != before
    finally:
        extensions._DIRECTIVES.clear()
        extensions._DIRECTIVES.update(saved[0])
        extensions._ROLES.clear()
        extensions._ROLES.update(saved[1])


def test_settings_are_plain_values_and_keyed() -> None:
    a = ParseSettings.of(3, ["deflist", "colon_fence"], "any", [".rst", ".md"])
    b = ParseSettings(3, frozenset({"colon_fence", "deflist"}), "any", (".rst", ".md"))
    assert a == b and a.key() == b.key()
    assert a.key() != ParseSettings().key()


def test_domain_object_directives_describe_objects_and_hold_prose() -> None:
    page = rst(
        """\
        .. envvar:: FLASK_ENV

           Set it, see :ref:`config`.

        .. py:data:: SECRET_KEY

           A :class:`datetime.timedelta`.

        .. function:: make(a, b)
        """
    )
    assert [(o.kind, o.name, o.line, o.column) for o in page.objects] == [
        ("envvar", "FLASK_ENV", 1, 13),
        ("py:data", "SECRET_KEY", 5, 14),
        ("py:function", "make", 9, 15),
    ]
    assert refs(page) == [("ref", "config", 3, 16), ("class", "datetime.timedelta", 7, 6)]
    myst = md(
        """\
        ```{envvar} HOME
        The home, see {ref}`x`.
        ```
        """
    )
    assert [(o.kind, o.name, o.line, o.column) for o in myst.objects] == [("envvar", "HOME", 1, 13)]
    assert refs(myst) == [("ref", "x", 2, 15)]


def test_programs_and_options_with_one_object_per_signature_line() -> None:
    page = rst(
        """\
        .. program:: prog sub

        .. option:: -v, --verbose
                    --level=<n>
           :noindex:

           Loud, see :option:`-v`.

        .. std:program:: None

        .. py:function:: f(x)
        """
    )
    assert [(o.kind, o.name, o.line, o.column) for o in page.objects] == [
        ("program", "prog sub", 1, 14),
        ("option", "-v, --verbose", 3, 13),
        ("option", "--level=<n>", 4, 13),
        ("program", "None", 9, 18),
        ("py:function", "f", 11, 18),
    ]
    assert refs(page) == [("option", "-v", 7, 14)]
    myst = md("```{program} tool\n```\n\n```{option} --flag ARG\n```\n")
    assert [(o.kind, o.name, o.line) for o in myst.objects] == [
        ("program", "tool", 1),
        ("option", "--flag ARG", 4),
    ]


def test_html_images_are_files_only_with_html_image() -> None:
    text = """\
        Text <img src="a.png" alt=x> here.

        <div>
        <img alt="y"
             src="img/b.svg">
        <img src="https://x.org/c.png">
        </div>
        """
    settings = ParseSettings.of(myst_extensions=["html_image"])
    assert md(text, settings).files == [
        FileReference("image", "a.png", 1, 16),
        FileReference("image", "img/b.svg", 5, 11),
    ]
    assert md(text).files == []
