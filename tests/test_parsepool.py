"""Pages parsed in forked workers on a cold run give exactly the model parsed in turn."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from docs_audit import parsepool
from docs_audit.config import load_config
from docs_audit.document import Document, Problem
from docs_audit.forked import fork_available
from docs_audit.parsepool import ParseJob
from docs_audit.project import Project, load_project

REPO = Path(__file__).resolve().parents[1]

RST_PAGE = """\
.. _rst-{n}:

RST page {n}
============

See :ref:`rst-{m}`, :doc:`index` and `a link <https://example.org/{n}>`_.

.. note::

   Nested :ref:`missing-{n}` inside a note.

.. code-block:: python

   value = {n}
"""


def _tree(tmp_path: Path) -> Path:
    """This repository's MyST pages, some RST pages and one page that cannot be read."""
    shutil.copytree(REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build"))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )
    conf = tmp_path / "docs" / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nsource_suffix = [".md", ".rst"]\n')
    for n in range(6):
        page = RST_PAGE.format(n=n, m=(n + 1) % 6)
        (tmp_path / "docs" / f"rst-{n}.rst").write_text(page, encoding="utf-8")
    (tmp_path / "docs" / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    return tmp_path


def _load(root: Path, monkeypatch: pytest.MonkeyPatch, threshold: int) -> Project:
    monkeypatch.setattr(parsepool, "PARALLEL_FROM_BYTES", threshold)
    return load_project(load_config(cwd=root), use_cache=False)


def _comparable(doc: Document) -> dict[str, object]:
    return {key: value for key, value in vars(doc).items() if not key.startswith("_")}


@pytest.mark.usefixtures("forking")
def test_parallel_parse_equals_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    forked: list[int] = []
    original = parsepool.workers_for

    def counting(jobs: list[ParseJob]) -> int:
        workers = original(jobs)
        forked.append(workers)
        return workers

    monkeypatch.setattr(parsepool, "workers_for", counting)
    parallel = _load(root, monkeypatch, 0)
    sequential = _load(root, monkeypatch, 10**12)
    assert forked[0] >= 2 and forked[1] == 1  # the first load really used workers
    assert list(parallel.documents) == list(sequential.documents)  # same order
    assert len(parallel.documents) > 30
    for docname, doc in sequential.documents.items():
        assert _comparable(parallel.documents[docname]) == _comparable(doc), docname
    assert parallel.unreadable == sequential.unreadable
    assert isinstance(parallel.unreadable["docs/latin1.md"], Problem)


@pytest.mark.usefixtures("forking")
def test_small_or_single_page_runs_stay_in_process() -> None:
    big = ParseJob(b"x" * parsepool.PARALLEL_FROM_BYTES, "docs/a.md", "a", "md")
    small = ParseJob(b"# A\n", "docs/b.md", "b", "md")
    assert parsepool.workers_for([big]) == 1  # one page: nothing to share out
    assert parsepool.workers_for([small, small]) == 1  # too little text to pay for workers
    assert parsepool.workers_for([big, small]) == 2


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not fork_available()
    finally:
        release.set()
        other.join()


@pytest.mark.usefixtures("forking")
def test_a_share_whose_worker_dies_is_parsed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsepool, "PARALLEL_FROM_BYTES", 0)
    parent = os.getpid()
    prepared: list[set[str]] = []

    def parse(job: ParseJob) -> Document | Problem:
        if os.getpid() != parent:
            os._exit(3)  # a worker that crashes without a word
        return Document(job.relpath, job.docname, "md", f"parsed in {os.getpid()}")

    jobs = [ParseJob(b"x" * n, f"docs/{n}.md", str(n), "md") for n in (5, 40, 20, 10)]
    results = parsepool.parse_all(jobs, parse, prepared.append)
    assert prepared == [{"md"}]  # workers were really started
    assert [doc.relpath for doc in results if isinstance(doc, Document)] == [
        job.relpath for job in jobs
    ]
    assert {doc.text for doc in results if isinstance(doc, Document)} == {f"parsed in {parent}"}


def test_shares_are_balanced_by_size() -> None:
    sizes = [50, 40, 30, 20, 10, 10]
    jobs = [ParseJob(b"x" * n, f"docs/{i}.md", str(i), "md") for i, n in enumerate(sizes)]
    split = parsepool.shares(jobs, 2)
    assert sorted(sum(len(job.data) for _, job in share) for share in split) == [80, 80]
    assert sorted(index for share in split for index, _ in share) == list(range(len(jobs)))


def test_the_first_share_leaves_room_for_work_done_meanwhile() -> None:
    jobs = [ParseJob(b"x" * n, f"docs/{i}.md", str(i), "md") for i, n in enumerate([30, 30, 20])]
    own, other = parsepool.shares(jobs, 2, head_start=40)
    assert [index for index, _ in own] == [2] and len(other) == 2


@pytest.mark.parametrize("threshold", [0, 10**12])
@pytest.mark.usefixtures("forking")
def test_meanwhile_runs_once_here_before_this_process_parses(
    monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    monkeypatch.setattr(parsepool, "PARALLEL_FROM_BYTES", threshold)
    events: list[str] = []
    parent = os.getpid()

    def parse(job: ParseJob) -> Document | Problem:
        if os.getpid() == parent:
            events.append(f"parse {job.relpath}")
        return Document(job.relpath, job.docname, "md", "")

    jobs = [ParseJob(b"x" * n, f"docs/{n}.md", str(n), "md") for n in (50_000, 10, 20)]
    parsepool.parse_all(jobs, parse, lambda kinds: None, lambda: events.append("meanwhile"))
    assert events[0] == "meanwhile" and events.count("meanwhile") == 1
    assert len(events) == (3 if threshold == 0 else 4)  # with workers, one page is theirs
