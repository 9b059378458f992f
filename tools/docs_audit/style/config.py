"""``[tool.docs-audit.style]``: where the Vale configuration is and which engine runs."""

from __future__ import annotations

from ..config import Field

SCHEMA: dict[str, Field] = {
    "vale-ini": Field(
        "str",
        ".vale.ini",
        "Vale configuration (relative to the project root); searched for if missing.",
    ),
    "vale-binary": Field(
        "str",
        "auto",
        "'auto' (the `vale` on PATH if any, else built-in), 'builtin', or a path to vale.",
    ),
    "paths": Field("list[str]", ["docs"], "What `docs-audit style` lints when no PATHS are given."),
    "myst": Field(
        "bool", True, "Built-in engine: understand MyST (lint admonitions, skip targets and roles)."
    ),
}
