"""MyST Markdown to :class:`Document`, with markdown-it-py and mdit-py-plugins.

Directive bodies are parsed again with the same parser, shifted to their place in
the page, so admonitions and other prose directives contribute headings,
references and links, while code-like directives contribute code blocks only.
"""

from __future__ import annotations

import re
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
    Problem,
    Reference,
    TocEntry,
    Toctree,
)
from ..links.extract import links_from_markdown
from .slugs import github_slug, unique_slug
from .suppress import suppression_at

CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode", "code-cell"})
#: Directives whose body is not Markdown prose.
OPAQUE_DIRECTIVES = frozenset(
    {
        "literalinclude",
        "toctree",
        "eval-rst",
        "math",
        "raw",
        "mermaid",
        "graphviz",
        "csv-table",
        "include",
        "autoclass",
        "automodule",
        "autofunction",
        "literal",
        "highlight",
        "contents",
    }
)
_CODE_OPTIONS = frozenset(
    {"linenos", "lineno-start", "emphasize-lines", "caption", "name", "class", "dedent", "force"}
)
#: Option specs of the directives whose options Sphinx fixes (others accept extensions').
KNOWN_OPTIONS: dict[str, frozenset[str]] = {
    "code-block": _CODE_OPTIONS,
    "sourcecode": _CODE_OPTIONS,
    "code": _CODE_OPTIONS | {"number-lines"},
    "toctree": frozenset(
        {
            "maxdepth",
            "name",
            "class",
            "caption",
            "glob",
            "hidden",
            "includehidden",
            "numbered",
            "titlesonly",
            "reversed",
        }
    ),
}
XREF_ROLES = frozenset({"ref", "doc", "any", "numref", "std:ref", "std:doc"})
_TITLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


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
    slugs: set[str] = field(default_factory=set)
    pending_labels: list[Label] = field(default_factory=list)


def parse_myst(relpath: str, docname: str, text: str) -> Document:
    doc = Document(relpath=relpath, docname=docname, format="md", text=text)
    state = _State(doc, text.splitlines())
    env: dict[str, Any] = {}
    tokens = _walk_source(state, text, offset=0, column_offset=0, env=env)
    # The extractor walks prose directive bodies itself, with exact positions.
    state.doc.links = links_from_markdown(tokens, env, text)
    _flush_labels(state, len(state.lines) + 1)
    doc.anchors.update(state.slugs)
    doc.anchors.update(label.name for label in doc.labels)
    if doc.headings:
        doc.title = doc.headings[0].text
    doc.prose_ranges = sorted(set(doc.prose_ranges))
    return doc


def _walk_source(
    state: _State, source: str, offset: int, column_offset: int, env: dict[str, Any] | None = None
) -> list[Token]:
    tokens = markdown_parser().parse(source, {} if env is None else env)
    _walk_tokens(state, tokens, offset, column_offset)
    return tokens


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
            Problem("DA005", where, 1, f"front matter is not valid YAML: {_first_line(exc)}")
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
    content = child.content.strip()
    match = _TITLE_TARGET.match(content)
    target = match.group("target").strip() if match else content
    state.doc.references.append(
        Reference(kind, target, at_line, column, bool(match), block_line=block_line)
    )


def _on_link(state: _State, child: Token, cursor: _Cursor, block_line: int) -> None:
    href = str(child.attrs.get("href", ""))
    at_line, column = cursor.find("[")
    if not href or _SCHEME.match(href) or href.startswith("//"):
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


@dataclass(frozen=True)
class _DirectiveBody:
    options: dict[str, str]
    body: str
    body_line: int
    option_lines: dict[str, int]
    error: tuple[int, str] | None = None


def _split_options(content: str, first_line: int) -> _DirectiveBody:
    lines = content.split("\n")
    options: dict[str, str] = {}
    option_lines: dict[str, int] = {}
    error: tuple[int, str] | None = None
    index = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            try:
                loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = first_line + 1 + (mark.line if mark is not None else 0)
                error, loaded = (
                    (where, f"directive options are not valid YAML: {_first_line(exc)}"),
                    {},
                )
            if isinstance(loaded, dict):
                options = {str(k): str(v) for k, v in loaded.items()}
                option_lines = dict.fromkeys(options, first_line)
            index = end + 1
    else:
        while index < len(lines):
            match = _OPTION.match(lines[index].strip())
            if not match:
                break
            options[match.group("key")] = (match.group("value") or "").strip()
            option_lines[match.group("key")] = first_line + index
            index += 1
    if index < len(lines) and not lines[index].strip() and index > 0:
        index += 1
    return _DirectiveBody(
        options, "\n".join(lines[index:]), first_line + index, option_lines, error
    )


def _on_directive(
    state: _State, token: Token, name: str, argument: str, line: int, column: int
) -> None:
    parts = _split_options(token.content, line + 1)
    _check_options(state, name, parts)
    if name in CODE_DIRECTIVES:
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
    elif name == "toctree":
        state.doc.toctrees.append(_toctree(parts, line))
    if name not in CODE_DIRECTIVES and name not in OPAQUE_DIRECTIVES and parts.body.strip():
        _walk_source(state, parts.body, offset=parts.body_line - 1, column_offset=0)


def _check_options(state: _State, name: str, parts: _DirectiveBody) -> None:
    """Options Sphinx would reject, for the directives whose options are fixed."""
    if parts.error is not None:
        state.doc.problems.append(Problem("DA005", parts.error[0], 1, parts.error[1]))
    known = KNOWN_OPTIONS.get(name)
    if known is None:
        return
    for key, where in parts.option_lines.items():
        if key not in known:
            message = f'Error in "{name}" directive: unknown option: "{key}".'
            state.doc.problems.append(Problem("DA005", where, 1, message))


def _toctree(parts: _DirectiveBody, line: int) -> Toctree:
    entries: list[TocEntry] = []
    for number, raw in enumerate(parts.body.split("\n")):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        match = _TITLE_TARGET.match(entry)
        title = match.group("title") if match else None
        target = match.group("target") if match else entry
        entries.append(TocEntry(target.strip(), parts.body_line + number, 1, title))
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


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
