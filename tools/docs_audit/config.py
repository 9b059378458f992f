"""``[tool.docs-audit]`` in ``pyproject.toml``: found, loaded and strictly validated.

Each table has a schema: a mapping of key to :class:`Field`. An unknown key or a
value of the wrong type is a :class:`~docs_audit.findings.UsageError` that names the
key, the file and the valid keys. Precedence: defaults < file < command line.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import UsageError

TABLE = "docs-audit"


@dataclass(frozen=True)
class Field:
    """A configuration key: its expected type (as written in TOML) and default."""

    kind: str  # str, int, float, bool, list[str], dict[str,str], dict[str,int], dict[str,list[str]], dict[str,dict]
    default: Any
    help: str = ""


def _check_type(kind: str, value: Any) -> bool:
    simple: dict[str, type | tuple[type, ...]] = {"str": str, "float": (int, float), "bool": bool}
    if kind in simple:
        return isinstance(value, simple[kind]) and not (kind == "float" and isinstance(value, bool))
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "list[int]":
        return isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
    if kind.startswith("dict[str,"):
        inner = kind[len("dict[str,") : -1]
        return isinstance(value, dict) and all(
            isinstance(k, str) and (inner == "any" or _check_type(inner, v))
            for k, v in value.items()
        )
    raise AssertionError(f"unknown field kind {kind}")


TOP_LEVEL: dict[str, Field] = {
    "docs-root": Field("str", "docs", "Folder that holds conf.py and the pages."),
    "exclude": Field(
        "list[str]", ["_build/**", "**/.*/**"], "Globs (relative to docs-root) never read."
    ),
    "select": Field(
        "list[str]", [], "Codes, prefixes or rule names to report (empty: the default rules)."
    ),
    "extend-select": Field(
        "list[str]", [], "Codes, prefixes or rule names reported on top of select (house rules)."
    ),
    "preset": Field("str", "default", "'default' (rules Sphinx agrees with) or 'strict' (all)."),
    "ignore": Field("list[str]", [], "Codes, prefixes or rule names never reported."),
    "per-file-ignores": Field(
        "dict[str,list[str]]", {}, "Glob (relative to the project root) to codes ignored there."
    ),
    "severity": Field("dict[str,str]", {}, "Code or prefix to error, warning or info."),
    "plugins": Field(
        "list[str]", [], "Modules to import that register more rules (for example project checks)."
    ),
    "max-file-size": Field(
        "float", 10, "Largest page read, in MB (1,000,000 bytes); a larger one is a DA009 finding."
    ),
    "cache-dir": Field("str", ".docs-audit-cache", "Where parsed pages and link results are kept."),
}

#: Tables owned by other modules; each module exposes ``SCHEMA: dict[str, Field]``.
SUBTABLES: dict[str, str] = {
    "labels": "docs_audit.checks.labels",
    "references": "docs_audit.checks.references",
    "template": "docs_audit.checks.template",
    "code": "docs_audit.checks.code",
    "rst": "docs_audit.checks.rststyle",
    "structure": "docs_audit.checks.structure",
    "build": "docs_audit.build",
    "links": "docs_audit.links.config",
    "style": "docs_audit.style.config",
    "examples": "docs_audit.checks.examples",
    "release": "docs_audit.release",
}


def subtable_schema(name: str) -> dict[str, Field]:
    module = importlib.import_module(SUBTABLES[name])
    schema: dict[str, Field] = module.SCHEMA
    return schema


@dataclass
class Config:
    """Validated settings; ``root`` is the folder of the config file (or the cwd)."""

    root: Path
    source: Path | None
    values: dict[str, Any]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    _docs_root: Path | None = field(default=None, repr=False)

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

    def table(self, name: str) -> dict[str, Any]:
        """A sub-table with its defaults filled in (validated on first use too)."""
        if name not in self.tables:
            self.tables[name] = _apply(subtable_schema(name), {}, f"{TABLE}.{name}", self.source)
        return self.tables[name]

    def override(self, key: str, value: Any) -> None:
        """Apply a command-line value over the file's."""
        self.values[key] = value
        self._docs_root = None


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
    if source is None:
        return Config(root=cwd, source=None, values=_apply(TOP_LEVEL, {}, TABLE, None))
    if not source.is_file():
        raise UsageError(f"{source}: configuration file not found")
    raw = _read_table(source)
    top = {k: v for k, v in raw.items() if not isinstance(v, dict) or k in TOP_LEVEL}
    subs = {k: v for k, v in raw.items() if k not in top}
    config = Config(
        root=source.parent.resolve(),
        source=source,
        values=_apply(TOP_LEVEL, top, TABLE, source, extra=SUBTABLES),
    )
    for name, table in subs.items():
        if name not in SUBTABLES:
            valid = ", ".join(sorted([*TOP_LEVEL, *SUBTABLES]))
            raise UsageError(f"{source}: unknown key '{TABLE}.{name}'; valid keys are: {valid}")
        config.tables[name] = _apply(subtable_schema(name), table, f"{TABLE}.{name}", source)
    return config


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
    schema: Mapping[str, Field],
    given: Mapping[str, Any],
    where: str,
    source: Path | None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    origin = f"{source}: " if source else ""
    values: dict[str, Any] = {}
    for key, value in given.items():
        spec = schema.get(key)
        if spec is None:
            valid = ", ".join(sorted([*schema, *(extra or {})]))
            raise UsageError(f"{origin}unknown key '{where}.{key}'; valid keys are: {valid}")
        if not _check_type(spec.kind, value):
            raise UsageError(
                f"{origin}'{where}.{key}' must be {spec.kind}, got {type(value).__name__}: {value!r}"
            )
        values[key] = value
    for key, spec in schema.items():
        values.setdefault(key, _copy(spec.default))
    return values


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
