"""Escaping what findings carry from files and servers before a reporter prints it.

File names, page text quoted in messages, redirect targets and status lines
come from people and servers docs-audit does not control. Printed raw, a file
named ``x\\n::error file=README.md::...`` runs a workflow command in a GitHub
Actions log, an ESC sequence drives the reader's terminal, a pipe or a ``<``
rewrites a Markdown table, and a name that is not UTF-8 (held as lone
surrogates by Python) makes JSON invalid and the write fail. Every reporter
runs every textual field through one of these functions.
"""

from __future__ import annotations

import re

# Lone surrogates: a name decoded with surrogateescape, or broken text.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0, DEL, C1, the Unicode line and paragraph separators, and the bidirectional
# overrides and isolates that make text read differently from what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Characters with a meaning in Markdown or HTML that a table cell must show as text;
# `@` would mention a user or team in an issue body.
_MARKDOWN = re.compile(r"[&<>|`*_\[\]\\!~@]")


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # one byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def readable(text: str) -> str:
    """``text`` as valid Unicode: each byte of a non-UTF-8 name becomes ``\\xNN``."""
    return _SURROGATE.sub(_surrogate, text)


def printable(text: str) -> str:
    """:func:`readable`, and control characters as ``\\xNN`` or ``\\uNNNN``: one line, inert."""
    return _CONTROL.sub(_control, readable(text))


def markdown_cell(text: str) -> str:
    """:func:`printable` text that shows as itself in a Markdown table cell.

    Markup characters become HTML character references, which Markdown never
    reads as syntax (inside a code span it would show them literally, and a
    backtick would end the span, so there is none).
    """
    return _MARKDOWN.sub(lambda m: f"&#{ord(m.group())};", printable(text))


def markdown_code(text: str) -> str:
    """A cell value set in monospace, as safely as :func:`markdown_cell`.

    A code span shows its content literally (no HTML, no emphasis), so only
    the table's pipe needs its escape; the fence is one backtick longer than
    any run inside. A backslash could turn that escape into a literal pipe
    that ends the cell, so such text is shown as ``<code>`` with references.
    """
    shown = printable(text)
    if "\\" in shown:
        return f"<code>{markdown_cell(shown)}</code>"
    shown = shown.replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"
