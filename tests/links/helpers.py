"""Builders shared by the link tests: parsed pages, documents, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docs_audit.document import Document, Link
from docs_audit.links.config import LinkSettings


def document(*urls: str, path: str = "docs/page.md") -> Document:
    """A page whose links are ``urls``, one per line, in column 1."""
    return Document(
        relpath=path,
        docname=Path(path).stem,
        format="md",
        text="\n".join(urls),
        links=[Link(url, number, 1) for number, url in enumerate(urls, start=1)],
    )


def settings(**overrides: Any) -> LinkSettings:
    """Fast settings for loopback servers: short timeouts and backoffs, no cache."""
    values: dict[str, Any] = {
        "allow_private": True,
        "timeout": 1.0,
        "retries": 2,
        "retry_backoff": 0.01,
        "retry_after_cap": 5.0,
        "cache_file": None,
        "environ": {},
    }
    values.update(overrides)
    return LinkSettings(**values)
