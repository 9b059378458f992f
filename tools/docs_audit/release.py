"""``docs-audit release``: every stage in one run, one report, one summary."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .api import apply_selection, run
from .config import Config, setting
from .findings import Finding, Report, UsageError
from .project import Project, load_project


@dataclass(frozen=True)
class ReleaseTable:
    """``[tool.docs-audit.release]``: the release audit."""

    stages: list[str] = setting(
        ["check", "style", "links", "build"],
        "Stages the release audit runs, in order.",
    )


def _style(config: Config, project: Project) -> list[Finding]:
    from .style.api import run_style

    return run_style(None, config)


def _links(config: Config, project: Project) -> list[Finding]:
    from .links.api import check_links

    return list(check_links(project.documents.values(), config, progress=False).findings)


def _build(config: Config, project: Project) -> list[Finding]:
    from .build import run_build

    return run_build(config)


ENGINES: dict[str, Callable[[Config, Project], list[Finding]]] = {
    "style": _style,
    "links": _links,
    "build": _build,
}


def run_release(
    config: Config, select: Sequence[str], ignore: Sequence[str], skip: set[str]
) -> tuple[Report, list[str]]:
    """Run the configured stages; return the merged report and a summary table."""
    stages = config.table("release")["stages"]
    unknown = [stage for stage in stages if stage not in ("check", *ENGINES)]
    if unknown:
        raise UsageError(
            f"{config.source}: 'docs-audit.release.stages' names unknown stage(s) "
            f"{', '.join(unknown)}; valid stages are: check, {', '.join(ENGINES)}"
        )
    report = Report()
    project = load_project(config)
    rows = []
    for stage in stages:
        if stage in skip:
            rows.append((stage, "skipped", 0, 0, 0.0))
            continue
        started = time.perf_counter()
        before_errors, before_total = report.errors, len(report.findings)
        if stage == "check":
            report.extend(run(None, config, select, ignore, project=project))
        else:
            apply_selection(
                ENGINES[stage](config, project), config, project, report, select, ignore
            )
        elapsed = time.perf_counter() - started
        rows.append(
            (
                stage,
                "ran",
                len(report.findings) - before_total,
                report.errors - before_errors,
                elapsed,
            )
        )
    report.sort()
    return report, _table(rows)


def _table(rows: list[tuple[str, str, int, int, float]]) -> list[str]:
    lines = ["", "stage   status   findings  errors  seconds"]
    for stage, status, findings, errors, seconds in rows:
        lines.append(f"{stage:<7} {status:<8} {findings:>8}  {errors:>6}  {seconds:>7.2f}")
    return lines
