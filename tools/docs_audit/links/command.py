"""``docs-audit links``: the command-line face of :func:`~docs_audit.links.api.check_links`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ..findings import UsageError
from ..output import write_output

FORMATS = ["text", "json", "github", "sarif", "markdown"]


@click.command(name="links")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format of the findings.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings to this file instead of standard output.",
)
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
    fmt: str,
    output: Path | None,
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
    from ..project import load_project, project_relpath
    from .api import check_links
    from .config import settings_from
    from .report import markdown_report as render_markdown

    config = _config(ctx)
    overrides: dict[str, Any] = {}
    if allow_private:
        overrides["allow-private"] = True
    if require_network:
        overrides["require-network"] = True
    settings = settings_from(config, overrides)
    project = load_project(config)
    documents = list(project.documents.values())
    if paths:
        wanted = [project_relpath(config, path) for path in paths]
        documents = [d for d in documents if any(_under(d.relpath, w) for w in wanted)]
    if progress is None:
        progress = sys.stderr.isatty() or bool(os.environ.get("CI"))
    report = check_links(
        documents, config, progress=progress, settings=settings, use_cache=not no_cache
    )
    for warning in report.warnings:
        click.echo(f"docs-audit links: warning: {warning}", err=True)
    markdown = render_markdown(report)
    if markdown_report is not None:
        write_output(markdown_report, markdown)
    from ..api import apply_selection
    from ..cli import emit
    from ..findings import Report

    # ignore, per-file-ignores, severities and inline suppressions apply as in `check`.
    whole = report.as_report()
    shared = Report(files_checked=whole.files_checked, stats=whole.stats)
    apply_selection(whole.findings, config, project, shared)
    shared.sort()
    status = emit(shared, fmt, output, ctx.obj, text=markdown if fmt == "markdown" else None)
    summary = report.summary
    click.echo(
        f"links: {summary.checked} checked, {summary.ok} ok, {summary.broken} broken, "
        f"{summary.redirected} redirected, {summary.skipped} skipped, {summary.cached} cached; "
        f"{report.requests} requests in {report.elapsed:.1f} s",
        err=True,
    )
    raise SystemExit(status)


def _config(ctx: click.Context) -> Any:
    state = ctx.obj
    if state is not None and hasattr(state, "config"):
        return state.config
    from ..config import load_config

    try:
        return load_config()
    except UsageError as exc:  # standalone use, outside the docs-audit group
        raise click.UsageError(str(exc)) from None


def _under(relpath: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return relpath == wanted or relpath.startswith(wanted + "/") or wanted in ("", ".")
