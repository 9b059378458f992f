"""The Sphinx settings docs-audit needs, read from ``conf.py`` without running it.

``conf.py`` is Python, so running it would run whatever a pull request put there.
Instead its module-level statements are read with :mod:`ast` and only literal values
are taken (with names already known, ``+``, f-strings of known names, and the list
and dict methods conf files use: ``append``, ``extend``, ``update``...). A setting
that is computed, or set under a condition that cannot be decided, keeps Sphinx's
default and gets one :class:`ConfNote` naming the variable and line; the
``[tool.docs-audit.sphinx]`` table sets such a value by hand. ``execute-conf = true``
opts into running ``conf.py`` in a subprocess with a timeout instead.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import Config, setting
from .findings import UsageError


@dataclass(frozen=True)
class SphinxTable:
    """``[tool.docs-audit.sphinx]``: Sphinx settings conf.py computes, set by hand."""

    conf_file: str = setting(
        "", "conf.py to read, relative to the project root (empty: docs-root/conf.py)."
    )
    root_doc: str = setting("", "Sphinx's root_doc (empty: from conf.py, else 'index').")
    source_suffix: list[str] = setting([], "Source suffixes such as '.md' (empty: from conf.py).")
    exclude_patterns: list[str] = setting([], "Sphinx exclude_patterns added to conf.py's.")
    extensions: list[str] = setting([], "Sphinx extensions added to conf.py's.")
    default_role: str = setting("", "Sphinx's default_role (empty: from conf.py).")
    myst_heading_anchors: int = setting(
        -1, "myst_heading_anchors: heading depth that gets anchors (-1: from conf.py).", ge=-1
    )
    myst_enable_extensions: list[str] = setting([], "myst_enable_extensions added to conf.py's.")
    intersphinx_mapping: dict[str, str] = setting(
        {}, "Intersphinx prefix to base URL, added to conf.py's mapping."
    )
    nitpick_ignore: list[str] = setting(
        [], "Extra 'type target' pairs never reported (like nitpick_ignore)."
    )
    execute_conf: bool = setting(
        False, "Run conf.py in a subprocess to read computed values (runs its code)."
    )
    execute_timeout: int = setting(30, "Seconds conf.py may run when execute-conf is on.", gt=0)


#: The settings read; every other name in conf.py is looked at only as a helper value.
SETTINGS = frozenset(
    {
        "root_doc",
        "master_doc",
        "source_suffix",
        "exclude_patterns",
        "include_patterns",
        "extensions",
        "default_role",
        "intersphinx_mapping",
        "nitpick_ignore",
        "nitpick_ignore_regex",
        "nitpicky",
        "suppress_warnings",
        "templates_path",
        "html_static_path",
        "html_extra_path",
    }
)

#: Extensions that register a Markdown parser, so ``.md`` is a source suffix.
MARKDOWN_EXTENSIONS = frozenset({"myst_parser", "myst_nb", "recommonmark"})


@dataclass(frozen=True)
class ConfNote:
    """A setting docs-audit could not read: what, where and what it used instead."""

    name: str
    line: int
    message: str


@dataclass(frozen=True)
class Inventory:
    """One ``intersphinx_mapping`` entry: prefix, base URL and where the inventory is."""

    prefix: str
    url: str
    #: The ``objects.inv`` location given in conf.py, or ``""`` for ``url/objects.inv``.
    inventory: str = ""

    @property
    def inventory_url(self) -> str:
        if self.inventory:
            return self.inventory
        return self.url.rstrip("/") + "/objects.inv"


@dataclass(frozen=True)
class SphinxConf:
    """What the project's ``conf.py`` says, with Sphinx's defaults where it says nothing."""

    path: Path | None = None
    root_doc: str = "index"
    source_suffix: tuple[str, ...] = (".rst",)
    #: The suffixes among ``source_suffix`` that a Markdown parser reads.
    markdown_suffixes: frozenset[str] = frozenset({".md"})
    exclude_patterns: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    default_role: str | None = None
    myst_heading_anchors: int = 0
    myst_enable_extensions: tuple[str, ...] = ()
    #: Every other ``myst_*`` setting written as a literal (syntax switches and the like).
    myst: tuple[tuple[str, Any], ...] = ()
    intersphinx: tuple[Inventory, ...] = ()
    nitpick_ignore: frozenset[tuple[str, str]] = frozenset()
    nitpick_ignore_regex: tuple[tuple[str, str], ...] = ()
    suppress_warnings: tuple[str, ...] = ()
    templates_path: tuple[str, ...] = ()
    html_static_path: tuple[str, ...] = ()
    notes: tuple[ConfNote, ...] = ()
    #: Whether conf.py was run (``execute-conf``) rather than read.
    executed: bool = False

    @property
    def markdown(self) -> bool:
        return ".md" in self.source_suffix

    def source_kind(self, suffix: str) -> str | None:
        """``md`` or ``rst`` for a source suffix Sphinx reads, ``None`` for other files."""
        if suffix not in self.source_suffix:
            return None
        return "md" if suffix in self.markdown_suffixes else "rst"

    def excluded(self, relative: str) -> bool:
        """Whether Sphinx skips ``relative`` (a path below the source folder, POSIX style):
        an ``exclude_patterns`` entry matches it or one of its folders."""
        if not self.exclude_patterns:
            return False
        regexes = _exclude_regexes(self.exclude_patterns)
        parts = relative.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(r.match(c) for r in regexes for c in candidates)

    def myst_setting(self, name: str, default: Any = None) -> Any:
        return dict(self.myst).get(name, default)

    def has_extension(self, name: str) -> bool:
        return name in self.extensions

    def ignores_nitpick(self, kind: str, target: str) -> bool:
        """Whether ``nitpick_ignore``/``nitpick_ignore_regex`` silence this reference."""
        if (kind, target) in self.nitpick_ignore:
            return True
        for kind_pattern, target_pattern in self.nitpick_ignore_regex:
            try:
                if re.fullmatch(kind_pattern, kind) and re.fullmatch(target_pattern, target):
                    return True
            except re.error:
                continue
        return False


class _Unknown(Exception):
    """Raised while evaluating an expression that is not a literal."""


_MISSING = object()


class _Reader:
    """Walks conf.py's statements, keeping a namespace of values known to be literal."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.computed: dict[str, int] = {}
        self.notes: dict[str, ConfNote] = {}

    # ---- statements -------------------------------------------------------------

    def run(self, body: list[ast.stmt], certain: bool = True) -> None:
        for statement in body:
            self.statement(statement, certain)

    def statement(self, node: ast.stmt, certain: bool) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self.assign(target, node.value, node.lineno, certain)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign(node.target, node.value, node.lineno, certain)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            combined = ast.BinOp(
                left=ast.Name(node.target.id, ast.Load()), op=node.op, right=node.value
            )
            self.assign(node.target, combined, node.lineno, certain)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.method_call(node.value, node.lineno, certain)
        elif isinstance(node, ast.If):
            self.branch(node, certain)
        elif isinstance(node, ast.Try):
            # The usual ``try: import x`` guard: the body is what runs when all is well.
            self.run(node.body, certain)
            self.run(node.orelse, certain)
            self.run(node.finalbody, certain)
            for handler in node.handlers:
                self.run(handler.body, False)
        elif isinstance(node, ast.With):
            self.run(node.body, certain)
        elif isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            self.run(node.body, False)
            self.run(node.orelse, False)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                self.forget(name, node.lineno, "imported")

    def branch(self, node: ast.If, certain: bool) -> None:
        try:
            test = bool(self.evaluate(node.test))
        except _Unknown:
            self.run(node.body, False)
            self.run(node.orelse, False)
            return
        self.run(node.body if test else node.orelse, certain)

    def assign(self, target: ast.expr, value: ast.expr, line: int, certain: bool) -> None:
        if isinstance(target, ast.Name):
            try:
                result = self.evaluate(value)
            except _Unknown:
                self.forget(target.id, line, "computed")
                return
            self.set(target.id, result, line, certain)
        elif isinstance(target, (ast.Tuple, ast.List)):
            try:
                result = self.evaluate(value)
                items = list(result)
                if len(items) != len(target.elts):
                    raise _Unknown
            except (_Unknown, TypeError):
                for element in target.elts:
                    if isinstance(element, ast.Name):
                        self.forget(element.id, line, "computed")
                return
            for element, item in zip(target.elts, items, strict=True):
                if isinstance(element, ast.Name):
                    self.set(element.id, item, line, certain)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            name = target.value.id
            current = self.values.get(name, _MISSING)
            try:
                key = self.evaluate(target.slice)
                item = self.evaluate(value)
                if not isinstance(current, dict):
                    raise _Unknown
            except _Unknown:
                self.forget(name, line, "changed by a computed item assignment")
                return
            self.set(name, {**current, key: item}, line, certain)

    def method_call(self, call: ast.Call, line: int, certain: bool) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        name, method = func.value.id, func.attr
        current = self.values.get(name, _MISSING)
        if current is _MISSING and name not in SETTINGS and not name.startswith("myst_"):
            return
        try:
            arguments = [self.evaluate(argument) for argument in call.args]
            if call.keywords:
                raise _Unknown
            updated = _apply_method(current, method, arguments)
        except (_Unknown, TypeError, IndexError, ValueError):
            self.forget(name, line, f"changed by a computed .{method}()")
            return
        if updated is not _MISSING:
            self.set(name, updated, line, certain, fresh=False)

    def set(self, name: str, value: Any, line: int, certain: bool, fresh: bool = True) -> None:
        if not certain:
            self.forget(name, line, "set under a condition docs-audit cannot decide")
            return
        self.values[name] = value
        if fresh:
            # A new plain assignment makes the value known again, whatever came before.
            self.computed.pop(name, None)
            self.notes.pop(name, None)

    def forget(self, name: str, line: int, why: str) -> None:
        if name in self.notes:
            return  # one note per setting: the first place it stops being known
        self.computed[name] = line
        if _relevant(name):
            kept = (
                "keeps the value written before" if name in self.values else "uses Sphinx's default"
            )
            self.notes[name] = ConfNote(
                name,
                line,
                f"conf.py sets '{name}' at line {line} to a value that is {why}; docs-audit "
                f"{kept}. Set it in [tool.docs-audit.sphinx] or turn on execute-conf.",
            )
        if not _relevant(name):
            self.values.pop(name, None)

    # ---- expressions ------------------------------------------------------------

    def evaluate(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.values and node.id not in self.computed:
                return self.values[node.id]
            raise _Unknown
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [
                self.evaluate(element)
                for element in node.elts
                if not isinstance(element, ast.Starred)
            ]
            if any(isinstance(element, ast.Starred) for element in node.elts):
                raise _Unknown
            if isinstance(node, ast.List):
                return items
            return tuple(items) if isinstance(node, ast.Tuple) else set(items)
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise _Unknown
            return {
                self.evaluate(key): self.evaluate(value)
                for key, value in zip(node.keys, node.values, strict=True)
                if key is not None
            }
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.evaluate(node.left), self.evaluate(node.right)
            try:
                return left + right
            except TypeError:
                raise _Unknown from None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif (
                    isinstance(value, ast.FormattedValue)
                    and value.format_spec is None
                    and value.conversion == -1
                ):
                    parts.append(str(self.evaluate(value.value)))
                else:
                    raise _Unknown
            return "".join(parts)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.evaluate(node.left), self.evaluate(node.comparators[0])
            return _compare(node.ops[0], left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not self.evaluate(node.operand)
        raise _Unknown


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    try:
        if isinstance(op, ast.Eq):
            return bool(left == right)
        if isinstance(op, ast.NotEq):
            return bool(left != right)
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
    except TypeError:
        pass
    raise _Unknown


def _apply_method(current: Any, method: str, arguments: list[Any]) -> Any:
    if isinstance(current, list):
        if method == "append" and len(arguments) == 1:
            return [*current, arguments[0]]
        if method == "extend" and len(arguments) == 1:
            return [*current, *arguments[0]]
        if method == "insert" and len(arguments) == 2:
            updated = list(current)
            updated.insert(arguments[0], arguments[1])
            return updated
        if method == "remove" and len(arguments) == 1:
            updated = list(current)
            updated.remove(arguments[0])
            return updated
    if isinstance(current, dict) and method == "update" and len(arguments) == 1:
        return {**current, **arguments[0]}
    if isinstance(current, dict) and method == "setdefault" and len(arguments) == 2:
        return {arguments[0]: arguments[1], **current}
    if method in ("sort", "clear", "pop", "reverse") or current is _MISSING:
        raise _Unknown
    return _MISSING


#: ``myst_*`` settings whose values are page text only: nothing here depends on them.
_MYST_TEXT_ONLY = frozenset({"myst_substitutions", "myst_html_meta"})


def _relevant(name: str) -> bool:
    return name in SETTINGS or (name.startswith("myst_") and name not in _MYST_TEXT_ONLY)


def read_conf_source(source: str, path: Path | None = None) -> SphinxConf:
    """The settings of one conf.py text (a syntax error is a :class:`UsageError`)."""
    try:
        tree = ast.parse(source, filename=str(path or "conf.py"))
    except SyntaxError as exc:
        where = f"{path or 'conf.py'}:{exc.lineno or 1}"
        raise UsageError(f"{where}: conf.py is not valid Python: {exc.msg}") from None
    reader = _Reader()
    reader.run(tree.body)
    values = {name: value for name, value in reader.values.items() if _relevant(name)}
    notes = tuple(sorted(reader.notes.values(), key=lambda note: note.line))
    return _from_values(values, path, notes)


def _from_values(
    values: Mapping[str, Any], path: Path | None, notes: tuple[ConfNote, ...]
) -> SphinxConf:
    conf = SphinxConf(path=path, notes=notes)
    bad: list[ConfNote] = []

    def take(name: str, convert: Any) -> Any:
        if name not in values:
            return _MISSING
        try:
            return convert(values[name])
        except (TypeError, ValueError, AttributeError):
            bad.append(
                ConfNote(
                    name,
                    1,
                    f"conf.py's '{name}' has a shape docs-audit does not know; it uses Sphinx's default.",
                )
            )
            return _MISSING

    changes: dict[str, Any] = {}
    root = take("root_doc", str)
    if root is _MISSING:
        root = take("master_doc", str)
    if root is not _MISSING:
        changes["root_doc"] = root
    for name, convert in (
        ("source_suffix", _suffixes),
        ("exclude_patterns", _strings),
        ("extensions", _strings),
        ("myst_enable_extensions", _strings),
        ("suppress_warnings", _strings),
        ("templates_path", _strings),
        ("html_static_path", _strings),
        ("nitpick_ignore", lambda v: frozenset(_pairs(v))),
        ("nitpick_ignore_regex", _pairs),
        ("intersphinx_mapping", _inventories),
        ("myst_heading_anchors", lambda v: int(v or 0)),
    ):
        value = take(name, convert)
        if value is not _MISSING:
            changes[name if name != "intersphinx_mapping" else "intersphinx"] = value
    markdown = take("source_suffix", _markdown_suffixes)
    if markdown is not _MISSING:
        changes["markdown_suffixes"] = markdown
    role = take("default_role", lambda v: None if v is None else str(v))
    if role is not _MISSING:
        changes["default_role"] = role
    changes["myst"] = tuple(
        sorted(
            (name, value)
            for name, value in values.items()
            if name.startswith("myst_")
            and name not in ("myst_enable_extensions", "myst_heading_anchors")
        )
    )
    conf = replace(conf, **changes)
    if bad:
        conf = replace(conf, notes=conf.notes + tuple(bad))
    return _with_markdown(conf)


def _with_markdown(conf: SphinxConf) -> SphinxConf:
    # myst_parser (and its kin) register '.md' in their setup(), whatever source_suffix says.
    if not conf.markdown and MARKDOWN_EXTENSIONS & set(conf.extensions):
        return replace(
            conf,
            source_suffix=(*conf.source_suffix, ".md"),
            markdown_suffixes=conf.markdown_suffixes | {".md"},
        )
    return conf


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A Sphinx path pattern (``exclude_patterns``, toctree globs) as a regex, translated
    as Sphinx does (sphinx.util.matching): ``**`` crosses folders, ``*`` and ``?`` do not,
    ``[...]`` is a class (``[!...]`` negated)."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "[":
            end = pattern.find("]", index + 1)
            if end > index:
                body = pattern[index + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                index = end + 1
                continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        index += 1
    return re.compile("".join(out) + r"\Z")


def _exclude_regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(glob_regex(pattern) for pattern in patterns)


def _markdown_suffixes(value: Any) -> frozenset[str]:
    if isinstance(value, dict):
        return frozenset(str(k) for k, v in value.items() if str(v).lower() in ("markdown", "myst"))
    return frozenset({".md"})


def _suffixes(value: Any) -> tuple[str, ...]:
    # A str, a list of suffixes, or Sphinx's dict of suffix -> file type.
    if isinstance(value, dict):
        return tuple(str(key) for key in value)
    return _strings(value)


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(kind), str(target)) for kind, target in value)


def _inventories(value: Any) -> tuple[Inventory, ...]:
    found: list[Inventory] = []
    for key, entry in dict(value).items():
        if isinstance(entry, (tuple, list)):
            url, location = entry[0], entry[1] if len(entry) > 1 else None
            if isinstance(location, (tuple, list)):
                location = next((item for item in location if isinstance(item, str)), None)
            found.append(Inventory(str(key), str(url), str(location) if location else ""))
        else:
            # The old form: {url: inventory}, with no prefix.
            found.append(Inventory("", str(key), str(entry) if entry else ""))
    return tuple(found)


# ---- loading for a project ---------------------------------------------------------

_EXECUTE = r"""
import json, os, sys
path = sys.argv[1]
os.chdir(os.path.dirname(path) or ".")
sys.path.insert(0, os.path.dirname(path) or ".")
namespace = {"__file__": path, "__name__": "conf"}
with open(path, encoding="utf-8") as handle:
    code = compile(handle.read(), path, "exec")
exec(code, namespace)
names = set(json.loads(sys.argv[2]))
out = {}
for key, value in namespace.items():
    if key in names or key.startswith("myst_"):
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            try:
                value = json.loads(json.dumps(value, default=list))
            except (TypeError, ValueError):
                continue
        out[key] = value
print(json.dumps(out))
"""


def conf_path(config: Config) -> Path:
    given = str(config.table("sphinx")["conf-file"])
    return (config.root / given) if given else config.docs_root / "conf.py"


def load_sphinx_conf(config: Config) -> SphinxConf:
    """The project's settings: conf.py (read, or run when opted in), then the table's."""
    table = config.table("sphinx")
    path = conf_path(config)
    if not path.is_file():
        conf = SphinxConf(path=None)
    elif table["execute-conf"]:
        conf = execute_conf(path, int(table["execute-timeout"]))
    else:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read conf.py: {exc}") from None
        conf = read_conf_source(source, path)
    return apply_table(conf, table)


def execute_conf(path: Path, timeout: int) -> SphinxConf:
    """Run conf.py in a subprocess (opted in with ``execute-conf``) and read its values."""
    import subprocess  # only with the opt-in

    command = [sys.executable, "-c", _EXECUTE, str(path.resolve()), json.dumps(sorted(SETTINGS))]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"{path}: conf.py did not finish within {timeout} s (execute-timeout)"
        ) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise UsageError(f"{path}: running conf.py failed: {last}")
    try:
        values = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise UsageError(
            f"{path}: running conf.py printed something docs-audit cannot read"
        ) from None
    return replace(_from_values(values, path, ()), executed=True)


def apply_table(conf: SphinxConf, table: Mapping[str, Any]) -> SphinxConf:
    """``[tool.docs-audit.sphinx]`` over conf.py: scalars replace, lists and maps add."""
    changes: dict[str, Any] = {}
    settled: set[str] = set()
    if table["root-doc"]:
        changes["root_doc"] = table["root-doc"]
        settled |= {"root_doc", "master_doc"}
    if table["source-suffix"]:
        changes["source_suffix"] = tuple(table["source-suffix"])
        settled.add("source_suffix")
    if table["default-role"]:
        changes["default_role"] = table["default-role"]
        settled.add("default_role")
    if table["myst-heading-anchors"] >= 0:
        changes["myst_heading_anchors"] = table["myst-heading-anchors"]
        settled.add("myst_heading_anchors")
    for key, attribute in (
        ("exclude-patterns", "exclude_patterns"),
        ("extensions", "extensions"),
        ("myst-enable-extensions", "myst_enable_extensions"),
    ):
        if table[key]:
            changes[attribute] = (*getattr(conf, attribute), *table[key])
            settled.add(attribute)
    if table["intersphinx-mapping"]:
        given = {
            prefix: Inventory(prefix, url) for prefix, url in table["intersphinx-mapping"].items()
        }
        kept = tuple(inv for inv in conf.intersphinx if inv.prefix not in given)
        changes["intersphinx"] = (*kept, *given.values())
        settled.add("intersphinx_mapping")
    if table["nitpick-ignore"]:
        pairs = {tuple(item.split(None, 1)) for item in table["nitpick-ignore"]}
        if any(len(pair) != 2 for pair in pairs):
            raise UsageError(
                "'docs-audit.sphinx.nitpick-ignore' entries are 'type target', e.g. 'py:class Foo'"
            )
        changes["nitpick_ignore"] = conf.nitpick_ignore | {(p[0], p[1]) for p in pairs}
        settled.add("nitpick_ignore")
    changes["notes"] = tuple(note for note in conf.notes if note.name not in settled)
    return _with_markdown(replace(conf, **changes))


def describe(conf: SphinxConf) -> Iterator[tuple[str, str]]:
    """What was found, setting by setting, for ``init`` and ``config`` to print."""
    yield "root_doc", conf.root_doc
    yield "source_suffix", ", ".join(conf.source_suffix)
    yield "exclude_patterns", ", ".join(conf.exclude_patterns) or "(none)"
    yield "extensions", ", ".join(conf.extensions) or "(none)"
    yield "default_role", conf.default_role or "(none)"
    yield "myst_heading_anchors", str(conf.myst_heading_anchors)
    yield "myst_enable_extensions", ", ".join(conf.myst_enable_extensions) or "(none)"
    yield (
        "intersphinx_mapping",
        ", ".join(f"{i.prefix or '(no prefix)'}={i.url}" for i in conf.intersphinx) or "(none)",
    )
    yield (
        "nitpick_ignore",
        f"{len(conf.nitpick_ignore)} entries, {len(conf.nitpick_ignore_regex)} patterns",
    )


__all__ = [
    "ConfNote",
    "Inventory",
    "SphinxConf",
    "apply_table",
    "describe",
    "execute_conf",
    "load_sphinx_conf",
    "read_conf_source",
]
