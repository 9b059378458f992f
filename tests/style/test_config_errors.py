"""Broken configurations stop the style check with exit 2 and name the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..runner import run_cli

PYPROJECT = '[tool.docs-audit]\ndocs-root = "docs"\n'
RULE = 'extends: existence\nmessage: "Remove %s."\ntokens:\n  - simply\n'


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nThis simply works.\n")
    (tmp_path / ".vale.ini").write_text("StylesPath = styles\n\n[*.md]\nBasedOnStyles = T\n")
    (tmp_path / "styles" / "T").mkdir(parents=True)
    (tmp_path / "styles" / "T" / "Word.yml").write_text(RULE)
    return tmp_path


def _run(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    status, out, err = run_cli(project, "style", *args, env=env)
    return status, out + err


def test_clean_configuration_reports_the_alert(project: Path) -> None:
    code, out = _run(project, "--format", "line", "--engine", "builtin")
    assert out == "docs/index.md:3:6:T.Word:Remove simply.\n"
    assert code == 0  # existence rules default to level warning


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("extends: existence\nmessage: 'x'\ntokens: [a\n", "Word.yml:4: invalid YAML"),
        (RULE + "colour: red\n", "Word.yml:5: unknown key 'colour'"),
        (
            "extends: existence\nmessage: 'x'\ntokens:\n  - '(unclosed'\n",
            "Word.yml:3: 'tokens': invalid regular expression",
        ),
        ("extends: existance\nmessage: 'x'\n", "Word.yml:1: 'extends' must be one of"),
        ("extends: existence\ntokens: [a]\n", "Word.yml:1: missing the required 'message' key"),
        (RULE + "level: fatal\n", "Word.yml:5: 'level' must be one of"),
        (RULE + "ignorecase: maybe\n", "Word.yml:5: 'ignorecase' must be true or false"),
    ],
)
def test_broken_rule_file(project: Path, content: str, expected: str) -> None:
    (project / "styles" / "T" / "Word.yml").write_text(content)
    code, out = _run(project, "--engine", "builtin")
    assert code == 2
    assert expected in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("ini", "expected"),
    [
        (
            "StylesPath = styles\n[*.md]\nBasedOnStyles = T, Missing\n",
            ".vale.ini:3: BasedOnStyles: style 'Missing' does not exist",
        ),
        ("StylesPath = nowhere\n", ".vale.ini:1: StylesPath: the path 'nowhere' does not exist"),
        ("StylesPath = styles\nColour = red\n", ".vale.ini:2: unknown core option 'Colour'"),
        ("StylesPath = styles\n[*.md]\nT.Word = maybe\n", ".vale.ini:3: 'T.Word' must be one of"),
        (
            "StylesPath = styles\n[*.md]\nT.Nope = YES\n",
            ".vale.ini:3: 'T.Nope': no rule file T/Nope.yml",
        ),
        (
            "StylesPath = styles\nVocab = Absent\n",
            ".vale.ini:2: Vocab: 'config/vocabularies/Absent' does not exist",
        ),
    ],
)
def test_broken_vale_ini(project: Path, ini: str, expected: str) -> None:
    (project / ".vale.ini").write_text(ini)
    code, out = _run(project, "--engine", "builtin")
    assert code == 2
    assert expected in out


def test_through_the_docs_audit_cli(project: Path) -> None:
    (project / "styles" / "T" / "Word.yml").write_text(RULE + "colour: red\n")
    status, _, err = run_cli(project, "style", "--engine", "builtin")
    assert status == 2
    assert "Word.yml:5: unknown key 'colour'" in err
    assert len(err.strip().splitlines()) == 1


def test_explicit_vale_engine_without_binary_is_a_usage_error(project: Path) -> None:
    code, out = _run(project, "--engine", "vale", env={"PATH": str(project / "no-bin")})
    assert code == 2
    assert "'vale' is not an executable" in out
