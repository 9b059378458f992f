"""The built-in engine: Vale's linting of Markdown, reStructuredText and text files.

For each file: choose the styles and rule switches of the sections whose globs
match it, turn the markup into HTML, walk the HTML into blocks with scopes
(headings, list items, table cells, paragraphs...), run every rule that
applies to each block, honour comment controls, locate the alerts in the
source, and finally run the ``raw`` rules over the unmodified file.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..saferegex import RegexTimeout
from . import nlp
from .checks import Consistency, ValeRule
from .factors import folded, required_factors
from .goutil import sprintf
from .ini import LEVELS, ValeConfig
from .locate import add_alert, anchor, split_after
from .markup import Ignores, apply_ignores, markdown_to_html, prep_markdown, rst_to_html
from .masked import LineIndex, MaskedText
from .model import Alert, Block, FileState, RuleTimeout, StyleAlert
from .regexes import PATTERN_FLAGS
from .rules import ValeStyleRules
from .walker import Token, Walker, token_text, tokenize_html

#: Seconds (wall clock: a CPU clock costs ten times more to read) one rule may spend on
#: one file in all. A rule normally takes milliseconds; this bounds one whose every
#: search stays just under the per-search regex limit (README, "Limits").
RULE_BUDGET = 20.0
MARKDOWN_EXTS = (".md", ".mdown", ".markdown", ".markdn")
RST_EXTS = (".rst", ".rest")
TEXT_EXTS = (".txt",)

SKIP_TAGS = ("script", "style", "pre", "figure", "noscript", "iframe")
SKIP_CLASSES = ("problematic", "pre", "code")
INLINE_TAGS = frozenset(
    [
        "b",
        "big",
        "i",
        "small",
        "abbr",
        "acronym",
        "cite",
        "dfn",
        "em",
        "kbd",
        "strong",
        "a",
        "br",
        "img",
        "span",
        "sub",
        "sup",
        "code",
        "tt",
        "del",
    ]
)
TAG_TO_SCOPE = {
    "th": "text.table.header",
    "td": "text.table.cell",
    "caption": "text.table.caption",
    "li": "text.list",
    "blockquote": "text.blockquote",
    "figcaption": "text.figure.caption",
}
_HEADING = re.compile(r"^h\d$")
_PUNCT = frozenset(".?!,:;")

_CONTROL = re.compile(r"^vale (.+\..+|[^.]+) = (YES|NO|on|off)$")
_STYLES = re.compile(r"^vale styles? = (.*)$")
_MATCHES = re.compile(r"^vale (.+\..+)(\[.+\]) = (YES|NO)$")


@contextlib.contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration; afterwards it is as it was.

    Linting a long page allocates hundreds of thousands of objects (parser and
    HTML tokens, blocks, alerts) that reference counting frees, and none in
    cycles; the collector still walked them all again and again, a third of
    the time on a 1 MB line of repeated words. Whatever cycles arise are
    collected once it runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def normalized_ext(path: Path, formats: dict[str, str]) -> str:
    """The format a file is linted as: its extension, or what ``[formats]`` maps it to."""
    ext = path.suffix
    mapped = formats.get(ext.lstrip("."))
    return "." + mapped if mapped else ext


def sanitize(text: str) -> str:
    return text.replace("&rsquo;", "'").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class FileResult:
    """What linting one file gave: its alerts, or why it could not be read."""

    path: str
    alerts: list[StyleAlert] = field(default_factory=list)
    error: str | None = None
    timeouts: list[RuleTimeout] = field(default_factory=list)


def update_comments(state: FileState, comment: str) -> None:
    """Vale's comment controls: ``vale off``/``on``, rule, match and style switches."""
    if comment == "vale off":
        state.comments["off"] = True
    elif comment == "vale on":
        state.comments["off"] = False
    elif found := _MATCHES.match(comment):
        try:
            parts = json.loads(found.group(2))
        except ValueError:
            return
        if isinstance(parts, list):
            for part in parts:
                state.comments[f"{found.group(1)}[{part}]"] = found.group(3) == "NO"
    elif found := _CONTROL.match(comment):
        state.comments[found.group(1)] = found.group(2) in ("NO", "off")
    elif found := _STYLES.match(comment):
        for style in state.base_styles:
            state.comments[style] = True
        for style in found.group(1).split(", "):
            state.comments[style] = False


