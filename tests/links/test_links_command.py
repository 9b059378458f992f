"""``docs-audit links`` end to end: real pages, real parsers, a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docs_audit.cli import main

from .simweb import Reply, SimWeb, Site, page


def make_project(root: Path, site: Site) -> Path:
    (root / "docs").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n\n'
        "[tool.docs-audit.links]\ntimeout = 2.0\nretry-backoff = 0.01\n",
        encoding="utf-8",
    )
    (root / "docs" / "index.md").write_text(
        "# Home\n\n"
        f"Read [the guide]({site.url('/guide#install')}) and {site.url('/gone')}.\n\n"
        "```console\n"
        f"$ curl {site.url('/in-code')}\n"
        "```\n",
        encoding="utf-8",
    )
    (root / "docs" / "other.rst").write_text(
        f"Other\n=====\n\nSee `old <{site.url('/gone')}>`_ and ``{site.url('/literal')}``.\n",
        encoding="utf-8",
    )
    return root / "pyproject.toml"


def test_json_findings_markdown_report_and_exit_status(
    web: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = web.add(Site())
    site.route("/guide", Reply(200, body=page("install")))
    config = make_project(tmp_path, site)
    report_file = tmp_path / "out" / "links.md"
    status = main(
        [
            "--config",
            str(config),
            "links",
            "--format",
            "json",
            "--allow-private",
            "--no-progress",
            "--markdown-report",
            str(report_file),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 1
    findings = json.loads(out)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    gone = site.url("/gone")
    index_line = (tmp_path / "docs" / "index.md").read_text().splitlines()[2]
    assert [(f["path"], f["line"], f["column"], f["code"], f["url"]) for f in findings] == [
        ("docs/index.md", 3, index_line.index(" " + gone) + 2, "LK801", gone),
        ("docs/other.rst", 4, 11, "LK801", gone),
    ]
    assert site.count("/in-code") == 0 and site.count("/literal") == 0
    assert site.count("/gone") == 1
    markdown = report_file.read_text(encoding="utf-8")
    assert "| 2 | 1 | 1 | 0 | 0 | 0 |" in markdown
    assert f"| {site.url('/gone')} | LK801 broken-link: broken link: 404 Not Found |" in markdown
    assert "links: 2 checked, 1 ok, 1 broken" in err


def test_private_hosts_are_skipped_without_the_flag(
    web: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = web.add(Site())
    config = make_project(tmp_path, site)
    status = main(["--config", str(config), "links", "--no-progress"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert site.count() == 0
    assert "LK808" in out


def test_plain_progress_lines_when_not_on_a_terminal(
    web: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = web.add(Site())
    site.route("/guide", Reply(200, body=page("install")))
    config = make_project(tmp_path, site)
    main(["--config", str(config), "links", "--allow-private", "--progress", "--no-cache"])
    _, err = capsys.readouterr()
    assert "links: 2/2 URLs checked" in err
    assert "\x1b[" not in err
