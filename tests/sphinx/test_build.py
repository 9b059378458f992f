"""``docs-audit build`` runs a real sphinx-build: the project's own when configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docs_audit.build import parse_output
from docs_audit.cli import main
from docs_audit.config import load_config

from .helpers import write_project

SPHINX_BUILD = Path(sys.executable).parent / "sphinx-build"
CLEAN = {"index.rst": "Home\n====\n\nText.\n"}
WARNS = {"index.rst": "Home\n====\n\nSee :ref:`nowhere`.\n\n.. automodule:: no_such_module_here\n"}


def _build(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]], str]:
    status = main(["--config", str(root / "pyproject.toml"), "build", "--format", "json"])
    captured = capsys.readouterr()
    findings = json.loads(captured.out)["findings"] if captured.out else []
    return status, findings, captured.err


def _sphinx_w_status(root: Path, tmp_path: Path) -> int:
    done = subprocess.run(
        [str(SPHINX_BUILD), "-W", "-n", "--keep-going", "-q", "-b", "html",
         str(root / "docs"), str(tmp_path / "w-out")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    return done.returncode


@pytest.mark.parametrize(("pages", "expected"), [(CLEAN, 0), (WARNS, 1)])
def test_exit_status_is_sphinx_build_w_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pages: dict[str, str], expected: int
) -> None:
    root = write_project(tmp_path, "extensions = ['sphinx.ext.autodoc']\n", pages)
    status, findings, _ = _build(root, capsys)
    assert status == expected == _sphinx_w_status(root, tmp_path)
    if expected:
        # The autodoc failure runs over several lines in Sphinx's output: one finding.
        autodoc = [f for f in findings if "no_such_module_here" in str(f["message"])]
        assert len(autodoc) == 1
        message = str(autodoc[0]["message"])
        assert "\n" in message and "No module named 'no_such_module_here'" in message


def test_configured_sphinx_build_is_the_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-with"
    wrapper = tmp_path / "project-sphinx-build"
    wrapper.write_text(
        f'#!/bin/sh\necho "$@" > {marker}\nexec {SPHINX_BUILD} "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)
    root = write_project(
        tmp_path / "p",
        "project = 'x'\n",
        WARNS,
        f'[tool.docs-audit.build]\nsphinx-build = "{wrapper}"\n',
    )
    status, findings, _ = _build(root, capsys)
    assert status == 1
    assert "-W" in marker.read_text(encoding="utf-8").split()
    assert any("nowhere" in str(f["message"]) for f in findings)


def test_missing_sphinx_build_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path,
        "project = 'x'\n",
        CLEAN,
        '[tool.docs-audit.build]\nsphinx-build = "/nonexistent/sphinx-build"\n',
    )
    status, findings, err = _build(root, capsys)
    assert status == 2
    assert findings == []
    assert "sphinx-build = '/nonexistent/sphinx-build': no such executable" in err
    assert "Traceback" not in err


def test_python_without_sphinx_is_a_usage_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, "project = 'x'\n", CLEAN)
    # The system Python has docs-audit on its path but no Sphinx.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "tools")}
    probe = subprocess.run(
        ["/usr/bin/python3", "-c", "import sphinx"], capture_output=True, check=False, env=env
    )
    if probe.returncode == 0:
        pytest.fail("/usr/bin/python3 has Sphinx; this test needs a Python without it")
    done = subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; from docs_audit.build import sphinx_command;"
         "from docs_audit.config import load_config; from docs_audit.findings import UsageError\n"
         "try:\n sphinx_command(load_config(cwd=__import__('pathlib').Path(sys.argv[1])))\n"
         "except UsageError as e:\n print(e); sys.exit(2)", str(root)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Sphinx is not installed (pip install sphinx)" in done.stdout


def test_continuation_lines_join_the_warning_before_them(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    config = load_config(tmp_path / "pyproject.toml")
    page = tmp_path / "docs" / "api.rst"
    output = (
        f"{page}:3: WARNING: autodoc: failed to import module 'x'; the following exception was raised:\n"
        "Traceback (most recent call last):\n"
        "ModuleNotFoundError: No module named 'x' [autodoc.import_object]\n"
        f"{page}:9: WARNING: undefined label: 'y' [ref.ref]\n"
    )
    first, second = parse_output(output, config)
    assert (first.path, first.line) == ("docs/api.rst", 3)
    assert (
        first.message.splitlines()[-1]
        == "ModuleNotFoundError: No module named 'x' [autodoc.import_object]"
    )
    assert second.message == "undefined label: 'y' [ref.ref]"
