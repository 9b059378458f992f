"""Loading Vale styles: YAML rule files, strict validation, the built-in ``Vale`` rules.

Every problem is a :class:`~.errors.StyleConfigError` naming the file, the
line and the key: invalid YAML, an unknown key, a value of the wrong type, a
pattern that does not compile, a missing style.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from .checks import (
    NONWORD_TEMPLATE,
    WORDS,
    Action,
    Capitalization,
    Conditional,
    Consistency,
    Definition,
    Existence,
    OccurrenceRule,
    Repetition,
    Step,
    Substitution,
    Unsupported,
    ValeRule,
    case_check,
    exceptions_pattern,
    fill,
    has_capture_group,
    make_template,
    phrase_pattern,
)
from .errors import StyleConfigError
from .ini import LEVELS, ValeConfig
from .regexes import PatternError, SafePattern, compile_pattern
from .scopes import Scope

EXTENSION_POINTS = (
    "capitalization",
    "conditional",
    "consistency",
    "existence",
    "occurrence",
    "repetition",
    "substitution",
    "readability",
    "spelling",
    "sequence",
    "metric",
    "script",
)
UNSUPPORTED = frozenset({"readability", "spelling", "sequence", "metric", "script"})
COMMON_KEYS = frozenset(
    {"extends", "message", "description", "level", "limit", "link", "scope", "action", "name",
     "matchcase", "tests"}
)  # fmt: skip
TYPE_KEYS: dict[str, frozenset[str]] = {
    "existence": frozenset(
        {"raw", "tokens", "exceptions", "append", "ignorecase", "nonword", "vocab"}
    ),
    "substitution": frozenset(
        {"exceptions", "swap", "ignorecase", "nonword", "vocab", "capitalize", "pos"}
    ),
    "occurrence": frozenset({"token", "max", "min", "ignorecase"}),
    "repetition": frozenset({"tokens", "max", "ignorecase", "alpha", "vocab", "exceptions"}),
    "capitalization": frozenset(
        {"match", "style", "exceptions", "indicators", "threshold", "vocab", "prefix"}
    ),
    "conditional": frozenset({"exceptions", "first", "second", "ignorecase", "vocab"}),
    "consistency": frozenset({"either", "nonword", "ignorecase"}),
}
BOOL_KEYS = frozenset(
    {"append", "ignorecase", "nonword", "vocab", "capitalize", "alpha", "matchcase"}
)
INT_KEYS = frozenset({"limit", "max", "min"})
LIST_KEYS = frozenset({"tokens", "exceptions", "indicators", "raw", "scope"})
MAP_KEYS = frozenset({"swap", "either"})
ACTIONS = frozenset({"replace", "remove", "edit", "suggest", "convert", ""})


@dataclass
class RuleFile:
    """A rule's raw YAML values with the line of each key."""

    path: Path
    values: dict[str, Any]
    lines: dict[str, int]

    def where(self, key: str) -> str:
        return f"{self.path}:{self.lines.get(key, 1)}"


@dataclass
class ValeStyleRules:
    """The compiled rules of a configuration, by name (``Style.Rule``)."""

    rules: dict[str, ValeRule] = field(default_factory=dict)
    unsupported: dict[str, str] = field(default_factory=dict)

    def bases(self) -> set[str]:
        found: set[str] = set()
        for rule in self.rules.values():
            found |= rule.definition.scope.bases()
        return found


