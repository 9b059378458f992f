"""reStructuredText to :class:`Document`, with docutils.

Sphinx roles and directives are unknown to docutils; rather than let them turn into
errors, each parse registers stand-ins inside a private namespace (restored when the
parse ends, like Sphinx's own ``docutils_namespace``) that record what the model needs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles
from docutils.utils import new_document

from ..document import (
    CodeBlock,
    Document,
    Heading,
    Label,
    Link,
    MarkupMessage,
    Problem,
    Reference,
    TocEntry,
    Toctree,
)
from .directives import OPTION_SPECS, XREF_ROLES, Kind, kind_of, title_and_target
from .suppress import suppression_at
from .urls import Source, page_links, rst_urls

_ROLE_NAME = re.compile(r"(?<![\w`]):(?P<name>[A-Za-z][\w:.+-]*):`")
_DIRECTIVE_NAME = re.compile(r"^\s*\.\.\s+(?P<name>[A-Za-z][\w:.+-]*)::", re.MULTILINE)
_LABEL = re.compile(r"^(?P<indent>\s*)\.\.\s+_(?P<name>[^:`]+|`[^`]+`):\s*$")
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+\s*$")
#: docutils option converters by the names the directive table uses.
_CONVERTERS: dict[str, Callable[..., Any]] = {
    "flag": directives.flag,
    "int": int,
    "unchanged": directives.unchanged,
    "unchanged_required": directives.unchanged_required,
    "class_option": directives.class_option,
}


def _option_spec(name: str) -> dict[str, Callable[..., Any]]:
    return {key: _CONVERTERS[kind] for key, kind in OPTION_SPECS[name].items()}


class _Collected:
    """What the stand-in roles and directives saw during one parse."""

    def __init__(self) -> None:
        self.references: list[tuple[str, str, int]] = []
        self.code_blocks: list[CodeBlock] = []
        self.toctrees: list[Toctree] = []


_current: list[_Collected] = []
# docutils keeps its registries in private module globals; Sphinx saves and restores
# them the same way (sphinx.util.docutils.docutils_namespace).
_DIRECTIVES: Any = directives
_ROLES: Any = roles


def _xref_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    _current[-1].references.append((name.lower(), text, lineno))
    return [nodes.inline(rawtext, text)], []


def _generic_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [nodes.literal(rawtext, text)], []


class _AnyOptions(dict[str, Callable[[str | None], Any]]):
    """An option spec that accepts every option, for directives we only skip."""

    def __missing__(self, key: str) -> Callable[[str | None], Any]:
        return directives.unchanged


class _OpaqueDirective(Directive):
    """Stands in for a Sphinx directive whose body is not prose (autodoc, math...)."""

    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        return []


class _ProseDirective(_OpaqueDirective):
    """A Sphinx directive whose body is ordinary RST (seealso, versionadded...)."""

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, container)
        return [container]


class _CodeDirective(Directive):
    has_content = True
    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = _option_spec("code")

    def run(self) -> list[nodes.Node]:
        language = self.arguments[0] if self.arguments else ""
        options = tuple((k, str(v)) for k, v in self.options.items())
        _current[-1].code_blocks.append(
            CodeBlock(
                language,
                "\n".join(self.content) + ("\n" if self.content else ""),
                self.lineno,
                self.content_offset + 1,
                1,
                self.name,
                options,
            )
        )
        block = nodes.literal_block("", "\n".join(self.content))
        block["classes"].append("code")
        return [block]


class _TocDirective(Directive):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = _option_spec("toctree")

    def run(self) -> list[nodes.Node]:
        entries: list[TocEntry] = []
        for index, raw in enumerate(self.content):
            entry = raw.strip()
            if not entry:
                continue
            title, target = title_and_target(entry)
            entries.append(TocEntry(target, self.content_offset + index + 1, 1, title))
        _current[-1].toctrees.append(
            Toctree(self.lineno, tuple(entries), "glob" in self.options, "hidden" in self.options)
        )
        return []


@contextmanager
def _namespace(text: str) -> Iterator[_Collected]:
    """Register stand-ins for this text's unknown names; restore the registries after."""
    saved_directives = dict(_DIRECTIVES._directives)
    saved_roles = dict(_ROLES._roles)
    collected = _Collected()
    _current.append(collected)
    try:
        for name in {m.group("name") for m in _ROLE_NAME.finditer(text)}:
            if name.lower() in XREF_ROLES:
                roles.register_local_role(name, cast(Any, _xref_role))
            elif name not in _ROLES._role_registry and name not in _ROLES._roles:
                roles.register_local_role(name, cast(Any, _generic_role))
        for name in {m.group("name") for m in _DIRECTIVE_NAME.finditer(text)}:
            directives.register_directive(name, _directive_for(name))
        yield collected
    finally:
        _current.pop()
        _DIRECTIVES._directives.clear()
        _DIRECTIVES._directives.update(saved_directives)
        _ROLES._roles.clear()
        _ROLES._roles.update(saved_roles)


