"""Fetch one URL the polite way and turn what happens into a :class:`UrlResult`.

HEAD first (no body at all), GET when the page's anchors are needed or when HEAD is
refused or unreliable; bodies are streamed and read only until every wanted anchor
was seen. Redirects are followed here, hop by hop, so that each hop is checked
against the address guard, gets only its own origin's headers, and loops are seen.

Every request has a total deadline: ``timeout`` for the connection and the
response headers together, ``request-deadline`` for the whole exchange, and a
body slower than ``min-rate`` is abandoned. Whatever goes wrong with one URL ends
as that URL's result, never as an error of the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import random
import re
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ..saferegex import RegexTimeout
from .anchors import AnchorScanner, is_line_anchor
from .config import LinkSettings, header_problem, substitute
from .limits import Limits
from .network import ResolutionError, UnsafeAddressError, reserved_name, unsafe_address
from .results import PERMANENT, Hop, UrlResult, Verdict, split_fragment

#: HEAD answers that say nothing about the page: ask again with GET.
HEAD_UNRELIABLE = frozenset({400, 403, 405, 406, 409, 418, 501})
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
#: Seconds a server may keep a request waiting before it stops counting against
#: the global limit (it keeps its host's slot until it ends).
PATIENCE = 1.0
#: Longest Retry-After we would ever parse into a number (about 30 years).
RETRY_AFTER_MAX = 1e9
_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass
class Stats:
    """What the checker sent and received, for the summary and the benchmark."""

    requests: Counter[str] = field(default_factory=Counter)
    bytes_downloaded: int = 0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


@dataclass(frozen=True)
class _Answer:
    """The last response of one request (after its retries), or why there was none."""

    status: int | None = None
    location: str | None = None
    verdict: Verdict | None = None
    detail: str = ""
    host_failure: bool = False
    found: frozenset[str] = frozenset()
    unchecked: bool = False
    retry_after: float | None = None
    #: The failure says nothing reached the host (DNS, no route, connect timeout).
    no_route: bool = False
    #: The guard refused the address the name resolved to.
    address_refused: bool = False
    #: A failure that may pass by itself (a reset, an unreachable network).
    transient: bool = False
    #: The page was bigger than the anchor cap before every wanted anchor was seen.
    too_big: bool = False
    #: The answer's Content-Type (for --fix: does the https twin serve the same kind?).
    content_type: str | None = None


def refusal(url: str, allow_private: bool) -> str | None:
    """Why ``url`` must not be fetched before any lookup (``None`` when it may be)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https"):
        return f"{parts.scheme or 'no'} scheme"
    if not host:
        return "no host"
    if allow_private:
        return None
    if reserved_name(host):
        return f"{host} is a reserved host name"
    reason = unsafe_address(host)
    return f"{host} is {reason}" if reason else None