def read_rule_file(path: Path) -> RuleFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StyleConfigError(f"{path}:1: not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise StyleConfigError(f"{path}:1: cannot read: {exc.strerror}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise StyleConfigError(f"{path}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise StyleConfigError(f"{path}:1: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise StyleConfigError(f"{path}:1: a rule must be a YAML mapping of keys to values")
    lines: dict[str, int] = {}
    values: dict[str, Any] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        lines[key.lower()] = key_node.start_mark.line + 1
    for key, value in data.items():
        values[str(key).lower()] = value
    return RuleFile(path, values, lines)


def _as_str(rule: RuleFile, key: str) -> str:
    value = rule.values.get(key, "")
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise StyleConfigError(f"{rule.where(key)}: '{key}' must be a string")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_list(rule: RuleFile, key: str) -> list[str]:
    value = rule.values.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        if any(isinstance(v, (list, dict)) for v in value):
            raise StyleConfigError(f"{rule.where(key)}: '{key}' must be a list of strings")
        return [str(v) for v in value]
    if isinstance(value, dict):
        raise StyleConfigError(f"{rule.where(key)}: '{key}' must be a list of strings")
    return [str(value)]


def _as_map(rule: RuleFile, key: str) -> dict[str, str]:
    value = rule.values.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict) or any(isinstance(v, (list, dict)) for v in value.values()):
        raise StyleConfigError(f"{rule.where(key)}: '{key}' must be a mapping of strings")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _as_bool(rule: RuleFile, key: str, default: bool) -> bool:
    value = rule.values.get(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int):
        return value != 0
    raise StyleConfigError(f"{rule.where(key)}: '{key}' must be true or false, got {value!r}")


def _as_number(rule: RuleFile, key: str, kind: type[int] | type[float]) -> float:
    value = rule.values.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise StyleConfigError(f"{rule.where(key)}: '{key}' must be a number, got {value!r}")
    try:
        return kind(value)
    except ValueError:
        raise StyleConfigError(
            f"{rule.where(key)}: '{key}' must be a number, got {value!r}"
        ) from None


def _pattern(rule: RuleFile, key: str, pattern: str) -> SafePattern:
    try:
        return compile_pattern(pattern)
    except PatternError as exc:
        raise StyleConfigError(f"{rule.where(key)}: '{key}': {exc}") from None


def _validate(rule: RuleFile) -> str:
    extends = rule.values.get("extends")
    if not extends:
        raise StyleConfigError(f"{rule.path}:1: missing the required 'extends' key")
    if extends not in EXTENSION_POINTS:
        raise StyleConfigError(
            f"{rule.where('extends')}: 'extends' must be one of {', '.join(EXTENSION_POINTS)}; "
            f"got {extends!r}"
        )
    if "message" not in rule.values:
        raise StyleConfigError(f"{rule.path}:1: missing the required 'message' key")
    level = rule.values.get("level")
    if level is not None and level not in LEVELS:
        raise StyleConfigError(
            f"{rule.where('level')}: 'level' must be one of suggestion, warning, error; got {level!r}"
        )
    if rule.values.get("code"):
        raise StyleConfigError(
            f"{rule.where('code')}: 'code' is deprecated; use 'scope: raw' instead"
        )
    if extends in UNSUPPORTED:
        return str(extends)
    allowed = COMMON_KEYS | TYPE_KEYS[str(extends)]
    for key in rule.values:
        if key not in allowed:
            raise StyleConfigError(
                f"{rule.where(key)}: unknown key '{key}' for an {extends} rule; "
                f"valid keys are: {', '.join(sorted(allowed - {'tests', 'name'}))}"
            )
        if key in BOOL_KEYS:
            _as_bool(rule, key, False)
        elif key in INT_KEYS:
            _as_number(rule, key, int)
        elif key in LIST_KEYS:
            _as_list(rule, key)
        elif key in MAP_KEYS:
            _as_map(rule, key)
    return str(extends)


def _action(rule: RuleFile) -> Action:
    value = rule.values.get("action")
    if value is None:
        return Action()
    if not isinstance(value, dict):
        raise StyleConfigError(f"{rule.where('action')}: 'action' must be a mapping with 'name'")
    name = str(value.get("name", ""))
    if name not in ACTIONS:
        raise StyleConfigError(
            f"{rule.where('action')}: unknown action '{name}'; valid actions are: "
            f"{', '.join(sorted(ACTIONS - {''}))}"
        )
    params = value.get("params") or []
    if not isinstance(params, list):
        params = [params]
    return Action(name, tuple(str(p) for p in params))


def _scope(rule: RuleFile) -> Scope:
    values = _as_list(rule, "scope") or ["text"]
    for value in values:
        for part in value.split("&"):
            base = part.strip().lstrip("~").split(".")[0]
            if " " in base:
                raise StyleConfigError(f"{rule.where('scope')}: scope '{base}' contains spaces")
    return Scope.parse(values)


def _definition(rule: RuleFile, name: str, cfg: ValeConfig) -> Definition:
    style = name.split(".")[0]
    level = cfg.rule_levels.get(name) or cfg.rule_levels.get(style) or rule.values.get("level")
    return Definition(
        name=name,
        extends=str(rule.values["extends"]),
        level=str(level or "warning"),
        message=_as_str(rule, "message"),
        scope=_scope(rule),
        description=_as_str(rule, "description"),
        link=_as_str(rule, "link"),
        limit=int(_as_number(rule, "limit", int)),
        action=_action(rule),
        path=str(rule.path),
    )


def compile_rule(rule: RuleFile, name: str, cfg: ValeConfig) -> ValeRule:
    """Build a rule from validated YAML (Vale's ``buildRule``)."""
    extends = _validate(rule)
    chk = _definition(rule, name, cfg)
    if extends in UNSUPPORTED:
        return Unsupported(chk)
    builder = _BUILDERS[extends]
    return builder(rule, chk, cfg)


def _vocab_terms(rule: RuleFile, cfg: ValeConfig, default: bool = True) -> list[str]:
    terms = _as_list(rule, "exceptions")
    if _as_bool(rule, "vocab", default):
        terms = terms + cfg.accepted
    return terms


def _exceptions(rule: RuleFile, terms: list[str]) -> SafePattern | None:
    try:
        return exceptions_pattern(terms)
    except PatternError as exc:
        raise StyleConfigError(f"{rule.where('exceptions')}: 'exceptions': {exc}") from None


def _existence(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    nonword = _as_bool(rule, "nonword", False)
    tokens = [t for t in _as_list(rule, "tokens") if t.strip()]
    terms = _as_list(rule, "exceptions")
    if _as_bool(rule, "vocab", True) and not nonword:
        terms = terms + cfg.accepted
    template = make_template(
        cfg.word_template,
        word=not nonword and bool(_as_list(rule, "tokens")),
        raw="".join(_as_list(rule, "raw")),
        append=_as_bool(rule, "append", False),
        ignorecase=_as_bool(rule, "ignorecase", False),
    )
    key = "tokens" if tokens else "raw"
    pattern = _pattern(rule, key, fill(template, "|".join(tokens)))
    return Existence(chk, pattern, _exceptions(rule, terms))


def _convert_groups(pattern: str) -> str:
    return str(regex.sub(r"(?<!\\)\((?!\?)", "(?:", pattern))


def _substitution(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    ignorecase = _as_bool(rule, "ignorecase", False)
    swap = _as_map(rule, "swap")
    template = make_template(
        cfg.word_template, not _as_bool(rule, "nonword", False), "", True, ignorecase
    )
    keys = sorted(swap, key=len, reverse=True)
    parts: list[str] = []
    for key in keys:
        body = key
        if key.count("(") != key.count("(?") + key.count("\\("):
            body = _convert_groups(key)
        parts.append(f"({body})")
    pattern = _pattern(rule, "swap", fill(template, "|".join(parts)))
    for key in keys:
        _pattern(rule, "swap", ("(?i)" if ignorecase else "") + key)
    return Substitution(
        chk,
        pattern,
        _exceptions(rule, _vocab_terms(rule, cfg)),
        keys,
        [swap[k] for k in keys],
        ignorecase,
        _as_bool(rule, "capitalize", False),
    )


def _occurrence(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    token = _as_str(rule, "token")
    prefix = "(?i)" if _as_bool(rule, "ignorecase", False) else ""
    pattern = _pattern(rule, "token", f"{prefix}(?:{token})")
    return OccurrenceRule(
        chk, pattern, int(_as_number(rule, "min", int)), int(_as_number(rule, "max", int))
    )


def _repetition(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    ignorecase = _as_bool(rule, "ignorecase", False)
    tokens = _as_list(rule, "tokens")
    pattern = _pattern(
        rule, "tokens", ("(?i)" if ignorecase else "") + "(" + "|".join(tokens) + ")"
    )
    terms = _vocab_terms(rule, cfg)
    return Repetition(
        chk,
        pattern,
        _exceptions(rule, terms),
        phrase_pattern(terms),
        int(_as_number(rule, "max", int)),
        ignorecase,
        _as_bool(rule, "alpha", False),
        words=tokens == [WORDS],
    )


def _capitalization(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    terms = _vocab_terms(rule, cfg)
    threshold = float(_as_number(rule, "threshold", float)) or 0.8
    match = _as_str(rule, "match")
    try:
        check = case_check(
            match,
            _as_str(rule, "style"),
            terms,
            _as_str(rule, "prefix"),
            _as_list(rule, "indicators"),
            threshold,
        )
    except (PatternError, regex.error) as exc:
        raise StyleConfigError(f"{rule.where('match')}: 'match': {exc}") from None
    return Capitalization(chk, check, _exceptions(rule, terms))


def _conditional(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    terms = _vocab_terms(rule, cfg)
    second = _as_str(rule, "second")
    return Conditional(
        chk,
        _pattern(rule, "first", _as_str(rule, "first")),
        _pattern(rule, "second", second),
        has_capture_group(second),
        _exceptions(rule, terms),
        phrase_pattern(terms),
    )


def _consistency(rule: RuleFile, chk: Definition, cfg: ValeConfig) -> ValeRule:
    template = make_template(
        cfg.word_template,
        not _as_bool(rule, "nonword", False),
        "",
        True,
        _as_bool(rule, "ignorecase", False),
    )
    stem = chk.name.split(".")[-1]
    steps: list[Step] = []
    count = 0
    for first, second in _as_map(rule, "either").items():
        count += 2
        names = (f"{stem}{count}", f"{stem}{count + 1}")
        groups = (f"g{count}", f"g{count + 1}")
        body = f"(?P<{groups[0]}>{first})|(?P<{groups[1]}>{second})"
        steps.append(Step(_pattern(rule, "either", fill(template, body)), groups, names))
    return Consistency(chk, steps)


_BUILDERS = {
    "existence": _existence,
    "substitution": _substitution,
    "occurrence": _occurrence,
    "repetition": _repetition,
    "capitalization": _capitalization,
    "conditional": _conditional,
    "consistency": _consistency,
}


def _builtin(name: str, values: dict[str, Any], cfg: ValeConfig) -> ValeRule:
    rule = RuleFile(Path("<built-in>"), dict(values), {})
    level = cfg.rule_levels.get(name) or cfg.rule_levels.get("Vale")
    if level:
        rule.values["level"] = level
    return compile_rule(rule, name, cfg)


def builtin_rules(cfg: ValeConfig) -> dict[str, ValeRule]:
    """``Vale.Repetition`` always; ``Vale.Terms`` and ``Vale.Avoid`` from the vocabulary."""
    rules: dict[str, ValeRule] = {}
    repetition = rules["Vale.Repetition"] = _builtin(
        "Vale.Repetition",
        {
            "extends": "repetition",
            "message": "'%s' is repeated!",
            "level": "error",
            "scope": "text",
            "ignorecase": True,
            "alpha": True,
            "tokens": [WORDS],
            "action": {"name": "edit", "params": ["truncate", " "]},
        },
        cfg,
    )
    # Its tokens are docs-audit's, one character class, linear: the time limit
    # meant for the user's patterns would cost more than matching every word.
    assert isinstance(repetition, Repetition)
    repetition.pattern = repetition.pattern.trusted()
    if cfg.accepted:
        swap: dict[str, str] = {}
        for term in cfg.accepted:
            swap[term.lower()] = term
        rules["Vale.Terms"] = _builtin(
            "Vale.Terms",
            {
                "extends": "substitution",
                "message": "Use '%s' instead of '%s'.",
                "level": "error",
                "scope": "text",
                "ignorecase": True,
                "swap": swap,
                "vocab": False,
            },
            cfg,
        )
    if cfg.rejected:
        rules["Vale.Avoid"] = _builtin(
            "Vale.Avoid",
            {
                "extends": "existence",
                "message": "Avoid using '%s'.",
                "level": "error",
                "scope": "text",
                "ignorecase": False,
                "tokens": list(cfg.rejected),
            },
            cfg,
        )
    return rules


def _needs_vale(cfg: ValeConfig) -> bool:
    if "Vale" in cfg.base_styles or any(k.startswith("Vale") for k in cfg.checks):
        return True
    return any(
        (s.base_styles and "Vale" in s.base_styles) or any(k.startswith("Vale") for k in s.checks)
        for s in cfg.sections
    )


def _style_folder(cfg: ValeConfig, style: str) -> Path | None:
    return next((base / style for base in cfg.search_paths() if (base / style).is_dir()), None)


def _rule_name(folder: Path, path: Path, style: str) -> str:
    relative = path.relative_to(folder).with_suffix("")
    return ".".join((style, *relative.parts))


def _style_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for path in sorted(folder.rglob("*.yml")):
        parts = path.relative_to(folder).parts
        if any(p.startswith((".", "_")) for p in parts[:-1]):
            continue
        if path.name.endswith(("_test.yml", ".test.yml")):
            continue
        found.append(path)
    return found


def _enabled(cfg: ValeConfig) -> set[str]:
    """Every rule name switched on somewhere (``Style.Rule = YES`` or a level)."""
    names = {k for k, on in cfg.checks.items() if on}
    for section in cfg.sections:
        names |= {k for k, on in section.checks.items() if on}
    return names


def load_rules(cfg: ValeConfig) -> ValeStyleRules:
    """Every rule the configuration can run, compiled (Vale's ``check.Manager``)."""
    ruleset = ValeStyleRules()
    if _needs_vale(cfg):
        ruleset.rules.update(builtin_rules(cfg))
    styles: list[str] = []
    for style in cfg.styles:
        if style not in styles and style != "Vale":
            styles.append(style)
    for style in styles:
        folder = _style_folder(cfg, style)
        if folder is None:
            where = ", ".join(str(p) for p in cfg.search_paths())
            raise StyleConfigError(
                f"{cfg.path}:{cfg.style_line(style)}: BasedOnStyles: style '{style}' does not "
                f"exist on StylesPath ({where})"
            )
        for path in _style_files(folder):
            _add(ruleset, read_rule_file(path), _rule_name(folder, path, style), cfg)
    for name in sorted(_enabled(cfg)):
        if name in ruleset.rules or "." not in name:
            continue
        style, *rest = name.split(".")
        if style == "Vale" or style in styles:
            continue
        folder = _style_folder(cfg, style)
        target = folder.joinpath(*rest).with_suffix(".yml") if folder else None
        if target is None or not target.is_file():
            line = cfg.lines.get(f"rule:{name}", 1)
            raise StyleConfigError(
                f"{cfg.path}:{line}: '{name}': no rule file {style}/{'/'.join(rest)}.yml on StylesPath"
            )
        _add(ruleset, read_rule_file(target), name, cfg)
    return ruleset


def _add(ruleset: ValeStyleRules, rule_file: RuleFile, name: str, cfg: ValeConfig) -> None:
    rule = compile_rule(rule_file, name, cfg)
    if isinstance(rule, Unsupported):
        ruleset.unsupported[name] = rule.definition.extends
    ruleset.rules.setdefault(name, rule)


__all__ = ["NONWORD_TEMPLATE", "ValeStyleRules", "compile_rule", "load_rules", "read_rule_file"]
