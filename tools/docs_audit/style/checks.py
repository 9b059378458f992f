"""The rule types: existence, substitution, occurrence, repetition, capitalization,
conditional and consistency, with Vale's matching and message semantics.

Each rule's ``run`` returns alerts whose ``span`` holds rune offsets into the
block's text; :mod:`.locate` turns them into lines and columns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import eq

import regex

from . import nlp
from .goutil import cap_first, is_code, is_letters, is_phrase, sprintf, to_sentence
from .model import Alert, Block, FileState
from .regexes import SafePattern, compile_pattern, search
from .scopes import Scope
from .strcase import SentenceConverter, TitleConverter

WORD_TEMPLATE = r"(?m)\b(?:%s)\b"
NONWORD_TEMPLATE = r"(?m)(?:%s)"


@dataclass(frozen=True)
class Action:
    name: str = ""
    params: tuple[str, ...] = ()


@dataclass
class Definition:
    """What every rule has (Vale's ``check.Definition``)."""

    name: str
    extends: str
    level: str
    message: str
    scope: Scope
    description: str = ""
    link: str = ""
    limit: int = 0
    action: Action = field(default_factory=Action)
    path: str = ""


def make_template(template: str, word: bool, raw: str, append: bool, ignorecase: bool) -> str:
    """Vale's ``makeRegexp``; the result still holds ``%s`` for the tokens."""
    pattern = (template or WORD_TEMPLATE) if word else NONWORD_TEMPLATE
    raw = raw.replace("%", "%%")
    pattern = pattern + raw if append else raw + pattern
    return ("(?i)" if ignorecase else "") + pattern


def fill(template: str, tokens: str) -> str:
    """Go's ``fmt.Sprintf(template, tokens)`` for a template with one ``%s``."""
    out: list[str] = []
    i = 0
    used = False
    while i < len(template):
        if template.startswith("%%", i):
            out.append("%")
            i += 2
        elif template.startswith("%s", i) and not used:
            out.append(tokens)
            used = True
            i += 2
        else:
            out.append(template[i])
            i += 1
    return "".join(out)


def exceptions_pattern(terms: Sequence[str]) -> SafePattern | None:
    """Vale's ``updateExceptions``: whole-word, case-sensitive unless ``(?i)``."""
    if not terms:
        return None
    ordered = sorted(terms, key=len, reverse=True)
    marked = [t if t.startswith("(?i)") else f"(?-i){t}" for t in ordered]
    return compile_pattern(fill(WORD_TEMPLATE, "|".join(marked)))


def phrase_pattern(terms: Sequence[str]) -> SafePattern | None:
    """Vale's ``buildPhraseRe``: accepted multi-word phrases."""
    phrases = [t for t in terms if " " in t or "\t" in t or "\\s" in t]
    if not phrases:
        return None
    try:
        return compile_pattern(r"(?i)\b(?:" + "|".join(phrases) + r")\b")
    except ValueError:
        return None


class PhraseSpans:
    """Where the accepted phrases are in one text, found once and asked many times.

    Asking "is this span inside a phrase" by scanning the text again for every
    match made a long line of repeated words cost matches x length.
    """

    def __init__(self, pattern: SafePattern | None, text: str) -> None:
        self.pattern = pattern
        self.text = text
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def contains(self, span: tuple[int, int]) -> bool:
        if self.pattern is None:
            return False
        if self._starts is None:
            found = [m.span() for m in self.pattern.finditer(self.text)]
            self._starts = [start for start, _ in found]
            self._ends = [end for _, end in found]
        # Matches do not overlap, so only the last one starting at or before
        # the span can contain it.
        index = bisect_right(self._starts, span[0]) - 1
        return index >= 0 and span[1] <= self._ends[index]


def fix_alert(action: Action, match: str) -> list[str]:
    """The replacement text an action suggests, for messages with two ``%s``."""
    if action.name == "replace":
        return list(action.params)
    if action.name == "remove":
        return [""]
    if action.name == "edit" and action.params:
        verb, *args = action.params
        if verb == "truncate" and args:
            return [match.split(args[0])[0]]
        if verb == "trim_right" and args:
            return [match.rstrip(args[0])]
        if verb == "trim_left" and args:
            return [match.lstrip(args[0])]
        if verb == "trim" and args:
            return [match.strip(args[0])]
    return [match]


@lru_cache(maxsize=1024)
def shared(text: str) -> str:
    """One object for equal short strings: a page with 250,000 alerts of one rule
    repeats one match and one message, which need not be held 250,000 times."""
    return text


@lru_cache(maxsize=1024)
def message_for(template: str, *args: object) -> str:
    """:func:`sprintf`, with equal messages shared (see :func:`shared`)."""
    return sprintf(template, *args)


def make_alert(
    chk: Definition, span: tuple[int, int], text: str, message: str | None = None
) -> Alert:
    """Vale's ``makeAlert``: the message gets the match (and any fix), unless given."""
    match = text[span[0] : span[1]]
    if len(match) <= 64:
        match = shared(match)
    if message is not None:
        pass
    elif chk.action.name:
        fixed = fix_alert(chk.action, match)
        repl = fixed[0] if len(fixed) == 1 else to_sentence(fixed, "or") if fixed else match
        message = message_for(chk.message, match, repl)
    else:
        message = message_for(chk.message, match)
    return Alert(
        chk.name, chk.level, message, match, [span[0], span[1]], link=chk.link, limit=chk.limit
    )


class ValeRule:
    """A compiled rule."""

    definition: Definition
    #: A pattern without a match of which in a block the rule reports nothing
    #: there: the engine runs the rule only on blocks that contain one of the
    #: strings every match of it contains (see :mod:`.factors`).
    required: SafePattern | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    def run(self, blk: Block, state: FileState) -> list[Alert]:  # pragma: no cover - abstract
        raise NotImplementedError


class Existence(ValeRule):
    def __init__(
        self,
        definition: Definition,
        pattern: SafePattern,
        exceptions: SafePattern | None,
    ) -> None:
        self.definition = definition
        self.pattern = self.required = pattern
        self.exceptions = exceptions

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        alerts: list[Alert] = []
        for found in self.pattern.finditer(blk.text):
            observed = found.group().strip()
            if not search(self.exceptions, observed):
                alerts.append(make_alert(self.definition, found.span(), blk.text))
        return alerts


def convert_message(message: str) -> str:
    """Avoid double quotes when a replace action already quotes its options."""
    for spec in ("'%s'", '"%s"'):
        if message.count(spec) == 2:
            message = message.replace(spec, "%s", 1)
    return message


def options(expected: str) -> list[str]:
    """``a|b|c`` as a list of suggestions (``\\|`` is a literal pipe)."""
    temp = expected.replace("\\|", "PIPE")
    return [o.replace("PIPE", "|") for o in temp.split("|") if o]


def dotnet_replace(pattern: SafePattern, text: str, template: str) -> str:
    """regexp2's ``Replace`` with ``$1``-style references."""

    def expand(found: regex.Match[str]) -> str:
        def group(ref: regex.Match[str]) -> str:
            index = int(ref.group(1) or ref.group(2))
            try:
                return str(found.group(index) or "")
            except IndexError:
                return str(ref.group(0))

        return str(regex.sub(r"\$(?:\{(\d+)\}|(\d+))", group, template))

    return str(pattern.sub(expand, text))


class Substitution(ValeRule):
    def __init__(
        self,
        definition: Definition,
        pattern: SafePattern,
        exceptions: SafePattern | None,
        keys: list[str],
        replacements: list[str],
        ignorecase: bool,
        capitalize: bool,
    ) -> None:
        self.definition = definition
        self.pattern = self.required = pattern
        self.exceptions = exceptions
        self.keys = keys
        self.replacements = replacements
        self.ignorecase = ignorecase
        self.capitalize = capitalize

    def _expected(self, index: int, observed: str) -> str:
        expected = self.replacements[index]
        if self.capitalize and observed == cap_first(observed):
            expected = cap_first(expected)
        if not regex.search(r"\$\d+", expected):
            return expected
        source = ("(?i)" if self.ignorecase else "") + self.keys[index]
        return dotnet_replace(compile_pattern(source), observed, expected)

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        alerts: list[Alert] = []
        message = self.definition.message
        for found in self.pattern.finditer(blk.text):
            for group in range(1, len(self.keys) + 1):
                start, end = found.span(group)
                if start < 0:
                    continue
                observed = blk.text[start:end]
                expected = self._expected(group - 1, observed)
                if match_token(expected, observed) or search(self.exceptions, observed):
                    continue
                action = self.definition.action
                if action.name == "replace" and not action.params:
                    params = options(expected)
                    if self.capitalize and observed == cap_first(observed):
                        params = [cap_first(p) for p in params]
                    expected = to_sentence(params, "or")
                    message = convert_message(message)
                alert = make_alert(self.definition, (start, end), blk.text)
                alert.message = sprintf(message, expected, observed)
                alerts.append(alert)
        return alerts


def match_token(expected: str, observed: str) -> bool:
    """Does ``observed`` already conform to ``expected`` (a phrase or a pattern)?"""
    if is_phrase(expected):
        return expected == observed
    try:
        pattern = compile_pattern(f"^(?:{expected})$")
    except ValueError:
        return expected == observed
    return pattern.search(observed) is not None


class OccurrenceRule(ValeRule):
    def __init__(self, definition: Definition, pattern: SafePattern, low: int, high: int) -> None:
        self.definition = definition
        self.pattern = pattern
        self.low = low
        self.high = high
        # Too few matches is reported too, even none.
        self.required = None if low > 0 else pattern

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        spans = [m.span() for m in self.pattern.finditer(blk.text)]
        count = len(spans)
        if not ((self.high > 0 and count > self.high) or (self.low > 0 and count < self.low)):
            return []
        chk = self.definition
        if count == 0:
            alert = Alert(chk.name, chk.level, "", "", [1, 1], link=chk.link, limit=chk.limit)
        else:
            chosen = next(
                (
                    s
                    for s in spans
                    if blk.text[s[0] : s[1]].strip() and not is_code(blk.text[s[0] : s[1]])
                ),
                None,
            )
            if chosen is None:
                return []
            alert = make_alert(chk, chosen, blk.text)
        alert.message = sprintf(chk.message, count)
        return [alert]


#: Verdicts on repeats a Repetition rule keeps before it starts afresh.
_ALLOWED_CACHE = 4096
#: Vale.Repetition's tokens: runs of characters other than white space and ``.!?``.
WORDS = r"[^\s.!?]+"
# Where a text has none of the four separators that Python's white space has and
# regex's has not, splitting it at white space after turning ``.!?`` into spaces
# gives exactly the WORDS tokens (already stripped).
_NOT_REGEX_SPACE = re.compile("[\x1c-\x1f]")


class Repetition(ValeRule):
    def __init__(
        self,
        definition: Definition,
        pattern: SafePattern,
        exceptions: SafePattern | None,
        phrases: SafePattern | None,
        maximum: int,
        ignorecase: bool,
        alpha: bool,
        words: bool = False,
    ) -> None:
        self.definition = definition
        self.pattern = pattern
        self.exceptions = exceptions
        self.phrases = phrases
        self.maximum = maximum
        self.ignorecase = ignorecase
        self.alpha = alpha
        #: The tokens are :data:`WORDS`, which str.split can find.
        self.words = words
        #: Whether a repeat may be reported, by its text: pages repeat the same
        #: few pairs of words over and over.
        self.allowed: dict[str, bool] = {}

    def _no_repeat(self, text: str) -> bool:
        """Whether ``text`` surely has no token equal to the one before it (C-level, for
        WORDS): most blocks have none, and then no match needs looking at in Python."""
        if not self.words or _NOT_REGEX_SPACE.search(text):
            return False
        tokens = text.replace(".", " ").replace("!", " ").replace("?", " ").split()
        keys = list(map(str.casefold, tokens)) if self.ignorecase else tokens
        return not any(map(eq, keys, islice(keys, 1, None)))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        alerts: list[Alert] = []
        text = blk.text
        if self._no_repeat(text):
            return alerts
        prev = ""
        previous_span = (0, 0)
        count = 0
        phrases = PhraseSpans(self.phrases, text)
        allowed = self.allowed
        if len(allowed) > _ALLOWED_CACHE:
            allowed.clear()
        for found in self.pattern.finditer(text):
            curr = found.group().strip()
            key = curr.casefold() if self.ignorecase else curr
            if key == prev and curr and (not self.alpha or is_letters(curr)):
                count += 1
                if count > self.maximum:
                    span = (previous_span[0], found.end())
                    converted = text[span[0] : span[1]]
                    verdict = allowed.get(converted)
                    if verdict is None:
                        # A repeat across a sentence boundary ("that. That") is fine.
                        verdict = allowed[converted] = len(nlp.segment(converted)) == 1 and not (
                            search(self.exceptions, converted)
                        )
                    if verdict and not phrases.contains(span):
                        message = message_for(self.definition.message, curr)
                        alerts.append(make_alert(self.definition, span, text, message))
                        count = 0
            previous_span = found.span()
            prev = key
        return alerts


CaseCheck = Callable[[str, "SafePattern | None"], tuple[str, bool]]


def _ratio_check(converter: Callable[[str], str], threshold: float) -> CaseCheck:
    def check(text: str, exceptions: SafePattern | None) -> tuple[str, bool]:
        expected = converter(text)
        want = expected.split()
        words = text.split()
        if not words:
            return expected, True
        good = 0
        for index, word in enumerate(words):
            if (index < len(want) and word == want[index]) or search(exceptions, word):
                good += 1
        return expected, good / len(words) > threshold

    return check


def case_check(
    match: str,
    style: str,
    exceptions: list[str],
    prefix: str,
    indicators: list[str],
    threshold: float,
) -> CaseCheck:
    """The function behind a capitalization rule's ``match``."""
    if match == "$title":
        title = TitleConverter(style, exceptions, prefix)
        return _ratio_check(title.convert, threshold)
    if match == "$sentence":
        sentence = SentenceConverter(exceptions, prefix, indicators)
        return _ratio_check(sentence.convert, threshold)
    if match == "$lower":
        return lambda s, r: (s.lower(), s == s.lower() or search(r, s))
    if match == "$upper":
        return lambda s, r: (s.upper(), s == s.upper() or search(r, s))
    pattern = compile_pattern(match)
    return lambda s, r: (match, pattern.search(s) is not None or search(r, s))


class Capitalization(ValeRule):
    def __init__(
        self, definition: Definition, check: CaseCheck, exceptions: SafePattern | None
    ) -> None:
        self.definition = definition
        self.check = check
        self.exceptions = exceptions

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        expected, matched = self.check(blk.text, self.exceptions)
        if matched:
            return []
        alert = make_alert(self.definition, (0, len(blk.text)), blk.text)
        alert.message = sprintf(self.definition.message, blk.text, expected)
        return [alert]


def has_capture_group(pattern: str) -> bool:
    return pattern.count("(") > pattern.count("(?") + pattern.count("\\(")


class Conditional(ValeRule):
    def __init__(
        self,
        definition: Definition,
        first: SafePattern,
        second: SafePattern,
        second_has_group: bool,
        exceptions: SafePattern | None,
        phrases: SafePattern | None,
    ) -> None:
        self.definition = definition
        self.first = first
        self.second = second
        self.second_has_group = second_has_group
        self.exceptions = exceptions
        self.phrases = phrases

    def _flag(self, text: str, defined: Sequence[str]) -> list[Alert]:
        alerts: list[Alert] = []
        phrases = PhraseSpans(self.phrases, text)
        for found in self.first.finditer(text):
            observed = found.group()
            if observed in defined or search(self.exceptions, observed):
                continue
            if phrases.contains(found.span()):
                continue
            alerts.append(make_alert(self.definition, found.span(), text))
        return alerts

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        text = blk.text
        if not self.second_has_group:
            if self.second.search(text):
                return []
            return self._flag(text, ())
        for found in self.second.finditer(text):
            state.sequences.extend(g for g in found.groups() if g)
        return self._flag(text, state.sequences)


@dataclass(frozen=True)
class Step:
    """One ``either`` pair: its pattern, group names and Vale's sequence names."""

    pattern: SafePattern
    groups: tuple[str, str]
    names: tuple[str, str]


class Consistency(ValeRule):
    def __init__(self, definition: Definition, steps: list[Step]) -> None:
        self.definition = definition
        self.steps = steps

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        alerts: list[Alert] = []
        text = blk.text
        last: tuple[int, int] = (0, 0)
        for step in self.steps:
            matches = list(step.pattern.finditer(text))
            for found in matches:
                for group, name in zip(step.groups, step.names, strict=True):
                    if found.start(group) >= 0:
                        last = found.span(group)
                        state.sequences.append(name)
            if matches and all(name in state.sequences for name in step.names):
                alerts.append(make_alert(self.definition, last, text))
        return alerts


class Unsupported(ValeRule):
    """A valid Vale rule type the built-in engine does not evaluate."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        return []
