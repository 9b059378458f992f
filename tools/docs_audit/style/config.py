"""``[tool.docs-audit.style]``: where the Vale configuration is and which engine runs."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import setting


@dataclass(frozen=True)
class StyleTable:
    """``[tool.docs-audit.style]``: the Vale configuration and engine."""

    vale_ini: str = setting(
        ".vale.ini",
        "Vale configuration (relative to the project root); searched for if missing.",
    )
    vale_binary: str = setting(
        "auto",
        "'auto' (the `vale` on PATH if any, else built-in), 'builtin', or a path to vale.",
    )
    paths: list[str] = setting(["docs"], "What `docs-audit style` lints when no PATHS are given.")
    myst: bool = setting(
        True,
        "Built-in engine: understand MyST (lint admonitions, skip targets and roles).",
    )
