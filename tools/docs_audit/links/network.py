"""Where the checker may connect: reserved names refused before any lookup,
resolved addresses refused at connect time (so every redirect hop is covered and a
name cannot resolve to a public address first and a private one later).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import threading
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


#: Lookups running at once (each holds a thread while the system resolver works).
LOOKUPS = 16
_lookups: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


async def system_resolve(host: str, port: int) -> list[str]:
    """Addresses of ``host`` from the system resolver, in its preferred order.

    Each lookup runs in a daemon thread of its own rather than in asyncio's default
    executor: without a network a lookup can block for the resolver's own timeout,
    and ``asyncio.run`` (and the interpreter) would wait for those threads at exit
    although the audit has long decided.
    """
    loop = asyncio.get_running_loop()
    semaphore = _lookups.setdefault(loop, asyncio.Semaphore(LOOKUPS))
    async with semaphore:
        future: asyncio.Future[list[str]] = loop.create_future()

        def deliver(outcome: list[str] | BaseException) -> None:
            if future.done():
                return
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

        def lookup() -> None:
            outcome: list[str] | BaseException
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                outcome = list(dict.fromkeys(str(info[4][0]) for info in infos))
            except socket.gaierror as exc:
                outcome = ResolutionError(f"DNS lookup failed for {host}: {exc.strerror}")
            except (UnicodeError, ValueError):
                outcome = ResolutionError(f"invalid host name {host!r}")
            except OSError as exc:
                outcome = ResolutionError(f"DNS lookup failed for {host}: {exc.strerror}")
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(deliver, outcome)

        threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
        return await future


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
    #: Whether any TCP connection was made (the network works, whatever links fail).
    connected: bool = False
    #: Whether any name resolved (DNS works, even if no connection was made yet).
    resolved: bool = False
    _pending: dict[tuple[str, int], asyncio.Future[list[str] | BaseException]] = field(
        default_factory=dict
    )

    async def _lookup(self, host: str, port: int) -> list[str] | BaseException:
        try:
            found = await self.resolve(host, port)
        except ResolutionError as exc:
            return exc
        if not found:
            return ResolutionError(f"DNS lookup found no address for {host}")
        self.resolved = True
        return found

    async def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to; raises ResolutionError or UnsafeAddressError.

        Requests to one host share one lookup, even while it is still running.
        """
        key = (host.lower(), port)
        if key not in self._cache:
            pending = self._pending.get(key)
            if pending is None:
                pending = self._pending[key] = asyncio.ensure_future(self._lookup(host, port))
                pending.add_done_callback(lambda _: self._pending.pop(key, None))
            # Shielded: one request giving up must not cancel the others' lookup.
            self._cache[key] = await asyncio.shield(pending)
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
                stream = await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
            else:
                self._guard.connected = True
                return stream
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


#: httpcore's exceptions and the httpx ones they become, most specific first.
_MAPPED: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _as_httpx(exc: Exception) -> Exception:
    """The httpx exception for an httpcore one (others unchanged), the cause kept."""
    for source, target in _MAPPED:
        if isinstance(exc, source):
            mapped = target(str(exc))
            mapped.__cause__ = exc
            return mapped
    return exc


class _Stream(httpx.AsyncByteStream):
    """A response body from httpcore, its errors turned into httpx ones."""

    def __init__(self, inner: typing.AsyncIterable[bytes]) -> None:
        self._inner = inner

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        try:
            async for part in self._inner:
                yield part
        except Exception as exc:
            raise _as_httpx(exc) from exc

    async def aclose(self) -> None:
        close = getattr(self._inner, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over httpcore connection pools that dial through :class:`Guard`.

    Built from public API only: httpcore's pool takes a ``network_backend``, and
    httpx's ``AsyncBaseTransport`` is its documented extension point. One small pool
    per origin: httpcore's pool scans all its connections for every request, so a
    single pool over many hosts costs CPU in proportion to their number.
    """

    def __init__(self, guard: Guard, limits: httpx.Limits, verify: ssl.SSLContext | bool) -> None:
        self._context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._limits = limits
        self._backend = _GuardedBackend(guard)
        self._pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}

    def _pool(self, url: httpx.URL) -> httpcore.AsyncConnectionPool:
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpcore.AsyncConnectionPool(
                ssl_context=self._context,
                max_connections=self._limits.max_connections,
                max_keepalive_connections=self._limits.max_keepalive_connections,
                keepalive_expiry=self._limits.keepalive_expiry,
                network_backend=self._backend,
            )
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool(request.url).handle_async_request(core)
        except Exception as exc:
            raise _as_httpx(exc) from exc
        assert isinstance(response.stream, typing.AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
