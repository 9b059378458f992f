"""PS1xx: settings examples checked against the installed django-prodserver.

Every page of the fixture trees carries its expected findings (``expect:
CODE@LINE:COL`` comments); the checks run for real: a probe interpreter imports
and instantiates the backends of the installed django-prodserver 3.0.0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from docs_audit.api import run
from docs_audit.config import load_config
from docs_audit.findings import Report

from ..conftest import inline_expectations

FIXTURES = Path(__file__).parent / "fixtures"

Found = set[tuple[str, str, int, int]]


def _tree(name: str, tmp_path: Path, extra_config: str = "") -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    if extra_config:
        # The examples table is the last one in each fixture's pyproject.toml.
        with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
            handle.write(extra_config)
    return root


def _run(root: Path, paths: list[Path] | None = None) -> Report:
    return run(paths, load_config(root / "pyproject.toml"), use_cache=False)


def _found(report: Report) -> Found:
    return {(f.path, f.code, f.line, f.column) for f in report.findings}


def test_each_rule_finds_exactly_the_marked_problems(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path)
    expected = inline_expectations(root)
    assert {code for _, code, _, _ in expected} >= {f"PS1{n:02d}" for n in range(1, 13) if n != 8}
    report = _run(root)
    assert _found(report) == expected


def test_correct_examples_and_the_upgrade_guide_are_clean(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path)
    found = _found(_run(root))
    assert not [f for f in found if f[0] in ("docs/good.md", "docs/guides/upgrading.md")]


def test_a_fragment_is_skipped_only_when_marked(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path)
    report = _run(root)
    assert [(f.path, f.code) for f in report.suppressed] == [("docs/good.md", "PS109")]
    page = root / "docs" / "good.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("<!-- docs-audit: ignore PS109 -->\n", ""),
        encoding="utf-8",
    )
    assert ("docs/good.md", "PS109") in {(f.path, f.code) for f in _run(root).findings}


def test_messages_name_the_fix(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path)
    messages = {(f.code, f.line, f.column): f.message for f in _run(root).findings}
    assert (
        "use 'django_prodserver.backends.servers.gunicorn.GunicornServer'"
        in messages[("PS103", 27, 25)]
    )
    assert "did you mean 'ARGS'?" in messages[("PS105", 46, 9)]
    assert messages[("PS107", 85, 1)] == (
        "the page shows ['--bind 127.0.0.1:8000', '--workers=4'] but django-prodserver 3.0.0 "
        "computes ['--bind=127.0.0.1:8000', '--workers=4']"
    )
    assert "'timeout'" in messages[("PS106", 60, 34)]
    assert messages[("PS112", 191, 18)].endswith(
        "the gunicorn parser rejects it: argument --preload: ignored explicit argument 'True'"
    )


def test_a_new_backend_in_the_package_fails_until_documented(tmp_path: Path) -> None:
    root = _tree("future", tmp_path)
    report = _run(root)
    assert _found(report) == inline_expectations(root)
    (message,) = [f.message for f in report.findings]
    assert message.startswith("futurepkg.backends.hypercorn.HypercornServer is a public backend")
    page = root / "docs" / "index.md"
    with page.open("a", encoding="utf-8") as handle:
        handle.write("- `futurepkg.backends.hypercorn.HypercornServer`\n")
    assert _found(_run(root)) == set()


#: What needs only the page's syntax tree is still checked without the package
#: (PS101 here: a misspelt package name).
STATIC = {"PS101", "PS105", "PS109", "PS110"}


def _unavailable(root: Path) -> list[str]:
    report = _run(root)
    unavailable = [f for f in report.findings if f.code == "PS100"]
    assert {f.code for f in report.findings} - {"PS100"} <= STATIC
    pages = sorted(f.path for f in unavailable)
    assert pages == sorted(
        [
            "docs/bad.md",
            "docs/good.md",
            "docs/guides/upgrading.md",
            "docs/index.md",
            "docs/reference.rst",
        ]
    ), "one finding per page that has examples, nothing else"
    return [f.message for f in unavailable]


def test_missing_package_gives_one_clear_finding_per_page(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path, 'backend-package = "no_such_package.backends"\n')
    for message in _unavailable(root):
        assert "no_such_package.backends is not importable: ModuleNotFoundError" in message


def test_interpreter_without_django(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    venv.create(bare, with_pip=False)
    root = _tree("checked", tmp_path, f'python = "{bare / "bin" / "python"}"\n')
    for message in _unavailable(root):
        assert "Django is not importable" in message


def test_missing_interpreter(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path, 'python = "/nonexistent/bin/python"\n')
    for message in _unavailable(root):
        assert "interpreter '/nonexistent/bin/python' not found" in message


def _counting_python(tmp_path: Path) -> tuple[Path, Path]:
    """An interpreter that logs each start, then is the real one."""
    log = tmp_path / "starts.log"
    script = tmp_path / "python"
    script.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    return script, log


def _starts(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_one_probe_per_run_and_none_for_unrelated_pages(tmp_path: Path) -> None:
    python, log = _counting_python(tmp_path)
    root = _tree("checked", tmp_path, f'python = "{python}"\n')
    _run(root)
    assert _starts(log) == 1
    report = _run(root, [root / "docs" / "plain.md"])
    assert _starts(log) == 1 and not report.findings
    report = _run(root, [root / "docs" / "reference.rst"])
    assert _starts(log) == 2
    assert {f.path for f in report.findings} == {"docs/reference.rst"}


def test_the_docs_audit_process_never_imports_the_package(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path)
    code = (
        "import sys\n"
        "from docs_audit.api import run\n"
        "from docs_audit.config import load_config\n"
        f"report = run(None, load_config(__import__('pathlib').Path({str(root / 'pyproject.toml')!r})), use_cache=False)\n"
        "assert report.findings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'django_prodserver')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("page", ["docs/good.md", "docs/reference.rst"])
def test_pages_are_not_modified(tmp_path: Path, page: str) -> None:
    root = _tree("checked", tmp_path)
    before = (root / page).read_bytes()
    _run(root)
    assert (root / page).read_bytes() == before


def test_an_app_that_is_not_installed_is_left_out(tmp_path: Path) -> None:
    root = _tree(
        "checked",
        tmp_path,
        'installed-apps = ["django_prodserver", "django_q", "django_tasks", '
        '"django_tasks_db", "no_such_app"]\n',
    )
    assert _found(_run(root)) == inline_expectations(root)


def test_a_missing_command_is_reported_as_unvalidated_not_as_rejected(tmp_path: Path) -> None:
    root = _tree("checked", tmp_path, 'installed-apps = ["django_prodserver", "django_q"]\n')
    messages = [f.message for f in _run(root).findings if f.code == "PS112"]
    unvalidated = [m for m in messages if "no management command 'db_worker'" in m]
    assert unvalidated and all(m.startswith("cannot validate") for m in unvalidated)
    assert not any("django-command:db_worker parser rejects" in m for m in messages)
