"""Which findings a run reports: select, extend-select, ignore, per-file-ignores,
severities and inline suppressions, applied in one place (:func:`Selection.apply`).

Without ``select`` the rules that are on by default run (those that predict a Sphinx
warning, a broken page or a broken link); ``extend-select`` adds house rules and
``preset = "strict"`` turns every rule on. Where prefixes disagree, the longest wins.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .config import Config
from .findings import Finding, Report, Severity, UsageError
from .paths import PageSet
from .registry import RULES

if TYPE_CHECKING:
    from .document import Document

PRESETS = ("default", "strict")

#: Modules that register the rules of the engines outside ``checks`` (build is a builtin).
ENGINE_RULES = ("docs_audit.style.codes", "docs_audit.links.rules")


def load_rules(config: Config) -> None:
    """Register every rule this configuration can report: built-ins, engines, plugins."""
    from .checks import load_builtin

    load_builtin()
    for module in ENGINE_RULES:
        importlib.import_module(module)
    # The enabled plugins were loaded with the configuration (their tables need them).


def resolve(selector: str, where: str) -> str:
    """The code prefix a code, prefix or rule name stands for; unknown ones are a usage
    error that lists the close matches."""
    text = selector.strip()
    rule = RULES.lookup(text)
    if rule is not None:
        return rule.code
    prefix = text.upper()
    if prefix and any(code.startswith(prefix) for code in RULES.codes()):
        return prefix
    import difflib  # only for the message of a mistyped rule

    families = sorted({code.rstrip("0123456789") for code in RULES.codes()})
    close = difflib.get_close_matches(text, [*RULES.codes(), *RULES.names(), *families], n=4)
    if not close:
        close = difflib.get_close_matches(prefix, RULES.codes(), n=4, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'docs-audit list' shows them all"
    raise UsageError(f"{where}: unknown rule code or name '{selector}'{hint}")


def _resolve_all(selectors: Iterable[str], where: str) -> tuple[str, ...]:
    return tuple(resolve(s, where) for s in selectors if s.strip())


@dataclass(frozen=True)
class Selection:
    """What is reported, decided once per run (flake8/ruff style prefixes)."""

    #: Explicit ``select``; ``None`` means the rules that are on by default.
    select: tuple[str, ...] | None = None
    extend: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severities: tuple[tuple[str, Severity], ...] = ()
    #: Codes on when nothing selects them explicitly.
    defaults: frozenset[str] = frozenset()

    @classmethod
    def from_config(
        cls,
        config: Config,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> Selection:
        """Config and command line: ``select`` from the command line replaces the file's
        ``select`` and ``extend-select``; ``ignore`` and ``--extend-select`` add to them.
        Loads every rule first."""
        load_rules(config)
        source = str(config.source or "pyproject.toml")
        preset = str(config.values.get("preset", "default"))
        if preset not in PRESETS:
            raise UsageError(
                f"{source}: 'docs-audit.preset' must be one of {', '.join(PRESETS)}, not '{preset}'"
            )
        chosen: tuple[str, ...] | None = None
        if select:
            chosen = _resolve_all(select, "--select")
        elif config["select"]:
            chosen = _resolve_all(config["select"], f"{source}: 'docs-audit.select'")
        # A --select on the command line is the whole choice: the file's extend-select
        # does not widen it (--extend-select still does).
        configured = [] if select else config.values.get("extend-select", [])
        extend = (
            *_resolve_all(configured, f"{source}: 'docs-audit.extend-select'"),
            *_resolve_all(extend_select, "--extend-select"),
        )
        ignored = (
            *_resolve_all(config["ignore"], f"{source}: 'docs-audit.ignore'"),
            *_resolve_all(ignore, "--ignore"),
        )
        per_file = tuple(
            (glob, _resolve_all(codes, f"{source}: 'docs-audit.per-file-ignores.\"{glob}\"'"))
            for glob, codes in config["per-file-ignores"].items()
        )
        return cls(
            chosen,
            extend,
            ignored,
            per_file,
            _severities(config["severity"], source),
            frozenset(r.code for r in RULES if r.default or preset == "strict"),
        )

    def enabled(self, code: str) -> bool:
        prefixes = (*(self.select or ()), *self.extend)
        selected = max((len(p) for p in prefixes if code.startswith(p)), default=-1)
        if selected < 0 and self.select is None and code in self.defaults:
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

    def apply(
        self,
        findings: Iterable[Finding],
        documents: Mapping[str, Document],
        pages: PageSet,
        report: Report,
    ) -> list[Finding]:
        """Sort ``findings`` into ``report``: selected ones (with their configured
        severity) into ``findings``, suppressed ones into ``suppressed``; the rest
        (not selected, or on a page not reported on) are dropped. ``documents`` maps
        project relpaths to pages, for inline suppressions. Returns what was kept."""
        kept: list[Finding] = []
        # A page can carry 250,000 findings of one rule: decide once per page and code.
        decided: dict[tuple[str, str], _Decision] = {}
        for finding in findings:
            where = (finding.path, finding.code)
            decision = decided.get(where)
            if decision is None:
                decision = decided[where] = self._decide(finding.path, finding.code, pages)
            if decision.action == "drop":
                continue
            doc = documents.get(finding.path)
            if decision.action == "ignore" or (
                doc is not None
                and doc.suppressions
                and doc.is_suppressed(finding.code, finding.line)
            ):
                report.suppressed.append(finding)
                continue
            level = decision.severity
            kept.append(finding if level is None else finding.with_severity(level))
        report.findings.extend(kept)
        return kept

    def _decide(self, path: str, code: str, pages: PageSet) -> _Decision:
        if path not in pages or not self.enabled(code):
            return _Decision("drop")
        if self.ignored_in(path, code):
            return _Decision("ignore")
        matches = [(len(p), s) for p, s in self.severities if code.startswith(p)]
        return _Decision("keep", max(matches)[1] if matches else None)


@dataclass(frozen=True)
class _Decision:
    """What becomes of a page's findings of one code: dropped, ignored (suppressed), or
    kept, at the configured severity (``None``: their own)."""

    action: Literal["drop", "ignore", "keep"]
    severity: Severity | None = None


def _severities(table: Mapping[str, str], source: str) -> tuple[tuple[str, Severity], ...]:
    found = []
    for prefix, name in table.items():
        try:
            level = Severity(name)
        except ValueError:
            raise UsageError(
                f"{source}: severity for '{prefix}' must be error, warning or info, not '{name}'"
            ) from None
        found.append((resolve(prefix, f"{source}: 'docs-audit.severity'"), level))
    return tuple(found)
