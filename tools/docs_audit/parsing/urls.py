"""The external URLs written in a page, each with its exact line and column.

The page walks (:mod:`.myst` over markdown-it tokens, :mod:`.rst` over the doctree)
call in here for the URLs of what they are visiting. Parsers lose exact positions
(markdown-it keeps only block line ranges, docutils' ``node.line`` is often off by
one or more), so every URL is located again in the source text, inside its block.

Code never yields links: fences, indented code, code spans, literal blocks, inline
literals, comments, math and code-like directives are skipped. Template expressions
(``{{ version }}``, ``{% ... %}``) are never URLs, nor part of one.

Two questions are named apart: :func:`is_external` (a URL the link audit follows: a
known external scheme) and :func:`is_toctree_url` (what Sphinx's toctree takes for a
URL instead of a document name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..document import Link

if TYPE_CHECKING:
    from docutils import nodes
    from markdown_it.token import Token

#: Schemes that name something outside the project. MyST's own ``project:``,
#: ``path:`` and ``inv:`` are internal references, not links.
EXTERNAL_SCHEMES = frozenset(
    {
        "http",
        "https",
        "ftp",
        "ftps",
        "sftp",
        "mailto",
        "tel",
        "irc",
        "ircs",
        "news",
        "nntp",
        "git",
        "ssh",
        "ws",
        "wss",
        "file",
    }
)

#: A standalone URI in prose, as Sphinx and linkify recognise one: a scheme with
#: ``//`` (or ``mailto:``), then URI characters; trailing punctuation is trimmed later.
_BARE_URL = re.compile(r"(?<![\w/@.:+-])(?:https?|ftps?)://[^\s<>\"'`\\{}|^]+", re.IGNORECASE)
_TRAILING = ".,:;!?*'\""
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: Sphinx's own test for a toctree entry that is a URL (``sphinx.util.url_re``).
_TOCTREE_URL = re.compile(r".+://.*")
_RUNS_INTO_TEMPLATE = re.compile(r"[\w./-]*\{[{%]")
_TEMPLATE = re.compile(r"\{\{|\{%|%7B%7B|%7B%25", re.IGNORECASE)


def is_external(url: str) -> bool:
    """Whether ``url`` names an outside resource (a URI with a known external scheme)."""
    match = _SCHEME.match(url.strip())
    return match is not None and match.group(1).lower() in EXTERNAL_SCHEMES


def is_toctree_url(target: str) -> bool:
    """Whether Sphinx reads a toctree entry as a URL rather than a document name."""
    return bool(_TOCTREE_URL.match(target)) or target.startswith("mailto:")


def has_scheme(href: str) -> bool:
    """Whether a link destination starts with any scheme (``https:``, ``project:``...)."""
    return bool(_SCHEME.match(href)) or href.startswith("//")


def is_template(url: str) -> bool:
    """Whether ``url`` holds a template expression (Jinja, MyST substitutions)."""
    return bool(_TEMPLATE.search(url))


def bare_urls(text: str) -> Iterator[tuple[int, str]]:
    """Standalone URIs in ``text``: (offset, url) with trailing punctuation trimmed.

    A URI that runs into a template expression (``https://x.org/{{ v }}/``) is skipped:
    what is written is not the URL a reader gets.
    """
    for match in _BARE_URL.finditer(text):
        if text.startswith("{", match.end()):
            continue
        url = _trim(match.group(0))
        if len(url) > len(match.group(0).split("://", 1)[0]) + 3:
            yield match.start(), url


def _trim(url: str) -> str:
    # Closing brackets belong to the URL only when it opened them (Wikipedia-style).
    while url:
        last = url[-1]
        if (
            last in _TRAILING
            or (last == ")" and url.count("(") < url.count(")"))
            or (last == "]" and url.count("[") < url.count("]"))
        ):
            url = url[:-1]
        else:
            break
    return url


@dataclass(frozen=True)
class Source:
    """The page's lines, for turning block-relative offsets into line and column."""

    lines: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Source:
        return cls(tuple(text.splitlines()))

    def line(self, number: int) -> str:
        """Line ``number`` (1-based), or ``""`` past the end."""
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def column_of(self, number: int, fragment: str, hint: int = 0) -> int:
        """1-based column where ``fragment`` starts on line ``number`` (searching from ``hint``)."""
        line = self.line(number)
        found = line.find(fragment, hint) if fragment else -1
        if found < 0:
            found = line.find(fragment) if fragment else -1
        if found < 0:
            found = len(line) - len(line.lstrip())
        return found + 1


# --------------------------------------------------------------------------- Markdown


def page_links(links: Iterable[Link]) -> list[Link]:
    """``links`` in source order, each once, without template expressions."""
    kept = {link for link in links if not is_template(link.url)}
    return sorted(kept, key=lambda link: (link.line, link.column, link.url))


def definition_urls(env: Mapping[str, Any], source: Source, offset: int) -> Iterator[Link]:
    """Reference-style definitions (``[name]: url``) of one markdown-it parse.

    They yield kind ``definition`` on the definition's line; their uses carry no URL of
    their own. ``offset`` is the number of page lines before the parsed text.
    """
    return _definitions(env, source, offset)


def inline_urls(token: Token, source: Source, first: int) -> Iterator[Link]:
    """URLs of one ``inline`` token whose first line is page line ``first``.

    Inline links, images and autolinks yield kinds ``inline``, ``image`` and
    ``autolink``; bare URLs in prose yield ``bare``.
    """
    return _inline_links(token, source, first)


def option_urls(
    options: Mapping[str, str], option_lines: Mapping[str, int], source: Source
) -> Iterator[Link]:
    """URL-valued options of a directive: ``target`` for ``:target:``, else ``option``."""
    for key, value in options.items():
        value = value.strip().strip("\"'")
        if is_external(value):
            number = option_lines.get(key, 0)
            kind = "target" if key == "target" else "option"
            yield Link(value, number, source.column_of(number, value), kind)


def located(url: str, line: int, source: Source, kind: str) -> Link:
    """A URL known to be written on page line ``line``, at the column it is found."""
    return Link(url, line, source.column_of(line, url), kind)


def _definitions(env: Mapping[str, Any], source: Source, offset: int) -> Iterator[Link]:
    references = env.get("references", {}) if isinstance(env, Mapping) else {}
    for definition in references.values():
        href = str(definition.get("href", ""))
        where = definition.get("map")
        if not is_external(href) or not where:
            continue
        line, column = _locate_in_lines(
            source, offset + where[0] + 1, offset + where[1], _candidates(href)
        )
        yield Link(href, line, column, "definition")


def _locate_in_lines(
    source: Source, first: int, last: int, candidates: Sequence[str]
) -> tuple[int, int]:
    for number in range(first, max(first, last) + 1):
        line = source.line(number)
        for candidate in candidates:
            found = line.find(candidate)
            if found >= 0:
                return number, found + 1
    return first, source.column_of(first, "")


def _candidates(href: str) -> list[str]:
    """Spellings a normalised ``href`` may have in the source, most literal first."""
    from markdown_it.common.normalize_url import normalizeLinkText

    spellings = [href, normalizeLinkText(href), unquote(href)]
    if href.startswith("mailto:"):
        spellings.append(href[len("mailto:") :])
    return list(dict.fromkeys(s for s in spellings if s))


def _inline_links(token: Token, source: Source, first: int) -> Iterator[Link]:
    content = token.content
    children = token.children or []
    block = _InlineBlock(content, source, first)
    # Most paragraphs hold no external URL: their code is masked only when one is found.
    masked_text: str | None = None

    def masked() -> str:
        nonlocal masked_text
        if masked_text is None:
            masked_text = _mask_code(content, children)
        return masked_text

    cursor = 0
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
            href = str(child.attrs.get("href", ""))
            if not is_external(href):
                continue
            if child.markup == "autolink":
                found = _find_any(masked(), _candidates(href), cursor)
                kind = "autolink"
            else:
                found = _find_destination(masked(), href, cursor)
                kind = "inline"
            if found is None:
                continue  # a reference-style use: its definition carries the URL
            cursor = found[0] + found[1]
            yield block.link(href, found[0], kind)
        elif child.type == "link_close":
            depth = max(0, depth - 1)
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            found = _find_destination(masked(), src, cursor) if is_external(src) else None
            if found is not None:
                cursor = found[0] + found[1]
                yield block.link(src, found[0], "image")
        elif child.type == "text" and depth == 0:
            for _, url in bare_urls(child.content):
                found = _find_any(masked(), [url], cursor)
                if found is not None:
                    cursor = found[0] + found[1]
                    yield block.link(url, found[0], "bare")


@dataclass(frozen=True)
class _InlineBlock:
    """Maps offsets in an inline token's content back to source positions."""

    content: str
    source: Source
    first: int

    def link(self, url: str, offset: int, kind: str) -> Link:
        before = self.content[:offset]
        index = before.count("\n")
        start_of_line = before.rfind("\n") + 1
        content_line = self.content[start_of_line:].split("\n", 1)[0]
        number = self.first + index
        line = self.source.line(number)
        # Block prefixes (indentation, "> ", list markers) are stripped from the content.
        base = line.find(content_line) if content_line else -1
        if base < 0:
            base = len(line) - len(line.lstrip())
        return Link(url, number, base + (offset - start_of_line) + 1, kind)


def _find_any(text: str, candidates: Sequence[str], start: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for candidate in candidates:
        found = text.find(candidate, start)
        if found >= 0 and (best is None or found < best[0]):
            best = (found, len(candidate))
    return best


def _find_destination(text: str, href: str, start: int) -> tuple[int, int] | None:
    """Where the destination of ``[..](href)`` / ``![..](href)`` starts, at or after ``start``."""
    best: tuple[int, int] | None = None
    for candidate in _candidates(href):
        for opener in ("](", "](<"):
            found = text.find(opener + candidate, start)
            while found >= 0 and opener == "](" and text.startswith("<", found + 2):
                found = text.find(opener + candidate, found + 1)
            if found >= 0 and (best is None or found < best[0]):
                best = (found + len(opener), len(candidate))
    return best


def _mask_code(content: str, children: Sequence[Token]) -> str:
    """``content`` with code spans, math and inline HTML blanked (newlines kept)."""
    chars = list(content)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "

    for start, end in _code_spans(content):
        blank(start, end)
    cursor = 0
    for child in children:
        if child.type in ("math_inline", "math_inline_double", "html_inline"):
            raw = child.content if child.type == "html_inline" else child.markup + child.content
            found = "".join(chars).find(raw, cursor)
            if found >= 0:
                end = found + len(raw) + (len(child.markup) if child.type != "html_inline" else 0)
                blank(found, min(end, len(chars)))
                cursor = end
    return "".join(chars)


def _code_spans(content: str) -> Iterator[tuple[int, int]]:
    """CommonMark code spans: a backtick run closed by the next run of the same length."""
    runs = [
        (m.start(), m.end())
        for m in re.finditer(r"`+", content)
        if not (m.start() > 0 and content[m.start() - 1] == "\\")
    ]
    index = 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        closer = next(
            (j for j in range(index + 1, len(runs)) if runs[j][1] - runs[j][0] == length), None
        )
        if closer is None:
            index += 1
            continue
        yield start, runs[closer][1]
        index = closer + 1


# --------------------------------------------------------------------------- RST


def rst_urls(node: nodes.Element, source: Source) -> Iterator[Link]:
    """The URLs one doctree node carries (called for every node of the one traversal).

    Embedded URIs (`` `text <url>`_ ``) yield ``inline``; standalone URIs ``bare``;
    explicit targets (``.. _name: url``) ``definition``; image URIs ``image`` and
    ``:target:`` options of image and figure ``target``. Named references (``name`_``)
    carry no URL of their own: their target is the occurrence.
    """
    from docutils import nodes

    if isinstance(node, nodes.reference):
        if not _in_code(node):
            yield from _rst_reference(node, source)
    elif isinstance(node, nodes.target):
        if not _in_code(node):
            yield from _rst_target(node, source)
    elif isinstance(node, nodes.image) and not _in_code(node):
        yield from _rst_image(node, source)


def _in_code(node: nodes.Element) -> bool:
    from docutils import nodes

    skipped = (
        nodes.literal_block,
        nodes.doctest_block,
        nodes.literal,
        nodes.comment,
        nodes.raw,
        nodes.system_message,
        nodes.math,
        nodes.math_block,
        nodes.problematic,
    )
    current: nodes.Node | None = node
    while current is not None:
        if isinstance(current, skipped):
            return True
        current = current.parent
    return False


def _block_of(node: nodes.Node) -> nodes.Element | None:
    """The nearest ancestor that docutils gave a line number."""
    from docutils import nodes

    current = node.parent
    while current is not None:
        if isinstance(current, nodes.Element) and current.line is not None:
            return current
        current = current.parent
    return None


def _block_span(block: nodes.Element, source: Source) -> tuple[int, int]:
    """First and last source line of ``block``, found from its raw text near ``block.line``."""
    assert block.line is not None
    raw_lines = [line.strip() for line in (block.rawsource or "").splitlines() if line.strip()]
    height = max(1, len((block.rawsource or "").splitlines()))
    if not raw_lines:
        return max(1, block.line - 2), block.line + 1
    best: int | None = None
    for candidate in range(max(1, block.line - 6), block.line + 3):
        if raw_lines[0] in source.line(candidate) and (
            best is None or abs(candidate - block.line) < abs(best - block.line)
        ):
            best = candidate
    if best is None:
        return max(1, block.line - 6), block.line + height + 2
    return best, best + height + 1


def _search(
    source: Source, first: int, last: int, pattern: re.Pattern[str]
) -> tuple[int, int] | None:
    """(line, column) of the first match of ``pattern`` in lines ``first..last``."""
    window = "\n".join(source.line(n) for n in range(first, last + 1))
    match = pattern.search(window)
    if match is None:
        return None
    before = window[: match.start()]
    line = first + before.count("\n")
    return line, match.start() - (before.rfind("\n") + 1) + 1


def _flexible(text: str) -> re.Pattern[str]:
    """A pattern for ``text`` that lets runs of whitespace vary (re-wrapped source)."""
    parts = [re.escape(part) for part in text.split()]
    return re.compile(r"\s+".join(parts))


def _rst_reference(node: nodes.reference, source: Source) -> Iterator[Link]:
    refuri = str(node.get("refuri", ""))
    if not refuri or not is_external(refuri):
        return
    raw = node.rawsource or ""
    block = _block_of(node)
    if block is None:
        return
    embedded = re.search(r"<([^<>]+)>`__?\s*$", raw, re.DOTALL)
    if embedded:
        written, kind = embedded.group(1), "inline"
    elif raw and (raw == refuri or "mailto:" + raw == refuri):
        written, kind = raw, "bare"
    elif not raw and _is_image_target(node):
        return  # reported with its image
    else:
        return  # a named reference: the target carries the URL
    first, last = _block_span(block, source)
    # Find the whole reference first so a URL repeated in the block is placed right.
    whole = _search(source, first, last, _flexible(raw)) if raw.strip() else None
    start = whole[0] if whole else first
    found = _search(source, start, last, _flexible(written))
    if found is None:
        return  # a copy made by a substitution: the definition holds the text
    after = source.line(found[0])[found[1] - 1 + len(written) :]
    if kind == "bare" and _RUNS_INTO_TEMPLATE.match(after):
        return  # docutils stopped the URI where a template expression starts
    yield Link(refuri, found[0], found[1], kind)


def _is_image_target(node: nodes.reference) -> bool:
    from docutils import nodes

    return any(isinstance(child, nodes.image) for child in node.children)


def _rst_target(node: nodes.target, source: Source) -> Iterator[Link]:
    from docutils import nodes

    refuri = str(node.get("refuri", ""))
    if not refuri or not is_external(refuri) or isinstance(node.parent, nodes.TextElement):
        return  # inline targets come with their embedded-URI reference
    if node.line is None:
        return
    height = max(1, len((node.rawsource or "").splitlines()))
    found = _search(source, max(1, node.line - 2), node.line + height + 1, _flexible(refuri))
    if found is not None:
        yield Link(refuri, found[0], found[1], "definition")


def _rst_image(node: nodes.image, source: Source) -> Iterator[Link]:
    from docutils import nodes

    line = node.line
    if line is None and isinstance(node.parent, nodes.Element):
        line = node.parent.line
    if line is None:
        return
    height = max(1, len((node.rawsource or "").splitlines()))
    first, last = max(1, line - 1), line + height + 1
    uri = str(node.get("uri", ""))
    if is_external(uri):
        found = _search(source, first, last, re.compile(re.escape(uri)))
        if found is not None:
            yield Link(uri, found[0], found[1], "image")
    parent = node.parent
    if isinstance(parent, nodes.reference):
        target = str(parent.get("refuri", ""))
        if is_external(target):
            option = _search(source, first, last, re.compile(r":target:"))
            if option is not None:
                found = _search(source, option[0], last, re.compile(re.escape(target)))
                if found is not None:
                    yield Link(target, found[0], found[1], "target")
