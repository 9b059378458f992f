"""The shape of the tree: required pages, enough pages per folder, pages within reach."""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import setting
from ..context import Context
from ..document import Document
from ..registry import Violation, project_rule
from ..toc import join_docname, strip_suffix, toctree_children
from .labels import label_index

FAMILY = "structure"


@dataclass(frozen=True)
class StructureTable:
    """``[tool.docs-audit.structure]``: the shape of the tree."""

    required_pages: list[str] = setting([], "Pages (relative to docs-root) that must exist.")
    min_pages: dict[str, int] = setting(
        {},
        "Folder (relative to docs-root) to its minimum page count, index excluded.",
    )
    max_clicks: dict[str, int] = setting(
        {},
        "Page (docname) or label to the most clicks it may be from the root document.",
    )
    root_doc: str = setting("index", "The home page the clicks are counted from.")


def _docs_prefix(ctx: Context) -> str:
    root = ctx.config.docs_root
    try:
        return root.relative_to(ctx.config.root.resolve()).as_posix()
    except ValueError:
        return root.as_posix()


@project_rule("ST601", "required-page-missing", FAMILY, default=False)
def required_page_missing(ctx: Context) -> Iterator[Violation]:
    """A page the configuration requires does not exist.

    Configure with ``[tool.docs-audit.structure] required-pages = ["installation.md"]``.
    """
    present = {ctx.docs_relative(doc) for doc in ctx.documents}
    for page in ctx.table("structure")["required-pages"]:
        if page not in present:
            path = posixpath.join(_docs_prefix(ctx), page)
            yield Violation(path, 1, 1, f"required page '{page}' does not exist")


@project_rule("ST602", "too-few-pages", FAMILY, default=False)
def too_few_pages(ctx: Context) -> Iterator[Violation]:
    """A folder holds fewer pages than configured (its index not counted).

    Configure with ``[tool.docs-audit.structure] min-pages = {"guides" = 5}``.
    """
    for folder, minimum in ctx.table("structure")["min-pages"].items():
        prefix = folder.strip("/") + "/"
        pages = [
            d
            for d in ctx.documents
            if d.docname.startswith(prefix) and posixpath.basename(d.docname) != "index"
        ]
        if len(pages) < minimum:
            index = ctx.project.documents.get(prefix + "index")
            path = index.relpath if index else posixpath.join(_docs_prefix(ctx), folder)
            yield Violation(
                path, 1, 1, f"'{folder}' has {len(pages)} pages; at least {minimum} required"
            )


def click_distances(ctx: Context, root: str) -> dict[str, int]:
    """Fewest clicks from ``root`` to each page, over toctree entries and references."""
    docnames = set(ctx.project.documents)
    distances = {root: 0} if root in docnames else {}
    queue = deque(distances)
    while queue:
        current = queue.popleft()
        for child in _neighbours(ctx, ctx.project.documents[current], docnames):
            if child not in distances:
                distances[child] = distances[current] + 1
                queue.append(child)
    return distances


def _neighbours(ctx: Context, doc: Document, docnames: set[str]) -> Iterator[str]:
    yield from toctree_children(doc, docnames)
    labels = label_index(ctx)
    for ref in doc.references:
        if ref.kind in ("ref", "numref", "any") and ref.target.lower() in labels:
            yield labels[ref.target.lower()][0].docname
        elif ref.kind in ("doc", "link"):
            path = ref.target.partition("#")[0]
            if path:
                name = join_docname(doc.docname, strip_suffix(path))
                if name in docnames:
                    yield name


@project_rule("ST603", "too-many-clicks", FAMILY, default=False)
def too_many_clicks(ctx: Context) -> Iterator[Violation]:
    """A page (or labelled section) is further from the home page than configured.

    Clicks are counted over toctree entries and cross-references, starting from
    the root document. Configure with ``max-clicks = {"quickstart" = 2}``; a key is
    a docname or a label (then its page counts).
    """
    table = ctx.table("structure")
    distances = click_distances(ctx, table["root-doc"])
    labels = label_index(ctx)
    for target, limit in table["max-clicks"].items():
        found = labels.get(target.lower())
        doc = found[0] if found else ctx.project.documents.get(target)
        if doc is None:
            yield Violation(
                _docs_prefix(ctx),
                1,
                1,
                f"max-clicks names '{target}', which is neither a page nor a label",
            )
            continue
        line = found[1].line if found else 1
        distance = distances.get(doc.docname)
        if distance is None:
            yield Violation(
                doc.relpath, line, 1, f"'{target}' cannot be reached from '{table['root-doc']}'"
            )
        elif distance > limit:
            yield Violation(
                doc.relpath,
                line,
                1,
                f"'{target}' is {distance} clicks from '{table['root-doc']}'; at most {limit} allowed",
            )
