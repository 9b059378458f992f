"""What the checker concluded about one URL (its fragment stripped)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import urldefrag

#: Redirect statuses that say the address moved for good.
PERMANENT = frozenset({301, 308})


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
    #: Not checked because the audit's overall budget was spent first.
    OVER_BUDGET = "over-budget"

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


class Failure(enum.Enum):
    """Whether a failure will still be there on the next run.

    Definitive: 404, 410 and other 4xx, an unknown host, a refused connection, a
    redirect loop. Transient: timeouts, resets, TLS failures, 5xx, 403, 408, 429.
    """

    DEFINITIVE = "definitive"
    TRANSIENT = "transient"


#: Statuses that say "try again later", not "this page is gone".
#: 403 too: bot blocks come and go (issue 11).
TRANSIENT_STATUSES = frozenset({403, 408, 425, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class Hop:
    """One redirect followed: ``url`` answered ``status`` with a Location of ``target``."""

    url: str
    status: int
    target: str

    @property
    def permanent(self) -> bool:
        return self.status in PERMANENT


@dataclass(frozen=True)
class UrlResult:
    """The outcome for ``url``; ``anchors_found``/``anchors_missing`` are fragments.

    ``anchors_unchecked`` holds fragments that could not be verified (the page is
    not HTML, or anchors are turned off): they are not reported. ``anchors_too_big``
    is the size cap (bytes) when the page was larger than it, so wanted anchors were
    not all looked for: reported as a warning, never as missing.

    ``hops`` is the redirect chain followed (empty when the URL answered itself);
    ``final_url`` is where it ended. ``failure`` classifies failed verdicts.
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
    hops: tuple[Hop, ...] = field(default=(), compare=False)
    #: For a CONNECTION verdict: whether the cause may pass (a reset) or not (DNS, TLS).
    transient_cause: bool = field(default=False, compare=False)
    anchors_too_big: int | None = field(default=None, compare=False)
    #: The Content-Type of the final answer, when there was one.
    content_type: str | None = field(default=None, compare=False)

    def covers(self, fragments: frozenset[str]) -> bool:
        """Whether this result already answers for every fragment in ``fragments``."""
        known = self.anchors_found | self.anchors_missing | self.anchors_unchecked
        return fragments <= known

    @property
    def permanent_redirect(self) -> bool:
        """Every hop of the chain was permanent (301/308), and there was one at least."""
        return bool(self.hops) and all(hop.permanent for hop in self.hops)

    @property
    def permanent_target(self) -> str | None:
        """Where the leading run of permanent redirects ends, if the chain starts with one."""
        moved = None
        for hop in self.hops:
            if not hop.permanent:
                break
            moved = hop.target
        return moved

    @property
    def failure(self) -> Failure | None:
        """Definitive or transient for a failed verdict; ``None`` otherwise."""
        if not self.verdict.failed:
            return None
        if self.verdict in (Verdict.TIMEOUT, Verdict.RATE_LIMITED):
            return Failure.TRANSIENT
        if self.verdict is Verdict.BROKEN and self.status in TRANSIENT_STATUSES:
            return Failure.TRANSIENT
        if self.verdict is Verdict.CONNECTION and self.transient_cause:
            return Failure.TRANSIENT
        return Failure.DEFINITIVE


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``."""
    base, fragment = urldefrag(url)
    return base, fragment
