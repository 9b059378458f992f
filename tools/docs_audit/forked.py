"""Work done in a forked process, with the same result as doing it here.

Used to run independent work side by side on a cold run (page parsing, the style
engine beside the project parse). A forked worker inherits everything already
imported and built, so it starts at once; it sends its result back through a pipe.
If the worker fails in any way (an exception, a crash, a result that cannot be
pickled), nothing is sent and the work is done again in this process, so that an
error surfaces exactly as it would have without the worker.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

T = TypeVar("T")


def cores() -> int:
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(usable) if usable is not None else os.cpu_count() or 1


def fork_available() -> bool:
    """Whether work can go to forked workers: two cores or more, ``fork`` (not Windows),
    and no other thread (a thread's locks would be copied held into the worker)."""
    import multiprocessing as mp  # a warm or one-page run never needs it

    alone = threading.active_count() == 1
    return alone and cores() >= 2 and "fork" in mp.get_all_start_methods()


class Forked(Generic[T]):
    """``work()`` running in a forked process from construction; :meth:`result` waits."""

    def __init__(self, work: Callable[[], T]) -> None:
        import multiprocessing as mp

        self._work = work
        _flush_std_streams()
        fork = mp.get_context("fork")
        receiver, sender = fork.Pipe(duplex=False)
        self._receiver: Connection = receiver
        self._process: BaseProcess = fork.Process(target=_send, args=(work, sender))
        self._process.start()
        sender.close()

    def result(self) -> T:
        """What the worker computed or, if it failed, ``work()`` done here."""
        try:
            received: tuple[T] = self._receiver.recv()
        except (EOFError, OSError):
            return self._work()
        finally:
            self.stop()
        return received[0]

    def stop(self) -> None:
        """End the worker: done, or no longer wanted because the run failed (idempotent)."""
        self._receiver.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _flush_std_streams() -> None:
    # A worker flushes its copy of any buffered output when it exits: flush it first.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _send(work: Callable[[], object], sender: Connection) -> None:
    # On any failure nothing is sent, and the parent does the work again.
    with contextlib.suppress(BaseException), sender:
        sender.send((work(),))
