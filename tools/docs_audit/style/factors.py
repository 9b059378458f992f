"""Literal strings that every match of a pattern contains: a test, without the regex
engine, that a rule cannot match a block.

A page of 100,000 lines has some 50,000 blocks and each rule searched each of
them: the search is quick, but reading the clock for its time limit and the
calls around it were most of the style engine's time. A rule whose pattern is
``\\b(?:simply|just|easy)\\b`` can only match a text that contains ``simply``,
``just`` or ``easy``; looking for those with ``in`` is exact as a filter and
costs a fraction of a search.

:func:`required_factors` reads the pattern and gives such a set, or ``None``
when it cannot tell (anything it does not fully understand). Both the factors
and the text are compared :func:`folded` the way ``regex`` folds case, so a
case-insensitive pattern is covered too.

A skipped rule does not run at all on that block, so a pattern that would
backtrack past its time limit there (without matching) is no longer stopped
there: it is known to have no match, which is the answer the limit could not
give.
"""

from __future__ import annotations

import re

import regex
from regex import _regex

_FOLDING = regex.IGNORECASE | regex.UNICODE
#: regex matches I, i, dotted I (U+0130) and dotless i (U+0131) as one letter; its fold keeps them apart.
_DOTTED_I = str.maketrans({"I": "i", "\u0130": "i", "\u0131": "i"})
_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")
#: Escapes that match one character of a class, and those that match no character.
_CLASS_ESCAPES = frozenset("wWdDsStnrfvae")
_ZERO_WIDTH = frozenset("bBAZzGmMK")
_GROUP_FLAGS = frozenset("ims-")


def folded(text: str) -> str:
    """``text`` with each character replaced by its case-insensitive class representative."""
    if text.isascii():
        return text.lower()  # the same, for ASCII, and twenty times quicker
    return str(_regex.fold_case(_FOLDING, text)).translate(_DOTTED_I)


class _Unknown(Exception):
    """The pattern uses syntax this reader does not follow."""


def required_factors(pattern: str) -> frozenset[str] | None:
    """Folded strings one of which every match of ``pattern`` contains, or ``None``.

    ``pattern`` is as compiled (``regex``, version 0, flags scoped to groups).
    """
    try:
        factors, end = _alternation(pattern, 0)
    except (_Unknown, RecursionError):
        return None
    if end != len(pattern) or not factors:
        return None
    # A text that contains a longer factor contains any factor inside it.
    kept = {f for f in factors if not any(g != f and g in f for g in factors)}
    return frozenset(kept)


def _alternation(pattern: str, i: int) -> tuple[set[str] | None, int]:
    """The branches from ``i`` to the closing parenthesis or the end."""
    union: set[str] | None = set()
    while True:
        factors, i = _sequence(pattern, i)
        if union is not None:
            union = None if factors is None else union | factors
        if i < len(pattern) and pattern[i] == "|":
            i += 1
            continue
        return union, i


def _sequence(pattern: str, i: int) -> tuple[set[str] | None, int]:
    """One branch: the best of the factor sets its required parts give."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append({folded("".join(run))})
            run.clear()

    size = len(pattern)
    while i < size and pattern[i] not in "|)":
        literal, factors, width, i = _atom(pattern, i)
        low, i = _quantifier(pattern, i)
        if low < 0:
            if literal is not None:
                run.append(literal)
            elif width:
                flush()
                if factors:
                    candidates.append(factors)
            continue
        if not width:
            raise _Unknown
        flush()
        if low > 0 and factors:
            candidates.append(factors)
    flush()
    if not candidates:
        return None, i
    best = max(candidates, key=lambda s: (min(map(len, s)), -len(s)))
    return best, i


def _quantifier(pattern: str, i: int) -> tuple[int, int]:
    """The least repeat count of a quantifier at ``i`` (-1 when there is none)."""
    if i >= len(pattern) or pattern[i] not in "*+?{":
        return -1, i
    ch = pattern[i]
    if ch == "{":
        found = _QUANTIFIER.match(pattern, i)
        if found is None or (not found.group(1) and found.group(2) is None):
            raise _Unknown  # a literal brace or a fuzzy constraint
        low, i = int(found.group(1) or 0), found.end()
    else:
        low, i = (1 if ch == "+" else 0), i + 1
    if i < len(pattern) and pattern[i] in "?+":
        i += 1
    if i < len(pattern) and pattern[i] in "*+?{":
        raise _Unknown
    return low, i


def _atom(pattern: str, i: int) -> tuple[str | None, set[str] | None, bool, int]:
    """One atom: its literal character (if it is one), the factors of a group,
    whether it consumes text, and where it ends."""
    ch = pattern[i]
    if ch == "\\":
        if i + 1 >= len(pattern):
            raise _Unknown
        nxt = pattern[i + 1]
        if (not nxt.isalnum() and not nxt.isspace()) or nxt == " ":
            return nxt, None, True, i + 2
        if nxt in _ZERO_WIDTH:
            return None, None, False, i + 2
        if nxt in _CLASS_ESCAPES:
            return None, None, True, i + 2
        raise _Unknown
    if ch == "[":
        return None, None, True, _class_end(pattern, i)
    if ch in "^$":
        return None, None, False, i + 1
    if ch == ".":
        return None, None, True, i + 1
    if ch in "*+?{":
        raise _Unknown
    if ch == "(":
        return _group(pattern, i)
    return ch, None, True, i + 1


def _group(pattern: str, i: int) -> tuple[str | None, set[str] | None, bool, int]:
    consumes = True
    start = i + 1
    if pattern.startswith("(?", i):
        head = pattern[i + 2 : i + 4]
        if head[:1] in (":", ">", "|"):
            start = i + 3
        elif head[:1] in ("=", "!") or head in ("<=", "<!"):
            consumes = False
            start = i + 3 + (head[0] == "<")
        elif head[:1] in ("P", "<", "'") and head not in ("P=", "P>"):
            close = ">" if head[0] != "'" else "'"
            name_end = pattern.find(close, i + 3)
            if name_end < 0 or not pattern[i + 3 + (head[0] == "P") : name_end].isidentifier():
                raise _Unknown
            start = name_end + 1
        else:
            colon = pattern.find(":", i + 2)
            flags = pattern[i + 2 : colon] if colon >= 0 else ""
            if not flags or any(ch not in _GROUP_FLAGS for ch in flags):
                raise _Unknown
            start = colon + 1
    factors, end = _alternation(pattern, start)
    if end >= len(pattern) or pattern[end] != ")":
        raise _Unknown
    return None, (factors if consumes else None), consumes, end + 1


def _class_end(pattern: str, i: int) -> int:
    """Where the character class starting at ``i`` ends (version 0 syntax)."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and pattern[i + 1 : i + 2] in (":", ".", "="):
            raise _Unknown  # POSIX classes
        if ch == "]":
            return i + 1
        i += 1
    raise _Unknown
