"""The one table of directive kinds, and the one splitter of MyST directive options.

Both parsers (MyST and RST) and the URL extraction decide from :func:`kind_of` what a
directive's body is: code, prose to read like the page, or something else that is
never read as prose (math, raw HTML, diagrams, data tables, autodoc stand-ins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    #: A literal block the model keeps as a :class:`~docs_audit.document.CodeBlock`.
    CODE = "code"
    #: Code, program output or data that is not a CodeBlock: never prose, never links.
    LITERAL = "literal"
    #: A body in the page's own markup (admonitions, tabs, cards, version notes...).
    PROSE = "prose"
    TOCTREE = "toctree"
    #: ``include``: the body is empty, the argument names a page fragment.
    INCLUDE = "include"
    #: ``literalinclude``: the argument names a file shown as code.
    LITERALINCLUDE = "literalinclude"
    #: ``image`` and ``figure``: the argument is an image path or URL.
    IMAGE = "image"
    #: A figure: an image argument and a prose caption body.
    FIGURE = "figure"
    #: MyST's ``eval-rst``: the body is reStructuredText.
    EVAL_RST = "eval-rst"
    RAW = "raw"
    MATH = "math"
    #: Bodies whose meaning lives in code (autodoc): not prose the page wrote.
    OPAQUE = "opaque"
    #: A domain object's description (``py:function``, ``envvar``...): the argument
    #: names the object, the body is prose.
    OBJECT = "object"
    #: A name the table does not know.
    UNKNOWN = "unknown"


#: Sphinx's version notes (``sphinx.domains.changeset``), under both spellings.
VERSION_NOTES = (
    "versionadded",
    "versionchanged",
    "deprecated",
    "versionremoved",
    "version-added",
    "version-changed",
    "version-deprecated",
    "version-removed",
)

_NAMES: dict[Kind, tuple[str, ...]] = {
    Kind.CODE: ("code-block", "code", "sourcecode", "code-cell"),
    Kind.LITERAL: (
        "highlight",
        "doctest",
        "testcode",
        "testoutput",
        "testsetup",
        "testcleanup",
        "parsed-literal",
        "mermaid",
        "graphviz",
        "digraph",
        "graph",
        "plantuml",
        "csv-table",
        "jupyter-execute",
        "ipython",
        "program-output",
        "command-output",
        "prompt",
        "literal",
        "productionlist",
        "embed",
        "bibliography",
        "contents",
    ),
    Kind.PROSE: (
        "admonition",
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "tip",
        "warning",
        "seealso",
        *VERSION_NOTES,
        "only",
        "centered",
        "hlist",
        "glossary",
        "topic",
        "sidebar",
        "margin",
        "epigraph",
        "pull-quote",
        "highlights",
        "rubric",
        "table",
        "list-table",
        "div",
        "container",
        "tab",
        "tab-set",
        "tab-item",
        "card",
        "dropdown",
        "grid",
        "grid-item",
        "grid-item-card",
        "figure-md",
    ),
    Kind.TOCTREE: ("toctree",),
    Kind.INCLUDE: ("include",),
    Kind.LITERALINCLUDE: ("literalinclude",),
    Kind.IMAGE: ("image",),
    Kind.FIGURE: ("figure",),
    Kind.EVAL_RST: ("eval-rst",),
    Kind.RAW: ("raw",),
    Kind.MATH: ("math",),
    Kind.OPAQUE: ("autoclass", "automodule", "autofunction"),
    # Objects of the default (Python) and standard domains, written without a domain.
    Kind.OBJECT: (
        "function",
        "data",
        "class",
        "exception",
        "method",
        "classmethod",
        "staticmethod",
        "attribute",
        "property",
        "decorator",
        "decoratormethod",
        "module",
        "currentmodule",
        "envvar",
        "option",
        "cmdoption",
        "program",
        "describe",
        "object",
        "confval",
    ),
}

_KINDS: dict[str, Kind] = {name: kind for kind, names in _NAMES.items() for name in names}

#: Kinds whose body is read as markup of the page (an unknown name is decided per format).
BODY_IS_PROSE = frozenset({Kind.PROSE, Kind.FIGURE, Kind.OBJECT})
#: Domains whose directives describe objects (``py:function``, ``c:macro``...).
OBJECT_DOMAINS = frozenset({"py", "c", "cpp", "js", "rst", "std", "math"})


def kind_of(name: str) -> Kind:
    lowered = name.lower()
    kind = _KINDS.get(lowered)
    if kind is not None:
        return kind
    domain, _, rest = lowered.partition(":")
    if rest and domain in OBJECT_DOMAINS:
        return Kind.OBJECT
    return Kind.UNKNOWN


def object_name(directive: str, argument: str) -> tuple[str, str]:
    """``(kind, name)`` an object directive defines: ``("envvar", "HOME")``,
    ``("py:function", "pkg.f")``; the kind carries the domain (``py`` by default)."""
    lowered = directive.lower().removeprefix("std:")
    first = argument.split("\n")[0].strip()
    if lowered in ("envvar", "option", "cmdoption", "program", "describe", "object", "confval"):
        return lowered, first
    kind = lowered if ":" in lowered else "py:" + lowered
    match = re.match(r"[\w.:~*-]+", first)
    return kind, match.group(0) if match else first


#: Directives whose argument Sphinx (or docutils) parses as inline text, by how many
#: words come first that are not (the version of ``versionadded`` and its kin):
#: references written there resolve like any in the page (``sphinx.domains.changeset``,
#: ``Centered``, docutils' admonition, topic, sidebar, rubric and table titles,
#: sphinx-design's card, dropdown and tab titles).
INLINE_ARGUMENTS: dict[str, int] = {
    **dict.fromkeys(VERSION_NOTES, 1),
    **dict.fromkeys(
        (
            "centered",
            "admonition",
            "topic",
            "sidebar",
            "rubric",
            "table",
            "list-table",
            "csv-table",
        ),
        0,
    ),
    **dict.fromkeys(("card", "grid-item-card", "dropdown", "tab-item"), 0),
}


#: Options whose value Sphinx parses as markup of the page: a code block's caption
#: (``container_wrapper``), a configuration value's type and default (``confval``).
TEXT_OPTIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("code-block", "sourcecode", "literalinclude"), ("caption",)),
    **dict.fromkeys(("confval", "std:confval"), ("type", "default")),
}

#: Directives that take no argument: MyST reads text on their opening line as the
#: body's first line (docutils' admonitions, Sphinx's ``seealso``).
NO_ARGUMENT = frozenset(
    {"attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning"}
    | {"seealso"}
)


def inline_argument(name: str, argument: str) -> str:
    """The part of a directive's ``argument`` read as inline text (``""`` when none):
    ``versionadded:: 1.2 Text`` gives ``Text``. With ``NO_ARGUMENT`` directives (MyST
    only: docutils itself reads them so) the whole argument is text."""
    lowered = name.lower()
    if lowered in NO_ARGUMENT:
        return argument.strip()
    skip = INLINE_ARGUMENTS.get(lowered)
    if skip is None:
        return ""
    words = argument.split(None, skip)
    return words[skip] if len(words) > skip else ""


def prose_directives() -> frozenset[str]:
    """Every name whose body is markup of the page (for readers that need the list)."""
    return frozenset(name for name, kind in _KINDS.items() if kind in BODY_IS_PROSE)


#: Options whose values Sphinx itself fixes, with the docutils converter each takes
#: (by name, so that reading a Markdown page does not import docutils).
_CODE_OPTIONS = {
    "linenos": "flag",
    "lineno-start": "int",
    "emphasize-lines": "unchanged_required",
    "caption": "unchanged_required",
    "name": "unchanged",
    "class": "class_option",
    "dedent": "unchanged",
    "force": "flag",
}
OPTION_SPECS: dict[str, dict[str, str]] = {
    "code-block": _CODE_OPTIONS,
    "sourcecode": _CODE_OPTIONS,
    "code": {**_CODE_OPTIONS, "number-lines": "unchanged"},
    "toctree": {
        "maxdepth": "int",
        "name": "unchanged",
        "class": "class_option",
        "caption": "unchanged_required",
        "glob": "flag",
        "hidden": "flag",
        "includehidden": "flag",
        "numbered": "unchanged",
        "titlesonly": "flag",
        "reversed": "flag",
    },
}


# ------------------------------------------------------------------ MyST options

_OPTION = re.compile(r"^:(?P<key>[\w.-]+):(?:\s+(?P<value>.*))?$")


@dataclass(frozen=True)
class DirectiveBody:
    """A MyST directive's content split into options and body.

    ``option_lines`` gives each option's 1-based page line; ``body_line`` the page line
    of the body's first line; ``error`` a YAML problem (line, message) if any.
    """

    options: dict[str, str]
    body: str
    body_line: int
    option_lines: dict[str, int]
    error: tuple[int, str] | None = None


def split_options(content: str, first_line: int) -> DirectiveBody:
    """Options (``:key: value`` lines or a ``---`` YAML block) and the body after them.

    ``first_line`` is the page line of the content's first line.
    """
    lines = content.split("\n")
    options: dict[str, str] = {}
    option_lines: dict[str, int] = {}
    error: tuple[int, str] | None = None
    index = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            import yaml  # only pages with YAML option blocks pay for it

            try:
                loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = first_line + 1 + (mark.line if mark is not None else 0)
                error, loaded = (
                    (where, f"directive options are not valid YAML: {first_line_of(exc)}"),
                    {},
                )
            if isinstance(loaded, dict):
                options = {str(k): str(v) for k, v in loaded.items()}
                option_lines = {
                    key: first_line + _yaml_key_index(lines, key, end) for key in options
                }
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
    return DirectiveBody(options, "\n".join(lines[index:]), first_line + index, option_lines, error)


def _yaml_key_index(lines: list[str], key: str, end: int) -> int:
    for index in range(1, end):
        if lines[index].lstrip().startswith(key + ":"):
            return index
    return 0


def first_line_of(exc: Exception) -> str:
    """The first line of an exception's message (the class name when it has none)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ------------------------------------------------------------------ roles

