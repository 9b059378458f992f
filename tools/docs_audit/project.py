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
from functools import partial
from pathlib import Path

from .config import Config
from .document import Document, FileReference, Problem
from .included import include_path, included_part, includes, parse_part
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
from .parsepool import ParseJob, parse_all
from .parsing.settings import ParseSettings
from .paths import project_relpath as project_relpath  # re-exported for callers above
from .sources import decode_source, os_problem, read_source
from .sphinxconf import SphinxConf, load_sphinx_conf

SUFFIXES = {".md": "md", ".rst": "rst"}


@dataclass
class Project:
    config: Config
    #: What conf.py says (suffixes, exclude_patterns, root_doc, intersphinx...).
    sphinx: SphinxConf = field(default_factory=SphinxConf)
    documents: dict[str, Document] = field(default_factory=dict)
    #: Problems with files that could not become documents at all.
    unreadable: dict[str, Problem] = field(default_factory=dict)
    #: What the cache holds for each file, so results computed later can be saved.
    cache_entries: dict[str, CachedPage] = field(default_factory=dict)
    #: What the parsers were told of conf.py (part of the page cache's key).
    parse_settings: ParseSettings = field(default_factory=ParseSettings)
    #: Whether the cache on disk no longer matches (pages changed or gone).
    cache_stale: bool = False
    #: Content included from files that are not pages, by including docname (positions
    #: are the included file's own; see :mod:`docs_audit.included`).
    included: dict[str, list[Document]] = field(default_factory=dict)
    #: Pages (docs-root relative) left out by an ``exclude`` glob, for the summary.
    excluded: list[str] = field(default_factory=list)

    @property
    def page_suffixes(self) -> tuple[str, ...]:
        """The suffixes of the files read as pages: conf.py's, or both when there is none."""
        return self.sphinx.source_suffix if self.sphinx.path is not None else tuple(SUFFIXES)

    def save_cache(self) -> None:
        """Write the cache once, at the end of a run, if anything in it changed."""
        if self.cache_stale and self.cache_entries:
            write_page_cache(
                self.config.cache_dir,
                _key(self.config, self.parse_settings, self.sphinx),
                self.cache_entries,
            )
            self.cache_stale = False

    @property
    def docs_root(self) -> Path:
        return self.config.docs_root


def discover(
    config: Config,
    unreadable: dict[str, Problem] | None = None,
    excluded_pages: list[str] | None = None,
    sphinx: SphinxConf | None = None,
) -> list[str]:
    """Every source page below the docs root (paths relative to it, POSIX), minus excluded
    globs. With a conf.py, its source suffixes and ``exclude_patterns`` decide as in Sphinx;
    without one, ``.md`` and ``.rst`` are read. Symlinked folders are not followed, so a
    loop cannot trap the walk.
    A folder that cannot be listed is recorded in ``unreadable`` (keyed by its path
    relative to the docs root, with a trailing slash) instead of being skipped silently.
    Pages an ``exclude`` glob names one by one go to ``excluded_pages`` (pruned folders
    are not walked, so their pages are not counted).
    """
    root = str(config.docs_root)
    excluded = list(config["exclude"])
    found: list[str] = []
    conf = sphinx if sphinx is not None and sphinx.path is not None else None

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
            and not (conf and conf.excluded(_join(relative_folder, d)))
        )
        for name in sorted(files):
            if source_kind(name, conf) is None:
                continue
            relative = _join(relative_folder, name)
            if not _excluded(relative, excluded) and not (conf and conf.excluded(relative)):
                found.append(relative)
            elif excluded_pages is not None:
                excluded_pages.append(relative)
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


def parse_settings(sphinx: SphinxConf) -> ParseSettings:
    """What the parsers are told of the project's Sphinx configuration (conf.py).

    Without a conf.py there is no Sphinx to agree with: every heading level keeps its
    anchor, so no Markdown link is reported for want of a setting nobody wrote.
    """
    if sphinx.path is None:
        return ParseSettings(heading_anchors=6)
    return ParseSettings.of(
        heading_anchors=sphinx.myst_heading_anchors,
        myst_extensions=sphinx.myst_enable_extensions,
        default_role=sphinx.default_role,
        source_suffixes=sphinx.source_suffix,
    )


