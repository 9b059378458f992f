"""MyST Markdown to :class:`Document`, with markdown-it-py and mdit-py-plugins.

One walk over the token stream collects everything the model holds, URLs included.
The body of a prose directive is parsed once, with the same parser, and walked in
place (shifted to its lines in the page), so admonitions and the like contribute
headings, references and links; what a directive's body is comes from the one
table in :mod:`.directives`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..document import (
    CodeBlock,
    Document,
    Heading,
    Label,
    Link,
    Problem,
    Reference,
    TocEntry,
    Toctree,
)
from .directives import (
    OPTION_SPECS,
    XREF_ROLES,
    DirectiveBody,
    Kind,
    first_line_of,
    kind_of,
    split_options,
    title_and_target,
)
from .slugs import github_slug, unique_slug
from .suppress import suppression_at
from .urls import (
    Source,
    definition_urls,
    has_scheme,
    inline_urls,
    is_external,
    located,
    option_urls,
    page_links,
)

#: Kinds whose options are code settings, never URLs a reader follows.
_NO_URL_OPTIONS = frozenset({Kind.CODE, Kind.LITERAL, Kind.LITERALINCLUDE, Kind.MATH, Kind.RAW})
#: Kinds whose body is Markdown of the page. MyST reads an unknown directive's body
#: too: extension directives (tabs, cards, grids) mostly hold prose.
_WALKED = frozenset({Kind.PROSE, Kind.FIGURE, Kind.UNKNOWN})


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one markdown-it configuration every MyST reader shares."""
    return (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(myst_role_plugin)
        .use(myst_block_plugin)
        .use(colon_fence_plugin)
        .use(deflist_plugin)
        .use(dollarmath_plugin)
        .enable("table")
    )


@dataclass(frozen=True)
class _At:
    """Where a block token stands: in its token list, and in the page."""

    token: Token
    tokens: Sequence[Token]
    index: int
    line: int
    offset: int
    column_offset: int


@dataclass
class _State:
    doc: Document
    lines: list[str]
    source: Source
    slugs: set[str] = field(default_factory=set)
    pending_labels: list[Label] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def parse_myst(relpath: str, docname: str, text: str) -> Document:
    doc = Document(relpath=relpath, docname=docname, format="md", text=text)
    lines = text.splitlines()
    state = _State(doc, lines, Source(tuple(lines)))
    _walk_source(state, text, offset=0, column_offset=0)
    doc.links = page_links(state.links)
    _flush_labels(state, len(state.lines) + 1)
    doc.anchors.update(state.slugs)
    doc.anchors.update(label.name for label in doc.labels)
    if doc.headings:
        doc.title = doc.headings[0].text
    doc.prose_ranges = sorted(set(doc.prose_ranges))
    return doc


def _walk_source(state: _State, source: str, offset: int, column_offset: int) -> None:
    """Parse ``source`` (page lines ``offset + 1``...) once and walk its tokens."""
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(source, env)
    _walk_tokens(state, tokens, offset, column_offset)
    state.links.extend(definition_urls(env, state.source, offset))


def _walk_tokens(state: _State, tokens: Sequence[Token], offset: int, column_offset: int) -> None:
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 + offset if token.map else 0
        if token.map and token.nesting >= 0 and token.type != "myst_target":
            _flush_labels(state, line)
        handler = _HANDLERS.get(token.type)
        if handler is not None:
            handler(state, _At(token, tokens, index, line, offset, column_offset))


def _flush_labels(state: _State, element_line: int) -> None:
    for label in state.pending_labels:
        state.doc.labels.append(
            Label(label.name, label.line, label.column, element_line=element_line)
        )
    state.pending_labels.clear()


