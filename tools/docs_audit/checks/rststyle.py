"""RST style with doc8, run on the text already read, its results folded into findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config import Field
from ..context import Context
from ..document import Document
from ..registry import Violation, page_rule

FAMILY = "rst"

SCHEMA = {
    "max-line-length": Field("int", 100, "doc8's D001 limit."),
    "ignore": Field("list[str]", [], "doc8 codes (D000-D005) to skip."),
    "allow-long-titles": Field("bool", False, "Let section titles run past the limit."),
}


def _doc8_file(doc: Document) -> Any:
    from doc8.parser import ParsedFile

    raw = doc.text.encode("utf-8")
    parsed = ParsedFile(doc.relpath)
    # doc8 normally reads and parses the file itself, twice (once more through
    # restructuredtext-lint); hand it the text, doctree and messages already made.
    parsed._raw_content = raw
    parsed._lines = raw.splitlines(True)
    parsed._has_read = True
    parsed._errors = doc.markup_messages
    if "doctree" in doc.transient:
        parsed._doc = doc.transient["doctree"]
    return parsed


def _doc8_checks(ctx: Context) -> list[Any]:
    from doc8 import checks

    table = ctx.table("rst")
    cfg = {
        "max_line_length": table["max-line-length"],
        "allow_long_titles": table["allow-long-titles"],
        "sphinx": True,
        "ignore": table["ignore"],
    }
    return [
        checks.CheckTrailingWhitespace(cfg),
        checks.CheckIndentationNoTab(cfg),
        checks.CheckCarriageReturn(cfg),
        checks.CheckNewlineEndOfFile(cfg),
        checks.CheckValidity(cfg),
        checks.CheckMaxLineLength(cfg),
    ]


def doc8_results(doc: Document, ctx: Context) -> list[tuple[str, int, str]]:
    """doc8's (code, line, message) for one page, run once and shared by the RS rules."""
    key = "doc8:" + repr(sorted(ctx.table("rst").items()))
    if key in doc.memo:
        return doc.memo[key]  # type: ignore[no-any-return]
    results: list[tuple[str, int, str]] = []
    if doc.format == "rst":
        from doc8 import checks

        parsed = _doc8_file(doc)
        for check in _doc8_checks(ctx):
            if isinstance(check, checks.LineCheck):
                for number, line in enumerate(parsed.lines_iter(), start=1):
                    results.extend(
                        (code, number, message) for code, message in check.report_iter(line)
                    )
            else:
                results.extend(
                    (code, number if isinstance(number, int) else 1, message)
                    for number, code, message in check.report_iter(parsed)
                )
    doc.memo[key] = results
    if doc.format == "rst":
        ctx.memo["dirty"] = True
    return results


def _squash(message: str) -> str:
    return " ".join(message.split())


def _doc8_rule(doc8_code: str, doc: Document, ctx: Context) -> Iterator[Violation]:
    if doc8_code in ctx.table("rst")["ignore"]:
        return
    # What the parser already reported as invalid markup (DA005) is not said twice.
    known = {(problem.line, _squash(problem.message)) for problem in doc.problems}
    for code, line, message in doc8_results(doc, ctx):
        if code == doc8_code and (line, _squash(message)) not in known:
            yield Violation(doc.relpath, line, 1, f"{message} (doc8 {code})")


@page_rule("RS500", "invalid-rst", FAMILY, default=False)
def invalid_rst(doc: Document, ctx: Context) -> Iterator[Violation]:
    """RST that docutils rejects, as doc8 (D000) reports it, Sphinx's own roles and
    directives excepted.
    """
    yield from _doc8_rule("D000", doc, ctx)


@page_rule("RS501", "line-too-long", FAMILY, default=False)
def line_too_long(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An RST line longer than ``[tool.docs-audit.rst] max-line-length`` (doc8 D001).

    URLs and literal blocks are exempt, as in doc8.
    """
    yield from _doc8_rule("D001", doc, ctx)


@page_rule("RS502", "trailing-whitespace", FAMILY, default=False)
def trailing_whitespace(doc: Document, ctx: Context) -> Iterator[Violation]:
    """Trailing whitespace in an RST page (doc8 D002)."""
    yield from _doc8_rule("D002", doc, ctx)


@page_rule("RS503", "tab-indentation", FAMILY, default=False)
def tab_indentation(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An RST line indented with a tab (doc8 D003); RST tab stops are 8 columns and
    rarely what the author meant.
    """
    yield from _doc8_rule("D003", doc, ctx)


@page_rule("RS504", "carriage-return", FAMILY, default=False)
def carriage_return(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A carriage return in an RST page (doc8 D004)."""
    yield from _doc8_rule("D004", doc, ctx)


@page_rule("RS505", "no-final-newline", FAMILY, default=False)
def no_final_newline(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An RST page that does not end with a newline (doc8 D005)."""
    yield from _doc8_rule("D005", doc, ctx)