#: Called once the pages are read, before they are parsed: the project (still
#: empty), every page's relpath, and the bytes the cache does not hold (to parse).
BeforeParse = Callable[[Project, list[str], int], None]


def load_project(
    config: Config,
    use_cache: bool = True,
    before_parse: BeforeParse | None = None,
    meanwhile: Callable[[], object] = lambda: None,
) -> Project:
    """Read and parse the tree (the cache's pages are not parsed again).

    ``before_parse`` learns the pages before they are parsed; ``meanwhile`` is work of
    the caller's that runs while they are (see :func:`docs_audit.parsepool.parse_all`).
    """
    sphinx = load_sphinx_conf(config)
    conf = sphinx if sphinx.path is not None else None
    settings = parse_settings(sphinx)
    project = Project(config, sphinx, parse_settings=settings)
    key = _key(config, settings, sphinx)
    cache = read_page_cache(config.cache_dir, key) if use_cache else PageCache({})
    if cache.warning:
        cache_file = project_relpath(config, config.cache_dir / CACHE_NAME)
        project.unreadable[cache_file] = Problem("DA010", 1, 1, cache.warning)
    prefix = project_relpath(config, config.docs_root)
    prefix = "" if prefix == "." else prefix + "/"
    unlisted: dict[str, Problem] = {}
    pages = discover(config, unlisted, project.excluded, sphinx)
    project.unreadable.update({prefix + folder: problem for folder, problem in unlisted.items()})
    inside, max_bytes = _project_root(config), _max_bytes(config)
    read: list[tuple[str, ParseJob | Problem, str]] = []  # (relpath, page, digest)
    for relative in pages:
        relpath = prefix + relative
        data = read_source(config.docs_root / relative, inside, max_bytes)
        if isinstance(data, Problem):
            read.append((relpath, data, ""))
            continue
        docname = os.path.splitext(relative)[0]
        page = ParseJob(data, relpath, docname, source_kind(relative, conf) or "rst")
        read.append((relpath, page, content_digest(data)))
    missed = [
        job
        for relpath, job, digest in read
        if isinstance(job, ParseJob) and not _cached(cache, relpath, digest)
    ]
    if before_parse is not None:
        before_parse(project, [relpath for relpath, _, _ in read], sum(len(j.data) for j in missed))
    # Pages the cache does not hold are parsed together (in parallel when that pays).
    results = parse_all(
        missed, partial(_parse_job, settings), partial(_prepare, settings), meanwhile
    )
    parsed = dict(zip(missed, results, strict=True))
    for relpath, job, digest in read:
        if isinstance(job, Problem):
            project.unreadable[relpath] = job
            continue
        if job in parsed:
            cached = CachedPage(digest, parsed[job])
            result = cached.result
        else:
            cached = cache.entries[relpath]
            reparse = partial(_parse_job, settings, job)
            result = restore(cached, job.data.decode("utf-8-sig"), reparse)
        project.cache_entries[relpath] = cached
        if isinstance(result, Document):
            project.documents[result.docname] = result
        else:
            project.unreadable[relpath] = result
    changed = _load_included(project, cache, settings) or bool(parsed)
    project.cache_stale = use_cache and (
        changed or project.cache_entries.keys() != cache.entries.keys()
    )
    return project


#: How deep includes inside included content are followed (docutils stops a loop; this
#: bounds a long chain).
MAX_INCLUDE_DEPTH = 10


def _load_included(project: Project, cache: PageCache, settings: ParseSettings) -> bool:
    """Parse (or take from the cache) what pages include from files that are not pages,
    and what that content includes in turn (resolved from the page, as Sphinx does)."""
    config = project.config
    pages: set[Path] | None = None  # resolved only if some page includes something
    changed = False
    for docname in sorted(project.documents):
        doc = project.documents[docname]
        pending = [(f"{doc.relpath}#include-{n}", ref, 1) for n, ref in enumerate(includes(doc))]
        taken: set[tuple[Path, tuple[tuple[str, str], ...]]] = set()  # no include loop
        while pending:
            key, reference, depth = pending.pop(0)
            if pages is None:
                pages = {(config.root / d.relpath).resolve() for d in project.documents.values()}
            resolved = include_path(config.docs_root, doc, reference.target).resolve()
            if resolved in pages or (resolved, reference.options) in taken:
                continue  # a page is parsed on its own
            taken.add((resolved, reference.options))
            loaded = _load_part(project, cache, settings, doc, key, resolved, reference)
            if loaded is None:
                continue  # a missing or unreadable file is a finding of the checks
            result, parsed = loaded
            changed = changed or parsed
            if isinstance(result, Document):
                project.included.setdefault(docname, []).append(result)
                if depth < MAX_INCLUDE_DEPTH:
                    nested = enumerate(includes(result))
                    pending.extend((f"{key}-{n}", ref, depth + 1) for n, ref in nested)
    return changed