def _directive_for(name: str) -> type[Directive]:
    """Sphinx's code and toctree directives, else docutils' own, else a stand-in by kind."""
    kind = kind_of(name)
    if kind is Kind.CODE:
        return _CodeDirective
    if kind is Kind.TOCTREE:
        return _TocDirective
    if name in _DIRECTIVES._directive_registry:
        module_name, class_name = _DIRECTIVES._directive_registry[name]
        module = __import__(f"docutils.parsers.rst.directives.{module_name}", fromlist=[class_name])
        directive: type[Directive] = getattr(module, class_name)
        return directive
    if kind is Kind.PROSE:
        return _ProseDirective
    # An unknown name stays opaque: its body may be anything, and docutils would
    # report every construct of another syntax in it as an error Sphinx never gives.
    return _OpaqueDirective


_SETTINGS: Any = None


def _settings() -> Any:
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = get_default_settings(Parser)
        _SETTINGS.report_level = 5
        _SETTINGS.halt_level = 5
        _SETTINGS.file_insertion_enabled = False
        _SETTINGS.raw_enabled = False
        _SETTINGS.syntax_highlight = "none"
        _SETTINGS.character_level_inline_markup = False
    _SETTINGS.warning_stream = io.StringIO()
    return _SETTINGS


def parse_rst(relpath: str, docname: str, text: str) -> Document:
    doc = Document(relpath=relpath, docname=docname, format="rst", text=text)
    document = new_document(relpath, _settings())
    messages: list[MarkupMessage] = []
    document.reporter.attach_observer(lambda message: messages.append(_message(message)))
    parser = Parser()
    with _namespace(text) as collected:
        parser.parse(text, document)
    lines = text.splitlines()
    walk = _Walk(lines)
    walk.run(document)
    doc.code_blocks = sorted(collected.code_blocks + walk.literal_blocks, key=lambda b: b.line)
    doc.toctrees = collected.toctrees
    doc.references = [
        _reference(kind, target, line, lines) for kind, target, line in collected.references
    ]
    doc.headings = walk.headings
    doc.labels = list(_labels(walk.internal_targets, lines))
    # A Markdown link into an RST page may name its labels, not its section ids.
    doc.anchors = {label.name for label in doc.labels}
    doc.title = doc.headings[0].text if doc.headings else None
    doc.orphan = _is_orphan(lines)
    doc.prose_ranges = sorted(walk.prose_ranges)
    doc.problems = walk.problems
    doc.suppressions = [
        s
        for number, line in enumerate(lines, start=1)
        if line.lstrip().startswith("..") and (s := suppression_at(line, number, lines))
    ]
    doc.links = page_links(walk.links)
    _apply_transforms(document, parser)
    doc.markup_messages = messages
    return doc


