"""The one directive table: both parsers read a directive's body the same way."""

from __future__ import annotations

import textwrap

from docs_audit.parsing.directives import Kind, kind_of, split_options
from docs_audit.parsing.myst import parse_myst
from docs_audit.parsing.rst import parse_rst


def test_doctest_body_is_code_not_prose_in_myst() -> None:
    doc = parse_myst(
        "docs/page.md",
        "page",
        textwrap.dedent(
            """\
            Intro {ref}`real`.

            ```{doctest}
            >>> # {ref}`not-a-ref` https://not-a-link.org
            ```
            """
        ),
    )
    assert [(r.target, r.line) for r in doc.references] == [("real", 1)]
    assert doc.prose_ranges == [(1, 1)]
    assert doc.links == []


def test_code_cell_is_a_code_block_in_both_formats() -> None:
    md = parse_myst("p.md", "p", "```{code-cell} python\nx = 1\n```\n")
    rst = parse_rst("p.rst", "p", ".. code-cell:: python\n\n   x = 1\n")
    assert [(b.language, b.directive, b.body_line) for b in md.code_blocks] == [
        ("python", "code-cell", 2)
    ]
    assert [(b.language, b.directive, b.body_line) for b in rst.code_blocks] == [
        ("python", "code-cell", 3)
    ]


def test_kinds_of_names_both_parsers_meet() -> None:
    assert kind_of("code-block") is Kind.CODE and kind_of("Code-Block") is Kind.CODE
    assert kind_of("mermaid") is Kind.LITERAL
    assert kind_of("note") is Kind.PROSE and kind_of("tab-item") is Kind.PROSE
    assert kind_of("eval-rst") is Kind.EVAL_RST
    assert kind_of("no-such-directive") is Kind.UNKNOWN


def test_yaml_option_block_gives_each_option_its_line() -> None:
    parts = split_options("---\nalt: x\ntarget: https://t.org\n---\nBody\n", first_line=10)
    assert parts.options == {"alt": "x", "target": "https://t.org"}
    assert parts.option_lines == {"alt": 11, "target": 12}
    assert (parts.body, parts.body_line) == ("Body\n", 14)


def test_unknown_yaml_option_of_a_fixed_directive_is_reported_on_its_line() -> None:
    doc = parse_myst(
        "p.md",
        "p",
        "```{code-block} python\n---\nlinenos: true\nbogus: 1\n---\nx = 1\n```\n",
    )
    assert [(p.code, p.line) for p in doc.problems] == [("DA005", 4)]
    assert 'unknown option: "bogus"' in doc.problems[0].message
