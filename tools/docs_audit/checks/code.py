"""Code examples: a language on every block, one Pygments knows, and bodies that parse."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import setting
from ..context import Context
from ..document import CodeBlock, Document
from ..findings import UsageError
from ..registry import Violation, page_rule

if TYPE_CHECKING:
    from ..saferegex import SafePattern

FAMILY = "code"


@dataclass(frozen=True)
class CodeTable:
    """``[tool.docs-audit.code]``: code blocks."""

    require_language: bool = setting(True, "Fences and code-block directives must name a language.")
    extra_languages: list[str] = setting(
        ["default", "none", "guess"],
        "Names accepted besides Pygments' lexers.",
    )
    placeholders: list[str] = setting(
        [r"<your[-_ ][^>]*>", r"\bTODO\b", r"\bFIXME\b", r"\bxxx\b", r"\byour[-_]project\b"],
        "Regular expressions that mark unfinished examples.",
    )


_PYTHON = {"python", "python3", "py", "py3"}
_JSON = {"json"}
_TOML = {"toml"}
_YAML = {"yaml", "yml"}


def _checked_blocks(doc: Document) -> list[CodeBlock]:
    # Indented and RST '::' blocks are code by position, not by a fence that
    # could carry a language; they are left to the highlighter's default.
    return [b for b in doc.code_blocks if b.directive not in ("indented", "literal")]


@page_rule("CD401", "missing-language", FAMILY, default=False)
def missing_language(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A code fence (or ``code-block``) without a language.

    Why: without one, the block is highlighted by guesswork or not at all, and
    readers (and tools) cannot tell a shell command from Python.

    Use ```` ```bash ````, ```` ```python ````, ```` ```text ```` for plain output.
    """
    if not ctx.table("code")["require-language"]:
        return
    for block in _checked_blocks(doc):
        if not block.language:
            yield Violation(doc.relpath, block.line, block.column, "code block has no language")


@lru_cache(maxsize=1)
def _builtin_aliases() -> frozenset[str]:
    # Pygments' own alias table: reading it imports no lexer module (each costs ms).
    from pygments.lexers._mapping import LEXERS

    return frozenset(alias.lower() for entry in LEXERS.values() for alias in entry[2])


@lru_cache(maxsize=512)
def _known_language(name: str) -> bool:
    if name.lower() in _builtin_aliases():
        return True
    # Lexers of installed Pygments plugins: looking the class up, not building a
    # lexer, keeps its regexes uncompiled.
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    try:
        find_lexer_class_by_name(name)
    except ClassNotFound:
        return False
    return True


