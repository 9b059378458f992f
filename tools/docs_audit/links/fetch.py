"""Fetch one URL the polite way and turn what happens into a :class:`UrlResult`.

HEAD first (no body at all), GET when the page's anchors are needed or when HEAD is
refused or unreliable; bodies are streamed and read only until every wanted anchor
was seen. Redirects are followed here, hop by hop, so that each hop is checked
against the address guard, gets only its own host's headers, and loops are seen.
"""

from __future__ import annotations

import email.utils
import errno
import fnmatch
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from .anchors import AnchorScanner, is_line_anchor
from .config import LinkSettings, substitute
from .limits import Limits
from .network import ResolutionError, UnsafeAddressError, reserved_name, unsafe_address
from .results import PERMANENT, Hop, UrlResult, Verdict, split_fragment

#: HEAD answers that say nothing about the page: ask again with GET.
HEAD_UNRELIABLE = frozenset({400, 403, 405, 406, 409, 418, 501})
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECTS = frozenset({301, 302, 303, 307, 308})

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


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


def refusal(url: str, allow_private: bool) -> str | None:
    """Why ``url`` must not be fetched before any lookup (``None`` when it may be)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{parts.scheme or 'no'} scheme"
    host = parts.hostname or ""
    if not host:
        return "no host"
    if allow_private:
        return None
    if reserved_name(host):
        return f"{host} is a reserved host name"
    reason = unsafe_address(host)
    return f"{host} is {reason}" if reason else None


class Fetcher:
    """Checks URLs over one client; shares politeness state across all of them."""

    def __init__(
        self, settings: LinkSettings, client: httpx.AsyncClient, limits: Limits, stats: Stats
    ) -> None:
        self.settings = settings
        self.client = client
        self.limits = limits
        self.stats = stats
        #: Hosts that failed as a whole: later URLs there get the same verdict at once.
        self.dead_hosts: dict[tuple[str, int | None], _Answer] = {}
        #: Whether any host answered at all (for telling a dead network from dead links).
        self.any_answer = False

    async def check(self, url: str, fragments: frozenset[str]) -> UrlResult:
        wanted, unchecked = self._split_fragments(url, fragments)
        method = "GET" if wanted else "HEAD"
        current, chain, statuses, sent = url, [url], [], 0
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
                )
            assert answer.status is not None
            if answer.status in REDIRECTS and answer.location:
                target, _ = split_fragment(urljoin(current, answer.location))
                statuses.append(answer.status)
                if target in chain:
                    loop = " -> ".join([*chain[chain.index(target) :], target])
                    return UrlResult(
                        url,
                        Verdict.REDIRECT_LOOP,
                        f"redirect loop: {loop}",
                        answer.status,
                        target,
                        requests=sent,
                    )
                chain.append(target)
                current = target
                if answer.status == 303:
                    method = "GET" if wanted else "HEAD"
                continue
            return self._final(url, current, chain, statuses, answer, wanted, unchecked, sent)
        return UrlResult(
            url,
            Verdict.TOO_MANY_REDIRECTS,
            f"more than {self.settings.max_redirects} redirects (last: {current})",
            final_url=current,
            requests=sent,
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
        chain: list[str],
        statuses: list[int],
        answer: _Answer,
        wanted: frozenset[str],
        unchecked: frozenset[str],
        sent: int,
    ) -> UrlResult:
        status = answer.status
        assert status is not None
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
            return UrlResult(url, Verdict.RATE_LIMITED, detail, status, final, requests=sent)
        if status >= 300 and not accepted:
            detail = answer.detail or _status_text(status)
            return UrlResult(url, Verdict.BROKEN, detail, status, final, requests=sent)
        found: frozenset[str] = frozenset()
        missing: frozenset[str] = frozenset()
        if answer.unchecked:
            unchecked = unchecked | wanted
        else:
            found, missing = answer.found, wanted - answer.found
        verdict, detail = Verdict.OK, ""
        moved = _permanent_target(chain, statuses)
        if moved is not None and not self._redirect_allowed(url, moved):
            verdict = Verdict.REDIRECTED
            detail = f"permanently redirected ({statuses[0]}) to {moved}"
        return UrlResult(
            url, verdict, detail, status, final, found, missing, unchecked, requests=sent
        )

    def _redirect_allowed(self, source: str, target: str) -> bool:
        return any(s.match(source) and t.match(target) for s, t in self.settings.allowed_redirects)

    async def _request(self, method: str, url: str, wanted: frozenset[str]) -> tuple[_Answer, int]:
        """One request with its retries; returns the answer and how many were sent."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        key = (host, parts.port)
        attempt = sent = 0
        while True:
            dead = self.dead_hosts.get(key)
            if dead is not None:
                return dead, sent
            delay: float | None = None
            async with self.limits.slot(host):
                answer, counted = await self._send(method, url, wanted)
                sent += counted
                self.stats.requests[method] += counted
                retry_with_get = method == "HEAD" and answer.status in HEAD_UNRELIABLE
                if retry_with_get:
                    method = "GET"
                    continue
                delay = await self._retry_delay(answer, attempt, host)
            if delay is None:
                if answer.host_failure:
                    self.dead_hosts[key] = answer
                return answer, sent
            if method == "HEAD" and answer.status is not None and answer.status >= 500:
                method = "GET"  # some servers fail HEAD only
            attempt += 1
            await _sleep(delay)

    async def _retry_delay(self, answer: _Answer, attempt: int, host: str) -> float | None:
        """Seconds to wait before trying again, or ``None`` to stop here."""
        if attempt >= self.settings.retries:
            return None
        backoff = self.settings.retry_backoff * (2.0**attempt) * (0.5 + random.random() / 2)
        if answer.status == 429:
            pause = answer.retry_after
            if pause is not None and pause > self.settings.retry_after_cap:
                return None  # the host asked for a longer pause than we will wait
            pause = backoff if pause is None else pause
            await self.limits.gate(host).slow_down(pause)
            return pause
        if answer.status in RETRY_STATUSES:
            return backoff
        if answer.verdict is Verdict.TIMEOUT or (
            answer.verdict is Verdict.CONNECTION and not answer.host_failure
        ):
            return backoff
        return None

    async def _send(self, method: str, url: str, wanted: frozenset[str]) -> tuple[_Answer, int]:
        headers = self._headers_for(url)
        try:
            request = self.client.build_request(method, url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return _Answer(verdict=Verdict.BROKEN, detail=f"invalid URL: {exc}"), 0
        try:
            response = await self.client.send(request, stream=True)
        except UnsafeAddressError as exc:
            return _Answer(verdict=Verdict.SKIPPED, detail=str(exc), address_refused=True), 0
        except ResolutionError as exc:
            return _Answer(
                verdict=Verdict.CONNECTION, detail=str(exc), host_failure=True, no_route=True
            ), 0
        except httpx.ConnectTimeout:
            return _Answer(
                verdict=Verdict.TIMEOUT,
                detail=self._timeout_text("connection"),
                host_failure=True,
                no_route=True,
            ), 1
        except httpx.TimeoutException:
            return _Answer(verdict=Verdict.TIMEOUT, detail=self._timeout_text("answer")), 1
        except httpx.ConnectError as exc:
            refused = _errno(exc) == errno.ECONNREFUSED
            return _Answer(
                verdict=Verdict.CONNECTION,
                detail=_connect_text(exc, refused),
                host_failure=True,
                no_route=not refused,
            ), 1
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            return _Answer(verdict=Verdict.CONNECTION, detail=_reset_text(exc)), 1
        except httpx.HTTPError as exc:
            return _Answer(verdict=Verdict.CONNECTION, detail=f"{type(exc).__name__}: {exc}"), 1
        self.any_answer = True
        try:
            return await self._read(response, wanted), 1
        except httpx.TimeoutException:
            return _Answer(verdict=Verdict.TIMEOUT, detail=self._timeout_text("page")), 1
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            return _Answer(verdict=Verdict.CONNECTION, detail=_reset_text(exc)), 1
        finally:
            await _finish(response)
            self.stats.bytes_downloaded += response.num_bytes_downloaded

    async def _read(self, response: httpx.Response, wanted: frozenset[str]) -> _Answer:
        status = response.status_code
        location = response.headers.get("location")
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        if not (wanted and 200 <= status < 300) or response.request.method != "GET":
            return _Answer(status, location, unchecked=bool(wanted), retry_after=retry_after)
        content_type = response.headers.get("content-type", "text/html").lower()
        if "html" not in content_type:
            return _Answer(status, location, unchecked=True)
        scanner = AnchorScanner(wanted, response.charset_encoding or "utf-8")
        read = 0
        async for chunk in response.aiter_bytes():
            read += len(chunk)
            scanner.feed(chunk)
            if scanner.done or read >= self.settings.anchor_max_bytes:
                break
        else:
            scanner.feed(b"", final=True)
        return _Answer(status, location, found=frozenset(scanner.found))

    def _headers_for(self, url: str) -> dict[str, str]:
        host = (urlsplit(url).hostname or "").lower()
        headers = {"User-Agent": self.settings.user_agent, "Accept": ACCEPT}
        for rule in self.settings.headers:
            if fnmatch.fnmatchcase(host, rule.pattern):
                for name, value in rule.headers:
                    resolved = substitute(value, self.settings.environ)
                    if resolved is not None:
                        headers[name] = resolved
        return headers

    def _timeout_text(self, what: str) -> str:
        return f"no {what} within {self.settings.timeout:g} s"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _errno(exc: BaseException) -> int | None:
    """The OS error number behind an httpx exception (through its causes)."""
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        current = current.__cause__ or current.__context__
    return None


def _connect_text(exc: httpx.ConnectError, refused: bool) -> str:
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if refused:
        return "connection refused"
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return f"TLS error: {text}"
    if "unreachable" in lowered:
        return f"network unreachable: {text}"
    return f"cannot connect: {text}"


def _reset_text(exc: httpx.HTTPError) -> str:
    text = str(exc)
    if "reset" in text.lower() or not text:
        return "connection reset by the server"
    return f"connection broken: {text}"


#: A rest of a body this small is read to keep the connection for the next request.
DRAIN_LIMIT = 64 * 1024


async def _finish(response: httpx.Response) -> None:
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
            async for _ in response.aiter_raw():
                pass
        except httpx.HTTPError:
            pass
    await response.aclose()


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(max(0.0, seconds))


def _permanent_target(chain: list[str], statuses: list[int]) -> str | None:
    """Where the leading run of permanent redirects ends (``None`` when the first is temporary)."""
    moved = None
    for index, status in enumerate(statuses):
        if status not in PERMANENT:
            break
        moved = chain[index + 1]
    return moved
