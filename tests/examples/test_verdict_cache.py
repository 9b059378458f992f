"""The example verdict cache: unchanged examples are not probed again, a changed one
alone is, and another installed version of a package starts afresh.

Probe runs are observed through the cache file itself (its ``probes`` counter and
the run each entry came from), with the real probe and the installed
django-prodserver; nothing is mocked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from docs_audit.api import audit, run
from docs_audit.config import load_config
from docs_audit.engines import CheckEngine
from docs_audit.findings import Report

FIXTURES = Path(__file__).parent / "fixtures"


def _tree(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "checked"
    shutil.copytree(FIXTURES / "checked", root)
    if extra:
        with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
            handle.write(extra)
    return root


def _run(root: Path, paths: list[Path] | None = None) -> Report:
    return run(paths, load_config(root / "pyproject.toml"))


def _cache(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (root / ".docs-audit-cache" / "examples.json").read_text(encoding="utf-8")
    )
    return data


def _found(report: Report) -> set[tuple[str, str, int, int, str]]:
    return {(f.path, f.code, f.line, f.column, f.message) for f in report.findings}


def test_unchanged_examples_are_answered_from_the_cache(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    first = _run(root)
    cache = _cache(root)
    assert cache["probes"] == 1 and cache["processes"]
    second = _run(root)
    assert _cache(root) == cache, "nothing probed, nothing rewritten"
    assert _found(second) == _found(first)


def test_a_changed_example_is_probed_alone(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _run(root)
    before = _cache(root)["processes"]
    page = root / "docs" / "good.md"
    text = page.read_text(encoding="utf-8")
    changed = text.replace('"workers": 4, "preload": None', '"workers": 5, "preload": None', 1)
    assert changed != text
    page.write_text(changed, encoding="utf-8")
    report = _run(root)
    after = _cache(root)
    assert after["probes"] == 2
    new = {key for key, entry in after["processes"].items() if entry["probe"] == 2}
    assert len(new) == 1 and not new & set(before)
    # The new verdict is the real one: the "Received" block no longer matches.
    assert ("docs/good.md", "PS107") in {(f.path, f.code) for f in report.findings}


def test_another_package_version_starts_afresh(tmp_path: Path) -> None:
    root = _tree(tmp_path, 'python-path = ["src"]\n')
    _run(root)
    assert _cache(root)["probes"] == 1
    # A newer gunicorn (one of django-prodserver's extras) found first on the probe's path.
    dist = root / "src" / "gunicorn-99.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gunicorn\nVersion: 99.0\n")
    _run(root)
    cache = _cache(root)
    assert cache["probes"] == 2
    assert cache["environment"]["packages"]["gunicorn"] == "99.0"
    assert {entry["probe"] for entry in cache["processes"].values()} == {2}


def _notes(root: Path) -> list[str]:
    """The offline-check engine's notes (what the command prints on stderr)."""
    result = audit(None, load_config(root / "pyproject.toml"), [CheckEngine()])
    return [line for stage in result.stages for line in stage.notes]


def test_a_corrupt_cache_is_discarded_with_a_note(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    path = root / ".docs-audit-cache" / "examples.json"
    path.parent.mkdir()
    path.write_bytes(b"\x80\x04\x95 not json")
    (note,) = _notes(root)
    assert note.startswith(f"{path}: example verdict cache is unreadable")
    assert _cache(root)["probes"] == 1
    assert _notes(root) == []


def test_verdicts_of_another_docs_audit_version_are_discarded_with_a_note(
    tmp_path: Path,
) -> None:
    root = _tree(tmp_path)
    _run(root)
    path = root / ".docs-audit-cache" / "examples.json"
    data = _cache(root)
    data["environment"]["docs-audit"] = "0.0.1"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _notes(root) == [f"{path}: example verdicts of docs-audit 0.0.1; starting afresh"]
    assert {entry["probe"] for entry in _cache(root)["processes"].values()} == {2}


def test_no_cache_run_neither_reads_nor_writes_it(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    run(None, load_config(root / "pyproject.toml"), use_cache=False)
    assert not (root / ".docs-audit-cache" / "examples.json").exists()
