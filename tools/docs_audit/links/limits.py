"""Politeness: a limit on requests in flight per host, with pauses a host asked for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress


class HostGate:
    """At most ``limit`` requests in flight to one host, none before ``not_before``.

    A 429 halves the limit (never below one) and pauses the host for its
    Retry-After, so the host sees fewer requests instead of the same burst again.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self.not_before = 0.0
        self._changed = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._changed:
            while True:
                wait = self.not_before - time.monotonic()
                if wait <= 0 and self.in_flight < self.limit:
                    self.in_flight += 1
                    return
                if wait > 0:
                    with suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), wait)
                else:
                    await self._changed.wait()

    async def release(self) -> None:
        async with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    async def slow_down(self, pause: float) -> None:
        async with self._changed:
            self.limit = max(1, self.limit // 2)
            self.not_before = max(self.not_before, time.monotonic() + pause)
            self._changed.notify_all()


class Limits:
    """The global limit and one gate per host; a request holds its host's slot first,
    so no request sits on a global slot while its host is busy."""

    def __init__(self, concurrency: int, per_host: int) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._gates: dict[str, HostGate] = {}

    def gate(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self._per_host)
        return gate

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        gate = self.gate(host)
        await gate.acquire()
        try:
            async with self._global:
                yield
        finally:
            await gate.release()
