"""MyST Markdown to :class:`Document`, with markdown-it-py and mdit-py-plugins.

One walk over the token stream collects everything the model holds, URLs included.
The body of a prose directive is parsed once, with the same parser, and walked in
place (shifted to its lines in the page), so admonitions and the like contribute
headings, references and links; what a directive's body is comes from the one
table in :mod:`.directives`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..document import (
    CodeBlock,
    DescribedObject,
    Document,
    FileReference,
    Heading,
    Label,
    Link,
    Problem,
    Reference,
    Term,
    TocEntry,
    Toctree,
)
from .directives import (
    BODY_IS_PROSE,
    DOWNLOAD_ROLES,
    OPTION_SPECS,
    TEXT_OPTIONS,
    DirectiveBody,
    Kind,
    first_line_of,
    glossary_terms,
    inline_argument,
    kind_of,
    object_name,
    reference_kind,
    split_options,
    title_and_target,
)
from .extensions import declared_references, role_kind
from .settings import DEFAULT_SETTINGS, ParseSettings
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
_WALKED = BODY_IS_PROSE | {Kind.UNKNOWN}


@lru_cache(maxsize=8)
def markdown_parser(extensions: frozenset[str] = frozenset()) -> MarkdownIt:
    """The one markdown-it configuration every MyST reader shares.

    ``colon_fence``, ``deflist`` and ``dollarmath`` are always read (leniently: a page
    that uses them without enabling them is no worse off); the attribute syntaxes,
    which add targets and turn links external, only when ``conf.py`` enables them.
    """
    md = (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(myst_role_plugin)
        .use(myst_block_plugin)
        .use(colon_fence_plugin)
        .use(deflist_plugin)
        .use(dollarmath_plugin)
        .enable("table")
    )
    if "attrs_block" in extensions:
        md.use(attrs_block_plugin)
    if "attrs_inline" in extensions:
        md.use(attrs_plugin, spans=True)
    return md


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
    settings: ParseSettings
    #: Slugs of every heading (``Heading.slug``), and of those that get an anchor.
    slugs: set[str] = field(default_factory=set)
    anchored: set[str] = field(default_factory=set)
    pending_labels: list[Label] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def parse_myst(
    relpath: str, docname: str, text: str, settings: ParseSettings = DEFAULT_SETTINGS
) -> Document:
    doc = Document(relpath=relpath, docname=docname, format="md", text=text)
    lines = text.splitlines()
    state = _State(doc, lines, Source(tuple(lines)), settings)
    _walk_source(state, text, offset=0, column_offset=0)
    doc.links = page_links(state.links)
    _flush_labels(state, len(state.lines) + 1)
    doc.labels.sort(key=lambda label: (label.line, label.column))
    doc.references.sort(key=lambda ref: (ref.line, ref.column))
    # Heading slugs are link targets only as far as myst_heading_anchors reaches.
    doc.anchors.update(state.anchored)
    doc.anchors.update(label.name for label in doc.labels)
    if doc.headings:
        doc.title = doc.headings[0].text
    doc.prose_ranges = sorted(set(doc.prose_ranges))
    return doc


def _walk_source(state: _State, source: str, offset: int, column_offset: int) -> None:
    """Parse ``source`` (page lines ``offset + 1``...) once and walk its tokens."""
    env: dict[str, Any] = {}
    tokens = markdown_parser(state.settings.myst_extensions).parse(source, env)
    _walk_tokens(state, tokens, offset, column_offset)
    state.links.extend(definition_urls(env, state.source, offset))


def _walk_tokens(state: _State, tokens: Sequence[Token], offset: int, column_offset: int) -> None:
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 + offset if token.map else 0
        if token.map and token.nesting >= 0 and token.type != "myst_target":
            _flush_labels(state, line)
        if token.attrs.get("id") and token.nesting >= 0:
            _on_attribute_id(state, str(token.attrs["id"]), line)
        handler = _HANDLERS.get(token.type)
        if handler is not None:
            handler(state, _At(token, tokens, index, line, offset, column_offset))


def _flush_labels(state: _State, element_line: int) -> None:
    for label in state.pending_labels:
        state.doc.labels.append(
            Label(label.name, label.line, label.column, element_line, label.kind)
        )
    state.pending_labels.clear()


def _on_attribute_id(state: _State, name: str, line: int) -> None:
    """``{#id}`` of a block (on a line before it) or of an inline element (after it)."""
    needle = "#" + name
    for number in range(line, max(0, line - 3), -1):
        text = state.source.line(number)
        found = text.find(needle)
        if found >= 0:
            # The label stands where its attribute block opens.
            brace = text.rfind("{", 0, found)
            column = (brace if brace >= 0 else found) + 1
            state.doc.labels.append(Label(name, number, column, line, "id"))
            return
    state.doc.labels.append(Label(name, line, 1, line, "id"))


def _on_front_matter(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    if _PLAIN_FRONT_MATTER.fullmatch(token.content.rstrip("\n") + "\n"):
        return  # valid YAML without ``orphan``: nothing to read, no YAML parser to import
    import yaml  # only a page with front matter beyond plain keys pays for importing it

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
    level = int(token.tag[1:])
    slug = github_slug(text)
    if slug and level <= state.settings.heading_anchors:
        # MyST counts repeats among the anchored headings only.
        slug = unique_slug(slug, state.anchored)
        state.anchored.add(slug)
        state.slugs.add(slug)
    elif slug:
        slug = unique_slug(slug, state.slugs)
        state.slugs.add(slug)
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
        elif child.type == "image":
            _on_image(state, child, cursor)
        elif child.type == "html_inline":
            _html_images(state, child.content, cursor.line)
        elif child.type in _INLINE_WITH_ID and child.attrs.get("id"):
            _on_attribute_id(state, str(child.attrs["id"]), cursor.line)


def _on_role(state: _State, child: Token, cursor: _Cursor, block_line: int) -> None:
    name = str(child.meta.get("name", ""))
    at_line, column = cursor.find("{" + name + "}")
    title, target = title_and_target(child.content.strip())
    if name.lower() in DOWNLOAD_ROLES:
        state.doc.files.append(FileReference("download", target, at_line, column))
        return
    kind = reference_kind(name) or role_kind(name)
    if kind is None:
        return
    state.doc.references.append(
        Reference(kind, target, at_line, column, title is not None, block_line=block_line)
    )


def _on_link(state: _State, child: Token, cursor: _Cursor, block_line: int) -> None:
    href = str(child.attrs.get("href", ""))
    at_line, column = cursor.find("[") if child.markup != "autolink" else cursor.find("<")
    external = "external" in str(child.attrs.get("class", "")).split()
    if not href or external:
        return  # attrs_inline's {.external}: a plain URL, whatever it looks like
    kind, target = "link", href
    for scheme, named in (("project:", "link"), ("inv:", "inv")):
        if href.startswith(scheme):
            kind, target = named, href[len(scheme) :]
            break
    else:
        if has_scheme(href):
            return
    state.doc.references.append(
        Reference(kind, target, at_line, column, True, block_line=block_line)
    )


def _on_image(state: _State, child: Token, cursor: _Cursor) -> None:
    src = str(child.attrs.get("src", ""))
    at_line, column = cursor.find("![")
    if src and not has_scheme(src):
        state.doc.files.append(FileReference("image", src, at_line, column, markdown=True))


def _on_html(state: _State, at: _At) -> None:
    token, line = at.token, at.line
    suppression = suppression_at(token.content, line, state.lines)
    if suppression is not None:
        state.doc.suppressions.append(suppression)
    if token.type == "html_block":
        _html_images(state, token.content, line)


def _html_images(state: _State, html: str, line: int) -> None:
    """``<img src>`` is an image Sphinx copies when ``html_image`` is enabled."""
    if "html_image" not in state.settings.myst_extensions or "<img" not in html:
        return
    for match in _IMG_SRC.finditer(html):
        src = match.group("src")
        if has_scheme(src) or not src:
            continue
        at = line + html.count("\n", 0, match.start("src"))
        column = state.source.column_of(at, src)
        state.doc.files.append(FileReference("image", src, at, column))


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
    _directive_targets(state, name, kind, argument, parts, line)
    _read_argument(state, name, argument, line)
    for option in TEXT_OPTIONS.get(name.lower(), ()):
        value = parts.options.get(option, "")
        where = parts.option_lines.get(option, line)
        raw = state.source.line(where)
        _read_inline(state, value, where, raw.find(value, raw.find(option)))
    if kind not in _NO_URL_OPTIONS:
        state.links.extend(option_urls(parts.options, parts.option_lines, state.source))
    if not parts.body.strip():
        return
    if kind in _WALKED:
        _walk_source(state, parts.body, offset=parts.body_line - 1, column_offset=0)
    elif kind is Kind.EVAL_RST:
        _read_rst(state, parts)


def _read_argument(state: _State, name: str, argument: str, line: int) -> None:
    """The part of the argument Sphinx parses as inline Markdown (a version note's text,
    an admonition's title), read like the page's prose at its own columns."""
    text = inline_argument(name, argument)
    raw = state.source.line(line)
    _read_inline(state, text, line, raw.find(text, raw.find("}") + 1))


def _read_inline(state: _State, text: str, line: int, start: int) -> None:
    """``text``, written on page ``line`` from 0-based column ``start`` (``-1``: not
    found there), read as inline Markdown: roles, links and images at their places."""
    if not text.strip() or start < 0:
        return
    tokens = markdown_parser(state.settings.myst_extensions).parseInline(text, {})
    _walk_tokens(state, tokens, offset=line - 1, column_offset=start)


def _directive_targets(
    state: _State, name: str, kind: Kind, argument: str, parts: DirectiveBody, line: int
) -> None:
    """What a directive's argument and options name: labels, files, references, terms."""
    source, doc = state.source, state.doc
    label = parts.options.get("name", "").strip()
    if label:
        where = parts.option_lines.get("name", line)
        doc.labels.append(Label(label, where, source.column_of(where, label), line, "name"))
    if name == "figure-md" and argument:
        doc.labels.append(Label(argument, line, source.column_of(line, argument), line, "figure"))
    if kind in (Kind.IMAGE, Kind.FIGURE, Kind.INCLUDE, Kind.LITERALINCLUDE) and argument:
        if is_external(argument):
            state.links.append(located(argument, line, source, "image"))
        elif not has_scheme(argument):
            options = tuple(parts.options.items()) if kind is Kind.INCLUDE else ()
            column = source.column_of(line, argument)
            doc.files.append(FileReference(kind.value, argument, line, column, options))
    for ref_kind, target, place in declared_references(name, argument, parts.options):
        at = parts.option_lines.get(place, line)
        doc.references.append(
            Reference(ref_kind, target, at, source.column_of(at, target), False, block_line=at)
        )
    if kind is Kind.OBJECT and argument:
        object_kind, described = object_name(name, argument)
        column = source.column_of(line, described)
        doc.objects.append(DescribedObject(object_kind, described, line, column))
    if name == "glossary":
        body = parts.body.split("\n")
        for term, index, term_column in glossary_terms(body):
            doc.terms.append(Term(term, parts.body_line + index, term_column))


def _read_rst(state: _State, parts: DirectiveBody) -> None:
    """An ``eval-rst`` body: parsed once as RST, its facts moved to their page places."""
    from .rst import parse_rst

    doc = state.doc
    fragment = parse_rst(doc.relpath, doc.docname, parts.body, state.settings)
    offset = parts.body_line - 1
    body_lines = parts.body.split("\n")

    def shift(line: int) -> int:
        # markdown-it strips a nested fence's indentation from its content.
        inner = body_lines[line - 1] if 0 < line <= len(body_lines) else ""
        outer = state.source.line(line + offset)
        return (len(outer) - len(outer.lstrip())) - (len(inner) - len(inner.lstrip()))

    state.links.extend(
        Link(link.url, link.line + offset, link.column + shift(link.line), link.kind)
        for link in fragment.links
    )
    doc.labels.extend(
        Label(
            label.name,
            label.line + offset,
            label.column + shift(label.line),
            label.element_line + offset,
            label.kind,
        )
        for label in fragment.labels
    )
    doc.references.extend(
        Reference(
            ref.kind,
            ref.target,
            ref.line + offset,
            ref.column + shift(ref.line),
            ref.explicit_title,
            ref.block_line + offset,
        )
        for ref in fragment.references
    )
    doc.terms.extend(
        Term(term.name, term.line + offset, term.column + shift(term.line))
        for term in fragment.terms
    )
    doc.objects.extend(
        DescribedObject(o.kind, o.name, o.line + offset, o.column + shift(o.line))
        for o in fragment.objects
    )
    doc.files.extend(
        FileReference(f.kind, f.target, f.line + offset, f.column + shift(f.line), f.options)
        for f in fragment.files
    )
    doc.code_blocks.extend(
        CodeBlock(
            block.language,
            block.body,
            block.line + offset,
            block.body_line + offset,
            block.column + shift(block.line),
            block.directive,
            block.options,
        )
        for block in fragment.code_blocks
    )
    doc.toctrees.extend(
        Toctree(
            tree.line + offset,
            tuple(TocEntry(e.target, e.line + offset, e.column, e.title) for e in tree.entries),
            tree.glob,
            tree.hidden,
        )
        for tree in fragment.toctrees
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


#: Front matter of plain ``key: value`` lines (and comments), no key ``orphan``: always
#: valid YAML, and nothing in it that Sphinx reads here. Anything else goes to PyYAML.
_PLAIN_FRONT_MATTER = re.compile(
    r"(?:[ ]*(?:\#[^\n]*)?\n|(?!orphan:)[A-Za-z_][\w-]*:(?:[ ]+\w[\w .,/+-]*)?[ ]*\n)*"
)
_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"'](?P<src>[^\"']*)[\"']", re.IGNORECASE)
#: Inline tokens that carry an ``{#id}`` of attrs_inline.
_INLINE_WITH_ID = frozenset({"span_open", "link_open", "image", "code_inline"})

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
