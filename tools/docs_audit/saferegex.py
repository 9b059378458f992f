"""Regular expressions written by users, run under a time limit.

Vale rule patterns, ``[tool.docs-audit.code] placeholders``, ``links.ignore`` and
``links.anchor-ignore`` come from configuration that docs-audit does not control:
a pattern such as ``(a|a)+$`` backtracks exponentially and would hang a run on
one line of text. Every such pattern is compiled here, with the ``regex``
package, and every search runs with its ``timeout=``: when the limit is
reached the caller gets :class:`RegexTimeout` (naming the pattern) and turns it
into a finding for the rule or configuration key and the file.

The limit is CPU time of the matching thread (that is what ``regex`` measures),
per search: one ``search`` or ``match``, one batch of 256 matches of
``finditer``, one whole ``sub`` or ``findall``.

Reading that clock costs about a microsecond per search and per match, more
than matching a short pattern on a sentence; patterns that docs-audit writes
itself (not the user) can be marked :meth:`~SafePattern.trusted` and run
without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

import regex

#: CPU seconds one search (or one batch of matches) of a user pattern may take.
TIMEOUT = 2.0
#: Matches read at once by :meth:`SafePattern.finditer`, under one limit.
_BATCH = 256


class PatternError(ValueError):
    """A user pattern that does not compile."""


class RegexTimeout(Exception):
    """A user pattern ran past its time limit on one text.

    Deliberately not a :class:`TimeoutError`: network code catches those, and a
    pattern that backtracks is a configuration problem, not a slow server.
    """

    def __init__(self, pattern: str, seconds: float) -> None:
        super().__init__(
            f"regular expression {pattern!r} ran for more than {seconds:g} s of CPU time "
            "(catastrophic backtracking?) and was stopped"
        )
        self.pattern = pattern
        self.seconds = seconds


class SafePattern:
    """A compiled pattern whose every match call runs with a timeout.

    It offers the part of :class:`regex.Pattern` the project uses; ``source``
    is what the user wrote (the compiled text may be a translation of it).
    ``timeout`` is ``None`` only for a :meth:`trusted` pattern.
    """

    __slots__ = ("compiled", "source", "timeout")

    def __init__(self, compiled: regex.Pattern[str], source: str, timeout: float | None) -> None:
        self.compiled = compiled
        self.source = source
        self.timeout = timeout

    def trusted(self) -> SafePattern:
        """This pattern without a time limit: only for patterns docs-audit itself wrote."""
        return SafePattern(self.compiled, self.source, None)

    def __repr__(self) -> str:
        return f"SafePattern({self.source!r})"

    @property
    def pattern(self) -> str:
        return self.source

    @property
    def groups(self) -> int:
        return int(self.compiled.groups)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.compiled.groupindex)

    def _timed_out(self) -> RegexTimeout:
        return RegexTimeout(self.source, self.timeout or 0.0)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        try:
            return self.compiled.search(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out() from None

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        try:
            return self.compiled.match(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out() from None

    def fullmatch(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> regex.Match[str] | None:
        try:
            return self.compiled.fullmatch(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out() from None

    def finditer(self, text: str) -> Iterator[regex.Match[str]]:
        """Every match, left to right; the limit applies to each batch of matches.

        ``regex``'s own ``finditer`` times the whole scan, including whatever
        the caller does between matches: a rule that reports 250,000 repeats
        on a long line would be stopped for its own reporting. So matches are
        taken in batches, each read at once under its own limit (a search per
        match costs several times more). A new batch starts where the last
        match ended, which gives the matches of one scan, except that after an
        empty match the next one starts one character later (a pattern that
        prefers an empty match to a longer one at the same place).
        """
        if self.timeout is None:
            return iter(self.compiled.finditer(text))
        return self._batches(text)

    def _batches(self, text: str) -> Iterator[regex.Match[str]]:
        pos, size = 0, len(text)
        while pos <= size:
            try:
                batch = list(
                    islice(self.compiled.finditer(text, pos, timeout=self.timeout), _BATCH)
                )
            except TimeoutError:
                raise self._timed_out() from None
            yield from batch
            if len(batch) < _BATCH:
                return
            start, end = batch[-1].span()
            pos = end if end > start else end + 1

    def findall(self, text: str) -> list[object]:
        try:
            return list(self.compiled.findall(text, timeout=self.timeout))
        except TimeoutError:
            raise self._timed_out() from None

    def sub(self, repl: str | Callable[[regex.Match[str]], str], text: str, count: int = 0) -> str:
        try:
            return str(self.compiled.sub(repl, text, count, timeout=self.timeout))
        except TimeoutError:
            raise self._timed_out() from None


def compile_safe(
    pattern: str, flags: int = 0, timeout: float = TIMEOUT, source: str | None = None
) -> SafePattern:
    """Compile a user pattern; :class:`PatternError` when it is invalid.

    ``source`` is the pattern as the user wrote it, when ``pattern`` is a
    translation of it (it is what messages show).
    """
    shown = pattern if source is None else source
    try:
        compiled = regex.compile(pattern, flags)
    except (regex.error, IndexError, ValueError, OverflowError, RecursionError) as exc:
        raise PatternError(f"invalid regular expression {shown!r}: {exc}") from None
    return SafePattern(compiled, shown, timeout)
