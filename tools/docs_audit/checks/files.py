"""Files a page pulls in or shows: included sources, images, figures and downloads.

Paths resolve as in Sphinx: relative to the page's folder, or to the source folder
when they start with ``/``. An image path with ``*`` (``logo.*``) is fine when any
file matches. A page that only includes others is never a problem in itself.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from ..context import Context
from ..document import Document, FileReference
from ..included import include_path
from ..registry import Violation, page_rule
from .resolution import sphinx_category, suppressed_by_sphinx

FAMILY = "references"

_INCLUDES = ("include", "literalinclude")
_SHOWN = ("image", "figure", "download")
_NOT_FILES = ("data:", "http:", "https:", "ftp:", "mailto:")


def file_path(ctx: Context, doc: Document, target: str) -> Path:
    """Where ``target`` (as written in ``doc``) lies on disk."""
    return include_path(ctx.config.docs_root, doc, target)


def _exists(path: Path) -> bool:
    if "*" in path.name:
        return any(
            Path(found).is_file()
            for found in glob.glob(glob.escape(str(path.parent)) + "/" + path.name)
        )
    return path.is_file()


def _missing(ctx: Context, doc: Document, kinds: tuple[str, ...]) -> Iterator[FileReference]:
    for reference in doc.files:
        if reference.kind not in kinds or not reference.target.strip():
            continue
        if reference.target.strip().lower().startswith(_NOT_FILES):
            continue
        if not _exists(file_path(ctx, doc, reference.target)):
            yield reference


@page_rule("RF208", "include-not-found", FAMILY)
def include_not_found(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An ``include`` or ``literalinclude`` names a file that does not exist.

    Why: Sphinx stops reading the include (docutils reports it as severe) and the
    page renders without the content.

    Fix: correct the path; it is relative to the page, or to the source folder when
    it starts with ``/``.
    """
    for reference in _missing(ctx, doc, _INCLUDES):
        if reference.kind == "literalinclude":
            message = f"Include file '{reference.target}' not found or reading it failed"
        else:
            message = f'Problems with "include" directive path: no such file: {reference.target!r}'
        yield Violation(doc.relpath, reference.line, reference.column, message)


@page_rule("RF209", "file-not-found", FAMILY)
def file_not_found(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An image, figure or download names a file that does not exist.

    Why: Sphinx warns (``image.not_readable``, ``download.not_readable``) and the
    page shows a broken image or a dead download link.

    Fix: correct the path (relative to the page, or to the source folder with a
    leading ``/``), or add the file.
    """
    for reference in _missing(ctx, doc, _SHOWN):
        if suppressed_by_sphinx(ctx, sphinx_category("RF209", kind=reference.kind)):
            continue
        noun = "download" if reference.kind == "download" else "image"
        message = f"{noun} file not readable: {reference.target}"
        yield Violation(doc.relpath, reference.line, reference.column, message)


def included_docnames(ctx: Context) -> set[str]:
    """Pages other pages include: Sphinx does not ask for them in a toctree."""
    return ctx.computed(_included_docnames)


def _included_docnames(ctx: Context) -> set[str]:
    found: set[str] = set()
    root = ctx.config.docs_root.resolve()
    for doc in ctx.project.documents.values():
        for reference in doc.files:
            if reference.kind != "include":
                continue
            path = file_path(ctx, doc, reference.target).resolve()
            if path.is_relative_to(root):
                found.add(path.relative_to(root).with_suffix("").as_posix())
    return found