def _on_front_matter(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    try:
        data = yaml.safe_load(token.content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (mark.line + 2) if mark is not None else line
        state.doc.problems.append(
            Problem("DA005", where, 1, f"front matter is not valid YAML: {first_line_of(exc)}")
        )
        return
    if isinstance(data, dict) and data.get("orphan"):
        state.doc.orphan = True


def _on_target(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
    column = raw.find("(") + 1 or 1
    state.pending_labels.append(Label(token.content.strip(), line, column))


def _on_heading(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    inline = at.tokens[at.index + 1]
    children = inline.children or []
    text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
    shown = "".join(c.content for c in children if c.content and c.type != "html_inline")
    slug = github_slug(text)
    if slug:
        slug = unique_slug(slug, state.slugs)
        state.slugs.add(slug)
    level = int(token.tag[1:])
    state.doc.headings.append(Heading(level, shown.strip(), slug, line, 1 + at.column_offset))


def _on_inline(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    if token.map:
        state.doc.prose_ranges.append((line, token.map[1] + at.offset))
        state.links.extend(inline_urls(token, state.source, line))
    cursor = _Cursor(state.lines, line, at.column_offset)
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            cursor.next_line()
        elif child.type == "myst_role":
            _on_role(state, child, cursor, line)
        elif child.type == "link_open":
            _on_link(state, child, cursor, line)


def _on_role(state: _State, child: Token, cursor: _Cursor, block_line: int) -> None:
    name = str(child.meta.get("name", ""))
    at_line, column = cursor.find("{" + name + "}")
    if name not in XREF_ROLES:
        return
    kind = name.split(":")[-1]
    title, target = title_and_target(child.content.strip())
    state.doc.references.append(
        Reference(kind, target, at_line, column, title is not None, block_line=block_line)
    )


def _on_link(state: _State, child: Token, cursor: _Cursor, block_line: int) -> None:
    href = str(child.attrs.get("href", ""))
    at_line, column = cursor.find("[")
    if not href or has_scheme(href):
        return
    state.doc.references.append(
        Reference("link", href, at_line, column, True, block_line=block_line)
    )


def _on_html(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    suppression = suppression_at(token.content, line, state.lines)
    if suppression is not None:
        state.doc.suppressions.append(suppression)


def _on_comment(state: _State, at: _At) -> None:
    _on_html(state, at)


def _on_code_block(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    state.doc.code_blocks.append(CodeBlock("", token.content, line, line, 1, "indented"))


def _on_fence(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    _check_closed(state, token, line)
    info = token.info.strip()
    raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
    column = 1 + len(raw) - len(raw.lstrip())
    if not info.startswith("{"):
        language = info.split()[0] if info else ""
        state.doc.code_blocks.append(CodeBlock(language, token.content, line, line + 1, column))
        return
    name, _, argument = info[1:].partition("}")
    _on_directive(state, token, name.strip(), argument.strip(), line, column)


def _check_closed(state: _State, token: Token, line: int) -> None:
    if not token.map:
        return
    length = token.map[1] - token.map[0]
    last_index = line - 2 + length
    last = state.lines[last_index].strip() if 0 <= last_index < len(state.lines) else ""
    marker = token.markup
    closed = length >= 2 and last.startswith(marker) and set(last) == {marker[0]}
    if not closed:
        state.doc.problems.append(
            Problem("DA004", line, 1, f"code fence '{marker}' opened here is never closed")
        )


def _on_directive(
    state: _State, token: Token, name: str, argument: str, line: int, column: int
) -> None:
    parts = split_options(token.content, line + 1)
    _check_options(state, name, parts)
    kind = kind_of(name)
    if kind is Kind.CODE:
        language = argument.split()[0] if argument else parts.options.get("language", "")
        state.doc.code_blocks.append(
            CodeBlock(
                language,
                parts.body,
                line,
                parts.body_line,
                column,
                name,
                tuple(parts.options.items()),
            )
        )
    elif kind is Kind.TOCTREE:
        toctree = _toctree(parts, line)
        state.doc.toctrees.append(toctree)
        state.links.extend(
            located(entry.target, entry.line, state.source, "toctree")
            for entry in toctree.entries
            if is_external(entry.target)
        )
    if kind in (Kind.IMAGE, Kind.FIGURE) and is_external(argument):
        state.links.append(located(argument, line, state.source, "image"))
    if kind not in _NO_URL_OPTIONS:
        state.links.extend(option_urls(parts.options, parts.option_lines, state.source))
    if not parts.body.strip():
        return
    if kind in _WALKED:
        _walk_source(state, parts.body, offset=parts.body_line - 1, column_offset=0)
    elif kind is Kind.EVAL_RST:
        _read_rst(state, parts)


def _read_rst(state: _State, parts: DirectiveBody) -> None:
    """An ``eval-rst`` body: parsed once as RST, its facts moved to their page lines."""
    from .rst import parse_rst

    fragment = parse_rst(state.doc.relpath, state.doc.docname, parts.body)
    offset = parts.body_line - 1
    state.links.extend(
        located(link.url, link.line + offset, state.source, link.kind) for link in fragment.links
    )


def _check_options(state: _State, name: str, parts: DirectiveBody) -> None:
    """Options Sphinx would reject, for the directives whose options are fixed."""
    if parts.error is not None:
        state.doc.problems.append(Problem("DA005", parts.error[0], 1, parts.error[1]))
    known = OPTION_SPECS.get(name)
    if known is None:
        return
    for key, where in parts.option_lines.items():
        if key not in known:
            message = f'Error in "{name}" directive: unknown option: "{key}".'
            state.doc.problems.append(Problem("DA005", where, 1, message))


def _toctree(parts: DirectiveBody, line: int) -> Toctree:
    entries: list[TocEntry] = []
    for number, raw in enumerate(parts.body.split("\n")):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        title, target = title_and_target(entry)
        entries.append(TocEntry(target, parts.body_line + number, 1, title))
    return Toctree(line, tuple(entries), "glob" in parts.options, "hidden" in parts.options)


class _Cursor:
    """Walks the source of one inline block to give its children exact positions."""

    def __init__(self, lines: list[str], line: int, column_offset: int) -> None:
        self.lines = lines
        self.line = line
        self.column = column_offset

    def next_line(self) -> None:
        self.line += 1
        self.column = 0

    def find(self, needle: str) -> tuple[int, int]:
        for line in range(self.line, min(self.line + 3, len(self.lines) + 1)):
            text = self.lines[line - 1] if line >= 1 else ""
            start = self.column if line == self.line else 0
            found = text.find(needle, start)
            if found >= 0:
                self.line, self.column = line, found + len(needle)
                return line, found + 1
        return self.line, self.column + 1


_HANDLERS: dict[str, Callable[[_State, _At], None]] = {
    "front_matter": _on_front_matter,
    "myst_target": _on_target,
    "heading_open": _on_heading,
    "inline": _on_inline,
    "html_block": _on_html,
    "myst_line_comment": _on_comment,
    "code_block": _on_code_block,
    "fence": _on_fence,
    "colon_fence": _on_fence,
}
