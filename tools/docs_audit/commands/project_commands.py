"""Commands about the project rather than its pages: ``init``, ``config``, ``inventories``."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import click

from ..config import TABLE, Config, describe, load_config
from ..findings import UsageError

#: Where a Sphinx project usually keeps conf.py, in the order ``init`` looks.
CANDIDATE_ROOTS = ("docs", "doc", "docs/source", "doc/source", "source", ".")


def _state_config(ctx: click.Context) -> Config:
    state = ctx.obj
    config: Config = state.config if state is not None else load_config()
    return config


# ---- init -----------------------------------------------------------------------------


@click.command(name="init")
@click.option(
    "--docs-root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding conf.py (default: the first of docs, doc, docs/source, source, .).",
)
@click.option("--force", is_flag=True, help="Replace an existing [tool.docs-audit] table.")
@click.option(
    "--pyproject",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("pyproject.toml"),
    show_default=True,
    help="The file to write the table into (created if missing).",
)
def init(docs_root: Path | None, force: bool, pyproject: Path) -> None:
    """Write a [tool.docs-audit] table derived from conf.py into pyproject.toml."""
    from ..sphinxconf import describe, read_conf_source

    project_root = pyproject.parent.resolve() if pyproject.parent != Path() else Path.cwd()
    folder = _find_docs_root(project_root, docs_root)
    conf_file = folder / "conf.py"
    conf = read_conf_source(conf_file.read_text(encoding="utf-8"), conf_file)
    relative = folder.relative_to(project_root).as_posix() if folder != project_root else "."
    existing = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if existing:
        try:
            data = tomllib.loads(existing)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{pyproject}: invalid TOML, not touched: {exc}") from None
        if TABLE in data.get("tool", {}):
            if not force:
                raise UsageError(
                    f"{pyproject}: [tool.{TABLE}] already exists; use --force to replace it"
                )
            existing = remove_tables(existing)
    table = render_table(relative, conf)
    joined = existing.rstrip("\n") + ("\n\n" if existing.strip() else "") + table
    pyproject.write_text(joined, encoding="utf-8")
    click.echo(f"Read {conf_file.relative_to(project_root).as_posix()} (without running it):")
    for name, value in describe(conf):
        click.echo(f"  {name:<24} {value}")
    for note in conf.notes:
        click.echo(f"  note: {note.message}")
    click.echo(f"Wrote [tool.{TABLE}] to {pyproject}. Next: docs-audit check")


def _find_docs_root(project_root: Path, given: Path | None) -> Path:
    if given is not None:
        folder = (project_root / given).resolve()
        if not (folder / "conf.py").is_file():
            raise UsageError(f"{given}: no conf.py there")
        return folder
    for candidate in CANDIDATE_ROOTS:
        folder = (project_root / candidate).resolve()
        if (folder / "conf.py").is_file():
            return folder
    raise UsageError(
        f"no conf.py found in {', '.join(CANDIDATE_ROOTS)} under {project_root}; pass --docs-root"
    )


_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")


def remove_tables(text: str) -> str:
    """``text`` without ``[tool.docs-audit]`` and its sub-tables; the rest stays byte for byte."""
    kept: list[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            name = header.group("name").replace('"', "").replace(" ", "")
            dropping = name == f"tool.{TABLE}" or name.startswith(f"tool.{TABLE}.")
        if not dropping:
            kept.append(line)
    return "".join(kept)


def render_table(docs_root: str, conf: Any) -> str:
    """The TOML written by ``init``: docs-root, and a commented hint per unread setting."""
    lines = [
        f"[tool.{TABLE}]",
        f"docs-root = {json.dumps(docs_root)}",
        "# Settings come from conf.py (root_doc, source_suffix, exclude_patterns, extensions,",
        "# intersphinx_mapping...). Only rules that predict a Sphinx warning are on; see",
        "# 'docs-audit config' for every key.",
    ]
    if conf.notes:
        lines += ["", f"[tool.{TABLE}.sphinx]"]
        for note in conf.notes:
            key = note.name.replace("_", "-")
            lines.append(f"# {key} = ...  # conf.py line {note.line} is computed; set it here")
    return "\n".join(lines) + "\n"


# ---- config ---------------------------------------------------------------------------


@click.command(name="config")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def config_command(ctx: click.Context, fmt: str) -> None:
    """Print every configuration key: type, default, documentation and effective value."""
    config = _state_config(ctx)
    rows = list(config_rows(config))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    current = None
    source = config.source or "(no configuration file: every default)"
    click.echo(f"# configuration from {source}")
    for row in rows:
        if row["table"] != current:
            current = row["table"]
            click.echo(f"\n[{current}]")
        marker = "" if row["value"] == row["default"] else "   (set)"
        click.echo(f"{row['key']} = {_toml(row['value'])}{marker}")
        click.echo(f"    {row['type']}, default {_toml(row['default'])}: {row['doc']}")
    _echo_sphinx(config)


def _echo_sphinx(config: Config) -> None:
    from ..sphinxconf import describe, load_sphinx_conf

    conf = load_sphinx_conf(config)
    where = conf.path or "no conf.py: Sphinx's defaults"
    click.echo(f"\n# effective Sphinx settings ({where}, with [tool.{TABLE}.sphinx] applied)")
    for name, value in describe(conf):
        click.echo(f"#   {name:<24} {value}")
    for note in conf.notes:
        click.echo(f"#   note: {note.message}")


def config_rows(config: Config) -> list[dict[str, Any]]:
    """Every key of the core and of the enabled plugins, from their declarations."""
    rows: list[dict[str, Any]] = []
    for key in describe(config.plugins):
        sub = key.table.removeprefix(TABLE).lstrip(".")
        values = config.table(sub) if sub else config.values
        rows.append(
            {
                "table": f"tool.{key.table}",
                "key": key.name,
                "type": key.type,
                "default": key.default,
                "doc": key.doc,
                "value": values.get(key.name, key.default),
            }
        )
    return rows


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


# ---- inventories ----------------------------------------------------------------------


@click.command(name="inventories")
@click.option("--refresh", is_flag=True, help="Fetch again even within the cache TTL.")
@click.pass_context
def inventories(ctx: click.Context, refresh: bool) -> None:
    """Fetch each intersphinx_mapping inventory into the cache, for offline checks."""
    from ..intersphinx import fetch_inventories
    from ..sphinxconf import load_sphinx_conf

    config = _state_config(ctx)
    conf = load_sphinx_conf(config)
    if not conf.intersphinx:
        click.echo(
            "no intersphinx_mapping in conf.py or [tool.docs-audit.sphinx]: nothing to fetch"
        )
        raise SystemExit(0)
    failed = 0
    for result in fetch_inventories(config, conf, force=refresh):
        inventory = result.inventory
        name = inventory.prefix or "(no prefix)"
        if result.status == "failed":
            failed += 1
            click.echo(f"{name:<16} failed   {inventory.inventory_url}: {result.error}")
        else:
            click.echo(
                f"{name:<16} {result.status:<8} {result.entries:>7} objects  {inventory.inventory_url}"
            )
    if failed:
        click.echo(
            f"{failed} inventor{'y' if failed == 1 else 'ies'} not fetched: references into "
            "them stay undecided",
            err=True,
        )
    raise SystemExit(1 if failed else 0)


#: The name ``cli.py``'s lazy group looks up for ``docs-audit config``.
config = config_command
