"""Remote content cannot put markup into the link audit's Markdown report."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.links.simweb import Reply, SimWeb, Site, redirect

from .pages import CONF_PY

HANG_GUARD = 120
TARGET = "/moved/<img src=x onerror=alert(1)>|@team`*x*`"


@pytest.fixture
def server() -> Iterator[str]:
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/old", redirect(301, TARGET))
        # The client asks for the target percent-encoded; the report shows it as sent.
        requested = httpx.URL(site.url(TARGET)).raw_path.decode("ascii")
        site.route(requested, Reply(200, body=b"<p>ok</p>"))
        yield site.url("")


def test_a_redirect_target_is_text_in_the_markdown_report(server: str, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text(CONF_PY, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        f"# T\n\nSee <{server.rstrip('/')}/old>.\n", "utf-8"
    )
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
