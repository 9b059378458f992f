"""Where an alert is in the file: Vale's search-based location, reproduced.

A rule reports a span within a block's text, and the text of a Markdown or
reStructuredText block is not a slice of the file (markup is gone). Vale finds
the matched text in the file instead: in the block's line when the walker knew
it, otherwise by searching the document with what was already linted masked
out. Columns are 1-based and count Unicode characters. The quirks are kept on
purpose (matches next to a backtick or hyphen are passed over when there is
another one; a match spread over inline markup falls back to the start of the
line that holds all its words), so the results compare line for line with
Vale's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

from . import nlp
from .goutil import rune_len, substitute
from .model import Alert, Block, FileState


def split_after(data: bytes | bytearray) -> list[bytes]:
    """Go's ``strings.SplitAfter(s, "\\n")``."""
    parts = bytes(data).split(b"\n")
    return [p + b"\n" for p in parts[:-1]] + [parts[-1]]


def _is_punct_only(text: str) -> bool:
    return bool(text) and not any(ch.isalnum() for ch in text)


_QUOTES = {
    "'": "(?:'|\u2018|\u2019)",
    '"': '(?:"|\u201c|\u201d)',
}


@lru_cache(maxsize=4096)
def _match_pattern(sub: str) -> re.Pattern[bytes]:
    body = "".join(_QUOTES.get(ch, re.escape(ch)) for ch in sub)
    # Go's regexp: ASCII word boundaries, `$` only at the very end.
    source = r"(?:^|\b|_)" + body + r"(?:_|\b|\Z)"
    return re.compile(source.encode("utf-8"))


def _guess(ctx: bytes | bytearray, text: str, match: str) -> tuple[int, str]:
    target = ""
    for sentence in nlp.segment(text):
        if sentence == match or sentence.find(match) > 0:
            target = sentence
    if not target:
        return -1, text
    tokens = [t.encode("utf-8") for t in nlp.tokenize(target)]
    for line in ctx.split(b"\n"):
        if all(t in line for t in tokens):
            return ctx.find(line) + 1, line.decode("utf-8", errors="replace")
    return -1, text


def initial_position(ctx: bytes | bytearray, text: str, alert: Alert) -> tuple[int, str]:
    """Vale's ``initialPosition``: the 1-based rune position of the match in ``ctx``."""
    if alert.match == "":
        return 1, ""
    offset = ctx.find(text.encode("utf-8"))
    if offset < 0 and _is_punct_only(alert.match):
        words = text.split()
        if words:
            offset = ctx.find(words[0].encode("utf-8"))
    if offset >= 0:
        ctx, _ = substitute(ctx, ctx[:offset], b"@")
    sub = alert.match
    # Matches are taken one at a time, up to the first that will do: listing
    # every occurrence in the file (and counting its characters) for each
    # alert made a page of many alerts cost their number times its length.
    # No match can start more than one byte before the first occurrence of the
    # text itself, so the scan starts there instead of at the top of the file
    # (the pattern's `^` only ever matches at 0, which is then where it starts).
    literal = sub.encode("utf-8")
    first_literal = ctx.find(literal) if not any(q in sub for q in _QUOTES) else 0
    start_at = len(ctx) if first_literal < 0 else max(0, first_literal - 1)
    found = _match_pattern(sub).finditer(ctx, start_at)
    first = next(found, None)
    if first is None:
        idx = ctx.find(sub.encode("utf-8"))
        if idx < 0:
            return _guess(ctx, text, sub)
    else:
        idx = first.start()
        size = -1
        for match in chain((first,), found):
            start, end = match.span()
            before, after = start - 1, end + 1
            if before > 0 and ctx[before : before + 1] in (b"`", b"-"):
                continue
            if ctx[after : after + 1] in (b"`", b"-"):
                if size < 0:
                    size = rune_len(ctx)
                if after < size:
                    continue
            idx = start
            break
    if ctx[idx : idx + 1] == b"_":
        idx += 1
    return rune_len(ctx[:idx]) + 1, sub


def _clamp(loc: list[int], length: int, pad: int) -> None:
    extent = length + pad
    if loc[1] > extent:
        loc[1] = extent
    elif loc[1] <= 0:
        loc[1] = 1


