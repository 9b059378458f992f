"""``[tool.docs-audit.links]``: kebab-case keys, validated values, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_audit.config import keys_of, load_config
from docs_audit.findings import UsageError
from docs_audit.links.config import (
    HostHeaders,
    LinkSettings,
    LinksTable,
    parse_origin,
    settings_from,
    substitute,
)


def project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\n{table}\n',
        encoding="utf-8",
    )
    return tmp_path / "pyproject.toml"


def test_settings_from_the_table(tmp_path: Path) -> None:
    path = project(
        tmp_path,
        """\
concurrency = 8
per-host-concurrency = 1
timeout = 5
cache-ttl = 60
ignore = ["^https://internal\\\\."]
accept-status = [403, 999]
allowed-redirects = {"^https://docs\\\\.x\\\\.org/$" = "^https://docs\\\\.x\\\\.org/en/"}
headers = {"github.com" = {Authorization = "Bearer ${GITHUB_TOKEN}"}}
allow-private = true
require-network = true
""",
    )
    settings = settings_from(load_config(path))
    assert (settings.concurrency, settings.per_host_concurrency, settings.timeout) == (8, 1, 5)
    assert settings.accept_status == {403, 999}
    assert settings.ignore[0].search("https://internal.corp/")
    assert settings.headers[0].pattern == "github.com"
    assert settings.allow_private and settings.require_network
    assert settings.cache_file == tmp_path / ".docs-audit-cache" / "link-cache.sqlite"


def test_defaults_are_polite() -> None:
    keys = {key.name: key for key in keys_of(LinksTable, "docs-audit.links")}
    assert keys["per-host-concurrency"].default == 2
    assert keys["allow-private"].default is False
    assert all(key == key.lower() and "_" not in key for key in keys)
    # The engine's settings take their defaults from the one declaration.
    assert LinkSettings().per_host_concurrency == keys["per-host-concurrency"].default


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("concurrency = 0", "'docs-audit.links.concurrency' must be greater than 0, got 0"),
        ("retries = -1", "'docs-audit.links.retries' must not be negative, got -1"),
        ('ignore = ["("]', "'docs-audit.links.ignore': invalid regular expression '('"),
        (
            'headers = {"x.org" = "token"}',
            "'docs-audit.links.headers.x.org' must be a table of header = \"value\"",
        ),
        ('timeout = "fast"', "'docs-audit.links.timeout' must be float, got str"),
        ("colour = true", "unknown key 'docs-audit.links.colour'"),
        ("budget = -1", "'docs-audit.links.budget' must not be negative, got -1"),
        (
            "request-deadline = 0",
            "'docs-audit.links.request-deadline' must be greater than 0, got 0",
        ),
        ("min-rate = -5", "'docs-audit.links.min-rate' must not be negative, got -5"),
        (
            'headers = {"ftp://x.org" = {A = "b"}}',
            "'docs-audit.links.headers.ftp://x.org': expected [http(s)://]host[:port]",
        ),
        (
            'headers = {"x.org" = {"Bad Name" = "b"}}',
            "header 'Bad Name': not a valid header name",
        ),
    ],
)
def test_invalid_values_are_one_line_errors(tmp_path: Path, table: str, message: str) -> None:
    path = project(tmp_path, table)
    with pytest.raises(UsageError) as error:
        settings_from(load_config(path))
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_environment_substitution() -> None:
    assert substitute("Bearer ${T}", {"T": "abc"}) == "Bearer abc"
    assert substitute("Bearer ${T}", {}) is None
    assert substitute("plain", {}) == "plain"


def test_header_keys_are_origins() -> None:
    assert parse_origin("api.github.com") == ("https", "api.github.com", 443)
    assert parse_origin("http://127.0.0.1:8080/") == ("http", "127.0.0.1", 8080)
    assert parse_origin("HTTPS://*.Example.org") == ("https", "*.example.org", 443)
    assert parse_origin("http://[::1]:81") == ("http", "::1", 81)
    rule = HostHeaders("*.github.com", (("A", "b"),))
    assert rule.matches("https", "api.github.com", None)
    assert rule.matches("https", "api.github.com", 443)
    assert not rule.matches("http", "api.github.com", None)  # never in clear text
    assert not rule.matches("https", "api.github.com", 8443)  # nor to another port
