"""The repository's own DjangoProdserver style: each rule on prose that breaks it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docs_audit.style.api import run_builtin

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    shutil.copy(REPO / ".vale.ini", tmp_path / ".vale.ini")
    shutil.copytree(REPO / ".vale", tmp_path / ".vale")
    (tmp_path / "docs" / "guides").mkdir(parents=True)
    return tmp_path


def _lint(root: Path, name: str, text: str) -> list[str]:
    path = root / "docs" / name
    path.write_text(text, encoding="utf-8")
    run = run_builtin([Path("docs") / name], root)
    return sorted(f"{a.line}:{a.column}:{a.check}" for a in run.alerts)


def test_product_names(repo: Path) -> None:
    text = "# Servers\n\nRun gunicorn or Nginx behind docker-compose on Github.\n"
    assert _lint(repo, "a.md", text) == [
        "3:17:Vale.Terms",
        "3:30:DjangoProdserver.ProductNames",
        "3:30:Vale.Terms",
        "3:48:Vale.Terms",
        "3:5:Vale.Terms",
    ]


def test_names_in_code_and_package_names_are_fine(repo: Path) -> None:
    text = "# Servers\n\nInstall `gunicorn` with `pip install django-prodserver[gunicorn]`.\n"
    assert _lint(repo, "b.md", text) == []


def test_condescending_words_and_terms(repo: Path) -> None:
    text = "# Setup\n\nSimply configure the back-end. You can setup Celery easily.\n"
    assert _lint(repo, "c.md", text) == [
        "3:1:DjangoProdserver.Condescending",
        "3:22:DjangoProdserver.Terms",
        "3:36:DjangoProdserver.Terms",
        "3:53:DjangoProdserver.Condescending",
    ]


def test_setting_and_commands_in_code_style(repo: Path) -> None:
    text = "# Settings\n\nSet PRODUCTION_PROCESSES and run manage.py with --workers.\n\nSet `PRODUCTION_PROCESSES`.\n"
    assert _lint(repo, "d.md", text) == [
        "3:34:DjangoProdserver.CommandInCode",
        "3:49:DjangoProdserver.CommandInCode",
        "3:5:DjangoProdserver.SettingInCode",
    ]


def test_deprecated_command_outside_upgrade_text(repo: Path) -> None:
    text = (
        "# Usage\n\nRun `python manage.py prodserver web`.\n\n"
        "The `prodserver` command is deprecated; use `server`.\n\n"
        "See the django-prodserver docs and `django_prodserver.backends`.\n"
    )
    assert _lint(repo, "e.md", text) == ["3:23:DjangoProdserver.DeprecatedCommand"]


def test_upgrade_guide_may_name_the_old_commands(repo: Path) -> None:
    text = "# Upgrading\n\nReplace this:\n\n```bash\npython manage.py prodserver web\n```\n"
    assert _lint(repo, "guides/upgrading-to-3.md", text) == []


def test_myst_targets_and_roles_are_not_prose(repo: Path) -> None:
    text = (
        "(backend-gunicorn)=\n\n# Gunicorn\n\nSee {ref}`backend-gunicorn`.\n\n% gunicorn comment\n"
    )
    assert _lint(repo, "f.md", text) == []


def test_rst_roles_are_not_prose(repo: Path) -> None:
    text = "Title\n=====\n\nSee :ref:`backend-gunicorn` for Gunicorn.\n"
    assert _lint(repo, "g.rst", text) == []
