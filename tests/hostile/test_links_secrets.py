"""Secrets in per-origin headers: sent only to their origin, never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.links.api import check_links
from docs_audit.links.config import HostHeaders
from docs_audit.report import render

from ..links.helpers import document, settings
from ..links.simweb import Reply, SimWeb, Site, redirect
from .links_server import audit, project

TOKEN = "s3cret-token-value"


def test_token_is_dropped_on_a_redirect_to_another_port_of_the_same_host(
    tmp_path: Path,
) -> None:
    with SimWeb() as web:
        first = web.add(Site(host="127.0.0.1"))
        other_port = web.add(Site(host="127.0.0.1"))
        first.route("/repo", redirect(302, other_port.url("/archive")))
        other_port.route("/archive", Reply(200))
        table = f'headers = {{"http://127.0.0.1:{first.port}" = {{Authorization = "Bearer ${{TOKEN}}"}}}}\n'
        run = audit(project(tmp_path, [first.url("/repo")], table), env={"TOKEN": TOKEN})
    assert run.status == 0
    assert first.headers_seen[0][1]["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in other_port.headers_seen[0][1]


def test_a_host_key_without_scheme_means_https_only(tmp_path: Path) -> None:
    with SimWeb() as web:
        site = web.add(Site(host="127.0.0.1"))
        site.route("/page", Reply(200))
        table = 'headers = {"127.0.0.1" = {Authorization = "Bearer ${TOKEN}"}}\n'
        run = audit(project(tmp_path, [site.url("/page")], table), env={"TOKEN": TOKEN})
    assert run.status == 0
    assert "authorization" not in site.headers_seen[0][1]  # never in clear text


@pytest.mark.parametrize("value", [TOKEN + "\n", TOKEN + "\r\nX-Injected: 1", " " + TOKEN])
def test_a_bad_environment_value_is_a_config_error_that_names_only_the_variable(
    tmp_path: Path, value: str
) -> None:
    table = 'headers = {"github.com" = {Authorization = "Bearer ${GITHUB_TOKEN}"}}\n'
    run = audit(project(tmp_path, ["https://github.com/x"], table), env={"GITHUB_TOKEN": value})
    assert run.status == 2
    assert "${GITHUB_TOKEN}" in run.stderr
    assert "its value is not shown" in run.stderr
    assert TOKEN not in run.stderr and TOKEN not in run.stdout
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_header_the_library_rejects_is_never_printed(tmp_path: Path) -> None:
    # Settings built in code skip the config check: the fetcher must not leak either.
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/page", Reply(200))
        origin = f"http://127.0.0.1:{site.port}"
        configured = settings(
            headers=(HostHeaders(origin, (("Authorization", "${T}"), ("X-Ok", "fine"))),),
            environ={"T": TOKEN + "\n"},
        )
        report = check_links(
            [document(site.url("/page"))], load_config(cwd=tmp_path), settings=configured
        )
    assert report.findings == []
    assert "authorization" not in site.headers_seen[0][1]
    assert site.headers_seen[0][1]["x-ok"] == "fine"
    for fmt in ("text", "json", "github", "sarif", "markdown"):
        assert TOKEN not in render(report.as_report(), fmt)