def query_comments(state: FileState, check: str) -> bool:
    if state.comments.get("off"):
        return True
    style, dot, _ = check.partition(".")
    if dot and state.comments.get(style):
        return True
    return bool(state.comments.get(check))


def reset_comments(state: FileState) -> None:
    for key in state.comments:
        if key != "off":
            state.comments[key] = False


Candidate = tuple[str, str, ValeRule]  # the rule's name, its style.rule key, the rule


@dataclass
class _Candidates:
    """The rules that may run on blocks of one scope, and what lets most of them be skipped."""

    rules: list[Candidate]
    #: Folded strings one of which a block contains when any of the gated rules
    #: (those whose :attr:`~.checks.ValeRule.required` pattern has known
    #: :func:`~.factors.required_factors`) could report something in it.
    gate: tuple[str, ...] = ()
    #: The rules to run on a block that contains none of the gate's strings.
    ungated: list[Candidate] = field(default_factory=list)
    #: Every rule in order, with its own strings when it is gated.
    each: list[tuple[Candidate, tuple[str, ...] | None]] = field(default_factory=list)


@dataclass
class _Run:
    """The state of linting one file."""

    state: FileState
    ext: str
    count: int
    line_lengths: list[int] | None
    summary: list[str] = field(default_factory=list)
    candidates: dict[tuple[str, bool], _Candidates] = field(default_factory=dict)
    shown: str = ""
    #: Rules stopped by the regex time limit: they skip the rest of the file.
    timeouts: dict[str, RuleTimeout] = field(default_factory=dict)
    #: Seconds each rule has spent on this file so far (see RULE_BUDGET).
    spent: dict[str, float] = field(default_factory=dict)


