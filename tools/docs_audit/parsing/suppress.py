"""Inline suppression comments, shared by the Markdown and RST parsers.

``<!-- docs-audit: ignore CODE[, CODE] -->`` (Markdown) or ``.. docs-audit: ignore CODE``
(RST) silences the next block; without codes it silences every rule there.
``docs-audit: ignore-file CODE`` silences the whole page.
"""

from __future__ import annotations

import re

from ..document import Suppression

DIRECTIVE = re.compile(r"docs-audit:\s*(?P<scope>ignore-file|ignore)\b(?P<codes>[\sA-Za-z0-9,]*)")


def parse_codes(raw: str) -> tuple[str, ...]:
    return tuple(c.upper() for c in re.split(r"[\s,]+", raw.strip()) if c)


def next_block_end(lines: list[str], after: int) -> tuple[int, int]:
    """The first and last line (1-based) of the block that follows line ``after``.

    A block is a run of non-blank lines; a fenced code block counts as one block
    even when it holds blank lines.
    """
    index = after  # 0-based index of the line after ``after``
    while index < len(lines) and not lines[index].strip():
        index += 1
    start = index + 1
    if index >= len(lines):
        return start, start
    fence = re.match(r"\s*(`{3,}|~{3,}|:{3,})", lines[index])
    if fence:
        marker = fence.group(1)
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(marker):
            index += 1
        return start, min(index + 1, len(lines))
    if lines[index].lstrip().startswith(".. "):
        # An RST directive: its indented body belongs to it.
        index += 1
        while index < len(lines) and (not lines[index].strip() or lines[index][:1].isspace()):
            index += 1
        end = index
        while end > start and not lines[end - 1].strip():
            end -= 1
        return start, end
    while index < len(lines) and lines[index].strip():
        index += 1
    return start, index


def suppression_at(comment: str, line: int, lines: list[str]) -> Suppression | None:
    """The suppression a comment at ``line`` (1-based) makes, if it is one."""
    match = DIRECTIVE.search(comment)
    if match is None:
        return None
    codes = parse_codes(match.group("codes"))
    if match.group("scope") == "ignore-file":
        return Suppression(codes, 1, max(len(lines), 1), line)
    start, end = next_block_end(lines, line)
    return Suppression(codes, start, end, line)
