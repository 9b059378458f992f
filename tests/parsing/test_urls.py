"""URL extraction by the page walk: every kind of link at its exact place, none from code."""

from __future__ import annotations

import textwrap

from docs_audit.parsing.myst import parse_myst
from docs_audit.parsing.rst import parse_rst
from docs_audit.parsing.urls import bare_urls, is_external, is_toctree_url


def md_links(text: str) -> list[tuple[str, int, int, str]]:
    doc = parse_myst("docs/page.md", "page", textwrap.dedent(text))
    return [(link.url, link.line, link.column, link.kind) for link in doc.links]


def rst_links(text: str) -> list[tuple[str, int, int, str]]:
    doc = parse_rst("docs/page.rst", "page", textwrap.dedent(text))
    return [(link.url, link.line, link.column, link.kind) for link in doc.links]


def test_markdown_inline_autolink_image_and_bare_urls_with_exact_positions() -> None:
    found = md_links(
        """\
        # Title with https://head.org

        See [text](https://a.org/x#frag "t") and <https://auto.org>.
        Bare https://bare.org/path_(x). and ![img](https://img.org/i.png)
        """
    )
    assert found == [
        ("https://head.org", 1, 14, "bare"),
        ("https://a.org/x#frag", 3, 12, "inline"),
        ("https://auto.org", 3, 43, "autolink"),
        ("https://bare.org/path_(x)", 4, 6, "bare"),
        ("https://img.org/i.png", 4, 44, "image"),
    ]


def test_markdown_never_reads_code_math_comments_html_or_front_matter() -> None:
    found = md_links(
        """\
        ---
        url: https://front.org
        ---
        Text `https://span.org` and ``https://double.org`` and {ref}`x <https://role.org>`.
        $https://math.org$ <a href="https://html.org">x</a>

        ```python
        https://fence.org
        ```

            https://indented.org

        % https://comment.org
        <!-- https://html-comment.org -->

        ```{code-block} python
        https://codeblock.org
        ```

        :::{code} text
        https://colon-code.org
        :::
        """
    )
    assert found == []


def test_markdown_reference_definitions_are_reported_on_their_own_line() -> None:
    found = md_links(
        """\
        Use [the guide][guide] and [guide] again.

        [guide]: https://guide.org/page
          "Title"
        [unused]:
          https://unused.org
        """
    )
    assert found == [
        ("https://guide.org/page", 3, 10, "definition"),
        ("https://unused.org", 6, 3, "definition"),
    ]


def test_markdown_url_in_link_text_is_not_a_second_link() -> None:
    assert md_links("[https://a.org](https://a.org)\n") == [("https://a.org", 1, 17, "inline")]


def test_markdown_repeated_url_gets_each_position() -> None:
    assert md_links("x https://a.org y `https://a.org` z https://a.org\n") == [
        ("https://a.org", 1, 3, "bare"),
        ("https://a.org", 1, 37, "bare"),
    ]


def test_markdown_nested_blocks_keep_source_columns() -> None:
    found = md_links(
        """\
        > quote [q](<https://q.org/a b>)

        - item
          continued https://item.org
        """
    )
    assert found == [
        ("https://q.org/a%20b", 1, 14, "inline"),
        ("https://item.org", 4, 13, "bare"),
    ]


def test_markdown_directives_options_and_prose_bodies() -> None:
    found = md_links(
        """\
        ```{image} https://image.org/x.png
        :target: https://target.org
        :alt: x
        ```

        :::{note}
        Read https://note.org and [x](https://x.org).
        :::

        ```{eval-rst}
        See `Python <https://python.org>`_.
        ```

        ```{toctree}
        intro
        Changelog <https://changes.org>
        ```
        """
    )
    assert found == [
        ("https://image.org/x.png", 1, 12, "image"),
        ("https://target.org", 2, 10, "target"),
        ("https://note.org", 7, 6, "bare"),
        ("https://x.org", 7, 31, "inline"),
        ("https://python.org", 11, 14, "inline"),
        ("https://changes.org", 16, 12, "toctree"),
    ]


def test_markdown_internal_targets_are_not_links() -> None:
    found = md_links("[a](other.md) [b](#sec) [c](project:x.md) [d](mailto:me@x.org)\n")
    assert found == [("mailto:me@x.org", 1, 47, "inline")]


