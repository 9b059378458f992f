"""Successful results kept between runs, so a second run within the TTL sends nothing.

Only working links are kept: a failure is always checked again. The file is JSON
with a format marker; a corrupt or foreign file is discarded with a warning, and
writes go to a temporary file renamed over the old one, so a crash never leaves half
a cache behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .results import UrlResult, Verdict

FORMAT = "docs-audit-link-cache"
VERSION = 1


@dataclass
class LinkCache:
    path: Path | None
    ttl: float
    now: float
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    warning: str | None = None

    @classmethod
    def load(cls, path: Path | None, ttl: float, now: float) -> LinkCache:
        cache = cls(path, ttl, now)
        if path is None or not path.exists():
            return cache
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            cache.warning = f"{path}: link cache is unreadable ({_reason(exc)}); starting afresh"
            return cache
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            cache.warning = f"{path}: not a docs-audit link cache; starting afresh"
            return cache
        if data.get("version") != VERSION or not isinstance(data.get("entries"), dict):
            cache.warning = f"{path}: link cache of another version; starting afresh"
            return cache
        cache.entries = {
            url: entry
            for url, entry in data["entries"].items()
            if isinstance(url, str) and _valid(entry)
        }
        if len(cache.entries) != len(data["entries"]):
            cache.warning = f"{path}: dropped malformed link cache entries"
        return cache

    def get(self, url: str, fragments: frozenset[str]) -> UrlResult | None:
        """The cached result when it is fresh and answers for every fragment."""
        entry = self.entries.get(url)
        if entry is None or self.now - float(entry["checked"]) > self.ttl:
            return None
        result = UrlResult(
            url,
            Verdict(entry["verdict"]),
            str(entry.get("detail", "")),
            entry.get("status"),
            entry.get("final_url"),
            anchors_found=frozenset(entry["anchors_found"]) & fragments,
            anchors_unchecked=frozenset(entry["anchors_unchecked"]) & fragments,
            cached=True,
            redirects=_redirects(entry.get("redirects")),
            content_type=_text(entry.get("content_type")),
        )
        known = frozenset(entry["anchors_found"]) | frozenset(entry["anchors_unchecked"])
        return result if fragments <= known else None

    def put(self, result: UrlResult) -> None:
        """Keep ``result`` if it is a success; forget the URL otherwise."""
        if not result.verdict.working or result.cached:
            if not result.verdict.working:
                self.entries.pop(result.url, None)
            return
        previous = self.entries.get(result.url)
        found = set(result.anchors_found)
        unchecked = set(result.anchors_unchecked)
        if previous is not None and self.now - float(previous["checked"]) <= self.ttl:
            found |= set(previous["anchors_found"])
            unchecked |= set(previous["anchors_unchecked"])
        self.entries[result.url] = {
            "verdict": result.verdict.value,
            "detail": result.detail,
            "status": result.status,
            "final_url": result.final_url,
            "anchors_found": sorted(found),
            "anchors_unchecked": sorted(unchecked),
            "checked": self.now,
            "redirects": [list(hop) for hop in result.redirects],
            "content_type": result.content_type,
        }

    def save(self) -> None:
        """Write atomically; expired entries are dropped."""
        if self.path is None:
            return
        live = {
            url: entry
            for url, entry in sorted(self.entries.items())
            if self.now - float(entry["checked"]) <= self.ttl
        }
        payload = json.dumps(
            {"format": FORMAT, "version": VERSION, "entries": live}, indent=1, sort_keys=True
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _redirects(value: Any) -> tuple[tuple[int, str], ...]:
    """The redirect chain of an entry; entries written before it was kept have none."""
    if not isinstance(value, list):
        return ()
    hops = []
    for hop in value:
        if not (
            isinstance(hop, list)
            and len(hop) == 2
            and isinstance(hop[0], int)
            and isinstance(hop[1], str)
        ):
            return ()
        hops.append((hop[0], hop[1]))
    return tuple(hops)


def _valid(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    try:
        Verdict(entry["verdict"])
        float(entry["checked"])
    except (KeyError, ValueError, TypeError):
        return False
    return (
        all(
            isinstance(entry.get(key), list) and all(isinstance(x, str) for x in entry[key])
            for key in ("anchors_found", "anchors_unchecked")
        )
        and Verdict(entry["verdict"]).working
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno}"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    return getattr(exc, "strerror", None) or type(exc).__name__
