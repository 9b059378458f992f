"""Records shared by the style engine: blocks of text, alerts and per-file state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .masked import LineIndex


@dataclass(slots=True)
class Block:
    """A piece of prose with its scope, as Vale's ``nlp.Block``.

    ``context`` is the document (UTF-8 bytes) with the text of blocks already
    linted masked out; ``line`` is the 0-based line the walker placed the block
    on, or -1 when unknown. ``lines`` indexes the context's line breaks (masking
    keeps them in place), so that placing an alert does not count them again.
    """

    text: str
    scope: str
    context: bytes | bytearray
    line: int = -1
    offset: int = -1
    lines: LineIndex | None = None
    #: The last character offset turned into a byte offset, and that byte offset.
    _cursor: list[int] = field(default_factory=lambda: [0, 0], compare=False, repr=False)

    def sub_block(self, text: str, scope: str) -> Block:
        """A sentence or paragraph of this block, anchored when this block is."""
        offset = -1
        if self.offset >= 0:
            inner = self.text.encode("utf-8").find(text.encode("utf-8"))
            if inner >= 0:
                offset = self.offset + inner
        return Block(text, scope, self.context, self.line, offset, self.lines)

    def byte_offset(self, index: int) -> int:
        """The UTF-8 byte offset of character ``index`` of the text.

        Continues from the last offset asked for: alerts come left to right,
        and encoding the text up to each one cost a long line its length
        again per alert.
        """
        chars, size = self._cursor
        if index < chars:
            chars, size = 0, 0
        size += len(self.text[chars:index].encode("utf-8"))
        self._cursor[:] = [index, size]
        return size

    def line_of(self, offset: int) -> int:
        """The 0-based line of a byte offset into the context."""
        if self.lines is None:
            return self.context.count(b"\n", 0, offset)
        return self.lines.line_of(offset)

    @property
    def parent(self) -> str:
        return self.scope

    @property
    def is_sentence(self) -> bool:
        return self.scope.startswith("sentence.")


@dataclass(slots=True)
class Alert:
    """One match of one rule, located in the file (Vale's ``core.Alert``).

    Until it is located, ``span`` holds rune offsets into the block's text;
    afterwards ``line`` and ``span[0]`` are the 1-based line and column.
    ``anchored`` alerts were placed from the block's known offset.
    """

    check: str
    severity: str
    message: str
    match: str
    span: list[int]
    link: str = ""
    line: int = 0
    limit: int = 0
    # An immutable default: a long line can hold hundreds of thousands of alerts.
    offset: Sequence[str] = ()
    anchored: bool = False


class StyleAlert(NamedTuple):
    """A finished alert: what ``--output line`` prints (a named tuple: a long line can
    hold hundreds of thousands)."""

    path: str
    line: int
    column: int
    check: str
    message: str
    severity: str
    match: str = ""
    link: str = ""

    def as_line(self) -> str:
        return f"{self.path}:{self.line}:{self.column}:{self.check}:{self.message}"


@dataclass
class FileState:
    """What rules and comment controls remember while one file is linted."""

    base_styles: list[str]
    checks: dict[str, bool]
    comments: dict[str, bool] = field(default_factory=dict)
    sequences: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    history: set[tuple[int, int, str]] = field(default_factory=set)
    limits: dict[str, int] = field(default_factory=dict)
    check_context: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleTimeout:
    """A rule (or ignore pattern) whose regular expression was stopped on a file."""

    path: str
    line: int
    rule: str
    message: str
