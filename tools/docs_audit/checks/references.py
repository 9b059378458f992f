"""Cross-references and toctrees, judged the way Sphinx judges them, without Sphinx.

A reference is reported at its own line and column (Sphinx names the first line of
the paragraph that holds it), a toctree problem at the directive, a page outside every
toctree at line 1. How each reference resolves lives in :mod:`.resolution`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import setting
from ..context import Context
from ..document import Document, Reference
from ..parsing.urls import is_toctree_url
from ..registry import Violation, page_rule, project_rule
from ..toc import join_docname, resolve_entry, strip_suffix, toctree_children
from .files import included_docnames
from .labels import label_index
from .resolution import classify, references_of, sphinx_category, suppressed_by_sphinx

FAMILY = "references"


@dataclass(frozen=True)
class ReferencesTable:
    """``[tool.docs-audit.references]``: what references resolve against."""

    root_doc: str = setting(
        "", "The document at the top of the toctree (empty: conf.py's root_doc)."
    )
    builtin_labels: list[str] = setting(
        ["genindex", "modindex", "search", "py-modindex"],
        "Labels Sphinx always defines.",
    )


_TITLED_DIRECTIVES = ("figure", "table", "list-table", "csv-table", "code-block", "literalinclude")


def _position(ref: Reference) -> tuple[int, int]:
    # The reference itself, so annotations land on it; Sphinx names the paragraph's first
    # line, which is ``block_line`` and never after it.
    return ref.line, ref.column


def _findings(doc: Document, ctx: Context, code: str) -> Iterator[Violation]:
    # Included content resolves in the page's context; Sphinx reports it where written.
    for where, ref in references_of(doc, ctx):
        outcome = classify(doc, ref, ctx)
        if outcome.state == "error" and outcome.code == code:
            if suppressed_by_sphinx(ctx, sphinx_category(code, ref.kind)):
                continue
            line, column = _position(ref)
            yield Violation(where.relpath, line, column, outcome.message)


@page_rule("RF201", "undefined-label", FAMILY)
def undefined_label(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``{ref}``/``:ref:`` (or ``numref``) names a label that no page defines.

    Why: Sphinx renders the reference as plain text with no link, and warns.
    With intersphinx inventories cached (``docs-audit inventories``), a label
    another project defines counts, as it does for Sphinx.

    Example: ``{ref}`instalation``` when the label is ``installation``.

    Fix: correct the name, or add the label ``(name)=`` above its target.
    """
    yield from _findings(doc, ctx, "RF201")


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
            line, column = _position(ref)
            yield Violation(
                doc.relpath,
                line,
                column,
                f"Failed to create a cross reference. A title or caption not found: '{ref.target}'",
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

    Why: Sphinx renders plain text and warns. The target is a document name: a
    source suffix (``{doc}`page.md```) makes it unknown to Sphinx too.

    Fix: correct the path, without the suffix; it is relative to the current page
    unless it starts with ``/``.
    """
    yield from _findings(doc, ctx, "RF202")


@page_rule("RF203", "unresolved-link", FAMILY)
def unresolved_link(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A Markdown link inside the project (``#anchor``, ``page.md``, ``page.md#anchor``)
    or an ``{any}`` reference leads nowhere.

    Why: MyST turns such links into cross-references; a missing target renders as
    a dead link. Heading anchors exist for the levels ``myst_heading_anchors`` covers,
    headings of content the page includes counting. In content included with MyST's
    ``relative-docs`` option, a link starting with its prefix is relative to the
    included file.
    A target that may name an object autodoc or an intersphinx inventory provides
    is undecided, not an error (the summary counts it).

    Fix: point at an existing label, heading slug or page.
    """
    yield from _findings(doc, ctx, "RF203")


@page_rule("RF207", "intersphinx-target-not-found", FAMILY)
def intersphinx_target_not_found(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A reference with an intersphinx prefix (``{ref}`python:tut-intro```) names
    something the other project's cached inventory does not have.

    Why: Sphinx warns the same way when it fetches the inventory. docs-audit
    decides offline from the inventories ``docs-audit inventories`` (or ``links``)
    cached; without a cached inventory the reference is undecided, never an error.

    Fix: correct the target (``python -m sphinx.ext.intersphinx URL/objects.inv``
    lists an inventory), or the prefix.
    """
    yield from _findings(doc, ctx, "RF207")


@page_rule("RF210", "term-not-in-glossary", FAMILY)
def term_not_in_glossary(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``{term}``/``:term:`` names a term no ``glossary`` defines.

    Why: Sphinx renders plain text and warns. Terms match case-insensitively.

    Fix: correct the term, or add it to a glossary.
    """
    yield from _findings(doc, ctx, "RF210")


@page_rule("RF211", "envvar-not-described", FAMILY)
def envvar_not_described(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An ``{envvar}``/``:envvar:`` names an environment variable no ``envvar``
    directive describes.

    Why: Sphinx (with ``-n``) warns and renders plain text. With intersphinx
    configured, another project may describe it: then it is decided from the cached
    inventories, and undecided while none is cached. An extension that describes a
    command line from code (sphinx-click, sphinx-argparse) makes it undecided too.
    ``nitpick_ignore`` applies.

    Fix: describe it with ``.. envvar:: NAME``, or correct the name.
    """
    yield from _findings(doc, ctx, "RF211")


@page_rule("RF212", "option-not-described", FAMILY)
def option_not_described(doc: Document, ctx: Context) -> Iterator[Violation]:
    """An ``{option}``/``:option:`` names a command-line option no ``option``
    directive describes for the program current there.

    Why: Sphinx warns (``unknown option``) and renders plain text. The program is the
    one the latest ``program`` directive of the page names; ``prog --opt`` names it in
    the reference itself, and a value (``--level=3``, ``--out FILE``) is ignored, as in
    Sphinx. Where content the page includes declares programs, the program at a place
    is not known: the reference is undecided, not an error. So is one an extension
    may describe from code (sphinx-click, sphinx-argparse). With intersphinx
    configured, another project may describe it: decided from the cached inventories,
    undecided while none is cached. ``nitpick_ignore`` applies.

    Fix: describe it with ``.. option:: --name`` under the right ``.. program::``, or
    correct the name.
    """
    yield from _findings(doc, ctx, "RF212")


@project_rule("RF204", "not-in-toctree", FAMILY)
def not_in_toctree(ctx: Context) -> Iterator[Violation]:
    """A page is in no toctree (and is not marked ``:orphan:``).

    Why: readers cannot reach it from the navigation; Sphinx builds it but warns.
    A page another page pulls in with ``include`` is not asked for, as in Sphinx.

    Fix: add it to a toctree, or put ``orphan: true`` in its front matter
    (``:orphan:`` at the top of an RST page) if it is reached by links only.
    """
    docnames = set(ctx.project.documents)
    included = {
        name for doc in ctx.project.documents.values() for name in toctree_children(doc, docnames)
    }
    root = ctx.table("references")["root-doc"] or ctx.project.sphinx.root_doc
    if suppressed_by_sphinx(ctx, sphinx_category("RF204")):
        return
    for name in sorted(docnames - included - included_docnames(ctx) - {root}):
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
