"""``.vale.ini``: found, parsed and interpreted the way Vale does.

Search order: from the working directory upward, each folder is tried for
``.vale``, ``_vale``, ``vale.ini``, ``.vale.ini`` and ``_vale.ini`` in that
order; the first hit wins. The INI dialect is go-ini's as Vale loads it:
repeated keys accumulate ("shadows"), ``=`` or ``:`` separate key and value,
``#`` and ``;`` start comments (inline only after a space), a trailing ``\\``
continues a value and surrounding quotes are removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import StyleConfigError
from .globs import Glob, GlobError

CONFIG_NAMES = (".vale", "_vale", "vale.ini", ".vale.ini", "_vale.ini")
LEVELS = {"suggestion": 0, "warning": 1, "error": 2}

CORE_KEYS = frozenset(
    {
        "StylesPath",
        "MinAlertLevel",
        "IgnoredScopes",
        "WordTemplate",
        "SkippedScopes",
        "IgnoredClasses",
        "Vocab",
        "NLPEndpoint",
        "Packages",
    }
)
SYNTAX_KEYS = frozenset(
    {
        "BasedOnStyles",
        "IgnorePatterns",
        "BlockIgnores",
        "CommentDelimiters",
        "TokenIgnores",
        "Transform",
        "Lang",
        "View",
    }
)
GLOBAL_KEYS = frozenset({"BasedOnStyles", "IgnorePatterns", "BlockIgnores", "TokenIgnores", "Lang"})
SWITCH_VALUES = frozenset({"YES", "NO", *LEVELS})


@dataclass(frozen=True)
class IniValue:
    value: str
    line: int


@dataclass
class IniSection:
    name: str
    line: int
    keys: dict[str, list[IniValue]] = field(default_factory=dict)

    def first(self, key: str) -> IniValue:
        return self.keys[key][0]

    def values(self, key: str) -> list[str]:
        """Every value of a key (shadows included), comma-split and deduplicated."""
        found: list[str] = []
        for item in self.keys.get(key, []):
            for part in _split_commas(item.value):
                entry = part.strip()
                if entry and entry not in found:
                    found.append(entry)
        return found


def _split_commas(value: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "\\" and value.startswith(",", i + 1):
            current.append(",")
            i += 2
            continue
        if value[i] == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(value[i])
        i += 1
    parts.append("".join(current))
    return parts


def _strip_value(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    for marker in (" #", " ;", "\t#", "\t;"):
        cut = value.find(marker)
        if cut >= 0:
            value = value[:cut].rstrip()
    return value


def parse_ini(text: str, path: Path) -> list[IniSection]:
    """go-ini's reading of ``text``; the unnamed first section holds core keys."""
    sections = [IniSection("", 0)]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        number = i + 1
        line = lines[i].strip()
        i += 1
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            end = line.find("]")
            if end < 0:
                raise StyleConfigError(f"{path}:{number}: unclosed section header {line!r}")
            sections.append(IniSection(line[1:end].strip(), number))
            continue
        cut = min((p for p in (line.find("="), line.find(":")) if p >= 0), default=-1)
        if cut <= 0:
            raise StyleConfigError(f"{path}:{number}: expected 'key = value', got {line!r}")
        key = line[:cut].strip()
        raw = line[cut + 1 :]
        while raw.rstrip().endswith("\\") and i < len(lines):
            raw = raw.rstrip()[:-1] + lines[i].strip()
            i += 1
        sections[-1].keys.setdefault(key, []).append(IniValue(_strip_value(raw), number))
    return sections


@dataclass
class Section:
    """A glob section: what applies to the files it matches."""

    name: str
    glob: Glob
    base_styles: list[str] | None = None
    checks: dict[str, bool] = field(default_factory=dict)
    block_ignores: list[str] = field(default_factory=list)
    token_ignores: list[str] = field(default_factory=list)


@dataclass
class ValeConfig:
    """The interpreted configuration (Vale's ``core.Config``)."""

    path: Path
    styles_paths: list[Path] = field(default_factory=list)
    min_level: int = 0
    vocab: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    ignored_scopes: list[str] = field(default_factory=list)
    skipped_scopes: list[str] = field(default_factory=list)
    ignored_classes: list[str] = field(default_factory=list)
    word_template: str = ""
    base_styles: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    rule_levels: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    global_block_ignores: list[str] = field(default_factory=list)
    global_token_ignores: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    styles: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def search_paths(self) -> list[Path]:
        return self.styles_paths or [self.root]

    def style_line(self, style: str) -> int:
        return self.lines.get(f"style:{style}", 1)


def find_config(start: Path) -> Path | None:
    """The nearest Vale configuration file, searching upward from ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _switch(path: Path, key: str, item: IniValue, cfg: ValeConfig) -> bool:
    value = item.value
    if value not in SWITCH_VALUES:
        allowed = ", ".join(sorted(SWITCH_VALUES))
        raise StyleConfigError(
            f"{path}:{item.line}: '{key}' must be one of {allowed}, got {value!r}"
        )
    if value in LEVELS:
        cfg.rule_levels[key] = value
    return value != "NO"


def _load_vocab(path: Path, item: IniValue, cfg: ValeConfig) -> None:
    for name in _split_commas(item.value):
        name = name.strip()
        if not name:
            continue
        folder = next(
            (
                base / "config" / "vocabularies" / name
                for base in cfg.search_paths()
                if (base / "config" / "vocabularies" / name).is_dir()
            ),
            None,
        )
        if folder is None:
            raise StyleConfigError(
                f"{path}:{item.line}: Vocab: 'config/vocabularies/{name}' does not exist on StylesPath"
            )
        cfg.vocab.append(name)
        for kind, target in (("accept.txt", cfg.accepted), ("reject.txt", cfg.rejected)):
            word_list = folder / kind
            if word_list.is_file():
                target.extend(read_word_list(word_list))


def read_word_list(path: Path) -> list[str]:
    """A vocabulary file: one term a line; blank lines and ``# `` comments skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StyleConfigError(f"{path}:1: not valid UTF-8 ({exc.reason})") from None
    words: list[str] = []
    for line in text.splitlines():
        word = line.strip()
        if word and not word.startswith("# "):
            words.append(word)
    return words


