"""reStructuredText to :class:`Document`, with docutils.

Sphinx roles and directives are unknown to docutils; rather than let them turn into
errors, each parse registers stand-ins inside a private namespace (restored when the
parse ends, like Sphinx's own ``docutils_namespace``) that record what the model needs.
"""

from __future__ import annotations

import io
import itertools
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
    DescribedObject,
    Document,
    FileReference,
    Heading,
    Label,
    Link,
    MarkupMessage,
    Problem,
    Reference,
    Term,
    TocEntry,
    Toctree,
)
from .directives import (
    DOWNLOAD_ROLES,
    INLINE_ARGUMENTS,
    OPTION_SPECS,
    TEXT_OPTIONS,
    Kind,
    glossary_terms,
    kind_of,
    object_name,
    reference_kind,
    title_and_target,
)
from .extensions import declared_references, role_kind
from .settings import DEFAULT_SETTINGS, ParseSettings
from .suppress import suppression_at
from .urls import Source, has_scheme, page_links, rst_urls

_ROLE_NAME = re.compile(r"(?<![\w`]):(?P<name>[A-Za-z][\w:.+-]*):`")
_DIRECTIVE_NAME = re.compile(r"^\s*\.\.\s+(?P<name>[A-Za-z][\w:.+-]*)::", re.MULTILINE)
_LABEL = re.compile(r"^(?P<indent>\s*)\.\.\s+_(?P<name>[^:`]+|`[^`]+`):\s*$")
_LABEL_START = re.compile(r"^(?P<indent>\s*)\.\.\s+_(?P<rest>\S.*)$")
_NAME_OPTION = re.compile(r"^\s*:name:\s*(?P<value>\S.*)$")
_DIRECTIVE_START = re.compile(r"^\s*\.\.\s+(\|[^|]+\|\s+)?[\w:.+-]+::")
#: Elements whose ``names`` come from somewhere other than a ``:name:`` option.
_NAMED_OTHERWISE = (
    nodes.section,
    nodes.target,
    nodes.footnote,
    nodes.citation,
    nodes.substitution_definition,
    nodes.document,
)
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
        #: (kind, text, rawtext, block line) of each reference role.
        self.references: list[tuple[str, str, str, int]] = []
        #: (kind, target, directive line) of references declared by extensions.
        self.declared: list[tuple[str, str, int]] = []
        self.code_blocks: list[CodeBlock] = []
        self.toctrees: list[Toctree] = []
        #: (``:name:`` value, directive line) of the stand-in directives.
        self.names: list[tuple[str, int]] = []
        #: (term, page line) of glossary entries.
        self.terms: list[tuple[str, int]] = []
        #: (kind, name, directive line) of described objects.
        self.objects: list[tuple[str, str, int]] = []
        #: (kind, target, line, rawtext, options) of includes and downloads.
        self.files: list[tuple[str, str, int, str, tuple[tuple[str, str], ...]]] = []


_current: list[_Collected] = []
# docutils keeps its registries in private module globals; Sphinx saves and restores
# them the same way (sphinx.util.docutils.docutils_namespace).
_DIRECTIVES: Any = directives
_ROLES: Any = roles


def _stand_in_role(
    record: Callable[[str, str, int], None] | None, node: type[nodes.TextElement] = nodes.inline
) -> Callable[..., Any]:
    """A role Sphinx defines: ``record(text, rawtext, lineno)`` notes it, ``node`` shows it."""

    def role(
        name: str,
        rawtext: str,
        text: str,
        lineno: int,
        inliner: Any,
        options: dict[str, Any] | None = None,
        content: list[str] | None = None,
    ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if record is not None:
            record(text, rawtext, lineno)
        return [node(rawtext, text)], []

    return role


def _reference_role(kind: str) -> Callable[..., Any]:
    """A cross-reference role that records a reference of ``kind``."""
    return _stand_in_role(
        lambda text, raw, line: _current[-1].references.append((kind, text, raw, line))
    )


def _note_download(text: str, rawtext: str, lineno: int) -> None:
    _current[-1].files.append(("download", title_and_target(text)[1], lineno, rawtext, ()))


_download_role = _stand_in_role(_note_download)
_generic_role = _stand_in_role(None, nodes.literal)


class _AnyOptions(dict[str, Callable[[str | None], Any]]):
    """An option spec that accepts every option, for directives we only skip."""

    def __missing__(self, key: str) -> Callable[[str | None], Any]:
        return directives.unchanged

    def __bool__(self) -> bool:
        # docutils reads options only when the spec is truthy; an empty dict is not.
        return True


class _OpaqueDirective(Directive):
    """Stands in for a Sphinx directive whose body is not prose (autodoc, math...)."""

    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
        return []


def _note_directive(directive: Directive) -> None:
    """What a stand-in's options name: a ``:name:`` label, extension references."""
    options = {k: str(v) for k, v in directive.options.items() if v is not None}
    collected = _current[-1]
    if options.get("name", "").strip():
        collected.names.append((options["name"].strip(), directive.lineno))
    argument = " ".join(directive.arguments)
    for kind, target, _ in declared_references(directive.name, argument, options):
        collected.declared.append((kind, target, directive.lineno))


class _ProseDirective(_OpaqueDirective):
    """A Sphinx directive whose body is ordinary RST (seealso, versionadded...)."""

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
        container = nodes.container()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, container)
        return [container]


