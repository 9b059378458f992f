"""Engines that read their own files, run in a forked worker beside the project parse.

The style engine lints the pages from their files with its own reader (Vale's way of
seeing a page), so it needs nothing of the parsed project. When a run has much to
parse, such an engine is started in a forked process (:mod:`docs_audit.forked`) as
soon as the pages are known, and its result is collected when its turn comes: the
two take the time of the longer one instead of their sum. Output and order are those
of the sequential run, failures included.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from .forked import Forked

if TYPE_CHECKING:
    from .engines import Engine, EngineResult, RunContext

Beside = Forked[tuple["EngineResult", float]]

#: Above this much text to parse, the engine runs after the parse instead: side by side
#: their memory peaks would add up (a 2.5 MB page takes ~120 MB to parse and as much to
#: lint), and the time saved would not make up for it.
BESIDE_UP_TO_BYTES = 1_000_000


def independent(engine: Engine) -> bool:
    """Whether ``engine`` reads its own files and never the parsed project."""
    return bool(getattr(engine, "reads_own_files", False))


def start_beside(engines: Sequence[Engine], context: RunContext) -> dict[str, Beside]:
    """Start every independent engine in its own worker, by engine name."""
    from .engines import timed

    return {
        engine.name: Forked(partial(timed, engine, context))
        for engine in engines
        if independent(engine)
    }
