"""Servers that stall: every request ends at its deadline, the audit within its budget."""

from __future__ import annotations

import asyncio
from pathlib import Path

from .links_server import RawServer, Seen, audit, project, trickle

PAGE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"


def test_slowloris_headers_end_at_the_timeout(tmp_path: Path) -> None:
    # One header byte a second keeps a per-read timeout waiting for ever.
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 3600
    with RawServer({"/slow": trickle(head, every=0.2)}) as server:
        run = audit(project(tmp_path, [server.url("/slow")], "timeout = 1\n"))
    assert run.status == 1
    assert run.only()["code"] == "LK802"
    assert run.only()["message"] == "link timed out: no answer within 1 s"


def test_one_byte_a_second_body_is_abandoned_below_min_rate(tmp_path: Path) -> None:
    # The anchor is asked for, so the body is read: it never arrives at a useful rate.
    with RawServer({"/drip": trickle(PAGE_HEAD, 0, then_forever=b"x", then_every=1.0)}) as server:
        run = audit(
            project(tmp_path, [server.url("/drip#intro")], "timeout = 3\nrequest-deadline = 30\n")
        )
    assert run.status == 1
    finding = run.only()
    assert finding["code"] == "LK802"
    assert "slower than min-rate 1024 bytes/s" in finding["message"]


def test_a_body_that_never_ends_stops_at_the_request_deadline(tmp_path: Path) -> None:
    # Fast enough for min-rate, but endless: the total deadline ends it.
    async def endless(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: Seen) -> None:
        writer.write(PAGE_HEAD.replace(b"Content-Length: 100000\r\n", b""))
        while True:
            writer.write(b"<p>" + b"x" * 4096 + b"</p>")
            await writer.drain()
            await asyncio.sleep(0.01)

    with RawServer({"/endless": endless}) as server:
        table = "timeout = 3\nrequest-deadline = 4\nanchor-max-bytes = 1000000000\n"
        run = audit(project(tmp_path, [server.url("/endless#end")], table))
    assert run.status == 1
    assert run.only()["code"] == "LK802"
    assert "page not received within request-deadline 4 s" in run.only()["message"]


def test_budget_bounds_the_whole_audit(tmp_path: Path) -> None:
    hang = trickle(b"", 1)
    routes = {f"/hang-{n}": hang for n in range(6)}
    with RawServer(routes) as server:
        urls = [server.url(path) for path in routes]
        run = audit(project(tmp_path, urls, "timeout = 30\nrequest-deadline = 60\nbudget = 1\n"))
    assert run.status == 0  # nothing was found broken; what was not checked is a warning
    finding = run.only()
    assert finding["code"] == "LK812"
    assert finding["severity"] == "warning"
    assert finding["message"] == "budget of 1 s spent: 6 links (6 URLs) were not checked"