class _InlineArgumentDirective(_ProseDirective):
    """A Sphinx directive whose argument, after ``words`` leading words (a version note's
    version), is inline text: parsed as Sphinx parses it, so its references count."""

    words: ClassVar[int] = 0

    def run(self) -> list[nodes.Node]:
        result = super().run()
        if len(self.arguments) <= self.words:
            return result
        text = self.arguments[self.words]
        # The text starts on the directive's line unless that line ends with the words.
        written = self.block_text.split("\n")[0].partition("::")[2].split()
        line = self.lineno if len(written) > self.words else self.lineno + 1
        return [*_inline_paragraph(self, text, line), *result]


def _inline_paragraph(directive: Directive, text: str, line: int) -> list[nodes.Node]:
    """``text`` parsed as inline markup at page ``line``: its roles are recorded, and
    the paragraph is prose the walk reads (links too)."""
    inline, messages = directive.state.inline_text(text, line)
    paragraph = nodes.paragraph(text, "", *inline)
    paragraph.line = line
    return [paragraph, *messages]


def _text_options(directive: Directive) -> list[nodes.Node]:
    """Options whose value Sphinx parses as markup (a code block's caption), read at
    the option's own line."""
    found: list[nodes.Node] = []
    rows = directive.block_text.split("\n")
    for name in TEXT_OPTIONS.get(directive.name.lower(), ()):
        value = directive.options.get(name)
        if not value:
            continue
        index = next((i for i, row in enumerate(rows) if row.strip().startswith(f":{name}:")), 0)
        found += _inline_paragraph(directive, str(value), directive.lineno + index)
    return found


def _inline_argument_directive(words: int) -> type[Directive]:
    # docutils splits off the first ``words`` words and keeps the rest whole, newlines
    # included, as Sphinx's own directive does.
    attributes = {"words": words, "required_arguments": 0, "optional_arguments": words + 1}
    return type(f"_InlineArgument{words}", (_InlineArgumentDirective,), attributes)


_INLINE_ARGUMENT_DIRECTIVES = {
    words: _inline_argument_directive(words) for words in set(INLINE_ARGUMENTS.values())
}


class _CodeDirective(Directive):
    has_content = True
    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = _option_spec("code")

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
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
        return [*_text_options(self), block]


class _TocDirective(Directive):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = _option_spec("toctree")

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
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


class _GlossaryDirective(_ProseDirective):
    """Sphinx's ``glossary``: unindented lines are terms, the indented ones define them."""

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
        lines = list(self.content)
        terms = glossary_terms(lines)
        for term, index, _ in terms:
            _current[-1].terms.append((term, self.content_offset + index + 1))
        # Only the definitions are RST; term lines stacked over one are not a paragraph.
        container = nodes.container()
        starts = sorted({index for _, index, _ in terms} | {len(lines)})
        for start, end in itertools.pairwise(starts):
            body = self.content[start + 1 : end]
            if any(line.strip() for line in body):
                self.state.nested_parse(body, self.content_offset + start + 1, container)
        return [container]


class _ObjectDirective(_ProseDirective):
    """A domain object's description (``py:function``, ``envvar``): its body is prose."""

    def run(self) -> list[nodes.Node]:
        # Sphinx reads each line of the argument as a signature of its own.
        for index, signature in enumerate(_signatures(self)):
            kind, name = object_name(self.name, signature)
            _current[-1].objects.append((kind, name, self.lineno + index))
        return [*_text_options(self), *super().run()]


def _signatures(directive: Directive) -> list[str]:
    """The argument's lines as written (docutils' split loses the line breaks)."""
    rows = directive.block_text.split("\n")
    found = [rows[0].partition("::")[2].strip()]
    for row in rows[1:]:
        text = row.strip()
        if not text or text.startswith(":"):
            break
        found.append(text)
    return [signature for signature in found if signature]


class _IncludeDirective(_OpaqueDirective):
    """``include`` / ``literalinclude``: the file is recorded, not read here."""

    def run(self) -> list[nodes.Node]:
        _note_directive(self)
        if self.arguments:
            kind = kind_of(self.name)
            options = tuple((k, str(v)) for k, v in self.options.items() if kind is Kind.INCLUDE)
            target = self.arguments[0]
            _current[-1].files.append((kind.value, target, self.lineno, target, options))
        return _text_options(self)


