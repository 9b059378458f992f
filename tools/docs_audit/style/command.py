"""``docs-audit style``: the command-line face of the style engine."""

from __future__ import annotations

from pathlib import Path

import click

from ..commandline import (
    AuditCommand,
    common_options,
    finish,
    note,
    paths_argument,
    run_audit,
    state_of,
)


@click.command(name="style", cls=AuditCommand)
@paths_argument
@common_options
@click.option(
    "--engine",
    type=click.Choice(["auto", "builtin", "vale"]),
    default=None,
    help="Override [tool.docs-audit.style] vale-binary: the vale on PATH, or the built-in engine.",
)
@click.pass_context
def style(
    ctx: click.Context,
    paths: tuple[Path, ...],
    skip_outside: bool,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    engine: str | None,
) -> None:
    """Check terminology and wording with the Vale rules of .vale.ini.

    Runs the real `vale` when it is on PATH (or configured), otherwise the built-in
    engine, which reads the same .vale.ini and styles with Vale's semantics. Lints
    PATHS, or the configured paths (default: docs). Without a Vale configuration it
    does nothing and says so. Exit status 1 when an alert of level error is found,
    2 when the configuration or a rule file is broken.
    """
    from ..engines import StyleEngine

    state = state_of(ctx)
    result = run_audit(
        state, "style", [StyleEngine(engine)], paths, select, ignore, extend_select,
        skip_outside=skip_outside,
    )  # fmt: skip
    if result.stages and result.stages[0].skipped:
        note("style", f"{result.stages[0].skipped}; nothing to check")
        raise SystemExit(0)
    raise SystemExit(finish(result, fmt, output, state))
