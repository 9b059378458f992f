"""The ``docs-audit`` command line: thin wrappers over the library API.

Exit status: 0 when no finding has error severity, 1 when one does, 2 for a usage,
configuration or internal error (one line on stderr; ``--debug`` adds the traceback).
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import Config, load_config
from .findings import Report, UsageError
from .output import write_output
from .report.escape import printable

FORMAT_CHOICES = ["text", "json", "github", "sarif", "markdown"]


class AuditState:
    """What the group's options leave for the subcommands."""

    def __init__(self, config_path: Path | None, debug: bool, color: bool | None) -> None:
        self.config_path = config_path
        self.debug = debug
        self.color = color
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--select", multiple=True, help="Codes or prefixes to report (comma-separated)."
    )(func)
    func = click.option("--ignore", multiple=True, help="Codes or prefixes not to report.")(func)
    func = click.option(
        "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True,
        help="Output format.",
    )(func)  # fmt: skip
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report to this file instead of standard output.",
    )(func)  # fmt: skip


def emit(
    report: Report, fmt: str, output: Path | None, state: AuditState | None, text: str | None = None
) -> int:
    """Print (or write) the report, or ``text`` already rendered from it; return the exit
    status it calls for. Every command ends here, so output and exit codes agree."""
    from .report import render

    chosen = state.color if state is not None else None
    color = chosen if chosen is not None else (output is None and sys.stdout.isatty())
    if text is None:
        text = render(report, fmt, color=color and fmt == "text")
    write_output(output, text)
    return 1 if report.errors else 0


ENGINE_COMMANDS = (
    ("docs_audit.style.command", "style"),
    ("docs_audit.links.command", "links"),
)


ENGINE_RULES = ("docs_audit.style.codes", "docs_audit.links.rules")


def load_engines() -> None:
    """Register the style and link rules (their engines stay unimported)."""
    for module in ENGINE_RULES:
        importlib.import_module(module)


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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options
@click.option("--no-cache", is_flag=True, help="Parse every page again, ignoring the cache.")
@click.pass_obj
def check(
    state: AuditState,
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
    no_cache: bool,
) -> None:
    """Run every offline check. With PATHS, report on those files only (cross-file
    facts still come from the whole tree)."""
    from .api import run

    report = run(
        paths or None, state.config, _codes(select), _codes(ignore), use_cache=not no_cache
    )
    raise SystemExit(emit(report, fmt, output, state))


@cli.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def list_rules(state: AuditState, fmt: str) -> None:
    """List every rule: code, name, severity and summary."""
    import json

    from .api import load_plugins
    from .registry import RULES

    load_plugins(state.config)
    load_engines()
    if fmt == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "family": r.family,
                "severity": r.severity.value,
                "summary": r.summary,
            }
            for r in RULES
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}")


@cli.command()
@click.argument("code")
@click.pass_obj
def explain(state: AuditState, code: str) -> None:
    """Print the documentation of one rule (by code or name)."""
    from .api import load_plugins
    from .registry import RULES

    load_plugins(state.config)
    load_engines()
    rule = RULES.get(code) or RULES.by_name(code)
    if rule is None:
        raise UsageError(f"no rule '{code}'; 'docs-audit list' shows them all")
    click.echo(f"{rule.code} {rule.name} ({rule.family}, {rule.severity.value})\n")
    click.echo(rule.doc)


@cli.command()
@selection_options
@click.pass_obj
def build(
    state: AuditState,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Build the site with Sphinx (-W -n --keep-going); warnings become findings."""
    from .api import apply_selection
    from .build import run_build
    from .project import load_project

    project = load_project(state.config)
    report = Report(files_checked=len(project.documents))
    # With the tree loaded, inline suppressions apply to build warnings as well.
    apply_selection(
        run_build(state.config), state.config, project, report, _codes(select), _codes(ignore)
    )
    report.sort()
    raise SystemExit(emit(report, fmt, output, state))


@cli.command()
@selection_options
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(["check", "style", "links", "build"]),
    help="Leave out a stage.",
)
@click.pass_obj
def release(
    state: AuditState,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
    skip: tuple[str, ...],
) -> None:
    """Every check this project has (offline checks, style, links, build) in one run."""
    from .release import run_release

    report, stages = run_release(state.config, _codes(select), _codes(ignore), set(skip))
    status = emit(report, fmt, output, state)
    for line in stages:
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


if __name__ == "__main__":
    raise SystemExit(main())
