"""A small simulated web on loopback, for the link tests and the benchmark.

Each :class:`Site` is a real HTTP/1.1 server (asyncio, keep-alive) on one loopback
address and port, with routes, injected latency, an optional limit on requests in
flight (answering 429 beyond it) and counters of what it was sent. All sites run
in one background event loop thread, started and stopped by :class:`SimWeb`.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

HANG = "hang"  # read the request, never answer
RESET = "reset"  # read the request, then reset the connection


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: A body sent in ``chunk`` pieces, ``repeat`` times, after ``body`` (huge pages).
    chunk: bytes = b""
    repeat: int = 0
    #: Sent after the chunks (an anchor deep down a huge page).
    tail: bytes = b""
    delay: float = 0.0
    action: str | None = None

    @property
    def length(self) -> int:
        return len(self.body) + len(self.chunk) * self.repeat + len(self.tail)


Handler = Callable[[Request, "Site"], Reply | Awaitable[Reply]]
REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def page(*ids: str, filler: int = 0, extra: str = "") -> bytes:
    """An HTML page with elements carrying ``ids``; ``filler`` bytes of text before them."""
    text = "<p>" + ("lorem ipsum dolor sit amet " * (filler // 27 + 1))[:filler] + "</p>\n"
    body = "".join(f'<h2 id="{i}">Section {i}</h2>\n<p>text</p>\n' for i in ids)
    return f"<!doctype html><html><head><title>t</title></head><body>{text}{body}{extra}</body></html>".encode()


def redirect(status: int, location: str) -> Reply:
    return Reply(status, (("Location", location),))


@dataclass
class Site:
    host: str = "127.0.0.1"
    latency: float = 0.0
    #: Requests allowed in flight at once; more get 429 with ``retry_after``.
    max_in_flight: int | None = None
    retry_after: str = "1"
    routes: dict[str, Handler] = field(default_factory=dict)
    port: int = 0
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    headers_seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    bytes_sent: int = 0
    connections: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    too_many: int = 0
    _server: asyncio.base_events.Server | None = None

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _r, _s, reply=reply: reply)

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return sum(
            n
            for (m, p), n in self.requests.items()
            if (path is None or p == path) and (method is None or m == method)
        )

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # A small send buffer makes bytes_sent close to what the client really read.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 128 * 1024)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                keep = await self._answer(request, reader, writer)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    async def _answer(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        self.requests[(request.method, request.path)] += 1
        self.headers_seen.append((request.path, request.headers))
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.max_in_flight is not None and self.in_flight > self.max_in_flight:
                self.too_many += 1
                reply = Reply(429, (("Retry-After", self.retry_after),))
            else:
                reply = await self._reply(request)
            if self.latency:
                await asyncio.sleep(self.latency)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            if reply.action == HANG:
                # Until the client gives up: a real server notices the closed socket.
                await reader.read()
                return False
            if reply.action == RESET:
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return False
        finally:
            # Done before the answer is written: a client that has read it may send
            # its next request before this task runs again.
            self.in_flight -= 1
        return await self._write(request, reply, writer)

    async def _reply(self, request: Request) -> Reply:
        handler = self.routes.get(request.path)
        if handler is None:
            return Reply(404, body=b"<html><body>not found</body></html>")
        reply = handler(request, self)
        if not isinstance(reply, Reply):
            reply = await reply
        return reply

    async def _write(self, request: Request, reply: Reply, writer: asyncio.StreamWriter) -> bool:
        head = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}"]
        names = {name.lower() for name, _ in reply.headers}
        head += [f"{name}: {value}" for name, value in reply.headers]
        if "content-type" not in names:
            head.append("Content-Type: text/html; charset=utf-8")
        head.append(f"Content-Length: {reply.length}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode()
        writer.write(raw)
        self.bytes_sent += len(raw)
        if request.method != "HEAD":
            for piece in _pieces(reply):
                writer.write(piece)
                await writer.drain()
                self.bytes_sent += len(piece)
        await writer.drain()
        return True


def _pieces(reply: Reply) -> list[bytes] | _Repeat:
    if not reply.repeat:
        return [reply.body] if reply.body else []
    return _Repeat(reply.body, reply.chunk, reply.repeat, reply.tail)


class _Repeat:
    def __init__(self, first: bytes, chunk: bytes, repeat: int, tail: bytes = b"") -> None:
        self.first, self.chunk, self.repeat, self.tail = first, chunk, repeat, tail

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.first:
            yield self.first
        for _ in range(self.repeat):
            yield self.chunk
        if self.tail:
            yield self.tail


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        await reader.readexactly(length)
    return Request(method, path, headers)


class SimWeb:
    """Runs sites in a background event loop; use as a context manager."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.sites: list[Site] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> SimWeb:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        for site in self.sites:
            asyncio.run_coroutine_threadsafe(site._stop(), self.loop).result(5)
        asyncio.run_coroutine_threadsafe(_cancel_all(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    def add(self, site: Site | None = None, **kwargs: object) -> Site:
        site = site or Site(**kwargs)  # type: ignore[arg-type]
        asyncio.run_coroutine_threadsafe(site._start(), self.loop).result(5)
        self.sites.append(site)
        return site


async def _cancel_all() -> None:
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
