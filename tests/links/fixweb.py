"""A loopback web server for the ``--fix`` tests that speaks http and https on one port.

The first byte of a connection tells a TLS ClientHello (0x16) from an HTTP request,
so ``http://127.0.0.1:PORT/x`` and ``https://127.0.0.1:PORT/x`` are the same host and
port, as they are for a real site on ports 80 and 443. The certificate comes from a
throwaway CA made for the test session; clients trust it through
:func:`client_context`.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

#: (status, headers, body)
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Routes:
    """``(scheme, path)`` to an answer; scheme ``*`` answers both."""

    table: dict[tuple[str, str], Answer] = field(default_factory=dict)
    seen: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, path: str, status: int = 200, scheme: str = "*", **headers: str) -> None:
        body = b"<!doctype html><html><body><h2 id='install'>x</h2></body></html>"
        names = {k.replace("_", "-"): v for k, v in headers.items()}
        names.setdefault("content-type", "text/html; charset=utf-8")
        self.table[(scheme, path)] = (status, names, body)

    def moved(self, path: str, status: int, location: str, scheme: str = "*") -> None:
        self.add(path, status, scheme, location=location)

    def answer(self, scheme: str, path: str) -> Answer:
        found = self.table.get((scheme, path)) or self.table.get(("*", path))
        return found or (404, {"content-type": "text/html"}, b"<html>not found</html>")


class _Handler(BaseHTTPRequestHandler):
    server: _DualServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._reply(with_body=True)

    def do_HEAD(self) -> None:
        self._reply(with_body=False)

    def _reply(self, with_body: bool) -> None:
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        self.server.routes.seen.append((scheme, self.command, self.path))
        status, headers, body = self.server.routes.answer(scheme, self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _DualServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: Routes, tls: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.tls = tls

    def finish_request(self, request: Any, client_address: Any) -> None:
        # In the connection's own thread: peeking here never blocks the accept loop.
        try:
            request.settimeout(5)
            first = request.recv(1, socket.MSG_PEEK)
            if first != b"\x16":
                super().finish_request(request, client_address)
                return
            secure = self.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        # The wrapped socket replaces the plain one, which the server would close.
        with secure:
            super().finish_request(secure, client_address)


@dataclass
class FixWeb:
    routes: Routes
    port: int

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"


@dataclass(frozen=True)
class Authority:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it."""

    ca_pem: bytes
    cert_file: Path
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_authority(folder: Path) -> Authority:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docs-audit test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Authority(ca.public_bytes(serialization.Encoding.PEM), cert_file, key_file)


def serve(authority: Authority) -> Iterator[FixWeb]:
    """Run a dual-protocol server until the generator is closed (a fixture's body)."""
    routes = Routes()
    server = _DualServer(routes, authority.server_context())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FixWeb(routes, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
