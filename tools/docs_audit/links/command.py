"""``docs-audit links``: the command-line face of the links engine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ..commandline import AuditCommand, common_options, finish, paths_argument, run_audit, state_of


@click.command(name="links", cls=AuditCommand)
@paths_argument
@common_options
@click.option(
    "--markdown-report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the Markdown report (summary and tables) to this file.",
)
@click.option("--no-cache", is_flag=True, help="Check every URL again, ignoring cached results.")
@click.option(
    "--allow-private",
    is_flag=True,
    default=None,
    help="Also fetch loopback, private and reserved hosts (tests, benchmarks).",
)
@click.option(
    "--require-network",
    is_flag=True,
    default=None,
    help="Fail (instead of warn) when no host can be reached.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr (default: on a terminal or in CI).",
)
@click.pass_context
def links(
    ctx: click.Context,
    paths: tuple[Path, ...],
    skip_outside: bool,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    markdown_report: Path | None,
    no_cache: bool,
    allow_private: bool | None,
    require_network: bool | None,
    progress: bool | None,
) -> None:
    """Check the external links of the pages (all pages, or those under PATHS).

    Each distinct URL is fetched once (HEAD first, GET for anchors), politely: a
    global and a per-host limit, retries with backoff, Retry-After honoured.
    Successful results are cached for cache-ttl seconds.
    """
    from ..engines import LinksEngine

    state = state_of(ctx)
    overrides: dict[str, Any] = {}
    if allow_private:
        overrides["allow-private"] = True
    if require_network:
        overrides["require-network"] = True
    if progress is None:
        progress = sys.stderr.isatty() or bool(os.environ.get("CI"))
    engine = LinksEngine(overrides, progress=progress, use_cache=not no_cache)
    result = run_audit(
        state, "links", [engine], paths, select, ignore, extend_select, skip_outside=skip_outside
    )
    if markdown_report is not None and result.stages:
        from ..output import write_output

        write_output(markdown_report, result.stages[0].markdown or "")
    raise SystemExit(finish(result, fmt, output, state))
