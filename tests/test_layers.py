"""The package's import layering: no module imports from a layer above its own.

Layers, low to high: the core model (findings, document, config, the rule registry
and what a check may read) -> parsing -> project -> engines (checks, links, style,
examples, build, reporters) -> api -> release -> subcommand modules -> cli.
Imports are read with ``ast``, lazy ones inside functions included: a lazy import is
still a dependency, only a hidden one. ``TYPE_CHECKING`` imports are dependencies too.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import docs_audit

PACKAGE = Path(docs_audit.__file__).parent

#: Module-name prefixes per layer, lowest first; the longest matching prefix wins. A
#: module not named here (``""``) belongs to the core: it may import only the core.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("", "__init__", "findings", "document", "config", "registry", "context", "codec", "forked"),
    ("parsing", "toc"),
    ("project", "pagecache", "sources", "paths", "included", "parsepool"),
    ("checks", "links", "style", "examples", "build", "report", "intersphinx"),
    ("selection", "engines", "beside"),
    ("api",),
    ("release",),
    ("commandline",),
    ("links.command", "style.command", "commands"),
    ("cli", "__main__"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(importer: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The package modules an ``import from`` names, relative to ``importer``."""
    if node.level == 0:
        if not (node.module or "").startswith("docs_audit"):
            return []
        base = (node.module or "").removeprefix("docs_audit").lstrip(".")
    else:
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        if importer == "__init__":
            package = []
        keep = len(package) - (node.level - 1)
        base = ".".join(package[:keep] + ([node.module] if node.module else []))
    known = modules()
    names = [f"{base}.{alias.name}".lstrip(".") for alias in node.names]
    found = [name for name in names if name in known]
    return found or [base or "__init__"]


@lru_cache(maxsize=1)
def imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                targets.update(resolve(name, path, node))
            elif isinstance(node, ast.Import):
                targets.update(
                    alias.name.removeprefix("docs_audit.")
                    for alias in node.names
                    if alias.name.startswith("docs_audit.")
                )
        graph[name] = targets - {name}
    return graph


def layer(module: str) -> int:
    best, best_length = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".") or prefix == ""
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def upward_imports() -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer, targets in imports().items()
        for imported in targets
        if layer(imported) > layer(importer)
    }


def cycles() -> set[frozenset[str]]:
    """Pairs of modules that reach each other (each cycle shown by its two-module pairs)."""
    graph = imports()
    reach: dict[str, set[str]] = {}
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(graph.get(current, ()))
        reach[start] = seen
    return {
        frozenset({a, b})
        for a, targets in graph.items()
        for b in targets
        if a != b and a in reach.get(b, set())
    }


def test_every_module_has_a_layer() -> None:
    unplaced = [name for name in modules() if layer(name) < 0]
    assert unplaced == []


def test_no_module_imports_from_a_higher_layer() -> None:
    assert upward_imports() == set()


def test_no_import_cycles_between_modules() -> None:
    assert cycles() == set()


def test_the_layer_check_sees_lazy_and_relative_imports() -> None:
    # The rule has teeth: the parsers once imported the link audit lazily, and
    # a check importing the project loader would be caught as well.
    graph = imports()
    assert "parsing.urls" in graph["parsing.myst"]
    assert "parsing.rst" in graph["parsing.myst"]  # lazy, inside a function
    assert layer("links.fetch") > layer("parsing.myst")
    assert layer("project") > layer("context")
    assert layer("links.command") > layer("links.api")


def test_parsing_reaches_nothing_above_itself() -> None:
    graph = imports()
    for name in graph:
        if name.startswith("parsing"):
            assert {layer(target) for target in graph[name]} <= {0, 1}, name
