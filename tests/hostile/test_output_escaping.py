"""What files put in names and messages reaches no terminal, CI log or JSON reader raw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pages import CONF_PY

HANG_GUARD = 120

INJECTED = "x\n::error file=README.md::pwned.md"
NOT_UTF8 = b"bad\xffname.md"
PAGE = "# Page\n\n```text\nTODO\n```\n"


def _project(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n\n'
        '[tool.docs-audit.code]\nplaceholders = ["TODO\\\\S*"]\n',
        encoding="utf-8",
    )
    (docs / "index.md").write_text("# Index\n\n```text\nTODO\x1b[31mred\u202e\n```\n", "utf-8")
    (docs / INJECTED).write_text(PAGE, encoding="utf-8")
    with open(os.fsencode(docs) + b"/" + NOT_UTF8, "w", encoding="utf-8") as handle:
        handle.write(PAGE)
    return root


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", "check", "--select", "CD407", *args],
        cwd=root,
        capture_output=True,
        timeout=HANG_GUARD,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path)


def test_text_format_prints_no_control_character(project: Path) -> None:
    result = _check(project)

    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("utf-8")  # valid UTF-8, or this raises
    assert out.splitlines()[:3] == [
        "docs/bad\\xffname.md:4:1: CD407 placeholder 'TODO' in code example",
        "docs/index.md:4:1: CD407 placeholder 'TODO\\x1b[31mred\\u202e' in code example",
        "docs/x\\x0a::error file=README.md::pwned.md:4:1: CD407 placeholder 'TODO' in code example",
    ]
    assert not any(ch in out for ch in "\x1b\u202e\r")


def test_github_format_cannot_start_a_workflow_command(project: Path) -> None:
    result = _check(project, "--format", "github")

    assert result.returncode == 1, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 3
    assert all(line.startswith("::error file=docs/") for line in commands)
    assert not any(line.startswith("::error file=README.md") for line in lines)
    assert "file=docs/x\\x0a%3A%3Aerror file=README.md%3A%3Apwned.md,line=4,col=1," in commands[2]
    assert "\x1b" not in result.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_stay_valid_utf8_with_a_name_that_is_not(
    project: Path, fmt: str, tmp_path: Path
) -> None:
    written = tmp_path / f"report.{fmt}"

    printed = _check(project, "--format", fmt)
    to_file = _check(project, "--format", fmt, "--output", str(written))

    assert printed.returncode == 1, printed.stderr
    assert to_file.returncode == 1, to_file.stderr
    assert written.read_bytes() == printed.stdout
    document = json.loads(printed.stdout.decode("utf-8"))
    if fmt == "json":
        paths = [finding["path"] for finding in document["findings"]]
        assert paths[0] == "docs/bad\\xffname.md"
        assert paths[2] == INJECTED.replace("x", "docs/x", 1)
    else:
        results = document["runs"][0]["results"]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        assert uris[0] == "docs/bad%FFname.md"
        assert uris[2] == "docs/x%0A%3A%3Aerror%20file%3DREADME.md%3A%3Apwned.md"


def test_markdown_cells_show_names_and_messages_as_text(tmp_path: Path) -> None:
    root = _project(tmp_path)
    hostile = "a|b<img src=x onerror=alert(1)>`@team.md"
    (root / "docs" / hostile).write_text(PAGE.replace("TODO", "TODO|<b>@org"), "utf-8")

    result = _check(root, "--format", "markdown")

    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("utf-8")
    rows = [line for line in out.splitlines() if "CD407" in line]
    assert len(rows) == 4
    row = next(r for r in rows if "img" in r)
    # Four cells: the name stays inside its code span (shown literally), the pipe escaped.
    assert row.startswith("| ``docs/a\\|b<img src=x onerror=alert(1)>`@team.md:4:1`` | CD407 ")
    assert row.endswith("| error | placeholder 'TODO&#124;&#60;b&#62;&#64;org' in code example |")
    assert "<b>" not in out and "@org" not in out
