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
    MarkupMessage,
    Problem,
    Reference,
    TocEntry,
    Toctree,
)
from .suppress import suppression_at

_ROLE_NAME = re.compile(r"(?<![\w`]):(?P<name>[A-Za-z][\w:.+-]*):`")
_DIRECTIVE_NAME = re.compile(r"^\s*\.\.\s+(?P<name>[A-Za-z][\w:.+-]*)::", re.MULTILINE)
_LABEL = re.compile(r"^(?P<indent>\s*)\.\.\s+_(?P<name>[^:`]+|`[^`]+`):\s*$")
_TITLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+\s*$")
_XREF_ROLES = {"ref", "doc", "any", "numref", "std:ref", "std:doc"}
_CODE_DIRECTIVES = {"code-block", "sourcecode", "code"}
_PROSE_DIRECTIVES = {
    "versionadded",
    "versionchanged",
    "deprecated",
    "versionremoved",
    "seealso",
    "only",
    "centered",
    "hlist",
    "glossary",
    "tab",
    "tab-set",
    "tab-item",
    "card",
    "dropdown",
}


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
    option_spec: ClassVar[dict[str, Any]] = {
        "linenos": directives.flag,
        "lineno-start": int,
        "emphasize-lines": directives.unchanged_required,
        "caption": directives.unchanged_required,
        "name": directives.unchanged,
        "class": directives.class_option,
        "dedent": directives.unchanged,
        "force": directives.flag,
        "number-lines": directives.unchanged,
    }

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
    option_spec: ClassVar[dict[str, Any]] = {
        "maxdepth": int,
        "name": directives.unchanged,
        "class": directives.class_option,
        "caption": directives.unchanged_required,
        "glob": directives.flag,
        "hidden": directives.flag,
        "includehidden": directives.flag,
        "numbered": directives.unchanged,
        "titlesonly": directives.flag,
        "reversed": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        entries: list[TocEntry] = []
        for index, raw in enumerate(self.content):
            entry = raw.strip()
            if not entry:
                continue
            match = _TITLE_TARGET.match(entry)
            target = match.group("target").strip() if match else entry
            title = match.group("title") if match else None
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
            if name.lower() in _XREF_ROLES:
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
    if name in _CODE_DIRECTIVES:
        return _CodeDirective
    if name == "toctree":
        return _TocDirective
    if name in _PROSE_DIRECTIVES:
        return _ProseDirective
    if name in _DIRECTIVES._directive_registry:
        module_name, class_name = _DIRECTIVES._directive_registry[name]
        module = __import__(f"docutils.parsers.rst.directives.{module_name}", fromlist=[class_name])
        directive: type[Directive] = getattr(module, class_name)
        return directive
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
    doc.code_blocks = collected.code_blocks + list(_literal_blocks(document, lines))
    doc.code_blocks.sort(key=lambda block: block.line)
    doc.toctrees = collected.toctrees
    doc.references = [
        _reference(kind, target, line, lines) for kind, target, line in collected.references
    ]
    doc.headings = list(_headings(document, lines))
    doc.labels = list(_labels(document, lines))
    # A Markdown link into an RST page may name its labels, not its section ids.
    doc.anchors = {label.name for label in doc.labels}
    doc.title = doc.headings[0].text if doc.headings else None
    doc.orphan = _is_orphan(lines)
    doc.prose_ranges = sorted(_prose_ranges(document, lines))
    doc.problems = list(_problems(document))
    doc.suppressions = [
        s
        for number, line in enumerate(lines, start=1)
        if line.lstrip().startswith("..") and (s := suppression_at(line, number, lines))
    ]
    _add_links(doc, document, text)
    _apply_transforms(document, parser)
    doc.markup_messages = messages
    return doc


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


def _prose_ranges(document: nodes.document, lines: list[str]) -> set[tuple[int, int]]:
    """Line ranges (inclusive) of paragraphs and titles."""
    ranges: set[tuple[int, int]] = set()
    for node in document.findall(nodes.TextElement):
        if not isinstance(node, (nodes.paragraph, nodes.title)):
            continue
        if node.line is None or isinstance(node.parent, nodes.system_message):
            continue
        height = node.rawsource.count("\n") + 1 if node.rawsource else 1
        start = node.line
        if isinstance(node, nodes.title):
            start = _title_line(node.astext(), node.line, lines)
        ranges.add((start, start + height - 1))
    return ranges


def _reference(kind: str, content: str, block_line: int, lines: list[str]) -> Reference:
    match = _TITLE_TARGET.match(content)
    target = match.group("target").strip() if match else content.strip()
    line, column = block_line, 1
    for number in range(block_line, min(block_line + 30, len(lines) + 1)):
        found = lines[number - 1].find(f":{kind}:`")
        if found >= 0 and content.split("\n")[0][:20] in lines[number - 1][found:]:
            line, column = number, found + 1
            break
    return Reference(kind.split(":")[-1], target, line, column, bool(match), block_line)


def _headings(document: nodes.document, lines: list[str]) -> Iterator[Heading]:
    for section in document.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is None:
            continue
        level = 1 + sum(1 for parent in _ancestors(section) if isinstance(parent, nodes.section))
        text = title.astext()
        line = _title_line(text, title.line or 1, lines)
        slug = section["ids"][0] if section["ids"] else nodes.make_id(text)
        yield Heading(level, text, slug, line)


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


def _labels(document: nodes.document, lines: list[str]) -> Iterator[Label]:
    internal = {
        name
        for target in document.findall(nodes.target)
        if not target.get("refuri") and not target.get("refname")
        for name in target["names"]
    }
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


def _literal_blocks(document: nodes.document, lines: list[str]) -> Iterator[CodeBlock]:
    for block in document.findall(nodes.literal_block):
        if block.line is None or "code" in block.get("classes", []):
            continue
        start = block.line
        yield CodeBlock("", block.astext() + "\n", start, start, 1, "literal")


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


def _problems(document: nodes.document) -> Iterator[Problem]:
    for message in document.findall(nodes.system_message):
        if message["level"] < 3:
            continue
        text = message.children[0].astext() if message.children else "invalid markup"
        yield Problem("DA005", message.get("line") or 1, 1, text.replace("\n", " "))


def _add_links(doc: Document, document: nodes.document, text: str) -> None:
    from ..links.extract import links_from_rst

    doc.links = links_from_rst(document, text)