def origin_key(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)``: what a dead host or a header rule is keyed on."""
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class Fetcher:
    """Checks URLs over one client; shares politeness state across all of them."""

    def __init__(
        self,
        settings: LinkSettings,
        client: httpx.AsyncClient,
        limits: Limits,
        stats: Stats,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.client = client
        self.limits = limits
        self.stats = stats
        self.clock = clock
        #: Origins that failed as a whole: later URLs there get the same verdict at once.
        self.dead_hosts: dict[tuple[str, str, int | None], _Answer] = {}
        #: Whether any host answered at all (for telling a dead network from dead links).
        self.any_answer = False
        #: Hosts that could not be reached at all, while none answered.
        self.unreached: set[tuple[str, str, int | None]] = set()

    async def check(self, url: str, fragments: frozenset[str]) -> UrlResult:
        """The result for ``url``; any failure is a result, never an exception."""
        try:
            return await self._check(url, fragments)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one URL must never abort the run
            # The exception's text may hold a request header: name its type only.
            detail = f"could not be checked ({type(exc).__name__})"
            return UrlResult(url, Verdict.CONNECTION, detail, transient_cause=True)

    async def _check(self, url: str, fragments: frozenset[str]) -> UrlResult:
        try:
            wanted, unchecked = self._split_fragments(url, fragments)
        except RegexTimeout as exc:
            return UrlResult(url, Verdict.SKIPPED, f"'links.anchor-ignore': {exc}")
        method = "GET" if wanted else "HEAD"
        current, chain, hops, sent = url, [url], list[Hop](), 0
        for _ in range(self.settings.max_redirects + 1):
            reason = refusal(current, self.settings.allow_private)
            if reason is not None:
                prefix = "" if current == url else f"redirects to {current}: "
                return UrlResult(url, Verdict.SKIPPED, prefix + reason, requests=sent)
            answer, count = await self._request(method, current, wanted)
            sent += count
            if answer.verdict is not None:
                detail = answer.detail
                if current != url and answer.verdict is Verdict.SKIPPED:
                    detail = f"redirects to {current}: {detail}"
                return UrlResult(
                    url,
                    answer.verdict,
                    detail,
                    answer.status,
                    current,
                    requests=sent,
                    no_route=answer.no_route,
                    address_refused=answer.address_refused and current == url,
                    hops=tuple(hops),
                    transient_cause=answer.transient,
                )
            assert answer.status is not None
            if answer.status in REDIRECTS and answer.location:
                target, _ = split_fragment(urljoin(current, answer.location))
                hops.append(Hop(current, answer.status, target))
                if target in chain:
                    loop = " -> ".join([*chain[chain.index(target) :], target])
                    return UrlResult(
                        url,
                        Verdict.REDIRECT_LOOP,
                        f"redirect loop: {loop}",
                        answer.status,
                        target,
                        requests=sent,
                        hops=tuple(hops),
                    )
                chain.append(target)
                current = target
                if answer.status == 303:
                    method = "GET" if wanted else "HEAD"
                continue
            return self._final(url, current, hops, answer, wanted, unchecked, sent)
        return UrlResult(
            url,
            Verdict.TOO_MANY_REDIRECTS,
            f"more than {self.settings.max_redirects} redirects (last: {current})",
            final_url=current,
            requests=sent,
            hops=tuple(hops),
        )

    def _split_fragments(
        self, url: str, fragments: frozenset[str]
    ) -> tuple[frozenset[str], frozenset[str]]:
        if not self.settings.anchors or any(
            p.search(url) for p in self.settings.anchor_ignore_urls
        ):
            return frozenset(), fragments
        skipped = {
            f
            for f in fragments
            if is_line_anchor(f) or any(p.search(f) for p in self.settings.anchor_ignore)
        }
        return fragments - skipped, frozenset(skipped)

    def _final(
        self,
        url: str,
        final: str,
        hops: list[Hop],
        answer: _Answer,
        wanted: frozenset[str],
        unchecked: frozenset[str],
        sent: int,
    ) -> UrlResult:
        status = answer.status
        assert status is not None
        chain = tuple(hops)
        accepted = status in self.settings.accept_status
        if status == 429 and not accepted:
            detail = f"{_status_text(429)} after {sent} requests"
            if (
                answer.retry_after is not None
                and answer.retry_after > self.settings.retry_after_cap
            ):
                detail += (
                    f" (asked to wait {answer.retry_after:g} s, more than retry-after-cap"
                    f" {self.settings.retry_after_cap:g} s)"
                )
            return UrlResult(
                url, Verdict.RATE_LIMITED, detail, status, final, requests=sent, hops=chain
            )
        if status >= 300 and not accepted:
            detail = answer.detail or _status_text(status)
            return UrlResult(url, Verdict.BROKEN, detail, status, final, requests=sent, hops=chain)
        found: frozenset[str] = frozenset()
        missing: frozenset[str] = frozenset()
        if answer.unchecked:
            unchecked = unchecked | wanted
        elif answer.too_big:
            found = answer.found
            unchecked = unchecked | (wanted - found)
        else:
            found, missing = answer.found, wanted - answer.found
        verdict, detail = Verdict.OK, ""
        moved = _permanent_target(hops)
        if moved is not None and not self._redirect_allowed(url, moved):
            verdict = Verdict.REDIRECTED
            detail = f"permanently redirected ({hops[0].status}) to {moved}"
        return UrlResult(
            url,
            verdict,
            detail,
            status,
            final,
            found,
            missing,
            unchecked,
            requests=sent,
            hops=chain,
            anchors_too_big=self.settings.anchor_max_bytes if answer.too_big else None,
            content_type=answer.content_type,
        )

    def _redirect_allowed(self, source: str, target: str) -> bool:
        pairs = self.settings.allowed_redirects
        try:
            return any(s.match(source) and t.match(target) for s, t in pairs)
        except RegexTimeout:
            # A pattern that cannot decide leaves the redirect reported, not hidden.
            return False

    async def _request(self, method: str, url: str, wanted: frozenset[str]) -> tuple[_Answer, int]:
        """One request with its retries; returns the answer and how many were sent.

        A retry waits out its backoff holding no slot at all, then queues behind the
        host's first attempts (its priority is its attempt number).
        """
        key = origin_key(url)
        host = key[1]
        attempt = timeouts = sent = 0
        while True:
            dead = self.dead_hosts.get(key)
            if dead is not None:
                return dead, sent
            async with self.limits.slot(host, attempt) as active:
                answer, counted = await self._patiently(method, url, wanted, active.release)
            sent += counted
            self.stats.requests[method] += counted
            if method == "HEAD" and answer.status in HEAD_UNRELIABLE:
                method = "GET"
                continue
            delay = self._retry_delay(answer, attempt, timeouts, host)
            if delay is None:
                if answer.host_failure:
                    self.dead_hosts[key] = answer
                if answer.no_route and not self.any_answer:
                    self.unreached.add(key)
                return answer, sent
            if answer.verdict is Verdict.TIMEOUT:
                timeouts += 1
            if method == "HEAD" and answer.status is not None and answer.status >= 500:
                method = "GET"  # some servers fail HEAD only
            attempt += 1
            await asyncio.sleep(max(0.0, delay))

    async def _patiently(
        self, method: str, url: str, wanted: frozenset[str], release: Callable[[], None]
    ) -> tuple[_Answer, int]:
        """Send; after :data:`PATIENCE` seconds without an answer, ``release`` the global slot."""
        task = asyncio.ensure_future(self._send(method, url, wanted))
        try:
            done, _ = await asyncio.wait({task}, timeout=PATIENCE)
            if not done:
                release()
            return await task
        finally:
            if not task.done():
                task.cancel()

    def _retry_delay(self, answer: _Answer, attempt: int, timeouts: int, host: str) -> float | None:
        """Seconds to wait before trying again, or ``None`` to stop here."""
        if attempt >= self.settings.retries:
            return None
        backoff = self.settings.retry_backoff * (2.0**attempt) * (0.5 + random.random() / 2)
        if answer.status == 429:
            pause = answer.retry_after
            if pause is not None and pause > self.settings.retry_after_cap:
                return None  # the host asked for a longer pause than we will wait
            pause = backoff if pause is None else pause
            self.limits.gate(host).slow_down(pause)
            return 0.0  # the gate itself holds the host back until the pause is over
        if answer.status in RETRY_STATUSES:
            return backoff
        if answer.verdict is Verdict.TIMEOUT and not answer.host_failure:
            # A timeout already waited the full timeout: retried only as configured.
            return backoff if timeouts < self.settings.timeout_retries else None
        if answer.verdict is Verdict.CONNECTION and not answer.host_failure:
            return backoff
        return None

    async def _send(self, method: str, url: str, wanted: frozenset[str]) -> tuple[_Answer, int]:
        headers = self._headers_for(url)
        try:
            target = httpx.URL(url)
            # Our own Host header, from the raw (ASCII) name: httpx would decode an
            # IDNA name to build it and reject valid ones (``xn--ls8h.la``).
            headers["Host"] = target.netloc.decode("ascii")
            events: list[str] = []

            async def trace(name: str, _: dict[str, Any]) -> None:
                events.append(name)  # httpcore's documented trace extension

            request = self.client.build_request(
                method, target, headers=headers, extensions={"trace": trace}
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, ValueError):
            return _Answer(verdict=Verdict.BROKEN, detail="not a valid URL"), 0
        started = self.clock()
        try:
            async with asyncio.timeout(self.settings.timeout):
                response = await self.client.send(request, stream=True)
        except UnsafeAddressError as exc:
            return _Answer(verdict=Verdict.SKIPPED, detail=str(exc), address_refused=True), 0
        except ResolutionError as exc:
            return _Answer(
                verdict=Verdict.CONNECTION, detail=str(exc), host_failure=True, no_route=True
            ), 0
        except (httpx.TimeoutException, TimeoutError) as exc:
            if isinstance(exc, httpx.ConnectTimeout) or not _connected(events):
                # Still resolving or connecting: nothing reached the host (and
                # without a network, lookups hang like this).
                return _Answer(
                    verdict=Verdict.TIMEOUT,
                    detail=self._timeout_text("connection"),
                    host_failure=True,
                    no_route=True,
                ), 1
            return _Answer(verdict=Verdict.TIMEOUT, detail=self._timeout_text("answer")), 1
        except httpx.ConnectError as exc:
            return _connect_failure(exc), 1
        except httpx.HTTPError as exc:
            return _Answer(verdict=Verdict.CONNECTION, detail=_broken_text(exc), transient=True), 1
        self.any_answer = True
        try:
            deadline = started + self.settings.request_deadline
            async with asyncio.timeout(max(0.0, deadline - self.clock())):
                return await self._read(response, wanted, started), 1
        except TimeoutError:
            detail = (
                f"page not received within request-deadline {self.settings.request_deadline:g} s"
            )
            return _Answer(verdict=Verdict.TIMEOUT, detail=detail), 1
        except _TooSlow as slow:
            return _Answer(verdict=Verdict.TIMEOUT, detail=str(slow)), 1
        except httpx.TimeoutException:
            return _Answer(verdict=Verdict.TIMEOUT, detail=self._timeout_text("page")), 1
        except httpx.HTTPError as exc:
            return _Answer(verdict=Verdict.CONNECTION, detail=_broken_text(exc), transient=True), 1
        finally:
            await _finish(response, min(1.0, self.settings.timeout))
            self.stats.bytes_downloaded += response.num_bytes_downloaded

    async def _read(
        self, response: httpx.Response, wanted: frozenset[str], started: float
    ) -> _Answer:
        status = response.status_code
        location = response.headers.get("location")
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        kind = response.headers.get("content-type")
        if not (wanted and 200 <= status < 300) or response.request.method != "GET":
            return _Answer(
                status,
                location,
                unchecked=bool(wanted),
                retry_after=retry_after,
                content_type=kind,
            )
        content_type = (kind or "text/html").lower()
        if "html" not in content_type:
            return _Answer(status, location, unchecked=True, content_type=kind)
        scanner = AnchorScanner(wanted, response.charset_encoding or "utf-8")
        read, body_started = 0, self.clock()
        grace = min(3.0, self.settings.timeout)
        async for chunk in response.aiter_bytes():
            read += len(chunk)
            scanner.feed(chunk)
            if scanner.done:
                break
            if read >= self.settings.anchor_max_bytes:
                return _Answer(
                    status,
                    location,
                    found=frozenset(scanner.found),
                    too_big=True,
                    content_type=kind,
                )
            spent = self.clock() - body_started
            if self.settings.min_rate and spent > grace and read / spent < self.settings.min_rate:
                raise _TooSlow(
                    f"page arrived at {read / spent:.0f} bytes/s, slower than min-rate"
                    f" {self.settings.min_rate} bytes/s"
                )
        else:
            scanner.feed(b"", final=True)
        return _Answer(status, location, found=frozenset(scanner.found), content_type=kind)

    def _headers_for(self, url: str) -> dict[str, str]:
        scheme, host, port = origin_key(url)
        headers = {"User-Agent": self.settings.user_agent, "Accept": ACCEPT}
        for rule in self.settings.headers:
            if not rule.matches(scheme, host, port):
                continue
            for name, value in rule.headers:
                # Checked when the config loads; settings built in code are checked here.
                if header_problem(name, value, self.settings.environ) is not None:
                    continue
                resolved = substitute(value, self.settings.environ)
                if resolved is not None:
                    headers[name] = resolved
        return headers

    def _timeout_text(self, what: str) -> str:
        return f"no {what} within {self.settings.timeout:g} s"


def _connected(events: list[str]) -> bool:
    """Whether the traced request got a connection (a new one, or one from the pool)."""
    return any(
        name == "connection.connect_tcp.complete" or name.startswith("http11.") for name in events
    )


class _TooSlow(Exception):
    """The body arrived slower than min-rate."""


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a Retry-After header: ASCII digits or an HTTP date.

    Anything else (``²``, ``1.5``, a negative number, garbage) is ignored; the
    result is capped at :data:`RETRY_AFTER_MAX`.
    """
    if value is None:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return min(float(value), RETRY_AFTER_MAX)
    if not value.isascii():
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None
    return min(max(0.0, seconds), RETRY_AFTER_MAX)


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _errno(exc: BaseException) -> int | None:
    """The OS error number behind an httpx exception (through its causes)."""
    current: BaseException | None = exc
    seen = 0
    while current is not None and seen < 20:
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    current: BaseException | None = exc
    seen = 0
    while current is not None and seen < 20:
        if isinstance(current, ssl.SSLError):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _connect_failure(exc: httpx.ConnectError) -> _Answer:
    """A connection that could not be made: refused, TLS, unreachable."""
    tls = _tls_failure(exc)
    if tls is not None or "ssl" in str(exc).lower() or "certificate" in str(exc).lower():
        reason = getattr(tls, "reason", None) or "handshake failed"
        # The host answered (TCP worked): a broken link, not a missing network. Transient
        # for the history (issue 11): an expired certificate is often renewed within days.
        detail = f"TLS error: {str(reason).lower().replace('_', ' ')}"
        return _Answer(verdict=Verdict.CONNECTION, detail=detail, host_failure=True, transient=True)
    number = _errno(exc)
    if number == errno.ECONNREFUSED:
        return _Answer(verdict=Verdict.CONNECTION, detail="connection refused", host_failure=True)
    if number in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        detail = "network unreachable"
    else:
        detail = "cannot connect"
    return _Answer(
        verdict=Verdict.CONNECTION, detail=detail, host_failure=True, no_route=True, transient=True
    )


