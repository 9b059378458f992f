"""Vale's regular-expression dialect, compiled with the ``regex`` package.

Vale compiles rule patterns with regexp2, which follows .NET: an inline flag
group such as ``(?-i)`` in the middle of a pattern applies from there to the end
of the enclosing group, across alternatives. The ``regex`` package (version 0
behaviour) would apply it to the whole pattern instead, so mid-pattern flag
groups are rewritten into scoped groups ``(?-i:...)`` that close at each ``|``
and at the end of the enclosing group, which keeps .NET's meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import regex

from ..saferegex import PatternError, SafePattern, compile_safe

__all__ = [
    "PatternError",
    "SafePattern",
    "any_of",
    "combinable",
    "compile_pattern",
    "search",
    "translate",
]

_FLAG_CHARS = frozenset("imsxn-")


def _inline_flags(pattern: str, start: int) -> tuple[str, int] | None:
    """The flags of an inline group ``(?flags)`` at ``start``, and its end."""
    if not pattern.startswith("(?", start):
        return None
    end = pattern.find(")", start + 2)
    if end < 0:
        return None
    flags = pattern[start + 2 : end]
    if not flags or any(ch not in _FLAG_CHARS for ch in flags):
        return None
    # .NET's explicit-capture flag `n` has no equivalent; dropping it only
    # changes group numbering, which Vale's checks do not depend on.
    kept = flags.replace("n", "")
    if kept in ("", "-"):
        return "", end + 1
    return kept, end + 1


def translate(pattern: str) -> str:
    """Rewrite .NET-style inline flag groups into scoped groups."""
    out: list[str] = []
    # For every open group: the flags opened inside it that must be closed at
    # its end and reopened after each `|`.
    stack: list[list[str]] = [[]]
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            out.append(ch)
            if ch == "]":
                in_class = False
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # A `]` right after `[` or `[^` is a literal member.
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        flags = _inline_flags(pattern, i)
        if flags is not None:
            text, i = flags
            if text:
                out.append(f"(?{text}:")
                stack[-1].append(text)
            continue
        if ch == "(":
            stack.append([])
            out.append(ch)
        elif ch == ")":
            opened = stack.pop() if len(stack) > 1 else []
            out.append(")" * len(opened))
            out.append(ch)
        elif ch == "|":
            opened = stack[-1]
            out.append(")" * len(opened))
            out.append("|")
            out.extend(f"(?{text}:" for text in opened)
        else:
            out.append(ch)
        i += 1
    out.append(")" * len(stack[0]))
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> SafePattern:
    """Compile a Vale pattern; :class:`PatternError` when it is invalid.

    Rule patterns come from the project's styles, so every match runs under
    the time limit of :mod:`docs_audit.saferegex`.
    """
    # Vale compiles every rule pattern with the Multiline option.
    return compile_safe(translate(pattern), regex.MULTILINE, source=pattern)


def search(pattern: SafePattern | None, text: str) -> bool:
    """Vale's ``isMatch``: an empty pattern never matches."""
    return pattern is not None and pattern.search(text) is not None


# What makes a pattern mean something else inside a bigger one: references to
# groups by number or name (numbers shift), recursion, conditionals on groups.
_SELF_REFERENCE = regex.compile(r"\\[1-9gk]|\(\?(?:P[=>]|&|R|[-+]?\d|\()")
_FLAGS = regex.compile("", regex.MULTILINE).flags


def combinable(pattern: SafePattern) -> bool:
    """Does ``pattern`` keep its meaning as one branch of :func:`any_of`?

    Not with group references, recursion or conditionals, nor with global
    flags other than the multiline flag every Vale pattern is compiled with.
    """
    compiled = pattern.compiled
    return compiled.flags == _FLAGS and not _SELF_REFERENCE.search(compiled.pattern)


def any_of(patterns: Sequence[SafePattern]) -> SafePattern | None:
    """One pattern that matches a text when any of ``patterns`` would (all :func:`combinable`).

    An alternation matches at the first position where some branch matches,
    so it finds nothing exactly when no branch matches anywhere: one search of
    it tells that none of the patterns has a match. ``None`` when the
    alternation does not compile to what its branches are.
    """
    if not patterns:
        return None
    source = "|".join(f"(?:{p.compiled.pattern})" for p in patterns)
    try:
        combined = regex.compile(source, regex.MULTILINE)
    except (regex.error, IndexError, ValueError, OverflowError, RecursionError):
        return None
    if combined.flags != _FLAGS or combined.groups != sum(p.compiled.groups for p in patterns):
        return None
    return SafePattern(combined, " | ".join(p.source for p in patterns), patterns[0].timeout)
