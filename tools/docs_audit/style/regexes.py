"""Vale's regular-expression dialect, compiled with the ``regex`` package.

Vale compiles rule patterns with regexp2, which follows .NET: an inline flag
group such as ``(?-i)`` in the middle of a pattern applies from there to the end
of the enclosing group, across alternatives. The ``regex`` package (version 0
behaviour) would apply it to the whole pattern instead, so mid-pattern flag
groups are rewritten into scoped groups ``(?-i:...)`` that close at each ``|``
and at the end of the enclosing group, which keeps .NET's meaning.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ..saferegex import PatternError, SafePattern, compile_safe

__all__ = [
    "PATTERN_FLAGS",
    "PatternError",
    "SafePattern",
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


#: The flags of a compiled Vale pattern that sets no global flag of its own.
PATTERN_FLAGS = regex.compile("", regex.MULTILINE).flags
