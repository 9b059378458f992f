"""How toctree entries and links name documents, the way Sphinx resolves them."""

from __future__ import annotations

import posixpath
from collections.abc import Collection

from .document import Document, TocEntry
from .parsing.urls import is_toctree_url
from .sphinxconf import glob_regex

SOURCE_SUFFIXES = (".md", ".rst")


def join_docname(base: str, target: str) -> str:
    """A target relative to the document ``base`` (or absolute, with a leading ``/``)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def strip_suffix(target: str) -> str:
    for suffix in SOURCE_SUFFIXES:
        if target.endswith(suffix):
            return target[: -len(suffix)]
    return target


def resolve_entry(
    doc: Document, entry: TocEntry, glob: bool, docnames: Collection[str]
) -> list[str]:
    """The documents a toctree entry names; ``[]`` when it names none that exist."""
    if entry.target == "self" or is_toctree_url(entry.target):
        return [doc.docname]
    target = join_docname(doc.docname, strip_suffix(entry.target))
    if glob and any(c in entry.target for c in "*?["):
        regex = glob_regex(target)
        return sorted(name for name in docnames if regex.match(name) and name != doc.docname)
    return [target] if target in docnames else []


def toctree_children(doc: Document, docnames: set[str]) -> list[str]:
    return [
        name
        for tree in doc.toctrees
        for entry in tree.entries
        for name in resolve_entry(doc, entry, tree.glob, docnames)
        if name != doc.docname
    ]