def _core(path: Path, section: IniSection, cfg: ValeConfig) -> None:
    for key, items in section.keys.items():
        if key in SYNTAX_KEYS:
            raise StyleConfigError(f"{path}:{items[0].line}: '{key}' is a syntax-specific option")
        if key not in CORE_KEYS:
            raise StyleConfigError(
                f"{path}:{items[0].line}: unknown core option '{key}'; "
                f"valid options are: {', '.join(sorted(CORE_KEYS))}"
            )
        if key == "StylesPath":
            folder = (cfg.root / items[-1].value).resolve()
            if not folder.is_dir():
                raise StyleConfigError(
                    f"{path}:{items[-1].line}: StylesPath: the path '{items[-1].value}' does not exist"
                )
            cfg.styles_paths = [folder]
        elif key == "MinAlertLevel":
            level = section.values(key)[-1] if section.values(key) else ""
            if level not in LEVELS:
                raise StyleConfigError(
                    f"{path}:{items[-1].line}: MinAlertLevel must be 'suggestion', 'warning', or 'error'"
                )
            cfg.min_level = LEVELS[level]
        elif key == "IgnoredScopes":
            cfg.ignored_scopes = section.values(key)
        elif key == "SkippedScopes":
            cfg.skipped_scopes = section.values(key)
        elif key == "IgnoredClasses":
            cfg.ignored_classes = section.values(key)
        elif key == "WordTemplate":
            cfg.word_template = items[0].value
    # Vocab needs StylesPath, whatever order the keys come in.
    for item in section.keys.get("Vocab", []):
        _load_vocab(path, item, cfg)


def _reject_core_key(path: Path, key: str, line: int) -> None:
    if key in CORE_KEYS:
        raise StyleConfigError(
            f"{path}:{line}: '{key}' is a core option; it should be defined "
            "above any syntax-specific options (`[...]`)"
        )


def _global(path: Path, section: IniSection, cfg: ValeConfig) -> None:
    for key, items in section.keys.items():
        _reject_core_key(path, key, items[0].line)
        if key == "BasedOnStyles":
            cfg.base_styles = section.values(key)
            cfg.styles.extend(cfg.base_styles)
            cfg.lines.update({f"style:{s}": items[0].line for s in cfg.base_styles})
        elif key in ("BlockIgnores", "IgnorePatterns"):
            cfg.global_block_ignores = section.values(key)
        elif key == "TokenIgnores":
            cfg.global_token_ignores = section.values(key)
        elif key in GLOBAL_KEYS:
            continue
        elif key in SYNTAX_KEYS:
            raise StyleConfigError(f"{path}:{items[0].line}: '{key}' is a syntax-specific option")
        else:
            cfg.checks[key] = _switch(path, key, items[0], cfg)
            cfg.lines.setdefault(f"rule:{key}", items[0].line)


def _syntax(path: Path, section: IniSection, cfg: ValeConfig) -> None:
    try:
        sec = Section(section.name, Glob.compile(section.name))
    except GlobError as exc:
        raise StyleConfigError(f"{path}:{section.line}: {exc}") from None
    for key, items in section.keys.items():
        _reject_core_key(path, key, items[0].line)
        if key == "BasedOnStyles":
            sec.base_styles = section.values(key)
            cfg.styles.extend(sec.base_styles)
            for style in sec.base_styles:
                cfg.lines.setdefault(f"style:{style}", items[0].line)
        elif key in ("BlockIgnores", "IgnorePatterns"):
            sec.block_ignores = section.values(key)
        elif key == "TokenIgnores":
            sec.token_ignores = section.values(key)
        elif key in SYNTAX_KEYS:
            continue  # Transform, Lang, View, CommentDelimiters: not for md/rst/txt.
        else:
            sec.checks[key] = _switch(path, key, items[0], cfg)
            cfg.lines.setdefault(f"rule:{key}", items[0].line)
    cfg.sections.append(sec)


def load_vale_ini(path: Path) -> ValeConfig:
    """Read and interpret one configuration file (no user-level config)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StyleConfigError(f"{path}:1: not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise StyleConfigError(f"{path}: cannot read: {exc.strerror}") from None
    cfg = ValeConfig(path=path.resolve())
    sections = parse_ini(text, path)
    _core(path, sections[0], cfg)
    for section in sections[1:]:
        if section.name == "*":
            _global(path, section, cfg)
        elif section.name == "formats":
            cfg.formats.update({k: v[0].value for k, v in section.keys.items()})
        elif section.name in ("asciidoctor", "DEFAULT"):
            continue
        else:
            _syntax(path, section, cfg)
    return cfg
