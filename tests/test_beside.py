"""The style engine run beside the project parse: same report, and failures surface as before."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

import pytest
from docs_audit import api, beside
from docs_audit.config import load_config
from docs_audit.engines import CheckEngine, EngineResult, RunContext, StyleEngine
from docs_audit.findings import UsageError
from docs_audit.forked import Forked

from .hostile.pages import CONF_PY, hundred_thousand_lines

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.usefixtures("forking")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This repository's Vale rules and a page with repeats, over the overlap threshold."""
    shutil.copytree(REPO / ".vale", tmp_path / ".vale")
    shutil.copy(REPO / ".vale.ini", tmp_path / ".vale.ini")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF_PY, encoding="utf-8")
    lines = hundred_thousand_lines()[0].splitlines()
    cut = next(n for n in range(6000, len(lines)) if lines[n] == "" and lines[n - 1] != "```")
    page = "\n".join(lines[:cut]) + "\n"
    (docs / "page.md").write_text(page + "\n{ref}`nowhere`\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nIt is simply the the start.\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the engines started in a worker from now on."""
    started: list[str] = []

    class Recording(Forked[tuple[EngineResult, float]]):
        def __init__(self, work: partial[tuple[EngineResult, float]]) -> None:
            started.append(work.args[0].name)
            super().__init__(work)

    monkeypatch.setattr(beside, "Forked", Recording)
    return started


def _audit(root: Path, engines: list[api.Engine], threshold: int) -> api.Audit:
    saved = api.PARALLEL_FROM_BYTES
    api.PARALLEL_FROM_BYTES = threshold
    try:
        return api.audit(None, load_config(cwd=root), engines, use_cache=False)
    finally:
        api.PARALLEL_FROM_BYTES = saved


def test_style_beside_the_parse_reports_what_it_reports_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _started(monkeypatch)
    alone = _audit(project, [CheckEngine(use_cache=False), StyleEngine()], 10**12)
    assert started == []
    overlapped = _audit(project, [CheckEngine(use_cache=False), StyleEngine()], 0)
    assert started == ["style"]
    assert overlapped.report.findings == alone.report.findings
    assert [s.name for s in overlapped.stages] == ["check", "style"]
    style = overlapped.stages[1]
    assert style.stats == alone.stages[1].stats and style.stats["alerts"] > 100
    codes = {f.code for f in overlapped.report.findings}
    assert codes == {"RF201", "RF204", "VL701"}  # both engines' findings


def test_a_broken_style_config_fails_as_it_does_without_the_worker(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".vale.ini").write_text("StylesPath = nowhere\n[*.md]\nBasedOnStyles = Gone\n")
    started = _started(monkeypatch)
    errors = []
    for threshold in (10**12, 0):
        with pytest.raises(UsageError) as raised:
            _audit(project, [StyleEngine()], threshold)
        errors.append(str(raised.value))
    assert started == ["style"]  # the second run failed in the worker, then here
    assert errors[0] == errors[1] and "StylesPath: the path 'nowhere'" in errors[0]


@dataclass
class _DiesInWorker:
    """Reads its own files; dies without a word when run in a forked worker."""

    parent: int
    name: str = "dies"
    reads_own_files: ClassVar[bool] = True

    def run(self, context: RunContext) -> EngineResult:
        if os.getpid() != self.parent:
            os._exit(3)
        return EngineResult(stats={"ran-in": os.getpid()})


def test_a_worker_that_dies_is_replaced_by_a_run_in_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _started(monkeypatch)
    result = _audit(project, [_DiesInWorker(os.getpid())], 0)
    assert started == ["dies"]
    assert result.stages[0].stats == {"ran-in": os.getpid()}


def test_no_worker_when_the_text_to_parse_is_large(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Side by side, the two memory peaks would add up: a large parse runs alone."""
    started = _started(monkeypatch)
    monkeypatch.setattr(api, "BESIDE_UP_TO_BYTES", 1000)
    result = _audit(project, [CheckEngine(use_cache=False), StyleEngine()], 0)
    assert started == []
    assert {f.code for f in result.report.findings} == {"RF201", "RF204", "VL701"}
