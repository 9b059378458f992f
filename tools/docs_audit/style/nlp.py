"""Sentence segmentation and word tokens, close enough to prose's for Vale's uses.

Vale uses these for ``sentence`` scopes, for the repetition check (a repeat
that crosses a sentence boundary is not reported) and to guess where a match
lies when its text is not in the source verbatim. A sentence ends after
``.``, ``?`` or ``!`` (and any closing quotes or brackets) when white space
and an upper-case letter, digit or opening quote follow, unless the word
before the stop is a known abbreviation or a single initial.
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    {
        "e.g", "i.e", "etc", "vs", "cf", "mr", "mrs", "ms", "dr", "prof", "sr", "jr",
        "st", "no", "fig", "eq", "vol", "approx", "inc", "ltd", "co", "corp", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
_BOUNDARY = re.compile(r"[.?!]+[\"'\u2019\u201d)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_TOKEN = re.compile(r"[^\s]+")
_LEADING = "([{\"'\u201c\u2018"
_TRAILING = ".,;:!?)]}\"'\u201d\u2019"


def _is_abbreviation(text: str, stop: int) -> bool:
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:stop].lstrip(_LEADING).lower()
    if word in _ABBREVIATIONS:
        return True
    # A lone initial such as "J." in "J. Smith" (but not "I.").
    return len(word) == 1 and word.isalpha() and word != "i"


def segment(text: str) -> list[str]:
    """Split ``text`` into sentences; white space between them is dropped."""
    return list(_segment(text))


@lru_cache(maxsize=64)
def _segment(text: str) -> tuple[str, ...]:
    # Placing alerts that are not anchored segments the same block once per
    # alert; the block's sentences are kept instead of found again.
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        piece = text[start : match.end()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return tuple(sentences)


def tokenize(text: str) -> list[str]:
    """Words with leading and trailing punctuation split off as their own tokens."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        lead: list[str] = []
        trail: list[str] = []
        while word and word[0] in _LEADING:
            lead.append(word[0])
            word = word[1:]
        while word and word[-1] in _TRAILING:
            trail.insert(0, word[-1])
            word = word[:-1]
        tokens.extend(lead)
        if word:
            tokens.append(word)
        tokens.extend(trail)
    return tokens
