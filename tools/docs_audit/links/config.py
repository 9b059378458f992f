"""``[tool.docs-audit.links]``: its declaration and the typed settings built from it."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Key, checked, keys_of, setting
from ..findings import UsageError
from ..saferegex import PatternError, SafePattern, compile_safe

if TYPE_CHECKING:
    from ..config import Config

DEFAULT_USER_AGENT = "docs-audit-linkcheck/0.1 (+https://pypi.org/project/docs-audit/)"


@dataclass(frozen=True)
class LinksTable:
    """``[tool.docs-audit.links]``: the link audit."""

    concurrency: int = setting(
        64,
        "Requests being served at once, over all hosts (one kept waiting counts for a second).",
        gt=0,
    )
    per_host_concurrency: int = setting(
        2,
        "Requests in flight at once to one host (RFC 2616's polite two).",
        gt=0,
    )
    timeout: float = setting(15.0, "Seconds to wait for a connection or for data.", gt=0)
    retries: int = setting(3, "Further attempts after a 5xx, 408, 429, timeout or reset.", ge=0)
    retry_backoff: float = setting(
        0.5,
        "First backoff in seconds; doubles each attempt, with jitter.",
        ge=0,
    )
    retry_after_cap: float = setting(
        60.0,
        "Longest wait in seconds honoured from a Retry-After header.",
        ge=0,
    )
    max_redirects: int = setting(10, "Redirects followed before the link counts as broken.", ge=0)
    cache_file: str = setting(
        "",
        "Result cache (SQLite), relative to the project root"
        " (default: <cache-dir>/link-cache.sqlite).",
    )
    cache_ttl: int = setting(
        86400,
        "Seconds a successful result is reused without a request.",
        ge=0,
    )
    history: str = setting(
        "",
        "Result history (SQLite), relative to the project root "
        "(default: <cache-dir>/links-history.sqlite).",
    )
    report_after: int = setting(
        1,
        "Consecutive failing runs after which a transient failure (timeout, 5xx, 429) is an error.",
        gt=0,
    )
    retention: int = setting(90, "Days the history keeps a run.", gt=0)
    ignore: list[str] = setting([], "Regular expressions; matching URLs are not checked.")
    accept_status: list[int] = setting([], "HTTP statuses that count as a working link.")
    allowed_redirects: dict[str, str] = setting(
        {},
        "Regex of a source URL to regex of the URL it may permanently redirect to, silently.",
    )
    anchors: bool = setting(True, "Check #fragments against the ids of the page.")
    anchor_ignore: list[str] = setting(
        ["^!", "^/", "^:~:"],
        "Regular expressions for fragments never checked (JavaScript routes, text fragments).",
    )
    anchor_ignore_urls: list[str] = setting(
        [],
        "Regular expressions for URLs whose anchors are never checked (pages built by JavaScript).",
    )
    anchor_max_bytes: int = setting(
        16 * 1024 * 1024,
        "Bytes of a page read at most while looking for anchors.",
        gt=0,
    )
    headers: dict[str, Any] = setting(
        {},
        "Origin ([http(s)://]host-glob[:port]; https and 443 by default) to a table of extra"
        " headers, sent to that origin only; ${VAR} is replaced from the environment.",
    )
    allow_private: bool = setting(
        False,
        "Allow loopback, private and reserved hosts (tests and benchmarks only).",
    )
    user_agent: str = setting(DEFAULT_USER_AGENT, "User-Agent header of every request.")
    require_network: bool = setting(
        False,
        "Make an unreachable network an error instead of a warning.",
    )
    timeout_retries: int = setting(
        0, "Further attempts after a timeout, each after the host's other work.", ge=0
    )
    request_deadline: float = setting(
        30.0, "Seconds one request may take in all: connection, headers and body.", gt=0
    )
    min_rate: int = setting(
        1024, "Slowest accepted body transfer in bytes per second (0: no minimum).", ge=0
    )
    budget: float = setting(
        0.0, "Seconds the whole link audit may take (0: no limit); the rest is not checked.", ge=0
    )


#: The link cache's file in the cache folder (the history store has its own).
CACHE_NAME = "link-cache.sqlite"

HISTORY_NAME = "links-history.sqlite"

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class HostHeaders:
    """Extra headers for one origin: ``pattern`` is ``[scheme://]host-glob[:port]``.

    Without a scheme the origin is ``https`` on port 443: a token is never sent in
    clear text or to another port of the same host unless the key names them.
    """

    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, scheme: str, host: str, port: int | None) -> bool:
        """Whether a request to ``scheme://host:port`` is of this origin."""
        want_scheme, glob, want_port = parse_origin(self.pattern)
        port = port if port is not None else DEFAULT_PORTS.get(scheme)
        return (
            scheme == want_scheme and port == want_port and fnmatch.fnmatchcase(host.lower(), glob)
        )


DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(pattern: str) -> tuple[str, str, int | None]:
    """``(scheme, host glob, port)`` of a headers key; https and 443 by default."""
    scheme, separator, rest = pattern.partition("://")
    if not separator:
        scheme, rest = "https", pattern
    scheme = scheme.lower()
    rest = rest.rstrip("/")
    port = DEFAULT_PORTS.get(scheme)
    if rest.startswith("["):  # an IPv6 literal
        host, _, tail = rest[1:].partition("]")
        if tail.startswith(":") and tail[1:].isdigit():
            port = int(tail[1:])
    else:
        host, colon, tail = rest.rpartition(":")
        if colon and tail.isdigit():
            port = int(tail)
        else:
            host = rest
    return scheme, host.lower(), port


#: The declared defaults, from which :class:`LinkSettings` takes its own.
_DEFAULT = LinksTable()


def _compiled(patterns: list[str]) -> tuple[SafePattern, ...]:
    return tuple(compile_safe(p) for p in patterns)


@dataclass(frozen=True)
class LinkSettings:
    """Validated link-audit settings, in the forms the engine uses; durations in seconds.

    Every default comes from :class:`LinksTable`, the one declaration of the table.
    """

    concurrency: int = _DEFAULT.concurrency
    per_host_concurrency: int = _DEFAULT.per_host_concurrency
    timeout: float = _DEFAULT.timeout
    retries: int = _DEFAULT.retries
    retry_backoff: float = _DEFAULT.retry_backoff
    retry_after_cap: float = _DEFAULT.retry_after_cap
    max_redirects: int = _DEFAULT.max_redirects
    cache_file: Path | None = None
    cache_ttl: int = _DEFAULT.cache_ttl
    #: The SQLite result history (``None``: no history kept).
    history_file: Path | None = None
    report_after: int = _DEFAULT.report_after
    retention_days: int = _DEFAULT.retention
    ignore: tuple[SafePattern, ...] = _compiled(_DEFAULT.ignore)
    accept_status: frozenset[int] = frozenset(_DEFAULT.accept_status)
    allowed_redirects: tuple[tuple[SafePattern, SafePattern], ...] = ()
    anchors: bool = _DEFAULT.anchors
    anchor_ignore: tuple[SafePattern, ...] = _compiled(_DEFAULT.anchor_ignore)
    anchor_ignore_urls: tuple[SafePattern, ...] = _compiled(_DEFAULT.anchor_ignore_urls)
    anchor_max_bytes: int = _DEFAULT.anchor_max_bytes
    headers: tuple[HostHeaders, ...] = ()
    allow_private: bool = _DEFAULT.allow_private
    user_agent: str = _DEFAULT.user_agent
    require_network: bool = _DEFAULT.require_network
    timeout_retries: int = _DEFAULT.timeout_retries
    request_deadline: float = _DEFAULT.request_deadline
    min_rate: int = _DEFAULT.min_rate
    budget: float = _DEFAULT.budget
    #: Environment used for ${VAR} in headers (the process environment by default).
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), compare=False)


