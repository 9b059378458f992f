"""Scheduling: waiting never starves healthy hosts. Asserted on the order of events."""

from __future__ import annotations

from typing import Any

from docs_audit.config import Config
from docs_audit.links.api import check_links
from docs_audit.links.results import UrlResult

from .helpers import document, settings
from .simweb import HANG, Reply, Request, SimWeb, Site


def test_a_hung_request_keeps_its_host_slot_only(web: SimWeb, config: Config) -> None:
    # One global slot: the hanging host must not hold it while the healthy one waits.
    stuck = web.add(Site(host="127.0.0.1"))
    healthy = web.add(Site(host="127.0.0.2", latency=0.01))
    stuck.route("/hang", Reply(action=HANG))
    for n in range(5):
        healthy.route(f"/p{n}", Reply(200))
    order: list[str] = []

    def on_result(_: int, __: int, result: UrlResult) -> None:
        order.append(result.url)

    urls = [stuck.url("/hang"), *[healthy.url(f"/p{n}") for n in range(5)]]
    report = check_links(
        [document(*urls)],
        config,
        settings=settings(concurrency=1, timeout=3.0),
        on_result=on_result,
    )
    assert [f.code for f in report.findings] == ["LK802"]
    assert order[-1] == stuck.url("/hang")  # every healthy page was checked meanwhile


def test_a_retry_queues_behind_the_hosts_first_attempts(web: SimWeb, config: Config) -> None:
    site = web.add(Site(latency=0.05))
    served: list[str] = []
    failed = set()

    def once_503(request: Request, _: Site) -> Reply:
        served.append(request.path)
        if request.path not in failed:
            failed.add(request.path)
            return Reply(503)
        return Reply(200)

    def ok(request: Request, _: Site) -> Reply:
        served.append(request.path)
        return Reply(200)

    site.route("/flaky", once_503)
    for n in range(6):
        site.route(f"/p{n}", ok)
    urls = [site.url("/flaky"), *[site.url(f"/p{n}") for n in range(6)]]
    report = run_with(config, urls, per_host_concurrency=1, retry_backoff=0.001)
    assert report.findings == []  # no false alarm on a flaky 503
    assert served[0] == "/flaky" and served[-1] == "/flaky"
    assert sorted(served[1:-1]) == [f"/p{n}" for n in range(6)]


def test_429_slows_that_host_only(web: SimWeb, config: Config) -> None:
    limited = web.add(Site(host="127.0.0.1", latency=0.1, max_in_flight=1, retry_after="1"))
    other = web.add(Site(host="127.0.0.2", latency=0.01))
    for n in range(4):
        limited.route(f"/l{n}", Reply(200))
        other.route(f"/o{n}", Reply(200))
    order: list[str] = []
    urls = [limited.url(f"/l{n}") for n in range(4)] + [other.url(f"/o{n}") for n in range(4)]
    report = check_links(
        [document(*urls)],
        config,
        settings=settings(per_host_concurrency=2, retries=3),
        on_result=lambda _d, _t, result: order.append(result.url),
    )
    assert report.findings == []
    assert limited.too_many >= 1
    # The paused host's pages come last; the other host never waited for its pause.
    assert set(order[:4]) >= {other.url(f"/o{n}") for n in range(3)}


def run_with(config: Config, urls: list[str], **overrides: Any) -> Any:
    return check_links([document(*urls)], config, settings=settings(**overrides))


def test_host_gate_serves_first_attempts_before_retries() -> None:
    import asyncio

    from docs_audit.links.limits import HostGate

    async def scenario() -> list[str]:
        gate = HostGate(1)
        await gate.acquire()  # the host is busy
        order: list[str] = []

        async def wait(name: str, priority: int) -> None:
            await gate.acquire(priority)
            order.append(name)
            gate.release()

        tasks = [
            asyncio.ensure_future(wait("retry", 1)),
            asyncio.ensure_future(wait("first-a", 0)),
            asyncio.ensure_future(wait("first-b", 0)),
        ]
        await asyncio.sleep(0)
        gate.release()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(scenario()) == ["first-a", "first-b", "retry"]


def test_host_gate_pause_is_measured_on_the_injected_clock() -> None:
    import asyncio

    from docs_audit.links.limits import HostGate

    now = [1000.0]

    async def scenario() -> tuple[bool, float, int]:
        gate = HostGate(2, clock=lambda: now[0])
        gate.slow_down(30.0)  # a 429 asked for 30 s: on the injected clock
        waiter = asyncio.ensure_future(gate.acquire())
        await asyncio.sleep(0)
        blocked = not waiter.done()
        waiter.cancel()
        return blocked, gate.not_before, gate.limit

    assert asyncio.run(scenario()) == (True, 1030.0, 1)