def _broken_text(exc: httpx.HTTPError) -> str:
    """A fixed description per failure kind: exception text can hold request headers."""
    if isinstance(exc, httpx.DecodingError):
        return "the page's content encoding is corrupt"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in str(exc).lower() or "disconnected" in str(exc).lower():
            return "the server closed the connection without an answer"
        return "the server's answer is not valid HTTP"
    if isinstance(exc, httpx.LocalProtocolError):
        return "the request could not be sent (invalid header?)"
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.NetworkError):
        return "connection reset by the server"
    return f"request failed ({type(exc).__name__})"


#: A rest of a body this small is read to keep the connection for the next request.
DRAIN_LIMIT = 64 * 1024


async def _finish(response: httpx.Response, seconds: float) -> None:
    """Close ``response``; read a small rest first so the connection can be reused."""
    try:
        length = int(response.headers.get("content-length", "-1"))
    except ValueError:
        length = -1
    small = (
        response.request.method == "HEAD"
        or 0 <= length - response.num_bytes_downloaded <= DRAIN_LIMIT
    )
    if small and not response.is_closed and not response.is_stream_consumed:
        try:
            async with asyncio.timeout(seconds):
                async for _ in response.aiter_raw():
                    pass
        except (httpx.HTTPError, TimeoutError):
            pass
    with contextlib.suppress(httpx.HTTPError):
        await response.aclose()


def _permanent_target(hops: list[Hop]) -> str | None:
    """Where the leading run of permanent redirects ends (``None`` when the first is temporary)."""
    moved = None
    for hop in hops:
        if hop.status not in PERMANENT:
            break
        moved = hop.target
    return moved
