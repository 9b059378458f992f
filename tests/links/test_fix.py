"""``links --fix`` and ``--diff`` against a loopback server, files compared byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from docs_audit.cli import main
from docs_audit.config import load_config
from docs_audit.links.api import check_links
from docs_audit.links.config import settings_from
from docs_audit.links.fix import fix_links
from docs_audit.links.network import Guard
from docs_audit.project import load_project

from .fixweb import Authority, FixWeb, make_authority, serve


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def site(authority: Authority) -> Iterator[FixWeb]:
    yield from serve(authority)


CONFIG = """\
[tool.docs-audit]
docs-root = "docs"

[tool.docs-audit.links]
timeout = 3.0
retry-backoff = 0.01
allowed-redirects = {{ "{latest}" = ".*/v2/$" }}
"""

#: The Markdown page, CRLF line endings; {x} is where a URL goes, {x_new} its rewrite.
PAGE = (
    "# Links ✓\r\n"
    "\r\n"
    "See [the guide]({moved}#install) and <{moved2}>, then {chain}.\r\n"
    "Also [twice]({moved}) on one line with {moved}.\r\n"
    "\r\n"
    "Inline code `{moved}` stays.\r\n"
    "\r\n"
    "```console\r\n"
    "$ curl {moved}\r\n"
    "```\r\n"
    "\r\n"
    "- temporary: {temp}\r\n"
    "- login: {private}\r\n"
    "- front page: {deep}\r\n"
    "- allowed: {latest}\r\n"
    "\r\n"
    "[ref]: {moved2}\r\n"
)

RST = "\ufeffCafé\r\n====\r\n\r\nSee `old <{moved}>`_ and ``{moved}``.\r\n"


def build(site: FixWeb, root: Path) -> dict[str, str]:
    """The routes, the project and the URLs (old, and what --fix must make of them)."""
    routes = site.routes
    routes.moved("/moved", 301, "/new")
    routes.moved("/moved2", 308, site.url("/new2"))
    routes.moved("/chain", 301, "/chain2")
    routes.moved("/chain2", 302, "/chain3")
    routes.moved("/temp", 302, "/new")
    routes.moved("/private", 301, "/login?next=/private")
    routes.moved("/deep/page", 301, "/")
    routes.moved("/latest", 301, "/v2/")
    for path in ("/new", "/new2", "/chain3", "/login?next=/private", "/", "/v2/"):
        routes.add(path)
    urls = {
        name: site.url(path)
        for name, path in {
            "moved": "/moved",
            "moved2": "/moved2",
            "chain": "/chain",
            "temp": "/temp",
            "private": "/private",
            "deep": "/deep/page",
            "latest": "/latest",
        }.items()
    }
    (root / "docs").mkdir()
    (root / "pyproject.toml").write_text(CONFIG.format(**urls), encoding="utf-8")
    md = root / "docs" / "index.md"
    md.write_bytes(PAGE.format(**urls).encode("utf-8"))
    md.chmod(0o640)
    (root / "docs" / "other.rst").write_bytes(RST.format(**urls).encode("utf-8"))
    return urls


def expected_page(site: FixWeb, urls: dict[str, str]) -> bytes:
    """The page after --fix: only the prose URLs changed, every other byte the same."""
    new = site.url("/new")
    prose = PAGE.replace("See [the guide]({moved}#install)", f"See [the guide]({new}#install)")
    prose = prose.replace("<{moved2}>", f"<{site.url('/new2')}>")
    prose = prose.replace("then {chain}.", f"then {site.url('/chain2')}.")
    prose = prose.replace(
        "[twice]({moved}) on one line with {moved}.", f"[twice]({new}) on one line with {new}."
    )
    prose = prose.replace("[ref]: {moved2}", f"[ref]: {site.url('/new2')}")
    return prose.format(**urls).encode("utf-8")


def links(root: Path, *args: str) -> list[str]:
    return [
        "--config",
        str(root / "pyproject.toml"),
        "links",
        "--allow-private",
        "--no-progress",
        *args,
    ]


def test_fix_rewrites_permanent_redirects_and_nothing_else(
    site: FixWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = build(site, tmp_path)
    md, rst = tmp_path / "docs" / "index.md", tmp_path / "docs" / "other.rst"
    status = main(links(tmp_path, "--fix", "--format", "json"))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert md.read_bytes() == expected_page(site, urls)
    assert (md.stat().st_mode & 0o777) == 0o640
    assert rst.read_bytes() == RST.format(moved=urls["moved"]).replace(
        f"`old <{urls['moved']}>`_", f"`old <{site.url('/new')}>`_"
    ).encode("utf-8")
    assert "--fix: rewrote 7 URLs in 2 files" in err
    # The rewritten places no longer report a redirect; the refused ones still do.
    redirected = {f["url"] for f in json.loads(out)["findings"] if f["code"] == "LK806"}
    assert redirected == {urls["private"], urls["deep"]}
    assert not list(tmp_path.glob("docs/.*.tmp"))

    status = main(links(tmp_path, "--no-cache", "--format", "json"))
    out, _ = capsys.readouterr()
    again = {f["url"] for f in json.loads(out)["findings"] if f["code"] == "LK806"}
    assert again == {urls["private"], urls["deep"]}


def test_diff_is_the_fix_and_writes_nothing(
    site: FixWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = build(site, tmp_path)
    docs = tmp_path / "docs"
    before = {p.name: p.read_bytes() for p in docs.iterdir()}
    status = main(links(tmp_path, "--diff"))
    patch, err = capsys.readouterr()
    assert status == 0, err
    assert {p.name: p.read_bytes() for p in docs.iterdir()} == before
    assert patch.startswith("--- a/docs/index.md\n+++ b/docs/index.md\n")
    assert f"-$ curl {urls['moved']}" not in patch
    assert "--diff: 7 URLs in 2 files would be rewritten" in err
    assert shutil.which("git"), "git applies the diff in this test"
    (tmp_path / "fix.patch").write_bytes(patch.encode("utf-8"))
    subprocess.run(["git", "apply", "--whitespace=nowarn", "fix.patch"], cwd=tmp_path, check=True)
    assert (docs / "index.md").read_bytes() == expected_page(site, urls)


def test_fix_and_diff_together_are_a_usage_error(
    site: FixWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(site, tmp_path)
    assert main(links(tmp_path, "--fix", "--diff")) == 2
    assert "not both" in capsys.readouterr().err
    assert site.routes.seen == []


def test_http_becomes_https_only_where_https_answers_the_same(
    site: FixWeb, authority: Authority, tmp_path: Path
) -> None:
    routes = site.routes
    routes.add("/same")
    routes.add("/plain-only", scheme="http")
    routes.add("/other-type", scheme="http", content_type="application/pdf")
    routes.add("/other-type", scheme="https")
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    page = tmp_path / "docs" / "index.md"
    text = (
        f"One [same]({site.url('/same')}#install), {site.url('/plain-only')}, "
        f"{site.url('/other-type')}.\n"
    )
    page.write_text(text, encoding="utf-8")
    config = load_config(cwd=tmp_path)
    settings = replace(settings_from(config, {"allow-private": True}), history_file=None)
    guard = Guard(allow_private=True, ssl_context=authority.client_context())
    documents = list(load_project(config).documents.values())
    report = check_links(documents, config, settings=settings, guard=guard)
    result = fix_links(report, config, settings, write=True, guard=guard)
    assert [(r.old, r.new, r.reason) for r in result.rewrites] == [
        (
            site.url("/same") + "#install",
            site.url("/same", "https") + "#install",
            "https answers the same",
        )
    ]
    assert page.read_text(encoding="utf-8") == text.replace(
        site.url("/same"), site.url("/same", "https")
    )
    assert ("https", "HEAD", "/plain-only") in routes.seen


@pytest.mark.parametrize(
    ("source", "target", "refused"),
    [
        ("http://a.org/docs/x", "https://a.org/docs/x", ""),
        ("https://a.org/auth/guide", "https://a.org/v2/auth/guide", ""),
        ("https://a.org/docs/x", "https://a.org/login?next=/docs/x", "login"),
        ("https://a.org/docs/x", "https://sso.a.org/start", "login"),
        ("https://a.org/docs/x", "https://a.org/users/sign_in", "login"),
        ("https://a.org/docs/x", "https://accounts.b.com/ServiceLogin", "login"),
        ("https://a.org/docs/x", "https://a.org/x?return_to=%2Fdocs", "login"),
        ("https://a.org/docs/x", "https://a.org/", "front page"),
        ("https://a.org/", "https://www.a.org/", ""),
        ("https://a.org/docs/x", "http://a.org/docs/x", "not https"),
        ("https://a.org/docs/x", "https://a.org/docs/x.", "cannot be written"),
        ("https://a.org/docs/x", "https://a.org/docs/(x", "cannot be written"),
        ("https://a.org/docs/x", "https://a.org/docs/a b", "cannot be written"),
    ],
)
def test_targets_that_are_never_written(source: str, target: str, refused: str) -> None:
    from docs_audit.links.config import LinkSettings
    from docs_audit.links.fix import why_not_rewrite

    reason = why_not_rewrite(source, target, LinkSettings())
    assert (refused in reason) if refused else reason == ""


def test_a_linked_page_is_fixed_in_its_file_and_stays_a_link(
    site: FixWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.routes.moved("/moved", 301, "/new")
    site.routes.add("/new")
    (tmp_path / "docs").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.docs-audit]\ndocs-root = "docs"\n')
    real = tmp_path / "shared" / "page.md"
    real.write_text(f"# Page\n\nSee {site.url('/moved')}.\n", encoding="utf-8")
    link = tmp_path / "docs" / "page.md"
    link.symlink_to(Path("..") / "shared" / "page.md")
    assert main(links(tmp_path, "--fix")) == 0, capsys.readouterr().err
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == f"# Page\n\nSee {site.url('/new')}.\n"


def test_a_target_with_control_characters_is_never_written() -> None:
    from docs_audit.links.config import LinkSettings
    from docs_audit.links.fix import why_not_rewrite

    reason = why_not_rewrite("https://a.org/x", "https://a.org/\x1b[31mx", LinkSettings())
    assert "cannot be written" in reason
