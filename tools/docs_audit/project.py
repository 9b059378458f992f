"""The documentation tree: every page found, read once and parsed once.

Parsed pages are kept in a cache keyed by each file's content (see
:mod:`docs_audit.pagecache`), so that a pre-commit run on one changed file
re-parses that file only, while cross-file facts (labels, toctrees) still come
from the whole tree.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .document import Document, Problem
from .pagecache import (
    CACHE_NAME,
    CachedPage,
    PageCache,
    cache_key,
    content_digest,
    read_page_cache,
    restore,
    write_page_cache,
)
from .paths import project_relpath as project_relpath  # re-exported for callers above
from .sources import decode_source, os_problem, read_source

SUFFIXES = {".md": "md", ".rst": "rst"}


@dataclass
class Project:
    config: Config
    documents: dict[str, Document] = field(default_factory=dict)
    #: Problems with files that could not become documents at all.
    unreadable: dict[str, Problem] = field(default_factory=dict)
    #: What the cache holds for each file, so results computed later can be saved.
    cache_entries: dict[str, CachedPage] = field(default_factory=dict)
    #: Whether the cache on disk no longer matches (pages changed, results memoised).
    cache_stale: bool = False
    #: Pages (docs-root relative) left out by an ``exclude`` glob, for the summary.
    excluded: list[str] = field(default_factory=list)

    def save_cache(self) -> None:
        """Write the cache once, at the end of a run, if anything in it changed."""
        if self.cache_stale and self.cache_entries:
            write_page_cache(self.config.cache_dir, _key(self.config), self.cache_entries)
            self.cache_stale = False

    @property
    def docs_root(self) -> Path:
        return self.config.docs_root

    def by_relpath(self, relpath: str) -> Document | None:
        return next((d for d in self.documents.values() if d.relpath == relpath), None)

    def docnames(self) -> set[str]:
        return set(self.documents)


def discover(
    config: Config,
    unreadable: dict[str, Problem] | None = None,
    excluded_pages: list[str] | None = None,
) -> list[str]:
    """Every ``.md`` and ``.rst`` file below the docs root (paths relative to it, POSIX),
    minus excluded globs. Symlinked folders are not followed, so a loop cannot trap the walk.
    A folder that cannot be listed is recorded in ``unreadable`` (keyed by its path
    relative to the docs root, with a trailing slash) instead of being skipped silently.
    Pages an ``exclude`` glob names one by one go to ``excluded_pages`` (pruned folders
    are not walked, so their pages are not counted).
    """
    root = str(config.docs_root)
    excluded = list(config["exclude"])
    found: list[str] = []

    def unlisted(error: OSError) -> None:
        if unreadable is not None and error.filename is not None:
            relative = os.path.relpath(error.filename, root).replace(os.sep, "/")
            unreadable[relative + "/"] = os_problem(error, "folder")

    for folder, subfolders, files in os.walk(root, onerror=unlisted):
        relative_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        subfolders[:] = sorted(
            d
            for d in subfolders
            if not d.startswith((".", "_build"))
            and not _excluded(_join(relative_folder, d) + "/", excluded)
        )
        for name in sorted(files):
            if os.path.splitext(name)[1] not in SUFFIXES:
                continue
            relative = _join(relative_folder, name)
            if not _excluded(relative, excluded):
                found.append(relative)
            elif excluded_pages is not None:
                excluded_pages.append(relative)
    return found


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _excluded(relative: str, patterns: Iterable[str]) -> bool:
    return any(
        fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative.rstrip("/") + "/x", p)
        for p in patterns
    )


def load_project(config: Config, use_cache: bool = True) -> Project:
    project = Project(config)
    cache = read_page_cache(config.cache_dir, _key(config)) if use_cache else PageCache({})
    if cache.warning:
        cache_file = project_relpath(config, config.cache_dir / CACHE_NAME)
        project.unreadable[cache_file] = Problem("DA010", 1, 1, cache.warning)
    prefix = project_relpath(config, config.docs_root)
    prefix = "" if prefix == "." else prefix + "/"
    unlisted: dict[str, Problem] = {}
    pages = discover(config, unlisted, project.excluded)
    project.unreadable.update({prefix + folder: problem for folder, problem in unlisted.items()})
    changed = False
    for relative in pages:
        relpath = prefix + relative
        data = read_source(config.docs_root / relative, _project_root(config), _max_bytes(config))
        if isinstance(data, Problem):
            project.unreadable[relpath] = data
            continue
        digest = content_digest(data)
        cached = cache.entries.get(relpath)
        docname = os.path.splitext(relative)[0]
        if cached is None or cached.digest != digest:
            cached = CachedPage(digest, parse_source(data, relpath, docname))
            changed = True
            result = cached.result
        else:
            result = restore(cached, data.decode("utf-8-sig"), _reparse(data, relpath, docname))
        project.cache_entries[relpath] = cached
        if isinstance(result, Document):
            project.documents[result.docname] = result
        else:
            project.unreadable[relpath] = result
    project.cache_stale = use_cache and (
        changed or project.cache_entries.keys() != cache.entries.keys()
    )
    return project


def _reparse(data: bytes, relpath: str, docname: str) -> Callable[[], Document | Problem]:
    return lambda: parse_source(data, relpath, docname)


def _key(config: Config) -> dict[str, str]:
    return cache_key(config.docs_root)


def _project_root(config: Config) -> Path:
    # The docs root may itself be a link into a shared folder: both count as inside.
    root = config.root.resolve()
    return root if config.docs_root.is_relative_to(root) else config.docs_root


def _max_bytes(config: Config) -> int:
    return int(float(config["max-file-size"]) * 1_000_000)


def parse_source(data: bytes, relpath: str, docname: str) -> Document | Problem:
    text = decode_source(data)
    if isinstance(text, Problem):
        return text
    try:
        return parse_text(relpath, docname, text, SUFFIXES[os.path.splitext(relpath)[1]])
    except RecursionError:
        return Problem(
            "DA005", 1, 1, "markup nested too deeply to parse; flatten the nesting of this page"
        )


def parse_text(relpath: str, docname: str, text: str, kind: str) -> Document:
    if kind == "md":
        from .parsing.myst import parse_myst

        return parse_myst(relpath, docname, text)
    from .parsing.rst import parse_rst

    return parse_rst(relpath, docname, text)
