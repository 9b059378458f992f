"""Pages parsed side by side on a cold run.

Parsing is most of a cold ``check`` (docutils on an RST tree, markdown-it on a MyST
one), and pages parse independently, so with several cores and enough text the
pages that the cache does not hold are parsed in forked worker processes. A warm
run, or a pre-commit run on one changed page, stays in the one process: starting
workers costs more than parsing a few pages.

Workers are forked, so they share what the parent already imported and nothing is
set up twice; where ``fork`` is not available (Windows) pages are parsed in turn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .document import Document, Problem

#: Bytes of pages to parse below which workers are not worth starting.
PARALLEL_FROM_BYTES = 100_000
#: At most this many workers: beyond it the parent's share (receiving) dominates.
MAX_WORKERS = 4


@dataclass(frozen=True)
class ParseJob:
    """One page to parse: its bytes and what the parser needs to know of it."""

    data: bytes
    relpath: str
    docname: str
    kind: str


Parser = Callable[[ParseJob], Document | Problem]

# The parser of the current call, inherited by forked workers (a closure is not pickled).
_PARSER: Parser | None = None


def _parse_one(index_and_job: tuple[int, ParseJob]) -> tuple[int, Document | Problem]:
    assert _PARSER is not None
    index, job = index_and_job
    return index, _PARSER(job)


def workers_for(jobs: Sequence[ParseJob]) -> int:
    """How many processes to parse ``jobs`` with (1: in this process)."""
    if len(jobs) < 2 or sum(len(job.data) for job in jobs) < PARALLEL_FROM_BYTES:
        return 1
    import multiprocessing as mp  # a warm or one-page run never needs it

    if "fork" not in mp.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, len(jobs)))


def parse_all(
    jobs: Sequence[ParseJob], parse: Parser, prepare: Callable[[set[str]], None]
) -> list[Document | Problem]:
    """``parse`` applied to every job, in order; in forked workers when it pays.

    ``prepare`` is given the kinds of page about to be parsed and runs once, before
    the workers are forked, so that they inherit the parsers instead of each
    importing and building its own.
    """
    workers = workers_for(jobs)
    if workers == 1:
        return [parse(job) for job in jobs]
    prepare({job.kind for job in jobs})
    global _PARSER
    _PARSER = parse
    # The largest pages first, one at a time, so that no worker is left with a big one last.
    order = sorted(enumerate(jobs), key=lambda item: -len(item[1].data))
    results: list[Document | Problem | None] = [None] * len(jobs)
    import multiprocessing as mp

    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for index, result in pool.imap_unordered(_parse_one, order):
                results[index] = result
    finally:
        _PARSER = None
    return [result for result in results if result is not None]