@page_rule("CD402", "unknown-language", FAMILY)
def unknown_language(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A code block names a language Pygments does not know.

    Why: Sphinx falls back to no highlighting and warns (``Could not lex literal_block``)
    or silently shows plain text.

    Fix: use a Pygments lexer name or alias (``pygmentize -L lexers`` lists them).
    """
    extra = {name.lower() for name in ctx.table("code")["extra-languages"]}
    for block in _checked_blocks(doc):
        name = block.language.lower()
        if name and name not in extra and not _known_language(name):
            yield Violation(
                doc.relpath, block.line, block.column, f"unknown code language '{block.language}'"
            )


def _python_error(body: str) -> tuple[int, int, str] | None:
    if body.lstrip().startswith(">>>"):
        return None  # an interactive session, not a module
    try:
        ast.parse(body)
    except SyntaxError as exc:
        return exc.lineno or 1, exc.offset or 1, exc.msg
    return None


def _json_error(body: str) -> tuple[int, int, str] | None:
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.colno, exc.msg
    return None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_error(body: str) -> tuple[int, int, str] | None:
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        return line, column, _TOML_POSITION.sub("", str(exc)).strip()
    return None


def _yaml_error(body: str) -> tuple[int, int, str] | None:
    import yaml  # imported only for a page with a YAML block: it is slow to import

    try:
        list(yaml.safe_load_all(body))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is None:
            return 1, 1, str(problem)
        return mark.line + 1, mark.column + 1, str(problem)
    return None


_PARSERS: dict[str, tuple[set[str], Callable[[str], tuple[int, int, str] | None]]] = {
    "CD403": (_PYTHON, _python_error),
    "CD404": (_JSON, _json_error),
    "CD405": (_TOML, _toml_error),
    "CD406": (_YAML, _yaml_error),
}


def _source_column(doc: Document, block: CodeBlock, offset: int, column: int) -> int:
    """Columns in a body are relative to its dedented text; add back the page's indent."""
    lines = doc.lines
    index = block.body_line + offset - 1
    body_lines = block.body.split("\n")
    if not (0 <= index < len(lines) and offset < len(body_lines)):
        return column
    source, body = lines[index], body_lines[offset]
    indent = len(source) - len(body) if body and source.endswith(body) else 0
    return column + max(indent, 0)


def _syntax(code: str, label: str, doc: Document) -> Iterator[Violation]:
    languages, parser = _PARSERS[code]
    for block in _checked_blocks(doc):
        if block.language.lower() not in languages:
            continue
        error = parser(block.body)
        if error is not None:
            line, column, message = error
            # Errors "at the end of the stream" point past the body; keep them inside it.
            line = min(line, max(block.body.count("\n"), 1))
            yield Violation(
                doc.relpath,
                block.body_line + line - 1,
                _source_column(doc, block, line - 1, column),
                f"{label} does not parse: {message}",
            )


@page_rule("CD403", "invalid-python", FAMILY, default=False)
def invalid_python(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``python`` block that is not valid Python (interactive ``>>>`` sessions excepted).

    Why: readers paste examples; one that does not even parse fails at once.
    Reported at the line and column Python's parser names.
    """
    yield from _syntax("CD403", "Python", doc)


@page_rule("CD404", "invalid-json", FAMILY, default=False)
def invalid_json(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``json`` block that is not valid JSON (comments and trailing commas included)."""
    yield from _syntax("CD404", "JSON", doc)


@page_rule("CD405", "invalid-toml", FAMILY, default=False)
def invalid_toml(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``toml`` block that is not valid TOML."""
    yield from _syntax("CD405", "TOML", doc)


@page_rule("CD406", "invalid-yaml", FAMILY, default=False)
def invalid_yaml(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A ``yaml`` block that is not valid YAML (multi-document streams are fine)."""
    yield from _syntax("CD406", "YAML", doc)


@lru_cache(maxsize=64)
def _pattern(source: str) -> SafePattern:
    # User patterns run under the time limit of docs_audit.saferegex.
    from ..saferegex import PatternError, compile_safe

    try:
        return compile_safe(source)
    except PatternError as exc:
        raise UsageError(f"'docs-audit.code.placeholders': {exc}") from None


@page_rule("CD407", "placeholder", FAMILY, default=False)
def placeholder(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A code example still holds a placeholder (``<your-project>``, ``TODO``, ``xxx``...).

    Why: readers paste examples verbatim; a placeholder turns into a confusing
    error far from its cause. Use one consistent, real example name instead.

    The patterns are configurable: ``[tool.docs-audit.code] placeholders``. A
    pattern that runs past the regular-expression time limit (README, "Limits") is
    reported here once, naming the key and the pattern, and is not applied to the
    rest of the page.
    """
    from ..saferegex import RegexTimeout

    patterns = [_pattern(p) for p in ctx.table("code")["placeholders"]]
    for block in doc.code_blocks:
        for offset, line in enumerate(block.body.split("\n")):
            for pattern in list(patterns):
                try:
                    match = pattern.search(line)
                except RegexTimeout as exc:
                    # Reported once, where it happened; the pattern is dropped for this page.
                    patterns.remove(pattern)
                    yield Violation(
                        doc.relpath,
                        block.body_line + offset,
                        _source_column(doc, block, offset, 1),
                        f"'docs-audit.code.placeholders': {exc}; the pattern was not applied "
                        "to the rest of this page",
                    )
                    continue
                if match:
                    yield Violation(
                        doc.relpath,
                        block.body_line + offset,
                        _source_column(doc, block, offset, match.start() + 1),
                        f"placeholder '{match.group(0)}' in code example",
                    )
                    break
