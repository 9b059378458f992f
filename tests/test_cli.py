"""The command line: exit statuses, output formats, configuration errors, paths."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .runner import run_cli

Tree = Callable[[str], Path]


def test_text_output_and_exit_status_one(fixture_tree: Tree) -> None:
    status, out, _ = run_cli(fixture_tree("code"), "check")
    assert status == 1
    assert "docs/index.md:3:1: CD401 code block has no language" in out.splitlines()
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert out.splitlines()[-1] == "Found 11 errors, 0 warnings in 2 files."


def test_clean_tree_exits_zero(fixture_tree: Tree) -> None:
    status, out, _ = run_cli(fixture_tree("code"), "check", "--select", "ST")
    assert status == 0
    assert out.startswith("Found 0 errors")


def test_warnings_alone_do_not_fail(fixture_tree: Tree) -> None:
    root = fixture_tree("badinput")
    status, out, _ = run_cli(root, "check", "--select", "DA006")
    assert status == 0
    assert "docs/empty.md:1:1: DA006 page is empty [warning]" in out


def test_json_shape(fixture_tree: Tree) -> None:
    status, out, _ = run_cli(fixture_tree("code"), "check", "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["version"] == 1
    first = data["findings"][0]
    assert set(first) == {"path", "line", "column", "code", "name", "severity", "message", "url"}
    assert first["url"] is None and first["name"] == "missing-language"
    assert data["summary"]["errors"] == 11 and data["summary"]["by_code"]["CD407"] == 2


def test_sarif_is_2_1_0(fixture_tree: Tree) -> None:
    _, out, _ = run_cli(fixture_tree("code"), "check", "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["id"] for r in rules})
    result = run["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_github_annotations(fixture_tree: Tree) -> None:
    _, out, _ = run_cli(fixture_tree("badinput"), "check", "--format", "github")
    lines = out.splitlines()
    assert (
        "::warning file=docs/empty.md,line=1,col=1,title=DA006 empty-file::page is empty" in lines
    )
    assert any(line.startswith("::error file=docs/latin1.md,line=3,col=4,") for line in lines)


def test_select_and_ignore_longest_prefix_wins(fixture_tree: Tree) -> None:
    root = fixture_tree("code")
    _, out, _ = run_cli(root, "check", "--select", "CD40", "--ignore", "CD403,CD407")
    codes = {line.split()[1] for line in out.splitlines()[:-1]}
    assert codes == {"CD401", "CD402", "CD404", "CD405", "CD406"}
    _, out, _ = run_cli(root, "check", "--select", "CD403", "--ignore", "CD")
    assert {line.split()[1] for line in out.splitlines()[:-1]} == {"CD403"}


def test_paths_limit_the_report_not_the_facts(fixture_tree: Tree) -> None:
    root = fixture_tree("refs")
    status, out, _ = run_cli(root, "check", "docs/guide.md")
    assert out.splitlines()[:-1] == [
        "docs/guide.md:9:5: RF203 'any' reference target not found: nothing-here"
    ]
    assert status == 1
    # sub/page.rst refers to 'guide-label', defined in guide.md: resolved from the whole tree.
    _, out, _ = run_cli(root, "check", "docs/sub/page.rst")
    assert "guide-label" not in out and "rst-missing" in out


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[tool.docs-audit]\ndocs-rot = "docs"\n',
            "unknown key 'docs-audit.docs-rot'; valid keys are: build, cache-dir, code,",
        ),
        (
            '[tool.docs-audit]\nselect = "CD"\n',
            "'docs-audit.select' must be list[str], got str: 'CD'",
        ),
        (
            "[tool.docs-audit.labels]\nnaming = 3\n",
            "'docs-audit.labels.naming' must be dict[str,str], got int",
        ),
        ("[tool.docs-audit.labelz]\n", "unknown key 'docs-audit.labelz'"),
        ("[tool.docs-audit\n", "invalid TOML"),
    ],
)
def test_configuration_errors_exit_two_with_one_line(
    tmp_path: Path, table: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    status, out, err = run_cli(tmp_path, "check")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(tmp_path / "pyproject.toml") in err and message in err
    assert "Traceback" not in err


def test_explicit_config_option_and_missing_file(tmp_path: Path) -> None:
    status, _, err = run_cli(tmp_path, "--config", "nope.toml", "check")
    assert status == 2 and "configuration file not found" in err


def test_list_and_explain(tmp_path: Path) -> None:
    status, out, _ = run_cli(tmp_path, "list")
    assert status == 0
    codes = [line.split()[0] for line in out.splitlines()]
    assert {"LB101", "RF201", "TP301", "CD401", "RS501", "ST603", "DA004", "BD901"} <= set(codes)
    assert {"VL701", "LK801", "LK809"} <= set(codes)  # engines' rules are listed too
    status, out, _ = run_cli(tmp_path, "explain", "missing-page-label")
    assert status == 0 and out.startswith("LB101 missing-page-label") and "(installation)=" in out
    assert "Off by default (a house rule)" in out and "--extend-select LB101" in out
    assert "<!-- docs-audit: ignore LB101 -->" in out and "per-file-ignores" in out
    status, out, _ = run_cli(tmp_path, "explain", "RF201")
    assert status == 0 and "On by default" in out and 'ignore = ["RF201"]' in out
    status, _, err = run_cli(tmp_path, "explain", "XX999")
    assert status == 2 and "unknown rule code or name 'XX999'" in err


def test_every_rule_is_documented(tmp_path: Path) -> None:
    run_cli(tmp_path, "list", "--format", "json")
    _, out, _ = run_cli(tmp_path, "list", "--format", "json")
    rules = json.loads(out)
    for rule in rules:
        assert rule["code"][:2].isalpha() and rule["code"][2:].isdigit(), rule
        assert rule["name"] == rule["name"].lower() and " " not in rule["name"], rule
        assert rule["summary"] and rule["summary"] != rule["name"], rule
    assert len({r["code"] for r in rules}) == len(rules)


def test_console_script_runs_without_traceback(fixture_tree: Tree) -> None:
    root = fixture_tree("badinput")
    done = subprocess.run(
        [sys.executable, "-m", "docs_audit", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "DA002" in done.stdout


def test_build_turns_sphinx_warnings_into_findings(fixture_tree: Tree) -> None:
    root = fixture_tree("refs")
    status, out, _ = run_cli(root, "build", "--select", "BD", "--format", "json")
    findings = json.loads(out)["findings"]
    assert status == 1
    assert {f["code"] for f in findings} == {"BD901"}
    places = {(f["path"], f["line"]) for f in findings}
    assert ("docs/index.md", 13) in places and ("docs/lonely.md", 1) in places
    assert any("[ref.ref]" in f["message"] for f in findings)


def test_build_without_conf_py_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    status, _, err = run_cli(tmp_path, "build")
    assert status == 2 and "no conf.py" in err


def test_build_output_in_colour_is_still_read(tmp_path: Path) -> None:
    from docs_audit.build import parse_output
    from docs_audit.config import load_config

    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )
    config = load_config(tmp_path / "pyproject.toml")
    page = tmp_path / "docs" / "index.md"
    coloured = f"\x1b[91m{page}:4: WARNING: undefined label: 'x' [ref.ref]\x1b[39;49;00m\n"
    [finding] = parse_output(coloured, config)
    assert (finding.path, finding.line, finding.code) == ("docs/index.md", 4, "BD901")
    assert finding.message == "undefined label: 'x' [ref.ref]"


REPO = Path(__file__).resolve().parents[1]


def _style_project(tmp_path: Path, pyproject: str, page: str) -> Path:
    import shutil

    shutil.copy(REPO / ".vale.ini", tmp_path / ".vale.ini")
    shutil.copytree(REPO / ".vale", tmp_path / ".vale")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    return tmp_path


def test_style_findings_honour_inline_suppressions_and_ignore(tmp_path: Path) -> None:
    page = "(home)=\n# Home\n\nYou simply run it.\n\n<!-- docs-audit: ignore VL701 -->\nYou simply stop it.\n"
    root = _style_project(tmp_path, '[tool.docs-audit]\ndocs-root = "docs"\n', page)
    status, out, _ = run_cli(root, "style", "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert [(f["line"], f["code"]) for f in data["findings"]] == [(4, "VL701")]
    assert data["summary"]["suppressed"] == 1
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\nignore = ["VL"]\n', encoding="utf-8"
    )
    status, out, _ = run_cli(root, "style", "--format", "json")
    assert status == 0 and json.loads(out)["findings"] == []


def test_link_findings_honour_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "(home)=\n# Home\n\nSee <http://localhost/admin/>.\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )
    _, out, _ = run_cli(tmp_path, "links", "--no-cache", "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["LK808"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n[tool.docs-audit.per-file-ignores]\n"docs/*.md" = ["LK808"]\n',
        encoding="utf-8",
    )
    _, out, _ = run_cli(tmp_path, "links", "--no-cache", "--format", "json")
    data = json.loads(out)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 1
