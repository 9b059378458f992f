"""The engines behind the commands, behind one small protocol.

An engine (offline checks, style, links, build) runs over a loaded project and
returns every finding it has, with its figures, or the reason it could not run.
It never applies select/ignore/suppressions (:mod:`~docs_audit.selection` does,
once, in :func:`docs_audit.api.audit`) and never prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from .findings import Finding, UsageError
from .paths import PageSet
from .registry import RULES, Checker, Violation

if TYPE_CHECKING:
    from .config import Config
    from .context import Context
    from .document import Document
    from .project import Project
    from .selection import Selection


@dataclass
class RunContext:
    """What every engine gets: the configuration, the tree loaded once, the pages
    reported on, and the selection (so an engine may skip work nobody will see)."""

    config: Config
    project: Project
    pages: PageSet
    selection: Selection

    @property
    def documents(self) -> list[Document]:
        return [d for d in self.project.documents.values() if d.relpath in self.pages]


@dataclass
class EngineResult:
    """Every finding of one engine, before selection, with its figures."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    #: Why the engine could not run (no Vale configuration, Sphinx not installed...).
    skipped: str | None = None
    #: One-line remarks for stderr (a discarded cache, an unevaluated rule, a summary).
    notes: list[str] = field(default_factory=list)
    #: The engine's own Markdown report, rendered from the findings it is given
    #: (the selected ones).
    markdown: Callable[[list[Finding]], str] | None = None
    #: The engine's native result (the links engine's LinkReport) for command extras.
    detail: Any = None


class Engine(Protocol):
    name: str

    def run(self, context: RunContext) -> EngineResult: ...


@dataclass
class CheckEngine:
    """The offline checks of the rule registry (labels, references, template...)."""

    use_cache: bool = True
    name: str = "check"

    def run(self, context: RunContext) -> EngineResult:
        from .checks.inputs import BY_CODE as INPUT_RULES
        from .checks.resolution import verdict_counts
        from .context import Context

        project = context.project
        wanted = context.pages.wanted
        ctx = Context(
            context.config, project, self.use_cache, None if wanted is None else frozenset(wanted)
        )
        findings = [
            INPUT_RULES[problem.code].finding(
                Violation(relpath, problem.line, problem.column, problem.message)
            )
            for relpath, problem in project.unreadable.items()
        ]
        documents = context.documents
        for doc in documents:
            findings.extend(
                INPUT_RULES[p.code].finding(Violation(doc.relpath, p.line, p.column, p.message))
                for p in doc.problems
            )
        for checker in RULES.checkers([p.name for p in context.config.plugins]):
            if any(context.selection.enabled(rule.code) for rule in checker.rules):
                findings.extend(_run_checker(checker, ctx, documents))
        if self.use_cache:
            project.save_cache()
        # References only autodoc or an uncached inventory could settle: counted, not errors.
        return EngineResult(findings, stats=verdict_counts(ctx), notes=ctx.notes)


def _run_checker(
    checker: Checker, ctx: Context, documents: Iterable[Document]
) -> Iterable[Finding]:
    if checker.scope == "project":
        return [checker.finding(v) for v in checker.check(ctx)]
    return [checker.finding(v) for doc in documents for v in checker.check(doc, ctx)]


@dataclass
class StyleEngine:
    """The project's Vale rules, with vale or the built-in engine."""

    #: ``auto``, ``builtin`` or ``vale``; ``None`` keeps ``[tool.docs-audit.style]``.
    vale: str | None = None
    name: str = "style"
    #: It lints the files with its own reader, so it may run beside the project parse.
    reads_own_files: ClassVar[bool] = True

    def run(self, context: RunContext) -> EngineResult:
        from .style.api import check_style, to_findings

        config = context.config
        missing = missing_vale_config(config)
        if missing is not None:
            return EngineResult(skipped=missing)
        paths: list[Path] | None = None
        if context.pages.wanted is not None:
            paths = [config.root / relpath for relpath in sorted(context.pages.wanted)]
        run = check_style(paths, config, engine=self.vale)
        notes = [
            f"note: {name} ({kind}) is not evaluated by the built-in engine"
            for name, kind in sorted(run.unsupported.items())
        ]
        return EngineResult(
            to_findings(run, run.cwd, config.root),
            {"files": run.files, "alerts": len(run.alerts)},
            notes=notes,
        )


def missing_vale_config(config: Config) -> str | None:
    """Why the style check has nothing to run, or ``None`` when a Vale config exists."""
    from .style.ini import find_config

    table = config.table("style")
    if (config.root / str(table["vale-ini"])).is_file() or os.environ.get("VALE_CONFIG_PATH"):
        return None
    if find_config(config.root) is not None:
        return None
    return f"no Vale configuration ({table['vale-ini']}) in {config.root} or above"


@dataclass
class LinksEngine:
    """External links, fetched asynchronously and cached."""

    overrides: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    use_cache: bool = True
    name: str = "links"

    def run(self, context: RunContext) -> EngineResult:
        from .links.api import check_links
        from .links.config import settings_from
        from .links.report import broken_urls, markdown_report, unverified_urls

        settings = settings_from(context.config, self.overrides)
        report = check_links(
            context.documents,
            context.config,
            progress=self.progress,
            settings=settings,
            use_cache=self.use_cache,
        )
        summary = report.summary
        notes = [f"warning: {warning}" for warning in report.warnings]
        failing = unverified_urls(report.findings)
        notes.append(
            f"{summary.checked} checked, {summary.ok} ok, {broken_urls(report.findings)} broken, "
            + (f"{failing} failing (warnings), " if failing else "")
            + f"{summary.redirected} redirected, {summary.skipped} skipped, "
            f"{summary.cached} cached; {report.requests} requests in {report.elapsed:.1f} s"
        )
        from .intersphinx import refresh_summary

        # The intersphinx inventories ride along, so `check` resolves them offline.
        inventories = refresh_summary(context.config, context.project.sphinx, settings)
        if inventories:
            notes.append(inventories)

        def markdown(selected: list[Finding]) -> str:
            return markdown_report(replace(report, findings=sorted(selected)))

        return EngineResult(
            list(report.findings),
            {**summary.as_dict(), "requests": report.requests},
            skipped="network unavailable" if report.network_unavailable else None,
            notes=notes,
            markdown=markdown,
            detail=report,
        )


@dataclass
class BuildEngine:
    """The real Sphinx build (``-W -n --keep-going``), its warnings as findings."""

    name: str = "build"

    def run(self, context: RunContext) -> EngineResult:
        from .build import run_build, sphinx_command

        try:
            # The project's own sphinx-build when configured, else docs-audit's Sphinx.
            sphinx_command(context.config)
        except UsageError as exc:
            return EngineResult(skipped=str(exc))
        return EngineResult(run_build(context.config))


def by_name(names: Sequence[str]) -> list[Engine]:
    """Engines with their default options, in the order given."""
    known: dict[str, Callable[[], Engine]] = {
        "check": CheckEngine,
        "style": StyleEngine,
        "links": LinksEngine,
        "build": BuildEngine,
    }
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(
            f"unknown stage(s) {', '.join(unknown)}; valid stages are: {', '.join(known)}"
        )
    return [known[name]() for name in names]


def timed(engine: Engine, context: RunContext) -> tuple[EngineResult, float]:
    started = time.perf_counter()
    result = engine.run(context)
    return result, time.perf_counter() - started
