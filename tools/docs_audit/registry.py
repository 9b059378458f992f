"""Rules: a stable code, a kebab-case name, and a docstring that is the documentation.

A *page rule* is a generator ``(doc, ctx) -> Iterator[Violation]`` run once per
document that is being reported on. A *project rule* is ``(ctx) -> Iterator[Violation]``
run once per run; it reads every document but its violations are filtered to the
reported files like any other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .findings import Finding, Severity

if TYPE_CHECKING:
    from .context import Context
    from .document import Document


@dataclass(frozen=True)
class Violation:
    """What a rule yields: where and what; the rule adds code, name and severity."""

    path: str
    line: int
    column: int
    message: str
    url: str | None = None
    severity: Severity | None = None


PageCheck = Callable[["Document", "Context"], Iterator[Violation]]
ProjectCheck = Callable[["Context"], Iterator[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    family: str
    scope: Literal["page", "project", "external"]
    severity: Severity
    doc: str
    check: Callable[..., Iterator[Violation]] | None = None
    #: On without any ``select``: the rule predicts a Sphinx warning, a broken page or
    #: a broken link. House rules say ``False`` and are opted into (``extend-select``).
    default: bool = True

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def finding(self, violation: Violation) -> Finding:
        return Finding(
            path=violation.path,
            line=max(1, violation.line),
            column=max(1, violation.column),
            code=self.code,
            name=self.name,
            message=violation.message,
            severity=violation.severity or self.severity,
            url=violation.url,
        )


class RuleSet:
    """An explicit registry; families add their rules when their module is imported."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> None:
        if rule.code in self._rules:
            raise ValueError(f"rule code {rule.code} registered twice")
        self._rules[rule.code] = rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code.upper())

    def by_name(self, name: str) -> Rule | None:
        return next((r for r in self._rules.values() if r.name == name), None)

    def lookup(self, selector: str) -> Rule | None:
        """The rule a code or a kebab-case name denotes."""
        return self.get(selector) or self.by_name(selector.lower())

    def codes(self) -> list[str]:
        return sorted(self._rules)

    def names(self) -> list[str]:
        return sorted(r.name for r in self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)


RULES = RuleSet()


def _register(
    code: str,
    name: str,
    family: str,
    scope: Literal["page", "project", "external"],
    severity: Severity,
    default: bool,
) -> Callable[[Callable[..., Iterator[Violation]]], Callable[..., Iterator[Violation]]]:
    def decorate(func: Callable[..., Iterator[Violation]]) -> Callable[..., Iterator[Violation]]:
        doc = inspect.cleandoc(func.__doc__ or "")
        RULES.add(Rule(code, name, family, scope, severity, doc, func, default))
        return func

    return decorate


def page_rule(
    code: str,
    name: str,
    family: str,
    severity: Severity = Severity.ERROR,
    *,
    default: bool = True,
) -> Callable[[PageCheck], PageCheck]:
    """Register a rule run on each reported document (``default=False``: a house rule)."""
    return _register(code, name, family, "page", severity, default)


def project_rule(
    code: str,
    name: str,
    family: str,
    severity: Severity = Severity.ERROR,
    *,
    default: bool = True,
) -> Callable[[ProjectCheck], ProjectCheck]:
    """Register a rule run once over the whole tree (``default=False``: a house rule)."""
    return _register(code, name, family, "project", severity, default)


def external_rule(
    code: str,
    name: str,
    family: str,
    doc: str,
    severity: Severity = Severity.ERROR,
    *,
    default: bool = True,
) -> Rule:
    """Register a rule whose findings come from another engine (build, links, style).

    It has no check function: its engine builds findings with :meth:`Rule.finding`.
    """
    rule = Rule(code, name, family, "external", severity, inspect.cleandoc(doc), default=default)
    RULES.add(rule)
    return rule
