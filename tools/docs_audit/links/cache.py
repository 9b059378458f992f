"""Successful results kept between runs, so a second run within the TTL sends nothing.

Only working links are kept: a failure is always checked again. The store is an
SQLite file of its own (the history store lives in another file): each answer is
committed as it arrives, so an interrupted run keeps what it learnt; concurrent
runs share it through SQLite's locking, and an update merges the anchors already
known instead of overwriting them. Entries are keyed on the URL *and* on the
settings that change a verdict (accepted statuses, anchors, allowed redirects...),
so a verdict reached under other settings is never reused.

A file that cannot be used (not SQLite, another schema, a corrupt entry) is moved
aside or dropped with a warning: the cache never breaks a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import LinkSettings
from .results import Hop, UrlResult, Verdict

FORMAT = "docs-audit-link-cache"
VERSION = 2
#: Milliseconds a run waits for another run's write to finish.
BUSY_TIMEOUT_MS = 5000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    url TEXT NOT NULL,
    settings TEXT NOT NULL,
    checked REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (url, settings)
);
"""


def verdict_key(settings: LinkSettings) -> str:
    """A fingerprint of the settings that can change a verdict."""
    parts = {
        "accept-status": sorted(settings.accept_status),
        "anchors": settings.anchors,
        "anchor-ignore": [p.pattern for p in settings.anchor_ignore],
        "anchor-ignore-urls": [p.pattern for p in settings.anchor_ignore_urls],
        "anchor-max-bytes": settings.anchor_max_bytes,
        "allowed-redirects": [[s.pattern, t.pattern] for s, t in settings.allowed_redirects],
        "max-redirects": settings.max_redirects,
    }
    text = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class LinkCache:
    path: Path | None
    ttl: float
    now: float
    key: str = ""
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    warning: str | None = None
    _db: sqlite3.Connection | None = None

    @classmethod
    def load(cls, path: Path | None, ttl: float, now: float, key: str = "") -> LinkCache:
        """Open the store at ``path`` (``None``: keep nothing) and read the fresh entries."""
        cache = cls(path, ttl, now, key)
        if path is None:
            return cache
        try:
            cache._open(path)
        except (sqlite3.Error, OSError, ValueError) as exc:
            cache._close()
            if _damaged(exc) and path.exists():
                cache._set_aside(path, _reason(exc))
                try:
                    cache._open(path)
                except (sqlite3.Error, OSError) as again:
                    cache._close()
                    cache._disable(f"link cache cannot be used ({_reason(again)})")
            else:
                cache._disable(f"link cache cannot be used ({_reason(exc)})")
        return cache

    def _open(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA journal_mode = WAL")  # concurrent readers and one writer
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA)
        db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('format', ?), ('version', ?)",
            (FORMAT, str(VERSION)),
        )
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT:
            raise ValueError("not a docs-audit link cache")
        if meta.get("version") != str(VERSION):
            raise ValueError("link cache of another version")
        rows = db.execute(
            "SELECT url, data FROM results WHERE settings = ? AND checked >= ?",
            (self.key, self.now - self.ttl),
        ).fetchall()
        dropped = 0
        for url, data in rows:
            entry = _decode(data)
            if isinstance(url, str) and entry is not None:
                self.entries[url] = entry
            else:
                dropped += 1
        if dropped:
            self.warning = f"{path}: dropped {dropped} malformed link cache entries"

    def _set_aside(self, path: Path, reason: str) -> None:
        aside = path.with_name(path.name + ".corrupt")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                path.with_name(path.name + suffix).unlink()
        try:
            os.replace(path, aside)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink()
        self.warning = f"{path}: link cache discarded ({reason}); starting afresh"
        self.entries.clear()

    def _disable(self, reason: str) -> None:
        self.warning = f"{self.path}: {reason}; results are not cached this run"
        self.path = None
        self.entries.clear()

    def _close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def get(self, url: str, fragments: frozenset[str]) -> UrlResult | None:
        """The cached result when it is fresh and answers for every fragment."""
        entry = self.entries.get(url)
        if entry is None or self.now - float(entry["checked"]) > self.ttl:
            return None
        known = frozenset(entry["anchors_found"]) | frozenset(entry["anchors_unchecked"])
        if not fragments <= known:
            return None
        return UrlResult(
            url,
            Verdict(entry["verdict"]),
            str(entry.get("detail", "")),
            entry.get("status"),
            entry.get("final_url"),
            anchors_found=frozenset(entry["anchors_found"]) & fragments,
            anchors_unchecked=frozenset(entry["anchors_unchecked"]) & fragments,
            cached=True,
            hops=tuple(Hop(*hop) for hop in entry["hops"]),
            anchors_too_big=entry.get("too_big"),
        )

    def put(self, result: UrlResult) -> None:
        """Keep ``result`` at once if it is a success; forget the URL otherwise."""
        if result.cached:
            return
        if not result.verdict.working:
            self.entries.pop(result.url, None)
            self._write("DELETE FROM results WHERE url = ? AND settings = ?", result.url)
            return
        entry: dict[str, Any] = {
            "verdict": result.verdict.value,
            "detail": result.detail,
            "status": result.status,
            "final_url": result.final_url,
            "anchors_found": sorted(result.anchors_found),
            "anchors_unchecked": sorted(result.anchors_unchecked),
            "hops": [[h.url, h.status, h.target] for h in result.hops],
            "too_big": result.anchors_too_big,
            "checked": self.now,
        }
        self.entries[result.url] = entry
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT data, checked FROM results WHERE url = ? AND settings = ?",
                    (result.url, self.key),
                ).fetchone()
                # Another run (or an earlier one) may know other anchors of this page.
                previous = _decode(row[0]) if row else None
                if previous is not None and self.now - float(row[1]) <= self.ttl:
                    for name in ("anchors_found", "anchors_unchecked"):
                        entry[name] = sorted(set(entry[name]) | set(previous[name]))
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                    (result.url, self.key, self.now, json.dumps(entry)),
                )
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._close()
            self._disable(f"link cache cannot be written ({_reason(exc)})")

    def _write(self, statement: str, url: str) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(statement, (url, self.key))
        except sqlite3.Error as exc:
            self._close()
            self._disable(f"link cache cannot be written ({_reason(exc)})")

    def save(self) -> None:
        """Drop expired entries and close; every answer was written as it came."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("DELETE FROM results WHERE checked < ?", (self.now - self.ttl,))
        self._close()


def _decode(data: Any) -> dict[str, Any] | None:
    """A stored entry, or ``None`` when it is malformed (deep nesting included)."""
    if not isinstance(data, str) or len(data) > 1_000_000:
        return None
    try:
        entry = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return entry if _valid(entry) else None


def _valid(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    try:
        verdict = Verdict(entry["verdict"])
        float(entry["checked"])
    except (KeyError, ValueError, TypeError):
        return False
    hops = entry.get("hops")
    return (
        verdict.working
        and all(
            isinstance(entry.get(key), list) and all(isinstance(x, str) for x in entry[key])
            for key in ("anchors_found", "anchors_unchecked")
        )
        and isinstance(hops, list)
        and all(
            isinstance(h, list)
            and len(h) == 3
            and isinstance(h[0], str)
            and isinstance(h[1], int)
            and isinstance(h[2], str)
            for h in hops
        )
        and (entry.get("status") is None or isinstance(entry["status"], int))
        and (entry.get("final_url") is None or isinstance(entry["final_url"], str))
        and (entry.get("too_big") is None or isinstance(entry["too_big"], int))
    )


def _damaged(exc: BaseException) -> bool:
    """Whether the file itself is unusable (set it aside), not merely busy or unwritable."""
    if isinstance(exc, ValueError):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        transient = ("locked", "busy", "unable to open", "readonly", "disk i/o", "full")
        return not any(word in text for word in transient)
    return isinstance(exc, sqlite3.DatabaseError)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValueError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return str(exc) or "not an SQLite database"
    return getattr(exc, "strerror", None) or type(exc).__name__
