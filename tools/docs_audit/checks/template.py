"""Pages that must follow a section template (for example every backend page)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import setting
from ..context import Context
from ..document import Document, Section
from ..registry import Violation, page_rule

FAMILY = "template"


@dataclass(frozen=True)
class TemplateTable:
    """``[tool.docs-audit.template]``: the sections some pages must have."""

    pages: list[str] = setting([], "Page globs (relative to docs-root) that follow the template.")
    exclude: list[str] = setting([], "Page globs exempt from the template.")
    sections: list[str] = setting([], "Required section titles, in order.")
    level: int = setting(2, "Heading level of the template's sections.")
    allow_extra: bool = setting(True, "Whether sections outside the template may appear.")


def _applies(doc: Document, ctx: Context) -> bool:
    table = ctx.table("template")
    relative = ctx.docs_relative(doc)
    return (
        bool(table["sections"])
        and any(fnmatch.fnmatch(relative, g) for g in table["pages"])
        and not any(fnmatch.fnmatch(relative, g) for g in table["exclude"])
    )


def _present(doc: Document, ctx: Context) -> list[tuple[int, Section]]:
    """Template sections found on the page: (template index, section), in page order."""
    table = ctx.table("template")
    wanted = {title.casefold(): index for index, title in enumerate(table["sections"])}
    return [
        (wanted[s.heading.text.casefold()], s)
        for s in doc.sections(table["level"])
        if s.heading.text.casefold() in wanted
    ]


@page_rule("TP301", "missing-section", FAMILY, default=False)
def missing_section(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A page under the template lacks one of its required sections.

    Why: readers move between backend pages expecting the same sections in the
    same places (Installation, ARGS Translation, Common Issues...).

    Reported at the section the missing one should precede (or the page's end).
    """
    if not _applies(doc, ctx):
        return
    sections = ctx.table("template")["sections"]
    present = _present(doc, ctx)
    found = {index for index, _ in present}
    for index, title in enumerate(sections):
        if index in found:
            continue
        later = [s for i, s in present if i > index]
        line = later[0].heading.line if later else max(len(doc.lines), 1)
        yield Violation(doc.relpath, line, 1, f"missing required section '{title}'")


@page_rule("TP302", "misordered-section", FAMILY, default=False)
def misordered_section(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A template section appears out of the template's order.

    Reported at each section that is out of place (those outside the longest run
    already in order), naming the section it should follow.
    """
    if not _applies(doc, ctx):
        return
    present = _present(doc, ctx)
    keep = _longest_ordered(present)
    sections = ctx.table("template")["sections"]
    for position, (index, section) in enumerate(present):
        if position in keep:
            continue
        before = sections[index - 1] if index > 0 else None
        where = f"after '{before}'" if before else "first"
        yield Violation(
            doc.relpath,
            section.heading.line,
            section.heading.column,
            f"section '{section.heading.text}' is out of order; it belongs {where}",
        )


def _longest_ordered(present: list[tuple[int, Section]]) -> set[int]:
    """Positions of the longest increasing run of template indices (quadratic, lists are short)."""
    best: list[list[int]] = []
    for position, (index, _) in enumerate(present):
        earlier = [best[p] for p in range(position) if present[p][0] < index]
        chain = max(earlier, key=_length) if earlier else []
        best.append([*chain, position])
    longest: list[int] = max(best, key=_length) if best else []
    return set(longest)


def _length(chain: list[int]) -> int:
    return len(chain)


@page_rule("TP303", "empty-section", FAMILY, default=False)
def empty_section(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A template section has a heading and nothing under it.

    Fix: write the section, or say plainly that there is nothing to say and why.
    """
    if not _applies(doc, ctx):
        return
    for _, section in _present(doc, ctx):
        if not section.has_content:
            yield Violation(
                doc.relpath,
                section.heading.line,
                section.heading.column,
                f"section '{section.heading.text}' is empty",
            )


@page_rule("TP304", "unexpected-section", FAMILY, default=False)
def unexpected_section(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A section at the template's level that the template does not name
    (only when ``allow-extra = false``).
    """
    table = ctx.table("template")
    if not _applies(doc, ctx) or table["allow-extra"]:
        return
    wanted = {title.casefold() for title in table["sections"]}
    for section in doc.sections(table["level"]):
        if section.heading.text.casefold() not in wanted:
            yield Violation(
                doc.relpath,
                section.heading.line,
                section.heading.column,
                f"section '{section.heading.text}' is not part of the template",
            )
