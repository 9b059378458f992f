"""Engines that read their own files, run in a forked worker beside the project parse.

The style engine lints the pages from their files with its own reader (Vale's way of
seeing a page), so it needs nothing of the parsed project. When a run has much to
parse, such an engine is started in a forked process as soon as the pages are known,
and its result is collected when its turn comes: the two take the time of the longer
one instead of their sum. Output and order are those of the sequential run.

Any failure of the worker (an exception, a crash, a result that cannot be sent) makes
the engine run again in this process, so that errors surface exactly as they would
without the worker.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .engines import Engine, EngineResult, RunContext


def independent(engine: Engine) -> bool:
    """Whether ``engine`` reads its own files and never the parsed project."""
    return bool(getattr(engine, "reads_own_files", False))


def fork_available() -> bool:
    import multiprocessing as mp

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2 and "fork" in mp.get_all_start_methods()


class Beside:
    """One engine running in a forked worker; :meth:`result` waits for it."""

    def __init__(self, engine: Engine, context: RunContext) -> None:
        import multiprocessing as mp

        self.engine, self.context = engine, context
        flush_std_streams()
        fork = mp.get_context("fork")
        receiver, sender = fork.Pipe(duplex=False)
        self._receiver: Connection = receiver
        self._process: BaseProcess = fork.Process(
            target=_run, args=(engine, context, sender), name=f"docs-audit-{engine.name}"
        )
        self._process.start()
        sender.close()

    def result(self) -> tuple[EngineResult, float]:
        """The engine's result and seconds, from the worker or, if it failed, run here."""
        received: Any = None
        try:
            received = self._receiver.recv()
        except (EOFError, OSError):
            pass  # the worker died or sent nothing: run the engine here instead
        finally:
            self.stop()
        if isinstance(received, tuple) and len(received) == 2:
            return received[0], float(received[1])
        started = time.perf_counter()
        result = self.engine.run(self.context)
        return result, time.perf_counter() - started

    def stop(self) -> None:
        """End the worker (done, or no longer wanted because the run failed)."""
        self._receiver.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def flush_std_streams() -> None:
    """Flush before forking: a worker flushes its copy of any buffered output on exit."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _run(engine: Engine, context: RunContext, sender: Connection) -> None:
    started = time.perf_counter()
    # On any failure nothing is sent: the parent runs the engine again and reports.
    with contextlib.suppress(BaseException), sender:
        result = engine.run(context)
        sender.send((result, time.perf_counter() - started))


def start_beside(engines: Sequence[Engine], context: RunContext) -> dict[str, Beside]:
    """Start every independent engine in its own worker, by engine name."""
    return {engine.name: Beside(engine, context) for engine in engines if independent(engine)}