@contextmanager
def _namespace(text: str, settings: ParseSettings) -> Iterator[_Collected]:
    """Register stand-ins for this text's unknown names; restore the registries after."""
    saved_directives = dict(_DIRECTIVES._directives)
    saved_roles = dict(_ROLES._roles)
    collected = _Collected()
    _current.append(collected)
    try:
        for name in {m.group("name") for m in _ROLE_NAME.finditer(text)}:
            kind = reference_kind(name) or role_kind(name)
            if kind is not None:
                roles.register_local_role(name, cast(Any, _reference_role(kind)))
            elif name.lower() in DOWNLOAD_ROLES:
                roles.register_local_role(name, cast(Any, _download_role))
            elif name not in _ROLES._role_registry and name not in _ROLES._roles:
                roles.register_local_role(name, cast(Any, _generic_role))
        default = settings.default_role and reference_kind(settings.default_role)
        if default:
            # What `.. default-role::` does, and Sphinx for conf.py's default_role.
            _ROLES._roles[""] = _reference_role(default)
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
    if kind in (Kind.INCLUDE, Kind.LITERALINCLUDE):
        return _IncludeDirective
    if name == "glossary":
        return _GlossaryDirective
    if kind is Kind.OBJECT:
        # Before docutils' own: Sphinx's ``class`` is Python's, docutils' is rst-class.
        return _ObjectDirective
    if name in _DIRECTIVES._directive_registry:
        module_name, class_name = _DIRECTIVES._directive_registry[name]
        module = __import__(f"docutils.parsers.rst.directives.{module_name}", fromlist=[class_name])
        directive: type[Directive] = getattr(module, class_name)
        return directive
    if name.lower() in INLINE_ARGUMENTS:
        return _INLINE_ARGUMENT_DIRECTIVES[INLINE_ARGUMENTS[name.lower()]]
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


def parse_rst(
    relpath: str, docname: str, text: str, settings: ParseSettings = DEFAULT_SETTINGS
) -> Document:
    doc = Document(relpath=relpath, docname=docname, format="rst", text=text)
    document = new_document(relpath, _settings())
    messages: list[MarkupMessage] = []
    document.reporter.attach_observer(lambda message: messages.append(_message(message)))
    parser = Parser()
    with _namespace(text, settings) as collected:
        parser.parse(text, document)
    lines = text.splitlines()
    walk = _Walk(lines)
    walk.run(document)
    places = _Places(lines)
    doc.code_blocks = sorted(collected.code_blocks + walk.literal_blocks, key=lambda b: b.line)
    doc.toctrees = collected.toctrees
    doc.references = sorted(
        [
            _reference(kind, content, rawtext, line, places)
            for kind, content, rawtext, line in collected.references
        ]
        + [_declared(kind, target, line, places) for kind, target, line in collected.declared],
        key=lambda ref: (ref.line, ref.column),
    )
    doc.headings = walk.headings
    doc.labels = sorted(
        [
            *_labels(walk.internal_targets, lines),
            *_named(collected.names + walk.named, places),
        ],
        key=lambda label: (label.line, label.column),
    )
    doc.objects = [
        # Past the directive's ``::``: ``f`` is not the one in ``py:function``.
        DescribedObject(kind, name, line, places.column_of(line, name, "::"))
        for kind, name, line in collected.objects
    ]
    doc.terms = [Term(term, line, places.column_of(line, term)) for term, line in collected.terms]
    doc.files = sorted(
        [_file(*entry, places) for entry in collected.files] + walk.images,
        key=lambda file: (file.line, file.column),
    )
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
        #: (``:name:`` value, line) of elements docutils' own directives named.
        self.named: list[tuple[str, int]] = []
        self.images: list[FileReference] = []

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
            elif isinstance(node, nodes.image):
                self._image(node)
            if node["names"] and not isinstance(node, _NAMED_OTHERWISE):
                self.named.extend((name, node.line or 0) for name in node["names"])
            self.links.extend(rst_urls(node, self.source))

    def _target(self, target: nodes.target) -> None:
        # Only a target that points at the element after it is a label.
        if not target.get("refuri") and not target.get("refname"):
            self.internal_targets.update(target["names"])

    def _image(self, image: nodes.image) -> None:
        uri = str(image.get("uri", ""))
        if not uri or has_scheme(uri):
            return  # a URL is a link, checked by the link audit
        parent = image.parent
        kind = "figure" if isinstance(parent, nodes.figure) else "image"
        near = image.line or (parent.line if isinstance(parent, nodes.Element) else None) or 1
        for number in range(max(1, near - 3), min(near + 3, len(self.lines)) + 1):
            found = self.lines[number - 1].find(uri)
            if found >= 0 and "::" in self.lines[number - 1][:found]:
                self.images.append(FileReference(kind, uri, number, found + 1))
                return
        self.images.append(FileReference(kind, uri, near, 1))

    def _section(self, section: nodes.section) -> None:
        title = section.next_node(nodes.title)
        if title is None:
            return
        level = 1 + sum(1 for parent in _ancestors(section) if isinstance(parent, nodes.section))
        text = title.astext()
        # The raw title keeps its markup (``code``), as the source line does.
        line = _title_line(title.rawsource or text, title.line or 1, self.lines)
        slug = section["ids"][0] if section["ids"] else nodes.make_id(text)
        self.headings.append(Heading(level, text, slug, line))

    def _prose(self, node: nodes.TextElement) -> None:
        """Line ranges (inclusive) of paragraphs and titles."""
        if node.line is None or isinstance(node.parent, nodes.system_message):
            return
        height = node.rawsource.count("\n") + 1 if node.rawsource else 1
        start = node.line
        if isinstance(node, nodes.title):
            start = _title_line(node.rawsource or node.astext(), node.line, self.lines)
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


