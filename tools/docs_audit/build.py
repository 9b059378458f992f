"""A real Sphinx build (``-W -n --keep-going``) whose warnings become findings."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config, setting
from .findings import Finding, UsageError
from .paths import project_relpath
from .registry import Rule, Violation, external_rule


@dataclass(frozen=True)
class BuildTable:
    """``[tool.docs-audit.build]``: the Sphinx build."""

    builder: str = setting("html", "Sphinx builder name.")
    out_dir: str = setting("", "Output folder (empty: a temporary folder).")
    extra_args: list[str] = setting([], "More sphinx-build arguments.")
    timeout: int = setting(600, "Seconds before the build is stopped.", gt=0)
    sphinx_build: str = setting(
        "", "The project's own sphinx-build (empty: docs-audit's Python, -m sphinx)."
    )


WARNING = external_rule(
    "BD901",
    "sphinx-warning",
    "build",
    """A warning from the Sphinx build (run with ``-W -n --keep-going``).

    Why: a warning is a page that renders wrong: a broken reference, a bad
    directive, a document outside every toctree. ``-n`` makes Sphinx report
    every reference it cannot resolve.

    The message is Sphinx's own, with its warning type in brackets.
    """,
)
ERROR = external_rule(
    "BD902",
    "sphinx-error",
    "build",
    """An error from the Sphinx build, or a build that failed outright (bad ``conf.py``,
    missing extension). Reported at ``conf.py`` when Sphinx names no file.
    """,
)

_MESSAGE = re.compile(
    r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?:\s*(?:\(\w+/\d\)\s*)?(?P<level>WARNING|ERROR|CRITICAL|SEVERE):\s*(?P<text>.*)$"
)
# Sphinx colours its output when it thinks a person (or CI=true) is watching.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BARE = re.compile(r"^(?P<level>WARNING|ERROR|CRITICAL):\s*(?P<text>.*)$")


def parse_output(output: str, config: Config) -> Iterator[Finding]:
    """Findings from sphinx-build's stderr. A warning that runs over several lines (an
    autodoc traceback, a docutils message with its source) stays one finding whose
    message holds every line."""
    conf = project_relpath(config, config.docs_root / "conf.py")
    pending: list[tuple[Rule, str, int, list[str]]] = []
    for raw in _ANSI.sub("", output).splitlines():
        line = raw.rstrip()
        match = _MESSAGE.match(line)
        bare = None if match else _BARE.match(line)
        if match:
            rule = WARNING if match.group("level") == "WARNING" else ERROR
            path = match.group("path").split(":docstring of")[0]
            relpath = project_relpath(config, Path(path)) if Path(path).is_absolute() else path
            pending.append(
                (rule, relpath, int(match.group("line") or 1), [match.group("text").strip()])
            )
        elif bare:
            rule = WARNING if bare.group("level") == "WARNING" else ERROR
            pending.append((rule, conf, 1, [bare.group("text").strip()]))
        elif pending and line.strip():
            pending[-1][3].append(line)
    for rule, relpath, number, text in pending:
        yield rule.finding(Violation(relpath, number, 1, "\n".join(text)))


def sphinx_command(config: Config) -> list[str]:
    """The sphinx-build to run: the configured one, else this Python's ``-m sphinx``.

    A missing Sphinx is a usage error (exit 2), not a finding.
    """
    given = str(config.table("build")["sphinx-build"])
    if given:
        import shutil

        found = shutil.which(given) or shutil.which(str(config.root / given))
        if found is None:
            raise UsageError(
                f"[tool.docs-audit.build] sphinx-build = {given!r}: no such executable"
            )
        return [found]
    if importlib.util.find_spec("sphinx") is None:
        # [tool.docs-audit.build] sphinx-build names the project's own instead.
        raise UsageError("Sphinx is not installed (pip install sphinx)")
    return [sys.executable, "-m", "sphinx"]


def run_build(config: Config) -> list[Finding]:
    # Imported here: `check` loads this module for its rules, and never builds.
    import subprocess
    import tempfile

    table = config.table("build")
    docs = config.docs_root
    if not (docs / "conf.py").is_file():
        raise UsageError(f"{docs}: no conf.py; is docs-root right?")
    executable = sphinx_command(config)
    with tempfile.TemporaryDirectory(prefix="docs-audit-build-") as scratch:
        out = Path(table["out-dir"]) if table["out-dir"] else Path(scratch) / "out"
        if not out.is_absolute():
            out = config.root / out
        command = [
            *executable, "-W", "-n", "--keep-going", "-q", "--no-color",
            "-b", table["builder"], "-d", str(Path(scratch) / "doctrees"),
            *table["extra-args"], str(docs), str(out),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=table["timeout"], check=False
            )
        except subprocess.TimeoutExpired:
            conf = project_relpath(config, docs / "conf.py")
            return [
                ERROR.finding(Violation(conf, 1, 1, f"build timed out after {table['timeout']} s"))
            ]
        except OSError as exc:
            raise UsageError(f"{executable[0]}: cannot run sphinx-build: {exc.strerror}") from None
    findings = list(parse_output(done.stderr, config))
    if done.returncode not in (0, 1) or (done.returncode == 1 and not findings):
        conf = project_relpath(config, docs / "conf.py")
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        findings.append(
            ERROR.finding(
                Violation(conf, 1, 1, f"sphinx-build failed (exit {done.returncode}): {tail}")
            )
        )
    return findings
