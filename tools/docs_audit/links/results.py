"""What the checker concluded about one URL (its fragment stripped)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import urldefrag


class Verdict(enum.Enum):
    """One verdict per distinct URL; each error verdict has its own rule code."""

    OK = "ok"
    REDIRECTED = "redirected"  # permanently moved, still working: a warning
    BROKEN = "broken"
    TIMEOUT = "timeout"
    CONNECTION = "connection-error"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    RATE_LIMITED = "rate-limited"
    SKIPPED = "skipped"  # private or reserved host: reported, not fetched
    IGNORED = "ignored"  # not http(s), or matched an ignore pattern: counted only
    UNAVAILABLE = "network-unavailable"

    @property
    def working(self) -> bool:
        return self in (Verdict.OK, Verdict.REDIRECTED)

    @property
    def failed(self) -> bool:
        return self in FAILURES


FAILURES = frozenset(
    {
        Verdict.BROKEN,
        Verdict.TIMEOUT,
        Verdict.CONNECTION,
        Verdict.REDIRECT_LOOP,
        Verdict.TOO_MANY_REDIRECTS,
        Verdict.RATE_LIMITED,
    }
)


PERMANENT_REDIRECTS = frozenset({301, 308})


class Failure(enum.Enum):
    """Definitive failures (404, 410, an unknown host, a redirect loop) are errors at
    once; transient ones (timeouts, resets, TLS errors, 5xx, 429, bot blocks) may pass
    and are errors only once they last (``report-after`` runs, see links/history.py)."""

    DEFINITIVE = "definitive"
    TRANSIENT = "transient"


def transient_status(status: int) -> bool:
    """Statuses that say "not now" rather than "not here": 5xx, 429, 408, 425, and the
    403s and non-standard codes (LinkedIn's 999) that bot blocks answer with."""
    return status >= 500 or status in (403, 408, 425, 429)


@dataclass(frozen=True)
class UrlResult:
    """The outcome for ``url``; ``anchors_found``/``anchors_missing`` are fragments.

    ``anchors_unchecked`` holds fragments that could not be verified (the page is
    not HTML, or anchors are turned off): they are not reported.
    """

    url: str
    verdict: Verdict
    detail: str = ""
    status: int | None = None
    final_url: str | None = None
    anchors_found: frozenset[str] = frozenset()
    anchors_missing: frozenset[str] = frozenset()
    anchors_unchecked: frozenset[str] = frozenset()
    cached: bool = False
    requests: int = 0
    #: ``True`` when nothing reached the host: DNS failure, no route, connect timeout.
    no_route: bool = field(default=False, compare=False)
    #: ``True`` when the URL's own name resolved to an address the guard refuses.
    address_refused: bool = field(default=False, compare=False)
    #: Every redirect followed, in order: (status, the address it pointed at).
    redirects: tuple[tuple[int, str], ...] = field(default=(), compare=False)
    #: The Content-Type of the final answer, when there was one.
    content_type: str | None = field(default=None, compare=False)
    #: ``True`` when the host name does not resolve (a definitive failure).
    unknown_host: bool = field(default=False, compare=False)

    @property
    def permanent_target(self) -> str | None:
        """Where the leading run of permanent redirects (301, 308) ends, if there is one."""
        moved = None
        for status, target in self.redirects:
            if status not in PERMANENT_REDIRECTS:
                break
            moved = target
        return moved

    @property
    def failure(self) -> Failure | None:
        """Whether a failure is for good or may pass (``None`` when the link did not fail)."""
        if not self.verdict.failed:
            return None
        if self.verdict is Verdict.BROKEN:
            if self.status is None or not transient_status(self.status):
                return Failure.DEFINITIVE
            return Failure.TRANSIENT
        if self.verdict is Verdict.CONNECTION:
            return Failure.DEFINITIVE if self.unknown_host else Failure.TRANSIENT
        if self.verdict in (Verdict.TIMEOUT, Verdict.RATE_LIMITED):
            return Failure.TRANSIENT
        return Failure.DEFINITIVE  # redirect loops, too many redirects

    def covers(self, fragments: frozenset[str]) -> bool:
        """Whether this result already answers for every fragment in ``fragments``."""
        known = self.anchors_found | self.anchors_missing | self.anchors_unchecked
        return fragments <= known


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``."""
    base, fragment = urldefrag(url)
    return base, fragment
