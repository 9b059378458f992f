"""Content pulled in with ``include`` from files that are not pages themselves.

Sphinx parses such content (a README, a changelog at the repository root) as part of
the including page: its labels and glossary terms are targets like any other, and its
references resolve in the including page's context, while Sphinx reports problems at
the included file's own lines. The part taken honours ``start-line``, ``end-line``,
``start-after`` and ``end-before``. Each file is parsed once per including directive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..context import Context
from ..document import Document, FileReference
from ..paths import project_relpath
from ..project import parse_text
from .files import file_path

#: Included files larger than this are not read (a generated dump, say).
MAX_BYTES = 4_000_000
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")


@dataclass(frozen=True)
class Included:
    """One include's content, parsed; positions are lines of the included file."""

    including: Document
    document: Document


def included_content(ctx: Context) -> list[Included]:
    return ctx.computed(_included_content)


def _included_content(ctx: Context) -> list[Included]:
    return [item for doc in _pages(ctx) for item in _read(ctx, doc)]


def by_page(ctx: Context, doc: Document) -> list[Document]:
    return [item.document for item in included_content(ctx) if item.including is doc]


def _pages(ctx: Context) -> list[Document]:
    return [ctx.project.documents[name] for name in sorted(ctx.project.documents)]


def _read(ctx: Context, doc: Document) -> list[Included]:
    result: list[Included] = []
    page_files = _page_files(ctx)
    for reference in doc.files:
        if reference.kind != "include":
            continue
        path = file_path(ctx, doc, reference.target)
        try:
            resolved = path.resolve()
            if resolved in page_files or not resolved.is_file():
                continue  # a page is parsed on its own; a missing file is RF208's
            if resolved.stat().st_size > MAX_BYTES:
                continue
            text = resolved.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        part, offset = _part(text, _options(doc, reference))
        relpath = project_relpath(ctx.config, resolved)
        kind = "md" if doc.format == "md" else "rst"
        settings = getattr(ctx.project, "parse_settings", None)
        try:
            parsed = parse_text(relpath, doc.docname, part, kind, settings)
        except RecursionError:
            continue
        result.append(Included(doc, _shifted(parsed, offset)))
    return result


def _page_files(ctx: Context) -> set[Path]:
    return ctx.computed(_resolved_pages)


def _resolved_pages(ctx: Context) -> set[Path]:
    return {(ctx.config.root / d.relpath).resolve() for d in ctx.project.documents.values()}


def _options(doc: Document, reference: FileReference) -> dict[str, str]:
    """The include directive's options, read from the lines below it."""
    lines = doc.lines
    options: dict[str, str] = {}
    for raw in lines[reference.line : reference.line + 12]:
        match = _OPTION.match(raw)
        if match is None:
            break
        options[match.group("key")] = (match.group("value") or "").strip().strip("'\"")
    return options


def _part(text: str, options: dict[str, str]) -> tuple[str, int]:
    """The included part, as docutils cuts it, and the lines before it."""
    lines = text.splitlines(keepends=True)
    start = _int(options.get("start-line"), 0)
    end = _int(options.get("end-line"), len(lines))
    chosen = "".join(lines[start:end])
    skipped = start
    after = options.get("start-after")
    if after:
        index = chosen.find(after)
        if index >= 0:
            cut = index + len(after)
            skipped += chosen.count("\n", 0, cut)
            # The rest of the line the marker ends on stays, on that same line.
            chosen = chosen[cut:]
    before = options.get("end-before")
    if before:
        index = chosen.find(before)
        if index >= 0:
            chosen = chosen[:index]
    return chosen, skipped


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _shifted(doc: Document, offset: int) -> Document:
    if offset == 0:
        return doc
    doc.references = [
        replace(r, line=r.line + offset, block_line=r.block_line + offset) for r in doc.references
    ]
    doc.labels = [replace(label, line=label.line + offset) for label in doc.labels]
    doc.terms = [replace(t, line=t.line + offset) for t in doc.terms]
    doc.files = [replace(f, line=f.line + offset) for f in doc.files]
    return doc
