"""The README's configuration reference is ``docs-audit config``'s output, kept in step.

After a change to the configuration keys, regenerate it with
``DOCS_AUDIT_UPDATE_README=1 pytest tests/sphinx/test_readme_config.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from docs_audit.commands.project_commands import config_rows
from docs_audit.config import load_config

README = Path(__file__).resolve().parents[2] / "README.md"
_OPEN = "<summary>Every key (output of <code>docs-audit config</code>)</summary>\n\n```toml\n"
_CLOSE = "\n```\n\n</details>"


def _config_output(folder: Path) -> str:
    (folder / "pyproject.toml").write_text("[tool.docs-audit]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "docs_audit", "config"],
        cwd=folder, capture_output=True, text=True, check=True,
    )  # fmt: skip
    kept = [line for line in done.stdout.splitlines() if not line.startswith("#")]
    return "\n".join(kept).strip("\n")


def test_every_key_is_documented_with_its_type_and_default(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    if os.environ.get("DOCS_AUDIT_UPDATE_README"):
        before, rest = text.split(_OPEN, 1)
        after = rest.split(_CLOSE, 1)[1]
        text = before + _OPEN + _config_output(tmp_path) + _CLOSE + after
        README.write_text(text, encoding="utf-8")
    block = text.split(_OPEN, 1)[1].split(_CLOSE, 1)[0]
    (tmp_path / "pyproject.toml").write_text("[tool.docs-audit]\n", encoding="utf-8")
    missing = []
    for row in config_rows(load_config(cwd=tmp_path)):
        header = f"[{row['table']}]"
        section = block.split(header, 1)[1] if header in block else ""
        section = re.split(r"\n\[tool\.", section, maxsplit=1)[0]
        if f"\n{row['key']} = " not in section or f"\n    {row['type']}, default " not in section:
            missing.append(f"{row['table']}.{row['key']}")
    assert missing == [], (
        "README's configuration reference is out of date; regenerate it with "
        f"DOCS_AUDIT_UPDATE_README=1 pytest {Path(__file__).name}: {missing}"
    )
