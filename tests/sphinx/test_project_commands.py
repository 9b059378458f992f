"""``docs-audit init``, ``config`` and ``inventories`` as a user runs them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from docs_audit.cli import main

from .helpers import make_inventory, serve, write_project

CONF = "extensions = ['myst_parser']\nroot_doc = 'start'\nimport os\nhtml_theme = os.environ['T']\n"


def _docs(root: Path, conf: str = CONF) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "conf.py").write_text(conf, encoding="utf-8")
    (root / "docs" / "start.md").write_text("# Start\n", encoding="utf-8")
    return root


def test_init_appends_to_existing_pyproject_without_clobbering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _docs(tmp_path)
    pyproject = root / "pyproject.toml"
    original = '[project]\nname = "demo"\n\n[tool.ruff]\nline-length = 99 # keep\n'
    pyproject.write_text(original, encoding="utf-8")
    status = main(["init", "--pyproject", str(pyproject)])
    out = capsys.readouterr().out
    assert status == 0
    text = pyproject.read_text(encoding="utf-8")
    assert text.startswith(original)
    data = tomllib.loads(text)
    assert data["tool"]["docs-audit"] == {"docs-root": "docs"}
    assert data["project"] == {"name": "demo"}
    assert "root_doc                 start" in out
    assert ".rst, .md" in out


def test_init_refuses_existing_table_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _docs(tmp_path)
    pyproject = root / "pyproject.toml"
    before = (
        '[tool.docs-audit]\ndocs-root = "old"\n[tool.docs-audit.labels]\nexempt = ["x"]\n'
        "[tool.other]\nkeep = 1\n"
    )
    pyproject.write_text(before, encoding="utf-8")
    assert main(["init", "--pyproject", str(pyproject)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert pyproject.read_text(encoding="utf-8") == before
    assert main(["init", "--force", "--pyproject", str(pyproject)]) == 0
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    assert data["tool"]["docs-audit"] == {"docs-root": "docs"}
    assert data["tool"]["other"] == {"keep": 1}


def test_init_without_conf_py_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--pyproject", str(tmp_path / "pyproject.toml")]) == 2
    assert "no conf.py found" in capsys.readouterr().err
    assert not (tmp_path / "pyproject.toml").exists()


def test_config_prints_every_key_with_type_default_doc_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path, CONF, {"start.md": "# Start\n"}, "[tool.docs-audit.links]\ntimeout = 3.0\n"
    )
    status = main(["--config", str(root / "pyproject.toml"), "config"])
    out = capsys.readouterr().out
    assert status == 0
    assert "[tool.docs-audit.links]" in out
    assert "timeout = 3.0   (set)" in out
    assert "    float, default 15.0: Seconds to wait for a connection or for data." in out
    assert "[tool.docs-audit.sphinx]" in out
    assert "root_doc                 start" in out
    # html_theme is computed but no setting docs-audit reads: no note about it.
    assert "html_theme" not in out


def test_inventories_command_fetches_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve({"/a/objects.inv": make_inventory([("x", "std:label")])}) as web:
        conf = (
            f"intersphinx_mapping = {{'a': ('{web.base}/a', None), 'b': ('{web.base}/b', None)}}\n"
        )
        root = write_project(
            tmp_path,
            conf,
            {"index.md": "# Home\n"},
            "[tool.docs-audit.links]\nallow-private = true\n",
        )
        status = main(["--config", str(root / "pyproject.toml"), "inventories"])
    captured = capsys.readouterr()
    assert status == 1
    lines = captured.out.splitlines()
    assert lines[0].split()[:3] == ["a", "fetched", "1"]
    assert lines[1].split()[:2] == ["b", "failed"]
    assert "HTTP 404" in lines[1]
    assert "1 inventory not fetched" in captured.err


def test_inventories_without_mapping_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, "project = 'x'\n", {"index.md": "# Home\n"})
    assert main(["--config", str(root / "pyproject.toml"), "inventories"]) == 0
    assert "nothing to fetch" in capsys.readouterr().out
