"""Read what the pages include (``include`` directives) and fold it into them.

The file is read as safely as a page (a regular file inside the project, under the size
cap) and parsed once however many pages include it. The parsed fragment is kept in the
page cache under its own content digest, next to the pages, which stay as written: an
included file that changes is parsed again, and never leaves a stale page behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from .config import Config
from .document import Document, FileReference
from .pagecache import CachedPage, content_digest
from .parsing.includes import selected_text, with_included
from .parsing.settings import ParseSettings
from .sources import decode_source, read_source

#: Cache entries of included fragments are named apart from pages (relpaths).
PREFIX = "include:"


def expand_includes(
    config: Config,
    documents: dict[str, Document],
    settings: ParseSettings,
    cached: Mapping[str, CachedPage],
    store: dict[str, CachedPage],
) -> bool:
    """Replace each page that includes files by the page with their facts added.

    Fragments come from ``cached`` when their bytes are unchanged and go to ``store``;
    the result says whether any had to be parsed.
    """
    parsed = False
    for docname, doc in list(documents.items()):
        includes = [f for f in doc.files if f.kind == "include"]
        if not includes:
            continue
        fragments: list[tuple[FileReference, Document]] = []
        for at in includes:
            path = _resolve(config, docname, at.target)
            if path is None:
                continue
            name = PREFIX + path.as_posix() + json.dumps(at.options)
            if name not in store:
                entry = _load(config, path, at, settings, cached.get(name))
                if entry is None:
                    continue
                parsed = parsed or entry is not cached.get(name)
                store[name] = entry
            fragment = store[name].result
            if isinstance(fragment, Document):
                fragments.append((at, fragment))
        documents[docname] = with_included(doc, fragments)
    return parsed


def _load(
    config: Config,
    path: Path,
    at: FileReference,
    settings: ParseSettings,
    cached: CachedPage | None,
) -> CachedPage | None:
    data = read_source(path, config.root.absolute(), int(float(config["max-file-size"]) * 1e6))
    if not isinstance(data, bytes):
        return None  # a missing include is the include check's to report
    digest = content_digest(data)
    if cached is not None and cached.digest == digest and isinstance(cached.result, Document):
        return cached
    fragment = _parse(data, path, at, settings)
    return CachedPage(digest, fragment) if fragment is not None else None


def _resolve(config: Config, docname: str, target: str) -> Path | None:
    """The included file, or ``None`` when it lies outside the project."""
    docs = config.docs_root
    relative = (
        target[1:] if target.startswith("/") else os.path.join(os.path.dirname(docname), target)
    )
    path = Path(os.path.normpath(docs / relative))
    root = Path(os.path.normpath(config.root.absolute()))
    return path if path.absolute().is_relative_to(root) else None


def _parse(data: bytes, path: Path, at: FileReference, settings: ParseSettings) -> Document | None:
    text = decode_source(data)
    if not isinstance(text, str):
        return None
    text = selected_text(text, dict(at.options))
    relpath = path.as_posix()
    try:
        if path.suffix == ".md":
            from .parsing.myst import parse_myst

            return parse_myst(relpath, path.stem, text, settings)
        from .parsing.rst import parse_rst

        return parse_rst(relpath, path.stem, text, settings)
    except RecursionError:
        return None
