"""The link audit as a library call: documents in, findings and per-URL results out."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from ..findings import Finding, Report, Severity
from ..parsing.urls import is_template
from ..registry import Rule, Violation
from ..saferegex import RegexTimeout
from . import rules
from .cache import LinkCache, verdict_key
from .config import LinkSettings, settings_from
from .fetch import Fetcher, Stats, refusal
from .limits import Limits
from .network import Guard, GuardedTransport
from .results import UrlResult, Verdict, split_fragment

if TYPE_CHECKING:
    from ..config import Config
    from ..document import Document
    from .history import History


@dataclass(frozen=True)
class LinkOccurrence:
    """One place a URL is written: the unit findings are reported at."""

    path: str
    line: int
    column: int
    url: str
    kind: str

    @property
    def base(self) -> str:
        return split_fragment(self.url)[0]

    @property
    def fragment(self) -> str:
        return split_fragment(self.url)[1]


@dataclass(frozen=True)
class Summary:
    """Counts over distinct URLs (fragments stripped).

    ``checked`` = ``ok`` + ``broken`` + ``redirected``: URLs with a verdict from a
    request or from the cache; ``cached`` is the part of those taken from the cache;
    ``skipped`` counts URLs not fetched (reserved or private hosts, ignore patterns,
    schemes other than http and https, an unavailable network).
    """

    checked: int = 0
    ok: int = 0
    broken: int = 0
    redirected: int = 0
    skipped: int = 0
    cached: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "ok": self.ok,
            "broken": self.broken,
            "redirected": self.redirected,
            "skipped": self.skipped,
            "cached": self.cached,
        }


@dataclass
class LinkReport:
    findings: list[Finding]
    results: dict[str, UrlResult]
    occurrences: list[LinkOccurrence]
    summary: Summary
    #: Problems with the audit itself (a discarded cache), for stderr.
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    bytes_downloaded: int = 0
    elapsed: float = 0.0
    network_unavailable: bool = False
    #: This run as the result history sees it (``None`` when no history is kept).
    history: History | None = None

    def as_report(self) -> Report:
        """The shared report model, for the shared output formats."""
        stats = {"links": {**self.summary.as_dict(), "requests": self.requests}}
        report = Report(findings=sorted(self.findings), stats=stats)
        report.files_checked = len({o.path for o in self.occurrences})
        return report


#: Called after each URL gets its verdict: (done, total, result).
ProgressCallback = Callable[[int, int, UrlResult], None]


def check_links(
    documents: Iterable[Document],
    config: Config,
    *,
    progress: bool = False,
    settings: LinkSettings | None = None,
    use_cache: bool = True,
    guard: Guard | None = None,
    on_result: ProgressCallback | None = None,
) -> LinkReport:
    """Check every external link of ``documents``.

    ``settings`` defaults to ``[tool.docs-audit.links]`` of ``config``; ``guard``
    decides which addresses may be dialled (tests pass one with their own resolver).
    With ``progress`` a bar (on a terminal) or plain lines (elsewhere) go to stderr.
    """
    settings = settings or settings_from(config)
    occurrences = [
        LinkOccurrence(doc.relpath, link.line, link.column, link.url, link.kind)
        for doc in documents
        for link in doc.links
    ]
    callback = on_result
    reporter = None
    if progress and callback is None:
        from .progress import ProgressReporter

        reporter = ProgressReporter()
        callback = reporter.update
    try:
        report = asyncio.run(
            _audit(
                occurrences, settings, use_cache, guard or Guard(settings.allow_private), callback
            )
        )
    finally:
        if reporter is not None:
            reporter.close()
    if settings.history_file is not None:
        from .history import apply_history

        apply_history(report, settings)
    return report


async def _audit(
    occurrences: list[LinkOccurrence],
    settings: LinkSettings,
    use_cache: bool,
    guard: Guard,
    callback: ProgressCallback | None,
) -> LinkReport:
    started = time.monotonic()
    fragments: dict[str, set[str]] = defaultdict(set)
    for occurrence in occurrences:
        fragments[occurrence.base].add(occurrence.fragment)
    results: dict[str, UrlResult] = {}
    to_fetch: dict[str, frozenset[str]] = {}
    cache = LinkCache.load(
        settings.cache_file if use_cache else None,
        settings.cache_ttl,
        time.time(),
        verdict_key(settings),
    )
    try:
        for url, wanted in fragments.items():
            found = {f for f in wanted if f}
            skip = _skip(url, settings)
            if skip is not None:
                results[url] = skip
                continue
            cached = cache.get(url, frozenset(found))
            if cached is not None:
                results[url] = cached
            else:
                to_fetch[url] = frozenset(found)
        stats = Stats()
        run = await _fetch_all(
            to_fetch,
            settings,
            guard,
            stats,
            _saving(cache, callback),
            done=len(results),
            total=len(fragments),
        )
    finally:
        cache.save()
    fetched = run.results
    results.update(fetched)
    unavailable = run.offline or _network_unavailable(fetched, run.any_answer)
    if unavailable:
        for url in fetched:
            results[url] = UrlResult(url, Verdict.UNAVAILABLE, "network unavailable")
    findings = _findings(occurrences, results, settings, fetched if unavailable else {})
    return LinkReport(
        findings=findings,
        results=results,
        occurrences=occurrences,
        summary=_summary(results),
        warnings=[cache.warning] if cache.warning else [],
        requests=stats.total_requests,
        bytes_downloaded=stats.bytes_downloaded,
        elapsed=time.monotonic() - started,
        network_unavailable=unavailable,
    )


def _saving(cache: LinkCache, callback: ProgressCallback | None) -> ProgressCallback:
    """A callback that stores each answer as it arrives, then calls ``callback``."""

    def on_result(done: int, total: int, result: UrlResult) -> None:
        cache.put(result)
        if callback is not None:
            callback(done, total, result)

    return on_result


def _skip(url: str, settings: LinkSettings) -> UrlResult | None:
    if is_template(url):  # a URL given directly; pages never yield one
        return UrlResult(url, Verdict.IGNORED, "a template expression, not a URL")
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return UrlResult(url, Verdict.IGNORED, f"{scheme} links are not checked")
    try:
        if any(pattern.search(url) for pattern in settings.ignore):
            return UrlResult(url, Verdict.IGNORED, "matches an ignore pattern")
    except RegexTimeout as exc:
        return UrlResult(url, Verdict.SKIPPED, f"'links.ignore': {exc}")
    reason = refusal(url, settings.allow_private)
    if reason is not None:
        return UrlResult(url, Verdict.SKIPPED, reason)
    return None


#: Seconds after which a run in which no connection was made, and a host could
#: not be reached or no name resolved, is decided to have no network (its
#: remaining URLs are not tried).
OFFLINE_DECISION = 1.5


@dataclass
class _Run:
    results: dict[str, UrlResult]
    any_answer: bool = False
    offline: bool = False


async def _fetch_all(
    urls: Mapping[str, frozenset[str]],
    settings: LinkSettings,
    guard: Guard,
    stats: Stats,
    callback: ProgressCallback,
    done: int,
    total: int,
) -> _Run:
    if not urls:
        return _Run({})
    limits = Limits(settings.concurrency, settings.per_host_concurrency)
    # One pool per origin (see GuardedTransport): the host's gate already keeps
    # its requests in flight to per-host-concurrency; the slack covers a connection
    # still closing after its request was abandoned, so the pool never queues.
    per_origin = settings.per_host_concurrency + 2
    pool = httpx.Limits(
        max_connections=per_origin, max_keepalive_connections=per_origin, keepalive_expiry=30
    )
    transport = GuardedTransport(guard, pool, verify=guard.ssl_context or True)
    timeout = httpx.Timeout(settings.timeout, pool=None)
    run = _Run({})
    counter = [done]
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with httpx.AsyncClient(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        fetcher = Fetcher(settings, client, limits, stats)

        async def one(url: str) -> None:
            result = await fetcher.check(url, urls[url])
            run.results[url] = result
            counter[0] += 1
            callback(counter[0], total, result)

        # Busiest hosts first: their queues decide when the run can end.
        pending = {asyncio.ensure_future(one(url)) for url in _busiest_first(urls)}
        end = started + settings.budget if settings.budget else None
        _, pending = await asyncio.wait(
            pending, timeout=_until(loop, started + OFFLINE_DECISION, end)
        )
        if pending and not guard.connected and (fetcher.unreached or not guard.resolved):
            # Nothing connected, and lookups fail or do not even return: no network.
            run.offline = True
        elif pending and (end is None or loop.time() < end):
            _, pending = await asyncio.wait(pending, timeout=_until(loop, None, end))
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        run.any_answer = fetcher.any_answer
    for url in urls:
        if url in run.results:
            continue
        if run.offline:
            detail = f"no connection made within {OFFLINE_DECISION:g} s"
            run.results[url] = UrlResult(url, Verdict.UNAVAILABLE, detail, no_route=True)
        else:
            detail = f"not checked: the audit's budget of {settings.budget:g} s was spent"
            run.results[url] = UrlResult(url, Verdict.OVER_BUDGET, detail)
    return run


def _until(loop: asyncio.AbstractEventLoop, first: float | None, end: float | None) -> float | None:
    """Seconds from now to the earlier of two loop times (``None``: no limit)."""
    times = [t for t in (first, end) if t is not None]
    return max(0.0, min(times) - loop.time()) if times else None


def _busiest_first(urls: Iterable[str]) -> list[str]:
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    ordered = sorted(by_host.values(), key=len, reverse=True)
    # Interleave hosts so that every host has work in flight from the start.
    result: list[str] = []
    for index in range(max((len(q) for q in ordered), default=0)):
        result.extend(queue[index] for queue in ordered if index < len(queue))
    return result


def _network_unavailable(fetched: Mapping[str, UrlResult], any_answer: bool) -> bool:
    """No host answered and every fetch failed before reaching its host (DNS, no route).

    Names that resolved to a refused address do not count either way: a resolver that
    answers only for a few mirrors (an offline sandbox) leaves the network unavailable.
    """
    attempted = [r for r in fetched.values() if not r.address_refused]
    if not attempted or any_answer:
        return False
    return all(r.no_route for r in attempted)


_RULES: dict[Verdict, Rule] = {
    Verdict.BROKEN: rules.BROKEN,
    Verdict.TIMEOUT: rules.TIMEOUT,
    Verdict.CONNECTION: rules.CONNECTION,
    Verdict.REDIRECT_LOOP: rules.LOOP,
    Verdict.TOO_MANY_REDIRECTS: rules.TOO_MANY_REDIRECTS,
    Verdict.RATE_LIMITED: rules.RATE_LIMITED,
    Verdict.REDIRECTED: rules.PERMANENT_REDIRECT,
    Verdict.SKIPPED: rules.SKIPPED,
}


def _findings(
    occurrences: list[LinkOccurrence],
    results: Mapping[str, UrlResult],
    settings: LinkSettings,
    unchecked: Mapping[str, UrlResult],
) -> list[Finding]:
    findings: list[Finding] = []
    for occurrence in occurrences:
        result = results[occurrence.base]
        rule = _RULES.get(result.verdict)
        if rule is not None:
            message = _message(result)
            findings.append(rule.finding(_violation(occurrence, message)))
        if result.verdict.working and occurrence.fragment in result.anchors_missing:
            message = (
                f"anchor '#{occurrence.fragment}' not found on {result.final_url or result.url}"
            )
            findings.append(rules.MISSING_ANCHOR.finding(_violation(occurrence, message)))
        if (
            result.verdict.working
            and result.anchors_too_big is not None
            and occurrence.fragment
            and occurrence.fragment not in result.anchors_found
            and occurrence.fragment in result.anchors_unchecked
        ):
            size = result.anchors_too_big / (1024 * 1024)
            message = (
                f"anchor '#{occurrence.fragment}' not checked (page over {size:g} MB,"
                " anchor-max-bytes)"
            )
            findings.append(rules.ANCHOR_NOT_CHECKED.finding(_violation(occurrence, message)))
    if unchecked:
        findings.append(_unavailable_finding(occurrences, unchecked, settings))
    over = {url: r for url, r in results.items() if r.verdict is Verdict.OVER_BUDGET}
    if over:
        findings.append(_over_budget_finding(occurrences, over, settings))
    return findings


def _affected(
    occurrences: list[LinkOccurrence], urls: Mapping[str, UrlResult]
) -> tuple[list[LinkOccurrence], LinkOccurrence]:
    """The occurrences of ``urls``, and the first of them (where a summary finding goes)."""
    affected = [o for o in occurrences if o.base in urls]
    return affected, min(affected, key=lambda o: (o.path, o.line, o.column))


def _over_budget_finding(
    occurrences: list[LinkOccurrence],
    over: Mapping[str, UrlResult],
    settings: LinkSettings,
) -> Finding:
    affected, first = _affected(occurrences, over)
    message = (
        f"budget of {settings.budget:g} s spent: {len(affected)} links ({len(over)} URLs)"
        " were not checked"
    )
    return rules.OVER_BUDGET.finding(Violation(first.path, first.line, first.column, message))


def _violation(occurrence: LinkOccurrence, message: str) -> Violation:
    return Violation(occurrence.path, occurrence.line, occurrence.column, message, occurrence.url)


def _message(result: UrlResult) -> str:
    prefixes = {
        Verdict.BROKEN: "broken link",
        Verdict.TIMEOUT: "link timed out",
        Verdict.CONNECTION: "cannot connect",
        Verdict.REDIRECT_LOOP: "redirect loop",
        Verdict.TOO_MANY_REDIRECTS: "too many redirects",
        Verdict.RATE_LIMITED: "rate-limited",
        Verdict.SKIPPED: "not fetched",
    }
    if result.verdict is Verdict.REDIRECTED:
        return result.detail
    detail = result.detail
    if result.verdict is Verdict.REDIRECT_LOOP:
        detail = detail.removeprefix("redirect loop: ")
    return f"{prefixes[result.verdict]}: {detail}"


def _unavailable_finding(
    occurrences: list[LinkOccurrence],
    unchecked: Mapping[str, UrlResult],
    settings: LinkSettings,
) -> Finding:
    affected, first = _affected(occurrences, unchecked)
    hosts = {(urlsplit(url).hostname or "") for url in unchecked}
    reason = next(iter(sorted(r.detail for r in unchecked.values() if r.no_route)), "")
    message = (
        f"network unavailable: {len(affected)} links ({len(unchecked)} URLs on "
        f"{len(hosts)} hosts) were not checked; no host could be reached ({reason})"
    )
    severity = Severity.ERROR if settings.require_network else None
    violation = Violation(first.path, first.line, first.column, message, None, severity)
    return rules.NETWORK_UNAVAILABLE.finding(violation)


def _summary(results: Mapping[str, UrlResult]) -> Summary:
    counts: dict[str, int] = defaultdict(int)
    for result in results.values():
        if result.verdict in (
            Verdict.SKIPPED,
            Verdict.IGNORED,
            Verdict.UNAVAILABLE,
            Verdict.OVER_BUDGET,
        ):
            counts["skipped"] += 1
            continue
        counts["checked"] += 1
        counts["cached"] += int(result.cached)
        if result.verdict.failed or result.anchors_missing:
            counts["broken"] += 1
        elif result.verdict is Verdict.REDIRECTED:
            counts["redirected"] += 1
        else:
            counts["ok"] += 1
    return Summary(**counts)
