"""Hostile HTTP servers on loopback for the link cases, and a runner of the CLI.

A :class:`RawServer` reads each request's head and hands the connection to a
scripted handler that writes whatever bytes it likes (slowly, malformed, never),
so the cases go beyond what a well-behaved server can send.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Seen"], Awaitable[None]]
DOCS_AUDIT = Path(sys.executable).parent / "docs-audit"
#: The hang guard of every run: far beyond any configured deadline.
GUARD_SECONDS = 60


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class RawServer:
    """Serves ``routes`` (path -> handler) on ``host``; use as a context manager."""

    routes: dict[str, Handler]
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _server: asyncio.base_events.Server | None = None

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> RawServer:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                seen = Seen(method, path, headers)
                self.seen.append(seen)
                handler = self.routes.get(path, not_found)
                await handler(reader, writer, seen)
                if writer.is_closing():
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


class PlainServer:
    """A bare TCP server running ``serve`` per connection; ``with`` gives its port."""

    def __init__(
        self, serve: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
    ) -> None:
        self._serve = serve
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None

    def __enter__(self) -> int:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

        async def start() -> int:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            return int(self._server.sockets[0].getsockname()[1])

        return asyncio.run_coroutine_threadsafe(start(), self._loop).result(5)

    def __exit__(self, *_: object) -> None:
        assert self._server is not None
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)


async def not_found(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: Seen) -> None:
    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()


def reply(head: bytes, body: bytes = b"", close: bool = False) -> Handler:
    """A handler writing ``head`` (status line and headers, no blank line) and ``body``."""

    async def handler(_: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen) -> None:
        length = (
            f"\r\nContent-Length: {len(body)}".encode()
            if b"content-length" not in head.lower()
            else b""
        )
        writer.write(head + length + b"\r\n\r\n" + (b"" if seen.method == "HEAD" else body))
        await writer.drain()
        if close:
            writer.close()

    return handler


def trickle(
    data: bytes, every: float, then_forever: bytes = b"", then_every: float = 1.0
) -> Handler:
    """``data`` one byte each ``every`` seconds, then ``then_forever`` each ``then_every``."""

    async def handler(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: Seen) -> None:
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(every)
        while then_forever:
            writer.write(then_forever)
            await writer.drain()
            await asyncio.sleep(then_every)
        await asyncio.sleep(3600)

    return handler


@dataclass
class Run:
    status: int
    findings: list[dict[str, Any]]
    stdout: str
    stderr: str

    def codes(self) -> list[str]:
        return sorted(f["code"] for f in self.findings)

    def only(self) -> dict[str, Any]:
        assert len(self.findings) == 1, self.findings
        return self.findings[0]


def project(root: Path, urls: list[str], table: str = "") -> Path:
    """A docs project linking each of ``urls`` on its own line, with ``[links]`` = ``table``."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "conf.py").write_text(
        'project = "hostile"\nextensions = ["myst_parser"]\n', encoding="utf-8"
    )
    lines = ["# Links", ""] + [f"See <{url}> here.\n" for url in urls]
    (docs / "index.md").write_text("\n".join(lines), encoding="utf-8")
    settings = {"timeout": "2", "retry-backoff": "0.05", "cache-file": '"cache.sqlite"'}
    for line in table.splitlines():
        key, _, value = line.partition("=")
        if key.strip():
            settings[key.strip()] = value.strip()
    body = "".join(f"{key} = {value}\n" for key, value in settings.items())
    (root / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\n{body}',
        encoding="utf-8",
    )
    return root


def audit(root: Path, *options: str, env: dict[str, str] | None = None) -> Run:
    """``docs-audit links --format json`` on ``root``; the run must end within the guard."""
    import os

    result = subprocess.run(
        [str(DOCS_AUDIT), "links", "--allow-private", "--no-progress", "--format", "json",
         *options],
        cwd=root, capture_output=True, text=True, timeout=GUARD_SECONDS, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    findings: list[dict[str, Any]] = []
    if result.stdout.strip():
        data = json.loads(result.stdout)
        findings = data["findings"] if isinstance(data, dict) else data
    assert "Traceback" not in result.stderr, result.stderr
    return Run(result.returncode, findings, result.stdout, result.stderr)
