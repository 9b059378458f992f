"""Vale's section globs: gobwas syntax, or doublestar when ``**`` appears.

Without ``**`` a ``*`` also crosses ``/`` (gobwas is compiled without
separators), so ``[*.md]`` matches ``docs/guides/page.md``. With ``**`` the
pattern follows doublestar: ``*`` stays inside one path segment and ``**``
spans any number of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class GlobError(ValueError):
    """A section name that is not a valid glob."""


def _class(pattern: str, i: int) -> tuple[str, int]:
    end = pattern.find("]", i + 1)
    if end < 0:
        raise GlobError(f"unclosed '[' in glob {pattern!r}")
    body = pattern[i + 1 : end]
    if body.startswith("!"):
        body = "^" + body[1:]
    return "[" + body.replace("\\", "\\\\") + "]", end + 1


def _translate(pattern: str, doublestar: bool) -> str:
    out: list[str] = []
    depth = 0
    i = 0
    star = "[^/]*" if doublestar else ".*"
    single = "[^/]" if doublestar else "."
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if doublestar and pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out.append("(?:.*/)?")
                i += 1
            else:
                out.append(".*")
            continue
        if ch == "*":
            out.append(star)
        elif ch == "?":
            out.append(single)
        elif ch == "[":
            text, i = _class(pattern, i)
            out.append(text)
            continue
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise GlobError(f"unclosed '{{' in glob {pattern!r}")
    return "".join(out)


@dataclass(frozen=True)
class Glob:
    """A compiled section glob; ``!`` in front negates it."""

    pattern: str
    negated: bool = False
    _regex: re.Pattern[str] = field(default=re.compile(""), repr=False, compare=False)

    @classmethod
    def compile(cls, pattern: str) -> Glob:
        negated = pattern.startswith("!")
        body = pattern.lstrip("!")
        source = _translate(body, doublestar="**" in body)
        try:
            compiled = re.compile(f"(?s:{source})\\Z")
        except re.error as exc:
            raise GlobError(f"invalid glob {pattern!r}: {exc}") from None
        return cls(pattern, negated, compiled)

    def match(self, path: str) -> bool:
        return (self._regex.match(path.replace("\\", "/")) is not None) != self.negated
