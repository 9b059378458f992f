"""The page cache: JSON that cannot run code, keyed on content, discarded when foreign."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pytest

from .hostile.conftest import audit, make_project

CACHE = Path(".docs-audit-cache") / "pages.json"


class _Payload:
    """Unpickling this creates ``marker``: the proof that a pickle was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    docs = make_project(tmp_path)
    (docs / "page.md").write_text("# Page\n\nSee {ref}`home` and {ref}`gone`.\n", encoding="utf-8")
    return tmp_path


def rf201(output: str) -> list[str]:
    return [line for line in output.splitlines() if " RF201 " in line]


def test_cache_is_json_and_refreshed_when_a_page_changes(project: Path) -> None:
    first = audit(project, "check", "--select", "RF201")
    stored = json.loads((project / CACHE).read_text(encoding="utf-8"))
    assert stored["format"] == "docs-audit-pages" and set(stored["pages"]) == {
        "docs/index.md",
        "docs/page.md",
    }
    assert rf201(first.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]
    (project / "docs" / "page.md").write_text("# Page\n\nSee {ref}`also-gone`.\n")
    second = audit(project, "check", "--select", "RF201", "docs/page.md")
    assert rf201(second.stdout) == ["docs/page.md:3:5: RF201 undefined label: 'also-gone'"]


@pytest.mark.parametrize("name", ["pages.json", "pages.pickle"])
def test_crafted_pickle_is_never_executed(project: Path, name: str) -> None:
    marker = project / "executed"
    (project / CACHE.parent).mkdir()
    (project / CACHE.parent / name).write_bytes(pickle.dumps(_Payload(marker)))
    done = audit(project, "check", "--select", "RF201,DA010")
    assert not marker.exists()
    assert rf201(done.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]
    if name == "pages.json":
        assert f"{CACHE}:1:1: DA010 {project / CACHE}: page cache is corrupt; rebuilding it" in (
            done.stdout
        )
    assert json.loads((project / CACHE).read_text())["format"] == "docs-audit-pages"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("docs-audit", "0.0.1", "was written by another docs-audit"),
        ("python", "2.7.18", "was written by another python"),
        ("model", "0" * 32, "was written by another page model"),
    ],
)
def test_foreign_cache_is_discarded_with_a_warning(
    project: Path, field: str, value: str, reason: str
) -> None:
    audit(project, "check")
    stored = json.loads((project / CACHE).read_text())
    stored["key"][field] = value
    (project / CACHE).write_text(json.dumps(stored))
    done = audit(project, "check", "--select", "RF201,DA010")
    assert f"DA010 {project / CACHE}: page cache {reason}; rebuilding it [warning]" in done.stdout
    assert rf201(done.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]
    again = audit(project, "check", "--select", "RF201,DA010")
    assert "DA010" not in again.stdout


def _tamper_label_name(stored: dict[str, object]) -> None:
    page = stored["pages"]["docs/index.md"]  # type: ignore[index]
    page["light"]["labels"][0][0] = 12345  # Label(name, line, ...): the name must be a str


def _tamper_label_line(stored: dict[str, object]) -> None:
    page = stored["pages"]["docs/index.md"]  # type: ignore[index]
    page["light"]["labels"][0][1] = "__import__('os')"


def _nest_deeply(stored: dict[str, object]) -> None:
    stored["pages"]["docs/index.md"]["light"]["labels"] = "[" * 100_000  # type: ignore[index]


@pytest.mark.parametrize("tamper", [_tamper_label_name, _tamper_label_line, _nest_deeply])
def test_values_that_do_not_fit_the_model_make_the_page_parse_again(
    project: Path, tamper: object
) -> None:
    """Fields are checked against the model when first read: a value of the wrong type
    is never used (the label 'home' would vanish), the page is parsed again instead."""
    audit(project, "check")
    stored = json.loads((project / CACHE).read_text())
    tamper(stored)  # type: ignore[operator]
    (project / CACHE).write_text(json.dumps(stored))
    done = audit(project, "check", "--select", "RF201,DA010")
    assert "Traceback" not in done.stderr and done.returncode == 1
    assert rf201(done.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]


def test_a_malformed_entry_discards_the_cache_with_a_warning(project: Path) -> None:
    audit(project, "check")
    stored = json.loads((project / CACHE).read_text())
    del stored["pages"]["docs/index.md"]["light"]["labels"]
    (project / CACHE).write_text(json.dumps(stored))
    done = audit(project, "check", "--select", "RF201,DA010")
    assert "page cache is corrupt; rebuilding it" in done.stdout
    assert rf201(done.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]


@pytest.mark.parametrize("heavy", ["{}", '{"headings": 5}', "[" * 100_000, "not json"])
def test_page_only_fields_that_do_not_fit_are_parsed_again(project: Path, heavy: str) -> None:
    page = project / "docs" / "page.md"
    page.write_text(
        "# Page\n\n<!-- docs-audit: ignore RF201 -->\nSee {ref}`gone`.\n\nAnd {ref}`lost`.\n"
    )
    first = audit(project, "check", "--select", "RF201")
    assert rf201(first.stdout) == ["docs/page.md:6:5: RF201 undefined label: 'lost'"]
    stored = json.loads((project / CACHE).read_text())
    stored["pages"]["docs/page.md"]["heavy"] = heavy
    (project / CACHE).write_text(json.dumps(stored))
    second = audit(project, "check", "--select", "RF201")
    assert "Traceback" not in second.stderr and second.returncode == 1
    assert rf201(second.stdout) == rf201(first.stdout)


def test_deeply_nested_json_file_is_discarded(project: Path) -> None:
    (project / CACHE.parent).mkdir()
    (project / CACHE).write_text("[" * 200_000 + "]" * 200_000)
    done = audit(project, "check", "--select", "RF201,DA010")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "page cache is corrupt; rebuilding it" in done.stdout


def test_changed_settings_rebuild_the_cache_without_a_warning(project: Path) -> None:
    audit(project, "check")
    before = json.loads((project / CACHE).read_text())["key"]["settings"]
    (project / "docs" / "conf.py").write_text(
        'extensions = ["myst_parser"]\nmyst_heading_anchors = 2\n', encoding="utf-8"
    )
    done = audit(project, "check", "--select", "RF201,DA010")
    assert "DA010" not in done.stdout
    assert rf201(done.stdout) == ["docs/page.md:3:21: RF201 undefined label: 'gone'"]
    assert json.loads((project / CACHE).read_text())["key"]["settings"] != before


def test_python_version_is_part_of_the_key(project: Path) -> None:
    audit(project, "check")
    assert json.loads((project / CACHE).read_text())["key"]["python"] == sys.version