def _load_part(
    project: Project,
    cache: PageCache,
    settings: ParseSettings,
    doc: Document,
    key: str,
    resolved: Path,
    reference: FileReference,
) -> tuple[Document | Problem, bool] | None:
    """One included part, from the cache or parsed (then ``True``); ``None`` if unreadable."""
    config = project.config
    if not resolved.is_file():
        return None
    data = read_source(resolved, _project_root(config), _max_bytes(config))
    text = decode_source(data) if isinstance(data, bytes) else data
    if isinstance(text, Problem):
        return None
    part, offset = included_part(text, dict(reference.options))
    relpath = project_relpath(config, resolved)
    parse = partial(_parse_included, relpath, doc.docname, doc.format, settings)
    digest = content_digest(f"{relpath}\n{offset}\n{part}".encode())
    cached = cache.entries.get(key)
    if cached is None or cached.digest != digest:
        cached = CachedPage(digest, parse_part(parse, part, offset))
        project.cache_entries[key] = cached
        return cached.result, True
    project.cache_entries[key] = cached
    return restore(cached, part, _included_reparse(parse, part, offset)), False


def _parse_included(
    relpath: str, docname: str, kind: str, settings: ParseSettings, source: str
) -> Document | Problem:
    # Included content is read as the including page's markup, in that page's name.
    return parse_text(relpath, docname, source, kind, settings)


def _included_reparse(
    parse: Callable[[str], Document | Problem], part: str, offset: int
) -> Callable[[], Document | Problem]:
    return lambda: parse_part(parse, part, offset)


def _cached(cache: PageCache, relpath: str, digest: str) -> bool:
    entry = cache.entries.get(relpath)
    return entry is not None and entry.digest == digest


def _prepare(settings: ParseSettings, kinds: set[str]) -> None:
    # Imported and built once in this process, inherited by every forked worker.
    if "md" in kinds:
        from .parsing.myst import markdown_parser

        markdown_parser(settings.myst_extensions)
    if "rst" in kinds:
        from .parsing import rst  # noqa: F401  (docutils' parser, the slow import)


def _parse_job(settings: ParseSettings, job: ParseJob) -> Document | Problem:
    return parse_source(job.data, job.relpath, job.docname, settings, job.kind)


def _key(config: Config, settings: ParseSettings, sphinx: SphinxConf) -> dict[str, str]:
    # The same page parses differently under other settings, or as the other markup.
    markdown = ",".join(sorted(sphinx.markdown_suffixes))
    return cache_key(config.docs_root, settings.key() + markdown)


def _project_root(config: Config) -> Path:
    # The docs root may itself be a link into a shared folder: both count as inside.
    root = config.root.resolve()
    return root if config.docs_root.is_relative_to(root) else config.docs_root


def _max_bytes(config: Config) -> int:
    return int(float(config["max-file-size"]) * 1_000_000)


def parse_source(
    data: bytes,
    relpath: str,
    docname: str,
    settings: ParseSettings | None = None,
    kind: str | None = None,
) -> Document | Problem:
    text = decode_source(data)
    if isinstance(text, Problem):
        return text
    try:
        kind = kind or SUFFIXES.get(os.path.splitext(relpath)[1], "rst")
        return parse_text(relpath, docname, text, kind, settings or ParseSettings())
    except RecursionError:
        return Problem(
            "DA005", 1, 1, "markup nested too deeply to parse; flatten the nesting of this page"
        )


def parse_text(
    relpath: str, docname: str, text: str, kind: str, settings: ParseSettings | None = None
) -> Document:
    if kind == "md":
        from .parsing.myst import parse_myst

        return parse_myst(relpath, docname, text, settings or ParseSettings())
    from .parsing.rst import parse_rst

    return parse_rst(relpath, docname, text, settings or ParseSettings())
