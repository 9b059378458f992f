"""Heading slugs exactly as MyST's ``github`` preset computes them (the default)."""

from __future__ import annotations

import re
from collections.abc import Container

_NOT_SLUG = re.compile(r"[^\w\u4e00-\u9fff\- ]")


def github_slug(title: str) -> str:
    # MyST does not strip the title first: surrounding spaces become hyphens.
    return _NOT_SLUG.sub("", title.lower().replace(" ", "-"))


def unique_slug(slug: str, taken: Container[str]) -> str:
    candidate, index = slug, 1
    while candidate in taken:
        candidate = f"{slug}-{index}"
        index += 1
    return candidate
