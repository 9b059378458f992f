"""Builders shared by the link tests: parsed pages, documents, settings."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from docs_audit.document import Document, Link
from docs_audit.links.config import LinkSettings
from docs_audit.links.extract import links_from_markdown, links_from_rst


def markdown_parser() -> Any:
    """The page parser as the lead's MyST parser builds it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    md = MarkdownIt("commonmark")
    for plugin in (
        front_matter_plugin,
        myst_role_plugin,
        myst_block_plugin,
        colon_fence_plugin,
        deflist_plugin,
        dollarmath_plugin,
    ):
        md.use(plugin)
    return md


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
