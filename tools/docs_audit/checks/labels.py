"""Label targets: every page has one, names follow the folder's convention, none twice."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import setting
from ..context import Context
from ..document import Document, Label
from ..registry import Violation, page_rule, project_rule

FAMILY = "labels"


@dataclass(frozen=True)
class LabelsTable:
    """``[tool.docs-audit.labels]``: page labels and their names."""

    require_page_label: bool = setting(True, "Every page needs a label before its first heading.")
    exempt: list[str] = setting([], "Pages (globs relative to docs-root) that need no page label.")
    naming: dict[str, str] = setting(
        {},
        "Page glob (relative to docs-root) to the glob every label on such pages must match.",
    )


@page_rule("LB101", "missing-page-label", FAMILY, default=False)
def missing_page_label(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A page has no label target before its first heading.

    Why: a label (``(name)=`` in MyST, ``.. _name:`` in RST) gives the page a name
    that survives renames and moves; ``{ref}`` links to it never break when the
    file is reorganised, and the label doubles as the page's stable anchor.

    Example::

        # Installation        <- no label above the title

    Use instead::

        (installation)=

        # Installation
    """
    table = ctx.table("labels")
    if not table["require-page-label"] or not doc.headings:
        return
    if any(fnmatch.fnmatch(ctx.docs_relative(doc), glob) for glob in table["exempt"]):
        return
    first = doc.headings[0]
    if not any(label.line < first.line for label in doc.labels):
        yield Violation(
            doc.relpath,
            first.line,
            first.column,
            f"page has no label before its first heading '{first.text}'",
        )


@page_rule("LB102", "label-naming", FAMILY, default=False)
def label_naming(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A label breaks the naming convention configured for its folder.

    Why: a shared prefix per section (``backend-*`` for backend pages,
    ``guide-*`` for guides) makes references readable and keeps label names from
    colliding as the site grows.

    Configure with ``[tool.docs-audit.labels] naming = {"backends/*" = "backend-*"}``.
    """
    relative = ctx.docs_relative(doc)
    for page_glob, label_glob in ctx.table("labels")["naming"].items():
        if not fnmatch.fnmatch(relative, page_glob):
            continue
        for label in doc.labels:
            if not fnmatch.fnmatchcase(label.name, label_glob):
                yield Violation(
                    doc.relpath,
                    label.line,
                    label.column,
                    f"label '{label.name}' does not match '{label_glob}' required for '{page_glob}'",
                )


def label_index(ctx: Context) -> dict[str, tuple[Document, Label]]:
    """The first definition of each label, in Sphinx's reading order (sorted docnames).

    A name defined twice in one page is left out: docutils drops both targets.
    """
    return ctx.computed(_label_index)


def _label_index(ctx: Context) -> dict[str, tuple[Document, Label]]:
    index: dict[str, tuple[Document, Label]] = {}
    for docname in sorted(ctx.project.documents):
        doc = ctx.project.documents[docname]
        repeated = _repeated_in_page(doc)
        for label in doc.labels:
            if label.name.lower() not in repeated:
                index.setdefault(label.name.lower(), (doc, label))
    return index


def _repeated_in_page(doc: Document) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for label in doc.labels:
        name = label.name.lower()
        (repeated if name in seen else seen).add(name)
    return repeated


@project_rule("LB103", "duplicate-label", FAMILY)
def duplicate_label(ctx: Context) -> Iterator[Violation]:
    """The same label is defined twice in the tree.

    Why: Sphinx keeps the first definition (in the order it reads documents) and
    every ``{ref}`` to the name silently goes there, so the second target is
    unreachable. Reported, as Sphinx does, at the element the later label marks.

    Fix: rename one of the labels and update its references.
    """
    first = label_index(ctx)
    for docname in sorted(ctx.project.documents):
        doc = ctx.project.documents[docname]
        seen: set[str] = set()
        for label in doc.labels:
            name = label.name.lower()
            if name in seen:
                # Within one page docutils itself complains, at the second target.
                yield Violation(
                    doc.relpath,
                    label.line,
                    label.column,
                    f'Duplicate explicit target name: "{name}".',
                )
                continue
            seen.add(name)
            if name not in first:
                continue
            owner, original = first[name]
            if owner is doc and original is label:
                continue
            yield Violation(
                doc.relpath,
                label.element_line or label.line,
                1,
                f"duplicate label {label.name.lower()}, other instance in "
                f"{owner.relpath}:{original.line}",
            )
