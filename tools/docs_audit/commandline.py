"""What every subcommand shares: the common options, running an audit, and printing it.

It sits below ``cli`` (and the engine commands in ``links`` and ``style``), so that
those commands need not import the command-line module that registers them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .config import Config, load_config
from .findings import Report, UsageError
from .output import write_output

if TYPE_CHECKING:
    from .api import Audit
    from .engines import Engine

#: Every output format; ``line`` is Vale's ``path:line:col:Check:message``.
FORMATS = ["text", "line", "json", "github", "sarif", "markdown"]
#: The options every audit subcommand has, as ``--help`` lists them.
COMMON_OPTIONS = ("--format", "--output", "--select", "--ignore", "--extend-select")


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


class StandaloneUsageError(click.ClickException):
    """A :class:`UsageError` of a command run outside the ``docs-audit`` group."""

    exit_code = 2


class AuditCommand(click.Command):
    """A subcommand that, invoked on its own (``CliRunner``, another group), still turns
    usage errors into one line and exit status 2; under ``docs-audit`` ``main`` does."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if ctx.parent is not None:
                raise
            raise StandaloneUsageError(str(exc)) from None


def state_of(ctx: click.Context) -> AuditState:
    """The group's state; a command invoked on its own gets the default one."""
    state = ctx.obj
    if not isinstance(state, AuditState):
        state = ctx.obj = AuditState(None, False, None)
    return state


def codes(values: Sequence[str]) -> list[str]:
    """``--select A,B --select C`` as ``[A, B, C]``."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--format``, ``-o/--output``, ``--select``, ``--ignore``, ``--extend-select``."""
    func = click.option(
        "--extend-select", multiple=True, metavar="CODES",
        help="Codes, prefixes or rule names to report on top of the selection (house rules).",
    )(func)  # fmt: skip
    func = click.option(
        "--ignore", multiple=True, metavar="CODES",
        help="Codes, prefixes or rule names not to report.",
    )(func)  # fmt: skip
    func = click.option(
        "--select", multiple=True, metavar="CODES",
        help="Codes, prefixes or rule names to report instead of the defaults (comma-separated).",
    )(func)  # fmt: skip
    func = click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report to this file instead of standard output.",
    )(func)  # fmt: skip
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
        help="Output format ('line' is Vale's path:line:col:Check:message).",
    )(func)  # fmt: skip


def paths_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """``PATHS`` (files or folders below the docs root) and ``--skip-outside``."""
    func = click.option(
        "--skip-outside", is_flag=True,
        help="Skip paths outside the docs root instead of failing (pre-commit passes every file).",
    )(func)  # fmt: skip
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(func)


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


def note(command: str, text: str) -> None:
    """One line on stderr, named after the command."""
    click.echo(f"docs-audit {command}: {text}", err=True)


def run_audit(
    state: AuditState,
    command: str,
    engines: Sequence[Engine],
    paths: Sequence[Path],
    select: Sequence[str],
    ignore: Sequence[str],
    extend_select: Sequence[str],
    *,
    skip_outside: bool = False,
    use_cache: bool = True,
) -> Audit:
    """Run :func:`~docs_audit.api.audit` for a subcommand; print the engines' notes."""
    from .api import audit

    result = audit(
        list(paths) or None, state.config, engines, codes(select), codes(ignore),
        codes(extend_select), use_cache=use_cache, skip_outside=skip_outside,
    )  # fmt: skip
    if not result.stages:
        note(command, f"nothing to check: {_skipped(result.report)}")
    for stage in result.stages:
        for line in stage.notes:
            note(command if len(result.stages) == 1 else stage.name, line)
    return result


def finish(result: Audit, fmt: str, output: Path | None, state: AuditState) -> int:
    """Emit the report of :func:`run_audit`; an engine's own Markdown report (links)
    stands in for the generic one when it is the only stage."""
    text = None
    if fmt == "markdown" and len(result.stages) == 1:
        text = result.stages[0].markdown
    return emit(result.report, fmt, output, state, text=text)


def _skipped(report: Report) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in sorted(report.files_skipped.items()))
