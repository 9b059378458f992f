"""The ``docs-audit`` command line: thin wrappers over the library API.

Exit status: 0 when no finding has error severity, 1 when one does, 2 for a usage,
configuration or internal error (one line on stderr; ``--debug`` adds the traceback).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .baseline import apply_baseline, baseline_options
from .commandline import (
    AuditState,
    common_options,
    finish,
    paths_argument,
    run_audit,
)
from .findings import UsageError

ENGINE_COMMANDS = (
    ("docs_audit.style.command", "style"),
    ("docs_audit.links.command", "links"),
    ("docs_audit.commands.project_commands", "init"),
    ("docs_audit.commands.project_commands", "config"),
    ("docs_audit.commands.project_commands", "inventories"),
)


class LazyGroup(click.Group):
    """Adds the engine commands (style, links) only when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(name for _, name in ENGINE_COMMANDS)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        for module, command in ENGINE_COMMANDS:
            if name == command:
                loaded: click.Command = getattr(importlib.import_module(module), command)
                return loaded
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docs-audit")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read (default: the nearest one with [tool.docs-audit]).",
)  # fmt: skip
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: on a terminal)."
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, debug: bool, color: bool | None) -> None:
    """Documentation-quality checks for Sphinx projects."""
    ctx.obj = AuditState(config_path, debug, color)


@cli.command()
@paths_argument
@common_options
@click.option("--no-cache", is_flag=True, help="Parse every page again, ignoring the cache.")
@baseline_options
@click.pass_obj
def check(
    state: AuditState,
    paths: tuple[Path, ...],
    skip_outside: bool,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    no_cache: bool,
    baseline: Path | None,
    update_baseline: bool,
) -> None:
    """Run the offline checks. PATHS are pages or folders below the docs root; with
    PATHS, report on those pages only (cross-file facts still come from the whole tree)."""
    from .engines import CheckEngine

    result = run_audit(
        state, "check", [CheckEngine(use_cache=not no_cache)], paths, select, ignore,
        extend_select, skip_outside=skip_outside, use_cache=not no_cache,
    )  # fmt: skip
    baseline_note = apply_baseline(result.report, state.config, baseline, update_baseline)
    status = finish(result, fmt, output, state)
    if baseline_note:
        click.echo(baseline_note, err=True)
    raise SystemExit(status)


@cli.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def list_rules(state: AuditState, fmt: str) -> None:
    """List every rule: code, name, severity, on by default, opt-in or in a plugin not
    enabled here, and summary."""
    import json

    from .registry import RULES, every_plugin
    from .selection import load_rules

    load_rules(state.config)
    every_plugin(state.config.plugins)  # their codes are documented even when off
    if fmt == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "family": r.family,
                "severity": r.severity.value,
                "default": r.default,
                "plugin": r.plugin or None,
                "summary": r.summary,
            }
            for r in RULES
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    enabled = {p.name for p in state.config.plugins}
    for rule in RULES:
        on = "default" if rule.default else "opt-in"
        if rule.plugin and rule.plugin not in enabled:
            on = "plugin"  # its plugin is installed, not enabled here
        click.echo(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {on:<8} {rule.summary}")


@cli.command()
@click.argument("code")
@click.pass_obj
def explain(state: AuditState, code: str) -> None:
    """Print the documentation of one rule (by code or name), whether it is on by
    default, and how to turn it on or off."""
    from .registry import RULES, every_plugin
    from .selection import load_rules, resolve

    load_rules(state.config)
    every_plugin(state.config.plugins)  # their codes are documented even when off
    rule = RULES.lookup(code) or RULES.get(resolve(code, "explain"))
    if rule is None:
        raise UsageError(f"'{code}' is a prefix of several rules; 'docs-audit list' shows them")
    click.echo(f"{rule.code} {rule.name} ({rule.family}, {rule.severity.value})\n")
    click.echo(rule.doc)
    if rule.default:
        state_line = "On by default (it predicts a Sphinx warning, a broken page or a broken link)."
    else:
        state_line = (
            "Off by default (a house rule). Turn it on with "
            f'extend-select = ["{rule.code}"] in [tool.docs-audit], --extend-select {rule.code}, '
            'or preset = "strict".'
        )
    if rule.plugin and rule.plugin not in {p.name for p in state.config.plugins}:
        state_line = (
            f"Reported by the plugin '{rule.plugin}', not enabled here: "
            f'plugins = ["{rule.plugin}"] in [tool.docs-audit] enables it.\n{state_line}'
        )
    click.echo(
        f"\n{state_line}\n"
        "Turn it off:\n"
        f'  everywhere      ignore = ["{rule.code}"] in [tool.docs-audit], or --ignore {rule.code}\n'
        f'  in some files   [tool.docs-audit.per-file-ignores] "docs/old/*.md" = ["{rule.code}"]\n'
        f"  at one place    <!-- docs-audit: ignore {rule.code} --> (Markdown) or\n"
        f"                  .. docs-audit: ignore {rule.code} (RST) before the block"
    )


@cli.command()
@common_options
@click.pass_obj
def build(
    state: AuditState,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
) -> None:
    """Build the site with Sphinx (-W -n --keep-going); warnings become findings."""
    from .engines import BuildEngine

    result = run_audit(state, "build", [BuildEngine()], (), select, ignore, extend_select)
    if result.stages[0].skipped:
        raise UsageError(f"cannot build: {result.stages[0].skipped}")
    raise SystemExit(finish(result, fmt, output, state))


@cli.command()
@common_options
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(["check", "style", "links", "build"]),
    help="Leave out a stage.",
)
@baseline_options
@click.pass_obj
def release(
    state: AuditState,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    skip: tuple[str, ...],
    baseline: Path | None,
    update_baseline: bool,
) -> None:
    """Every check this project has (offline checks, style, links, build) in one run,
    with a summary table of the stages on stderr."""
    from .release import release_engines, stage_table

    engines, left_out = release_engines(state.config, set(skip))
    result = run_audit(state, "release", engines, (), select, ignore, extend_select)
    baseline_note = apply_baseline(result.report, state.config, baseline, update_baseline)
    status = finish(result, fmt, output, state)
    if baseline_note:
        click.echo(baseline_note, err=True)
    for line in stage_table(result.stages, left_out):
        click.echo(line, err=True)
    raise SystemExit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="docs-audit", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    except click.exceptions.Abort:
        click.echo("docs-audit: aborted", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2
    except UsageError as exc:
        # Errors name files, whose names can hold anything.
        from .report.escape import printable

        click.echo(f"docs-audit: error: {printable(str(exc))}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("docs-audit: interrupted", err=True)
        return 2
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"docs-audit: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
            err=True,
        )
        return 2
    return 0


def entry() -> NoReturn:
    """The console script and ``python -m docs_audit``: :func:`main`, in a process of its
    own, which it ends with :func:`main`'s status."""
    # A run builds millions of small objects (tokens, nodes, findings) and few cycles:
    # at the collector's default pace a 2.5 MB page spends 0.6 s of 3.5 s collecting.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    status = main()
    # Tearing the interpreter down frees every object one at a time: 20 ms of a 200 ms
    # check. Everything docs-audit writes is written and closed by now (caches commit as
    # they go), so flush what the streams hold and let the system take the memory back.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 2  # the report could not be written whole
    os._exit(status)


if __name__ == "__main__":
    entry()
