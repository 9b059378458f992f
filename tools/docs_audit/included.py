"""Content pages pull in with ``include`` from files that are not pages themselves.

Sphinx parses such content (a README, a changelog at the repository root) as part of
the including page: its labels and glossary terms are targets like any other, and its
references resolve in the including page's context, while Sphinx reports problems at
the included file's own lines. The part taken honours ``start-line``, ``end-line``,
``start-after`` and ``end-before``; positions stay the file's own lines even where
docutils (an RST include of a part) numbers them from the part's start. Parts are parsed once and kept in the page cache
(keyed by the part's bytes), so a warm run reads the file and parses nothing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .document import Document, FileReference, Problem


def include_path(docs_root: Path, doc: Document, target: str) -> Path:
    """Where an include (or image, download) ``target`` written in ``doc`` lies: relative
    to the page's folder, or to the source folder when it starts with ``/``."""
    path = target.strip()
    if path.startswith("/"):
        return docs_root / path.lstrip("/")
    return docs_root / posixpath.dirname(doc.docname) / path


def includes(doc: Document) -> list[FileReference]:
    return [reference for reference in doc.files if reference.kind == "include"]


def included_part(text: str, options: dict[str, str]) -> tuple[str, int]:
    """The included part, as docutils cuts it, and how many lines come before it."""
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


def parse_part(
    parse: Callable[[str], Document | Problem], part: str, offset: int
) -> Document | Problem:
    """``parse(part)`` with every position moved to the included file's own lines."""
    try:
        parsed = parse(part)
    except RecursionError:
        return Problem("DA005", 1 + offset, 1, "included content nested too deeply to parse")
    if isinstance(parsed, Problem) or offset == 0:
        return parsed
    parsed.references = [
        replace(r, line=r.line + offset, block_line=r.block_line + offset)
        for r in parsed.references
    ]
    parsed.labels = [replace(label, line=label.line + offset) for label in parsed.labels]
    parsed.terms = [replace(t, line=t.line + offset) for t in parsed.terms]
    parsed.objects = [replace(o, line=o.line + offset) for o in parsed.objects]
    parsed.files = [replace(f, line=f.line + offset) for f in parsed.files]
    parsed.suppressions = [
        replace(s, start=s.start + offset, end=s.end + offset, line=s.line + offset)
        for s in parsed.suppressions
    ]
    return parsed
