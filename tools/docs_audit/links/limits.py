"""Politeness and fairness: who may send the next request, and when.

Each host has a gate: at most ``limit`` requests in flight there, none before a
pause it asked for (429 + Retry-After), and its waiting requests served in order of
priority, so a retry (priority = its attempt number) runs after the host's first
attempts. The global limit counts requests being served: a request whose server
has kept it waiting for ``patience`` seconds gives its global slot back and keeps
only its host's slot, so hanging servers never starve healthy hosts.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class HostGate:
    """At most ``limit`` requests in flight to one host, none before ``not_before``.

    A 429 halves the limit (never below one) and pauses the host for its
    Retry-After, so the host sees fewer requests instead of the same burst again.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.in_flight = 0
        self.not_before = 0.0
        self._clock = clock
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    async def acquire(self, priority: int = 0) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        self._wake()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted just as we were cancelled: give it back
            raise

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def slow_down(self, pause: float) -> None:
        self.limit = max(1, self.limit // 2)
        self.not_before = max(self.not_before, self._clock() + pause)
        self._wake()

    def _wake(self) -> None:
        wait = self.not_before - self._clock()
        while self._waiting and self.in_flight < self.limit and wait <= 0:
            _, _, future = heapq.heappop(self._waiting)
            if future.done():  # cancelled while waiting
                continue
            self.in_flight += 1
            future.set_result(None)
        if self._waiting and wait > 0 and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(wait, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._wake()


class ActiveSlot:
    """A held global slot that can be given back early, once."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._semaphore.release()


class Limits:
    """The global limit and one gate per host; a request holds its host's slot first,
    so no request sits on a global slot while its host is busy."""

    def __init__(
        self, concurrency: int, per_host: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._clock = clock
        self._gates: dict[str, HostGate] = {}

    def gate(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self._per_host, self._clock)
        return gate

    @asynccontextmanager
    async def slot(self, host: str, priority: int = 0) -> AsyncIterator[ActiveSlot]:
        """Hold ``host``'s slot and a global one; the latter may be released early."""
        gate = self.gate(host)
        await gate.acquire(priority)
        try:
            await self._global.acquire()
            active = ActiveSlot(self._global)
            try:
                yield active
            finally:
                active.release()
        finally:
            gate.release()
