"""The library API: ``run(paths, config) -> Report``, apart from any command line."""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checks import load_builtin
from .checks.inputs import BY_CODE as INPUT_RULES
from .checks.resolution import verdict_counts
from .config import Config
from .context import Context
from .document import Document
from .findings import Finding, Report, Severity, UsageError
from .project import Project, load_project, project_relpath
from .registry import RULES, Rule, Violation


@dataclass(frozen=True)
class Selection:
    """Which codes are reported, flake8-style: the longest matching prefix wins."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severities: tuple[tuple[str, Severity], ...] = ()

    @classmethod
    def from_config(
        cls, config: Config, select: Sequence[str] = (), ignore: Sequence[str] = ()
    ) -> Selection:
        severities = []
        for prefix, name in config["severity"].items():
            try:
                severities.append((prefix.upper(), Severity(name)))
            except ValueError:
                raise UsageError(
                    f"{config.source}: severity for '{prefix}' must be error, warning or info, not '{name}'"
                ) from None
        return cls(
            tuple(c.upper() for c in (select or config["select"])),
            tuple(c.upper() for c in [*config["ignore"], *ignore]),
            tuple(
                (glob, tuple(c.upper() for c in codes))
                for glob, codes in config["per-file-ignores"].items()
            ),
            tuple(severities),
        )

    def enabled(self, code: str) -> bool:
        selected = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        if not self.select:
            selected = 0
        if selected < 0:
            return False
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return ignored < 0 or ignored < selected

    def ignored_in(self, path: str, code: str) -> bool:
        return any(
            fnmatch.fnmatch(path, glob) and any(code.startswith(c) for c in codes)
            for glob, codes in self.per_file_ignores
        )

    def severity(self, finding: Finding) -> Finding:
        matches = [(len(p), s) for p, s in self.severities if finding.code.startswith(p)]
        return finding.with_severity(max(matches)[1]) if matches else finding


def load_plugins(config: Config) -> None:
    load_builtin()
    for name in config.values.get("plugins", []):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise UsageError(
                f"{config.source}: plugin '{name}' cannot be imported: {exc}"
            ) from None


def run(
    paths: Iterable[Path] | None,
    config: Config,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    families: Sequence[str] | None = None,
    use_cache: bool = True,
    project: Project | None = None,
) -> Report:
    """Run the offline checks; with ``paths``, report only on those files.

    ``project`` lets a caller that already loaded the tree (``release``) share it.
    """
    load_plugins(config)
    selection = Selection.from_config(config, select, ignore)
    if project is None:
        project = load_project(config, use_cache=use_cache)
    wanted = _wanted(config, paths)
    ctx = Context(config, project)
    report = Report(files_checked=len(project.documents) if wanted is None else len(wanted))
    findings = list(_input_findings(project, wanted))
    for rule in RULES:
        if rule.check is None or (families is not None and rule.family not in families):
            continue
        if selection.enabled(rule.code):
            findings.extend(_run_rule(rule, ctx, wanted))
    _filter(findings, project, selection, wanted, report)
    undecided = verdict_counts(ctx)
    if undecided:
        report.stats["references"] = undecided
    if use_cache:
        project.cache_stale = project.cache_stale or bool(ctx.memo.get("dirty"))
        project.save_cache()
    report.sort()
    return report


def _wanted(config: Config, paths: Iterable[Path] | None) -> set[str] | None:
    if paths is None:
        return None
    return {project_relpath(config, Path(p)) for p in paths}


def _input_findings(project: Project, wanted: set[str] | None) -> Iterable[Finding]:
    for relpath, problem in project.unreadable.items():
        yield INPUT_RULES[problem.code].finding(
            Violation(relpath, problem.line, problem.column, problem.message)
        )
    for doc in project.documents.values():
        if wanted is not None and doc.relpath not in wanted:
            continue  # unpacking every page's details would cost a one-file run dearly
        for problem in doc.problems:
            yield INPUT_RULES[problem.code].finding(
                Violation(doc.relpath, problem.line, problem.column, problem.message)
            )


def _run_rule(rule: Rule, ctx: Context, wanted: set[str] | None) -> Iterable[Finding]:
    assert rule.check is not None
    if rule.scope == "project":
        violations = rule.check(ctx)
        return [rule.finding(v) for v in violations]
    documents: list[Document] = [
        d for d in ctx.project.documents.values() if wanted is None or d.relpath in wanted
    ]
    return [rule.finding(v) for doc in documents for v in rule.check(doc, ctx)]


def _filter(
    findings: list[Finding],
    project: Project,
    selection: Selection,
    wanted: set[str] | None,
    report: Report,
) -> None:
    by_path = {doc.relpath: doc for doc in project.documents.values()}
    for finding in findings:
        if wanted is not None and finding.path not in wanted:
            continue
        if not selection.enabled(finding.code):
            continue
        doc = by_path.get(finding.path)
        if selection.ignored_in(finding.path, finding.code) or (
            doc is not None and doc.is_suppressed(finding.code, finding.line)
        ):
            report.suppressed.append(finding)
            continue
        report.findings.append(selection.severity(finding))


def apply_selection(
    findings: Iterable[Finding],
    config: Config,
    project: Project | None,
    report: Report,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> None:
    """Filter findings from other engines (build, links, style) like the offline ones."""
    selection = Selection.from_config(config, select, ignore)
    _filter(list(findings), project or Project(config), selection, None, report)
