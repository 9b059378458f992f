"""The library API, apart from any command line.

:func:`audit` loads the project once, runs a selection of engines over it and applies
the selection exactly once; :func:`run` is the offline checks alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .beside import BESIDE_UP_TO_BYTES, Beside, independent, start_beside
from .config import Config
from .engines import CheckEngine, Engine, RunContext, timed
from .findings import Finding, Report, Severity, UsageError
from .forked import fork_available
from .parsepool import PARALLEL_FROM_BYTES
from .paths import EXCLUDED, PAGE_SUFFIXES, PageSet, check_docs_root, select_pages
from .project import Project, load_project
from .selection import Selection, load_rules

__all__ = ["Audit", "Selection", "Stage", "audit", "load_plugins", "run"]


@dataclass
class Stage:
    """One engine's part of a run, after selection."""

    name: str
    skipped: str | None = None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    stats: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The engine's own Markdown report of the selected findings, if it has one.
    markdown: str | None = None
    detail: object = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


@dataclass
class Audit:
    """What :func:`audit` returns: one report (selected findings only) and its stages."""

    report: Report
    stages: list[Stage]
    pages: PageSet


def load_plugins(config: Config) -> None:
    """Register every rule the configuration can report (built-ins, engines, plugins)."""
    load_rules(config)


def audit(
    paths: Sequence[Path] | None,
    config: Config,
    engines: Sequence[Engine],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    *,
    use_cache: bool = True,
    project: Project | None = None,
    skip_outside: bool = False,
) -> Audit:
    """Run ``engines`` over the project; report on ``paths`` (files or folders below
    the docs root) or the whole tree.

    Raises :class:`UsageError` for a docs root that is not a folder, a path that does
    not exist or lies outside it, an unknown rule, and a run that found no page.
    """
    choice = (tuple(select), tuple(ignore), tuple(extend_select))
    plan = _Plan(config, paths, engines, choice, skip_outside)
    try:
        check_docs_root(config)
    except UsageError:
        plan.selection()  # a mistake in the selection is named first, as it comes first
        raise
    try:
        if project is None:
            # The rules load while forked workers parse (loading them is a tenth of a
            # small tree's check); without workers, before any page is parsed.
            project = load_project(
                config, use_cache, before_parse=plan.start_beside, meanwhile=plan.selection
            )
        return plan.run(project)
    finally:
        plan.stop()


@dataclass
class _Plan:
    """One :func:`audit`: what to run, on which paths, and the engines started early."""

    config: Config
    paths: Sequence[Path] | None
    engines: Sequence[Engine]
    #: select, ignore and extend-select of the command line.
    choice: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    skip_outside: bool
    beside: dict[str, Beside] = field(default_factory=dict)
    _selection: Selection | None = None

    def selection(self) -> Selection:
        """The rules to report (their modules loaded, the selectors checked), once."""
        if self._selection is None:
            self._selection = Selection.from_config(self.config, *self.choice)
        return self._selection

    def start_beside(self, project: Project, relpaths: list[str], to_parse: int) -> None:
        """Start the engines that read their own files, when there is a parse to overlap."""
        if not PARALLEL_FROM_BYTES <= to_parse <= BESIDE_UP_TO_BYTES:
            return
        if not any(independent(engine) for engine in self.engines):
            return
        if not fork_available():
            return
        pages = self._pages(relpaths)
        if pages.wanted is None or pages.wanted:
            context = RunContext(self.config, project, pages, self.selection())
            self.beside.update(start_beside(self.engines, context))

    def stop(self) -> None:
        for worker in self.beside.values():
            worker.stop()

    def _pages(self, relpaths: list[str]) -> PageSet:
        return select_pages(self.config, self.paths, relpaths, skip_outside=self.skip_outside)

    def run(self, project: Project) -> Audit:
        config, paths, selection = self.config, self.paths, self.selection()
        # Unreadable pages count as checked (they have their finding); the page cache does not.
        relpaths = [d.relpath for d in project.documents.values()]
        relpaths += [path for path in project.unreadable if path.endswith(PAGE_SUFFIXES)]
        pages = self._pages(relpaths)
        checked = len(relpaths) if pages.wanted is None else len(pages.wanted)
        if pages.wanted is None and project.excluded:
            pages.skipped[EXCLUDED] += len(project.excluded)
        report = Report(files_checked=checked, files_skipped=dict(pages.skipped))
        stages: list[Stage] = []
        if checked == 0:
            if paths and self.skip_outside and set(pages.skipped) == {"outside the docs root"}:
                return Audit(report, stages, pages)  # pre-commit passed only files we do not own
            raise UsageError(_nothing_checked(config, project, pages))
        context = RunContext(config, project, pages, selection)
        documents = {d.relpath: d for d in project.documents.values()}
        for parts in project.included.values():
            # Findings in included content stand at the included file's own lines, where
            # its own suppression comments are.
            documents.update(
                (part.relpath, part) for part in parts if part.relpath not in documents
            )
        for engine in self.engines:
            worker = self.beside.pop(engine.name, None)
            result, seconds = worker.result() if worker is not None else timed(engine, context)
            stage = Stage(engine.name, result.skipped, seconds=seconds, stats=result.stats)
            stage.notes, stage.detail = result.notes, result.detail
            # The one place findings are selected, suppressed and given their severity.
            stage.findings = selection.apply(result.findings, documents, pages, report)
            if result.markdown is not None:
                stage.markdown = result.markdown(stage.findings)
            if result.stats:
                report.stats[engine.name] = dict(result.stats)
            stages.append(stage)
        report.sort()
        return Audit(report, stages, pages)


def _nothing_checked(config: Config, project: Project, pages: PageSet) -> str:
    if pages.wanted is None:
        suffixes = ", ".join(project.page_suffixes)
        return f"no pages ({suffixes}) below the docs root {config.docs_root}; nothing checked"
    reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(pages.skipped.items()))
    return f"no page among the given paths ({reasons}); nothing checked"


def run(
    paths: Iterable[Path] | None,
    config: Config,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    use_cache: bool = True,
    project: Project | None = None,
    extend_select: Sequence[str] = (),
) -> Report:
    """Run the offline checks; with ``paths``, report only on those files."""
    chosen = list(paths) if paths is not None else None
    engines = [CheckEngine(use_cache=use_cache)]
    return audit(
        chosen, config, engines, select, ignore, extend_select, use_cache=use_cache, project=project
    ).report
