"""Running the built-in engine over paths: configuration, file discovery, results."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .engine import FileResult, Linter
from .errors import StyleConfigError
from .ini import ValeConfig, find_config, load_vale_ini
from .model import StyleAlert
from .rules import load_rules

IGNORED_DIRS = frozenset({"node_modules", ".git"})


@dataclass
class StyleRun:
    """The outcome of one style check."""

    config: Path
    alerts: list[StyleAlert] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unsupported: dict[str, str] = field(default_factory=dict)
    files: int = 0


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


def run_builtin(
    paths: list[Path], cwd: Path, vale_ini: Path | None = None, myst: bool = True
) -> StyleRun:
    """Lint ``paths`` (relative to ``cwd``) with the built-in engine."""
    config = resolve_config(cwd, vale_ini)
    rules = load_rules(config)
    linter = Linter(config, rules, myst=myst)
    run = StyleRun(config.path, unsupported=dict(rules.unsupported))
    for path, shown in discover(paths, cwd, linter):
        result: FileResult = linter.lint_file(path, shown)
        run.files += 1
        if result.error:
            run.errors.append(result.error)
        run.alerts.extend(result.alerts)
    return run
