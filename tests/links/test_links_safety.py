"""Never connect to private or reserved places, checked on the address and every hop;
headers go to their own host only; an unreachable network is one finding."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from docs_audit.config import Config
from docs_audit.findings import Severity
from docs_audit.links.api import check_links
from docs_audit.links.config import HostHeaders
from docs_audit.links.network import Guard, ResolutionError, reserved_name, unsafe_address
from docs_audit.links.results import Verdict

from .helpers import document, settings
from .simweb import Reply, SimWeb, Site, redirect


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/admin/",
        "http://docs.local/",
        "https://app.test/x",
        "https://project.example/",
        "https://nowhere.invalid/",
        "https://example.com/",
        "https://www.example.org/page",
        "http://127.0.0.1:9/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_and_reserved_hosts_are_skipped_not_fetched(url: str, config: Config) -> None:
    report = check_links([document(url)], config, settings=settings(allow_private=False))
    assert [(f.code, f.severity) for f in report.findings] == [("LK808", Severity.INFO)]
    assert report.findings[0].message.startswith("not fetched: ")
    assert report.requests == 0
    assert report.summary.skipped == 1 and report.summary.checked == 0


def test_public_name_resolving_to_loopback_is_refused_before_connecting(
    web: SimWeb, config: Config
) -> None:
    site = web.add(Site())
    site.route("/", Reply(200))

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # a public-looking name pointing at this machine

    guard = Guard(allow_private=False, resolve=resolve)
    url = f"http://docs.public-name.org:{site.port}/"
    report = check_links(
        [document(url)], config, settings=settings(allow_private=False), guard=guard
    )
    assert [f.code for f in report.findings] == ["LK808"]
    assert report.findings[0].message == (
        "not fetched: docs.public-name.org resolves to 127.0.0.1, a loopback address"
    )
    assert site.connections == 0


def test_every_redirect_hop_is_checked_against_the_guard(web: SimWeb, config: Config) -> None:
    inner = web.add(Site(host="127.0.0.1"))
    inner.route("/secret", Reply(200))
    outer = web.add(Site(host="127.0.0.2"))
    outer.route("/go", redirect(302, inner.url("/secret")))
    outer.route("/meta", redirect(301, "http://169.254.169.254/latest/"))

    async def resolve(host: str, port: int) -> list[str]:
        return {"public.docs.org": ["127.0.0.2"], "internal.docs.org": ["127.0.0.1"]}[host]

    # 127.0.0.2 stands for a public address; the hop to 127.0.0.1 must be refused.
    guard = Guard(allow_private=False, resolve=resolve, public_override=frozenset({"127.0.0.2"}))
    outer_url = f"http://public.docs.org:{outer.port}"
    outer.route("/go-name", redirect(302, f"http://internal.docs.org:{inner.port}/secret"))
    report = check_links(
        [document(f"{outer_url}/go", f"{outer_url}/meta", f"{outer_url}/go-name")],
        config,
        settings=settings(allow_private=False),
        guard=guard,
    )
    messages = sorted(f.message for f in report.findings)
    assert [f.code for f in report.findings] == ["LK808"] * 3
    assert messages == [
        f"not fetched: redirects to {inner.url('/secret')}: 127.0.0.1 is a loopback address",
        "not fetched: redirects to http://169.254.169.254/latest/: "
        "169.254.169.254 is a link-local address",
        f"not fetched: redirects to http://internal.docs.org:{inner.port}/secret: "
        "internal.docs.org resolves to 127.0.0.1, a loopback address",
    ]
    assert inner.connections == 0
    assert outer.count() == 3


def test_headers_per_host_with_environment_and_dropped_across_hosts(
    web: SimWeb, config: Config
) -> None:
    first = web.add(Site(host="127.0.0.1"))
    second = web.add(Site(host="127.0.0.2"))
    first.route("/repo", redirect(302, second.url("/archive")))
    second.route("/archive", Reply(200))
    configured = settings(
        headers=(
            HostHeaders(
                f"http://127.0.0.1:{first.port}",
                (("Authorization", "Bearer ${TOKEN}"), ("X-Unset", "${NOT_SET}")),
            ),
        ),
        environ={"TOKEN": "s3cret"},
    )
    report = check_links([document(first.url("/repo"))], config, settings=configured)
    assert report.findings == []
    assert first.headers_seen[0][1]["authorization"] == "Bearer s3cret"
    assert "x-unset" not in first.headers_seen[0][1]
    assert "authorization" not in second.headers_seen[0][1]
    assert first.headers_seen[0][1]["user-agent"].startswith("docs-audit-linkcheck/")


def test_unresolvable_names_give_one_network_unavailable_warning(config: Config) -> None:
    # .invalid never resolves (RFC 6761): the real resolver is asked and fails.
    urls = [f"https://docs{n}.invalid/page{m}" for n in range(3) for m in range(4)]
    with pytest.raises(ResolutionError):
        asyncio.run(Guard(allow_private=True).addresses("docs0.invalid", 443))
    report = check_links([document(*urls)], config, settings=settings())
    assert [(f.code, f.severity) for f in report.findings] == [("LK809", Severity.WARNING)]
    message = report.findings[0].message
    assert message.startswith(
        "network unavailable: 12 links (12 URLs on 3 hosts) were not checked; "
        "no host could be reached (DNS lookup failed for docs"
    )
    assert (report.findings[0].line, report.findings[0].column) == (1, 1)
    assert report.summary.skipped == 12 and report.summary.broken == 0
    assert report.network_unavailable
    assert all(r.verdict is Verdict.UNAVAILABLE for r in report.results.values())


def test_require_network_makes_it_an_error(config: Config) -> None:
    report = check_links(
        [document("https://a.invalid/", "https://b.invalid/")],
        config,
        settings=settings(require_network=True),
    )
    assert [(f.code, f.severity) for f in report.findings] == [("LK809", Severity.ERROR)]


def test_one_dead_name_among_working_hosts_is_a_connection_error(
    web: SimWeb, config: Config
) -> None:
    site = web.add(Site())
    site.route("/ok", Reply(200))
    report = check_links(
        [document(site.url("/ok"), "https://gone.invalid/x", "https://gone.invalid/y")],
        config,
        settings=settings(),
    )
    assert [(f.line, f.code) for f in sorted(report.findings)] == [(2, "LK803"), (3, "LK803")]
    assert report.findings[0].message.startswith(
        "cannot connect: DNS lookup failed for gone.invalid"
    )


def test_reserved_names_and_unsafe_addresses() -> None:
    assert reserved_name("LOCALHOST.") and reserved_name("x.example.net")
    assert not reserved_name("example.community") and not reserved_name("docs.python.org")
    assert unsafe_address("::ffff:127.0.0.1") == "a loopback address"
    assert unsafe_address("192.168.1.10") == "a private address"
    assert unsafe_address("151.101.0.223") is None


def test_offline_sandbox_with_a_local_mirror_is_still_network_unavailable(
    config: Config,
) -> None:
    # As on a machine without internet whose resolver knows only a package mirror
    # (on a documentation address): nothing public resolves.
    async def resolve(host: str, port: int) -> list[str]:
        if host == "pypi.org":
            return ["203.0.113.80"]
        raise ResolutionError(f"DNS lookup failed for {host}: Name or service not known")

    report = check_links(
        [
            document(
                "https://docs.gunicorn.org/en/stable/",
                "https://pypi.org/project/x/",
                "https://github.com/a/b",
            )
        ],
        config,
        settings=settings(allow_private=False),
        guard=Guard(allow_private=False, resolve=resolve),
    )
    assert [f.code for f in report.findings] == ["LK809"]
    assert report.findings[0].message.startswith(
        "network unavailable: 3 links (3 URLs on 3 hosts) were not checked"
    )


def test_no_network_is_decided_without_waiting_for_every_lookup(config: Config) -> None:
    # As without a network, where a few lookups fail at once and the rest block
    # for the resolver's own timeout: the audit must not wait for 200 of them.
    blocked = asyncio.Event()
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host.startswith("fails"):
            raise ResolutionError(f"DNS lookup failed for {host}: Name or service not known")
        await blocked.wait()  # never set: a lookup that does not return
        return []

    hosts = ["fails-0.org", "fails-1.org", *(f"blocks-{n}.org" for n in range(200))]
    urls = [f"https://{host}/page" for host in hosts]
    outcome: list[Any] = []

    def audit() -> None:
        outcome.append(
            check_links(
                [document(*urls)],
                config,
                settings=settings(allow_private=False, timeout=600.0),
                guard=Guard(resolve=resolve),
            )
        )

    worker = threading.Thread(target=audit, daemon=True)
    worker.start()
    worker.join(60)  # a hang guard: without the early decision this takes 600 s
    assert outcome, "the audit did not decide that the network is unavailable"
    report = outcome[0]
    assert [f.code for f in report.findings] == ["LK809"]
    assert report.findings[0].message.startswith(
        "network unavailable: 202 links (202 URLs on 202 hosts) were not checked"
    )
    assert report.network_unavailable


def test_lookups_that_never_return_are_no_network_too(config: Config) -> None:
    never = asyncio.Event()

    async def resolve(host: str, port: int) -> list[str]:
        await never.wait()
        return []

    urls = [f"https://host-{n}.org/page" for n in range(50)]
    outcome: list[Any] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            check_links(
                [document(*urls)],
                config,
                settings=settings(allow_private=False, timeout=600.0),
                guard=Guard(resolve=resolve),
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(60)  # a hang guard: without the early decision this takes 600 s
    assert outcome, "the audit did not decide that the network is unavailable"
    assert [f.code for f in outcome[0].findings] == ["LK809"]
    assert (
        outcome[0]
        .findings[0]
        .message.endswith("no host could be reached (no connection made within 1.5 s)")
    )
