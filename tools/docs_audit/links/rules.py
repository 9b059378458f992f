"""The LK8xx rules: one code per verdict of the link audit.

Their findings come from the link checker, not from a page rule, so they are
registered as external rules; each docstring is the rule's documentation.
"""

from __future__ import annotations

from ..findings import Severity
from ..registry import RULES, Rule, external_rule

FAMILY = "links"


def _rule(code: str, name: str, doc: str, severity: Severity = Severity.ERROR) -> Rule:
    # Importing this module twice (tests reloading it) must not register twice.
    existing = RULES.get(code)
    return existing if existing is not None else external_rule(code, name, FAMILY, doc, severity)


BROKEN = _rule(
    "LK801",
    "broken-link",
    """An external link answers with an error status (404, 410, 500...).

    Why: readers who follow it land on an error page; a 404 or 410 usually means the
    page moved or was removed, a lasting 5xx that the site is broken.

    Example::

        See the [deployment guide](https://example.org/old/deploy.html).   -> 404

    Use instead: the page's new address, or remove the link. If the server answers
    an unusual status for a working page (LinkedIn's 999), list it in
    ``[tool.docs-audit.links] accept-status``.
    """,
)

TIMEOUT = _rule(
    "LK802",
    "link-timeout",
    """An external link did not answer within the timeout, after every retry.

    Why: a link that hangs is as useless to a reader as a broken one, and a server
    that never answers is often gone.

    Example::

        https://slow.example.org/page     -> no answer in 15 s, 4 attempts

    Use instead: a working address. If the site is only slow, raise
    ``[tool.docs-audit.links] timeout``.
    """,
)

CONNECTION = _rule(
    "LK803",
    "connection-error",
    """An external link's host could not be reached: unknown name, refused connection or TLS failure.

    Why: the domain may have expired, the server moved, or its certificate is
    invalid; readers cannot open the page either.

    Example::

        https://docs.old-project.org/   -> DNS lookup failed

    Use instead: the project's current address, or remove the link.
    """,
)

LOOP = _rule(
    "LK804",
    "redirect-loop",
    """An external link redirects back to an address it already visited.

    Why: browsers give up on a loop ("too many redirects"), so the page never opens.

    Example::

        https://example.org/a -> /b -> /a

    Use instead: the final address of the page, or report the loop to the site.
    """,
)

MISSING_ANCHOR = _rule(
    "LK805",
    "missing-anchor",
    """The page exists but has no element with the ``#fragment`` the link points at.

    Why: readers land at the top of a long page instead of the section meant. The
    fragment is compared with the ``id`` and ``name`` attributes of the HTML
    (GitHub's ``user-content-`` prefix understood; ``#L10`` line anchors skipped).

    Example::

        https://docs.python.org/3/library/os.html#os.no_such_function

    Use instead: the section's current anchor. Anchors created by JavaScript can be
    skipped with ``[tool.docs-audit.links] anchor-ignore``.
    """,
)

PERMANENT_REDIRECT = _rule(
    "LK806",
    "permanent-redirect",
    """An external link is permanently redirected (301 or 308) to another address.

    Why: the old address works today, but only as long as the site keeps the
    redirect; pointing at the new address saves readers a round trip.

    Example::

        http://docs.djangoproject.com/   -> https://docs.djangoproject.com/en/stable/

    Use instead: the address named in the message; ``docs-audit links --fix``
    rewrites it in the sources (``--diff`` shows the change first). Expected
    redirects (a "latest" version alias) go in ``[tool.docs-audit.links]
    allowed-redirects``.
    """,
    Severity.WARNING,
)

RATE_LIMITED = _rule(
    "LK807",
    "rate-limited",
    """A host kept answering 429 Too Many Requests after every retry.

    Why: the link may well work, but it could not be verified; the host asked us to
    slow down and we did (honouring Retry-After), until the retries ran out.

    Example::

        https://api.github.com/repos/x/y   -> 429, Retry-After: 3600

    Use instead: run the audit later, give the host a token through
    ``[tool.docs-audit.links] headers``, or lower ``per-host-concurrency``.
    """,
)

SKIPPED = _rule(
    "LK808",
    "skipped-link",
    """A link was not fetched because it points at a private or reserved host.

    Why: documentation links should be public; and a link checker that connects to
    loopback, private, link-local (169.254.169.254: cloud metadata) or reserved
    example hosts can be turned against the machine it runs on. The check is made on
    the resolved address and on every redirect hop.

    Example::

        http://localhost:8000/admin/      -> skipped (reserved host)

    Use instead: nothing, when the link is an example (write it as code); set
    ``allow-private = true`` only for tests against local servers.
    """,
    Severity.INFO,
)

NETWORK_UNAVAILABLE = _rule(
    "LK809",
    "network-unavailable",
    """No external host could be resolved or reached, so the links were not checked.

    Why: on a machine without network access, one finding says so, instead of one
    connection error per link. ``--require-network`` (or ``require-network = true``)
    makes it an error, for scheduled monitoring where silence would hide breakage.

    Example::

        23 links to 9 hosts not checked: network unavailable (DNS lookup failed)

    Use instead: run the audit where the network is reachable.
    """,
    Severity.WARNING,
)

TOO_MANY_REDIRECTS = _rule(
    "LK810",
    "too-many-redirects",
    """An external link redirects more times than ``max-redirects`` allows.

    Why: long chains are slow for readers and usually mean a misconfigured site.

    Example::

        https://example.org/1 -> /2 -> /3 -> ... -> /12

    Use instead: the final address of the page.
    """,
)

ANCHOR_NOT_CHECKED = _rule(
    "LK811",
    "anchor-not-checked",
    """A ``#fragment`` could not be looked for: the page is larger than the anchor cap.

    Why: pages are read at most ``anchor-max-bytes`` (16 MB by default) while
    looking for anchors, so a huge page cannot make the audit slow or use much
    memory; an anchor further down is neither found nor known to be missing.

    Example::

        https://example.org/all-in-one.html#appendix   -> page over 16 MB

    Use instead: nothing, if the anchor is right; raise
    ``[tool.docs-audit.links] anchor-max-bytes`` to check it.
    """,
    Severity.WARNING,
)

OVER_BUDGET = _rule(
    "LK812",
    "link-budget-spent",
    """The audit's overall ``budget`` ran out before every link was checked.

    Why: ``[tool.docs-audit.links] budget`` bounds the time of the whole link
    audit (for a CI step with a time limit); the links left were not checked,
    neither found working nor broken. Working results are cached, so the next run
    starts with the links not checked this time.

    Example::

        budget of 60 s spent: 120 links (95 URLs) were not checked

    Use instead: a larger budget, or run again (cached results are not fetched).
    """,
    Severity.WARNING,
)