class _Walk:
    """One traversal of the doctree, collecting every fact the model reads from it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.source = Source(tuple(lines))
        self.headings: list[Heading] = []
        self.literal_blocks: list[CodeBlock] = []
        self.internal_targets: set[str] = set()
        self.prose_ranges: set[tuple[int, int]] = set()
        self.problems: list[Problem] = []
        self.links: list[Link] = []

    def run(self, document: nodes.document) -> None:
        for node in document.findall(nodes.Element):
            if isinstance(node, nodes.section):
                self._section(node)
            elif isinstance(node, (nodes.paragraph, nodes.title)):
                self._prose(node)
            elif isinstance(node, nodes.literal_block):
                self._literal(node)
            elif isinstance(node, nodes.system_message):
                self._system_message(node)
            elif isinstance(node, nodes.target):
                self._target(node)
            self.links.extend(rst_urls(node, self.source))

    def _target(self, target: nodes.target) -> None:
        # Only a target that points at the element after it is a label.
        if not target.get("refuri") and not target.get("refname"):
            self.internal_targets.update(target["names"])

    def _section(self, section: nodes.section) -> None:
        title = section.next_node(nodes.title)
        if title is None:
            return
        level = 1 + sum(1 for parent in _ancestors(section) if isinstance(parent, nodes.section))
        text = title.astext()
        line = _title_line(text, title.line or 1, self.lines)
        slug = section["ids"][0] if section["ids"] else nodes.make_id(text)
        self.headings.append(Heading(level, text, slug, line))

    def _prose(self, node: nodes.TextElement) -> None:
        """Line ranges (inclusive) of paragraphs and titles."""
        if node.line is None or isinstance(node.parent, nodes.system_message):
            return
        height = node.rawsource.count("\n") + 1 if node.rawsource else 1
        start = node.line
        if isinstance(node, nodes.title):
            start = _title_line(node.astext(), node.line, self.lines)
        self.prose_ranges.add((start, start + height - 1))

    def _literal(self, block: nodes.literal_block) -> None:
        if block.line is None or "code" in block.get("classes", []):
            return
        start = block.line
        self.literal_blocks.append(CodeBlock("", block.astext() + "\n", start, start, 1, "literal"))

    def _system_message(self, message: nodes.system_message) -> None:
        if message["level"] < 3:
            return
        text = message.children[0].astext() if message.children else "invalid markup"
        self.problems.append(Problem("DA005", message.get("line") or 1, 1, text.replace("\n", " ")))


def _message(node: nodes.system_message) -> MarkupMessage:
    text = node.children[0].astext() if node.children else ""
    return MarkupMessage(node["level"], node.get("line") or 0, text)


def _apply_transforms(document: nodes.document, parser: Parser) -> None:
    """The transforms a docutils publisher applies (reference resolution and such).

    They run after the model is read, since they rearrange sections; their messages
    (an unknown target name, say) are what RST linters report.
    """
    from docutils.readers.standalone import Reader

    try:
        document.transformer.populate_from_components((Reader(parser=parser), parser))
        document.transformer.apply_transforms()
    except Exception:  # a transform that trips on odd input must not cost the page's facts
        return


def _reference(kind: str, content: str, block_line: int, lines: list[str]) -> Reference:
    title, target = title_and_target(content)
    line, column = block_line, 1
    for number in range(block_line, min(block_line + 30, len(lines) + 1)):
        found = lines[number - 1].find(f":{kind}:`")
        if found >= 0 and content.split("\n")[0][:20] in lines[number - 1][found:]:
            line, column = number, found + 1
            break
    return Reference(kind.split(":")[-1], target, line, column, title is not None, block_line)


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _title_line(text: str, reported: int, lines: list[str]) -> int:
    """The line of the title text; docutils reports the underline (or near it)."""
    first = text.split("\n")[0].strip()
    for number in range(max(1, reported - 2), min(reported + 1, len(lines)) + 1):
        candidate = lines[number - 1].strip()
        following = lines[number].strip() if number < len(lines) else ""
        if candidate and first.startswith(candidate[:10]) and _ADORNMENT.match(following):
            return number
    return reported


def _labels(internal: set[str], lines: list[str]) -> Iterator[Label]:
    for number, line in enumerate(lines, start=1):
        match = _LABEL.match(line)
        if match is None:
            continue
        name = match.group("name").strip("`")
        if nodes.fully_normalize_name(name) not in internal:
            continue
        yield Label(name, number, len(match.group("indent")) + 1, _element_after(number, lines))


def _element_after(line: int, lines: list[str]) -> int:
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        if text.strip() and not _LABEL.match(text):
            return number
    return line


def _is_orphan(lines: list[str]) -> bool:
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == ":orphan:":
            return True
        if not stripped.startswith(":"):
            return False
    return False
