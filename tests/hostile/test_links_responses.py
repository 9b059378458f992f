"""Malformed and hostile answers: each is a finding for its URL, never an error of the run."""

from __future__ import annotations

import asyncio
import gzip
import time
from pathlib import Path

import pytest
from docs_audit.config import load_config
from docs_audit.links.api import check_links
from docs_audit.links.fetch import retry_after_seconds
from docs_audit.links.network import Guard

from ..links.helpers import document, settings
from .links_server import PlainServer, RawServer, Seen, audit, project, reply

HTML = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("²", None),  # a digit to str.isdigit(), not to HTTP
        ("1.5", None),
        ("-3", None),
        ("soon", None),
        ("99999999999999999999999", None),  # more digits than any sane pause
        ("7", 7.0),
        ("4294967296", 1e9),  # capped, not an overflow
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after_is_parsed_strictly(value: str, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_non_digit_retry_after_does_not_abort_the_run(tmp_path: Path) -> None:
    limited = reply("HTTP/1.1 429 Too Many Requests\r\nRetry-After: ²".encode())
    with RawServer({"/api": limited, "/ok": reply(HTML)}) as server:
        run = audit(project(tmp_path, [server.url("/api"), server.url("/ok")], "retries = 1\n"))
    assert run.status == 1
    assert run.only()["code"] == "LK807"
    assert run.only()["message"] == "rate-limited: 429 Too Many Requests after 2 requests"


def test_idna_host_is_checked_not_a_crash(tmp_path: Path) -> None:
    # xn--ls8h.la is a valid (registered) name whose Unicode form IDNA 2008 rejects.
    with RawServer({"/": reply(HTML)}) as server:

        async def to_server(host: str, port: int) -> list[str]:
            assert host == "xn--ls8h.la"
            return ["127.0.0.1"]

        url = f"http://xn--ls8h.la:{server.port}/"
        report = check_links(
            [document(url)],
            load_config(cwd=tmp_path),
            settings=settings(allow_private=False),
            guard=Guard(resolve=to_server, public_override=frozenset({"127.0.0.1"})),
        )
    assert report.findings == []
    assert report.summary.ok == 1
    assert server.seen[0].headers["host"] == f"xn--ls8h.la:{server.port}"


@pytest.mark.parametrize(
    ("name", "head", "body", "message"),
    [
        (
            "undecodable-body",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=no-such-charset",
            b'<h1 id="a\xff\xfe">\x80\x81</h1>',
            "anchor '#intro' not found on",
        ),
        (
            "utf16-declared-odd-bytes",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-16",
            b"\xff\xfe<\x00h\x00\x00",
            "anchor '#intro' not found on",
        ),
        (
            "corrupt-gzip",
            HTML + b"\r\nContent-Encoding: gzip",
            gzip.compress(b'<h1 id="intro">x</h1>' * 50)[:40] + b"garbage" * 20,
            "cannot connect: the page's content encoding is corrupt",
        ),
        (
            "illegal-status-line",
            b"HTTP/1.1 2OO Fine\r\nContent-Type: text/html",
            b"<p>x</p>",
            "cannot connect: the server's answer is not valid HTTP",
        ),
        (
            "not-http-at-all",
            b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01",
            b"",
            "cannot connect: the server's answer is not valid HTTP",
        ),
    ],
)
def test_malformed_answers_are_findings_for_their_url(
    tmp_path: Path, name: str, head: bytes, body: bytes, message: str
) -> None:
    with RawServer({"/bad": reply(head, body, close=True), "/ok": reply(HTML)}) as server:
        run = audit(
            project(tmp_path, [server.url("/bad#intro"), server.url("/ok")], "retries = 0\n")
        )
    assert run.status == 1, name
    finding = run.only()
    assert finding["url"] == server.url("/bad#intro")
    assert message in finding["message"], finding


def test_non_ascii_header_values_and_locations(tmp_path: Path) -> None:
    moved = "HTTP/1.1 301 Moved\r\nLocation: /caf\u00e9\r\nX-Note: \u00ff\u00fe".encode("latin-1")
    target = reply(HTML + "\r\nX-Name: na\u00efve".encode())
    utf8 = reply(b"HTTP/1.1 302 Found\r\nLocation: /caf\xc3\xa9")
    routes = {"/moved": reply(moved), "/caf%C3%A9": target, "/caf%E9": target, "/utf8": utf8}
    with RawServer(routes) as server:
        run = audit(project(tmp_path, [server.url("/moved"), server.url("/utf8")]))
    # Both reach the page: the Latin-1 and the UTF-8 spelling of the same Location.
    assert run.status == 0
    finding = run.only()
    assert finding["code"] == "LK806"
    assert finding["message"] == f"permanently redirected (301) to {server.url('/café')}"
    assert {seen.path for seen in server.seen} >= {"/caf%C3%A9"}


def test_https_to_a_plain_http_port_is_a_tls_failure(tmp_path: Path) -> None:
    # Like nginx on port 80: the TLS hello is not HTTP, so it answers 400 and closes.
    async def plain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    with PlainServer(plain) as port:
        run = audit(project(tmp_path, [f"https://127.0.0.1:{port}/"]))
    assert run.status == 1  # a broken link, not "network unavailable" with exit 0
    finding = run.only()
    assert finding["code"] == "LK803"
    assert finding["message"].startswith("cannot connect: TLS error")


def test_page_over_the_anchor_cap_is_a_warning_not_a_missing_anchor(tmp_path: Path) -> None:
    big = b"<p>" + b"x" * 200_000 + b'</p><h2 id="deep">deep</h2>'
    with RawServer({"/big": reply(HTML, big)}) as server:
        table = "anchor-max-bytes = 65536\n"
        root = project(tmp_path, [server.url("/big#deep")], table)
        run = audit(root)
        cached = audit(root)  # the same warning from the cache, without a request
    assert run.status == 0
    finding = run.only()
    assert finding["code"] == "LK811"
    assert finding["severity"] == "warning"
    assert (
        finding["message"] == "anchor '#deep' not checked (page over 0.0625 MB, anchor-max-bytes)"
    )
    assert cached.findings == run.findings
    assert len(server.seen) == 1


def test_a_reset_mid_body_is_a_finding(tmp_path: Path) -> None:
    async def cut(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: Seen) -> None:
        writer.write(HTML + b"\r\nContent-Length: 5000\r\n\r\n<p>half")
        await writer.drain()
        time.sleep(0)
        writer.transport.abort()

    with RawServer({"/cut": cut}) as server:
        run = audit(project(tmp_path, [server.url("/cut#a")], "retries = 1\n"))
    assert run.status == 1
    assert run.only()["code"] == "LK803"
