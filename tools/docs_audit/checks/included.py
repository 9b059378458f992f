"""Included content as the checks see it: what each page pulls in from non-page files.

The project loads and caches it (:mod:`docs_audit.included`); here it is paired with
the page that includes it, whose context its references resolve in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..context import Context
from ..document import Document


@dataclass(frozen=True)
class Included:
    """One include's content; positions are lines of the included file."""

    including: Document
    document: Document


def included_content(ctx: Context) -> list[Included]:
    return ctx.computed(_included_content)


def _included_content(ctx: Context) -> list[Included]:
    pages = ctx.project.documents
    return [
        Included(pages[docname], document)
        for docname, parts in sorted(ctx.project.included.items())
        if docname in pages
        for document in parts
    ]


def by_page(ctx: Context, doc: Document) -> list[Document]:
    return ctx.project.included.get(doc.docname, [])
