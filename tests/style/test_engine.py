"""The built-in engine on fixture files that carry their expected output (expected.txt)."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from docs_audit.style.api import run_builtin
from docs_audit.style.engine import cycles_collected_after
from docs_audit.style.regexes import compile_pattern, translate

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def basic(tmp_path: Path) -> Path:
    target = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", target)
    return target


def _lines(folder: Path, *paths: str) -> list[str]:
    run = run_builtin([Path(p) for p in paths or ["."]], folder)
    return [a.as_line() for a in run.alerts]


def test_fixture_tree_gives_exactly_the_expected_lines(basic: Path) -> None:
    expected = (basic / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(_lines(basic)) == sorted(expected)


def test_columns_count_characters_not_bytes(basic: Path) -> None:
    lines = _lines(basic, "unicode.md")
    # "Naïve façade — " is 15 characters (19 bytes); "日本語のテキスト、" is 9 (27 bytes).
    assert "unicode.md:3:16:T.Word:Remove 'simply'." in lines
    assert "unicode.md:5:10:Vale.Terms:Use 'Gunicorn' instead of 'gunicorn'." in lines


def test_myst_admonitions_linted_code_targets_comments_and_role_targets_not(basic: Path) -> None:
    lines = _lines(basic, "myst.md")
    assert lines == [
        "myst.md:8:13:T.Word:Remove 'simply'.",
        "myst.md:16:17:T.Swap:Use 'backend' instead of 'back-end'.",
        "myst.md:19:15:T.Word:Remove 'badword'.",
        "myst.md:21:6:T.Raw:'prodserver' in the raw file.",
    ]


def test_without_myst_directive_fences_are_code(basic: Path) -> None:
    run = run_builtin([Path("myst.md")], basic, myst=False)
    found = [a.as_line() for a in run.alerts]
    assert "myst.md:8:13:T.Word:Remove 'simply'." not in found
    # Vale reads the label line as text.
    assert "myst.md:1:2:T.Word:Remove 'badword'." in found


def test_comment_controls(basic: Path) -> None:
    assert _lines(basic, "comments.md") == [
        "comments.md:9:6:T.Word:Remove 'simply'.",
        "comments.md:19:30:T.Word:Remove 'simply'.",
    ]


def test_rule_switch_per_glob_section(basic: Path) -> None:
    assert _lines(basic, "skip.md") == [
        "skip.md:1:4:T.Title:'A Heading In Title Case' should be in sentence case."
    ]


def test_restructuredtext_through_docutils(basic: Path) -> None:
    assert _lines(basic, "page.rst") == [
        "page.rst:4:16:T.Word:Remove 'simply'.",
        "page.rst:4:34:T.Swap:Use 'backend' instead of 'back-end'.",
        "page.rst:10:36:Vale.Terms:Use 'Gunicorn' instead of 'gunicorn'.",
        "page.rst:12:20:Vale.Avoid:Avoid using 'foobar'.",
    ]


def test_non_utf8_file_is_reported_and_the_run_continues(basic: Path) -> None:
    run = run_builtin([Path(".")], basic)
    assert run.errors == ["latin1.md:1: not valid UTF-8 (invalid continuation byte at byte 11)"]
    assert any(a.path == "unicode.md" for a in run.alerts)


def test_min_alert_level_filters(basic: Path) -> None:
    ini = basic / ".vale.ini"
    ini.write_text(ini.read_text().replace("MinAlertLevel = suggestion", "MinAlertLevel = error"))
    lines = _lines(basic, "myst.md")
    assert lines == [
        "myst.md:8:13:T.Word:Remove 'simply'.",
        "myst.md:19:15:T.Word:Remove 'badword'.",
    ]


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"(?i)\b(?:(?-i)did)\b", "DID did", ["did"]),
        (r"a(?i)b|c", "aB C", ["aB", "C"]),
        (r"(?i)x(?-i:y)", "XY Xy", ["Xy"]),
    ],
)
def test_dotnet_inline_flags(pattern: str, text: str, found: list[str]) -> None:
    assert compile_pattern(pattern).findall(text) == found


def test_translate_keeps_character_classes() -> None:
    assert translate(r"[(?i)]x") == r"[(?i)]x"


def test_the_collector_is_paused_while_linting_and_left_as_it_was() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with pytest.raises(RuntimeError), cycles_collected_after():
            assert not gc.isenabled()
            raise RuntimeError
        assert gc.isenabled()
        gc.disable()
        with cycles_collected_after():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
