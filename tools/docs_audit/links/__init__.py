"""The link audit: check the external URLs of the pages politely.

The parsers find the URLs (:mod:`docs_audit.parsing.urls`, into ``Document.links``);
the checker (httpx, asyncio) is loaded only when :func:`check_links` is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import LinkReport, check_links
    from .report import markdown_report

__all__ = ["LinkReport", "check_links", "markdown_report"]


def __getattr__(name: str) -> Any:
    if name in ("LinkReport", "check_links"):
        from . import api as check

        return getattr(check, name)
    if name == "markdown_report":
        from .report import markdown_report

        return markdown_report
    raise AttributeError(name)
