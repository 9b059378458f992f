"""``[tool.docs-audit]`` in ``pyproject.toml``: found, loaded and strictly validated.

Every table is declared once, as a frozen dataclass whose fields carry the type,
the default and one line of documentation (:func:`setting`). Validation, defaults
and the reference (:func:`describe`) are all derived from that declaration. An
unknown key or a value of the wrong type is a :class:`~docs_audit.findings.UsageError`
that names the key, the file and the valid keys. Precedence: defaults < file <
command line.

The core tables are listed in :data:`CORE_TABLES`; a plugin brings its own table
(see :class:`docs_audit.registry.Plugin`), accepted once the plugin is enabled.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import math
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from .findings import UsageError

if TYPE_CHECKING:
    from importlib import metadata

TABLE = "docs-audit"
#: The entry-point group plugins are installed under.
ENTRY_POINTS = "docs_audit.plugins"

T = TypeVar("T")


def setting(default: Any, doc: str, *, gt: float | None = None, ge: float | None = None) -> Any:
    """A field of a table declaration: its default, one line of doc, optional bounds.

    ``gt``/``ge`` bound a number from below (``gt=0``: greater than 0; ``ge=0``:
    not negative).
    """
    metadata = {"doc": doc, "gt": gt, "ge": ge}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Key:
    """One key of one table, as the reference shows it."""

    table: str
    name: str
    type: str
    default: Any
    doc: str
    attr: str = field(repr=False, compare=False)
    annotation: Any = field(repr=False, compare=False)
    gt: float | None = field(default=None, repr=False, compare=False)
    ge: float | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        return f"{self.table}.{self.name}"


@cache
def keys_of(declaration: type, table: str) -> tuple[Key, ...]:
    """The keys a table declaration defines (kebab-case names of its fields)."""
    hints = typing.get_type_hints(declaration)
    result = []
    for item in dataclasses.fields(declaration):
        if item.default is not dataclasses.MISSING:
            default = item.default
        elif item.default_factory is not dataclasses.MISSING:
            default = item.default_factory()
        else:
            raise TypeError(f"{declaration.__name__}.{item.name} has no default")
        result.append(
            Key(
                table,
                item.name.replace("_", "-"),
                _type_name(hints[item.name]),
                default,
                str(item.metadata.get("doc", "")),
                item.name,
                hints[item.name],
                item.metadata.get("gt"),
                item.metadata.get("ge"),
            )
        )
    return tuple(result)


def _type_name(annotation: Any) -> str:
    if annotation is Any:
        return "any"
    origin = typing.get_origin(annotation)
    if origin is None:
        return str(getattr(annotation, "__name__", annotation))
    args = ",".join(_type_name(a) for a in typing.get_args(annotation))
    return f"{origin.__name__}[{args}]"


def _matches(annotation: Any, value: Any) -> bool:
    if annotation is Any:
        return True
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        # TOML allows nan and inf; no setting means either.
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if annotation is str:
        return isinstance(value, str)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        return isinstance(value, list) and all(_matches(args[0], v) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _matches(args[0], k) and _matches(args[1], v) for k, v in value.items()
        )
    if origin in (typing.Union, types.UnionType):
        return any(_matches(a, value) for a in args)
    raise TypeError(f"unsupported setting type {annotation!r}")


@dataclass(frozen=True)
class CoreTable:
    """``[tool.docs-audit]`` itself."""

    docs_root: str = setting("docs", "Folder that holds conf.py and the pages.")
    exclude: list[str] = setting(
        ["_build/**", "**/.*/**"], "Globs (relative to docs-root) never read."
    )
    select: list[str] = setting(
        [], "Codes, prefixes or rule names to report (empty: the default rules)."
    )
    extend_select: list[str] = setting(
        [], "Codes, prefixes or rule names reported on top of select (house rules)."
    )
    preset: str = setting("default", "'default' (rules Sphinx agrees with) or 'strict' (all).")
    ignore: list[str] = setting([], "Codes, prefixes or rule names never reported.")
    per_file_ignores: dict[str, list[str]] = setting(
        {}, "Glob (relative to the project root) to codes ignored there."
    )
    severity: dict[str, str] = setting({}, "Code or prefix to error, warning or info.")
    plugins: list[str] = setting(
        [], "Plugins to enable: entry-point names (docs_audit.plugins) or module paths."
    )
    max_file_size: float = setting(
        10, "Largest page read, in MB (1,000,000 bytes); a larger one is a DA009 finding.", gt=0
    )
    cache_dir: str = setting(".docs-audit-cache", "Where parsed pages and link results are kept.")


#: Tables of the core: name -> ``module:Declaration`` (imported when first needed).
CORE_TABLES: dict[str, str] = {
    "labels": "docs_audit.checks.labels:LabelsTable",
    "references": "docs_audit.checks.references:ReferencesTable",
    "template": "docs_audit.checks.template:TemplateTable",
    "code": "docs_audit.checks.code:CodeTable",
    "rst": "docs_audit.checks.rststyle:RstTable",
    "structure": "docs_audit.checks.structure:StructureTable",
    "build": "docs_audit.build:BuildTable",
    "links": "docs_audit.links.config:LinksTable",
    "style": "docs_audit.style.config:StyleTable",
    "release": "docs_audit.release:ReleaseTable",
    "sphinx": "docs_audit.sphinxconf:SphinxTable",
}


def core_declaration(name: str) -> type:
    module, _, attr = CORE_TABLES[name].partition(":")
    declaration: type = getattr(importlib.import_module(module), attr)
    return declaration


def describe(plugins: tuple[PluginTable, ...] = ()) -> Iterator[Key]:
    """Every key of every table (core, then the given plugins'): the configuration reference."""
    yield from keys_of(CoreTable, TABLE)
    for name in CORE_TABLES:
        yield from keys_of(core_declaration(name), f"{TABLE}.{name}")
    for plugin in plugins:
        if plugin.settings is not None:
            yield from keys_of(plugin.settings, f"{TABLE}.{plugin.name}")


@runtime_checkable
class PluginTable(Protocol):
    """What the configuration needs of a plugin: its name and its table's declaration
    (:class:`docs_audit.registry.Plugin` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def settings(self) -> type | None: ...


@cache
def installed_plugins() -> dict[str, metadata.EntryPoint]:
    """Plugins installed in this environment, by entry-point name."""
    # Scanning installed distributions is slow: only a config that names a plugin pays.
    from importlib import metadata

    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINTS)}


def load_plugin(name: str, source: Path | None = None) -> PluginTable:
    """The plugin an entry-point name or a module path (``pkg.mod`` or ``pkg.mod:ATTR``) names."""
    origin = f"{source}: " if source else ""
    try:
        if "." not in name and ":" not in name:
            entry = installed_plugins().get(name)
            if entry is None:
                installed = ", ".join(sorted(installed_plugins())) or "none"
                raise UsageError(
                    f"{origin}no plugin '{name}' is installed (installed: {installed}); "
                    "a module is named by its dotted path"
                )
            loaded = entry.load()
        else:
            module, _, attr = name.partition(":")
            loaded = getattr(importlib.import_module(module), attr or "PLUGIN", None)
    except ImportError as exc:
        raise UsageError(f"{origin}plugin '{name}' cannot be imported: {exc}") from None
    if not isinstance(loaded, PluginTable):
        raise UsageError(
            f"{origin}plugin '{name}' is not a docs_audit.registry.Plugin "
            "(a module names its plugin PLUGIN)"
        )
    return loaded


def resolve_plugins(names: Sequence[str], source: Path | None = None) -> tuple[PluginTable, ...]:
    """The enabled plugins, each once, in the order named."""
    found: dict[str, PluginTable] = {}
    for name in names:
        plugin = load_plugin(name, source)
        found.setdefault(plugin.name, plugin)
    return tuple(found.values())


@dataclass
class Config:
    """Validated settings; ``root`` is the folder of the config file (or the cwd)."""

    root: Path
    source: Path | None
    values: dict[str, Any]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The plugins ``plugins`` enables, resolved (entry points or modules).
    plugins: tuple[PluginTable, ...] = ()
    _docs_root: Path | None = field(default=None, repr=False)
    _typed: dict[type, Any] = field(default_factory=dict, repr=False)

    @property
    def docs_root(self) -> Path:
        # Resolved once: it is asked for per page and resolving touches the disk.
        if self._docs_root is None:
            self._docs_root = (self.root / str(self.values["docs-root"])).resolve()
        return self._docs_root

    @property
    def cache_dir(self) -> Path:
        return self.root / str(self.values["cache-dir"])

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def declaration(self, name: str) -> type:
        if name in CORE_TABLES:
            return core_declaration(name)
        for plugin in self.plugins:
            if plugin.name == name and plugin.settings is not None:
                return plugin.settings
        raise KeyError(f"no table '{name}': not a core table nor one of an enabled plugin")

    def table(self, name: str) -> dict[str, Any]:
        """A sub-table by kebab-case key, with its defaults filled in."""
        if name not in self.tables:
            declared = keys_of(self.declaration(name), f"{TABLE}.{name}")
            self.tables[name] = _apply(declared, {}, self.source)
        return self.tables[name]

    def settings(self, name: str, declaration: type[T]) -> T:
        """The table ``name`` as its typed declaration (built once per run)."""
        if declaration not in self._typed:
            table = self.table(name)
            keys = keys_of(typing.cast(type, declaration), f"{TABLE}.{name}")
            self._typed[declaration] = declaration(**{k.attr: table[k.name] for k in keys})
        typed: T = self._typed[declaration]
        return typed


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.docs-audit]`` table, walking up."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return candidate  # report its error when loading
            if TABLE in data.get("tool", {}):
                return candidate
    return None


def load_config(path: Path | None = None, cwd: Path | None = None) -> Config:
    """Load and validate; ``path`` overrides the search from ``cwd``."""
    cwd = cwd or Path.cwd()
    source = path if path is not None else find_config(cwd)
    core = keys_of(CoreTable, TABLE)
    if source is None:
        return Config(root=cwd, source=None, values=_apply(core, {}, None))
    if not source.is_file():
        raise UsageError(f"{source}: configuration file not found")
    raw = _read_table(source)
    names = {k.name for k in core}
    top = {k: v for k, v in raw.items() if not isinstance(v, dict) or k in names}
    subs = {k: v for k, v in raw.items() if k not in top}
    values = _apply(core, top, source, extra=[*CORE_TABLES, *subs])
    plugins = resolve_plugins(values["plugins"], source)
    config = Config(root=source.parent.resolve(), source=source, values=values, plugins=plugins)
    tables = [*CORE_TABLES, *(p.name for p in plugins if p.settings is not None)]
    for name, table in subs.items():
        if name not in tables:
            valid = ", ".join(sorted([*names, *tables]))
            hint = _plugin_hint(name)
            raise UsageError(
                f"{source}: unknown key '{TABLE}.{name}'; valid keys are: {valid}{hint}"
            )
        declared = keys_of(config.declaration(name), f"{TABLE}.{name}")
        config.tables[name] = _apply(declared, table, source)
    return config


def _plugin_hint(name: str) -> str:
    if name in installed_plugins():
        return f" (the table of plugin '{name}' needs plugins = [\"{name}\"])"
    return ""


def _read_table(source: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{source}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror}") from None
    table = data.get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise UsageError(f"{source}: [tool.{TABLE}] must be a table")
    return table


def _apply(
    declared: tuple[Key, ...],
    given: Mapping[str, Any],
    source: Path | None,
    extra: list[str] | None = None,
) -> dict[str, Any]:
    origin = f"{source}: " if source else ""
    by_name = {k.name: k for k in declared}
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = by_name.get(name)
        if spec is None:
            where = f"{declared[0].table}.{name}" if declared else name
            valid = ", ".join(sorted([*by_name, *(extra or [])]))
            raise UsageError(f"{origin}unknown key '{where}'; valid keys are: {valid}")
        values[name] = checked(spec, value, source)
    for spec in declared:
        values.setdefault(spec.name, copy.deepcopy(spec.default))
    return values


def checked(spec: Key, value: Any, source: Path | None) -> Any:
    """``value`` if it fits ``spec`` (type, finite number, bounds); else a usage error."""
    origin = f"{source}: " if source else ""
    if not _matches(spec.annotation, value):
        raise UsageError(
            f"{origin}'{spec.where}' must be {spec.type}, got {type(value).__name__}: {value!r}"
        )
    if spec.gt is not None and value <= spec.gt:
        raise UsageError(f"{origin}'{spec.where}' must be greater than {spec.gt:g}, got {value}")
    if spec.ge is not None and value < spec.ge:
        qualifier = "negative" if spec.ge == 0 else f"less than {spec.ge:g}"
        raise UsageError(f"{origin}'{spec.where}' must not be {qualifier}, got {value}")
    return value
