"""What the parsers need to know of a project's Sphinx configuration.

The defaults are Sphinx's and MyST-Parser's own (a ``conf.py`` that sets nothing). The
project fills one from ``conf.py`` and passes it to every parse; it is part of the page
cache's key, since the same source parses differently under other settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .extensions import declarations_key


@dataclass(frozen=True)
class ParseSettings:
    #: ``myst_heading_anchors``: headings up to this level get a slug anchor (0: none).
    heading_anchors: int = 0
    #: ``myst_enable_extensions`` (``colon_fence``, ``attrs_block``, ``attrs_inline``,
    #: ``deflist``, ``substitution``, ``dollarmath``...).
    myst_extensions: frozenset[str] = frozenset()
    #: ``default_role``: what RST's single backticks mean (``None``: docutils' title
    #: reference, which is no cross-reference).
    default_role: str | None = None
    #: ``source_suffix``: the suffixes of source pages (a ``{doc}`` target never has one).
    source_suffixes: tuple[str, ...] = (".rst", ".md")

    @classmethod
    def of(
        cls,
        heading_anchors: int = 0,
        myst_extensions: Iterable[str] = (),
        default_role: str | None = None,
        source_suffixes: Iterable[str] = (".rst", ".md"),
    ) -> ParseSettings:
        """Settings from plain values (lists, tuples), as ``conf.py`` gives them."""
        return cls(
            int(heading_anchors or 0),
            frozenset(myst_extensions),
            default_role or None,
            tuple(source_suffixes),
        )

    def key(self) -> str:
        """A stable text for the page cache's key."""
        return json.dumps(
            [
                self.heading_anchors,
                sorted(self.myst_extensions),
                self.default_role,
                list(self.source_suffixes),
                declarations_key(),
                parsers_fingerprint(),
            ]
        )


@lru_cache(maxsize=1)
def parsers_fingerprint() -> str:
    """The parsers' own source: a page a changed parser read (a directive table grown,
    say) is read again, though neither it nor the model changed."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


DEFAULT_SETTINGS = ParseSettings()
