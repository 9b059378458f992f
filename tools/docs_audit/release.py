"""``docs-audit release``: every stage in one run, one report, one summary table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .api import Stage
from .config import Config, setting
from .engines import Engine, by_name
from .findings import UsageError


@dataclass(frozen=True)
class ReleaseTable:
    """``[tool.docs-audit.release]``: the release audit."""

    stages: list[str] = setting(
        ["check", "style", "links", "build"],
        "Stages the release audit runs, in order.",
    )


def release_engines(config: Config, skip: set[str]) -> tuple[list[Engine], list[str]]:
    """The configured stages' engines, and the stages left out with ``--skip``."""
    stages = config.table("release")["stages"]
    try:
        engines = by_name([stage for stage in stages if stage not in skip])
    except UsageError as exc:
        raise UsageError(f"{config.source}: 'docs-audit.release.stages': {exc}") from None
    return engines, [stage for stage in stages if stage in skip]


def stage_table(stages: Sequence[Stage], left_out: Sequence[str]) -> list[str]:
    """One row per stage: ran or skipped (and why), findings, errors, seconds."""
    lines = ["", "stage   status   findings  errors  seconds  note"]
    for stage in stages:
        status = "skipped" if stage.skipped else "ran"
        row = (
            f"{stage.name:<7} {status:<8} {len(stage.findings):>8}  {stage.errors:>6}  "
            f"{stage.seconds:>7.2f}  {stage.skipped or ''}"
        )
        lines.append(row.rstrip())
    for name in left_out:
        lines.append(f"{name:<7} {'skipped':<8} {0:>8}  {0:>6}  {0.0:>7.2f}  --skip")
    return lines
