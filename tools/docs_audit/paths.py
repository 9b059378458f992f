"""Paths as the user gives them, checked and turned into the pages a run reports on.

A path that does not exist, or that lies outside the docs root, is a usage error; a
folder stands for the pages below it; a file that is not a page is skipped with the
reason, so that the summary can say what was left out and why.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .findings import UsageError

#: What a page is, by suffix (the project reads these, Sphinx's default source suffixes).
PAGE_SUFFIXES = (".md", ".rst")

OUTSIDE = "outside the docs root"
EXCLUDED = "excluded"
NOT_A_PAGE = "not a page suffix"


def project_relpath(config: Config, path: Path) -> str:
    """``path`` relative to the project root, POSIX style (absolute if outside)."""
    try:
        return path.absolute().relative_to(config.root.absolute()).as_posix()
    except ValueError:
        return path.absolute().as_posix()


@dataclass
class PageSet:
    """The pages a run reports on: ``None`` is the whole tree."""

    wanted: set[str] | None = None
    #: Reason -> how many given files were left out for it.
    skipped: Counter[str] = field(default_factory=Counter)

    def __contains__(self, relpath: str) -> bool:
        return self.wanted is None or relpath in self.wanted


def check_docs_root(config: Config) -> None:
    """A ``docs-root`` that is not a folder is a usage error naming the key."""
    if not config.docs_root.is_dir():
        where = f"{config.source}: " if config.source else ""
        raise UsageError(
            f"{where}docs-root '{config['docs-root']}' is not a folder ({config.docs_root})"
        )


def select_pages(
    config: Config,
    paths: Sequence[Path] | None,
    pages: Iterable[str],
    skip_outside: bool = False,
) -> PageSet:
    """Expand and check ``paths`` against the discovered ``pages`` (project relpaths).

    ``skip_outside`` counts a path outside the docs root as skipped instead of
    rejecting it: what a pre-commit hook that sees every changed file wants.
    """
    if not paths:
        return PageSet()
    known = set(pages)
    docs_root = config.docs_root
    chosen = PageSet(wanted=set())
    assert chosen.wanted is not None
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if not absolute.exists():
            raise UsageError(f"{given}: no such file or directory")
        if not _inside(absolute, docs_root):
            if skip_outside:
                chosen.skipped[OUTSIDE] += 1
                continue
            raise UsageError(f"{given}: outside the docs root {docs_root}")
        if absolute.is_dir():
            for page in _pages_below(absolute):
                _choose(config, page, known, chosen)
        else:
            _choose(config, absolute, known, chosen)
    return chosen


def _choose(config: Config, path: Path, known: set[str], chosen: PageSet) -> None:
    assert chosen.wanted is not None
    relpath = project_relpath(config, path)
    if relpath in known:
        chosen.wanted.add(relpath)
    elif path.suffix not in PAGE_SUFFIXES:
        chosen.skipped[NOT_A_PAGE] += 1
    else:
        chosen.skipped[EXCLUDED] += 1


def _inside(path: Path, folder: Path) -> bool:
    # Compared without resolving symlinks in the page itself: a page is where it is written.
    try:
        path.relative_to(folder)
    except ValueError:
        try:
            path.resolve().relative_to(folder)
        except ValueError:
            return False
    return True


def _pages_below(folder: Path) -> list[Path]:
    """Files with a page suffix below ``folder``; hidden and ``_build`` folders pruned as
    the project's discovery prunes them (their pages would all count as excluded)."""
    found: list[Path] = []
    for root, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "_build")))
        found.extend(Path(root) / name for name in sorted(files) if name.endswith(PAGE_SUFFIXES))
    return found
