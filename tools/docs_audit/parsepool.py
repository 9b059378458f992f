"""Pages parsed side by side on a cold run.

Parsing is most of a cold ``check`` (docutils on an RST tree, markdown-it on a MyST
one), and pages parse independently, so with several cores and enough text the
pages that the cache does not hold are shared out: this process parses one share
and forked workers the others, each sending its documents back through a pipe. A
warm run, or a pre-commit run on one changed page, stays in the one process:
forking costs more than parsing a few pages.

Workers are forked, so they share what the parent already imported and nothing is
set up twice; where ``fork`` is not available (Windows) pages are parsed in turn.
A worker that fails has its share parsed here (:mod:`docs_audit.forked`), so that
an error surfaces exactly as it would without workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from .document import Document, Problem
from .forked import Forked, cores, fork_available

#: Bytes of pages to parse below which workers are not worth starting.
PARALLEL_FROM_BYTES = 40_000
#: At most this many processes parse at once.
MAX_WORKERS = 4
#: What the work this process does beside its share (``meanwhile``) weighs, in bytes of
#: pages: loading the rules takes about as long as parsing 20 kB of MyST.
MEANWHILE_BYTES = 20_000


@dataclass(frozen=True)
class ParseJob:
    """One page to parse: its bytes and what the parser needs to know of it."""

    data: bytes
    relpath: str
    docname: str
    kind: str


Parser = Callable[[ParseJob], Document | Problem]
Share = list[tuple[int, ParseJob]]


def workers_for(jobs: Sequence[ParseJob]) -> int:
    """How many processes to parse ``jobs`` with (1: this process alone)."""
    if len(jobs) < 2 or sum(len(job.data) for job in jobs) < PARALLEL_FROM_BYTES:
        return 1
    if not fork_available():
        return 1
    return max(1, min(cores(), MAX_WORKERS, len(jobs)))


def shares(jobs: Sequence[ParseJob], count: int, head_start: int = 0) -> list[Share]:
    """``jobs`` in ``count`` shares of about equal size: the largest page goes first,
    each to the lightest share so far; the first share starts ``head_start`` bytes full."""
    split: list[Share] = [[] for _ in range(count)]
    sizes = [head_start] + [0] * (count - 1)
    for index, job in sorted(enumerate(jobs), key=lambda item: -len(item[1].data)):
        lightest = sizes.index(min(sizes))
        split[lightest].append((index, job))
        sizes[lightest] += len(job.data)
    return split


def parse_all(
    jobs: Sequence[ParseJob],
    parse: Parser,
    prepare: Callable[[set[str]], None],
    meanwhile: Callable[[], object] = lambda: None,
) -> list[Document | Problem]:
    """``parse`` applied to every job, in order; in forked workers when it pays.

    ``prepare`` is given the kinds of page about to be parsed and runs once, before
    the workers are forked, so that they inherit the parsers instead of each
    importing and building its own. ``meanwhile`` is other work of this process: it
    runs while the workers parse (before any page is parsed when there are none).
    """
    workers = workers_for(jobs)
    if workers == 1:
        meanwhile()
        return [parse(job) for job in jobs]
    prepare({job.kind for job in jobs})
    own, *others = shares(jobs, workers, head_start=MEANWHILE_BYTES)
    started = [Forked(partial(_parse_share, share, parse)) for share in others]
    try:
        meanwhile()
        results = _parse_share(own, parse)
        for worker in started:
            results.update(worker.result())
    finally:
        for worker in started:
            worker.stop()  # after an interrupt, say: no worker outlives the run
    return [results[index] for index in range(len(jobs))]


def _parse_share(share: Share, parse: Parser) -> dict[int, Document | Problem]:
    return {index: parse(job) for index, job in share}
