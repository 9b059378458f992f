"""``docs-audit style``: the command-line face of :func:`~docs_audit.style.api.check_style`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..findings import Report, UsageError

FORMATS = ["text", "line", "json", "github", "sarif", "markdown"]


class StyleUsageError(click.ClickException):
    """A broken style configuration: one line, exit status 2."""

    exit_code = 2


def _config(ctx: click.Context, path: Path | None) -> Any:
    from ..config import load_config

    state = ctx.obj
    if path is None and state is not None and hasattr(state, "config"):
        return state.config
    return load_config(path)


@click.command(name="style")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="'line' prints Vale's path:line:col:Check:message; the others are docs-audit formats.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read (default: the nearest one with [tool.docs-audit]).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "builtin", "vale"]),
    default=None,
    help="Override [tool.docs-audit.style] vale-binary: the vale on PATH, or the built-in engine.",
)
@click.option(
    "--report",
    "-o",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the output to this file instead of standard output.",
)
@click.pass_context
def style(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str,
    config_path: Path | None,
    engine: str | None,
    report_path: Path | None,
) -> None:
    """Check terminology and wording with the Vale rules of .vale.ini.

    Runs the real `vale` when it is on PATH (or configured), otherwise the built-in
    engine, which reads the same .vale.ini and styles with Vale's semantics. Lints
    PATHS, or the configured paths (default: docs). Exit status 1 when an alert of
    level error is found, 2 when the configuration or a rule file is broken.
    """
    from ..cli import emit
    from ..report.escape import printable
    from .api import check_style, to_findings

    config = _config(ctx, config_path)
    try:
        run = check_style(
            list(paths) or None, config, engine="vale" if engine == "vale" else engine
        )
    except UsageError as exc:
        raise StyleUsageError(str(exc)) from None
    for name, kind in sorted(run.unsupported.items()):
        click.echo(
            f"docs-audit style: note: {name} ({kind}) is not evaluated by the built-in engine",
            err=True,
        )
    if fmt == "line":
        # Vale's own format stays Vale's: every alert, as vale would print it.
        ordered = sorted(run.alerts, key=lambda a: (a.path, a.line, a.column))
        lines = [printable(a.as_line()) for a in ordered]
        for error in run.errors:
            click.echo(f"docs-audit style: error: {printable(error)}", err=True)
        for stopped in run.timeouts:
            where = printable(f"{stopped.path}:{stopped.line}")
            click.echo(
                f"docs-audit style: error: {where}: [{stopped.rule}] {stopped.message}", err=True
            )
        failed = (
            any(a.severity == "error" for a in run.alerts) or bool(run.errors) or bool(run.timeouts)
        )
        text = "".join(line + "\n" for line in lines)
        raise SystemExit(emit(Report(), fmt, report_path, ctx.obj, text=text) or int(failed))
    from ..api import apply_selection
    from ..project import load_project

    # ignore, per-file-ignores, severities and inline suppressions apply as in `check`.
    report = Report(files_checked=run.files)
    apply_selection(to_findings(run, run.cwd, config.root), config, load_project(config), report)
    report.sort()
    raise SystemExit(emit(report, fmt, report_path, ctx.obj))
