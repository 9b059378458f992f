"""Rule scopes and block selectors (Vale's ``check.Scope``).

A rule's scope is a list of alternatives; each alternative is a chain of
selectors joined with ``&``; a selector such as ``heading.h2`` matches a block
whose dotted scope (``text.heading.h2.md``) contains all of its parts, and
``~`` negates it. Sentence blocks only answer to alternatives that ask for
``sentence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Selector:
    parts: frozenset[str]
    negated: bool = False

    @classmethod
    def parse(cls, text: str) -> Selector:
        text = text.strip()
        negated = text.startswith("~")
        body = text[1:] if negated else text
        return cls(frozenset(p.strip() for p in body.split(".") if p.strip()), negated)


@lru_cache(maxsize=1024)
def _block_parts(scope: str) -> frozenset[str]:
    return frozenset(scope.split("."))


@dataclass(frozen=True)
class Scope:
    alternatives: tuple[tuple[Selector, ...], ...]
    source: tuple[str, ...]

    @classmethod
    def parse(cls, values: list[str]) -> Scope:
        alternatives = tuple(
            tuple(Selector.parse(part) for part in value.split("&")) for value in values
        )
        return cls(alternatives, tuple(values))

    def bases(self) -> set[str]:
        """The block families the scope needs built (``sentence``, ``paragraph``...)."""
        found: set[str] = set()
        for value in self.source:
            for part in value.split("&"):
                part = part.strip()
                if part and not part.startswith("~"):
                    found.add(part.split(".")[0])
        return found

    def matches(self, scope: str, is_sentence: bool) -> bool:
        return _matches(self, scope, is_sentence)

    def _match(self, scope: str, is_sentence: bool) -> bool:
        parts = _block_parts(scope)
        for alternative in self.alternatives:
            if is_sentence and not any(
                not s.negated and "sentence" in s.parts for s in alternative
            ):
                continue
            if self._all(alternative, parts):
                return True
        return False

    @staticmethod
    def _all(alternative: tuple[Selector, ...], parts: frozenset[str]) -> bool:
        for selector in alternative:
            contained = selector.parts <= parts
            if selector.negated and not contained:
                if "raw" in parts or "summary" in parts:
                    return False
            elif (not selector.negated and not contained) or (selector.negated and contained):
                return False
        return True


@lru_cache(maxsize=8192)
def _matches(scope: Scope, block_scope: str, is_sentence: bool) -> bool:
    return scope._match(block_scope, is_sentence)
