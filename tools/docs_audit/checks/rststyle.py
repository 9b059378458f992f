"""RST style with doc8, run on the text already read, its results folded into findings.

House rules: on only when selected (``extend-select``), since Sphinx does not warn.

Depends on doc8's checks API (``doc8.checks``: ``LineCheck.report_iter(line)`` and
``ContentCheck.report_iter(parsed_file)``) in the version range pinned in
``pyproject.toml``; ``tests/test_rststyle.py`` fails outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..config import setting
from ..context import Context
from ..document import Document
from ..registry import Code, Violation, checker

if TYPE_CHECKING:
    from docutils import nodes

FAMILY = "rst"


@dataclass(frozen=True)
class RstTable:
    """``[tool.docs-audit.rst]``: doc8 settings."""

    max_line_length: int = setting(100, "doc8's D001 limit.")
    ignore: list[str] = setting([], "doc8 codes (D000-D005) to skip.")
    allow_long_titles: bool = setting(False, "Let section titles run past the limit.")


class Doc8Page:
    """One page in the shape doc8's checks read (``doc8.parser.ParsedFile``'s interface).

    doc8's content checks take any object with ``lines``, ``lines_iter()``,
    ``errors``, ``document``, ``extension`` and ``filename``; this one is built from
    the text docs-audit already read and the docutils messages its parser already
    collected, so doc8 neither reads the file again nor lints it a second time.
    ``tests/test_rststyle.py`` checks it against doc8's own ``ParsedFile``.
    """

    encoding = "utf-8"

    def __init__(self, doc: Document) -> None:
        self.filename = doc.relpath
        self.extension = "." + doc.format
        self.contents = doc.text
        self.raw_contents = doc.text.encode("utf-8")
        self.errors = doc.markup_messages
        # doc8's newline check reads ``_lines`` as well as ``lines``.
        self._lines = self.lines = self.raw_contents.splitlines(True)
        self._document: nodes.document | None = None

    def lines_iter(self, remove_trailing_newline: bool = True) -> Iterator[str]:
        for raw in self.lines:
            line = raw.decode("utf-8")
            yield line.rstrip("\r\n") if remove_trailing_newline else line

    @property
    def document(self) -> nodes.document:
        """The plain docutils doctree doc8 builds (no Sphinx roles), made on demand."""
        if self._document is None:
            from docutils.parsers.rst import Parser
            from docutils.utils import new_document

            self._document = new_document(self.filename, _doc8_settings())
            Parser().parse(self.contents, self._document)
        return self._document


@cache
def _doc8_settings() -> Any:
    """doc8's docutils settings, made once: building them costs more than a parse."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser

    settings = get_default_settings(Parser)
    settings.halt_level = settings.report_level = 5
    settings.quiet = True
    settings.file_insertion_enabled = False
    return settings


def _doc8_checks(table: RstTable) -> list[Any]:
    from doc8 import checks

    cfg = {
        "max_line_length": table.max_line_length,
        "allow_long_titles": table.allow_long_titles,
        "sphinx": True,
        "ignore": table.ignore,
    }
    return [
        checks.CheckTrailingWhitespace(cfg),
        checks.CheckIndentationNoTab(cfg),
        checks.CheckCarriageReturn(cfg),
        checks.CheckNewlineEndOfFile(cfg),
        checks.CheckValidity(cfg),
        checks.CheckMaxLineLength(cfg),
    ]


def doc8_results(doc: Document, table: RstTable) -> Iterator[tuple[str, int, str]]:
    """doc8's (code, line, message) for one RST page."""
    from doc8 import checks

    page = Doc8Page(doc)
    longest = max((len(line) for line in page.lines_iter()), default=0)
    for check in _doc8_checks(table):
        if isinstance(check, checks.CheckMaxLineLength) and longest <= table.max_line_length:
            # D001 reports only lines over the limit; without one, skip its doctree parse.
            continue
        if isinstance(check, checks.LineCheck):
            for number, line in enumerate(page.lines_iter(), start=1):
                yield from ((code, number, message) for code, message in check.report_iter(line))
        else:
            for number, code, message in check.report_iter(page):
                yield code, number if isinstance(number, int) else 1, message


def _squash(message: str) -> str:
    return " ".join(message.split())


#: doc8 code -> the code docs-audit reports it as.
_CODES = {
    "D000": "RS500",
    "D001": "RS501",
    "D002": "RS502",
    "D003": "RS503",
    "D004": "RS504",
    "D005": "RS505",
}

REPORTS = (
    Code(
        "RS500",
        "invalid-rst",
        """RST that docutils rejects, as doc8 (D000) reports it, Sphinx's own roles and
        directives excepted.
        """,
        default=False,
    ),
    Code(
        "RS501",
        "line-too-long",
        """An RST line longer than ``[tool.docs-audit.rst] max-line-length`` (doc8 D001).

        URLs and literal blocks are exempt, as in doc8.
        """,
        default=False,
    ),
    Code(
        "RS502",
        "trailing-whitespace",
        "Trailing whitespace in an RST page (doc8 D002).",
        default=False,
    ),
    Code(
        "RS503",
        "tab-indentation",
        """An RST line indented with a tab (doc8 D003); RST tab stops are 8 columns and
        rarely what the author meant.
        """,
        default=False,
    ),
    Code(
        "RS504", "carriage-return", "A carriage return in an RST page (doc8 D004).", default=False
    ),
    Code(
        "RS505",
        "no-final-newline",
        "An RST page that does not end with a newline (doc8 D005).",
        default=False,
    ),
)


@checker("page", FAMILY, REPORTS)
def rst_style(doc: Document, ctx: Context) -> Iterator[Violation]:
    """doc8 run once on an RST page; each of its codes becomes one RS5xx rule."""
    if doc.format != "rst":
        return
    table = ctx.config.settings("rst", RstTable)
    # What the parser already reported as invalid markup (DA005) is not said twice.
    known = {(problem.line, _squash(problem.message)) for problem in doc.problems}
    for code, line, message in doc8_results(doc, table):
        if code in table.ignore or code not in _CODES:
            continue
        if (line, _squash(message)) not in known:
            yield Violation(doc.relpath, line, 1, f"{message} (doc8 {code})", code=_CODES[code])
