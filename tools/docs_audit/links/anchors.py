"""Find ``id`` and ``name`` attributes in HTML as it streams in, and stop early.

A regular expression over tags is used instead of a full HTML parser: it runs in C,
so a page of several megabytes is scanned in milliseconds, and only attribute values
inside tags are collected. A tag split across two chunks is kept for the next one.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable
from urllib.parse import unquote

_ATTRIBUTE = re.compile(
    r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINE_ANCHOR = re.compile(r"^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$")
_GITHUB_PREFIX = "user-content-"


def is_line_anchor(fragment: str) -> bool:
    """``#L10``, ``#L10-L20`` and ``#L3C5``: line anchors of code viewers, never checked."""
    return bool(_LINE_ANCHOR.match(fragment))


def wanted_forms(fragment: str) -> set[str]:
    """Ids that satisfy ``fragment``: itself, unquoted, and GitHub's prefixed form."""
    forms = {fragment, unquote(fragment)}
    return forms | {_GITHUB_PREFIX + form for form in forms}


class AnchorScanner:
    """Feed it bytes; it tells which of the wanted fragments have been seen."""

    def __init__(self, fragments: Iterable[str], encoding: str = "utf-8") -> None:
        self._wanted = {fragment: wanted_forms(fragment) for fragment in fragments}
        self.found: set[str] = set()
        try:
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        except LookupError:
            self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    @property
    def done(self) -> bool:
        return len(self.found) == len(self._wanted)

    @property
    def missing(self) -> set[str]:
        return set(self._wanted) - self.found

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self._pending + self._decoder.decode(chunk, final)
        text = _COMMENT.sub(" ", text)
        # Keep an unfinished tag or comment for the next chunk.
        cut = len(text) if final else _safe_end(text)
        self._pending = text[cut:]
        for tag in _TAG.finditer(text, 0, cut):
            for match in _ATTRIBUTE.finditer(tag.group(0)):
                value = html.unescape(match.group(1) or match.group(2) or match.group(3) or "")
                self._see(value)

    def _see(self, value: str) -> None:
        for fragment, forms in self._wanted.items():
            if fragment not in self.found and value in forms:
                self.found.add(fragment)


def _safe_end(text: str) -> int:
    """Where complete markup ends: before a trailing ``<`` that has no ``>`` yet."""
    last_open = text.rfind("<")
    if last_open < 0 or text.find(">", last_open) >= 0:
        comment = text.rfind("<!--")
        if comment >= 0 and text.find("-->", comment) < 0:
            return comment
        return len(text)
    comment = text.rfind("<!--")
    if comment >= 0 and text.find("-->", comment) < 0:
        return min(comment, last_open)
    return last_open
