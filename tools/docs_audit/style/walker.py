"""HTML tokens and the search context that Vale's walker keeps while reading them.

The context is the file's text (UTF-8 bytes, a :class:`~.masked.MaskedText`).
Each piece of text the walker reads is masked in it once its block has been
linted, so that later searches find later occurrences; attribute values such
as link targets are masked as they pass. The walker also tracks the line it
has reached, which places single-line blocks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import unquote_plus

from .masked import MaskedText
from .model import Block


class Token(NamedTuple):
    """One piece of the HTML; a named tuple, as a long page has hundreds of thousands."""

    kind: str  # start, end, self, text, comment
    data: str
    attrs: tuple[tuple[str, str], ...] = ()
    css_class: str = ""
    href: str = ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def _tag(self, kind: str, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not attrs:
            self.tokens.append(Token(kind, tag))
            return
        pairs = tuple((k, v or "") for k, v in attrs)
        found = dict(pairs)
        self.tokens.append(Token(kind, tag, pairs, found.get("class", ""), found.get("href", "")))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("self", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(Token("end", tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(Token("text", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(Token("comment", data))


def tokenize_html(source: str) -> list[Token]:
    collector = _Collector()
    collector.feed(source)
    collector.close()
    return collector.tokens


def token_text(token: Token) -> str:
    """What Vale compares and collects: trimmed, entities decoded (again)."""
    return html.unescape(token.data.strip())


@dataclass
class Walker:
    """Vale's ``walker``: the masked context, the current line and the block's texts."""

    context: MaskedText
    idx: int = 0
    queue: list[str] = field(default_factory=list)
    tag_history: list[str] = field(default_factory=list)
    active_tag: str = ""
    active_class: str = ""
    begin: int = 0
    end: int = 0

    def _sub(self, text: str) -> bool:
        return self.context.mask(text.encode("utf-8"))

    def update(self, text: str) -> None:
        """Mask ``text`` (line by line, word by word as a fallback)."""
        if not text:
            return
        for line in text.split("\n"):
            if not self._sub(line):
                for word in line.split():
                    self._sub(word)

    def reset(self) -> None:
        for text in self.queue:
            self.update(text)
        self.context.settle()
        self.queue = []
        self.tag_history = []

    def advance(self, text: str) -> int:
        ctx = self.context
        pos = 0
        for line in text.split("\n"):
            pos = ctx.find(line.encode("utf-8"))
            if pos < 0:
                for word in line.split():
                    pos = ctx.find(word.encode("utf-8"))
        if pos >= 0:
            line_number = ctx.line_of(pos)
            if line_number > self.idx:
                return line_number
        return -1

    def append(self, text: str) -> None:
        if text:
            pos = self.advance(text)
            if pos > -1:
                self.idx = pos
            self.queue.append(text)

    def block_line(self, text: str) -> int:
        line = self.idx
        pos = self.advance(text)
        if pos != line and pos > -1:
            line = pos
        return line

    def block(self, text: str, scope: str) -> Block:
        """A block of ``text``: placed on a line, and anchored if found verbatim."""
        line = self.block_line(text)
        # The block is linted before the walker masks anything more, so it can
        # share the context instead of copying the whole file for each block.
        context = self.context
        offset = context.find(text.encode("utf-8"))
        return Block(text, scope, context.data, line, offset, context.lines)

    def add_tag(self, tag: str) -> None:
        self.tag_history.append(tag)
        self.active_tag = tag

    def last_tag(self) -> str:
        return self.tag_history[-1] if self.tag_history else self.active_tag

    def set_class(self, tag: str, skip: bool) -> None:
        if skip:
            self.active_class = tag
            self.begin = 1
            self.end = 0

    def count_class(self, tag: str, start: bool) -> None:
        if tag == self.active_class:
            if start:
                self.begin += 1
            else:
                self.end += 1

    def can_close(self) -> bool:
        return self.active_class != "" and self.begin == self.end and self.begin > 0

    def close(self) -> None:
        self.active_class = ""
        self.begin = 0
        self.end = 0

    def is_nested_list(self) -> bool:
        history = self.tag_history
        if self.last_tag() == "li" and len(history) > 3 and history[-2] in ("ol", "ul"):
            return history[-3] == "li"
        return False

    def replace_attributes(self, token: Token, ext: str) -> None:
        """Mask link targets, ids, sources and alt texts as they pass."""
        if not token.attrs or token.data not in {
            "img",
            "a",
            "p",
            "script",
            "span",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        }:
            return
        names = {"href", "id", "src", "alt"} | ({"class"} if ext == ".html" else set())
        for key, value in token.attrs:
            if key in names:
                if key == "href":
                    value = unquote_plus(value)
                self.update(value)