def settings_from(config: Config, overrides: Mapping[str, Any] | None = None) -> LinkSettings:
    """Settings from ``[tool.docs-audit.links]`` with command-line ``overrides`` on top.

    Types and bounds were checked against :class:`LinksTable` when the file was
    loaded; overrides are checked the same way here.
    """
    where = f"{config.source}: " if config.source else ""
    table = config.settings("links", LinksTable)
    if overrides:
        table = replace(
            table,
            **{
                k.attr: checked(k, overrides[k.name], config.source)
                for k in _keys()
                if k.name in overrides
            },
        )
    return LinkSettings(
        concurrency=table.concurrency,
        per_host_concurrency=table.per_host_concurrency,
        timeout=table.timeout,
        retries=table.retries,
        retry_backoff=table.retry_backoff,
        retry_after_cap=table.retry_after_cap,
        max_redirects=table.max_redirects,
        cache_file=(
            (config.root / table.cache_file) if table.cache_file else config.cache_dir / CACHE_NAME
        ),
        cache_ttl=table.cache_ttl,
        history_file=(
            (config.root / table.history) if table.history else config.cache_dir / HISTORY_NAME
        ),
        report_after=table.report_after,
        retention_days=table.retention,
        ignore=_patterns(table.ignore, "ignore", where),
        accept_status=frozenset(table.accept_status),
        allowed_redirects=tuple(
            (
                _compile(source, "allowed-redirects", where),
                _compile(target, "allowed-redirects", where),
            )
            for source, target in table.allowed_redirects.items()
        ),
        anchors=table.anchors,
        anchor_ignore=_patterns(table.anchor_ignore, "anchor-ignore", where),
        anchor_ignore_urls=_patterns(table.anchor_ignore_urls, "anchor-ignore-urls", where),
        anchor_max_bytes=table.anchor_max_bytes,
        headers=_headers(table.headers, where, os.environ),
        allow_private=table.allow_private,
        user_agent=table.user_agent,
        require_network=table.require_network,
        timeout_retries=table.timeout_retries,
        request_deadline=table.request_deadline,
        min_rate=table.min_rate,
        budget=table.budget,
    )


