"""The walker's search context: a file's bytes with the text already linted masked out.

Vale finds each piece of text at its *first* occurrence in the whole context,
then masks it there, so that the next search finds the next occurrence. Done
naively, every search reads the part of the file already linted again, and a
page costs time proportional to the square of its length (100,000 lines took
minutes). This module keeps Vale's answers and makes each search independent
of how far the walker has read, using what masking can and cannot do:

- masking only ever turns ASCII bytes into ``@`` and never touches a line
  break, so line breaks stay where they are: one index of them answers every
  "which line is this offset on" without counting;
- a needle without ``@`` can only occur inside a run of bytes that are not
  ``@``. In the part of the file the walker has finished with (the *settled*
  prefix) such runs are what linting left unmasked: markup such as ``## `` or
  a fence's info string, which is short and repetitive. Those runs are kept,
  de-duplicated, in one ``@``-joined bytes object; a needle found there might
  occur in the prefix and is searched the slow, exact way; any other needle
  can only start in the last ``len(needle) - 1`` bytes of the prefix or after
  it, and the search starts there.

Runs masked after they were recorded stay in the record: it only ever claims
too much, which costs a slow search, never a wrong answer.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_RUN = re.compile(rb"[^@]+")
_MASK = ord("@")
#: ASCII bytes other than a line break become ``@``; the bytes of multi-byte runes stay.
_MASKING = bytes(_MASK if b < 0x80 and b != 0x0A else b for b in range(256))


class LineIndex:
    """The offsets of a text's line breaks, for the line of any offset in O(log n)."""

    __slots__ = ("_last", "breaks")

    def __init__(self, data: bytes | bytearray) -> None:
        self.breaks = [m.start() for m in re.finditer(b"\n", data)]
        self._last = (-1, -1, 0)  # line start, offset, column of the last column asked for

    def line_of(self, offset: int) -> int:
        """The 0-based line of ``offset``: how many line breaks come before it."""
        return bisect_left(self.breaks, offset)

    def column_of(self, data: bytes | bytearray, offset: int) -> int:
        """The 1-based column of ``offset``, in characters (``offset`` starts one).

        Alerts arrive left to right, so the count continues from the last
        offset asked for on the same line instead of starting at the line's
        beginning: on a 1 MB line that was the whole line again for each
        alert. Masking turns one ASCII byte into another, so the counts hold
        for every masked copy of the text.
        """
        line = self.line_of(offset)
        start = self.breaks[line - 1] + 1 if line else 0
        last_start, last_offset, last_column = self._last
        if last_start == start and last_offset <= offset:
            column = last_column + _characters(data, last_offset, offset)
        else:
            column = _characters(data, start, offset) + 1
        self._last = (start, offset, column)
        return column


def _characters(data: bytes | bytearray, start: int, end: int) -> int:
    """Characters in ``data[start:end]`` (UTF-8; an invalid byte counts one, as in Go)."""
    return len(data[start:end].decode("utf-8", errors="replace"))


class MaskedText:
    """The masked context: exact first-occurrence search in time independent of the prefix."""

    __slots__ = ("_runs", "_seen", "data", "high", "lines", "settled")

    def __init__(self, data: bytes) -> None:
        self.data = bytearray(data)
        self.lines = LineIndex(data)
        #: Everything before ``settled`` has had its runs recorded in ``_runs``.
        self.settled = 0
        #: The end of the furthest masking so far.
        self.high = 0
        self._seen: set[bytes] = set()
        self._runs = bytearray()

    def find(self, needle: bytes) -> int:
        """The offset of the first occurrence of ``needle``, or -1 (``bytes.find``)."""
        data = self.data
        if not needle or self.settled == 0 or _MASK in needle:
            return data.find(needle)
        if needle in self._runs:
            return data.find(needle)
        return data.find(needle, max(0, self.settled - len(needle) + 1))

    def mask(self, needle: bytes) -> bool:
        """The walker's ``subInplace``: mask the first ``needle``, ASCII bytes only, newlines kept."""
        if not needle:
            return True
        start = self.find(needle)
        if start < 0:
            return False
        end = start + len(needle)
        self.data[start:end] = self.data[start:end].translate(_MASKING)
        self.high = max(self.high, start + len(needle))
        return True

    def settle(self) -> None:
        """Record the unmasked runs up to the furthest masking: the walker is done with them.

        Call it when a block is finished (its text masked): text still
        waiting to be masked must not be recorded, or it would send every
        later search for its words the slow way.
        """
        end = self.high
        if end <= self.settled:
            return
        data = self.data
        # A run that crosses the old boundary is recorded whole again, so that
        # a needle spanning the boundary is still found inside one run.
        start = data.rfind(b"@", 0, self.settled) + 1 if self.settled else 0
        for run in _RUN.finditer(data, start, end):
            piece = run.group()
            if piece not in self._seen:
                self._seen.add(piece)
                self._runs += b"@" + piece
        self.settled = end

    def line_of(self, offset: int) -> int:
        return self.lines.line_of(offset)
