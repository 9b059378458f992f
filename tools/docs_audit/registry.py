"""Rules: a stable code, a kebab-case name, and a docstring that is the documentation.

A *page rule* is a generator ``(doc, ctx) -> Iterator[Violation]`` run once per
document that is being reported on. A *project rule* is ``(ctx) -> Iterator[Violation]``
run once per run; it reads every document but its violations are filtered to the
reported files like any other. One checker may report several codes (doc8's
``REPORTS`` idea): it declares them with :func:`checker` and says in each
:class:`Violation` which one it found.

A *plugin* (:class:`Plugin`) is found through the ``docs_audit.plugins`` entry-point
group or by module path, and is enabled by naming it in ``[tool.docs-audit] plugins``;
it carries its checkers, their codes and its own ``[tool.docs-audit.<name>]`` table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .config import PluginTable, installed_plugins, load_plugin
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
    #: Which of its declared codes a several-code checker found (else its one code).
    code: str | None = None


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
    #: The plugin that brings the rule ("" for the core's own rules).
    plugin: str = ""

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

    def checkers(self, plugins: Sequence[str] = ()) -> Iterator[Checker]:
        """Each check function once, with every rule it reports; plugin rules only for
        the named plugins."""
        grouped: dict[int, list[Rule]] = {}
        for rule in self:
            if rule.check is None or (rule.plugin and rule.plugin not in plugins):
                continue
            grouped.setdefault(id(rule.check), []).append(rule)
        for rules in grouped.values():
            assert rules[0].check is not None
            scope = rules[0].scope
            assert scope != "external"
            yield Checker(rules[0].check, scope, tuple(rules))


@dataclass(frozen=True)
class Checker:
    """One check function and the rules (codes) it reports."""

    check: Callable[..., Iterator[Violation]]
    scope: Literal["page", "project"]
    rules: tuple[Rule, ...]

    @property
    def family(self) -> str:
        return self.rules[0].family

    def finding(self, violation: Violation) -> Finding:
        if violation.code is None and len(self.rules) == 1:
            return self.rules[0].finding(violation)
        for rule in self.rules:
            if rule.code == violation.code:
                return rule.finding(violation)
        declared = ", ".join(r.code for r in self.rules)
        raise ValueError(
            f"{self.check.__qualname__} reported {violation.code}, but declares only {declared}"
        )


@dataclass(frozen=True)
class Code:
    """A code that a checker reports: its kebab-case name, documentation and severity;
    ``default=False`` makes it a house rule (reported only when selected)."""

    code: str
    name: str
    doc: str
    severity: Severity = Severity.ERROR
    default: bool = True


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


def checker(
    scope: Literal["page", "project"], family: str, reports: Sequence[Code], plugin: str = ""
) -> Callable[[Callable[..., Iterator[Violation]]], Callable[..., Iterator[Violation]]]:
    """Register one check function that reports several codes (``Violation.code``)."""

    def decorate(func: Callable[..., Iterator[Violation]]) -> Callable[..., Iterator[Violation]]:
        for item in reports:
            RULES.add(
                Rule(
                    item.code,
                    item.name,
                    family,
                    scope,
                    item.severity,
                    inspect.cleandoc(item.doc),
                    func,
                    default=item.default,
                    plugin=plugin,
                )
            )
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


@dataclass(frozen=True)
class Plugin:
    """What a plugin module exposes (as ``PLUGIN``, or through an entry point); how the
    configuration finds one is :func:`docs_audit.config.load_plugin`.

    ``name`` is how ``[tool.docs-audit] plugins`` enables it, its rule family and
    the name of its table ``[tool.docs-audit.<name>]``, declared by ``settings`` (a
    frozen dataclass of :func:`docs_audit.config.setting` fields) and validated like
    every core table.
    """

    name: str
    settings: type | None = None

    def checker(
        self, scope: Literal["page", "project"], reports: Sequence[Code]
    ) -> Callable[[Callable[..., Iterator[Violation]]], Callable[..., Iterator[Violation]]]:
        """Register a check function of this plugin and the codes it reports."""
        return checker(scope, self.name, reports, self.name)


def every_plugin(enabled: Sequence[PluginTable] = ()) -> tuple[PluginTable, ...]:
    """Every installed plugin and the enabled ones (for ``list`` and ``explain``)."""
    found = {p.name: p for p in enabled}
    for name in installed_plugins():
        if name not in found:
            plugin = load_plugin(name)
            found.setdefault(plugin.name, plugin)
    return tuple(found.values())
