"""Work done in a forked process, with the same result as doing it here.

Used to run independent work side by side on a cold run (page parsing, the style
engine beside the project parse). A forked worker inherits everything already
imported and built, so it starts at once; it sends its result back, pickled, through
a pipe. If the worker fails in any way (an exception, a crash, a result that cannot
be pickled), nothing usable arrives and the work is done again in this process, so
that an error surfaces exactly as it would have without the worker.

Plain ``os.fork`` and a pipe: ``multiprocessing`` would cost a run more to import
than the one fork it needs.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")


def cores() -> int:
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(usable) if usable is not None else os.cpu_count() or 1


def fork_available() -> bool:
    """Whether work can go to forked workers: two cores or more, ``fork`` (not Windows;
    not macOS, whose system libraries are not safe in a forked child), and no other
    thread (a thread's locks would be copied held into the worker)."""
    forks = hasattr(os, "fork") and sys.platform != "darwin"
    return forks and threading.active_count() == 1 and cores() >= 2


class Forked(Generic[T]):
    """``work()`` running in a forked process from construction; :meth:`result` waits."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        _flush_std_streams()
        reader, writer = os.pipe()
        self._pid: int | None = os.fork()
        if self._pid == 0:
            os.close(reader)
            _send(work, writer)  # never returns
        os.close(writer)
        self._reader = os.fdopen(reader, "rb")

    def result(self) -> T:
        """What the worker computed or, if it failed, ``work()`` done here."""
        try:
            data = self._reader.read()
        finally:
            self.stop()
        try:
            received: tuple[T] = pickle.loads(data)
        except Exception:  # nothing, or nothing whole, arrived
            return self._work()
        return received[0]

    def stop(self) -> None:
        """End the worker: done, or no longer wanted because the run failed (idempotent)."""
        self._reader.close()
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        done, _ = os.waitpid(pid, os.WNOHANG)
        if not done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def _flush_std_streams() -> None:
    # The worker must not inherit buffered output: it would be written twice.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _send(work: Callable[[], object], writer: int) -> NoReturn:
    """The worker: run ``work``, write its pickled result, exit without cleanup."""
    status = 1
    try:
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:
        pass  # the parent does the work again, and reports what goes wrong
    finally:
        os._exit(status)
