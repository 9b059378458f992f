"""``docs-audit links``: the command-line face of the links engine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..commandline import AuditCommand, common_options, finish, paths_argument, run_audit, state_of
from ..findings import UsageError

if TYPE_CHECKING:
    from ..api import Audit
    from ..config import Config


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
    "--report-after",
    type=click.IntRange(min=1),
    default=None,
    help="Consecutive failing runs after which a transient failure is an error "
    "(default: report-after of the config).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Rewrite permanently redirected URLs (and http URLs whose https twin answers "
    "the same) in the source files.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the unified diff --fix would apply (instead of the findings) and write nothing.",
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
    report_after: int | None,
    fix: bool,
    diff: bool,
    progress: bool | None,
) -> None:
    """Check the external links of the pages (all pages, or those under PATHS).

    Each distinct URL is fetched once (HEAD first, GET for anchors), politely: a
    global and a per-host limit, retries with backoff, Retry-After honoured.
    Successful results are cached for cache-ttl seconds. Each run's outcomes go to a
    history: transient failures (timeouts, 5xx, 429) are warnings until they fail in
    report-after runs in a row. --fix rewrites permanently redirected URLs in the
    sources; --diff shows that change without writing it.
    """
    from ..engines import LinksEngine

    if fix and diff:
        raise UsageError("use --fix (rewrite the files) or --diff (show the rewrites), not both")
    state = state_of(ctx)
    overrides: dict[str, Any] = {}
    if allow_private:
        overrides["allow-private"] = True
    if require_network:
        overrides["require-network"] = True
    if report_after is not None:
        overrides["report-after"] = report_after
    if progress is None:
        progress = sys.stderr.isatty() or bool(os.environ.get("CI"))
    engine = LinksEngine(overrides, progress=progress, use_cache=not no_cache)
    result = run_audit(
        state, "links", [engine], paths, select, ignore, extend_select, skip_outside=skip_outside
    )
    if fix or diff:
        _fix(result, state.config, overrides, write=fix)
    if markdown_report is not None and result.stages:
        from ..output import write_output

        write_output(markdown_report, result.stages[0].markdown or "")
    if diff and output is None:  # stdout carries the diff: `links --diff > fix.patch`
        raise SystemExit(1 if result.report.errors else 0)
    raise SystemExit(finish(result, fmt, output, state))


def _fix(audit: Audit, config: Config, overrides: dict[str, Any], *, write: bool) -> None:
    """--fix / --diff on the links stage; after a real fix the permanent-redirect
    findings of the rewritten places leave the report: they no longer hold the URL."""
    from dataclasses import replace

    from .api import LinkReport
    from .config import settings_from
    from .fix import fix_and_tell, without_fixed
    from .report import markdown_report

    for stage in audit.stages:
        report = stage.detail
        if not isinstance(report, LinkReport):
            continue
        fixed = fix_and_tell(report, config, settings_from(config, overrides), write=write)
        if write and fixed.rewrites:
            audit.report.findings = without_fixed(audit.report.findings, fixed.rewrites)
            stage.findings = without_fixed(stage.findings, fixed.rewrites)
            if stage.markdown is not None:
                stage.markdown = markdown_report(replace(report, findings=stage.findings))
