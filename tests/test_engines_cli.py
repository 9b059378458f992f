"""One engine pipeline: the same selection, options and reports on every subcommand.

A small project has the same problems on two pages; ``per-file-ignores`` silences
one of them. Every command (check, style, links, build, release) in every format must
report the problems of the other page only, at the same places.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from docs_audit.cli import cli, main

from .links.simweb import SimWeb, Site

FORMATS = ["text", "line", "json", "github", "sarif", "markdown"]
COMMANDS = ["check", "style", "links", "build", "release"]

PAGE = """(PAGE-label)=
# PAGE

This simply works. See {ref}`nowhere-PAGE` and [gone](URL/gone-PAGE).
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A site on loopback where every page but the home page is missing (404)."""
    with SimWeb() as web:
        yield web.add(Site()).url("").rstrip("/")


def _project(root: Path, url: str, extra: str = "") -> Path:
    docs = root / "docs"
    (root / "styles" / "T").mkdir(parents=True)
    docs.mkdir()
    (root / ".vale.ini").write_text("StylesPath = styles\n\n[*.md]\nBasedOnStyles = T\n")
    (root / "styles" / "T" / "Word.yml").write_text(
        'extends: existence\nmessage: "Remove %s."\nlevel: error\ntokens:\n  - simply\n'
    )
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n'
        'per-file-ignores = { "docs/ignored.md" = ["RF", "VL", "LK", "BD"] }\n'
        f"{extra}"
        "[tool.docs-audit.links]\nallow-private = true\nretries = 0\ntimeout = 5.0\n"
        'cache-file = ".links-cache.json"\n',
        encoding="utf-8",
    )
    (docs / "conf.py").write_text('extensions = ["myst_parser"]\n', encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n```{toctree}\nkept\nignored\n```\n", encoding="utf-8")
    for name in ("kept", "ignored"):
        text = PAGE.replace("PAGE", name).replace("URL", url)
        (docs / f"{name}.md").write_text(text, encoding="utf-8")
    return root / "pyproject.toml"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, server: str) -> Path:
    return _project(tmp_path_factory.mktemp("engines"), server)


_PLACE = re.compile(r"(docs/[\w./-]+):(\d+):(\d+)")
_GITHUB = re.compile(r"file=([^,]+),line=(\d+),col=(\d+)")


def _places(fmt: str, out: str) -> set[tuple[str, int, int]]:
    """Where the findings of a report are, read back from the format."""
    if fmt == "json":
        return {(f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]}
    if fmt == "sarif":
        found = set()
        for result in json.loads(out)["runs"][0]["results"]:
            location = result["locations"][0]["physicalLocation"]
            region = location["region"]
            uri = location["artifactLocation"]["uri"]
            found.add((uri, region["startLine"], region["startColumn"]))
        return found
    pattern = _GITHUB if fmt == "github" else _PLACE
    return {(path, int(line), int(column)) for path, line, column in pattern.findall(out)}


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_per_file_ignores_give_the_same_findings_in_every_format(
    project: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--no-progress"] if command == "links" else []
    status, out, err = _run(project, capsys, command, "--format", "json", *extra)
    data = json.loads(out)
    expected = _places("json", out)
    assert expected, f"{command} found nothing: {err}"
    assert {path for path, _, _ in expected} == {"docs/kept.md"}
    assert data["summary"]["suppressed"] >= 1  # what ignored.md had, counted not shown
    assert status == 1
    for fmt in FORMATS:
        status_again, out, _ = _run(project, capsys, command, "--format", fmt, *extra)
        assert "ignored.md" not in out, (command, fmt)
        assert _places(fmt, out) == expected, (command, fmt)
        assert status_again == status, (command, fmt)


def test_links_markdown_report_file_shows_selected_findings_only(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "links.md"
    _run(project, capsys, "links", "--no-progress", "--markdown-report", str(target))
    text = target.read_text(encoding="utf-8")
    assert "gone-kept" in text and "docs/kept.md:4:" in text
    assert "ignored" not in text
    # Both URLs were checked and found broken; the ignored one is not counted as broken.
    assert "| 2 | 0 | 1 | 0 | 0 | 0 |" in text


def _common_help(command: str) -> list[str]:
    """The common options' entries of ``docs-audit COMMAND --help``, unwrapped."""
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    entries: list[str] = []
    for line in result.output.splitlines():
        if line.startswith("  -"):
            entries.append(line.strip())
        elif entries and line.startswith(" " * 6):
            entries[-1] += " " + line.strip()  # a wrapped help text
    common = ("--format", "-o, --output", "--select", "--ignore", "--extend-select")
    return [entry for entry in entries if entry.startswith(common)]


def test_every_subcommand_shows_the_same_common_options() -> None:
    reference = _common_help("check")
    assert len(reference) == 5, reference
    for command in ("style", "links", "build", "release"):
        assert _common_help(command) == reference, command


@pytest.mark.parametrize("command", ["check", "style", "links"])
def test_unknown_rule_is_a_usage_error_with_close_matches(
    project: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(project, capsys, command, "--ignore", "undefined-labl")
    assert status == 2 and out == ""
    assert err.strip().splitlines() == [
        "docs-audit: error: --ignore: unknown rule code or name 'undefined-labl'; "
        "did you mean undefined-label?"
    ]


def test_rule_names_select_like_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, by_name, _ = _run(project, capsys, "check", "--select", "undefined-label")
    _, by_code, _ = _run(project, capsys, "check", "--select", "RF201")
    assert by_name == by_code and "RF201" in by_name


def test_style_without_vale_configuration_says_so_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nThis simply works.\n")
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    status, out, err = _run(tmp_path / "pyproject.toml", capsys, "style")
    assert status == 0 and out == ""
    assert err.splitlines() == [
        f"docs-audit style: no Vale configuration (.vale.ini) in {tmp_path} or above; "
        "nothing to check"
    ]


def test_release_marks_a_stage_it_cannot_run_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee {ref}`nowhere`.\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n'
        '[tool.docs-audit.release]\nstages = ["check", "style"]\n'
    )
    status, out, err = _run(tmp_path / "pyproject.toml", capsys, "release")
    assert status == 1 and "RF201" in out
    rows = {line.split()[0]: line for line in err.splitlines() if line.strip()}
    assert rows["check"].split()[1] == "ran"
    assert rows["style"].split()[1] == "skipped"
    assert rows["style"].endswith("no Vale configuration (.vale.ini) in " + f"{tmp_path} or above")


def _without_sphinx(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """docs-audit in a fresh interpreter where ``import sphinx`` fails, as when it is
    not installed (``sys.modules[name] = None`` is Python's own way to block an import)."""
    code = (
        "import sys; sys.modules['sphinx'] = None\n"
        "from docs_audit.cli import main\n"
        f"raise SystemExit(main({list(args)!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )


def test_without_sphinx_build_is_a_usage_error_and_release_skips_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    # conf.py decides the suffixes: Markdown pages need myst_parser, as in Sphinx.
    (tmp_path / "docs" / "conf.py").write_text("extensions = ['myst_parser']\n")
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n'
        '[tool.docs-audit.release]\nstages = ["check", "build"]\n'
    )
    done = _without_sphinx(tmp_path, "build")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "docs-audit: error: cannot build: Sphinx is not installed (pip install sphinx)"
    ]
    done = _without_sphinx(tmp_path, "release")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stderr.splitlines() if line.strip()}
    assert rows["build"].split()[1] == "skipped"
    assert rows["build"].endswith("Sphinx is not installed (pip install sphinx)")
