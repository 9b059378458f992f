"""Included content, read in the including page's context.

Sphinx parses an ``include`` in place: the labels, terms and references of the included
text belong to the including page. :func:`with_included` folds a parsed fragment into a
page, every fact attributed to the include directive (its line and column), since the
page's own lines do not hold them. Reading the file is the caller's job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from ..document import DescribedObject, Document, FileReference, Label, Reference, Term


def selected_text(text: str, options: Mapping[str, str]) -> str:
    """The part of ``text`` an include's options select, as docutils and MyST cut it."""
    lines = text.splitlines(keepends=True)
    start = _int(options.get("start-line"))
    end = _int(options.get("end-line"))
    text = "".join(lines[start:end])
    after = _unquoted(options.get("start-after", ""))
    if after and after in text:
        text = text.split(after, 1)[1]
    before = _unquoted(options.get("end-before", ""))
    if before and before in text:
        text = text.split(before, 1)[0]
    return text


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def with_included(doc: Document, fragments: Sequence[tuple[FileReference, Document]]) -> Document:
    """``doc`` with the targets and references of each included fragment added."""
    if not fragments:
        return doc
    labels = list(doc.labels)
    references = list(doc.references)
    terms = list(doc.terms)
    objects = list(doc.objects)
    for at, part in fragments:
        line, column = at.line, at.column
        labels += [Label(x.name, line, column, line, x.kind) for x in part.labels]
        references += [
            Reference(r.kind, r.target, line, column, r.explicit_title, line)
            for r in part.references
        ]
        terms += [Term(t.name, line, column) for t in part.terms]
        objects += [DescribedObject(o.kind, o.name, line, column) for o in part.objects]
    # The fragment's own files are not followed: their paths are relative to another file.
    anchors = set(doc.anchors) | {label.name for label in labels}
    return dataclasses.replace(
        doc,
        labels=labels,
        references=references,
        terms=terms,
        objects=objects,
        anchors=anchors,
    )
