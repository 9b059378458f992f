"""Cross-references and toctrees, judged the way Sphinx judges them, without Sphinx.

Lines follow Sphinx too: a reference is reported at the first line of the text
block that holds it (the message names the exact line when it differs), a toctree
problem at the directive, a page outside every toctree at line 1.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import setting
from ..context import Context
from ..document import Document, Reference
from ..parsing.urls import is_toctree_url
from ..registry import Violation, page_rule, project_rule
from ..toc import join_docname, resolve_entry, strip_suffix, toctree_children
from .labels import label_index

FAMILY = "references"


@dataclass(frozen=True)
class ReferencesTable:
    """``[tool.docs-audit.references]``: what references resolve against."""

    root_doc: str = setting("index", "The document at the top of the toctree (Sphinx's root_doc).")
    builtin_labels: list[str] = setting(
        ["genindex", "modindex", "search", "py-modindex"],
        "Labels Sphinx always defines.",
    )


_TITLED_DIRECTIVES = ("figure", "table", "list-table", "csv-table", "code-block", "literalinclude")


def _position(ref: Reference) -> tuple[int, int, str]:
    line = ref.block_line or ref.line
    if line == ref.line:
        return line, ref.column, ""
    return line, 1, f" (line {ref.line})"


def _labels(ctx: Context) -> set[str]:
    return set(label_index(ctx)) | {n.lower() for n in ctx.table("references")["builtin-labels"]}


@page_rule("RF201", "undefined-label", FAMILY)
def undefined_label(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``{ref}``/``:ref:`` (or ``numref``) names a label that no page defines.

    Why: Sphinx renders the reference as plain text with no link, and warns only
    when run with ``-n``.

    Example: ``{ref}`instalation``` when the label is ``installation``.

    Fix: correct the name, or add the label ``(name)=`` above its target.
    """
    labels = _labels(ctx)
    for ref in doc.references:
        if ref.kind in ("ref", "numref") and ref.target.lower() not in labels:
            line, column, exact = _position(ref)
            yield Violation(doc.relpath, line, column, f"undefined label: '{ref.target}'{exact}")


@page_rule("RF206", "reference-without-title", FAMILY)
def reference_without_title(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``{ref}`` without a title points at a label that marks no heading.

    Why: Sphinx takes the link text from the section title; a label above a
    paragraph has none, so the reference renders as nothing useful.

    Fix: give the reference a title (``{ref}`text <label>```) or move the label
    above a heading.
    """
    index = label_index(ctx)
    for ref in doc.references:
        if ref.kind != "ref" or ref.explicit_title:
            continue
        found = index.get(ref.target.lower())
        if found is None:
            continue
        owner, label = found
        if not _has_title(owner, label.element_line):
            line, column, exact = _position(ref)
            yield Violation(
                doc.relpath,
                line,
                column,
                f"Failed to create a cross reference. A title or caption not found: '{ref.target}'{exact}",
            )


def _has_title(doc: Document, element_line: int) -> bool:
    if any(h.line in (element_line, element_line + 1) for h in doc.headings):
        return True
    lines = doc.lines
    text = lines[element_line - 1].strip() if 0 < element_line <= len(lines) else ""
    return any(name in text for name in _TITLED_DIRECTIVES)


@page_rule("RF202", "unknown-document", FAMILY)
def unknown_document(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``{doc}``/``:doc:`` reference names a document that does not exist.

    Fix: correct the path; it is relative to the current page unless it starts with ``/``.
    """
    docnames = ctx.project.documents
    for ref in doc.references:
        if ref.kind != "doc":
            continue
        if join_docname(doc.docname, strip_suffix(ref.target)) not in docnames:
            line, column, exact = _position(ref)
            yield Violation(doc.relpath, line, column, f"unknown document: '{ref.target}'{exact}")


@page_rule("RF203", "unresolved-link", FAMILY)
def unresolved_link(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A Markdown link inside the project (``#anchor``, ``page.md``, ``page.md#anchor``)
    or an ``{any}`` reference leads nowhere.

    Why: MyST turns such links into cross-references; a missing target renders as
    a dead link. Heading anchors exist for the levels ``myst_heading_anchors`` covers.

    Fix: point at an existing label, heading slug or page.
    """
    for ref in doc.references:
        if ref.kind == "any":
            problem = _any_problem(ref, ctx)
        elif ref.kind == "link":
            problem = _link_problem(doc, ref, ctx)
        else:
            continue
        if problem:
            line, column, exact = _position(ref)
            yield Violation(doc.relpath, line, column, problem + exact)


def _any_problem(ref: Reference, ctx: Context) -> str | None:
    if ref.target.lower() in _labels(ctx) or ref.target in ctx.project.documents:
        return None
    return f"'any' reference target not found: {ref.target}"


def _link_problem(doc: Document, ref: Reference, ctx: Context) -> str | None:
    path, _, anchor = ref.target.partition("#")
    if not path:
        if anchor in doc.anchors or anchor.lower() in _labels(ctx):
            return None
        return f"'myst' cross-reference target not found: '{anchor}'"
    docname = join_docname(doc.docname, strip_suffix(path))
    target = ctx.project.documents.get(docname)
    if target is None:
        if not path.endswith((".md", ".rst")) and (
            path.lower() in _labels(ctx) or _file_exists(ctx, doc, path)
        ):
            return None
        return f"'myst' cross-reference target not found: '{ref.target}'"
    if anchor and anchor not in target.anchors:
        return f"local id not found in doc '{docname}': '{anchor}'"
    return None


def _file_exists(ctx: Context, doc: Document, path: str) -> bool:
    folder = posixpath.dirname(doc.docname)
    return (ctx.config.docs_root / folder / path).exists()


@project_rule("RF204", "not-in-toctree", FAMILY)
def not_in_toctree(ctx: Context) -> Iterator[Violation]:
    """A page is in no toctree (and is not marked ``:orphan:``).

    Why: readers cannot reach it from the navigation; Sphinx builds it but warns.

    Fix: add it to a toctree, or put ``orphan: true`` in its front matter
    (``:orphan:`` at the top of an RST page) if it is reached by links only.
    """
    docnames = set(ctx.project.documents)
    included = {
        name for doc in ctx.project.documents.values() for name in toctree_children(doc, docnames)
    }
    root = ctx.table("references")["root-doc"]
    for name in sorted(docnames - included - {root}):
        doc = ctx.project.documents[name]
        if not doc.orphan:
            yield Violation(doc.relpath, 1, 1, "document isn't included in any toctree")


@page_rule("RF205", "toctree-missing-document", FAMILY)
def toctree_missing_document(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A toctree entry names a document that does not exist (or a glob matches none).

    Fix: correct the entry; entries are relative to the page and carry no suffix.
    """
    docnames = set(ctx.project.documents)
    for tree in doc.toctrees:
        for entry in tree.entries:
            if is_toctree_url(entry.target) or resolve_entry(doc, entry, tree.glob, docnames):
                continue
            if tree.glob and any(c in entry.target for c in "*?["):
                message = f"toctree glob pattern '{entry.target}' didn't match any documents"
            else:
                missing = join_docname(doc.docname, strip_suffix(entry.target))
                message = f"toctree contains reference to nonexisting document '{missing}'"
            yield Violation(doc.relpath, tree.line, 1, message)
