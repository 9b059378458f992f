"""Running the built-in engine over paths: configuration, file discovery, results."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..findings import Finding
from ..registry import Violation
from . import codes
from .engine import FileResult, Linter, cycles_collected_after
from .errors import StyleConfigError
from .ini import ValeConfig, find_config, load_vale_ini
from .model import RuleTimeout, StyleAlert
from .rules import load_rules
from .vale_binary import find_vale, run_vale

IGNORED_DIRS = frozenset({"node_modules", ".git"})


@dataclass
class StyleRun:
    """The outcome of one style check."""

    config: Path
    alerts: list[StyleAlert] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timeouts: list[RuleTimeout] = field(default_factory=list)
    unsupported: dict[str, str] = field(default_factory=dict)
    files: int = 0
    engine: str = "built-in"
    cwd: Path = field(default_factory=Path.cwd)


def resolve_config(cwd: Path, explicit: Path | None = None) -> ValeConfig:
    """``explicit`` if given, else ``VALE_CONFIG_PATH``, else the upward search."""
    path = explicit
    if path is None and os.environ.get("VALE_CONFIG_PATH"):
        path = Path(os.environ["VALE_CONFIG_PATH"])
    if path is None:
        path = find_config(cwd)
    if path is None:
        raise StyleConfigError(
            f"{cwd}: no Vale configuration found (.vale.ini, _vale.ini, vale.ini, .vale or _vale)"
        )
    if not path.is_absolute():
        path = cwd / path
    if not path.is_file():
        raise StyleConfigError(f"{path}: Vale configuration file not found")
    return load_vale_ini(path)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: list[Path], cwd: Path, linter: Linter) -> list[tuple[Path, str]]:
    """Files to lint: given files as they are, folders walked (sorted)."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        path = given if given.is_absolute() else cwd / given
        if path.is_file():
            found.append((path, given.as_posix() if not given.is_absolute() else _shown(path, cwd)))
            continue
        if not path.is_dir():
            raise StyleConfigError(f"{given}: no such file or directory")
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
            for name in sorted(files):
                file = Path(root) / name
                if linter.supports(file):
                    found.append((file, _shown(file, cwd)))
    return found


# The linter of the current run, inherited by forked workers (it is not pickled).
_LINTER: Linter | None = None
PARALLEL_FROM = 40


def _lint_one(item: tuple[Path, str]) -> FileResult:
    assert _LINTER is not None
    return _LINTER.lint_file(*item)


def _lint_all(linter: Linter, files: list[tuple[Path, str]]) -> list[FileResult]:
    """Lint files in order; with several cores and enough files, in forked workers."""
    global _LINTER
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or len(files) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        return [linter.lint_file(path, shown) for path, shown in files]
    linter.warm_up(any(path.suffix in (".rst", ".rest") for path, _ in files))
    _LINTER = linter
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return pool.map(_lint_one, files, chunksize=max(1, len(files) // (workers * 4)))
    finally:
        _LINTER = None


def run_builtin(
    paths: list[Path], cwd: Path, vale_ini: Path | None = None, myst: bool = True
) -> StyleRun:
    """Lint ``paths`` (relative to ``cwd``) with the built-in engine."""
    config = resolve_config(cwd, vale_ini)
    rules = load_rules(config)
    linter = Linter(config, rules, myst=myst)
    run = StyleRun(config.path, unsupported=dict(rules.unsupported))
    for result in _lint_all(linter, discover(paths, cwd, linter)):
        run.files += 1
        if result.error:
            run.errors.append(result.error)
        run.alerts.extend(result.alerts)
        run.timeouts.extend(result.timeouts)
    return run


def _project_path(path: str, cwd: Path, root: Path) -> str:
    absolute = (cwd / path).resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def to_findings(run: StyleRun, cwd: Path, root: Path) -> list[Finding]:
    """Style alerts as docs-audit findings (VL701-VL703; VL704 for unreadable files)."""
    with cycles_collected_after():
        return _findings(run, cwd, root)


def _findings(run: StyleRun, cwd: Path, root: Path) -> list[Finding]:
    findings: list[Finding] = []
    # Resolved once a file: a page with 100,000 alerts resolved its path 100,000 times.
    shown: dict[str, str] = {}
    messages: dict[str, str] = {}  # equal messages share one object
    for alert in run.alerts:
        rule = codes.BY_LEVEL.get(alert.severity, codes.WARNING)
        message = f"[{alert.check}] {alert.message}"
        message = messages.setdefault(message, message)
        if alert.path not in shown:
            shown[alert.path] = _project_path(alert.path, cwd, root)
        findings.append(
            rule.finding(
                Violation(
                    shown[alert.path],
                    alert.line,
                    alert.column,
                    message,
                    url=alert.link or None,
                )
            )
        )
    for stopped in run.timeouts:
        findings.append(
            codes.REGEX_TIMEOUT.finding(
                Violation(
                    _project_path(stopped.path, cwd, root),
                    stopped.line,
                    1,
                    f"[{stopped.rule}] {stopped.message}; the rule was not applied to the rest "
                    "of this page",
                )
            )
        )
    for error in run.errors:
        path, _, rest = error.partition(":")
        line_text, _, message = rest.partition(":")
        line = int(line_text) if line_text.isdigit() else 1
        findings.append(
            codes.UNREADABLE.finding(
                Violation(_project_path(path, cwd, root), line, 1, (message or rest).strip())
            )
        )
    return sorted(findings)


def check_style(
    paths: Sequence[str | Path] | None,
    config: Config,
    cwd: Path | None = None,
    engine: str | None = None,
) -> StyleRun:
    """Lint ``paths`` (default: the configured ``paths``) with vale or the built-in engine."""
    table = config.table("style")
    cwd = (cwd or Path.cwd()).resolve()
    if paths:
        targets = [Path(p) for p in paths]
        base = cwd
    else:
        base = config.root.resolve()
        targets = [Path(p) for p in table["paths"]]
    ini = config.root / str(table["vale-ini"])
    explicit = ini if ini.is_file() else None
    binary = find_vale(engine or str(table["vale-binary"]))
    if binary is not None:
        alerts = run_vale(binary, targets, base, explicit)
        run = StyleRun(explicit or base, alerts=alerts, engine=f"vale ({binary})")
    else:
        run = run_builtin(targets, base, explicit, myst=bool(table["myst"]))
    run.cwd = base
    return run


def run_style(paths: Sequence[str | Path] | None, config: Config) -> list[Finding]:
    """The style check as findings, for the reporters (and ``docs-audit release``)."""
    run = check_style(paths, config)
    return to_findings(run, run.cwd, config.root)
