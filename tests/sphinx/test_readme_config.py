"""The README's configuration reference is ``docs-audit config``'s output, kept in step."""

from __future__ import annotations

import re
from pathlib import Path

from docs_audit.commands.project_commands import config_rows
from docs_audit.config import load_config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_key_is_documented_with_its_type_and_default(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("<summary>Every key", 1)[1].split("</details>", 1)[0]
    (tmp_path / "pyproject.toml").write_text("[tool.docs-audit]\n", encoding="utf-8")
    missing = []
    for row in config_rows(load_config(cwd=tmp_path)):
        header = f"[{row['table']}]"
        section = block.split(header, 1)[1] if header in block else ""
        section = re.split(r"\n\[tool\.", section, maxsplit=1)[0]
        line = f"\n    {row['type']}, default "
        if f"\n{row['key']} = " not in section or line not in section:
            missing.append(f"{row['table']}.{row['key']}")
    assert missing == [], (
        "README's configuration reference is out of date; regenerate it from "
        f"'docs-audit config' in a project with an empty table: {missing}"
    )
