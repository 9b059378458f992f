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

    def covers(self, fragments: frozenset[str]) -> bool:
        """Whether this result already answers for every fragment in ``fragments``."""
        known = self.anchors_found | self.anchors_missing | self.anchors_unchecked
        return fragments <= known


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``."""
    base, fragment = urldefrag(url)
    return base, fragment
