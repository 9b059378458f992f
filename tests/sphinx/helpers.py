"""Test helpers: a tiny ``objects.inv`` built here, served from a loopback server; a
real Sphinx build's warnings."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_inventory(objects: list[tuple[str, str]], project: str = "demo") -> bytes:
    """A version 2 inventory holding ``(name, "domain:role")`` objects."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        "# Version: 1.0\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = "".join(f"{name} {kind} 1 {name.replace('.', '-')}.html#$ -\n" for name, kind in objects)
    return header + zlib.compress(body.encode())


class Served:
    """What the server answers and how often it was asked."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = dict(files)
        self.requests: list[str] = []
        self.base = ""


@contextmanager
def serve(files: Mapping[str, bytes]) -> Iterator[Served]:
    """Serve ``files`` (path -> bytes) on 127.0.0.1; anything else is a 404."""
    served = Served(files)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append(self.path)
            data = served.files.get(self.path)
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def write_project(root: Path, conf: str, pages: Mapping[str, str], table: str = "") -> Path:
    """A project: ``pyproject.toml`` with ``[tool.docs-audit]``, ``docs/conf.py``, pages."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in pages.items():
        page = root / "docs" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n' + table, encoding="utf-8"
    )
    return root


_WARNING = re.compile(r"^(?P<path>/[^:]+?)(?::(?P<line>\d+))?: (?:WARNING|CRITICAL): (?P<text>.*)$")


def sphinx_warnings(
    root: Path, out: Path, kinds: Mapping[str, str]
) -> Counter[tuple[str, str, int]]:
    """Build ``root/docs`` with the real Sphinx (``-n``) and count its warnings as
    ``(path relative to root, code, line)``; ``kinds`` maps a message's start to the
    docs-audit code it predicts. A warning of no listed kind fails the test."""
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "--keep-going", "-q", "--no-color", "-b", "html",
         str(root / "docs"), str(out)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    found: Counter[tuple[str, str, int]] = Counter()
    for line in done.stderr.splitlines():
        warning = _WARNING.match(line)
        if warning is None:
            continue  # the second line of a two-line message
        code = next((c for prefix, c in kinds.items() if warning["text"].startswith(prefix)), None)
        assert code is not None, f"unexpected Sphinx warning: {line}"
        relpath = Path(warning["path"]).resolve().relative_to(root.resolve()).as_posix()
        found[(relpath, code, int(warning["line"] or 1))] += 1
    return found


def reference_findings(
    root: Path, select: Sequence[str] = ("RF",)
) -> list[tuple[str, str, int, int]]:
    """docs-audit's ``(path, code, line, column)`` for the project at ``root``."""
    from docs_audit.api import run
    from docs_audit.config import load_config

    report = run(None, load_config(cwd=root), select=list(select), use_cache=False)
    return [(f.path, f.code, f.line, f.column) for f in report.findings]
