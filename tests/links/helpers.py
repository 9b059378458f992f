"""Builders shared by the link tests: parsed pages, documents, settings."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from docs_audit.document import Document, Link
from docs_audit.links.config import LinkSettings
from docs_audit.links.extract import links_from_markdown, links_from_rst


def markdown_parser() -> Any:
    """The page parser the document model uses."""
    from docs_audit.parsing.myst import markdown_parser as page_parser

    return page_parser()


def md_links(text: str) -> list[tuple[str, int, int, str]]:
    text = textwrap.dedent(text)
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    return [
        (link.url, link.line, link.column, link.kind)
        for link in links_from_markdown(tokens, env, text)
    ]


def rst_links(text: str) -> list[tuple[str, int, int, str]]:
    from docutils.core import publish_doctree

    text = textwrap.dedent(text)
    doctree = publish_doctree(
        text, settings_overrides={"report_level": 5, "halt_level": 5, "warning_stream": False}
    )
    return [(link.url, link.line, link.column, link.kind) for link in links_from_rst(doctree, text)]


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