class Linter:
    """Lints files with one configuration and its compiled rules."""

    def __init__(self, config: ValeConfig, rules: ValeStyleRules, myst: bool = True) -> None:
        self.config = config
        self.rules = rules
        self.myst = myst
        bases = rules.bases()
        self.segmentation = "sentence" in bases
        self.splitting = "paragraph" in bases
        self.summary = "summary" in bases
        self.skip_tags = tuple(config.skipped_scopes) or SKIP_TAGS
        self.skip_classes = (*SKIP_CLASSES, *config.ignored_classes)
        self.skipped = tuple(config.ignored_scopes) or ("tt", "code", "kbd")
        self.factors: dict[str, frozenset[str] | None] = {}

    def warm_up(self, rst: bool) -> None:
        """Build the parsers once, before worker processes are forked."""
        markdown_to_html("warm", self.myst)
        if rst:
            rst_to_html("warm")

    # -- which files, which styles -------------------------------------------------

    def supports(self, path: Path) -> bool:
        ext = normalized_ext(path, self.config.formats)
        return ext in MARKDOWN_EXTS + RST_EXTS + TEXT_EXTS

    def _match_path(self, path: Path, shown: str) -> list[str]:
        candidates = [shown]
        with contextlib.suppress(ValueError):
            candidates.append(path.resolve().relative_to(self.config.root).as_posix())
        return candidates

    def file_state(self, path: Path, shown: str) -> FileState:
        names = self._match_path(path, shown)
        base = list(self.config.base_styles)
        checks: dict[str, bool] = {}
        for section in self.config.sections:
            if any(section.glob.match(n) for n in names):
                if section.base_styles is not None:
                    base = list(section.base_styles)
                checks.update(section.checks)
        return FileState(base_styles=base, checks=checks)

    def ignores(self, path: Path, shown: str) -> Ignores:
        names = self._match_path(path, shown)
        blocks = list(self.config.global_block_ignores)
        tokens = list(self.config.global_token_ignores)
        for section in self.config.sections:
            if any(section.glob.match(n) for n in names):
                blocks.extend(section.block_ignores)
                tokens.extend(section.token_ignores)
        return Ignores(tuple(blocks), tuple(tokens))

    # -- running rules -------------------------------------------------------------

    def _applies(self, name: str, run: _Run, rule: ValeRule, scope: str, sentence: bool) -> bool:
        """Vale's ``shouldRun`` without the comment controls (fixed for a file)."""
        definition = rule.definition
        if not definition.scope.matches(scope, sentence):
            return False
        if LEVELS.get(definition.level, 1) < self.config.min_level:
            return False
        parts = name.split(".")
        key = ".".join(parts[:2]) if len(parts) > 2 else name
        style = parts[0]
        for settings in (run.state.checks, self.config.checks):
            value = settings.get(key, settings.get(style))
            if value is not None:
                return value
        return style in run.state.base_styles

    def _factors(self, name: str, rule: ValeRule) -> frozenset[str] | None:
        """The strings without one of which the rule reports nothing (cached per rule)."""
        if rule.required is None or rule.required.compiled.flags != PATTERN_FLAGS:
            return None
        if name not in self.factors:
            self.factors[name] = required_factors(rule.required.compiled.pattern)
        return self.factors[name]

    def _gated(self, rules: list[Candidate]) -> _Candidates:
        gate: set[str] = set()
        ungated: list[Candidate] = []
        each: list[tuple[Candidate, tuple[str, ...] | None]] = []
        for candidate in rules:
            factors = self._factors(candidate[0], candidate[2])
            if factors is None:
                ungated.append(candidate)
            else:
                gate |= factors
            each.append((candidate, None if factors is None else tuple(factors)))
        if len(ungated) == len(rules):
            return _Candidates(rules)
        return _Candidates(rules, tuple(gate), ungated, each)

    def candidates(self, run: _Run, blk: Block) -> list[Candidate]:
        """The rules to run on this block: those that apply to its scope in this file,
        less those that the block cannot make report anything."""
        key = (blk.scope, blk.is_sentence)
        found = run.candidates.get(key)
        if found is None:
            found = self._gated(
                [
                    (name, ".".join(name.split(".")[:2]), rule)
                    for name, rule in self.rules.rules.items()
                    if self._applies(name, run, rule, blk.scope, blk.is_sentence)
                ]
            )
            run.candidates[key] = found
        if not found.gate:
            return found.rules
        text = folded(blk.text)
        if not any(map(text.__contains__, found.gate)):
            return found.ungated
        return [
            candidate
            for candidate, factors in found.each
            if factors is None or any(map(text.__contains__, factors))
        ]

    def lint_block(self, run: _Run, blk: Block, lookup: bool) -> None:
        run.state.check_context = {}
        state = run.state
        for name, key, rule in self.candidates(run, blk):
            if name in run.timeouts or (state.comments and query_comments(state, key)):
                continue
            started = time.perf_counter()
            try:
                alerts = rule.run(blk, state)
            except RegexTimeout as exc:
                run.timeouts[name] = RuleTimeout(run.shown, max(blk.line, 0) + 1, name, str(exc))
                continue
            self._charge(run, name, time.perf_counter() - started, blk)
            for alert in alerts:
                if state.comments and query_comments(state, f"{name}[{alert.match}]"):
                    continue
                alert.message = alert.message.replace("\n", " ")
                alert.check = alert.check or name
                if not isinstance(rule, Consistency):
                    anchor(alert, blk)
                add_alert(state, alert, blk, run.count, lookup, run.line_lengths)

    @staticmethod
    def _charge(run: _Run, name: str, seconds: float, blk: Block) -> None:
        """Stop a rule for the rest of the file once it has spent its budget: each search
        stays under the regex limit, yet thousands of slow ones would run for hours."""
        spent = run.spent[name] = run.spent.get(name, 0.0) + seconds
        if spent > RULE_BUDGET:
            message = (
                f"the rule ran for more than {RULE_BUDGET:g} s on this page in all (its "
                "regular expressions are slow on this text) and was stopped"
            )
            run.timeouts[name] = RuleTimeout(run.shown, max(blk.line, 0) + 1, name, message)

    def lint_prose(self, run: _Run, blk: Block) -> None:
        blocks: list[Block] = []
        if self.splitting:
            pieces = blk.text.split("\n\n")
            for i, piece in enumerate(pieces):
                text = piece + ("\n\n" if i < len(pieces) - 1 else "")
                blocks.append(blk.sub_block(text, "paragraph." + blk.scope))
        if self.segmentation:
            for sentence in nlp.segment(blk.text):
                if sentence.strip():
                    blocks.append(blk.sub_block(sentence.strip(), "sentence." + blk.scope))
        blocks.append(blk)
        lookup = "\n" in blk.text
        for item in blocks:
            self.lint_block(run, item, lookup)

    # -- formats -------------------------------------------------------------------

    def _lint_scope(self, run: _Run, walker: Walker, text: str) -> None:
        for tag in walker.tag_history:
            scope = TAG_TO_SCOPE.get(tag)
            if (scope and tag not in INLINE_TAGS) or _HEADING.match(tag):
                if scope in ("text.blockquote", "text.list"):
                    run.summary.append(text)
                scope = scope or "text.heading." + tag
                text = text.lstrip(" ")
                self.lint_block(run, walker.block(text, scope + run.ext), lookup=False)
                return
        run.summary.append(text)
        self.lint_prose(run, walker.block(text, "text" + run.ext))

    def _lint_alt(self, run: _Run, walker: Walker, token: Token) -> None:
        if token.data != "img" or "alt" in self.config.skipped_scopes:
            return
        for key, value in token.attrs:
            if key == "alt":
                self.lint_block(run, walker.block(value, "text.attr.alt"), lookup=False)

    def lint_html(self, run: _Run, source_html: str, context: str) -> bytes:
        """Vale's ``lintHTMLTokens``; returns the context as left after masking."""
        walker = Walker(MaskedText(context.encode("utf-8")))
        state = run.state
        buf: list[str] = []
        in_block = inline = skip = False
        attr = parent_class = prev_raw = ""
        for token in tokenize_html(source_html):
            kind = token.kind
            text = token_text(token) if kind in ("text", "comment") else token.data
            walker.count_class(text, kind == "start")
            closed = walker.can_close()
            skip_class = bool(token.css_class) and any(
                c in self.skip_classes for c in token.css_class.split(" ")
            )
            block_skip = skip_class and text not in INLINE_TAGS
            if kind == "start" and (text in self.skip_tags or block_skip):
                walker.set_class(text, block_skip)
                in_block = True
            elif in_block and (text in self.skip_tags or closed):
                in_block = False
                if closed:
                    walker.close()
            elif kind == "start":
                if text in ("em", "b") and walker.last_tag() == "code":
                    text = "code"
                inline = text in INLINE_TAGS
                skip = text in self.skipped
                walker.add_tag(text)
            elif kind == "end" and text in INLINE_TAGS:
                walker.active_tag = ""
            elif kind == "comment":
                update_comments(state, text)
                walker.update(text)
            elif kind == "text":
                # Text between inline `vale off` and `vale on` comments is
                # not part of the block (Vale #1001).
                skip = (
                    skip
                    or self._in_literal(walker.tag_history, run.ext)
                    or bool(state.comments.get("off"))
                )
                walker.append(text)
                if not in_block and text:
                    parent_skip = bool(parent_class) and any(
                        c in self.skip_classes for c in parent_class.split(" ")
                    )
                    if walker.is_nested_list() and not inline:
                        text = " " + text
                    spaced = not buf or token.data[:1].isspace() or prev_raw[-1:].isspace()
                    text, skip = self._clean(text, attr, skip or parent_skip, inline, spaced)
                    buf.append(text)
                prev_raw = token.data
            if kind == "end" and text not in INLINE_TAGS:
                content = "".join(buf)
                if content.strip():
                    self._lint_scope(run, walker, content)
                walker.reset()
                buf = []
                prev_raw = ""
            attr = token.href
            parent_class = token.css_class
            self._lint_alt(run, walker, token)
            walker.replace_attributes(token, run.ext)
        if self.summary:
            reset_comments(state)
            summary = "".join(t + "\n\n" for t in run.summary)
            self.lint_block(
                run, Block(summary, "summary" + run.ext, bytes(walker.context.data), 0), True
            )
        else:
            reset_comments(state)
        return bytes(walker.context.data)

    @staticmethod
    def _in_literal(history: list[str], ext: str) -> bool:
        """rst2html wraps literal words in spans inside ``tt``."""
        if ext not in RST_EXTS:
            return False
        for i in range(len(history) - 1, -1, -1):
            if history[i] == "span":
                continue
            return history[i] == "tt" and i + 1 != len(history)
        return False

    @staticmethod
    def _clean(text: str, attr: str, skip: bool, inline: bool, spaced: bool) -> tuple[str, bool]:
        starter = text[:1] in _PUNCT and not skip
        if skip or attr == text:
            text = "".join("\n" if ch == "\n" else "*" for ch in text)
            skip = False
        # Markup edges are not white space: "[term](url)—joined" must not read
        # as "term —joined" (Vale #1029), so the separating space is only
        # inserted where the source had one.
        if inline and not starter and spaced:
            text = " " + text
        return text, skip

    # -- entry points --------------------------------------------------------------

    def lint_text(self, path: Path, shown: str, content: str) -> FileResult:
        """Lint ``content`` as the file ``path`` (shown as ``shown``)."""
        content = sanitize(content)
        ext = normalized_ext(path, self.config.formats)
        state = self.file_state(path, shown)
        data = content.encode("utf-8")
        index = LineIndex(data)
        lines = split_after(data)
        if not (state.checks or state.base_styles or self.config.checks):
            return FileResult(shown)
        is_markup = ext in MARKDOWN_EXTS + RST_EXTS
        lengths = (
            [len(line.decode("utf-8", errors="replace")) for line in lines] if is_markup else None
        )
        run = _Run(state, path.suffix, len(lines), lengths, shown=shown)
        if ext in MARKDOWN_EXTS + RST_EXTS:
            ignores = self.ignores(path, shown)
            try:
                transformed = apply_ignores(content, ".rst" if ext in RST_EXTS else ".md", ignores)
            except RegexTimeout as exc:
                key = "BlockIgnores" if exc.pattern in ignores.blocks else "TokenIgnores"
                # Without its ignores the page would be linted as something else.
                return FileResult(shown, timeouts=[RuleTimeout(shown, 1, key, str(exc))])
        if ext in MARKDOWN_EXTS:
            html = markdown_to_html(transformed, self.myst)
            self.lint_html(run, html, prep_markdown(content, self.myst))
        elif ext in RST_EXTS:
            self.lint_html(run, rst_to_html(transformed), content)
        else:
            self.lint_prose(run, Block(content, "text" + run.ext, data, -1, 0, index))
        raw = Block(content, "raw" + run.ext, data, -1, 0, index)
        self.lint_block(run, raw, lookup=True)
        return FileResult(
            shown, self._finish(shown, state.alerts), timeouts=[*run.timeouts.values()]
        )

    @staticmethod
    def _finish(shown: str, alerts: list[Alert]) -> list[StyleAlert]:
        ordered = sorted(alerts, key=lambda a: (a.line, a.span[0]))
        return [
            StyleAlert(
                path=shown,
                line=a.line,
                column=a.span[0],
                check=a.check,
                message=a.message,
                severity=a.severity,
                match=a.match,
                link=a.link,
            )
            for a in ordered
        ]

    def lint_file(self, path: Path, shown: str) -> FileResult:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return FileResult(shown, error=f"{shown}: cannot read: {exc.strerror}")
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return FileResult(
                shown, error=f"{shown}:{line}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
            )
        with cycles_collected_after():
            return self.lint_text(path, shown, content)


__all__ = ["FileResult", "Linter", "sprintf"]
