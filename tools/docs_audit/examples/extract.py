"""Settings examples in a page's Python blocks, read from the syntax tree only.

Nothing from a page is executed. Values are read with :func:`ast.literal_eval`
one node at a time, so a call such as ``os.environ.get(...)`` makes only that
value unknown and the rest of the example is still checked.

An *example* is an assignment to the setting: ``SETTING = {...}`` (also with an
annotation, ``|=``, ``dict(name={...})`` or ``settings.SETTING``),
``SETTING.update({...})``, ``SETTING["name"] = {...}`` or a keyword argument
``SETTING={...}`` of any call (``override_settings``).
A dictionary with a backend key anywhere else in the block, or a block that
mentions the setting but is not valid Python, cannot be checked and is reported
as :class:`Unchecked`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..document import CodeBlock, Document

PYTHON_LANGUAGES = frozenset({"python", "python3", "py", "py3"})
_LITERAL_ERRORS = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError)


@dataclass(frozen=True)
class Names:
    """What the examples are about: the setting and the keys of one process."""

    setting: str
    backend_key: str
    args_key: str
    app_key: str
    #: Start of the package's dotted paths (``"django_prodserver."``).
    package_prefix: str

    def mentioned_in(self, text: str) -> bool:
        if self.setting in text:
            return True
        return any(f'"{key}"' in text or f"'{key}'" in text for key in self.keys)

    @property
    def keys(self) -> tuple[str, str, str]:
        return (self.backend_key, self.args_key, self.app_key)


@dataclass(frozen=True)
class Spot:
    """A place in the page (1-based line and column, in characters)."""

    line: int
    column: int


@dataclass(frozen=True)
class Value:
    """One expression of an example: its place, its source and, if literal, its value.

    For a dictionary display ``entries`` holds its entries (those with a ``**``
    unpacking are left out and ``unpacked`` is set), whether or not the whole
    dictionary is literal.
    """

    spot: Spot
    source: str
    literal: bool
    value: Any = None
    entries: tuple[Entry, ...] | None = None
    unpacked: bool = False

    def is_str(self) -> bool:
        return self.literal and isinstance(self.value, str)


@dataclass(frozen=True)
class Entry:
    key: Value
    value: Value


@dataclass(frozen=True)
class Process:
    """One process of an example: its name and its configuration."""

    name: Value
    config: Value

    def entry(self, key: str) -> Entry | None:
        for entry in self.config.entries or ():
            if entry.key.literal and entry.key.value == key:
                return entry
        return None

    @property
    def label(self) -> str:
        return repr(self.name.value) if self.name.literal else self.name.source


@dataclass(frozen=True)
class Unchecked:
    """Part of a block that mentions the setting but cannot be checked."""

    spot: Spot
    reason: str


@dataclass(frozen=True)
class Example:
    """The settings examples of one Python block."""

    block: CodeBlock
    index: int
    processes: tuple[Process, ...]
    unchecked: tuple[Unchecked, ...]


def examples_in(doc: Document, names: Names) -> list[Example]:
    """Every Python block of ``doc`` that mentions the setting or a process key."""
    found: list[Example] = []
    for index, block in enumerate(doc.code_blocks):
        if block.language.lower() not in PYTHON_LANGUAGES or not names.mentioned_in(block.body):
            continue
        if block.body.lstrip().startswith(">>>"):
            continue  # an interactive session shows output, it is not an example
        found.append(_read_block(doc, block, index, names))
    return found


def _read_block(doc: Document, block: CodeBlock, index: int, names: Names) -> Example:
    locate = _Locator(doc, block)
    try:
        tree = ast.parse(block.body)
    except SyntaxError as exc:
        spot = locate.spot(exc.lineno or 1, 0)
        reason = (
            f"this block mentions {names.setting} but is not valid Python ({exc.msg}), "
            f"so it cannot be checked; write a complete `{names.setting} = {{...}}` "
            "assignment, or silence PS109 for the block"
        )
        return Example(block, index, (), (Unchecked(spot, reason),))
    reader = _Reader(block.body, locate, names)
    for node in ast.walk(tree):
        reader.statement(node)
    unchecked = tuple(reader.stray_processes(tree))
    return Example(block, index, tuple(reader.processes), unchecked)


class _Locator:
    """Turns positions in a block body into positions in the page."""

    def __init__(self, doc: Document, block: CodeBlock) -> None:
        self.page_lines = doc.lines
        self.body_lines = block.body.split("\n")
        self.first = block.body_line

    def spot(self, lineno: int, col_offset: int) -> Spot:
        body_line = self.body_lines[lineno - 1] if 0 < lineno <= len(self.body_lines) else ""
        line = self.first + lineno - 1
        page_line = self.page_lines[line - 1] if 0 < line <= len(self.page_lines) else body_line
        indent = len(page_line) - len(body_line) if page_line.endswith(body_line) else 0
        # ast columns count UTF-8 bytes; the report counts characters.
        prefix = body_line.encode("utf-8")[:col_offset].decode("utf-8", errors="ignore")
        return Spot(line, indent + len(prefix) + 1)


class _Reader:
    def __init__(self, source: str, locate: _Locator, names: Names) -> None:
        self.source = source
        self.locate = locate
        self.names = names
        self.processes: list[Process] = []
        self.covered: set[int] = set()

    def statement(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign(node.target, node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.BitOr):
            if self._is_setting(node.target):
                self._mapping(node.value)
        elif isinstance(node, ast.Call) and self._is_update(node.func):
            for argument in node.args[:1]:
                self._mapping(argument)
            self._keyword_processes(node)
        elif isinstance(node, ast.Call):
            # override_settings(PRODUCTION_PROCESSES={...}) and the like
            for keyword in node.keywords:
                if keyword.arg == self.names.setting:
                    self._mapping(keyword.value)

    def _keyword_processes(self, call: ast.Call) -> None:
        for keyword in call.keywords:
            if keyword.arg is not None:
                name = Value(self._spot(keyword), keyword.arg, True, keyword.arg)
                self._process(name, keyword.value)

    def _assign(self, target: ast.expr, value: ast.expr) -> None:
        if self._is_setting(target):
            self._mapping(value)
        elif isinstance(target, ast.Subscript) and self._is_setting(target.value):
            self._process(self.value(target.slice), value)

    def _is_setting(self, node: ast.expr) -> bool:
        """``SETTING`` or ``settings.SETTING``."""
        if isinstance(node, ast.Attribute):
            return node.attr == self.names.setting
        return isinstance(node, ast.Name) and node.id == self.names.setting

    def _is_update(self, func: ast.expr) -> bool:
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "update"
            and self._is_setting(func.value)
        )

    def _mapping(self, node: ast.expr) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            self._mapping(node.left)
            self._mapping(node.right)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None:
                    self._process(self.value(key), value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
        ):
            self._keyword_processes(node)

    def _process(self, name: Value, node: ast.expr) -> None:
        if isinstance(node, ast.Dict):
            self.covered.add(id(node))
        self.processes.append(Process(name, self.value(node)))

    def value(self, node: ast.expr) -> Value:
        spot = self._spot(node)
        source = ast.get_source_segment(self.source, node) or ""
        try:
            literal, value = True, ast.literal_eval(node)
        except _LITERAL_ERRORS:
            literal, value = False, None
        if not isinstance(node, ast.Dict):
            return Value(spot, source, literal, value)
        entries = tuple(
            Entry(self.value(k), self.value(v))
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        )
        return Value(spot, source, literal, value, entries, None in node.keys)

    def _spot(self, node: ast.AST) -> Spot:
        return self.locate.spot(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def _looks_like_process(self, node: ast.Dict) -> bool:
        """A backend key with the package's path, or next to a key only processes have.

        Django's own settings also have ``BACKEND`` keys (``CACHES``, ``TASKS``), so
        that key alone does not make a dictionary a process.
        """
        entries = {
            k.value: v
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant)
        }
        backend = entries.get(self.names.backend_key)
        if backend is None:
            return False
        if self.names.args_key in entries or self.names.app_key in entries:
            return True
        return (
            isinstance(backend, ast.Constant)
            and isinstance(backend.value, str)
            and backend.value.startswith(self.names.package_prefix)
        )

    def stray_processes(self, tree: ast.AST) -> Iterator[Unchecked]:
        """Dictionaries with a backend key that no checked assignment holds."""
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict) or id(node) in self.covered:
                continue
            if self._looks_like_process(node):
                yield Unchecked(
                    self._spot(node),
                    f"this process configuration is not inside a `{self.names.setting} = {{...}}` "
                    "assignment, so it cannot be checked; assign it to the setting, or "
                    "silence PS109 for the block",
                )