class _Places:
    """Finds written text at or after a block's first line, one cursor per block, so
    that a reference repeated in a paragraph gets each occurrence's own place."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.after: dict[int, tuple[int, int]] = {}

    def find(self, needle: str, block_line: int, span: int = 40) -> tuple[int, int] | None:
        line, column = self.after.get(block_line, (block_line, 0))
        last = min(block_line + span, len(self.lines))
        for number in range(max(1, line), last + 1):
            found = self.lines[number - 1].find(needle, column if number == line else 0)
            if found >= 0:
                self.after[block_line] = (number, found + len(needle))
                return number, found + 1
        return None

    def column_of(self, line: int, text: str, after: str = "") -> int:
        """Where ``text`` starts on ``line``, searching past ``after`` when it is there."""
        row = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = row.find(after) + len(after) if after and after in row else 0
        found = row.find(text, start)
        return found + 1 if found >= 0 else 1


def _reference(
    kind: str, content: str, rawtext: str, block_line: int, places: _Places
) -> Reference:
    title, target = title_and_target(content)
    first = rawtext.split("\n")[0].rstrip()
    found = places.find(first, block_line) if first else None
    line, column = found or (block_line, 1)
    return Reference(kind, target, line, column, title is not None, block_line)


def _declared(kind: str, target: str, line: int, places: _Places) -> Reference:
    found = places.find(target, line, span=20)
    at, column = found or (line, 1)
    return Reference(kind, target, at, column, False, at)


def _file(
    kind: str,
    target: str,
    line: int,
    rawtext: str,
    options: tuple[tuple[str, str], ...],
    places: _Places,
) -> FileReference:
    # A role is placed where it is written; an include directive at its argument.
    found = places.find(rawtext.split("\n")[0].rstrip(), line) if rawtext else None
    at, column = found or (line, 1)
    return FileReference(kind, target, at, column, options)


def _named(names: list[tuple[str, int]], places: _Places) -> Iterator[Label]:
    """``:name:`` labels at the option's own line (the element is the directive's)."""
    if not names:
        return
    # One pass over the page: where each ``:name: value`` option stands.
    written: dict[str, list[int]] = {}
    for number, text in enumerate(places.lines, start=1):
        match = _NAME_OPTION.match(text)
        if match is not None:
            written.setdefault(match.group("value").strip(), []).append(number)
    for name, near in names:
        numbers = written.get(name)
        if not numbers:
            continue
        line = min(numbers, key=lambda number: abs(number - near))
        directive = next(
            (
                n
                for n in range(line, max(0, line - 50), -1)
                if _DIRECTIVE_START.match(places.lines[n - 1])
            ),
            line,
        )
        text = places.lines[line - 1]
        column = text.find(name, text.find(":name:") + len(":name:")) + 1
        yield Label(name, line, column, directive, "name")


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
    """Internal targets (``.. _name:``), a name wrapped over indented lines included."""
    for index, line in enumerate(lines):
        match = _LABEL_START.match(line)
        if match is None:
            continue
        indent = len(match.group("indent"))
        parts = [match.group("rest").rstrip()]
        end = index + 1
        while not parts[-1].endswith(":") and end < len(lines) and _indent(lines[end]) > indent:
            parts.append(lines[end].strip())
            end += 1
        if not parts[-1].endswith(":"):
            continue
        # docutils joins a wrapped name; which way depends on the break, so try both.
        for joined in (" ".join(parts), "".join(parts)):
            name = joined[:-1].strip().strip("`")
            if name and nodes.fully_normalize_name(name) in internal:
                yield Label(name, index + 1, indent + 1, _element_after(end, lines))
                break


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip()) if line.strip() else -1


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