def find_loc(
    ctx: bytes | bytearray,
    text: str,
    pad: int,
    count: int,
    alert: Alert,
    line_lengths: list[int] | None,
) -> tuple[int, list[int]]:
    """Vale's ``FindLoc``: search the whole context."""
    for word in alert.offset:
        ctx, _ = substitute(ctx, word.encode("utf-8", errors="surrogateescape"), b"@")
    pos, substring = initial_position(ctx, text, alert)
    if pos < 0:
        return pos, [0, 0]
    loc = alert.span
    lengths = (
        line_lengths if line_lengths is not None else [rune_len(part) for part in split_after(ctx)]
    )
    counter = 0
    for idx, length in enumerate(lengths):
        if counter + length >= pos:
            loc[0] = pos - counter + pad
            loc[1] = loc[0] + len(substring) - 1
            _clamp(loc, length, pad)
            return count - (len(lengths) - (idx + 1)), loc
        counter += length
    return count, loc


def assign_loc(ctx: bytes | bytearray, blk: Block, pad: int, alert: Alert) -> tuple[int, list[int]]:
    """Vale's ``assignLoc``: the block's own line, or a line holding the match exactly.

    That is the first line (of ``split_after(ctx)``) that either is the block's
    line or has the match's bytes at ``span`` with a byte after them. Both are
    found by C-level searches instead of a Python step per line of the file for
    every alert.
    """
    loc = alert.span
    if loc[0] < 0 or loc[1] < 0:
        return blk.line + 1, alert.span
    lines = ctx.count(b"\n") + 1
    candidates = [blk.line] if 0 <= blk.line < lines else []
    match = alert.match.encode("utf-8")
    if loc[1] - loc[0] == len(match) and b"\n" not in match:
        exact = re.compile(b"(?m)^[^\n]{%d}" % loc[0] + re.escape(match) + b"(?=[\\s\\S])").search(
            ctx
        )
        if exact is not None:
            candidates.append(ctx.count(b"\n", 0, exact.start()))
    if not candidates:
        return blk.line + 1, alert.span
    idx = min(candidates)
    start = _line_start(ctx, idx)
    end = ctx.find(b"\n", start)
    line = bytes(ctx[start:]) if end < 0 else bytes(ctx[start : end + 1])
    pos, substring = initial_position(line, blk.text, alert)
    loc[0] = pos + pad
    loc[1] = pos + len(substring) - 1
    _clamp(loc, rune_len(line), pad)
    return idx + 1, loc


def _line_start(data: bytes | bytearray, index: int) -> int:
    """Where line ``index`` (0-based) of ``data`` begins."""
    if index == 0:
        return 0
    skipped = re.compile(b"(?:[^\n]*\n){%d}" % index).match(data)
    return skipped.end() if skipped is not None else len(data)


def anchor(alert: Alert, blk: Block) -> None:
    """Place an alert exactly when its block's text sits verbatim in the document.

    The walker records where a block's text was found; a match inside it is
    then at that offset plus its own, with no searching (Vale #869, #892).
    """
    if blk.offset < 0 or not alert.match:
        return
    begin = blk.offset + blk.byte_offset(alert.span[0])
    if begin > len(blk.context):
        return
    if blk.lines is not None:
        column = blk.lines.column_of(blk.context, begin)
    else:
        line_start = blk.context.rfind(b"\n", 0, begin) + 1
        column = rune_len(blk.context[line_start:begin]) + 1
    length = len(alert.match)
    alert.line = blk.line_of(begin) + 1
    alert.span = [column, column + max(length, 1) - 1]
    alert.anchored = True


def add_alert(
    state: FileState,
    alert: Alert,
    blk: Block,
    count: int,
    lookup: bool,
    line_lengths: list[int] | None,
) -> None:
    """Vale's ``AddAlert``: locate, de-duplicate, apply ``limit``."""
    ctx = state.check_context.get(alert.check, blk.context)
    match = alert.match.encode("utf-8")
    if not alert.anchored:
        if not alert.offset and len(ctx) < 1000 and ctx.count(match) > 1:
            head = ctx[: alert.span[0]].decode("utf-8", errors="surrogateescape")
            alert.offset = head.split()
        if not lookup:
            alert.line, alert.span = assign_loc(ctx, blk, 0, alert)
        if lookup or alert.span[0] < 0:
            alert.line, alert.span = find_loc(ctx, blk.text, 0, count, alert, line_lengths)
    if alert.span[0] <= 0:
        return
    if not alert.anchored:
        # Later alerts of this check in this block are searched for past this
        # one. An anchored alert needs no search, and neither do the others of
        # its block (they are anchored too), so the copy is skipped: on a long
        # line with thousands of alerts it made each one cost the whole file.
        state.check_context[alert.check], _ = substitute(ctx, match, b"#")
    entry = (alert.line, alert.span[0], alert.check)
    if entry in state.history:
        return
    used = state.limits.get(alert.check)
    if used is None or alert.limit == 0 or used < alert.limit:
        state.alerts.append(alert)
        state.history.add(entry)
        if alert.limit > 0:
            state.limits[alert.check] = (used or 0) + 1
