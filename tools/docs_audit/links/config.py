"""``[tool.docs-audit.links]``: the schema and the typed settings built from it."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Field
from ..findings import UsageError

if TYPE_CHECKING:
    from ..config import Config

DEFAULT_USER_AGENT = "docs-audit-linkcheck/0.1 (+https://pypi.org/project/docs-audit/)"

SCHEMA: dict[str, Field] = {
    "concurrency": Field(
        "int",
        64,
        "Requests being served at once, over all hosts (one kept waiting counts for a second).",
    ),
    "per-host-concurrency": Field(
        "int", 2, "Requests in flight at once to one host (RFC 2616's polite two)."
    ),
    "timeout": Field("float", 15.0, "Seconds to wait for a connection or for data."),
    "retries": Field("int", 3, "Further attempts after a 5xx, 408, 429, timeout or reset."),
    "retry-backoff": Field(
        "float", 0.5, "First backoff in seconds; doubles each attempt, with jitter."
    ),
    "retry-after-cap": Field(
        "float", 60.0, "Longest wait in seconds honoured from a Retry-After header."
    ),
    "max-redirects": Field("int", 10, "Redirects followed before the link counts as broken."),
    "cache-file": Field(
        "str",
        "",
        "Result cache (SQLite), relative to the project root"
        " (default: <cache-dir>/link-cache.sqlite).",
    ),
    "cache-ttl": Field("int", 86400, "Seconds a successful result is reused without a request."),
    "ignore": Field("list[str]", [], "Regular expressions; matching URLs are not checked."),
    "accept-status": Field("list[int]", [], "HTTP statuses that count as a working link."),
    "allowed-redirects": Field(
        "dict[str,str]",
        {},
        "Regex of a source URL to regex of the URL it may permanently redirect to, silently.",
    ),
    "anchors": Field("bool", True, "Check #fragments against the ids of the page."),
    "anchor-ignore": Field(
        "list[str]",
        ["^!", "^/", "^:~:"],
        "Regular expressions for fragments never checked (JavaScript routes, text fragments).",
    ),
    "anchor-ignore-urls": Field(
        "list[str]",
        [],
        "Regular expressions for URLs whose anchors are never checked (pages built by JavaScript).",
    ),
    "anchor-max-bytes": Field(
        "int", 16 * 1024 * 1024, "Bytes of a page read at most while looking for anchors."
    ),
    "headers": Field(
        "dict[str,any]",
        {},
        "Host glob to a table of extra headers; ${VAR} is replaced from the environment.",
    ),
    "allow-private": Field(
        "bool", False, "Allow loopback, private and reserved hosts (tests and benchmarks only)."
    ),
    "user-agent": Field("str", DEFAULT_USER_AGENT, "User-Agent header of every request."),
    "require-network": Field(
        "bool", False, "Make an unreachable network an error instead of a warning."
    ),
    "timeout-retries": Field(
        "int", 0, "Further attempts after a timeout, each after the host's other work."
    ),
    "request-deadline": Field(
        "float", 30.0, "Seconds one request may take in all: connection, headers and body."
    ),
    "min-rate": Field(
        "int", 1024, "Slowest accepted body transfer in bytes per second (0: no minimum)."
    ),
    "budget": Field(
        "float",
        0.0,
        "Seconds the whole link audit may take (0: no limit); the rest is not checked.",
    ),
}

#: The link cache's file in the cache folder (the history store has its own).
CACHE_NAME = "link-cache.sqlite"

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


@dataclass(frozen=True)
class LinkSettings:
    """Validated link-audit settings; durations in seconds."""

    concurrency: int = 64
    per_host_concurrency: int = 2
    timeout: float = 15.0
    retries: int = 3
    retry_backoff: float = 0.5
    retry_after_cap: float = 60.0
    max_redirects: int = 10
    cache_file: Path | None = None
    cache_ttl: int = 86400
    ignore: tuple[re.Pattern[str], ...] = ()
    accept_status: frozenset[int] = frozenset()
    allowed_redirects: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()
    anchors: bool = True
    anchor_ignore: tuple[re.Pattern[str], ...] = (
        re.compile("^!"),
        re.compile("^/"),
        re.compile("^:~:"),
    )
    anchor_ignore_urls: tuple[re.Pattern[str], ...] = ()
    anchor_max_bytes: int = 16 * 1024 * 1024
    headers: tuple[HostHeaders, ...] = ()
    allow_private: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    require_network: bool = False
    timeout_retries: int = 0
    request_deadline: float = 30.0
    min_rate: int = 1024
    budget: float = 0.0
    #: Environment used for ${VAR} in headers (the process environment by default).
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), compare=False)


def settings_from(config: Config, overrides: Mapping[str, Any] | None = None) -> LinkSettings:
    """Settings from ``[tool.docs-audit.links]`` with command-line ``overrides`` on top."""
    table = dict(config.table("links"))
    table.update(overrides or {})
    where = f"{config.source}: " if config.source else ""
    cache_file = str(table["cache-file"])
    return LinkSettings(
        concurrency=_positive(table, "concurrency", where),
        per_host_concurrency=_positive(table, "per-host-concurrency", where),
        timeout=_positive(table, "timeout", where),
        retries=_non_negative(table, "retries", where),
        retry_backoff=_non_negative(table, "retry-backoff", where),
        retry_after_cap=_non_negative(table, "retry-after-cap", where),
        max_redirects=_non_negative(table, "max-redirects", where),
        cache_file=(config.root / cache_file) if cache_file else config.cache_dir / CACHE_NAME,
        cache_ttl=_non_negative(table, "cache-ttl", where),
        ignore=_patterns(table, "ignore", where),
        accept_status=frozenset(int(s) for s in table["accept-status"]),
        allowed_redirects=tuple(
            (
                _compile(source, "allowed-redirects", where),
                _compile(target, "allowed-redirects", where),
            )
            for source, target in table["allowed-redirects"].items()
        ),
        anchors=bool(table["anchors"]),
        anchor_ignore=_patterns(table, "anchor-ignore", where),
        anchor_ignore_urls=_patterns(table, "anchor-ignore-urls", where),
        anchor_max_bytes=_positive(table, "anchor-max-bytes", where),
        headers=_headers(table["headers"], where, os.environ),
        allow_private=bool(table["allow-private"]),
        user_agent=str(table["user-agent"]),
        require_network=bool(table["require-network"]),
        timeout_retries=_non_negative(table, "timeout-retries", where),
        request_deadline=_positive(table, "request-deadline", where),
        min_rate=_non_negative(table, "min-rate", where),
        budget=_non_negative(table, "budget", where),
    )


def _positive(table: Mapping[str, Any], key: str, where: str) -> Any:
    value = table[key]
    if value <= 0:
        raise UsageError(f"{where}'docs-audit.links.{key}' must be greater than 0, got {value}")
    return value


def _non_negative(table: Mapping[str, Any], key: str, where: str) -> Any:
    value = table[key]
    if value < 0:
        raise UsageError(f"{where}'docs-audit.links.{key}' must not be negative, got {value}")
    return value


def _compile(pattern: str, key: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UsageError(
            f"{where}'docs-audit.links.{key}': invalid regular expression {pattern!r}: {exc}"
        ) from None


def _patterns(table: Mapping[str, Any], key: str, where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(p, key, where) for p in table[key])


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
