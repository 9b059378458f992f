"""Where the checker may connect: reserved names refused before any lookup,
resolved addresses refused at connect time (so every redirect hop is covered and a
name cannot resolve to a public address first and a private one later).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpcore
import httpx

#: Names that never denote a public site (RFC 2606, RFC 6761, RFC 6762).
RESERVED_SUFFIXES = (".localhost", ".local", ".test", ".example", ".invalid", ".internal")
RESERVED_NAMES = frozenset(
    {"localhost", "example.com", "example.org", "example.net", "local", "test", "invalid"}
)

Resolver = Callable[[str, int], Awaitable[list[str]]]


class UnsafeAddressError(Exception):
    """The host resolves to an address the checker must not connect to."""


class ResolutionError(Exception):
    """The host name could not be resolved."""


def reserved_name(host: str) -> bool:
    """Whether ``host`` is a name reserved for examples or local use."""
    host = host.lower().rstrip(".")
    if host in RESERVED_NAMES:
        return True
    if host.endswith(RESERVED_SUFFIXES):
        return True
    return host.endswith((".example.com", ".example.org", ".example.net"))


def unsafe_address(address: str) -> str | None:
    """Why ``address`` is not public (``None`` when it is)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"a {kind} address"
    return None if ip.is_global else "a non-public address"


async def system_resolve(host: str, port: int) -> list[str]:
    """Addresses of ``host`` from the system resolver, in its preferred order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ResolutionError(f"DNS lookup failed for {host}: {exc.strerror}") from None
    except UnicodeError:
        raise ResolutionError(f"invalid host name {host!r}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass
class Guard:
    """Resolves once per host and refuses non-public addresses unless allowed."""

    allow_private: bool = False
    resolve: Resolver = system_resolve
    #: Addresses treated as public even though they are not (for tests of the guard).
    public_override: frozenset[str] = frozenset()
    #: Certificates trusted for https (``None``: the system's; tests trust their own CA).
    ssl_context: ssl.SSLContext | None = None
    _cache: dict[tuple[str, int], list[str] | BaseException] = field(default_factory=dict)

    async def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to; raises ResolutionError or UnsafeAddressError."""
        key = (host.lower(), port)
        if key not in self._cache:
            try:
                found = await self.resolve(host, port)
                if not found:
                    raise ResolutionError(f"DNS lookup found no address for {host}")
                self._cache[key] = found
            except ResolutionError as exc:
                self._cache[key] = exc
        cached = self._cache[key]
        if isinstance(cached, BaseException):
            raise cached
        if not self.allow_private:
            for address in cached:
                reason = unsafe_address(address)
                if reason and address not in self.public_override:
                    raise UnsafeAddressError(f"{host} resolves to {address}, {reason}")
        return cached


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, connecting only to addresses the guard approves."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.addresses(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeAddressError("unix sockets are never used for links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport whose connection pool dials through :class:`Guard`.

    httpx does not take a network backend, so the pool it builds is replaced by an
    identical one that has ours (the pool is httpx's documented extension point in
    httpcore; the attribute is stable across httpx 0.2x).
    """

    def __init__(self, guard: Guard, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> None:
        super().__init__(limits=limits, verify=verify, trust_env=False)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(guard),
        )
