"""Included content as the checks see it: what each page pulls in from non-page files.

The project loads and caches it (:mod:`docs_audit.included`); here it is paired with
the page that includes it, whose context its references resolve in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..context import Context
from ..document import Document, FileReference
from ..included import include_path, includes
from ..paths import project_relpath


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


def included_pages(ctx: Context, doc: Document) -> list[tuple[Document, FileReference]]:
    """Pages ``doc`` includes (each also read on its own), with the include: Sphinx
    reads their content inline too, in ``doc``'s context."""
    found: list[tuple[Document, FileReference]] = []
    for reference in includes(doc):
        path = include_path(ctx.config.docs_root, doc, reference.target).resolve()
        page = _pages_by_path(ctx).get(path)
        if page is not None:
            found.append((page, reference))
    return found


def _pages_by_path(ctx: Context) -> dict[Path, Document]:
    return ctx.computed(_resolved_pages)


def _resolved_pages(ctx: Context) -> dict[Path, Document]:
    root = ctx.config.root
    return {(root / page.relpath).resolve(): page for page in ctx.project.documents.values()}


def myst_include_option(ctx: Context, doc: Document, option: str) -> dict[str, str]:
    """Included file (project-relative path) -> the value of MyST's ``include``
    ``option`` (``relative-images``, ``relative-docs``) where ``doc`` sets it."""
    if doc.format != "md":
        return {}
    found: dict[str, str] = {}
    for reference in includes(doc):
        options = dict(reference.options)
        if option in options:
            path = include_path(ctx.config.docs_root, doc, reference.target).resolve()
            found.setdefault(project_relpath(ctx.config, path), options[option])
    return found
