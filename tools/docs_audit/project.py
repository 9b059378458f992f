"""The documentation tree: every page found, read once and parsed once.

Parsed pages are kept in a cache keyed by size and modification time, so that a
pre-commit run on one changed file re-parses that file only, while cross-file
facts (labels, toctrees) still come from the whole tree.
"""

from __future__ import annotations

import fnmatch
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import Config
from .document import Document, Problem
from .sphinxconf import SphinxConf, load_sphinx_conf

SUFFIXES = {".md": "md", ".rst": "rst"}
_CACHE_NAME = "pages.pickle"
# The model's shape is part of the key: a cache written by another model is rebuilt.
_CACHE_KEY = f"docs-audit-pages-{__version__}-6-" + ",".join(Document.__dataclass_fields__)


@dataclass
class Project:
    config: Config
    #: What conf.py says (suffixes, exclude_patterns, root_doc, intersphinx...).
    sphinx: SphinxConf = field(default_factory=SphinxConf)
    documents: dict[str, Document] = field(default_factory=dict)
    #: Problems with files that could not become documents at all.
    unreadable: dict[str, Problem] = field(default_factory=dict)
    #: What the cache holds for each file, so results computed later can be saved.
    cache_entries: dict[str, tuple[int, int, Document | Problem]] = field(default_factory=dict)
    #: Whether the cache on disk no longer matches (pages changed, results memoised).
    cache_stale: bool = False

    def save_cache(self) -> None:
        """Write the cache once, at the end of a run, if anything in it changed."""
        if self.cache_stale and self.cache_entries:
            _write_cache(self.config, self.cache_entries)
            self.cache_stale = False

    @property
    def docs_root(self) -> Path:
        return self.config.docs_root

    def by_relpath(self, relpath: str) -> Document | None:
        return next((d for d in self.documents.values() if d.relpath == relpath), None)

    def docnames(self) -> set[str]:
        return set(self.documents)


def project_relpath(config: Config, path: Path) -> str:
    """``path`` relative to the project root, POSIX style (absolute if outside)."""
    try:
        return path.absolute().relative_to(config.root.absolute()).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def discover(config: Config, sphinx: SphinxConf | None = None) -> list[str]:
    """Every source page below the docs root (paths relative to it, POSIX), minus excluded
    globs. With a conf.py, its source suffixes and ``exclude_patterns`` decide as in Sphinx;
    without one, ``.md`` and ``.rst`` are read. Symlinked folders are not followed, so a
    loop cannot trap the walk.
    """
    root = str(config.docs_root)
    excluded = list(config["exclude"])
    found: list[str] = []
    conf = sphinx if sphinx is not None and sphinx.path is not None else None
    for folder, subfolders, files in os.walk(root):
        relative_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        subfolders[:] = sorted(
            d
            for d in subfolders
            if not d.startswith((".", "_build"))
            and not _excluded(_join(relative_folder, d) + "/", excluded)
            and not (conf and conf.excluded(_join(relative_folder, d)))
        )
        for name in sorted(files):
            if source_kind(name, conf) is None:
                continue
            relative = _join(relative_folder, name)
            if not _excluded(relative, excluded) and not (conf and conf.excluded(relative)):
                found.append(relative)
    return found


def source_kind(name: str, conf: SphinxConf | None) -> str | None:
    """``md`` or ``rst`` for a page Sphinx would read, ``None`` for any other file."""
    suffix = os.path.splitext(name)[1]
    if conf is None:
        return SUFFIXES.get(suffix)
    return conf.source_kind(suffix)


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _excluded(relative: str, patterns: Iterable[str]) -> bool:
    return any(
        fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative.rstrip("/") + "/x", p)
        for p in patterns
    )


def load_project(config: Config, use_cache: bool = True) -> Project:
    sphinx = load_sphinx_conf(config)
    conf = sphinx if sphinx.path is not None else None
    project = Project(config, sphinx)
    cache = _read_cache(config) if use_cache else {}
    fresh: dict[str, tuple[int, int, Document | Problem]] = {}
    changed = False
    docs_root = str(config.docs_root)
    prefix = project_relpath(config, config.docs_root)
    prefix = "" if prefix == "." else prefix + "/"
    for relative in discover(config, sphinx):
        relpath = prefix + relative
        docname = os.path.splitext(relative)[0]
        path = os.path.join(docs_root, relative)
        try:
            stat = os.stat(path)
        except OSError as exc:
            project.unreadable[relpath] = _os_problem(exc)
            continue
        cached = cache.get(relpath)
        if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            result = cached[2]
        else:
            result = read_document(Path(path), relpath, docname, source_kind(relative, conf))
            changed = True
        fresh[relpath] = (stat.st_mtime_ns, stat.st_size, result)
        if isinstance(result, Document):
            project.documents[docname] = result
        else:
            project.unreadable[relpath] = result
    project.cache_entries = fresh
    project.cache_stale = use_cache and (changed or fresh.keys() != cache.keys())
    return project


def read_document(
    path: Path, relpath: str, docname: str, kind: str | None = None
) -> Document | Problem:
    """Read and parse one page; a file that cannot be read becomes a :class:`Problem`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _os_problem(exc)
    if b"\x00" in data[:8192]:
        return Problem("DA003", 1, 1, "binary file (contains NUL bytes); not a text page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(
            "DA002",
            line,
            column,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
        )
    return parse_text(relpath, docname, text, kind or SUFFIXES.get(path.suffix, "rst"))


def parse_text(relpath: str, docname: str, text: str, kind: str) -> Document:
    if kind == "md":
        from .parsing.myst import parse_myst

        return parse_myst(relpath, docname, text)
    from .parsing.rst import parse_rst

    return parse_rst(relpath, docname, text)


def _os_problem(exc: OSError) -> Problem:
    reason = exc.strerror or type(exc).__name__
    return Problem("DA001", 1, 1, f"cannot read file: {reason}")


def _read_cache(config: Config) -> dict[str, tuple[int, int, Document | Problem]]:
    path = config.cache_dir / _CACHE_NAME
    try:
        with path.open("rb") as handle:
            key, entries = pickle.load(handle)
    except Exception:  # a missing, corrupt or foreign cache is rebuilt from the sources
        return {}
    if key != (_CACHE_KEY, str(config.docs_root)) or not isinstance(entries, dict):
        return {}
    return entries


def _write_cache(config: Config, entries: dict[str, tuple[int, int, Document | Problem]]) -> None:
    folder = config.cache_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".pages-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(((_CACHE_KEY, str(config.docs_root)), entries), stream, protocol=5)
        os.replace(temporary, folder / _CACHE_NAME)
    except OSError:
        pass  # a read-only tree still gets checked, only without the cache
