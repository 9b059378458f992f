"""Remote content cannot put markup into the link audit's Markdown report."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HANG_GUARD = 120
TARGET = "/moved/<img src=x onerror=alert(1)>|@team`*x*`"


class _Redirecting(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", TARGET)
            self.send_header("Content-Length", "0")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET" and self.path != "/old":
            self.wfile.write(b"ok")

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_redirect_target_is_text_in_the_markdown_report(server: str, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text('project = "x"\n', encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(f"# T\n\nSee <{server}/old>.\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\nallow-private = true\n',
        encoding="utf-8",
    )
    report = tmp_path / "reports" / "links.md"

    result = subprocess.run(
        [sys.executable, "-m", "docs_audit.cli", "links", "--no-cache", "--no-progress",
         "--format", "markdown", "--markdown-report", str(report)],
        cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    for text in (report.read_text(encoding="utf-8"), result.stdout):
        rows = [line for line in text.splitlines() if "permanently redirected" in line]
        assert rows, text
        for row in rows:
            assert "<img" not in row and "@team" not in row and "`*x*`" not in row
            # URL, problem, where: the remote pipe did not add a column.
            assert len(re.split(r"(?<!\\)\|", row)) == 3 + 2
            assert "&#60;img src=x onerror=alert(1)&#62;&#124;&#64;team" in row
