"""Files a page pulls in or shows: included sources, images, figures and downloads.

Paths resolve as in Sphinx: relative to the page's folder, or to the source folder
when they start with ``/``. An image path with ``*`` (``logo.*``) is fine when any
file matches. A page that only includes others is never a problem in itself.

Content a page includes (a README, or part of another page) is read as part of that
page: Sphinx resolves its images, downloads, ``include`` and ``literalinclude`` paths
relative to the *including* page (``env.relfn2path(path, docname)``; MyST's
``include`` too), and reports them at the included file's own lines. MyST's
``include`` option ``relative-images`` is the one exception: it moves Markdown images
(``![alt](path)``, not the ``image`` directive) to the included file's folder.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from ..context import Context
from ..document import Document, FileReference
from ..included import include_path, included_part
from ..registry import Violation, page_rule
from .included import by_page, included_pages, myst_include_option
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


def _missing(
    ctx: Context, doc: Document, kinds: tuple[str, ...]
) -> Iterator[tuple[Document, FileReference]]:
    """``(where, reference)`` for each missing file the page names, or the content it
    includes (``where`` is the file the reference is written in)."""
    for where, reference, path in _files_of(ctx, doc):
        if reference.kind not in kinds or not reference.target.strip():
            continue
        if reference.target.strip().lower().startswith(_NOT_FILES):
            continue
        if not _exists(path):
            yield where, reference


def _files_of(ctx: Context, doc: Document) -> Iterator[tuple[Document, FileReference, Path]]:
    for reference in doc.files:
        yield doc, reference, file_path(ctx, doc, reference.target)
    moved = myst_include_option(ctx, doc, "relative-images")
    parts = [(included, included.files) for included in by_page(ctx, doc)]
    # A page it includes is read on its own too; here only the part taken counts.
    for page, include in included_pages(ctx, doc):
        part, offset = included_part(page.text, dict(include.options))
        last = offset + part.count("\n") + 1
        parts.append((page, [f for f in page.files if offset < f.line <= last]))
    for where, files in parts:
        folder = (ctx.config.root / where.relpath).parent
        for reference in files:
            target = reference.target.strip()
            if reference.markdown and where.relpath in moved and not target.startswith("/"):
                yield where, reference, folder / target
            else:
                yield where, reference, file_path(ctx, doc, reference.target)


@page_rule("RF208", "include-not-found", FAMILY)
def include_not_found(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An ``include`` or ``literalinclude`` names a file that does not exist.

    Why: Sphinx stops reading the include (docutils reports it as severe) and the
    page renders without the content.

    In content included from a file that is not a page, an ``include`` or
    ``literalinclude`` path is relative to the including page, as in Sphinx, and
    reported at the included line.

    Fix: correct the path; it is relative to the page, or to the source folder when
    it starts with ``/``.
    """
    for where, reference in _missing(ctx, doc, _INCLUDES):
        if reference.kind == "literalinclude":
            message = f"Include file '{reference.target}' not found or reading it failed"
        elif where.format == "md":
            message = f'Directive "include": file not found: {reference.target!r}'
        else:
            message = f'Problems with "include" directive path: no such file: {reference.target!r}'
        yield Violation(
            where.relpath, reference.line, reference.column, message + _from(doc, where)
        )


@page_rule("RF209", "file-not-found", FAMILY)
def file_not_found(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An image, figure or download names a file that does not exist.

    Why: Sphinx warns (``image.not_readable``, ``download.not_readable``) and the
    page shows a broken image or a dead download link. In content included from a
    file that is not a page (a README), the path is relative to the including page
    (MyST's ``relative-images`` include option moves Markdown images to the included
    file's folder); the finding stands at the included file's line.

    Fix: correct the path (relative to the page, or to the source folder with a
    leading ``/``), or add the file.
    """
    for where, reference in _missing(ctx, doc, _SHOWN):
        if suppressed_by_sphinx(ctx, sphinx_category("RF209", kind=reference.kind)):
            continue
        noun = "download" if reference.kind == "download" else "image"
        message = f"{noun} file not readable: {reference.target}" + _from(doc, where)
        yield Violation(where.relpath, reference.line, reference.column, message)


def _from(page: Document, where: Document) -> str:
    # In included content the path is (as a rule) the including page's, which the
    # reader cannot see at the reported place: name it.
    return "" if where is page else f" (included by {page.relpath})"


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
