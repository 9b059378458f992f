"""Defaults a new user keeps, and wrong input that fails loudly.

A project with the minimal configuration gets only the rules that predict a Sphinx
warning, a broken page or a broken link; house rules are opt-in. Paths that do not
exist, lie outside the docs root, or name no page are usage errors (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docs_audit.cli import main
from docs_audit.registry import RULES
from docs_audit.selection import load_rules

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "docs_audit"

# A page with one Sphinx-visible problem (an undefined label) and several house-rule
# ones: no page label (LB101), a fence without a language (CD401), a placeholder (CD407).
PAGE = "# Guide\n\nSee {ref}`nowhere`.\n\n```\nTODO\n```\n"


def _tree(root: Path, table: str = "") -> Path:
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        "# Home\n\n```{toctree}\nguide\nsub/page\n```\n", encoding="utf-8"
    )
    (root / "docs" / "guide.md").write_text(PAGE, encoding="utf-8")
    (root / "docs" / "sub" / "page.md").write_text("# Page\n\nText.\n", encoding="utf-8")
    (root / "docs" / "sub" / "notes.txt").write_text("not a page\n", encoding="utf-8")
    (root / "docs" / "sub" / "draft.md").write_text("# Draft\n", encoding="utf-8")
    (root / "docs" / "_build").mkdir()
    (root / "docs" / "_build" / "copy.md").write_text("# Built\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\nexclude = ["_build/**", "sub/draft.md"]\n{table}',
        encoding="utf-8",
    )
    return root / "pyproject.toml"


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return status, out, err


def _codes(out: str) -> set[str]:
    return {f["code"] for f in json.loads(out)["findings"]}


def test_minimal_configuration_reports_only_what_sphinx_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(_tree(tmp_path), capsys, "check", "--format", "json")
    assert status == 1 and _codes(out) == {"RF201"}


@pytest.mark.parametrize(
    ("table", "args", "expected"),
    [
        ('extend-select = ["CD401", "placeholder"]\n', (), {"RF201", "CD401", "CD407"}),
        ("", ("--extend-select", "LB101"), {"RF201", "LB101"}),
        ('preset = "strict"\n', (), {"RF201", "LB101", "CD401", "CD407"}),
        ('preset = "strict"\nignore = ["CD"]\n', (), {"RF201", "LB101"}),
        ('extend-select = ["CD"]\n', ("--select", "CD401"), {"CD401"}),
    ],
)
def test_house_rules_are_opt_in(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    args: tuple[str, ...],
    expected: set[str],
) -> None:
    _, out, _ = _run(_tree(tmp_path, table), capsys, "check", "--format", "json", *args)
    assert _codes(out) == expected


def test_every_house_rule_is_off_and_every_sphinx_rule_on_by_default() -> None:
    from docs_audit.config import load_config

    load_rules(load_config(cwd=TOOLS))
    house = {r.code for r in RULES if not r.default}
    # Label naming, page labels, fence languages, syntax, placeholders, template,
    # structure and doc8's style are house rules; duplicates and references are not.
    assert {"LB101", "LB102", "CD401", "CD403", "CD407", "TP301", "ST601", "RS501"} <= house
    assert not house & {"LB103", "RF201", "RF202", "RF204", "DA004", "LK801", "BD901"}


def test_a_folder_stands_for_its_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _tree(tmp_path, 'preset = "strict"\n')
    status, out, _ = _run(config, capsys, "check", str(tmp_path / "docs" / "sub"))
    assert status == 1
    places = {line.split(":")[0] for line in out.splitlines()[:-1]}
    assert places == {"docs/sub/page.md"}
    assert out.splitlines()[-1].endswith("in 1 file (1 skipped: 1 excluded).")
    _, out, _ = _run(config, capsys, "check", str(tmp_path / "docs"))
    assert out.splitlines()[-1].endswith("in 3 files (1 skipped: 1 excluded).")  # not _build
    _, whole, _ = _run(config, capsys, "check")
    assert whole == out  # the docs root as a folder is the whole tree
    sub = tmp_path / "docs" / "sub"
    _, out, _ = _run(config, capsys, "check", str(sub / "notes.txt"), str(sub / "page.md"))
    assert out.splitlines()[-1].endswith("in 1 file (1 skipped: 1 not a page suffix).")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("docs/nope.md", "docs/nope.md: no such file or directory"),
        ("outside.md", "outside.md: outside the docs root "),
        ("docs/sub/notes.txt", "no page among the given paths (1 not a page suffix)"),
    ],
)
def test_wrong_paths_exit_two_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, message: str
) -> None:
    config = _tree(tmp_path)
    (tmp_path / "outside.md").write_text("# Out\n", encoding="utf-8")
    for command in ("check", "links", "style"):
        status, out, err = _run(config, capsys, command, str(tmp_path / path))
        assert status == 2 and out == "", command
        assert len(err.splitlines()) == 1 and message in err.replace(str(tmp_path) + "/", "")


def test_outside_paths_can_be_skipped_for_pre_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _tree(tmp_path)
    (tmp_path / "README.md").write_text("# Read me\n", encoding="utf-8")
    readme, guide = str(tmp_path / "README.md"), str(tmp_path / "docs" / "guide.md")
    status, out, _ = _run(config, capsys, "check", "--skip-outside", readme, guide)
    assert status == 1 and "in 1 file (1 skipped: 1 outside the docs root)." in out
    status, out, err = _run(config, capsys, "check", "--skip-outside", readme)
    assert status == 0 and "nothing to check: 1 outside the docs root" in err


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.docs-audit]\ndocs-root = "doc"\n', "docs-root 'doc' is not a folder"),
        ("[tool.docs-audit]\n", "docs-root 'docs' is not a folder"),
        ('[tool.docs-audit]\ndocs-root = "empty"\n', "no pages (.md, .rst) below the docs root"),
        ('[tool.docs-audit]\npreset = "lax"\n', "'docs-audit.preset' must be one of default"),
        ('[tool.docs-audit]\nextend-select = ["LB1O1"]\n', "did you mean LB101"),
    ],
)
def test_misconfigured_root_or_selection_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    status, out, err = _run(tmp_path / "pyproject.toml", capsys, "check")
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err


def test_markdown_pages_without_myst_are_not_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """conf.py without myst_parser: Sphinx reads .rst only, and the error says so."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text('project = "x"\n', encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    status, out, err = _run(tmp_path / "pyproject.toml", capsys, "check")
    assert status == 2 and out == ""
    assert "no pages (.rst) below the docs root" in err


def test_this_repository_still_runs_every_rule() -> None:
    """Its own audit stays as strict as before the defaults: every rule is selected."""
    from docs_audit.config import load_config
    from docs_audit.selection import Selection

    repo = TOOLS.parents[1]
    selection = Selection.from_config(load_config(repo / "pyproject.toml"))
    assert len(RULES) > 60
    assert [r.code for r in RULES if not selection.enabled(r.code)] == []