def test_rst_embedded_standalone_named_and_anonymous() -> None:
    found = rst_links(
        """\
        Title https://title.org
        =======================

        Para with `Python <https://python.org/>`_ and https://standalone.org/x.
        Second `named`_ and `anon <https://anon.org>`__.

        * item with https://item.org and `wrapped
          link <https://wrapped.org>`_

        .. _named: https://named.org/

        .. _other:
           https://other.org/
        """
    )
    assert found == [
        ("https://title.org", 1, 7, "bare"),
        ("https://python.org/", 4, 20, "inline"),
        ("https://standalone.org/x", 4, 47, "bare"),
        ("https://anon.org", 5, 28, "inline"),
        ("https://item.org", 7, 13, "bare"),
        ("https://wrapped.org", 8, 9, "inline"),
        ("https://named.org/", 10, 12, "definition"),
        ("https://other.org/", 13, 4, "definition"),
    ]


def test_rst_images_figures_and_targets() -> None:
    found = rst_links(
        """\
        .. image:: https://image.org/a.png
           :target: https://imgtarget.org

        .. figure:: pic.png
           :alt: x
           :target: https://figtarget.org

           Caption https://caption.org
        """
    )
    assert found == [
        ("https://image.org/a.png", 1, 12, "image"),
        ("https://imgtarget.org", 2, 13, "target"),
        ("https://figtarget.org", 6, 13, "target"),
        ("https://caption.org", 8, 12, "bare"),
    ]


def test_rst_never_reads_literals_code_or_comments() -> None:
    found = rst_links(
        """\
        ``https://inline.org`` and :code:`https://role.org`

        ::

            https://literal.org

        .. code-block:: python

           x = "https://code.org"

        .. https://comment.org

        >>> print("https://doctest.org")

        Real https://real.org
        """
    )
    assert found == [("https://real.org", 15, 6, "bare")]


def test_rst_same_url_in_literal_block_before_prose_is_placed_in_prose() -> None:
    found = rst_links(
        """\
        First `a <https://a.org>`_.

        ::

            https://b.org

        Then https://b.org here.
        """
    )
    assert found == [("https://a.org", 1, 11, "inline"), ("https://b.org", 7, 6, "bare")]


def test_rst_substitution_is_reported_at_its_definition_only() -> None:
    found = rst_links(
        """\
        Use |site| twice: |site|.

        .. |site| replace:: `Site <https://site.org>`__
        """
    )
    assert found == [("https://site.org", 3, 28, "inline")]


def test_bare_url_trimming_follows_prose_punctuation() -> None:
    assert [u for _, u in bare_urls("(see https://a.org/x), https://b.org/wiki/A_(b). ok")] == [
        "https://a.org/x",
        "https://b.org/wiki/A_(b)",
    ]


def test_external_schemes() -> None:
    assert is_external("https://a.org") and is_external("mailto:x@y.org")
    assert not is_external("project:page.md") and not is_external("page.md#x")


def test_toctree_url_is_sphinx_meaning_not_the_link_audit_one() -> None:
    # Sphinx's toctree takes any "scheme://" for a URL; the link audit follows known schemes.
    assert is_toctree_url("foo://x") and not is_external("foo://x")
    assert is_toctree_url("https://a.org") and is_external("https://a.org")
    assert not is_toctree_url("intro") and not is_toctree_url("project:intro")


def test_template_expressions_are_never_urls_in_markdown() -> None:
    found = md_links(
        """\
        Get https://x.org/{{ version }}/a and [t](https://{{ host }}/p) or
        <https://y.org/{{v}}> and {{ url }} then https://z.org/{% if a %}b{% endif %}.
        Keep https://real.org here.

        ```{image} https://img.org/{{ name }}.png
        :target: https://t.org/{{ x }}
        ```
        """
    )
    assert found == [("https://real.org", 3, 6, "bare")]


def test_template_expressions_are_never_urls_in_rst() -> None:
    found = rst_links(
        """\
        See `docs <https://x.org/{{ version }}/>`_ and https://y.org/{{ v }}/z.

        Keep https://real.org here.
        """
    )
    assert found == [("https://real.org", 3, 6, "bare")]


def test_yaml_directive_options_are_placed_on_their_own_lines() -> None:
    found = md_links(
        """\
        :::{figure} pic.png
        ---
        alt: picture
        target: https://yaml-target.org
        ---
        Caption with https://caption.org
        :::
        """
    )
    assert found == [
        ("https://yaml-target.org", 4, 9, "target"),
        ("https://caption.org", 6, 14, "bare"),
    ]


def test_code_like_directive_bodies_yield_no_links_in_either_format() -> None:
    md = md_links(
        """\
        ```{doctest}
        >>> "https://doctest.org"
        ```

        ```{mermaid}
        graph: https://mermaid.org
        ```
        """
    )
    rst = rst_links(
        """\
        .. doctest::

           >>> "https://doctest.org"

        .. mermaid::

           graph: https://mermaid.org
        """
    )
    assert md == [] and rst == []
