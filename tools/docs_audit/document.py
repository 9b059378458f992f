"""The parsed page that every check reads: one model for MyST Markdown and RST.

Every position is 1-based (line, column), columns counted in characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["md", "rst"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    slug: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class Label:
    """A target ``{ref}``/``:ref:`` can name.

    ``kind`` says how the page defines it: ``label`` (``(name)=``, ``.. _name:``),
    ``name`` (a directive's ``:name:`` option), ``id`` (a MyST ``{#id}`` attribute) or
    ``figure`` (the argument of ``figure-md``). The position is the name's own.
    """

    name: str
    line: int
    column: int = 1
    #: Line of the element the label points at (where Sphinx reports duplicates).
    element_line: int = 0
    kind: str = "label"


@dataclass(frozen=True)
class Term:
    """A glossary term (a ``glossary`` directive's entry): what ``{term}`` names."""

    name: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class DescribedObject:
    """An object a domain directive describes (``.. envvar:: HOME``, ``.. py:function::``).

    ``kind`` carries the domain (``envvar``, ``option``, ``py:function``, ``c:macro``);
    ``name`` is the argument's object name (without a signature's parameters).
    """

    kind: str
    name: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class FileReference:
    """A file the page pulls in or shows, by the path written in the source.

    ``kind`` is ``include``, ``literalinclude``, ``image`` (``image`` directive,
    Markdown image), ``figure`` or ``download`` (``{download}``/``:download:``).
    """

    kind: str
    target: str
    line: int
    column: int = 1
    #: The directive's options (``start-after``, ``end-before``...) for an include.
    options: tuple[tuple[str, str], ...] = ()
    #: A Markdown image (``![alt](path)``): the only kind MyST's ``include`` option
    #: ``relative-images`` moves to the included file's folder.
    markdown: bool = False


@dataclass(frozen=True)
class Reference:
    """A cross-reference inside the project.

    ``kind`` is the role as written, without a ``std:`` domain (``ref``, ``doc``,
    ``any``, ``numref``, ``term``, ``envvar``, ``class``, ``py:func``...), or ``link``
    (a Markdown link to ``#anchor``, ``other.md#anchor`` or ``project:other.md``: for
    ``link`` references ``target`` is the destination without ``project:``), or ``inv``
    (a MyST ``inv:`` link, ``target`` after the scheme). Intersphinx-style targets
    (``python:comparisons``) are kept whole; the checks compare the prefix with
    ``intersphinx_mapping``. Extension roles and options (sphinx-design's
    ``button-ref``, a card's ``:link:``) give references of the kind they declare.
    The position is the reference's own (the role, or the link's ``[``).
    """

    kind: str
    target: str
    line: int
    column: int = 1
    explicit_title: bool = False
    #: First line of the enclosing text block: where Sphinx reports the reference.
    block_line: int = 0


@dataclass(frozen=True)
class Link:
    """An external URL written in the prose (never from code)."""

    url: str
    line: int
    column: int = 1
    kind: str = "inline"


@dataclass(frozen=True)
class CodeBlock:
    """A literal block with its language (``""`` when none was given).

    ``line`` is the line of the fence or directive; ``body_line`` the line of the
    first body line. ``directive`` names the construct (``fence``, ``code-block``,
    ``code``, ``sourcecode``, ``literal``).
    """

    language: str
    body: str
    line: int
    body_line: int
    column: int = 1
    directive: str = "fence"
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TocEntry:
    target: str
    line: int
    column: int = 1
    title: str | None = None


@dataclass(frozen=True)
class Toctree:
    line: int
    entries: tuple[TocEntry, ...]
    glob: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class Section:
    """An H2 (or deeper) section: its heading and whether it carries content."""

    heading: Heading
    end_line: int
    has_content: bool


@dataclass(frozen=True)
class Suppression:
    """Codes silenced from ``start`` to ``end`` (inclusive); ``()`` means all."""

    codes: tuple[str, ...]
    start: int
    end: int
    line: int

    def covers(self, code: str, line: int) -> bool:
        if not self.start <= line <= self.end:
            return False
        return not self.codes or any(code.startswith(c) for c in self.codes)


@dataclass(frozen=True)
class Problem:
    """Something the parser itself could not make sense of."""

    code: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class MarkupMessage:
    """A docutils system message (level 1 info to 4 severe), as linters read them."""

    level: int
    line: int
    message: str


@dataclass
class Document:
    """One source page of the documentation tree."""

    relpath: str
    docname: str
    format: Format
    text: str
    title: str | None = None
    headings: list[Heading] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    toctrees: list[Toctree] = field(default_factory=list)
    #: Glossary terms the page defines.
    terms: list[Term] = field(default_factory=list)
    #: Objects the page's domain directives describe (envvars, options, Python objects).
    objects: list[DescribedObject] = field(default_factory=list)
    #: Included files, images, figures and downloads, as written.
    files: list[FileReference] = field(default_factory=list)
    orphan: bool = False
    suppressions: list[Suppression] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Line ranges (inclusive) of prose a style checker may read.
    prose_ranges: list[tuple[int, int]] = field(default_factory=list)
    #: Element ids a Markdown link ``page.md#id`` may point at (slugs and labels).
    anchors: set[str] = field(default_factory=set)
    #: Every docutils message of an RST page (after the standard transforms).
    markup_messages: list[MarkupMessage] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # A page loaded from the cache decodes a field when a check first reads it, so
        # a one-file run does not rebuild thousands of pages it never looks at.
        deferred = self.__dict__.get("_deferred")
        loaded = deferred(name) if deferred is not None else {}
        if name not in loaded:
            raise AttributeError(name)
        self.__dict__.update(loaded)
        return loaded[name]

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def sections(self, level: int = 2) -> list[Section]:
        """Sections at ``level``, each ending where the next heading at or above it starts."""
        result: list[Section] = []
        total = len(self.lines)
        for index, heading in enumerate(self.headings):
            if heading.level != level:
                continue
            end = total
            content_start = heading.line + 1
            has_content = False
            for later in self.headings[index + 1 :]:
                if later.level <= level:
                    end = later.line - 1
                    break
                has_content = True
            body = self.lines[content_start - 1 : end]
            if any(_is_content(line) for line in body):
                has_content = True
            result.append(Section(heading, end, has_content))
        return result

    def is_suppressed(self, code: str, line: int) -> bool:
        return any(s.covers(code, line) for s in self.suppressions)


#: Fields only the page's own checks read; the cache stores them as one block.
PAGE_ONLY = (
    "text",
    "headings",
    "code_blocks",
    "links",
    "suppressions",
    "problems",
    "prose_ranges",
    "markup_messages",
)


def _is_content(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    # Underlines of RST headings and MyST comments are not content.
    if set(stripped) <= set("=-~^\"'`#*+<>_:.") and len(stripped) > 2:
        return False
    return not stripped.startswith(("<!--", "%", ".. docs-audit"))