#: Roles of Sphinx's standard domain that cross-reference (``std:`` may be written).
STD_REFERENCE_ROLES = frozenset(
    {"ref", "doc", "any", "numref", "term", "envvar", "option", "keyword", "token"}
)
#: Roles of the default (Python) domain, written without ``py:``.
PYTHON_ROLES = frozenset(
    {"class", "func", "meth", "attr", "exc", "data", "obj", "mod", "const", "type"}
)
#: Domains whose roles are object references (``py:class``, ``c:func``, ``js:meth``...).
DOMAINS = frozenset({"py", "c", "cpp", "js", "rst", "math", "std"})
#: Roles whose target is a file to download (kept with images, not as references).
DOWNLOAD_ROLES = frozenset({"download"})


def reference_kind(role: str) -> str | None:
    """The :attr:`Reference.kind <docs_audit.document.Reference.kind>` a role gives, or
    ``None`` for a role that references nothing (``code``, ``abbr``, ``math``, badges...).
    """
    name = role.lower()
    if name.startswith("std:"):
        name = name[4:]
    if name in STD_REFERENCE_ROLES or name in PYTHON_ROLES:
        return name
    domain, _, rest = name.partition(":")
    if rest and (domain in DOMAINS or domain == "external" or domain.startswith("external+")):
        return name
    return None


_TITLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


def title_and_target(text: str) -> tuple[str | None, str]:
    """``Title <target>`` split into its parts; ``(None, text)`` without an explicit title."""
    match = _TITLE_TARGET.match(text)
    if match is None:
        return None, text.strip()
    return match.group("title"), match.group("target").strip()


# ------------------------------------------------------------------ glossaries


def glossary_terms(lines: list[str]) -> list[tuple[str, int, int]]:
    """``(term, index, column)`` of each term of a ``glossary`` body, as Sphinx reads it.

    A term is an unindented line; lines right after it without a blank between are more
    terms of the same entry; indented lines are the definition. ``term : key`` gives
    an index key after `` : ``. ``index`` is 0-based in ``lines``, ``column`` 1-based.
    """
    terms: list[tuple[str, int, int]] = []
    base: int | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        base = indent if base is None else base
        if indent > base or stripped.startswith(".."):
            continue
        term = stripped.split(" : ")[0].strip()
        if term:
            terms.append((term, index, indent + 1))
    return terms