def _keys() -> tuple[Key, ...]:
    return keys_of(LinksTable, "docs-audit.links")


def _compile(pattern: str, key: str, where: str) -> SafePattern:
    # User patterns run under the time limit of docs_audit.saferegex.
    try:
        return compile_safe(pattern)
    except PatternError as exc:
        raise UsageError(f"{where}'docs-audit.links.{key}': {exc}") from None


def _patterns(patterns: list[str], key: str, where: str) -> tuple[SafePattern, ...]:
    return tuple(_compile(p, key, where) for p in patterns)


def _headers(
    value: Mapping[str, Any], where: str, environ: Mapping[str, str]
) -> tuple[HostHeaders, ...]:
    result = []
    for pattern, headers in value.items():
        key = f"{where}'docs-audit.links.headers.{pattern}'"
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise UsageError(f'{key} must be a table of header = "value"')
        scheme, host, _ = parse_origin(pattern)
        if scheme not in DEFAULT_PORTS or not host:
            raise UsageError(f"{key}: expected [http(s)://]host[:port], got {pattern!r}")
        for name, template in headers.items():
            problem = header_problem(name, template, environ)
            if problem is not None:
                raise UsageError(f"{key}: header {name!r}: {problem}")
        result.append(HostHeaders(pattern.lower(), tuple(headers.items())))
    return tuple(result)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: What a header value may hold: visible ASCII and Latin-1, spaces and tabs inside.
_VALUE = re.compile(r"[\x21-\x7e\xa0-\xff](?:[\x20-\x7e\t\xa0-\xff]*[\x21-\x7e\xa0-\xff])?")


def header_problem(name: str, template: str, environ: Mapping[str, str]) -> str | None:
    """Why the header cannot be sent (naming variables, never a value), or ``None``."""
    if not _TOKEN.fullmatch(name):
        return "not a valid header name"
    for variable in _ENV.findall(template):
        found = environ.get(variable, "")
        if found and not _VALUE.fullmatch(found):
            return (
                f"${{{variable}}} holds a character a header cannot carry (a line break,"
                " a control character or surrounding space?); its value is not shown"
            )
    resolved = substitute(template, environ)
    if resolved is not None and resolved and not _VALUE.fullmatch(resolved):
        return "the value holds a character a header cannot carry; it is not shown"
    return None


def substitute(value: str, environ: Mapping[str, str]) -> str | None:
    """``value`` with ``${VAR}`` replaced; ``None`` when a variable is unset or empty."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        found = environ.get(match.group(1), "")
        missing = missing or not found
        return found

    result = _ENV.sub(replace, value)
    return None if missing else result
