"""Title and sentence case, for the ``capitalization`` check's ``$title`` and ``$sentence``.

A word that is part of a vocabulary entry or a rule exception keeps its case;
so does an all-capitals word (an acronym). Sentence case capitalises the first
word that has letters and lower-cases the rest, except after a word ending in
an indicator (such as ``:``). Title case capitalises every word but the short
function words of the chosen style, which stay lower-case unless first or last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_AP_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "but",
        "by",
        "for",
        "in",
        "nor",
        "of",
        "on",
        "or",
        "so",
        "the",
        "to",
        "up",
        "yet",
        "as",
    ]
)
_CHICAGO_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "like",
        "near",
        "nor",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "out",
        "over",
        "past",
        "so",
        "than",
        "the",
        "till",
        "to",
        "up",
        "upon",
        "via",
        "with",
        "yet",
    ]
)


def _protected(text: str, vocab: Sequence[str]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` covered by a vocabulary term."""
    spans: list[tuple[int, int]] = []
    for term in sorted(vocab, key=len, reverse=True):
        if not term.strip():
            continue
        for match in re.finditer(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text):
            if not any(s < match.end() and match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
    return spans


def _words(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _capitalize(word: str) -> str:
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1 :].lower()
    return word


class SentenceConverter:
    def __init__(self, vocab: Sequence[str], prefix: str, indicators: Sequence[str]) -> None:
        self.vocab = list(vocab)
        self.prefix = re.compile(prefix) if prefix else None
        self.indicators = tuple(indicators)

    def convert(self, text: str) -> str:
        head, body = _split_prefix(self.prefix, text)
        spans = _protected(body, self.vocab)
        out: list[str] = []
        started = False
        previous = ""
        for start, word in _words(body):
            if any(s <= start < e for s, e in spans):
                out.append(word)
                started = started or any(ch.isalpha() for ch in word)
            elif not any(ch.isalpha() for ch in word):
                out.append(word)
            elif not started:
                out.append(_capitalize(word) if word[:1].islower() else word)
                started = True
            elif _is_acronym(word) or (self.indicators and previous.endswith(self.indicators)):
                out.append(word)
            else:
                out.append(word.lower())
            previous = word
        return head + " ".join(out)


def _split_prefix(prefix: re.Pattern[str] | None, text: str) -> tuple[str, str]:
    """The part an ignored prefix matches (left as written) and the rest."""
    found = prefix.match(text) if prefix is not None else None
    return (text[: found.end()], text[found.end() :]) if found else ("", text)


class TitleConverter:
    def __init__(self, style: str, vocab: Sequence[str], prefix: str) -> None:
        self.small = _CHICAGO_SMALL if style == "Chicago" else _AP_SMALL
        self.vocab = list(vocab)
        self.prefix = re.compile(prefix) if prefix else None

    def _word(self, word: str, first: bool, last: bool) -> str:
        if _is_acronym(word):
            return word
        core = word.strip(".,;:!?()[]\"'")
        if not first and not last and core.lower() in self.small:
            return word.lower()
        return "-".join(_capitalize(part) for part in word.split("-"))

    def convert(self, text: str) -> str:
        head, body = _split_prefix(self.prefix, text)
        spans = _protected(body, self.vocab)
        words = _words(body)
        out: list[str] = []
        for index, (start, word) in enumerate(words):
            if any(s <= start < e for s, e in spans):
                out.append(word)
            else:
                out.append(self._word(word, index == 0, index == len(words) - 1))
        return head + " ".join(out)
